"""Every route of the app declares exactly one access policy."""

from __future__ import annotations

from starlette.routing import Mount

from preventia.api.app import create_app
from preventia.auth.policy import POLICY_ATTR, iter_api_routes, route_policy
from preventia.settings import Settings


def _missing(app) -> list[str]:  # type: ignore[no-untyped-def]
    missing = [
        f"{sorted(route.methods)} {path}"
        for path, route in iter_api_routes(app.routes)
        if route_policy(route) is None
    ]
    for route in app.routes:
        if isinstance(route, Mount) and getattr(route.app, POLICY_ATTR, None) is None:
            missing.append(f"mount {route.path}")
    return missing


def test_every_route_declares_a_policy() -> None:
    app = create_app(Settings(database_url="sqlite:///:memory:"))
    paths = {path for path, _ in iter_api_routes(app.routes)}
    assert {"/health", "/ready", "/metrics"} <= paths
    assert _missing(app) == []


def test_a_route_without_policy_is_caught() -> None:
    app = create_app(Settings(database_url="sqlite:///:memory:"))

    @app.get("/api/v1/forgotten")
    def forgotten() -> None:
        return None

    assert _missing(app) == ["['GET'] /api/v1/forgotten"]
