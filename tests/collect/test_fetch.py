"""The fetcher against the loopback fixture site: every hostile endpoint, feeds, charset."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from preventia.collect.body import (
    DecompressionBombError,
    UnsupportedEncodingError,
    decode_text,
    read_limited,
)
from preventia.collect.fetch import Fetcher, FetchOptions, FetchOutcome, FetchResult
from preventia.collect.fetch_types import acceptable_type, parse_retry_after
from preventia.collect.ssrf import GuardedTransport, GuardPolicy
from preventia.settings import CrawlSettings
from tests.collect.conftest import LOOPBACK, fast_options, no_dns
from tests.fixtures.site import FixtureSite, Reply
from tests.fixtures.site_content import HOSTILE_ROUTES


def fetch(url: str, options: FetchOptions | None = None, **kwargs: object) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(options or fast_options(), resolver=no_dns) as fetcher:
            return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(run())


@pytest.mark.parametrize("name", sorted(HOSTILE_ROUTES))
def test_hostile_endpoint_outcome(fixture_site: FixtureSite, name: str) -> None:
    hostile = fixture_site.hostile[name]
    result = fetch(hostile.url)
    assert result.outcome == hostile.outcome, (name, result.detail)
    assert isinstance(result.outcome, FetchOutcome)
    assert (result.body is None) is (result.outcome != FetchOutcome.OK)


def test_hostile_endpoints_in_one_session_then_the_crawl_goes_on(
    fixture_site: FixtureSite,
) -> None:
    """One fetcher meets every hostile endpoint concurrently and still fetches a page."""

    async def run() -> tuple[list[FetchResult], FetchResult]:
        async with Fetcher(fast_options(), resolver=no_dns) as fetcher:
            hostile = [h.url for h in fixture_site.hostile.values()]
            results = await asyncio.gather(*(fetcher.fetch(u) for u in hostile))
            return results, await fetcher.fetch(fixture_site.articles[4].url)

    results, after = asyncio.run(run())
    assert [r.outcome for r in results] == [h.outcome for h in fixture_site.hostile.values()]
    assert after.ok and after.text and "<html" in after.text.lower()


@pytest.mark.parametrize("keep_alive", [True, False])
def test_connections_are_reused_when_the_site_keeps_them_alive(keep_alive: bool) -> None:
    """Through the SSRF-guarded transport, pages of one host share one kept-alive
    connection; a server that closes after each answer gets a new one per request."""
    with FixtureSite(hosts=("127.0.0.13",), populate=False, keep_alive=keep_alive) as site:
        site.set_robots("127.0.0.13", "User-agent: *\nAllow: /\n")
        urls = [site.url("127.0.0.13", f"/news/{i}/") for i in range(4)]
        for url in urls:
            site.add("127.0.0.13", url.split(site.base_url("127.0.0.13"), 1)[1], _page())

        async def run() -> list[FetchResult]:
            async with Fetcher(fast_options(), resolver=no_dns) as fetcher:
                return [await fetcher.fetch(url) for url in urls]

        results = asyncio.run(run())
        assert all(r.ok for r in results)
        pages = [r for r in site.requests_to("127.0.0.13") if r.route_path.startswith("/news/")]
        assert len(pages) == 4
        connections = {r.client_port for r in site.requests_to("127.0.0.13")}
        assert len(connections) == (1 if keep_alive else 5)  # robots.txt + 4 pages


def test_one_pool_per_origin_and_the_least_recent_is_closed() -> None:
    """The guarded transport keeps a pool per origin (a kept-alive host is not bumped by
    the others) and closes the least recently used pool beyond its bound."""
    hosts = ("127.0.0.14", "127.0.0.15", "127.0.0.16")
    with FixtureSite(hosts=hosts, populate=False, keep_alive=True) as site:
        for host in hosts:
            site.add(host, "/a/", _page())
        transport = GuardedTransport(GuardPolicy(allowed_networks=(LOOPBACK,)), max_origins=2)

        async def run() -> list[int]:
            async with httpx.AsyncClient(transport=transport) as client:
                for host in (hosts[0], hosts[0], hosts[1], hosts[2], hosts[0]):
                    response = await client.get(site.url(host, "/a/"))
                    assert response.status_code == 200
                return [transport.origins]

        assert asyncio.run(run()) == [2]
        ports = {host: [r.client_port for r in site.requests_to(host)] for host in hosts}
        # host 0's connection was reused, then closed when hosts 1 and 2 pushed its pool
        # out of the two most recent: its third request came on a new connection
        assert ports[hosts[0]][0] == ports[hosts[0]][1] != ports[hosts[0]][2]
        assert len(ports[hosts[1]]) == len(ports[hosts[2]]) == 1


def _page() -> Reply:
    body = b"<html><head><title>t</title></head><body><p>Some text.</p></body></html>"
    return Reply(body=body, content_type="text/html; charset=utf-8")


def test_retry_after_is_honoured(fixture_site: FixtureSite) -> None:
    result = fetch(fixture_site.hostile["rate_limited_once"].url)
    assert result.ok and result.attempts == 2
    assert result.elapsed >= 1.0  # Retry-After: 1


def test_retries_stop_and_report_retry_after(fixture_site: FixtureSite) -> None:
    result = fetch(fixture_site.hostile["rate_limited"].url, fast_options(max_retries=2))
    assert result.status == 429 and result.attempts == 3
    assert result.retry_after == 1.0 and not result.permanent


def test_retry_after_beyond_the_cap_ends_the_fetch(fixture_site: FixtureSite) -> None:
    options = fast_options(max_retries=3, max_retry_wait_seconds=0.5)
    result = fetch(fixture_site.hostile["rate_limited"].url, options)
    assert result.attempts == 1 and result.retry_after == 1.0


def test_permanence(fixture_site: FixtureSite) -> None:
    assert fetch(fixture_site.hostile["gone"].url).permanent
    assert fetch(fixture_site.hostile["forbidden"].url).permanent
    assert not fetch(fixture_site.hostile["server_error"].url).permanent
    assert fetch(fixture_site.special["disallowed"]).permanent


def test_article_page(fixture_site: FixtureSite) -> None:
    article = next(a for a in fixture_site.articles if a.slug == "medicalnewstoday")
    result = fetch(article.url)
    assert result.ok and result.status == 200 and result.final_url == article.url
    assert result.body == (article.source_dir / "source.html").read_bytes()
    assert result.encoding == "utf-8" and result.text is not None
    assert result.etag and result.last_modified
    assert result.content_type == "text/html; charset=utf-8"


def test_same_article_under_two_urls(fixture_site: FixtureSite) -> None:
    article = fixture_site.articles[0]
    bodies = {fetch(u).body for u in (article.url, *article.alt_urls)}
    assert len(bodies) == 1


def test_http_charset_beats_a_wrong_meta(fixture_site: FixtureSite) -> None:
    qq = next(a for a in fixture_site.articles if a.slug == "qq")  # meta says gb2312
    result = fetch(qq.url)
    assert result.encoding == "utf-8" and result.text is not None


def test_meta_charset_used_without_http_charset(fixture_site: FixtureSite) -> None:
    result = fetch(fixture_site.special["latin1"])
    assert result.encoding == "cp1252"
    assert result.text is not None and "ñ" in result.text and "\ufffd" not in result.text


def test_feeds_and_conditional_get(fixture_site: FixtureSite) -> None:
    async def run() -> None:
        async with Fetcher(fast_options(), resolver=no_dns) as fetcher:
            for name, url in fixture_site.feeds.items():
                first = await fetcher.fetch(url, kind="feed")
                assert first.ok, (name, first.detail)
                by_etag = await fetcher.fetch(url, kind="feed", etag=first.etag)
                assert by_etag.outcome is FetchOutcome.NOT_MODIFIED and by_etag.body is None
                by_date = await fetcher.fetch(url, kind="feed", last_modified=first.last_modified)
                assert by_date.outcome is FetchOutcome.NOT_MODIFIED
                assert by_date.etag == first.etag

    asyncio.run(run())
    sent = fixture_site.requests_to("127.0.0.1", "/feeds/news.rss")[-2:]
    assert "if-none-match" in sent[0].headers and "if-modified-since" in sent[1].headers


def test_feed_links_point_to_fixture_articles(fixture_site: FixtureSite) -> None:
    text = fetch(fixture_site.feeds["news.rss"], kind="feed").text or ""
    assert text.count("<item>") == 40
    assert fixture_site.articles[7].url in text and "sciencedaily.com/releases" not in text


def test_empty_and_malformed_feeds_are_fetched_as_is(fixture_site: FixtureSite) -> None:
    assert fetch(fixture_site.feeds["empty.xml"], kind="feed").body == b""
    assert fetch(fixture_site.feeds["malformed.xml"], kind="feed").ok  # parsing is not ours


def test_identifying_user_agent(fixture_site: FixtureSite) -> None:
    fixture_site.clear_log()
    options = FetchOptions.from_settings(CrawlSettings(), min_delay_seconds=0.0, jitter_seconds=0.0)
    options = fast_options(user_agent=options.user_agent)
    fetch(fixture_site.articles[1].url, options)
    agents = {r.headers["user-agent"] for r in fixture_site.requests}
    assert agents == {CrawlSettings().user_agent}
    assert "+https://" in agents.pop()


def test_options_from_settings() -> None:
    crawl = CrawlSettings(min_delay_seconds=3, robots_cache_hours=12, max_redirects=2)
    options = FetchOptions.from_settings(crawl, allow_private_networks=True, max_retries=0)
    assert options.min_delay_seconds == 3 and options.robots_cache_seconds == 12 * 3600
    assert options.max_redirects == 2 and options.allow_private_networks
    assert options.max_retries == 0 and options.max_body_bytes == 5 * 1024 * 1024
    assert FetchOptions() == FetchOptions.from_settings(CrawlSettings())


def test_invalid_url_is_an_outcome() -> None:
    for url in ("http://exa mple.com/", "http://example.com:99999/", "http://a..b/"):
        assert fetch(url).outcome is FetchOutcome.INVALID_URL, url
    assert fetch("mailto:someone@example.com").outcome is FetchOutcome.BLOCKED_ADDRESS


def test_connection_refused_is_an_outcome(private_site: FixtureSite) -> None:
    port = private_site.port(private_site.hosts[0])
    private_site.stop()
    result = fetch(f"http://127.0.0.11:{port}/x", fast_options(obey_robots=False))
    assert result.outcome is FetchOutcome.CONNECTION_ERROR and not result.permanent


# --- pure helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content_type", "ok"),
    [
        ("page", "text/html; charset=utf-8", True),
        ("page", "application/xhtml+xml", True),
        ("page", "application/pdf", False),
        ("page", "application/rss+xml", False),
        ("page", None, True),
        ("feed", "application/rss+xml", True),
        ("feed", "application/vnd.custom+xml", True),
        ("feed", "application/feed+json", True),
        ("feed", "text/xml; charset=iso-8859-1", True),
        ("feed", "image/png", False),
        ("robots", "image/png", True),
    ],
)
def test_content_types(kind: str, content_type: str | None, ok: bool) -> None:
    assert acceptable_type(kind, content_type) is ok  # type: ignore[arg-type]


def test_retry_after_forms() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 60) == 60.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("café".encode(), "text/html; charset=utf-8", "utf-8"),
        ("café".encode("cp1252"), "text/html; charset=ISO-8859-1", "cp1252"),
        (b'<?xml version="1.0" encoding="ISO-8859-2"?><a>\xb1</a>', "text/xml", "iso8859-2"),
        (b'<meta charset="bogus-charset"><p>caf\xc3\xa9</p>', None, "utf-8"),
        ("\ufeffcafé".encode("utf-16"), None, "utf-16"),
        (b"caf\xe9", None, "cp1252"),
    ],
)
def test_decode_text(body: bytes, content_type: str | None, expected: str) -> None:
    text, encoding = decode_text(body, content_type)
    assert encoding == expected
    assert "\ufffd" not in text


def _response(body: bytes, encoding: str) -> httpx.Response:
    class Stream(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            for start in range(0, len(body), 1000):
                yield body[start : start + 1000]

    return httpx.Response(200, headers={"content-encoding": encoding}, stream=Stream())


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
def test_read_limited_codings(encoding: str) -> None:
    data = b"breast cancer screening " * 2000
    if encoding == "gzip":
        wire = gzip.compress(data)
    elif encoding == "deflate":
        wire = zlib.compress(data)
    else:
        compressor = zlib.compressobj(wbits=-15)
        wire, encoding = compressor.compress(data) + compressor.flush(), "deflate"
    body = asyncio.run(read_limited(_response(wire, encoding), max_wire=10**6, max_decoded=10**6))
    assert body == data


def test_read_limited_bomb_and_unsupported() -> None:
    wire = gzip.compress(bytes(10**6))
    with pytest.raises(DecompressionBombError):
        asyncio.run(read_limited(_response(wire, "gzip"), max_wire=10**6, max_decoded=10**5))
    with pytest.raises(UnsupportedEncodingError):
        asyncio.run(read_limited(_response(b"x", "br"), max_wire=10, max_decoded=10))
