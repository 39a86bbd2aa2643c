"""Login, refresh rotation, logout, /me and password change (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.models import AuditLog, RefreshToken, Role, User
from preventia.settings import Settings
from tests.api.test_role_matrix import MATRIX_PASSWORD, MatrixUser, create_users

AUTH = "/api/v1/auth"
NEW_PASSWORD = "a brand new passphrase 7"


@pytest.fixture(scope="module")
def client(migrated_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=migrated_url))
    configure_rate_limits(app, RateLimitConfig(enabled=False))  # limits: see test_ratelimit
    with TestClient(app) as test_client:
        yield test_client


def _user(client: TestClient, role: Role = Role.VIEWER) -> MatrixUser:
    (user,) = create_users(client.app, [role])  # type: ignore[arg-type]
    return user


def _login(client: TestClient, email: str, password: str = MATRIX_PASSWORD) -> Any:
    return client.post(f"{AUTH}/login", json={"email": email, "password": password})


def _db(client: TestClient) -> Any:
    return client.app.state.db.sessions  # type: ignore[attr-defined]


def _audit(client: TestClient, user_id: int) -> list[AuditLog]:
    with _db(client)() as session:
        query = select(AuditLog).where(AuditLog.object_id == str(user_id)).order_by(AuditLog.id)
        return list(session.scalars(query))


def _stored_user(client: TestClient, user_id: int) -> User:
    with _db(client)() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def test_login_answers_the_contract(client: TestClient) -> None:
    user = _user(client, Role.ANALYST)
    response = _login(client, user.email.upper())  # emails are case-insensitive
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 24 * 3600
    me = client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    assert me.json()["role"] == "analyst"
    assert "password_hash" not in me.json()
    stored = _stored_user(client, user.id)
    assert stored.last_login_at is not None
    entries = _audit(client, user.id)
    assert [entry.action for entry in entries] == ["auth.login"]
    assert entries[0].client_address == "testclient"
    assert entries[0].actor_id == user.id


def test_refresh_tokens_are_stored_hashed(client: TestClient) -> None:
    user = _user(client)
    refresh = _login(client, user.email).json()["refresh_token"]
    with _db(client)() as session:
        hashes = session.scalars(
            select(RefreshToken.token_hash).where(RefreshToken.user_id == user.id)
        ).all()
    assert hashlib.sha256(refresh.encode()).hexdigest() in hashes  # the fixture's + this one
    assert all(refresh not in h and len(h) == 64 for h in hashes)


def test_failures_get_one_answer_are_counted_and_audited(client: TestClient) -> None:
    user = _user(client)
    wrong = _login(client, user.email, "not the password at all")
    unknown = _login(client, "nobody-here@example.org", MATRIX_PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert _login(client, user.email, "still not the password").status_code == 401
    assert _stored_user(client, user.id).failed_login_count == 2
    failures = [e for e in _audit(client, user.id) if e.action == "auth.login_failed"]
    assert [e.details for e in failures] == [
        {"email": user.email, "reason": "wrong_password"},
    ] * 2
    assert all(e.client_address == "testclient" for e in failures)
    assert "not the password" not in str([e.details for e in failures])
    assert _login(client, user.email).status_code == 200
    assert _stored_user(client, user.id).failed_login_count == 0


def test_unknown_email_failure_is_audited_without_the_password(client: TestClient) -> None:
    _login(client, "ghost-2f1c@example.org", "ghost password 123")
    with _db(client)() as session:
        entry = session.scalars(
            select(AuditLog)
            .where(AuditLog.action == "auth.login_failed")
            .order_by(AuditLog.id.desc())
        ).first()
    assert entry is not None
    assert entry.details == {"email": "ghost-2f1c@example.org", "reason": "unknown_email"}
    assert entry.actor_id is None


def test_unknown_email_and_wrong_password_take_similar_time(client: TestClient) -> None:
    user = _user(client)

    def median_seconds(email: str) -> float:
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            assert _login(client, email, "wrong password 123").status_code == 401
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    known, unknown = median_seconds(user.email), median_seconds("who-is-this@example.org")
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_a_deactivated_user_cannot_log_in(client: TestClient) -> None:
    user = _user(client)
    with _db(client).begin() as session:
        session.get(User, user.id).is_active = False
    response = _login(client, user.email)
    assert response.status_code == 401
    assert response.json()["detail"] == _login(client, "x-" + user.email).json()["detail"]


def test_refresh_rotates_and_reuse_revokes_the_family(client: TestClient) -> None:
    user = _user(client)
    first = _login(client, user.email).json()
    rotated = client.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    headers = {"Authorization": f"Bearer {second['access_token']}"}
    assert client.get(f"{AUTH}/me", headers=headers).status_code == 200
    reused = client.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["errors"][0]["loc"] == ["body", "refresh_token"]
    # The reuse means theft: the legitimate successor is revoked too.
    after = client.post(f"{AUTH}/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401
    assert "auth.refresh_reused" in [e.action for e in _audit(client, user.id)]


def test_refresh_refuses_unknown_tokens_and_deactivated_users(client: TestClient) -> None:
    unknown = client.post(f"{AUTH}/refresh", json={"refresh_token": "made-up"})
    assert unknown.status_code == 401
    user = _user(client)
    refresh = _login(client, user.email).json()["refresh_token"]
    with _db(client).begin() as session:
        session.get(User, user.id).is_active = False
    assert client.post(f"{AUTH}/refresh", json={"refresh_token": refresh}).status_code == 401


def test_logout_revokes_the_refresh_token(client: TestClient) -> None:
    user = _user(client)
    refresh = _login(client, user.email).json()["refresh_token"]
    assert client.post(f"{AUTH}/logout", json={"refresh_token": refresh}).status_code == 204
    assert client.post(f"{AUTH}/refresh", json={"refresh_token": refresh}).status_code == 401
    # Unknown or already revoked: still 204, nothing revealed.
    assert client.post(f"{AUTH}/logout", json={"refresh_token": refresh}).status_code == 204
    assert client.post(f"{AUTH}/logout", json={"refresh_token": "nope"}).status_code == 204
    assert "auth.logout" in [e.action for e in _audit(client, user.id)]


def _bearer(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def test_logout_ends_the_sessions_access_tokens_and_only_that_session(
    client: TestClient,
) -> None:
    user = _user(client)
    first = _login(client, user.email).json()
    rotated = client.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]})
    second = rotated.json()
    other = _login(client, user.email).json()  # another device
    for pair in (first, second, other):
        assert client.get(f"{AUTH}/me", headers=_bearer(pair)).status_code == 200
    assert client.post(f"{AUTH}/logout", json={"refresh_token": second["refresh_token"]}).is_success
    for pair in (first, second):  # both access tokens of the ended session
        refused = client.get(f"{AUTH}/me", headers=_bearer(pair))
        assert refused.status_code == 401
        assert "session" in refused.json()["detail"]
    assert client.get(f"{AUTH}/me", headers=_bearer(other)).status_code == 200


def test_password_change_ends_every_sessions_access_tokens(client: TestClient) -> None:
    user = _user(client)
    pair = _login(client, user.email).json()
    other = _login(client, user.email).json()
    body = {"current_password": MATRIX_PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post(f"{AUTH}/password", json=body, headers=_bearer(pair)).status_code == 204
    for tokens in (pair, other):
        assert client.get(f"{AUTH}/me", headers=_bearer(tokens)).status_code == 401
    fresh = _login(client, user.email, NEW_PASSWORD).json()
    assert client.get(f"{AUTH}/me", headers=_bearer(fresh)).status_code == 200


def test_password_change(client: TestClient) -> None:
    user = _user(client)
    refresh = _login(client, user.email).json()["refresh_token"]
    url = f"{AUTH}/password"

    def change(current: str, new: str) -> Any:
        body = {"current_password": current, "new_password": new}
        return client.post(url, json=body, headers=user.headers)

    wrong = change("not my password", NEW_PASSWORD)
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["loc"] == ["body", "current_password"]
    weak = change(MATRIX_PASSWORD, "password123")
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["loc"] == ["body", "new_password"]
    assert change(MATRIX_PASSWORD, NEW_PASSWORD).status_code == 204
    assert client.post(f"{AUTH}/refresh", json={"refresh_token": refresh}).status_code == 401
    assert _login(client, user.email).status_code == 401
    assert _login(client, user.email, NEW_PASSWORD).status_code == 200
    actions = [e.action for e in _audit(client, user.id)]
    assert "auth.password_change_failed" in actions
    assert "auth.password_changed" in actions
    assert NEW_PASSWORD not in str([e.details for e in _audit(client, user.id)])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@example.org"}, "password"),
        ({"password": "x"}, "email"),
        ({"email": "a@example.org", "password": "x" * 5000}, "password"),
        ({"email": ["a"], "password": "x"}, "email"),
        ({"email": "a@example.org", "password": "x", "admin": True}, "admin"),
    ],
)
def test_bad_login_bodies_are_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post(f"{AUTH}/login", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [err["loc"][-1] for err in response.json()["errors"]]


def test_a_non_json_login_body_is_a_problem_not_a_crash(client: TestClient) -> None:
    response = client.post(
        f"{AUTH}/login", content=b"\xff\xfe not json", headers={"content-type": "application/json"}
    )
    assert response.status_code in {400, 422}
    assert response.headers["content-type"] == "application/problem+json"
