# ruff: noqa: E501  (benchmark tables read best one call per line)
"""API speed: analytics endpoints and the first page of GET /articles, uncached and cached.

    python bench/bench_api.py --database sqlite            # 20,000 articles (quick)
    python bench/bench_api.py --database postgres          # 20,000 articles
    python bench/bench_api.py --database sqlite --full     # 100,000 (the issue's SQLite goal)
    python bench/bench_api.py --database postgres --full   # 1,000,000 (the PostgreSQL goal)

A scratch database is created, migrated and filled by ``api_corpus.generate``; every call goes
through the real app (``TestClient``, lifespan, auth, serialisation). "Uncached" calls use the
in-process cache bumped before each call. The analytics rollups are rebuilt after loading
(timed apart). Goals: PostgreSQL 1M p95 ≤ 50 ms, SQLite 100k p95 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from api_corpus import generate

from preventia.analytics.cache import bump_analytics_version
from preventia.analytics.rollups import rebuild_rollups
from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.auth.service import issue_tokens
from preventia.db import make_engine, migrate
from preventia.models import Role, User
from preventia.settings import Settings

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CALLS = [
    ("GET /articles first page", "/api/v1/articles", {}),
    ("GET /articles q + filters", "/api/v1/articles", {"q": "screening mamm*", "language": "en"}),
    ("summary", "/api/v1/analytics/summary", {}),
    ("summary, 1 year + topic", "/api/v1/analytics/summary", {"published_from": "2023-01-01", "published_to": "2023-12-31", "topic": "screening"}),
    ("distribution topic", "/api/v1/analytics/distributions/topic", {}),
    ("distribution source", "/api/v1/analytics/distributions/source", {}),
    ("distribution country", "/api/v1/analytics/distributions/country", {}),
    ("timeline month", "/api/v1/analytics/timeline", {"interval": "month"}),
    ("timeline day, 90 days", "/api/v1/analytics/timeline", {"interval": "day", "published_from": "2024-01-01", "published_to": "2024-03-31"}),
    ("topic-tone", "/api/v1/analytics/topic-tone", {}),
    ("compare", "/api/v1/analytics/compare", {"a_from": "2023-01-01", "a_to": "2023-06-30", "b_from": "2024-01-01", "b_to": "2024-06-30"}),
    ("keywords", "/api/v1/analytics/keywords", {}),
]  # fmt: skip


@contextmanager
def scratch(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"preventia_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _token(url: str, settings: Settings) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        user = User(email="bench@example.org", password_hash="x", role=Role.VIEWER)
        session.add(user)
        session.flush()
        token = issue_tokens(session, settings, user, None).access_token  # opens a session
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return token


def _time(call: Callable[[], None], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def run(kind: str, count: int, runs: int) -> None:
    with scratch(kind) as url:
        migrate.upgrade(url)
        started = time.perf_counter()
        engine = make_engine(url)
        generate(engine, count, rollups=False)
        print(f"{kind}: {count:,} articles generated in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            rebuild_rollups(session)
        print(f"{kind}: rollups rebuilt in {time.perf_counter() - started:.1f} s")
        engine.dispose()
        settings = Settings(database_url=url)
        headers = {"Authorization": f"Bearer {_token(url, settings)}"}
        app = create_app(settings)
        with TestClient(app) as client:
            configure_rate_limits(app, RateLimitConfig(enabled=False))
            print("| call | uncached p50 ms | uncached p95 ms | cached p95 ms |\n|---|---|---|---|")
            for label, path, params in CALLS:

                def get(path: str = path, params: dict[str, str] = params) -> None:
                    assert client.get(path, params=params, headers=headers).status_code == 200

                def uncached() -> None:
                    bump_analytics_version(None)
                    get()

                p50, p95 = _time(uncached, runs)
                cached = _time(get, runs)[1] if "analytics" in path else float("nan")
                print(f"| {label} | {p50:.1f} | {p95:.1f} | {cached:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--full", action="store_true", help="the issue's sizes (100k / 1M)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    full = 100_000 if args.database == "sqlite" else 1_000_000
    run(args.database, args.count or (full if args.full else 20_000), args.runs)


if __name__ == "__main__":
    main()
