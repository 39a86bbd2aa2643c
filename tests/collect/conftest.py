"""Fixtures for the fetcher tests: the loopback fixture news site and fast options."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from preventia.collect.fetch import FetchOptions
from preventia.collect.ssrf import IPAddress
from tests.fixtures.site import FixtureSite

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[FixtureSite]:
    """The shared fixture site (do not change its routes; use ``private_site`` for that)."""
    with FixtureSite() as site:
        yield site


@pytest.fixture
def private_site() -> Iterator[FixtureSite]:
    """A fresh, empty site on two other loopback addresses, free to reconfigure."""
    with FixtureSite(hosts=("127.0.0.11", "127.0.0.12"), populate=False) as site:
        yield site


async def no_dns(host: str, port: int) -> list[IPAddress]:
    """Tests never resolve names through DNS (no internet): fail loudly if one tries."""
    raise AssertionError(f"a test tried to resolve {host!r} through DNS")


def fast_options(**overrides: object) -> FetchOptions:
    """Small delays and timeouts; the SSRF guard ON with loopback as the only exception
    (so a redirect to 169.254.169.254 is still refused)."""
    base = FetchOptions(
        min_delay_seconds=0.0,
        jitter_seconds=0.0,
        connect_timeout=1.0,
        read_timeout=0.5,
        total_timeout=1.0,
        max_retries=1,
        backoff_seconds=0.05,
        allowed_networks=(LOOPBACK,),
    )
    import dataclasses

    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]
