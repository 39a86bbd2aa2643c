"""PostgreSQL restarted during a collection: no acknowledged article is lost."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.db import build_database, migrate, transaction
from preventia.jobs.worker import BackgroundWorker, TaskQueue
from preventia.models import Article
from preventia.settings import CrawlSettings, Settings, WorkerSettings
from preventia.sources.schemas import SourceCreate
from preventia.sources.service import add_source
from tests.collect.news_site import build_news_site
from tests.conftest import IN_CI
from tests.fixtures.site import FixtureSite, Reply


def _restart_postgres() -> None:
    clusters = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def can_restart() -> Iterator[None]:
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        if IN_CI:
            pytest.fail("pg_ctlcluster is needed to restart PostgreSQL in this test")
        pytest.skip("no local PostgreSQL cluster to restart")
    yield
    for _ in range(60):  # leave the server up for the tests that follow
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(1)


def test_postgres_restart_mid_collection_loses_no_article(
    can_restart: None, fresh_postgres_url: str
) -> None:
    migrate.upgrade(fresh_postgres_url)
    crawl = CrawlSettings(allowed_networks=["127.0.0.0/8"], min_delay_seconds=0, jitter_seconds=0)  # type: ignore[list-item]
    settings = Settings(
        database_url=fresh_postgres_url, crawl=crawl, worker=WorkerSettings(max_retries=6)
    )
    db = build_database(settings)
    with FixtureSite(hosts=("127.0.0.81", "127.0.0.82"), populate=False) as site:
        news = build_news_site(site)
        site.add(site.hosts[0], "/broken/", Reply(status=410))
        for i, (_, canonical) in enumerate(news.relevant):  # slow pages: the cycle takes a while
            path = f"/news/{i}/"
            page = site.routes[(site.hosts[0], path)]
            site.add(
                site.hosts[0],
                path,
                Reply(body=page(None).body, delay=0.7, content_type="text/html"),
            )  # type: ignore[operator, union-attr]
        with transaction(db.sessions) as session:
            source_id = add_source(session, SourceCreate(url=news.feed_url, name="F"), None).id
        queue = TaskQueue(settings, db)
        worker = BackgroundWorker(queue, threads=2)
        worker.start()
        queue.collect_source(source_id)
        deadline = time.monotonic() + 30
        while not site.requests_to(site.hosts[0], "/news/1/") and time.monotonic() < deadline:
            time.sleep(0.1)
        _restart_postgres()
        try:
            for name in ("collect", "articles"):
                queue.broker.join(name, timeout=120_000)  # type: ignore[attr-defined]
                queue.broker.join(name, timeout=120_000)  # type: ignore[attr-defined]
        finally:
            worker.stop()
            queue.close()
    with Session(db.engine) as session:
        rows = session.execute(
            select(Article.canonical_url, func.count()).group_by(Article.canonical_url)
        ).all()
    db.dispose()
    counts = dict(rows)
    for _, canonical in news.relevant:
        assert counts.get(canonical) == 1, counts
    assert len(counts) == 7
