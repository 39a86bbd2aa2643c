"""robots.txt: parse with protego, decide per RFC 9309, cache per origin.

Decisions on the fetch of ``/robots.txt`` (RFC 9309, section 2.3.1):

* 2xx: the file is parsed and obeyed (at most ``max_bytes`` of it; the RFC asks for at
  least 500 KiB);
* 4xx other than 429 ("unavailable"): everything is allowed;
* 5xx, 429, timeout, connection failure ("unreachable"): everything is disallowed, and
  the decision is cached for at most :data:`UNREACHABLE_TTL_SECONDS` so that a recovered
  site is noticed soon.

Groups are matched on our product token (``PreventIA-bot`` from the User-Agent string),
case-insensitively, falling back to ``*``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

import httpx
from protego import Protego

log = logging.getLogger(__name__)

UNREACHABLE_TTL_SECONDS = 3600.0


class RobotsStatus(StrEnum):
    PARSED = "parsed"  # 2xx: rules obeyed
    UNAVAILABLE = "unavailable"  # 4xx: allow all
    UNREACHABLE = "unreachable"  # 5xx / network failure: disallow all


def user_agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched on: ``PreventIA-bot/0.1 (…)`` →
    ``PreventIA-bot``."""
    return user_agent.strip().split()[0].split("/")[0] if user_agent.strip() else "*"


def origin_of(url: str | httpx.URL) -> str:
    """``scheme://host:port`` — the scope of one robots.txt file."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{parsed.scheme}://{host}:{port}"


@dataclass(frozen=True)
class RobotsPolicy:
    """What one origin's robots.txt says, as fetched at ``fetched_at`` (monotonic)."""

    origin: str
    status: RobotsStatus
    fetched_at: float
    http_status: int | None = None
    parser: Protego | None = field(default=None, repr=False, compare=False)
    blocked: bool = False  # robots.txt's own address was refused by the SSRF guard
    note: str = ""

    def can_fetch(self, url: str, token: str) -> bool:
        if self.status is RobotsStatus.UNREACHABLE:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, token))

    def crawl_delay(self, token: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(token)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


def parse_robots(text: str) -> Protego:
    """Parse robots.txt content (a leading BOM and junk lines are tolerated)."""
    return Protego.parse(text.lstrip("\ufeff"))


def policy_from_response(
    origin: str, status: int | None, body: bytes | None, *, now: float
) -> RobotsPolicy:
    """Turn the outcome of fetching ``origin/robots.txt`` into a policy.

    ``status`` is ``None`` when no HTTP response arrived (timeout, refused, …).
    """
    if status is None or status >= 500 or status == 429:
        return RobotsPolicy(origin, RobotsStatus.UNREACHABLE, now, status)
    if status >= 400 or not 200 <= status < 300:
        return RobotsPolicy(origin, RobotsStatus.UNAVAILABLE, now, status)
    text = (body or b"").decode("utf-8", errors="replace")
    try:
        parser = parse_robots(text)
    except Exception:  # protego is lenient; a crash on junk must not stop the crawl
        log.warning("robots.txt of %s could not be parsed; treating it as empty", origin)
        return RobotsPolicy(origin, RobotsStatus.UNAVAILABLE, now, status)
    return RobotsPolicy(origin, RobotsStatus.PARSED, now, status, parser)


RobotsLoader = Callable[[str], Awaitable[RobotsPolicy]]


class RobotsCache:
    """robots.txt policies per origin, loaded once and kept at most ``ttl_seconds``.

    Concurrent requests for the same origin share one load (a lock per origin).
    """

    def __init__(
        self,
        loader: RobotsLoader,
        ttl_seconds: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loader = loader
        self._ttl = ttl_seconds
        self._clock = clock
        self._policies: dict[str, RobotsPolicy] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _fresh(self, origin: str) -> RobotsPolicy | None:
        policy = self._policies.get(origin)
        if policy is None:
            return None
        ttl = self._ttl
        if policy.status is RobotsStatus.UNREACHABLE:
            ttl = min(ttl, UNREACHABLE_TTL_SECONDS)
        return policy if self._clock() - policy.fetched_at < ttl else None

    async def policy_for(self, url: str | httpx.URL) -> RobotsPolicy:
        origin = origin_of(url)
        policy = self._fresh(origin)
        if policy is not None:
            return policy
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            policy = self._fresh(origin)
            if policy is None:
                policy = await self._loader(origin)
                self._policies[origin] = policy
        return policy

    def forget(self, url: str | httpx.URL | None = None) -> None:
        """Drop one origin's policy (or all), e.g. after the user edits a source."""
        if url is None:
            self._policies.clear()
        else:
            self._policies.pop(origin_of(url), None)
