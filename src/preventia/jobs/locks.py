"""Claims that make "exactly once" hold across processes: Redis when configured, else memory.

``claim(key, ttl)`` succeeds for one caller until the key expires (``SET NX PX``);
``hold(key, owner, ttl)`` takes or renews a lease that only its owner can renew, so exactly
one scheduler acts at a time and another takes over when it dies.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
"""


class Claims(Protocol):
    def claim(self, key: str, ttl_seconds: float) -> bool: ...

    def hold(self, key: str, owner: str, ttl_seconds: float) -> bool: ...


class MemoryClaims:
    """For the embedded default: one process, so a dictionary under a lock is enough."""

    def __init__(self) -> None:
        self._expiry: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def _take(self, key: str, owner: str, ttl: float, *, renew: bool) -> bool:
        now = time.monotonic()
        with self._lock:
            current = self._expiry.get(key)
            free = current is None or current[1] <= now or (renew and current[0] == owner)
            if free:
                self._expiry[key] = (owner, now + ttl)
            return free

    def claim(self, key: str, ttl_seconds: float) -> bool:
        return self._take(key, "", ttl_seconds, renew=False)

    def hold(self, key: str, owner: str, ttl_seconds: float) -> bool:
        return self._take(key, owner, ttl_seconds, renew=True)


class RedisClaims:
    def __init__(self, client: redis.Redis, prefix: str = "preventia:claim:") -> None:
        self.client = client
        self.prefix = prefix
        self._renew = client.register_script(_RENEW)

    def claim(self, key: str, ttl_seconds: float) -> bool:
        ttl = max(1, int(ttl_seconds * 1000))
        return bool(self.client.set(self.prefix + key, "1", nx=True, px=ttl))

    def hold(self, key: str, owner: str, ttl_seconds: float) -> bool:
        ttl = max(1, int(ttl_seconds * 1000))
        return bool(self._renew(keys=[self.prefix + key], args=[owner, ttl]))
