"""Per-host politeness: one request at a time per host and a pause between requests.

:class:`HostLimiter` is the small interface the fetcher depends on, so that a shared
(Redis-backed) limiter can replace :class:`InMemoryHostLimiter` when several worker
processes crawl at once. The in-memory limiter is exact within one event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

_PRUNE_ABOVE = 1024
_FORGET_AFTER_SECONDS = 3600.0  # longer than any delay we honour


class HostLimiter(Protocol):
    """Grants exclusive, spaced-out access to a host.

    ``slot(host, delay)`` waits until no other request to ``host`` is in flight and at
    least ``delay`` seconds have passed since the previous holder released its slot;
    the request is made inside the ``async with`` block. The caller computes ``delay``
    (minimum delay, Crawl-delay, jitter), so every request brings its own spacing.
    """

    def slot(self, host: str, delay: float) -> AbstractAsyncContextManager[None]: ...


@dataclass
class _HostState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_release: float | None = None
    users: int = 0


class InMemoryHostLimiter:
    """A :class:`HostLimiter` for one process and one event loop."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}

    @asynccontextmanager
    async def slot(self, host: str, delay: float) -> AsyncIterator[None]:
        key = host.lower()
        state = self._hosts.get(key)
        if state is None:
            self._prune()
            state = self._hosts[key] = _HostState()
        state.users += 1
        try:
            async with state.lock:
                if state.last_release is not None:
                    wait = state.last_release + delay - self._clock()
                    if wait > 0:
                        await asyncio.sleep(wait)
                try:
                    yield
                finally:
                    state.last_release = self._clock()
        finally:
            state.users -= 1

    def _prune(self) -> None:
        """Forget hosts idle for longer than any sensible delay, so memory stays bounded."""
        if len(self._hosts) < _PRUNE_ABOVE:
            return
        horizon = self._clock() - _FORGET_AFTER_SECONDS
        for key, state in list(self._hosts.items()):
            if state.users == 0 and (state.last_release or 0.0) < horizon:
                del self._hosts[key]

    def __len__(self) -> int:
        return len(self._hosts)
