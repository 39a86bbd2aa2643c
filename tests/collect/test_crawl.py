"""A full collection cycle against the loopback news site, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.collect.cycle_types import CycleOptions, CycleReport
from preventia.collect.fetch import Fetcher, FetchOptions
from preventia.collect.pipeline import Collector
from preventia.db import Database, transaction
from preventia.models import (
    Article,
    ArticleStatus,
    Job,
    RobotsStatus,
    SeenUrl,
    Source,
    SourceOutcome,
    SourceStatus,
)
from preventia.sources.schemas import SourceCreate
from preventia.sources.service import add_source
from tests.collect.conftest import fast_options
from tests.collect.news_site import NewsSite, build_news_site
from tests.fixtures.site import FixtureSite, Reply


@pytest.fixture
def news_site() -> Iterator[tuple[FixtureSite, NewsSite]]:
    with FixtureSite(hosts=("127.0.0.21", "127.0.0.22"), populate=False) as site:
        yield site, build_news_site(site)


def _add(db: Database, url: str, **extra: object) -> int:
    with transaction(db.sessions) as session:
        return add_source(session, SourceCreate(url=url, name="Fixture", **extra), None).id  # type: ignore[arg-type]


def _cycle(db: Database, options: FetchOptions | None = None, **cycle: object) -> CycleReport:
    async def run() -> CycleReport:
        async with Fetcher(options or fast_options()) as fetcher:
            return await Collector(db, fetcher, CycleOptions(**cycle)).run_cycle()  # type: ignore[arg-type]

    return asyncio.run(run())


def test_cycle_stores_articles_and_counts_every_outcome(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    source_id = _add(database, news.feed_url)
    report = _cycle(database)
    [source_report] = report.sources
    assert source_report.error is None
    assert dict(source_report.counts) == news.expected
    with Session(database.engine) as session:
        stored = session.scalars(
            select(Article).where(Article.status == ArticleStatus.STORED)
        ).all()
        assert sorted(a.canonical_url for a in stored) == sorted(c for _, c in news.relevant)
        for article in stored:
            gold = next(g for g, c in news.relevant if c == article.canonical_url)
            assert article.text and gold.text.split("\n")[0][:60] in article.text
            assert article.published_at == gold.published
            assert article.relevance is not None and article.relevance.value != "none"
            assert article.model_versions and article.topics
        not_relevant = session.scalars(
            select(Article).where(Article.status == ArticleStatus.NOT_RELEVANT)
        ).all()
        assert len(not_relevant) == 2
        assert all(a.text is None and a.summary is None and a.title for a in not_relevant)
        [copy] = session.scalars(select(Article).where(Article.status == ArticleStatus.DUPLICATE))
        assert copy.duplicate_of == next(
            a.id for a in stored if a.canonical_url == news.relevant[1][1]
        )
        source = session.get(Source, source_id)
        assert source is not None
        assert source.robots_status is RobotsStatus.ALLOWED
        assert source.last_success_at is not None and source.consecutive_failures == 0
        counts = dict(session.execute(select(SourceOutcome.outcome, SourceOutcome.count)).all())
        assert counts == news.expected
        job = session.get(Job, report.job_id)
        assert job is not None and job.status.value == "succeeded" and job.counts == news.expected
    assert not site.requests_to(site.hosts[0], "/private/secret/")


def test_second_cycle_stores_nothing_new(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    _add(database, news.feed_url)
    _cycle(database)
    with Session(database.engine) as session:
        before = session.scalar(select(func.count()).select_from(Article))
    site.clear_log()
    with Session(database.engine) as session:
        assert session.scalars(select(Source.poll_interval_minutes)).one() == 20  # busy: sooner
    again = _cycle(database)
    # Only the page that failed transiently (HTTP 500) is tried again.
    assert dict(again.sources[0].counts) == {"http_5xx": 1}
    with Session(database.engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == before
    paths = sorted(r.path for r in site.requests if r.path != "/robots.txt")
    assert paths == ["/broken/", "/feed.xml"]
    # Once nothing is pending, the feed's validators are kept and it answers 304.
    site.add(site.hosts[0], "/broken/", Reply(status=404))
    _cycle(database)
    site.clear_log()
    assert dict(_cycle(database).sources[0].counts) == {}
    [feed_request] = [r for r in site.requests if r.path != "/robots.txt"]
    assert feed_request.path == "/feed.xml"
    assert {k.lower() for k in feed_request.headers} & {"if-none-match", "if-modified-since"}


def test_new_feed_item_is_fetched_once_in_a_later_cycle(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    _, news = news_site
    _add(database, news.feed_url)
    _cycle(database, max_articles_per_source=3)
    second = _cycle(database, max_articles_per_source=100)
    total = sum(second.sources[0].counts.values()) + 3
    assert total == sum(news.expected.values())
    with Session(database.engine) as session:
        seen = session.scalar(select(func.count()).select_from(SeenUrl))
    assert seen is not None and seen >= total - 2  # transient 5xx is retried, not marked seen


def test_per_host_delay_is_kept_at_the_server(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    _add(database, news.feed_url)
    _cycle(database, fast_options(min_delay_seconds=0.15))
    for host in site.hosts:
        times = sorted(r.time for r in site.requests_to(host))
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert gaps and min(gaps) >= 0.14, (host, gaps)


def test_source_disallowed_by_robots_is_counted_and_paused_after_repeated_failures(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, _ = news_site
    other = site.hosts[1]
    site.set_robots(other, "User-agent: *\nDisallow: /feeds/\n")
    source_id = _add(database, site.url(other, "/feeds/all.xml"))
    for _ in range(2):
        report = _cycle(database, failures_before_pause=2)
    assert dict(report.sources[0].counts) == {"robots_forbidden": 1}
    assert "Disallow: /feeds/" in (report.sources[0].error or "")
    with Session(database.engine) as session:
        source = session.get(Source, source_id)
        assert source is not None
        assert source.status is SourceStatus.PAUSED
        assert "2 failed cycles" in (source.status_reason or "")
        assert source.robots_status is RobotsStatus.DISALLOWED
    assert not site.requests_to(other, "/feeds/all.xml")
    assert _cycle(database).sources == []  # a paused source is not collected


def test_source_that_forbids_full_text_keeps_analysis_only(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    _, news = news_site
    _add(database, news.feed_url, store_full_text=False)
    _cycle(database)
    with Session(database.engine) as session:
        stored = session.scalars(
            select(Article).where(Article.status == ArticleStatus.STORED)
        ).all()
    assert len(stored) == 4
    assert all(a.text is None and a.relevance is not None and a.topics for a in stored)


def test_broken_feeds_do_not_stop_the_cycle(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    host = site.hosts[1]
    site.add(host, "/empty.xml", Reply(body=b"", content_type="application/rss+xml"))
    site.add(host, "/bad.xml", Reply(body=b"<rss><channel><item><link>", content_type="text/xml"))
    for path in ["/empty.xml", "/bad.xml", "/missing.xml"]:
        _add(database, site.url(host, path))
    _add(database, news.feed_url)
    report = _cycle(database)
    by_url = {r.name: r for r in report.sources}
    assert len(report.sources) == 4
    assert sum(r.counts.get("stored", 0) for r in by_url.values()) == 4
    missing = next(r for r in report.sources if r.counts.get("gone"))
    assert missing.error is not None


def test_hostile_endpoints_are_counted_and_the_cycle_goes_on(
    database: Database, fixture_site: FixtureSite
) -> None:
    """A feed whose items point at every hostile endpoint of the fixture site."""
    _add(database, fixture_site.feeds["edge.rss"])
    report = _cycle(database)
    [result] = report.sources
    assert result.error is None
    expected = Counter(h.outcome for h in fixture_site.hostile.values() if h.outcome != "ok")
    for outcome, count in expected.items():
        assert result.counts[outcome] >= count, (outcome, dict(result.counts))
    assert result.counts["blocked_address"] >= 1  # the redirect to 169.254.169.254
    # The specials (a normal article, its /amp/ twin, a syndicated copy, …) were still handled.
    assert result.counts["robots_forbidden"] >= 2  # /search/ on H1, everything on H3 (robots 500)
    assert sum(result.counts.values()) == result.new


def test_url_pattern_narrows_a_whole_site_sitemap(
    database: Database, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    host = site.hosts[0]
    urls = [canonical for _, canonical in news.relevant] + [c for _, c in news.not_relevant]
    body = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    site.add(host, "/sitemap.xml", Reply(body=sitemap.encode(), content_type="application/xml"))
    _add(database, site.url(host, "/sitemap.xml"), kind="sitemap", url_pattern=r"/news/\d+/$")
    [result] = _cycle(database).sources
    assert result.discovered == 4
    assert dict(result.counts) == {"stored": 4}
    assert not site.requests_to(host, "/other/0/")
