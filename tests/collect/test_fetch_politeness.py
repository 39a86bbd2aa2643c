"""Per-host politeness: one request at a time per host, a delay between requests to a
host (measured at the fixture server), different hosts in parallel."""

from __future__ import annotations

import asyncio
import itertools
import time

from preventia.collect.fetch import Fetcher, FetchResult
from preventia.collect.politeness import HostLimiter, InMemoryHostLimiter
from tests.collect.conftest import fast_options, no_dns
from tests.fixtures.site import FixtureSite

DELAY = 0.2


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_delay_per_host_kept_while_hosts_run_in_parallel(fixture_site: FixtureSite) -> None:
    h1 = [a.url for a in fixture_site.articles if a.host == "127.0.0.1"][:4]
    h2 = [a.url for a in fixture_site.articles if a.host == "127.0.0.2"][:4]

    async def run() -> list[FetchResult]:
        async with Fetcher(
            fast_options(min_delay_seconds=DELAY, jitter_seconds=0.05), resolver=no_dns
        ) as f:
            return await asyncio.gather(*(f.fetch(u) for u in h1 + h2))

    fixture_site.clear_log()
    started = time.monotonic()
    results = asyncio.run(run())
    wall = time.monotonic() - started
    assert all(r.ok for r in results)
    per_host = {
        h: [r.time for r in fixture_site.requests_to(h)] for h in ("127.0.0.1", "127.0.0.2")
    }
    for host, times in per_host.items():
        assert len(times) == 5, host  # robots.txt + 4 pages
        assert min(_gaps(times)) >= DELAY - 0.01, (host, _gaps(times))
    # in parallel: each host needs >= 4 delays; serially the 10 requests would need >= 8
    assert abs(per_host["127.0.0.1"][0] - per_host["127.0.0.2"][0]) < DELAY
    assert wall < 8 * DELAY, wall


def test_one_request_at_a_time_per_host() -> None:
    limiter: HostLimiter = InMemoryHostLimiter()
    in_flight: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}
    starts: dict[str, list[float]] = {"a": [], "b": []}

    async def request(host: str) -> None:
        async with limiter.slot(host, 0.1):
            starts[host].append(time.monotonic())
            in_flight[host] += 1
            peak[host] = max(peak[host], in_flight[host])
            await asyncio.sleep(0.02)
            in_flight[host] -= 1

    async def run() -> None:
        await asyncio.gather(*(request(h) for h in "abababab"))

    asyncio.run(run())
    assert peak == {"a": 1, "b": 1}
    for host in "ab":
        assert min(_gaps(starts[host])) >= 0.02 + 0.1 - 0.005
    assert abs(starts["a"][0] - starts["b"][0]) < 0.05  # b did not wait for a


def test_zero_delay_and_host_case() -> None:
    limiter = InMemoryHostLimiter()

    async def run() -> float:
        started = time.monotonic()
        for host in ("Example.org", "example.org", "EXAMPLE.ORG"):
            async with limiter.slot(host, 0.0):
                pass
        return time.monotonic() - started

    assert asyncio.run(run()) < 0.05
    assert len(limiter) == 1
