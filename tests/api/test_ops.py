from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from preventia import __version__
from preventia.api.app import create_app
from preventia.api.middleware import SECURITY_HEADERS
from preventia.settings import Settings


def test_health_answers_with_version(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_ready_when_database_answers(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "not configured"}


def test_ready_is_503_with_reason_when_database_unreachable() -> None:
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200  # alive, though not ready
        response = client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("unavailable: OperationalError")


def test_ready_checks_redis_when_configured(sqlite_url: str, redis_url: str) -> None:
    settings = Settings(database_url=sqlite_url, redis_url=redis_url)
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").json()["checks"]["redis"] == "ok"


def test_ready_is_503_when_configured_redis_is_down(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, redis_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(settings)) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("unavailable")
    assert response.json()["checks"]["database"] == "ok"


def _samples(client: TestClient, name: str) -> list[dict[str, str]]:
    text = client.get("/metrics").text
    return [
        sample.labels
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def test_metrics_use_route_templates_not_raw_paths(client: TestClient) -> None:
    client.get("/health")
    client.get("/api/v1/sources/12345")  # 401, but matched: counted under its template
    for n in range(3):
        client.get(f"/api/v1/no-such-thing/{n}")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    labels = _samples(client, "preventia_http_requests_total")
    routes = {sample["route"] for sample in labels}
    assert {"/health", "/api/v1/sources/{source_id}"} <= routes
    assert not any("no-such-thing" in route or "12345" in route for route in routes)


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ["/health", "/metrics", "/", "/api/v1/openapi.json", "/api/v1/missing"]:
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
        assert response.headers["x-request-id"]


def test_request_id_is_kept_when_well_formed(client: TestClient) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    evil = client.get("/health", headers={"X-Request-ID": "a\tb<script>"}).headers["x-request-id"]
    assert evil != "a\tb<script>" and len(evil) == 32


def test_errors_are_problem_json_without_stack_trace(client: TestClient) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404
    method = client.post("/health")
    assert method.status_code == 405
    assert method.headers["content-type"] == "application/problem+json"


def test_unhandled_error_hides_the_traceback(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.router.routes.insert(0, app.router.routes.pop())  # before the dashboard's catch-all
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_request_body_is_capped(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url)
    settings.api.max_body_bytes = 2048
    with TestClient(create_app(settings)) as client:
        response = client.post("/health", content=b"x" * 4096)
    assert response.status_code == 413


def test_openapi_schema_is_served_under_api_v1(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "PreventIA API"
    assert "/health" in schema["paths"]


def test_dashboard_is_served_at_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "PreventIA" in response.text


@pytest.mark.parametrize("path", ["/sources", "/articles/12"])
def test_dashboard_paths_fall_back_to_the_app(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
