"""Admin user management: list, create, role, (de)activate, reset password, last-admin guard."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.models import AuditLog, Role
from preventia.settings import Settings
from tests.api.test_role_matrix import MATRIX_PASSWORD, MatrixUser, create_users
from tests.conftest import scratch_postgres_database

USERS = "/api/v1/users"
GOOD_PASSWORD = "correct horse battery staple 9"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A fresh database: the last-admin rule counts every admin in it."""
    from preventia.db import migrate

    def build(url: str) -> Iterator[TestClient]:
        migrate.upgrade(url)
        app = create_app(Settings(database_url=url))
        configure_rate_limits(app, RateLimitConfig(enabled=False))
        with TestClient(app) as test_client:
            yield test_client

    if request.param == "sqlite":
        yield from build(f"sqlite:///{tmp_path_factory.mktemp('users') / 'users.db'}")
        return
    with scratch_postgres_database() as url:
        yield from build(url)


@pytest.fixture(scope="module")
def admin(client: TestClient) -> MatrixUser:
    (user,) = create_users(client.app, [Role.ADMIN])  # type: ignore[arg-type]
    return user


def _new(client: TestClient, role: Role = Role.VIEWER) -> MatrixUser:
    (user,) = create_users(client.app, [role])  # type: ignore[arg-type]
    return user


def _actions(client: TestClient, object_id: int) -> list[str]:
    with client.app.state.db.sessions() as session:  # type: ignore[attr-defined]
        query = select(AuditLog.action).where(AuditLog.object_id == str(object_id))
        return list(session.scalars(query.order_by(AuditLog.id)))


def test_create_list_and_get(client: TestClient, admin: MatrixUser) -> None:
    email = f"Ana.{uuid.uuid4().hex[:6]}@Example.org"
    body = {"email": email, "password": GOOD_PASSWORD, "role": "analyst"}
    created = client.post(USERS, json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == email.lower()
    assert user["role"] == "analyst"
    assert "password" not in str(user)
    listed = client.get(USERS, params={"role": "analyst"}, headers=admin.headers).json()
    assert user["id"] in [item["id"] for item in listed["items"]]
    assert all(item["role"] == "analyst" for item in listed["items"])
    one = client.get(f"{USERS}/{user['id']}", headers=admin.headers)
    assert one.json() == user
    assert _actions(client, user["id"]) == ["user.created"]
    login = {"email": email, "password": GOOD_PASSWORD}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"email": "x@example.org", "password": "short"}, 422, "password"),
        ({"email": "x@example.org", "password": "password1234"}, 422, "password"),
        ({"email": "not-an-email", "password": GOOD_PASSWORD}, 422, "email"),
        ({"email": "x@example.org", "password": GOOD_PASSWORD, "role": "root"}, 422, "role"),
    ],
)
def test_create_refuses_bad_input_naming_the_parameter(
    client: TestClient, admin: MatrixUser, body: dict[str, Any], status: int, param: str
) -> None:
    response = client.post(USERS, json=body, headers=admin.headers)
    assert response.status_code == status, response.text
    problem = response.json()
    names = [err["loc"][-1] for err in problem.get("errors", [])]
    assert param in names or problem["detail"].startswith(f"{param}:")


def test_a_duplicate_email_is_409(client: TestClient, admin: MatrixUser) -> None:
    existing = _new(client)
    body = {"email": existing.email.upper(), "password": GOOD_PASSWORD}
    response = client.post(USERS, json=body, headers=admin.headers)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("email:")


def test_role_change_takes_effect_on_the_next_request(
    client: TestClient, admin: MatrixUser
) -> None:
    user = _new(client, Role.ADMIN)
    assert client.get(USERS, headers=user.headers).status_code == 200
    changed = client.patch(f"{USERS}/{user.id}", json={"role": "viewer"}, headers=admin.headers)
    assert changed.json()["role"] == "viewer"
    assert client.get(USERS, headers=user.headers).status_code == 403  # same token, now viewer
    assert _actions(client, user.id) == ["user.role_changed"]


def test_deactivate_and_reactivate(client: TestClient, admin: MatrixUser) -> None:
    user = _new(client)
    login = {"email": user.email, "password": MATRIX_PASSWORD}
    refresh = client.post("/api/v1/auth/login", json=login).json()["refresh_token"]
    off = client.patch(f"{USERS}/{user.id}", json={"is_active": False}, headers=admin.headers)
    assert off.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=user.headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    on = client.patch(f"{USERS}/{user.id}", json={"is_active": True}, headers=admin.headers)
    assert on.json()["is_active"] is True
    # Deactivation ended every session: the old tokens stay refused, a new login works.
    assert client.get("/api/v1/auth/me", headers=user.headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    actions = _actions(client, user.id)
    assert actions.index("user.deactivated") < actions.index("user.reactivated")
    assert "auth.refresh_reused" in actions  # the refresh token was revoked on deactivation


def test_reset_password_revokes_sessions(client: TestClient, admin: MatrixUser) -> None:
    user = _new(client)
    login = {"email": user.email, "password": MATRIX_PASSWORD}
    pair = client.post("/api/v1/auth/login", json=login).json()
    refresh = pair["refresh_token"]
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    weak = client.post(
        f"{USERS}/{user.id}/password", json={"new_password": "abc"}, headers=admin.headers
    )
    assert weak.status_code == 422
    assert weak.json()["detail"].startswith("new_password:")
    reset = client.post(
        f"{USERS}/{user.id}/password", json={"new_password": GOOD_PASSWORD}, headers=admin.headers
    )
    assert reset.status_code == 204
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401  # access token too
    assert client.post("/api/v1/auth/login", json=login).status_code == 401
    login["password"] = GOOD_PASSWORD
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    assert "user.password_reset" in _actions(client, user.id)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"{USERS}/999999", None),
        ("patch", f"{USERS}/999999", {"role": "viewer"}),
        ("post", f"{USERS}/999999/password", {"new_password": GOOD_PASSWORD}),
    ],
)
def test_unknown_users_are_404(
    client: TestClient, admin: MatrixUser, method: str, path: str, body: Any
) -> None:
    response = client.request(method, path, json=body, headers=admin.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (f"{USERS}/0", {}),
        (f"{USERS}/abc", {}),
        (f"{USERS}/99999999999999999999", {}),
        (USERS, {"limit": 10_000}),
        (USERS, {"offset": -1}),
        (USERS, {"role": "root"}),
        (USERS, {"unknown": "x"}),
    ],
)
def test_bad_parameters_are_422(
    client: TestClient, admin: MatrixUser, path: str, params: dict[str, Any]
) -> None:
    response = client.get(path, params=params, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


def test_the_last_active_admin_cannot_leave(client: TestClient) -> None:
    """Run last in the module: deactivates every other admin first."""
    (only,) = create_users(client.app, [Role.ADMIN])  # type: ignore[arg-type]
    others = client.get(USERS, params={"role": "admin", "is_active": True}, headers=only.headers)
    for item in others.json()["items"]:
        if item["id"] != only.id:
            response = client.patch(
                f"{USERS}/{item['id']}", json={"is_active": False}, headers=only.headers
            )
            assert response.status_code == 200, response.text
    for change in ({"role": "analyst"}, {"is_active": False}):
        refused = client.patch(f"{USERS}/{only.id}", json=change, headers=only.headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["detail"].startswith(f"{next(iter(change))}:")
    assert client.get("/api/v1/auth/me", headers=only.headers).json()["role"] == "admin"
    (second,) = create_users(client.app, [Role.ADMIN])  # type: ignore[arg-type]
    demoted = client.patch(f"{USERS}/{only.id}", json={"role": "viewer"}, headers=only.headers)
    assert demoted.status_code == 200  # another active admin remains
    assert client.get(USERS, headers=second.headers).status_code == 200
