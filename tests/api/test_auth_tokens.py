"""Every token attack on a protected route is refused with 401 (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.auth.tokens import create_access_token, decode_access_token
from preventia.db import utcnow
from preventia.models import Role, User
from preventia.settings import Settings
from tests.api.test_role_matrix import MatrixUser, create_users

ME = "/api/v1/auth/me"
SECRET = "token-attack-test-secret-" + "0123456789abcdef" * 3


@pytest.fixture(scope="module")
def api(migrated_url: str) -> Iterator[tuple[TestClient, MatrixUser]]:
    app = create_app(Settings(database_url=migrated_url, jwt_secret=SECRET))
    configure_rate_limits(app, RateLimitConfig(enabled=False))
    with TestClient(app) as client:
        (viewer,) = create_users(app, [Role.VIEWER])
        yield client, viewer


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(user: MatrixUser, **changes: Any) -> dict[str, Any]:
    now = int(utcnow().timestamp())
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "role": "viewer",
        "typ": "access",
        "sid": user.session_id,
        "jti": "0123456789abcdef",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def _alg_none(user: MatrixUser, alg: str = "none") -> str:
    return f"{_b64({'alg': alg, 'typ': 'JWT'})}.{_b64(_claims(user))}."


def _rs256(user: MatrixUser) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_claims(user), key, algorithm="RS256")


def _tampered(user: MatrixUser) -> str:
    header, _payload, signature = jwt.encode(_claims(user), SECRET, "HS256").split(".")
    forged = _b64(_claims(user, role="admin"))
    return f"{header}.{forged}.{signature}"


ATTACKS: dict[str, Callable[[MatrixUser], str]] = {
    "alg none": _alg_none,
    "alg None": lambda user: _alg_none(user, "None"),
    "alg NONE": lambda user: _alg_none(user, "NONE"),
    "HS512 with the right secret": lambda user: jwt.encode(_claims(user), SECRET, "HS512"),
    "HS384 with the right secret": lambda user: jwt.encode(_claims(user), SECRET, "HS384"),
    "RS256": _rs256,
    "wrong secret": lambda user: jwt.encode(_claims(user), "another-secret-" * 3, "HS256"),
    "payload tampered": _tampered,
    "signature stripped": lambda user: (
        jwt.encode(_claims(user), SECRET, "HS256").rsplit(".", 1)[0] + "."
    ),
    "expired": lambda user: jwt.encode(_claims(user, iat=1_600_000_000, exp=1_600_003_600), SECRET),
    "refresh typ": lambda user: jwt.encode(_claims(user, typ="refresh"), SECRET, "HS256"),
    "unknown user": lambda user: jwt.encode(_claims(user, sub="999999"), SECRET, "HS256"),
    "another session id": lambda user: jwt.encode(_claims(user, sid="0" * 32), SECRET, "HS256"),
    "sub not a number": lambda user: jwt.encode(_claims(user, sub="admin"), SECRET, "HS256"),
    "unknown role": lambda user: jwt.encode(_claims(user, role="root"), SECRET, "HS256"),
    "garbage": lambda user: "not.a.token",
    "empty": lambda user: "",
    **{
        f"missing {claim}": (
            lambda user, claim=claim: jwt.encode(_claims(user, **{claim: None}), SECRET, "HS256")
        )
        for claim in ("exp", "iat", "jti", "sub", "role", "typ", "sid")
    },
}


def _assert_refused(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(ME, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text


def test_a_valid_token_is_accepted(api: tuple[TestClient, MatrixUser]) -> None:
    client, viewer = api
    response = client.get(ME, headers=viewer.headers)
    assert response.status_code == 200
    assert response.json()["email"] == viewer.email


@pytest.mark.parametrize("attack", list(ATTACKS), ids=str)
def test_token_attack_is_refused(api: tuple[TestClient, MatrixUser], attack: str) -> None:
    client, viewer = api
    token = ATTACKS[attack](viewer)
    _assert_refused(client, {"Authorization": f"Bearer {token}"})


def test_the_control_token_of_the_attacks_is_valid(api: tuple[TestClient, MatrixUser]) -> None:
    """The attacks differ from an accepted token only by what they attack."""
    client, viewer = api
    token = jwt.encode(_claims(viewer), SECRET, "HS256")
    assert client.get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Token abc", ""])
def test_other_schemes_and_no_token_are_refused(
    api: tuple[TestClient, MatrixUser], header: str
) -> None:
    client, _ = api
    _assert_refused(client, {"Authorization": header} if header else {})


def test_a_refresh_token_is_not_an_access_token(api: tuple[TestClient, MatrixUser]) -> None:
    client, viewer = api
    from tests.api.test_role_matrix import MATRIX_PASSWORD

    pair = client.post(
        "/api/v1/auth/login", json={"email": viewer.email, "password": MATRIX_PASSWORD}
    ).json()
    _assert_refused(client, {"Authorization": f"Bearer {pair['refresh_token']}"})
    assert client.get(ME, headers={"Authorization": f"Bearer {pair['access_token']}"}).is_success


def test_a_deactivated_users_valid_token_is_refused(api: tuple[TestClient, MatrixUser]) -> None:
    client, _ = api
    app: Any = client.app
    (user,) = create_users(app, [Role.ANALYST])
    assert client.get(ME, headers=user.headers).status_code == 200
    with app.state.db.sessions.begin() as session:
        session.get(User, user.id).is_active = False
    _assert_refused(client, user.headers)


def test_an_expired_token_from_our_own_issuer_is_refused(
    api: tuple[TestClient, MatrixUser],
) -> None:
    client, viewer = api
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    long_ago = utcnow() - timedelta(minutes=settings.api.access_token_minutes + 1)
    token, _ = create_access_token(
        viewer.id, Role.VIEWER, settings, session_id=viewer.session_id, now=long_ago
    )
    _assert_refused(client, {"Authorization": f"Bearer {token}"})


def test_decode_pins_the_algorithm_from_settings() -> None:
    settings = Settings(jwt_secret=SECRET, jwt_algorithm="HS512")
    token, _ = create_access_token(1, Role.VIEWER, settings, session_id="s" * 32)
    assert decode_access_token(token, settings).user_id == 1
    with pytest.raises(Exception, match="InvalidAlgorithmError"):
        decode_access_token(token, Settings(jwt_secret=SECRET))  # HS256 pinned
