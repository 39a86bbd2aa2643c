"""robots.txt: the 42 real files, RFC 9309 decisions, the cache, and real fetches."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from preventia.collect.fetch import Fetcher, FetchOutcome
from preventia.collect.robots import (
    RobotsCache,
    RobotsPolicy,
    RobotsStatus,
    origin_of,
    parse_robots,
    policy_from_response,
    user_agent_token,
)
from preventia.settings import CrawlSettings
from tests.collect.conftest import fast_options, no_dns
from tests.fixtures.site import FixtureSite, Reply
from tests.shared_data import SHARED_DATA

ROBOTS_DIR = SHARED_DATA / "robots"
ROBOTS_FILES = sorted(ROBOTS_DIR.glob("*.txt"))
TOKEN = user_agent_token(CrawlSettings().user_agent)


def test_token_is_the_product_name() -> None:
    assert TOKEN == "PreventIA-bot"
    assert user_agent_token("") == "*"


def test_all_real_files_parse() -> None:
    assert len(ROBOTS_FILES) == 42
    for path in ROBOTS_FILES:
        parser = parse_robots(path.read_text(encoding="utf-8", errors="replace"))
        parser.can_fetch("https://example.org/some/page", TOKEN)  # no exception


def _robots(name: str) -> RobotsPolicy:
    body = (ROBOTS_DIR / name).read_bytes()
    return policy_from_response("https://x:443", 200, body, now=0.0)


@pytest.mark.parametrize(
    ("name", "path", "allowed"),
    [
        ("10665-breastcancer.org.txt", "/search?q=tamoxifen", False),
        ("10665-breastcancer.org.txt", "/symptoms/diagnosis", True),
        ("236-webmd.com.txt", "/search/anything", False),
        ("236-webmd.com.txt", "/breast-cancer/news/20170101/x", True),
        ("1458-thelancet.com.txt", "/journals/lancet/article/x", False),  # '*': Disallow: /
        ("10900-statnews.com.txt", "/wp-admin/options.php", False),
        ("10900-statnews.com.txt", "/wp-admin/admin-ajax.php", True),  # longer Allow wins
        ("561-mayoclinic.org.txt", "/en/", True),  # only a gsa-crawler group
        ("6626-news-medical.net.txt", "/ads/banner", False),
        ("6626-news-medical.net.txt", "/news/20170101/x.aspx", True),
        ("715-elpais.com.txt", "/buscador/?q=cancer", False),
        ("715-elpais.com.txt", "/elpais/2017/10/19/ciencia/1.html", True),
        ("213-reuters.com.txt", "/designtech-x", False),  # wildcard
        ("867-cancer.org.txt", "/content/cancer/en/cancer/glossary/glossary/x", False),
    ],
)
def test_known_rules_for_our_agent(name: str, path: str, allowed: bool) -> None:
    assert _robots(name).can_fetch(f"https://x{path}", TOKEN) is allowed


def test_agent_specific_groups_and_crawl_delay() -> None:
    lancet = _robots("1458-thelancet.com.txt")
    assert lancet.can_fetch("https://x/journals/", "Googlebot")
    news_medical = _robots("6626-news-medical.net.txt")
    assert not news_medical.can_fetch("https://x/news/", "008")
    assert _robots("10665-breastcancer.org.txt").crawl_delay(TOKEN) == 10.0
    assert _robots("1517-medicalnewstoday.com.txt").crawl_delay("Nutch") == 5.0
    assert _robots("1517-medicalnewstoday.com.txt").crawl_delay(TOKEN) is None
    assert _robots("10665-breastcancer.org.txt").sitemaps == [
        "http://www.breastcancer.org/sitemap.xml"
    ]


def test_our_token_is_matched_case_insensitively() -> None:
    body = b"User-agent: *\nDisallow: /a\n\nUser-agent: preventia-bot\nDisallow: /b\n"
    policy = policy_from_response("https://x:443", 200, body, now=0.0)
    assert policy.can_fetch("https://x/a", TOKEN)
    assert not policy.can_fetch("https://x/b", TOKEN)


@pytest.mark.parametrize(
    ("status", "expected", "allows"),
    [
        (200, RobotsStatus.PARSED, False),
        (404, RobotsStatus.UNAVAILABLE, True),
        (403, RobotsStatus.UNAVAILABLE, True),
        (410, RobotsStatus.UNAVAILABLE, True),
        (429, RobotsStatus.UNREACHABLE, False),
        (500, RobotsStatus.UNREACHABLE, False),
        (503, RobotsStatus.UNREACHABLE, False),
        (None, RobotsStatus.UNREACHABLE, False),  # timeout / connection refused
    ],
)
def test_rfc9309_decisions(status: int | None, expected: RobotsStatus, allows: bool) -> None:
    policy = policy_from_response("https://x:443", status, b"User-agent: *\nDisallow: /", now=0.0)
    assert policy.status is expected
    assert policy.can_fetch("https://x/page", TOKEN) is allows


def test_origin_scope() -> None:
    assert origin_of("https://Example.org/a?b") == "https://example.org:443"
    assert origin_of("http://example.org:8080/") == "http://example.org:8080"
    assert origin_of("http://[::1]/x") == "http://[::1]:80"


def test_cache_shares_loads_and_expires() -> None:
    now = [0.0]
    loads: list[str] = []

    async def loader(origin: str) -> RobotsPolicy:
        loads.append(origin)
        await asyncio.sleep(0.01)
        return policy_from_response(origin, 404, None, now=now[0])

    async def run() -> None:
        cache = RobotsCache(loader, ttl_seconds=100, clock=lambda: now[0])
        await asyncio.gather(*(cache.policy_for(f"http://a.test/{i}") for i in range(5)))
        assert loads == ["http://a.test:80"]
        now[0] = 99.0
        await cache.policy_for("http://a.test/x")
        assert len(loads) == 1
        now[0] = 101.0
        await cache.policy_for("http://a.test/x")
        assert len(loads) == 2

    asyncio.run(run())


def test_unreachable_is_cached_for_at_most_an_hour() -> None:
    now = [0.0]

    async def loader(origin: str) -> RobotsPolicy:
        return policy_from_response(origin, 500, None, now=now[0])

    async def run() -> RobotsStatus:
        cache = RobotsCache(loader, ttl_seconds=24 * 3600, clock=lambda: now[0])
        first = await cache.policy_for("http://a.test/")
        now[0] = 3601.0
        second = await cache.policy_for("http://a.test/")
        assert first is not second
        return second.status

    assert asyncio.run(run()) is RobotsStatus.UNREACHABLE


# --- over real HTTP -----------------------------------------------------------------


def test_fixture_hosts_robots(fixture_site: FixtureSite) -> None:
    async def run() -> dict[str, FetchOutcome]:
        async with Fetcher(fast_options(), resolver=no_dns) as fetcher:
            urls = {
                "disallowed": fixture_site.special["disallowed"],  # H1: Disallow /search/*
                "robots_500": fixture_site.special["robots_500"],  # H3: robots.txt → 500
                "allowed_h1": fixture_site.articles[0].url,
                "no_robots_h2": fixture_site.articles[1].url,  # H2: robots.txt → 404
            }
            results = await asyncio.gather(*(fetcher.fetch(u) for u in urls.values()))
            again = await fetcher.fetch(fixture_site.articles[2].url)
            assert again.ok
            return {name: r.outcome for name, r in zip(urls, results, strict=True)}

    fixture_site.clear_log()
    outcomes = asyncio.run(run())
    assert outcomes == {
        "disallowed": FetchOutcome.ROBOTS_FORBIDDEN,
        "robots_500": FetchOutcome.ROBOTS_FORBIDDEN,
        "allowed_h1": FetchOutcome.OK,
        "no_robots_h2": FetchOutcome.OK,
    }
    for host in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):  # fetched once per host
        assert len(fixture_site.requests_to(host, "/robots.txt")) == 1
    assert fixture_site.requests_to("127.0.0.1", "/search/breast-cancer/") == []
    assert [r.route_path for r in fixture_site.requests_to("127.0.0.3")] == ["/robots.txt"]


def test_crawl_delay_is_honoured(private_site: FixtureSite) -> None:
    host = private_site.hosts[0]
    private_site.set_robots(host, "User-agent: *\nCrawl-delay: 0.4\nDisallow: /private/\n")
    private_site.add(host, "/a/", Reply(body=b"<p>a</p>"))

    async def run() -> None:
        async with Fetcher(fast_options(min_delay_seconds=0.1), resolver=no_dns) as fetcher:
            for _ in range(3):
                assert (await fetcher.fetch(private_site.url(host, "/a/"))).ok

    asyncio.run(run())
    times = [r.time for r in private_site.requests_to(host)]
    assert len(times) == 4  # robots.txt + 3 pages
    page_gaps = [b - a for a, b in itertools.pairwise(times[1:])]
    assert all(gap >= 0.39 for gap in page_gaps), page_gaps


def test_robots_redirect_and_truncation(private_site: FixtureSite, tmp_path: Path) -> None:
    host = private_site.hosts[0]
    big = "User-agent: *\nDisallow: /private/\n" + "# filler\n" * 100_000  # ~900 KiB
    private_site.add(host, "/robots.txt", Reply(status=301, headers={"Location": "/r.txt"}))
    private_site.add(host, "/r.txt", Reply(body=big.encode(), content_type="text/plain"))

    async def run() -> tuple[FetchOutcome, FetchOutcome]:
        async with Fetcher(fast_options(), resolver=no_dns) as fetcher:
            denied = await fetcher.fetch(private_site.url(host, "/private/x"))
            fine = await fetcher.fetch(private_site.url(host, "/public"))
            return denied.outcome, fine.outcome

    assert asyncio.run(run()) == (FetchOutcome.ROBOTS_FORBIDDEN, FetchOutcome.GONE)
