"""The embedded default: ``preventia serve`` without Redis collects on its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.db import build_database, migrate, transaction
from preventia.models import Article, Job
from preventia.settings import Settings
from preventia.sources.schemas import SourceCreate
from preventia.sources.service import add_source
from tests.collect.news_site import build_news_site
from tests.fixtures.site import FixtureSite, Reply


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_collects_a_source_without_any_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    migrate.upgrade(url)
    db = build_database(Settings(database_url=url))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    env.update(
        PREVENTIA_ENV="test",
        PREVENTIA_DATABASE_URL=url,
        PREVENTIA_LOAD_DEFAULT_SOURCES="false",
        PREVENTIA_CRAWL__ALLOWED_NETWORKS='["127.0.0.0/8"]',
        PREVENTIA_CRAWL__MIN_DELAY_SECONDS="0",
        PREVENTIA_CRAWL__JITTER_SECONDS="0",
        PREVENTIA_WORKER__SCHEDULER_TICK_SECONDS="0.5",
        PREVENTIA_LOG__LEVEL="INFO",
    )
    with FixtureSite(hosts=("127.0.0.71", "127.0.0.72"), populate=False) as site:
        news = build_news_site(site)
        site.add(site.hosts[0], "/broken/", Reply(status=410))
        with transaction(db.sessions) as session:
            add_source(session, SourceCreate(url=news.feed_url, name="Fixture"), None)
        command = [sys.executable, "-m", "preventia", "serve", "--port", str(_free_port())]
        server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 90
            stored = 0
            while time.monotonic() < deadline and stored < 7:
                time.sleep(0.5)
                with Session(db.engine) as session:
                    stored = int(session.scalar(select(func.count()).select_from(Article)) or 0)
            assert stored == 7, "serve did not collect the source on its own"
        finally:
            server.send_signal(signal.SIGTERM)
            _, errors = server.communicate(timeout=60)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells it.
    assert server.returncode in (0, -signal.SIGTERM), errors[-2000:]
    assert "Traceback" not in errors and "Finished server process" in errors
    with Session(db.engine) as session:
        jobs = session.scalars(select(Job)).all()
    kinds = {(job.type.value, job.status.value) for job in jobs}
    assert kinds == {("collect", "succeeded"), ("retention", "succeeded")}
    db.dispose()
