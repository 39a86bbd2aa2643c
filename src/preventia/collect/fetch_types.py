"""Options, outcomes and results of a fetch (the vocabulary of :mod:`.fetch`)."""

from __future__ import annotations

import dataclasses
import email.utils
import time
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from typing import Any, Literal

from preventia.collect.ssrf import IPNetwork
from preventia.settings import CrawlSettings

FetchKind = Literal["page", "feed", "robots"]


class FetchOutcome(StrEnum):
    """Why a fetch ended; values are the reasons counted per source and in metrics."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ROBOTS_FORBIDDEN = "robots_forbidden"
    TOO_LARGE = "too_large"
    DECOMPRESSION_BOMB = "decompression_bomb"
    TIMEOUT = "timeout"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    GONE = "gone"
    NOT_HTML = "not_html"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BLOCKED_ADDRESS = "blocked_address"
    INVALID_URL = "invalid_url"
    CONNECTION_ERROR = "connection_error"


# Outcomes that will not change by fetching the same URL again soon.
PERMANENT_OUTCOMES = frozenset(
    {
        FetchOutcome.GONE,
        FetchOutcome.ROBOTS_FORBIDDEN,
        FetchOutcome.TOO_LARGE,
        FetchOutcome.DECOMPRESSION_BOMB,
        FetchOutcome.NOT_HTML,
        FetchOutcome.REDIRECT_LOOP,
        FetchOutcome.TOO_MANY_REDIRECTS,
        FetchOutcome.BLOCKED_ADDRESS,
        FetchOutcome.INVALID_URL,
    }
)
# 4xx statuses that are worth retrying later (the rest of 4xx is permanent).
TRANSIENT_4XX = frozenset({408, 425, 429})
RETRY_STATUSES = frozenset({429, 503})

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = HTML_TYPES | frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "text/plain",  # many servers send feeds and sitemaps as text/plain
    }
)


@dataclass(frozen=True)
class FetchOptions:
    """Everything the fetcher needs to know; defaults match :class:`CrawlSettings`."""

    user_agent: str = CrawlSettings().user_agent
    min_delay_seconds: float = 2.0
    jitter_seconds: float = 0.5
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # one HTTP exchange: connect + headers + body
    max_body_bytes: int = 5 * 1024 * 1024  # on the wire
    max_decompressed_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    max_retries: int = 3  # extra attempts on 429/503
    robots_cache_seconds: float = 24 * 3600.0
    allow_private_networks: bool = False
    # Not in CrawlSettings (yet): take them as parameters with safe defaults.
    allowed_networks: tuple[IPNetwork, ...] = ()  # SSRF exceptions (tests)
    obey_robots: bool = True
    backoff_seconds: float = 1.0  # first retry pause, doubled each attempt
    max_retry_wait_seconds: float = 60.0  # a longer Retry-After ends the fetch instead
    max_crawl_delay_seconds: float = 60.0  # Crawl-delay above this is capped
    robots_max_bytes: int = 512 * 1024  # RFC 9309: parse at least 500 KiB

    @classmethod
    def from_settings(
        cls, crawl: CrawlSettings, *, allow_private_networks: bool = False, **overrides: Any
    ) -> FetchOptions:
        """Options from the ``crawl`` settings group (plus keyword overrides)."""
        options = cls(
            user_agent=crawl.user_agent,
            min_delay_seconds=crawl.min_delay_seconds,
            jitter_seconds=crawl.jitter_seconds,
            connect_timeout=crawl.connect_timeout,
            read_timeout=crawl.read_timeout,
            total_timeout=crawl.total_timeout,
            max_body_bytes=crawl.max_body_bytes,
            max_decompressed_bytes=crawl.max_decompressed_bytes,
            max_redirects=crawl.max_redirects,
            max_retries=crawl.max_retries,
            robots_cache_seconds=crawl.robots_cache_hours * 3600.0,
            allow_private_networks=allow_private_networks,
        )
        return dataclasses.replace(options, **overrides)


@dataclass(frozen=True)
class FetchResult:
    """What happened when fetching ``url``. ``body``/``text`` are set only on ``ok``."""

    url: str
    outcome: FetchOutcome
    final_url: str
    status: int | None = None
    permanent: bool = False
    body: bytes | None = None
    text: str | None = None
    encoding: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from the last response
    elapsed: float = 0.0  # seconds, including politeness waits and retries
    attempts: int = 1
    detail: str = ""  # human-readable reason (which rule, which address, …)

    @property
    def ok(self) -> bool:
        return self.outcome is FetchOutcome.OK


def media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def acceptable_type(kind: FetchKind, content_type: str | None) -> bool:
    """HTML for pages; HTML, XML, JSON and plain text for feeds; anything for robots.

    A missing Content-Type is accepted (the body is sniffed later by its parser).
    """
    media = media_type(content_type)
    if kind == "robots" or media is None:
        return True
    if kind == "page":
        return media in HTML_TYPES
    return media in FEED_TYPES or media.endswith(("+xml", "+json"))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
