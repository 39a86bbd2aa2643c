"""A :class:`~preventia.collect.politeness.HostLimiter` shared by worker processes (Redis).

Same contract as the in-memory limiter: one request at a time per host, and at least
``delay`` seconds between the release of one slot and the start of the next, across all
processes using the same Redis and key prefix. Per host two keys:

* ``<prefix><host>:lock`` — held (``SET NX PX``) while a request is in flight, with a
  random token so that only the holder releases it; it expires after ``lock_ttl`` in case
  a worker dies mid-request;
* ``<prefix><host>:last`` — the Redis server time (ms) of the last release; Redis's own
  clock is used so that workers on different machines agree.

Waiting for the lock polls every ``poll_seconds`` (no fairness guarantee between waiters).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  local t = redis.call('time')
  redis.call('set', KEYS[2], t[1] * 1000 + math.floor(t[2] / 1000), 'PX', ARGV[2])
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisHostLimiter:
    """Per-host politeness shared through Redis (see the module doc)."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "preventia:polite:",
        lock_ttl_seconds: float = 300.0,
        poll_seconds: float = 0.05,
        remember_seconds: float = 3600.0,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._lock_ttl_ms = int(lock_ttl_seconds * 1000)
        self._poll = poll_seconds
        self._remember_ms = int(remember_seconds * 1000)

    async def _now_ms(self) -> int:
        seconds, micros = await self._redis.time()
        return int(seconds) * 1000 + int(micros) // 1000

    async def _acquire(self, lock_key: str, token: str) -> None:
        while not await self._redis.set(lock_key, token, nx=True, px=self._lock_ttl_ms):
            await asyncio.sleep(self._poll)

    async def _wait_for_delay(self, last_key: str, delay: float) -> None:
        last = await self._redis.get(last_key)
        if last is None:
            return
        wait_ms = int(last) + int(delay * 1000) - await self._now_ms()
        if wait_ms > 0:
            await asyncio.sleep(wait_ms / 1000)

    @asynccontextmanager
    async def slot(self, host: str, delay: float) -> AsyncIterator[None]:
        base = self._prefix + host.lower()
        lock_key, last_key = base + ":lock", base + ":last"
        token = secrets.token_hex(16)
        await self._acquire(lock_key, token)
        try:
            await self._wait_for_delay(last_key, delay)
            yield
        finally:
            await self._redis.eval(  # type: ignore[misc]
                _RELEASE, 2, lock_key, last_key, token, str(self._remember_ms)
            )
