"""A request holds at most one pooled database connection, so a burst cannot deadlock the
pool (two per request did, at 300 requests/s: docs/benchmarks-load.md); and a pool with no
free connection answers 503 with Retry-After, not 500 (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.db import engine as engine_module
from preventia.models import Role
from preventia.settings import Settings
from tests.api.test_role_matrix import MATRIX_PASSWORD, MatrixUser, create_users

API = "/api/v1"
SEARCH = {"name": "screening es", "filters": {"language": ["es"], "topic": ["screening"]}}
CASES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", f"{API}/auth/me", None),
    ("GET", f"{API}/articles", None),
    ("GET", f"{API}/analytics/summary", None),
    ("GET", f"{API}/analytics/distributions/topic", None),
    ("GET", f"{API}/sources", None),
    ("POST", f"{API}/saved-searches", SEARCH),
    ("GET", f"{API}/saved-searches", None),
    ("GET", f"{API}/jobs", None),
    ("GET", f"{API}/audit", None),
]


def _app(database_url: str) -> FastAPI:
    app = create_app(Settings(database_url=database_url))
    configure_rate_limits(app, RateLimitConfig(enabled=False))
    return app


@pytest.fixture
def admin_client(migrated_url: str) -> Iterator[tuple[TestClient, MatrixUser]]:
    app = _app(migrated_url)
    with TestClient(app) as client:
        (admin,) = create_users(app, [Role.ADMIN])
        yield client, admin


def test_a_request_holds_at_most_one_pooled_connection(
    admin_client: tuple[TestClient, MatrixUser],
) -> None:
    client, admin = admin_client
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    held = peak = 0

    def checkout(*_: Any) -> None:
        nonlocal held, peak
        held += 1
        peak = max(peak, held)

    def checkin(*_: Any) -> None:
        nonlocal held
        held -= 1

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        for method, path, body in CASES:
            peak = 0
            response = client.request(method, path, json=body, headers=admin.headers)
            assert response.status_code in (200, 201), (path, response.text)
            assert peak == 1, f"{method} {path} held {peak} connections at once"
        # A cached answer needs the database only to authenticate.
        checkouts = 0

        def count(*_: Any) -> None:
            nonlocal checkouts
            checkouts += 1

        event.listen(engine, "checkout", count)
        summary = client.get(f"{API}/analytics/summary", headers=admin.headers)
        event.remove(engine, "checkout", count)
        assert summary.headers["x-cache"] == "hit"
        assert checkouts == 1
        login = {"email": admin.email, "password": MATRIX_PASSWORD}
        peak = 0
        assert client.post(f"{API}/auth/login", json=login).status_code == 200
        assert peak == 1
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


def test_an_exhausted_pool_answers_503_with_retry_after(
    migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "POOL_SIZE", 1)
    monkeypatch.setattr(engine_module, "POOL_OVERFLOW", 0)
    monkeypatch.setattr(engine_module, "POOL_WAIT", 0.2)
    app = _app(migrated_url)
    with TestClient(app) as client:
        (viewer,) = create_users(app, [Role.VIEWER])
        held = app.state.db.engine.connect()  # the only connection, taken elsewhere
        try:
            busy = client.get(f"{API}/auth/me", headers=viewer.headers)
        finally:
            held.close()
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "2"
        assert busy.headers["content-type"] == "application/problem+json"
        assert "retry" in busy.json()["detail"]
        assert client.get(f"{API}/auth/me", headers=viewer.headers).status_code == 200
