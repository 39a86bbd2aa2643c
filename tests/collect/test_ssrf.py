"""The SSRF guard: address table, URL pre-check, resolution, and real fetches."""

from __future__ import annotations

import asyncio
import ipaddress

import httpx
import pytest

from preventia.collect.fetch import Fetcher, FetchOutcome
from preventia.collect.ssrf import (
    BlockedAddressError,
    GuardPolicy,
    IPAddress,
    blocked_reason,
    check_url,
    parse_ip_literal,
    resolve_checked,
)
from tests.collect.conftest import fast_options, no_dns
from tests.fixtures.site import FixtureSite

GUARD_ON = GuardPolicy()

BLOCKED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.100.100.200",  # Alibaba metadata, carrier-grade NAT range
    "100.64.0.1",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.0.8",
    "192.0.2.1",  # documentation
    "198.18.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",  # AWS IPv6 metadata
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", BLOCKED)
def test_blocked_addresses(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f.0.0.1", "127.0.0.1"),  # hex
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("127.1", "127.0.0.1"),  # short form
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("fe80::1%25eth0", "fe80::1"),  # zone id
        ("example.com", None),
        ("cafe.de", None),
    ],
)
def test_ip_literal_forms(host: str, expected: str | None) -> None:
    expected_ip = ipaddress.ip_address(expected) if expected else None
    assert parse_ip_literal(host) == expected_ip


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://[::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http://user:secret@example.com/",
        "http:///nohost",
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises((BlockedAddressError, httpx.InvalidURL)):
        check_url(url, GUARD_ON)


def test_check_url_accepts_public_names_and_addresses() -> None:
    assert check_url("https://www.cancer.gov/news", GUARD_ON).host == "www.cancer.gov"
    assert check_url("http://93.184.216.34/", GUARD_ON).host == "93.184.216.34"
    assert check_url("http://127.0.0.1/", GuardPolicy(allow_private_networks=True))


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve


def test_resolution_refuses_when_any_address_is_private() -> None:
    policy = GuardPolicy(
        resolver=_resolver({"mixed.test": ["93.184.216.34", "10.0.0.7"], "ok.test": ["8.8.8.8"]})
    )
    with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.7"):
        asyncio.run(resolve_checked("mixed.test", 80, policy))
    assert asyncio.run(resolve_checked("ok.test", 80, policy)) == [ipaddress.ip_address("8.8.8.8")]


def test_allowed_networks_are_narrow_exceptions() -> None:
    policy = GuardPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),))
    check_url("http://127.0.0.1/", policy)
    with pytest.raises(BlockedAddressError):
        check_url("http://127.0.0.2/", policy)


# --- through the fetcher, over real HTTP on loopback ----------------------------------


def _fetch(url: str, **options: object) -> tuple[FetchOutcome, str]:
    async def run() -> tuple[FetchOutcome, str]:
        async with Fetcher(fast_options(**options), resolver=no_dns) as fetcher:
            result = await fetcher.fetch(url)
            return result.outcome, result.detail

    return asyncio.run(run())


def test_guard_on_refuses_the_loopback_fixture(fixture_site: FixtureSite) -> None:
    fixture_site.clear_log()
    url = fixture_site.articles[0].url
    port = fixture_site.port("127.0.0.1")
    for candidate in (url, f"http://2130706433:{port}/", f"http://[::ffff:127.0.0.1]:{port}/"):
        outcome, _ = _fetch(candidate, allowed_networks=())
        assert outcome is FetchOutcome.BLOCKED_ADDRESS
    assert fixture_site.requests == []  # nothing ever connected


def test_decimal_ip_form_really_reaches_loopback(fixture_site: FixtureSite) -> None:
    """The odd spellings are not a theoretical worry: with the guard off they connect."""
    port = fixture_site.port("127.0.0.1")
    path = fixture_site.articles[0].url.split(str(port), 1)[1]
    outcome, _ = _fetch(f"http://2130706433:{port}{path}", allow_private_networks=True)
    assert outcome is FetchOutcome.OK


def test_redirect_to_metadata_address_is_refused(fixture_site: FixtureSite) -> None:
    outcome, detail = _fetch(fixture_site.hostile["redirect_private"].url)
    assert outcome is FetchOutcome.BLOCKED_ADDRESS
    assert "169.254.169.254" in detail


def test_redirect_hop_to_another_private_host_is_refused(fixture_site: FixtureSite) -> None:
    only_h1 = (ipaddress.ip_network("127.0.0.1/32"),)
    fixture_site.clear_log()
    outcome, detail = _fetch(fixture_site.special["syndicated"], allowed_networks=only_h1)
    assert outcome is FetchOutcome.BLOCKED_ADDRESS and "127.0.0.2" in detail
    assert fixture_site.requests_to("127.0.0.2") == []


def test_name_resolving_to_private_address_is_refused_at_connect(
    fixture_site: FixtureSite,
) -> None:
    """A host *name* passes the pre-check; the connect-time check still refuses it."""

    async def run() -> FetchOutcome:
        options = fast_options(allowed_networks=())
        async with Fetcher(options, resolver=fixture_site.resolver) as fetcher:
            port = fixture_site.port("127.0.0.1")
            return (
                await fetcher.fetch(f"http://site1.fixture.test:{port}/feeds/empty.xml")
            ).outcome

    fixture_site.clear_log()
    assert asyncio.run(run()) is FetchOutcome.BLOCKED_ADDRESS
    assert fixture_site.requests == []


def test_connect_goes_to_the_vetted_address(fixture_site: FixtureSite) -> None:
    """DNS rebinding: the name is resolved once per connection and the socket connects to
    exactly that vetted address, even if a second lookup would answer otherwise."""
    answers = iter(["127.0.0.1", "127.0.0.3", "127.0.0.3", "127.0.0.3"])
    calls: list[str] = []

    async def flipping(host: str, port: int) -> list[IPAddress]:
        calls.append(host)
        return [ipaddress.ip_address(next(answers))]

    async def run() -> FetchOutcome:
        options = fast_options(
            allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),), obey_robots=False
        )
        async with Fetcher(options, resolver=flipping) as fetcher:
            port = fixture_site.port("127.0.0.1")
            return (
                await fetcher.fetch(f"http://flip.test:{port}/feeds/empty.xml", kind="feed")
            ).outcome

    fixture_site.clear_log()
    assert asyncio.run(run()) is FetchOutcome.OK
    assert calls == ["flip.test"]
    assert [r.host for r in fixture_site.requests] == ["127.0.0.1"]
    assert fixture_site.requests[0].headers["host"].startswith("flip.test")
