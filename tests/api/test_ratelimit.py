"""Rate limits (memory and the real Redis, shared by two app instances) and the CORS allow-list."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.db import migrate
from preventia.settings import ApiSettings, Settings

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
SHORT_LOGIN = RateLimitConfig(api="1000 per second", login="5 per 2 seconds")
WRONG = {"email": "nobody@example.org", "password": "wrong password 123"}


def _app(database_url: str, config: RateLimitConfig, **settings: Any) -> Any:
    app = create_app(Settings(database_url=database_url, **settings))
    configure_rate_limits(app, config)
    return app


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> str | None:
    """None for the in-process store, else the real Redis URL (flushed)."""
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    migrate.upgrade(sqlite_url)  # idempotent; the limits need no particular data
    return sqlite_url


@pytest.fixture
def login_client(db_url: str, store: str | None) -> Iterator[TestClient]:
    with TestClient(_app(db_url, SHORT_LOGIN, redis_url=store)) as client:
        yield client


def _assert_429(response: Any, window_seconds: int) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window_seconds
    assert response.headers["x-request-id"]  # inside the request context: headers still set
    return retry_after


def test_login_limit_per_address_then_allowed_after_the_window(login_client: TestClient) -> None:
    for attempt in range(5):
        body = {**WRONG, "email": f"user{attempt}@example.org"}  # five accounts, one address
        assert login_client.post(LOGIN, json=body).status_code == 401
    retry_after = _assert_429(login_client.post(LOGIN, json=WRONG), 2)
    time.sleep(retry_after + 0.1)
    assert login_client.post(LOGIN, json=WRONG).status_code == 401


def test_login_limit_per_account_across_addresses(db_url: str, store: str | None) -> None:
    api = ApiSettings(trusted_proxies=["testclient"])  # believe X-Forwarded-For in this test
    app = _app(db_url, SHORT_LOGIN, redis_url=store, api=api)
    with TestClient(app) as client:
        for n in range(5):
            headers = {"X-Forwarded-For": f"198.51.100.{n}"}
            assert client.post(LOGIN, json=WRONG, headers=headers).status_code == 401
        headers = {"X-Forwarded-For": "198.51.100.77"}
        _assert_429(client.post(LOGIN, json=WRONG, headers=headers), 2)
        other_account = {**WRONG, "email": "someone-else@example.org"}
        assert client.post(LOGIN, json=other_account, headers=headers).status_code == 401


def test_api_burst_of_20_then_429_and_exempt_paths(db_url: str, store: str | None) -> None:
    with TestClient(_app(db_url, RateLimitConfig(), redis_url=store)) as client:
        statuses = [client.get(ME).status_code for _ in range(20)]
        assert statuses == [401] * 20
        _assert_429(client.get(ME), 2)
        _assert_429(client.get("/api/v1/openapi.json"), 2)
        for path in ("/health", "/ready", "/metrics"):
            assert client.get(path).status_code == 200, path


def test_the_api_limit_refills_at_ten_per_second(db_url: str) -> None:
    with TestClient(_app(db_url, RateLimitConfig())) as client:
        assert [client.get(ME).status_code for _ in range(20)].count(429) == 0
        assert client.get(ME).status_code == 429
        time.sleep(2.05)  # the moving window: the burst's slots free 2 s after they were used
        assert [client.get(ME).status_code for _ in range(20)].count(429) == 0


def test_the_limits_come_from_settings(db_url: str) -> None:
    api = ApiSettings(rate_limit="3 per 10 seconds", login_rate_limit="2 per minute")
    with TestClient(create_app(Settings(database_url=db_url, api=api))) as client:
        assert [client.get(ME).status_code for _ in range(3)] == [401] * 3
        _assert_429(client.get(ME), 10)
    api = ApiSettings(rate_limit="100 per second", login_rate_limit="2 per minute")
    with TestClient(create_app(Settings(database_url=db_url, api=api))) as client:
        assert [client.post(LOGIN, json=WRONG).status_code for _ in range(2)] == [401] * 2
        _assert_429(client.post(LOGIN, json=WRONG), 60)


@pytest.mark.parametrize("value", ["often", "0 per second", "10 per fortnight", ""])
def test_a_malformed_rate_limit_setting_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="is not a rate limit"):
        ApiSettings(rate_limit=value)
    with pytest.raises(ValueError, match="is not a rate limit"):
        ApiSettings(login_rate_limit=value)


def test_two_app_instances_share_the_redis_limit(db_url: str, redis_url: str) -> None:
    config = RateLimitConfig(api="1000 per second", login="5 per minute")
    with (
        TestClient(_app(db_url, config, redis_url=redis_url)) as first,
        TestClient(_app(db_url, config, redis_url=redis_url)) as second,
    ):
        for client in (first, second, first, second, first):
            assert client.post(LOGIN, json=WRONG).status_code == 401
        _assert_429(second.post(LOGIN, json=WRONG), 60)
        _assert_429(first.post(LOGIN, json=WRONG), 60)
        assert first.app.state.rate_limiter.uses_redis  # type: ignore[attr-defined]
    keys = redis.Redis.from_url(redis_url).keys("preventia:ratelimit*")
    assert keys  # the counts really live in Redis, not in either process


def test_redis_down_falls_back_to_memory_and_logs_once(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app(db_url, SHORT_LOGIN, redis_url="redis://127.0.0.1:1/0")
    caplog.set_level(logging.WARNING, logger="preventia.api.ratelimit")
    with TestClient(app) as client:
        started = time.perf_counter()
        statuses = [client.post(LOGIN, json=WRONG).status_code for _ in range(6)]
        elapsed = time.perf_counter() - started
    assert statuses == [401] * 5 + [429]  # still limited, in memory
    warnings = [r for r in caplog.records if "Redis rate-limit store unavailable" in r.message]
    assert len(warnings) == 1
    assert elapsed < 5


def test_cors_is_off_by_default(db_url: str) -> None:
    with TestClient(create_app(Settings(database_url=db_url))) as client:
        response = client.get("/health", headers={"Origin": "https://evil.example"})
        preflight = client.options(
            ME,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_configured_origins(db_url: str) -> None:
    api = ApiSettings(cors_origins=["https://dashboard.example.org"])
    with TestClient(create_app(Settings(database_url=db_url, api=api))) as client:
        allowed = client.options(
            LOGIN,
            headers={
                "Origin": "https://dashboard.example.org",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        refused = client.get("/health", headers={"Origin": "https://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example.org"
    assert "access-control-allow-credentials" not in allowed.headers  # bearer tokens, no cookies
    assert "access-control-allow-origin" not in refused.headers
