"""The analytics cache on the real Redis: hits, invalidation, and Redis dying mid-test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from preventia.analytics.cache import (
    VERSION_KEY,
    AnalyticsCache,
    CircuitBreaker,
    bump_analytics_version,
)
from preventia.db import make_engine
from tests.api.test_articles_support import CORPUS, Corpus, add_article, client_for, database, seed

SUMMARY = "/api/v1/analytics/summary"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def own(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corpus]:
    with database(request.param, tmp_path_factory.mktemp("cache")) as url:
        yield seed(url)


def _summary(api: TestClient, own: Corpus, **params: Any) -> tuple[str, int]:
    response = api.get(SUMMARY, params=params, headers=own.headers())
    assert response.status_code == 200, response.text
    return response.headers["x-cache"], response.json()["articles"]


def _ingest(own: Corpus, key: str, client: redis.Redis | None) -> None:
    """What the collection pipeline does: commit an article, then bump the version."""
    engine = make_engine(own.url)
    with Session(engine) as session:
        row = CORPUS["A2"]
        add_article(session, own, key, (*row[:10], f"Copy {key}", "copy", [], []))
        session.commit()
    engine.dispose()
    bump_analytics_version(client)


def test_hit_then_invalidated_by_ingest_on_redis(own: Corpus, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    with client_for(own, redis_url) as api:
        outcome, before = _summary(api, own)
        assert outcome == "miss"
        assert _summary(api, own) == ("hit", before)
        assert _summary(api, own, tone="negative")[0] == "miss"  # other filters, other key
        assert _summary(api, own, tone=["negative"])[0] == "hit"  # same normalised filters
        assert any(client.scan_iter(match="preventia:analytics:v*"))
        _ingest(own, f"R{own.url[:6]}", client)
        assert _summary(api, own) == ("miss", before + 1)
        assert _summary(api, own) == ("hit", before + 1)
        assert int(client.get(VERSION_KEY) or 0) >= 1
        ready = api.get("/ready").json()
        assert ready["checks"]["analytics_cache"] == "ok"
    client.close()


def test_in_process_cache_without_redis(own: Corpus) -> None:
    with client_for(own) as api:
        outcome, before = _summary(api, own, language="en")
        assert outcome == "miss"
        assert _summary(api, own, language="en") == ("hit", before)
        _ingest(own, f"M{own.url[:6]}", None)
        assert _summary(api, own, language="en") == ("miss", before + 1)
        assert "analytics_cache" not in api.get("/ready").json()["checks"]  # cannot degrade


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Redis server of this test alone, so that it can be stopped mid-test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    probe = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            probe.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    probe.close()
    yield url, process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_redis_stopped_mid_test_still_answers(own: Corpus, private_redis: tuple[str, Any]) -> None:
    url, process = private_redis
    with client_for(own, url) as api:
        assert _summary(api, own)[0] == "miss"
        outcome, articles = _summary(api, own)
        assert outcome == "hit"
        process.kill()
        process.wait()
        started = time.monotonic()
        for _ in range(10):
            outcome, count = _summary(api, own)
            assert (outcome, count) == ("bypass", articles)
        assert time.monotonic() - started < 3.0  # fast failures, then the breaker skips Redis
        cache = api.app.state.analytics_cache  # type: ignore[attr-defined]
        assert cache.breaker.is_open
        assert api.get("/ready").json()["checks"]["analytics_cache"].startswith("degraded")
        for path in ("distributions/tone", "timeline", "topic-tone", "keywords"):
            response = api.get(f"/api/v1/analytics/{path}", headers=own.headers())
            assert response.status_code == 200 and response.headers["x-cache"] == "bypass"
        bump_analytics_version(redis.Redis.from_url(url, socket_connect_timeout=0.2))  # no raise


def test_breaker_opens_after_failures_and_tries_again_later() -> None:
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=0.1)
    assert breaker.allow()
    breaker.failed()
    assert breaker.allow() and not breaker.is_open
    breaker.failed()
    assert breaker.is_open and not breaker.allow()
    time.sleep(0.12)
    assert breaker.allow()  # one trial
    assert not breaker.allow()  # the others wait for its outcome
    breaker.succeeded()
    assert breaker.allow() and not breaker.is_open


def test_unreachable_redis_from_the_start() -> None:
    client = redis.Redis.from_url(f"redis://127.0.0.1:{_free_port()}/0", socket_connect_timeout=0.2)
    cache = AnalyticsCache(client, CircuitBreaker(failures_to_open=1, open_seconds=60))
    from preventia.analytics.schemas import Summary

    params = Summary(articles=1, unique_stories=1, sources=1, countries=0, tone=[])
    response = cache.respond("summary", params, lambda: params)
    assert response.headers["x-cache"] == "bypass" and cache.breaker.is_open
    assert cache.status().startswith("degraded")
