"""Rate limits (the ``limits`` library): the whole API per client, and login attempts.

* API: a moving window of 20 requests per 2 seconds per client address — a burst of 20, and
  10 requests/s sustained (see docs/decisions/0007-rate-limit-strategy.md for the choice).
* Login: 5 attempts per minute per client address *and* per account.

Both are settings (``PREVENTIA_API__RATE_LIMIT``, ``PREVENTIA_API__LOGIN_RATE_LIMIT``).

Counts live in Redis when ``settings.redis_url`` is set, so every API replica shares them, and
in process memory otherwise. When Redis fails the limiter falls back to memory at once (one
warning per outage), retries Redis after a pause, and never fails the request.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindow
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.types import ASGIApp, Receive, Scope, Send

from preventia.api.deps import client_address
from preventia.api.errors import problem
from preventia.settings import Settings

logger = logging.getLogger(__name__)

EXEMPT_PATHS = frozenset({"/health", "/ready", "/metrics"})
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_AFTER_SECONDS = 15.0
KEY_PREFIX = "preventia:ratelimit"


@dataclass(frozen=True)
class RateLimitConfig:
    """The limits in the ``limits`` notation; tests shorten the windows through this."""

    api: str = "20 per 2 seconds"
    login: str = "5 per minute"
    enabled: bool = True
    exempt_paths: frozenset[str] = field(default=EXEMPT_PATHS)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # whole seconds until a slot frees, when refused


class RateLimitedError(HTTPException):
    def __init__(self, retry_after: int, detail: str) -> None:
        super().__init__(429, detail=detail, headers={"Retry-After": str(retry_after)})


def _retry_after(reset_at: float) -> int:
    return max(1, math.ceil(reset_at - time.time()))


def account_key(email: str) -> str:
    """A stable key for an account without putting the email address into the store."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class RateLimiter:
    """Moving-window limits on Redis when configured, on process memory otherwise."""

    def __init__(self, config: RateLimitConfig, redis_url: str | None) -> None:
        self.config = config
        self.api_limit: RateLimitItem = parse(config.api)
        self.login_limit: RateLimitItem = parse(config.login)
        self._redis_url = redis_url
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: tuple[asyncio.AbstractEventLoop, AsyncMovingWindow] | None = None
        self._redis_down_until = 0.0
        self._redis_down = False

    @property
    def uses_redis(self) -> bool:
        return self._redis_url is not None and not self._redis_down

    def _shared_limiter(self) -> AsyncMovingWindow | None:
        """The Redis-backed limiter of the running event loop (redis.asyncio binds to one)."""
        if self._redis_url is None or time.monotonic() < self._redis_down_until:
            return None
        loop = asyncio.get_running_loop()
        if self._shared is None or self._shared[0] is not loop:
            options: dict[str, Any] = {
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "retry": Retry(NoBackoff(), 0),
            }
            storage = AsyncRedisStorage(
                "async+" + self._redis_url,
                implementation="redispy",
                key_prefix=KEY_PREFIX,
                **options,
            )
            self._shared = (loop, AsyncMovingWindow(storage))
        return self._shared[1]

    async def hit(self, item: RateLimitItem, *identifiers: str) -> Decision:
        """Count one request against ``item`` for ``identifiers``; refused when over."""
        if not self.config.enabled:
            return Decision(True)
        shared = self._shared_limiter()
        if shared is not None:
            try:
                # A deadline without a task per request (asyncio.wait_for creates one).
                async with asyncio.timeout(2 * REDIS_TIMEOUT_SECONDS):
                    return await self._hit_shared(shared, item, identifiers)
            except Exception as exc:  # any store failure: degrade, never fail the request
                self._mark_down(exc)
        return self._hit_memory(item, identifiers)

    async def _hit_shared(
        self, shared: AsyncMovingWindow, item: RateLimitItem, identifiers: tuple[str, ...]
    ) -> Decision:
        allowed = await shared.hit(item, *identifiers)
        if self._redis_down:
            self._redis_down = False
            logger.info("rate limits are shared through Redis again")
        if allowed:
            return Decision(True)
        stats = await shared.get_window_stats(item, *identifiers)
        return Decision(False, _retry_after(stats.reset_time))

    def _hit_memory(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> Decision:
        if self._memory.hit(item, *identifiers):
            return Decision(True)
        stats = self._memory.get_window_stats(item, *identifiers)
        return Decision(False, _retry_after(stats.reset_time))

    def _mark_down(self, exc: Exception) -> None:
        self._redis_down_until = time.monotonic() + REDIS_RETRY_AFTER_SECONDS
        self._shared = None
        if not self._redis_down:
            self._redis_down = True
            logger.warning(
                "Redis rate-limit store unavailable (%s); limiting in process memory, "
                "retrying Redis every %.0f s",
                type(exc).__name__,
                REDIS_RETRY_AFTER_SECONDS,
            )

    async def enforce_login(self, address: str | None, email: str) -> None:
        """Raise 429 when this address or this account tried to log in too often."""
        by_address = await self.hit(self.login_limit, "login-address", address or "unknown")
        if not by_address.allowed:
            raise RateLimitedError(by_address.retry_after, "too many login attempts; retry later")
        by_account = await self.hit(self.login_limit, "login-account", account_key(email))
        if not by_account.allowed:
            raise RateLimitedError(by_account.retry_after, "too many login attempts; retry later")


def limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def _limiter_of_scope(scope: Scope) -> RateLimiter | None:
    if scope["type"] != "http" or "app" not in scope:
        return None
    limiter: RateLimiter | None = getattr(scope["app"].state, "rate_limiter", None)
    return limiter


class RateLimitMiddleware:
    """The per-client API limit on every HTTP request except the exempt paths."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = _limiter_of_scope(scope)
        if limiter is None or scope["path"] in limiter.config.exempt_paths:
            await self.app(scope, receive, send)
            return
        address = client_address(Request(scope)) or "unknown"
        decision = await limiter.hit(limiter.api_limit, "api", address)
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        response = problem(429, "too many requests from this client; slow down")
        response.headers["Retry-After"] = str(decision.retry_after)
        await response(scope, receive, send)


def install_rate_limits(app: FastAPI, settings: Settings) -> None:
    """Install the limiter (``app.state.rate_limiter``) and its middleware."""
    config = RateLimitConfig(api=settings.api.rate_limit, login=settings.api.login_rate_limit)
    app.state.rate_limiter = RateLimiter(config, settings.redis_url)
    app.add_middleware(RateLimitMiddleware)


def configure_rate_limits(app: FastAPI, config: RateLimitConfig) -> RateLimiter:
    """Replace the limits of an app (tests shorten windows or switch limiting off)."""
    settings: Settings = app.state.settings
    limiter = RateLimiter(config, settings.redis_url)
    app.state.rate_limiter = limiter
    return limiter
