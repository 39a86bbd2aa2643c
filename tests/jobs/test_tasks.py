"""The background tasks on the in-process broker (the embedded default's code path)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.db import Database, transaction
from preventia.jobs.deadletters import list_dead_letters, requeue
from preventia.jobs.worker import BackgroundWorker, TaskQueue
from preventia.models import Article, Job, SourceOutcome
from preventia.settings import CrawlSettings, Settings, WorkerSettings
from preventia.sources.schemas import SourceCreate
from preventia.sources.service import add_source
from tests.collect.news_site import NewsSite, build_news_site
from tests.fixtures.site import FixtureSite, Reply


@pytest.fixture
def news_site() -> Iterator[tuple[FixtureSite, NewsSite]]:
    with FixtureSite(hosts=("127.0.0.51", "127.0.0.52"), populate=False) as site:
        news = build_news_site(site)
        # Transient failures are retried with a backoff of seconds; these tests want a
        # quick, final answer for that page (the retry path has its own test).
        site.add(site.hosts[0], "/broken/", Reply(status=410))
        yield site, news


@pytest.fixture
def background(database: Database, request: pytest.FixtureRequest) -> Iterator[TaskQueue]:
    crawl = CrawlSettings(
        allowed_networks=["127.0.0.0/8"],  # type: ignore[list-item]
        min_delay_seconds=0,
        jitter_seconds=0,
        read_timeout=2,
    )
    retries = 0 if "dead_letters" in request.node.name else 3
    settings = Settings(
        database_url=database.engine.url.render_as_string(False),
        crawl=crawl,
        worker=WorkerSettings(max_retries=retries),
    )
    queue = TaskQueue(settings, database)
    worker = BackgroundWorker(queue, threads=2)
    worker.start()
    yield queue
    worker.stop()
    queue.close()


def _add(db: Database, url: str) -> int:
    with transaction(db.sessions) as session:
        return add_source(session, SourceCreate(url=url, name="Fixture"), None).id


def _drain(queue: TaskQueue) -> None:
    for _ in range(3):  # a collect task enqueues article tasks
        for name in ("collect", "articles", "maintenance"):
            queue.broker.join(name, timeout=60_000)  # type: ignore[attr-defined]


def _counts(db: Database) -> dict[str, int]:
    with Session(db.engine) as session:
        rows = session.execute(select(Article.status, func.count()).group_by(Article.status))
        return {status.value: n for status, n in rows.tuples()}


def test_a_source_collected_by_tasks_stores_its_articles(
    database: Database, background: TaskQueue, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    _, news = news_site
    source_id = _add(database, news.feed_url)
    background.collect_source(source_id)
    _drain(background)
    assert _counts(database) == {"stored": 4, "not_relevant": 2, "duplicate": 1}
    with Session(database.engine) as session:
        outcomes = dict(
            session.execute(select(SourceOutcome.outcome, SourceOutcome.count)).tuples().all()
        )
        jobs = session.scalars(select(Job)).all()
    assert outcomes["stored"] == 4 and outcomes["robots_forbidden"] == 1
    assert [(j.type.value, j.status.value, j.counts["enqueued"]) for j in jobs] == [
        ("collect", "succeeded", 13)
    ]


def test_the_same_feed_three_times_stores_nothing_twice(
    database: Database, background: TaskQueue, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    source_id = _add(database, news.feed_url)
    for _ in range(3):
        background.collect_source(source_id)
        _drain(background)
        # The same article message delivered again is a no-op too.
        background.actors.process_article.send(source_id, news.relevant[0][1], None, None, v=1)
        _drain(background)
    assert _counts(database) == {"stored": 4, "not_relevant": 2, "duplicate": 1}
    fetched = [r for r in site.requests_to(site.hosts[0]) if r.path.startswith("/news/0/")]
    assert len(fetched) == 1


def test_exhausted_messages_go_to_dead_letters_and_can_be_requeued(
    database: Database, background: TaskQueue, news_site: tuple[FixtureSite, NewsSite]
) -> None:
    site, news = news_site
    source_id = _add(database, news.feed_url)
    site.add(site.hosts[0], "/broken/", Reply(status=500))  # transient
    broken = site.url(site.hosts[0], "/broken/")
    background.actors.process_article.send(source_id, broken, None, None, v=1)
    _drain(background)
    [letter] = list_dead_letters(background.broker)
    assert letter.actor == "process_article" and letter.arguments == {"v": 1}
    assert "http_5xx" in (letter.error or "")
    site.add(site.hosts[0], "/broken/", Reply(status=410))
    assert requeue(background.broker, letter.message_id)
    _drain(background)
    assert list_dead_letters(background.broker) == []
    assert not requeue(background.broker, letter.message_id)
    with Session(database.engine) as session:
        outcomes = dict(
            session.execute(select(SourceOutcome.outcome, SourceOutcome.count)).tuples().all()
        )
    assert outcomes.get("gone") == 1
