"""Cache of analytics responses: Redis when configured, a small in-process TTL cache otherwise.

Keys are ``preventia:analytics:v<version>:<endpoint>:<hash of the normalised filters>``. The
version is a Redis counter (or a process counter without Redis) that
:func:`bump_analytics_version` increments whenever articles or label corrections are
committed, so every older entry stops being read at once and expires on its own.

Redis gets short timeouts and no retries; after ``FAILURES_TO_OPEN`` failures in a row a
circuit breaker stops calling it for ``OPEN_SECONDS`` (then one trial call). Whatever Redis
does, a request is answered: uncached (``X-Cache: bypass``) when the cache cannot help.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import redis
from fastapi import Request, Response
from pydantic import BaseModel
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)
PREFIX = "preventia:analytics:"
VERSION_KEY = PREFIX + "version"
TTL_SECONDS = 300
MEMORY_TTL_SECONDS = 60
MEMORY_ENTRIES = 512
TIMEOUT_SECONDS = 0.25
FAILURES_TO_OPEN = 3
OPEN_SECONDS = 15.0
_local_version = 0
_local_lock = threading.Lock()


def bump_analytics_version(client: redis.Redis | None = None) -> None:
    """Invalidate every cached analytics answer; call after committing articles or labels.

    Never raises: when Redis cannot be reached the entries expire within ``TTL_SECONDS``.
    """
    global _local_version
    with _local_lock:
        _local_version += 1
    if client is None:
        return
    try:
        client.incr(VERSION_KEY)
    except redis.RedisError as exc:
        logger.warning("analytics cache version not bumped: %s", type(exc).__name__)


class CircuitBreaker:
    """Closed → open after N failures in a row → one trial call after the pause."""

    def __init__(
        self, failures_to_open: int = FAILURES_TO_OPEN, open_seconds: float = OPEN_SECONDS
    ):
        self.failures_to_open = failures_to_open
        self.open_seconds = open_seconds
        self.failures = 0
        self.opened_at: float | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self.opened_at is None:
                return True
            if time.monotonic() - self.opened_at >= self.open_seconds:
                self.opened_at = time.monotonic()  # half-open: this caller tries, others wait
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            self.failures, self.opened_at = 0, None

    def failed(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.failures_to_open:
                self.opened_at = time.monotonic()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


class MemoryStore:
    """A bounded TTL dictionary for one process."""

    def __init__(self, ttl: float = MEMORY_TTL_SECONDS, entries: int = MEMORY_ENTRIES) -> None:
        self.ttl, self.entries = ttl, entries
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._data.get(key)
            if found is None or found[0] < time.monotonic():
                self._data.pop(key, None)
                return None
            return found[1]

    def set(self, key: str, value: bytes) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + self.ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)


# One round trip per lookup: the current version and the entry under it.
_LOOKUP = """
local version = redis.call('GET', KEYS[1]) or '0'
return {version, redis.call('GET', ARGV[1] .. version .. ARGV[2])}
"""


class AnalyticsCache:
    def __init__(self, client: redis.Redis | None, breaker: CircuitBreaker | None = None) -> None:
        self.client = client
        self.breaker = breaker or CircuitBreaker()
        self.memory = MemoryStore()
        self._lookup = client.register_script(_LOOKUP) if client is not None else None

    def _redis(self, call: Callable[[redis.Redis], Any]) -> tuple[bool, Any]:
        if self.client is None or not self.breaker.allow():
            return False, None
        try:
            result = call(self.client)
        except redis.RedisError as exc:
            logger.warning("analytics cache unavailable: %s", type(exc).__name__)
            self.breaker.failed()
            return False, None
        self.breaker.succeeded()
        return True, result

    def _find(self, endpoint: str, params: dict[str, Any]) -> tuple[str | None, bytes | None]:
        """The key of this answer under the current version (None when Redis is unusable:
        answer uncached) and the cached body, if any."""
        digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:32]
        suffix = f":{endpoint}:{digest}"
        if self.client is None or self._lookup is None:
            key = f"{PREFIX}v{_local_version}{suffix}"
            return key, self.memory.get(key)
        lookup = self._lookup
        ok, found = self._redis(
            lambda c: lookup(keys=[VERSION_KEY], args=[PREFIX + "v", suffix], client=c)
        )
        if not ok:
            return None, None
        version, body = found
        key = f"{PREFIX}v{int(version)}{suffix}"
        return key, body if isinstance(body, bytes) else None

    def _set(self, key: str, value: bytes) -> None:
        if self.client is None:
            self.memory.set(key, value)
        else:
            self._redis(lambda c: c.set(key, value, ex=TTL_SECONDS))

    def respond(
        self, endpoint: str, params: BaseModel, compute: Callable[[], BaseModel]
    ) -> Response:
        """The cached JSON answer, or ``compute()`` stored for the next caller."""
        key, cached = self._find(endpoint, params.model_dump(mode="json"))
        if cached is not None:
            return _json(cached, "hit")
        body = compute().model_dump_json().encode()
        if key is None:
            return _json(body, "bypass")
        self._set(key, body)
        return _json(body, "miss")

    def status(self) -> str:
        if self.client is None:
            return "ok (in-process)"
        if self.breaker.is_open:
            return "degraded: Redis unreachable, analytics served uncached"
        return "ok"


def _json(body: bytes, outcome: str) -> Response:
    return Response(body, media_type="application/json", headers={"X-Cache": outcome})


_build_lock = threading.Lock()


async def cache_of(request: Request) -> AnalyticsCache:
    """The app's analytics cache (a dependency, run on the event loop), built on first use."""
    state = request.app.state
    with _build_lock:
        cache: AnalyticsCache | None = getattr(state, "analytics_cache", None)
        if cache is None:
            url = state.settings.redis_url if getattr(state, "redis", None) is not None else None
            cache = AnalyticsCache(_client(url) if url else None)
            state.analytics_cache = cache
    return cache


def _client(url: str) -> redis.Redis:
    """A client that fails fast: short timeouts, no retries, no health-check pings."""
    client: redis.Redis = redis.Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
    )
    return client


def cache_status(state: Any) -> str:
    """For ``/ready``: how the analytics cache is doing (never fails readiness)."""
    cache: AnalyticsCache | None = getattr(state, "analytics_cache", None)
    if cache is None:
        return "ok (in-process)" if getattr(state, "redis", None) is None else "ok"
    return cache.status()
