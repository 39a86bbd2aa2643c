"""The polite, safe HTTP fetcher: the only way the collector touches the network.

``await fetcher.fetch(url, kind=...)`` always returns a :class:`FetchResult`; network
failures become outcomes, never exceptions. One fetch is:

1. for every hop (the URL, then each redirect target, at most ``max_redirects``):
   the SSRF pre-check (:func:`~preventia.collect.ssrf.check_url`), robots.txt of the
   hop's origin (cached), a politeness slot for the hop's host (one request at a time,
   ``max(min_delay, Crawl-delay) + jitter`` between requests), then one GET whose TCP
   connection goes only to vetted addresses (:class:`~preventia.collect.ssrf.GuardedTransport`);
2. the status decides: redirect → next hop; 304 → ``not_modified``; 404/410 → ``gone``;
   2xx → content type checked before the body is read, body read within the size caps
   and decoded to text with the right charset;
3. 429 and 503 are retried (exponential backoff, Retry-After honoured up to a cap).
"""

from __future__ import annotations

import asyncio
import dataclasses
import http.cookiejar
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

import httpx

from preventia.collect.body import (
    ACCEPT_ENCODING,
    BodyTooLargeError,
    DecompressionBombError,
    UnsupportedEncodingError,
    decode_text,
    read_limited,
)
from preventia.collect.fetch_types import (
    PERMANENT_OUTCOMES,
    RETRY_STATUSES,
    TRANSIENT_4XX,
    FetchKind,
    FetchOptions,
    FetchOutcome,
    FetchResult,
    acceptable_type,
    parse_retry_after,
)
from preventia.collect.politeness import HostLimiter, InMemoryHostLimiter
from preventia.collect.robots import (
    RobotsCache,
    RobotsPolicy,
    policy_from_response,
    user_agent_token,
)
from preventia.collect.ssrf import (
    BlockedAddressError,
    GuardedTransport,
    GuardPolicy,
    Resolver,
    check_url,
)

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
Sleep = Callable[[float], Awaitable[None]]

__all__ = ["FetchKind", "FetchOptions", "FetchOutcome", "FetchResult", "Fetcher"]


@dataclass(frozen=True)
class _Hop:
    """The end of one HTTP exchange: a final result, or where to go next."""

    result: FetchResult
    location: httpx.URL | None = None


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


class Fetcher:
    """Fetch pages, feeds and robots.txt politely and safely (see the module doc).

    Use as ``async with Fetcher(options) as fetcher:``. ``limiter`` defaults to an
    in-memory per-host limiter; ``resolver`` replaces DNS resolution (tests);
    ``transport`` replaces the guarded transport entirely (tests only — it bypasses the
    connect-time address check).
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        limiter: HostLimiter | None = None,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self.token = user_agent_token(self.options.user_agent)
        self.guard = GuardPolicy(
            allow_private_networks=self.options.allow_private_networks,
            allowed_networks=self.options.allowed_networks,
            resolver=resolver,
        )
        self.limiter: HostLimiter = limiter or InMemoryHostLimiter()
        self.robots = RobotsCache(self._load_robots, self.options.robots_cache_seconds)
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._client = self._build_client(transport)

    def _build_client(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        opts = self.options
        return httpx.AsyncClient(
            transport=transport or GuardedTransport(self.guard),
            timeout=httpx.Timeout(
                connect=opts.connect_timeout,
                read=opts.read_timeout,
                write=opts.read_timeout,
                pool=opts.total_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
            headers={
                "User-Agent": opts.user_agent,
                "Accept-Encoding": ACCEPT_ENCODING,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
            },
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- public API ---------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        kind: FetchKind = "page",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch ``url``; never raises for network outcomes (see :class:`FetchOutcome`)."""
        started = time.monotonic()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = 0
        while True:
            attempts += 1
            result = await self._attempt(url, kind, headers)
            wait = None if kind == "robots" else self._retry_wait(result, attempts)
            if wait is None:
                break
            log.info("retrying %s in %.1fs (%s)", url, wait, result.status)
            await self._sleep(wait)
        return dataclasses.replace(result, attempts=attempts, elapsed=time.monotonic() - started)

    async def robots_for(self, url: str) -> RobotsPolicy:
        """The (cached) robots.txt policy of ``url``'s origin."""
        return await self.robots.policy_for(url)

    async def allowed_by_robots(self, url: str) -> tuple[bool, RobotsPolicy]:
        policy = await self.robots_for(url)
        return policy.can_fetch(url, self.token), policy

    # --- one attempt: a chain of hops ---------------------------------------------

    def _retry_wait(self, result: FetchResult, attempts: int) -> float | None:
        if result.status not in RETRY_STATUSES or attempts > self.options.max_retries:
            return None
        backoff = self.options.backoff_seconds * 2 ** (attempts - 1)
        wait = max(backoff, result.retry_after or 0.0)
        return None if wait > self.options.max_retry_wait_seconds else wait

    async def _attempt(self, url: str, kind: FetchKind, headers: dict[str, str]) -> FetchResult:
        current = url
        seen: set[str] = set()
        for _hop in range(self.options.max_redirects + 1):
            seen.add(current)
            refused = await self._precheck(url, current, kind)
            if refused is not None:
                return refused
            hop = await self._polite_exchange(url, current, kind, headers)
            if hop.location is None:
                return hop.result
            current = str(hop.location)
            if current in seen:
                return self._fail(url, current, FetchOutcome.REDIRECT_LOOP, hop.result.status)
        return self._fail(
            url,
            current,
            FetchOutcome.TOO_MANY_REDIRECTS,
            detail=f"more than {self.options.max_redirects} redirects",
        )

    async def _precheck(self, url: str, current: str, kind: FetchKind) -> FetchResult | None:
        """SSRF pre-check and robots.txt for one hop; a result when the hop is refused."""
        try:
            check_url(current, self.guard)
        except BlockedAddressError as exc:
            return self._fail(url, current, FetchOutcome.BLOCKED_ADDRESS, detail=str(exc))
        except httpx.InvalidURL as exc:
            return self._fail(url, current, FetchOutcome.INVALID_URL, detail=str(exc))
        if kind == "robots" or not self.options.obey_robots:
            return None
        allowed, policy = await self.allowed_by_robots(current)
        if allowed:
            return None
        if policy.blocked:  # robots.txt itself was refused: report the real reason
            return self._fail(url, current, FetchOutcome.BLOCKED_ADDRESS, detail=policy.note)
        detail = f"robots.txt of {policy.origin} ({policy.status}) disallows {self.token}"
        return self._fail(url, current, FetchOutcome.ROBOTS_FORBIDDEN, detail=detail)

    async def _polite_exchange(
        self, url: str, current: str, kind: FetchKind, headers: dict[str, str]
    ) -> _Hop:
        delay = await self._delay_for(current, kind)
        host = httpx.URL(current).host
        async with self.limiter.slot(host, delay):
            return await self._exchange(url, current, kind, headers)

    async def _delay_for(self, current: str, kind: FetchKind) -> float:
        opts = self.options
        delay = opts.min_delay_seconds
        if kind != "robots" and opts.obey_robots:
            crawl_delay = (await self.robots_for(current)).crawl_delay(self.token)
            if crawl_delay is not None:
                delay = max(delay, min(crawl_delay, opts.max_crawl_delay_seconds))
        if opts.jitter_seconds > 0:
            delay += self._rng.uniform(0, opts.jitter_seconds)
        return delay

    async def _exchange(
        self, url: str, current: str, kind: FetchKind, headers: dict[str, str]
    ) -> _Hop:
        """One GET within the total timeout; every network failure becomes an outcome."""
        outcome = FetchOutcome.CONNECTION_ERROR
        try:
            async with asyncio.timeout(self.options.total_timeout):
                async with self._client.stream("GET", current, headers=headers) as response:
                    return await self._handle(url, response, kind)
        except (TimeoutError, httpx.TimeoutException) as exc:
            outcome, detail = FetchOutcome.TIMEOUT, f"timed out ({type(exc).__name__})"
        except BlockedAddressError as exc:
            outcome, detail = FetchOutcome.BLOCKED_ADDRESS, str(exc)
        except httpx.InvalidURL as exc:
            outcome, detail = FetchOutcome.INVALID_URL, str(exc)
        except httpx.HTTPError as exc:
            detail = f"{type(exc).__name__}: {exc}"
        return _Hop(self._fail(url, current, outcome, detail=detail))

    # --- interpreting a response --------------------------------------------------

    async def _handle(self, url: str, response: httpx.Response, kind: FetchKind) -> _Hop:
        status = response.status_code
        location = response.headers.get("location")
        if status in REDIRECT_STATUSES and location:
            try:
                return _Hop(
                    self._from_response(url, response, FetchOutcome.OK), response.url.join(location)
                )
            except httpx.InvalidURL as exc:
                return _Hop(
                    self._from_response(url, response, FetchOutcome.INVALID_URL, detail=str(exc))
                )
        if status == 304:
            return _Hop(self._from_response(url, response, FetchOutcome.NOT_MODIFIED))
        if status >= 300 or status < 200:
            return _Hop(self._from_response(url, response, _status_outcome(status)))
        if not acceptable_type(kind, response.headers.get("content-type")):
            return _Hop(self._from_response(url, response, FetchOutcome.NOT_HTML))
        return _Hop(await self._read_body(url, response, kind))

    async def _read_body(self, url: str, response: httpx.Response, kind: FetchKind) -> FetchResult:
        opts = self.options
        limit = opts.robots_max_bytes if kind == "robots" else opts.max_body_bytes
        declared = response.headers.get("content-length", "")
        if kind != "robots" and declared.isdigit() and int(declared) > limit:
            return self._from_response(
                url, response, FetchOutcome.TOO_LARGE, detail=f"Content-Length {declared}"
            )
        try:
            body = await read_limited(
                response,
                max_wire=limit,
                max_decoded=opts.max_decompressed_bytes,
                truncate=kind == "robots",
            )
        except BodyTooLargeError as exc:
            return self._from_response(url, response, FetchOutcome.TOO_LARGE, detail=str(exc))
        except DecompressionBombError as exc:
            return self._from_response(
                url, response, FetchOutcome.DECOMPRESSION_BOMB, detail=str(exc)
            )
        except UnsupportedEncodingError as exc:
            return self._from_response(
                url, response, FetchOutcome.CONNECTION_ERROR, detail=str(exc)
            )
        text, encoding = decode_text(body, response.headers.get("content-type"))
        result = self._from_response(url, response, FetchOutcome.OK)
        return dataclasses.replace(result, body=body, text=text, encoding=encoding)

    def _from_response(
        self, url: str, response: httpx.Response, outcome: FetchOutcome, detail: str = ""
    ) -> FetchResult:
        status = response.status_code
        permanent = outcome in PERMANENT_OUTCOMES or (
            outcome is FetchOutcome.HTTP_4XX and status not in TRANSIENT_4XX
        )
        return FetchResult(
            url=url,
            outcome=outcome,
            final_url=str(response.url),
            status=status,
            permanent=permanent,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            detail=detail or f"HTTP {status}",
        )

    @staticmethod
    def _fail(
        url: str,
        current: str,
        outcome: FetchOutcome,
        status: int | None = None,
        detail: str = "",
    ) -> FetchResult:
        return FetchResult(
            url=url,
            outcome=outcome,
            final_url=current,
            status=status,
            permanent=outcome in PERMANENT_OUTCOMES,
            detail=detail or str(outcome),
        )

    # --- robots.txt ---------------------------------------------------------------

    async def _load_robots(self, origin: str) -> RobotsPolicy:
        result = await self.fetch(f"{origin}/robots.txt", kind="robots")
        status = result.status
        if result.outcome in _NO_RESPONSE:
            status = None
        if result.outcome in {FetchOutcome.REDIRECT_LOOP, FetchOutcome.TOO_MANY_REDIRECTS}:
            status = 404  # RFC 9309 2.3.1.2: may be treated as unavailable
        policy = policy_from_response(origin, status, result.body, now=time.monotonic())
        if result.outcome is FetchOutcome.BLOCKED_ADDRESS:
            policy = dataclasses.replace(policy, blocked=True, note=result.detail)
        log.info("robots.txt %s: %s (%s)", origin, policy.status, result.outcome)
        return policy


_NO_RESPONSE = frozenset(
    {
        FetchOutcome.TIMEOUT,
        FetchOutcome.CONNECTION_ERROR,
        FetchOutcome.BLOCKED_ADDRESS,
        FetchOutcome.INVALID_URL,
    }
)


def _status_outcome(status: int) -> FetchOutcome:
    if status in (404, 410):
        return FetchOutcome.GONE
    if 400 <= status < 500:
        return FetchOutcome.HTTP_4XX
    if status >= 500:
        return FetchOutcome.HTTP_5XX
    return FetchOutcome.CONNECTION_ERROR  # 1xx or a 3xx without Location: unusable
