"""What a worker process shares between its task threads.

One event loop runs in a background thread with one :class:`Fetcher`, so every task of the
process shares the HTTP connection pool, the robots.txt cache and the per-host limiter
(Redis-backed when Redis is configured, so politeness holds across all workers). Task
threads submit coroutines to that loop and wait for them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from redis.asyncio import Redis as AsyncRedis

from preventia.collect.config import fetch_options
from preventia.collect.fetch import Fetcher
from preventia.collect.politeness import HostLimiter, InMemoryHostLimiter
from preventia.collect.politeness_redis import RedisHostLimiter
from preventia.db import Database, build_database
from preventia.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class Runtime:
    """Database engines, an event loop thread and a shared fetcher for one process."""

    def __init__(self, settings: Settings, database: Database | None = None) -> None:
        self.settings = settings
        self.database = database or build_database(settings)
        self._owns_database = database is None
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="preventia-io", daemon=True
        )
        self._thread.start()
        self.fetcher: Fetcher = self.run(self._make_fetcher())

    async def _make_fetcher(self) -> Fetcher:
        limiter: HostLimiter
        if self.settings.redis_url:
            # A crashed worker's hold on a host expires soon after its request would have.
            ttl = self.settings.crawl.total_timeout + 10
            limiter = RedisHostLimiter(
                AsyncRedis.from_url(self.settings.redis_url), lock_ttl_seconds=ttl
            )
        else:
            limiter = InMemoryHostLimiter()
        return Fetcher(fetch_options(self.settings), limiter=limiter)

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the shared loop and wait for its result (from any thread)."""
        return self.submit(coroutine).result()

    def close(self) -> None:
        try:
            self.run(self.fetcher.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            if self._owns_database:
                self.database.dispose()
