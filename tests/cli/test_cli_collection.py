"""The collection commands as a user runs them, against the loopback fixture site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from preventia.cli.main import app
from preventia.db import make_engine
from preventia.models import Article, ArticleStatus, RobotsStatus, Source, SourceStatus
from preventia.settings import get_settings
from tests.collect.news_site import NewsSite, build_news_site
from tests.fixtures.site import FixtureSite, Reply

runner = CliRunner()


@pytest.fixture
def site() -> Iterator[tuple[FixtureSite, NewsSite]]:
    with FixtureSite(hosts=("127.0.0.31", "127.0.0.32"), populate=False) as fixture:
        yield fixture, build_news_site(fixture)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'collect.db'}"
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", url)
    # The SSRF guard stays on; only the loopback range of the fixture site is let through.
    monkeypatch.setenv("PREVENTIA_CRAWL__ALLOWED_NETWORKS", '["127.0.0.0/8"]')
    monkeypatch.setenv("PREVENTIA_CRAWL__MIN_DELAY_SECONDS", "0")
    monkeypatch.setenv("PREVENTIA_CRAWL__JITTER_SECONDS", "0")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return url


def _sources(url: str) -> list[Source]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(session.scalars(select(Source).order_by(Source.id)))
    engine.dispose()
    return rows


def test_sources_add_checks_robots_and_lists(env: str, site: tuple[FixtureSite, NewsSite]) -> None:
    _, news = site
    result = runner.invoke(
        app, ["sources", "add", news.feed_url, "--name", "Fixture news", "--country", "es",
              "--language", "ES", "--kind", "feed"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "allows /feed.xml" in result.output
    listed = runner.invoke(app, ["sources", "list"])
    assert listed.exit_code == 0
    assert "Fixture news" in listed.stdout and news.feed_url in listed.stdout
    [source] = _sources(env)
    assert (source.outlet_country, source.language) == ("ES", "es")
    assert source.robots_status is RobotsStatus.ALLOWED and source.robots_checked_at


def test_sources_add_refuses_what_robots_disallows_naming_the_rule(
    env: str, site: tuple[FixtureSite, NewsSite]
) -> None:
    fixture, _ = site
    result = runner.invoke(app, ["sources", "add", fixture.url(fixture.hosts[0], "/private/feed")])
    assert result.exit_code == 1
    assert "Disallow: /private/" in result.output
    assert _sources(env) == []


def test_sources_add_refuses_private_address_when_guard_is_closed(
    env: str, site: tuple[FixtureSite, NewsSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, news = site
    monkeypatch.setenv("PREVENTIA_CRAWL__ALLOWED_NETWORKS", "[]")
    get_settings.cache_clear()
    fixture, _ = site
    fixture.clear_log()
    result = runner.invoke(app, ["sources", "add", news.feed_url])
    assert result.exit_code == 1
    assert "refused" in result.output
    assert fixture.requests == []  # never connected
    assert _sources(env) == []


def test_sources_add_refuses_bad_input_and_duplicates(
    env: str, site: tuple[FixtureSite, NewsSite]
) -> None:
    result = runner.invoke(app, ["sources", "add", "file:///etc/passwd", "--country", "Spain"])
    assert result.exit_code == 1
    assert "http(s) URL" in result.output and "alpha-2" in result.output
    _, news = site
    assert runner.invoke(app, ["sources", "add", news.feed_url]).exit_code == 0
    again = runner.invoke(app, ["sources", "add", news.feed_url])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_crawl_once_prints_summary_and_second_run_stores_nothing(
    env: str, site: tuple[FixtureSite, NewsSite]
) -> None:
    _, news = site
    assert runner.invoke(app, ["sources", "add", news.feed_url]).exit_code == 0
    first = runner.invoke(app, ["crawl", "--once"])
    assert first.exit_code == 0, first.output
    assert "collection cycle" in first.stdout
    total = next(line for line in first.stdout.splitlines() if "total" in line)
    numbers = [int(n) for n in re.findall(r"\b\d+\b", total)]
    assert numbers[:2] == [13, 13]  # discovered, new
    assert "stored" in first.stdout and "robots_forbidden" in first.stdout
    engine = make_engine(env)
    with Session(engine) as session:
        stored = session.scalars(
            select(Article).where(Article.status == ArticleStatus.STORED)
        ).all()
    assert len(stored) == 4
    second = runner.invoke(app, ["crawl", "--once", "--source", "1"])
    assert second.exit_code == 0
    with Session(engine) as session:
        assert (
            len(session.scalars(select(Article)).all()) == 4 + 2 + 1
        )  # stored, not relevant, copy
    engine.dispose()


def test_crawl_requires_once(env: str) -> None:
    result = runner.invoke(app, ["crawl"])
    assert result.exit_code == 2
    assert "--once" in result.output


def test_sources_check_pause_resume_remove(env: str, site: tuple[FixtureSite, NewsSite]) -> None:
    fixture, news = site
    assert runner.invoke(app, ["sources", "add", news.feed_url]).exit_code == 0
    fixture.set_robots(fixture.hosts[0], "User-agent: *\nCrawl-delay: 7\nDisallow: /feed.xml\n")
    checked = runner.invoke(app, ["sources", "check", "1"])
    # robots.txt is cached per host for the process; a new process reads it afresh.
    assert checked.exit_code == 1
    assert "Disallow: /feed.xml" in checked.output
    [source] = _sources(env)
    assert source.robots_status is RobotsStatus.DISALLOWED and source.crawl_delay_seconds == 7
    assert runner.invoke(app, ["sources", "pause", "1", "--reason", "legal review"]).exit_code == 0
    assert _sources(env)[0].status is SourceStatus.PAUSED
    assert "legal review" in (_sources(env)[0].status_reason or "")
    assert runner.invoke(app, ["sources", "resume", "1"]).exit_code == 0
    assert _sources(env)[0].status is SourceStatus.ACTIVE
    assert runner.invoke(app, ["sources", "remove", "1"]).exit_code == 0
    assert "Fixture" not in runner.invoke(app, ["sources", "list"]).stdout
    assert news.feed_url in runner.invoke(app, ["sources", "list", "--all"]).stdout
    missing = runner.invoke(app, ["sources", "pause", "99"])
    assert missing.exit_code == 1 and "no source with id 99" in missing.output


def test_sources_discover_lists_declared_feeds(
    env: str, site: tuple[FixtureSite, NewsSite]
) -> None:
    fixture, _ = site
    host = fixture.hosts[1]
    home = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/health/rss.xml">'
        b"</head><body>Home</body></html>"
    )
    fixture.add(host, "/", Reply(body=home))
    result = runner.invoke(app, ["sources", "discover", fixture.url(host, "/")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.split()
    assert lines[0] == fixture.url(host, "/health/rss.xml")


def test_retention_drops_old_text_only(env: str, site: tuple[FixtureSite, NewsSite]) -> None:
    _, news = site
    assert (
        runner.invoke(app, ["sources", "add", news.feed_url, "--retention-days", "30"]).exit_code
        == 0
    )
    assert runner.invoke(app, ["crawl", "--once"]).exit_code == 0
    engine = make_engine(env)
    with Session(engine) as session, session.begin():
        oldest = session.scalars(select(Article.id).where(Article.text.is_not(None))).first()
        session.execute(
            update(Article)
            .where(Article.id == oldest)
            .values(fetched_at=datetime.now(UTC) - timedelta(days=31))
        )
    result = runner.invoke(app, ["retention"])
    assert result.exit_code == 0
    assert "purged the text of 1 articles" in result.output
    with Session(engine) as session:
        purged = session.get(Article, oldest)
        assert purged is not None and purged.text is None and purged.text_purged_at
        assert purged.relevance is not None  # the analysis stays
        kept = session.scalars(select(Article).where(Article.text.is_not(None))).all()
    engine.dispose()
    assert kept


def test_sources_defaults_registers_the_curated_list_once(env: str) -> None:
    first = runner.invoke(app, ["sources", "defaults"])
    assert first.exit_code == 0
    added = int(re.search(r"(\d+) added", first.output).group(1))  # type: ignore[union-attr]
    assert added >= 10
    rows = _sources(env)
    assert len(rows) == added and all(s.is_default for s in rows)
    assert {s.language for s in rows} >= {"en", "es"}
    second = runner.invoke(app, ["sources", "defaults"])
    assert "0 added" in second.output


def test_sources_update_changes_only_what_is_given(
    env: str, site: tuple[FixtureSite, NewsSite]
) -> None:
    _, news = site
    assert runner.invoke(app, ["sources", "add", news.feed_url, "--name", "Old"]).exit_code == 0
    result = runner.invoke(
        app, ["sources", "update", "1", "--interval", "120", "--no-full-text",
              "--retention-days", "90", "--terms-notes", "Reviewed 2026-11: no full text"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [source] = _sources(env)
    assert (source.name, source.fetch_interval_minutes, source.store_full_text) == (
        "Old",
        120,
        False,
    )
    assert source.retention_days == 90 and source.terms_notes == "Reviewed 2026-11: no full text"
    bad = runner.invoke(app, ["sources", "update", "1", "--country", "Spain", "--interval", "1"])
    assert bad.exit_code == 1 and "alpha-2" in bad.output and "fetch_interval_minutes" in bad.output
    assert runner.invoke(app, ["sources", "update", "1"]).exit_code == 2
    assert runner.invoke(app, ["sources", "update", "42", "--name", "x"]).exit_code == 1


def test_jobs_list_shows_the_cycle(env: str, site: tuple[FixtureSite, NewsSite]) -> None:
    _, news = site
    assert runner.invoke(app, ["sources", "add", news.feed_url]).exit_code == 0
    assert runner.invoke(app, ["crawl", "--once"]).exit_code == 0
    listed = runner.invoke(app, ["jobs", "list", "--type", "collect"])
    assert listed.exit_code == 0
    for expected in ["collect", "succeeded", "stored 4"]:
        assert expected in listed.stdout
