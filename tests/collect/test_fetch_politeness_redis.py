"""The Redis-backed host limiter against the real Redis: two limiters (as two workers
would have) share one-at-a-time and the delay per host; other hosts are not held up."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import pytest
from redis.asyncio import Redis

from preventia.collect.fetch import Fetcher
from preventia.collect.politeness_redis import RedisHostLimiter
from tests.collect.conftest import fast_options, no_dns
from tests.fixtures.site import FixtureSite

pytestmark = pytest.mark.redis
DELAY = 0.15


def test_two_workers_share_politeness(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    starts: dict[str, list[float]] = {"a": [], "b": []}
    in_flight = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}

    async def request(limiter: RedisHostLimiter, host: str) -> None:
        async with limiter.slot(host, DELAY):
            starts[host].append(time.monotonic())
            in_flight[host] += 1
            peak[host] = max(peak[host], in_flight[host])
            await asyncio.sleep(0.02)
            in_flight[host] -= 1

    async def run() -> None:
        clients = [Redis.from_url(redis_url), Redis.from_url(redis_url)]
        workers = [RedisHostLimiter(c, prefix=prefix, poll_seconds=0.01) for c in clients]
        try:
            jobs = [request(workers[i % 2], h) for i, h in enumerate("aaaabb")]
            await asyncio.gather(*jobs)
        finally:
            for client in clients:
                await client.aclose()

    asyncio.run(run())
    assert peak == {"a": 1, "b": 1}
    gaps = [b - a for a, b in itertools.pairwise(starts["a"])]
    assert min(gaps) >= 0.02 + DELAY - 0.01, gaps
    assert starts["b"][0] - starts["a"][0] < DELAY  # host b did not queue behind a


def test_fetcher_with_redis_limiter(redis_url: str, fixture_site: FixtureSite) -> None:
    urls = [a.url for a in fixture_site.articles if a.host == "127.0.0.2"][:3]

    async def run() -> bool:
        client = Redis.from_url(redis_url)
        limiter = RedisHostLimiter(client, prefix=f"test:{uuid.uuid4().hex}:")
        options = fast_options(min_delay_seconds=DELAY)
        try:
            async with Fetcher(options, limiter=limiter, resolver=no_dns) as fetcher:
                return all(r.ok for r in await asyncio.gather(*(fetcher.fetch(u) for u in urls)))
        finally:
            await client.aclose()

    fixture_site.clear_log()
    assert asyncio.run(run())
    times = [r.time for r in fixture_site.requests_to("127.0.0.2")]
    assert min(b - a for a, b in itertools.pairwise(times)) >= DELAY - 0.01
