"""Real worker processes over the real Redis: crash recovery and politeness across workers."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.db import Database, build_database, migrate, transaction
from preventia.jobs.worker import TaskQueue
from preventia.models import Article, SeenUrl
from preventia.settings import Settings
from preventia.sources.schemas import SourceCreate
from preventia.sources.service import add_source
from tests.collect.news_site import build_news_site, page_html, pick, rss
from tests.fixtures.site import FixtureSite, Reply


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    migrate.upgrade(url)
    values = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    values.update(
        PREVENTIA_ENV="test",
        PREVENTIA_DATABASE_URL=url,
        PREVENTIA_REDIS_URL=redis_url,
        PREVENTIA_CRAWL__ALLOWED_NETWORKS='["127.0.0.0/8"]',
        PREVENTIA_CRAWL__MIN_DELAY_SECONDS="0",
        PREVENTIA_CRAWL__JITTER_SECONDS="0",
        PREVENTIA_WORKER__HEARTBEAT_SECONDS="2",
        PREVENTIA_CRAWL__TOTAL_TIMEOUT="5",
        PREVENTIA_WORKER__MAX_RETRIES="2",
        PREVENTIA_LOG__LEVEL="WARNING",
    )
    return values


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        database_url=env["PREVENTIA_DATABASE_URL"],
        redis_url=env["PREVENTIA_REDIS_URL"],
    )


@pytest.fixture
def spawn(env: dict[str, str]) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, **extra: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "preventia", "worker", "--threads", "2", *args]
        process = subprocess.Popen(command, env={**env, **extra}, stdout=subprocess.DEVNULL)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _wait(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")


def _articles(db: Database) -> int:
    with Session(db.engine) as session:
        return int(session.scalar(select(func.count()).select_from(Article)) or 0)


def test_a_worker_killed_mid_task_loses_nothing_and_stores_once(
    env: dict[str, str], spawn: Callable[..., subprocess.Popen[bytes]]
) -> None:
    settings = _settings(env)
    db = build_database(settings)
    with FixtureSite(hosts=("127.0.0.61",), populate=False) as site:
        host = site.hosts[0]
        [article] = pick("primary", 1)
        canonical = site.url(host, "/slow/")
        # The first fetch of the page is slow, so the worker is killed in the middle of it.
        site.add(host, "/slow/", Reply(body=page_html(article, canonical), delay=4))
        site.add(
            host,
            "/feed.xml",
            Reply(body=rss([(article.title, canonical)]), content_type="application/rss+xml"),
        )
        with transaction(db.sessions) as session:
            source_id = add_source(
                session, SourceCreate(url=site.url(host, "/feed.xml"), name="F"), None
            ).id
        doomed = spawn()
        queue = TaskQueue(settings, db)
        queue.collect_source(source_id)
        _wait(lambda: bool(site.requests_to(host, "/slow/")), 30, "the worker to start the article")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        assert _articles(db) == 0
        site.add(host, "/slow/", Reply(body=page_html(article, canonical)))
        spawn()
        _wait(lambda: _articles(db) == 1, 60, "the redelivered article to be stored")
        time.sleep(1)
        queue.close()
    assert _articles(db) == 1
    with Session(db.engine) as session:
        seen = session.scalars(select(SeenUrl.url)).all()
    assert canonical in seen
    db.dispose()


def test_two_workers_keep_the_per_host_delay(
    env: dict[str, str], spawn: Callable[..., subprocess.Popen[bytes]]
) -> None:
    settings = _settings(env)
    db = build_database(settings)
    delay = "0.6"
    with FixtureSite(hosts=("127.0.0.62", "127.0.0.63"), populate=False) as site:
        news = build_news_site(site)
        site.add(site.hosts[0], "/broken/", Reply(status=410))
        with transaction(db.sessions) as session:
            source_id = add_source(session, SourceCreate(url=news.feed_url, name="F"), None).id
        for _ in range(2):
            spawn(PREVENTIA_CRAWL__MIN_DELAY_SECONDS=delay)
        queue = TaskQueue(settings, db)
        queue.collect_source(source_id)
        _wait(lambda: _articles(db) >= 7, 90, "the articles to be stored")
        queue.close()
        times = sorted(r.time for r in site.requests_to(site.hosts[0]))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 10
    assert min(gaps) >= float(delay) - 0.05, gaps
    db.dispose()
