"""The role matrix: every route of the app, called with no token, with each lower role and with
the role it requires.

Routes are enumerated from the app itself (``iter_api_routes`` + ``route_policy``), so routes
added later are covered without touching this file. Each call uses ``1`` for every path
parameter and a minimal body built from the route's OpenAPI request schema (required fields
only), which cannot reach the network (URLs point at a closed loopback port).

The helpers are reusable, e.g. for "one user reaching another's objects"::

    from tests.api.test_role_matrix import MatrixUser, call_route, create_users, route_cases

    users = create_users(app, [Role.ANALYST, Role.ANALYST])   # two distinct analysts
    response = client.get("/api/v1/searches/7", headers=users[1].headers)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.auth.dependencies import ROLE_RANK
from preventia.auth.passwords import hash_password
from preventia.auth.policy import iter_api_routes, route_policy
from preventia.auth.service import issue_tokens
from preventia.auth.tokens import decode_access_token
from preventia.db import migrate
from preventia.models import Role, User
from preventia.settings import Settings
from tests.conftest import scratch_postgres_database

ROLES_LOW_TO_HIGH = sorted(ROLE_RANK, key=ROLE_RANK.__getitem__)
MATRIX_PASSWORD = "matrix passphrase 4 tests"
CLOSED_LOOPBACK_URL = "http://127.0.0.1:9/feed.xml"


@dataclass(frozen=True)
class MatrixUser:
    id: int
    email: str
    role: Role
    token: str
    session_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class RouteCase:
    method: str
    template: str
    policy: str

    def __str__(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def required_role(self) -> Role | None:
        return Role(self.policy.removeprefix("role:")) if self.policy.startswith("role:") else None


@cache
def _password_hash() -> str:
    return hash_password(MATRIX_PASSWORD)  # once per process: argon2 is slow on purpose


def create_users(app: FastAPI, roles: Sequence[Role]) -> list[MatrixUser]:
    """Users with the given roles (committed), each with a fresh access token. Needs the app's
    lifespan to be running (inside ``with TestClient(app)``)."""
    settings: Settings = app.state.settings
    created: list[MatrixUser] = []
    with app.state.db.sessions.begin() as session:
        for role in roles:
            email = f"{role.value}-{uuid.uuid4().hex[:10]}@example.org"
            user = User(email=email, password_hash=_password_hash(), role=role)
            session.add(user)
            session.flush()
            token = issue_tokens(session, settings, user, None).access_token
            sid = decode_access_token(token, settings).session_id
            created.append(MatrixUser(user.id, email, role, token, sid))
    return created


def route_cases(app: FastAPI) -> list[RouteCase]:
    """One case per (method, route) of the app, with its declared policy."""
    cases = [
        RouteCase(method, path, route_policy(route) or "<none>")
        for path, route in iter_api_routes(app.routes)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(cases, key=lambda case: (case.template, case.method))


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        return _resolve(options[0], components) if options else {"type": "null"}
    return schema


def _minimal_string(schema: dict[str, Any]) -> str:
    by_format = {
        "uri": CLOSED_LOOPBACK_URL,
        "email": "matrix@example.org",
        "date-time": "2026-01-01T00:00:00Z",
        "date": "2026-01-01",
    }
    value = by_format.get(str(schema.get("format")), "x")
    return value.ljust(int(schema.get("minLength", 0)), "x")


def minimal_value(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """The smallest value a JSON schema accepts (required properties only)."""
    schema = _resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: minimal_value(properties[name], components) for name in schema.get("required", [])
        }
    scalars: dict[str, Any] = {"integer": max(1, int(schema.get("minimum", 1))), "boolean": False}
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "array":
        return [minimal_value(schema.get("items", {}), components)] * int(schema.get("minItems", 0))
    if kind == "string":
        return _minimal_string(schema)
    return scalars.get(kind)


def minimal_body(app: FastAPI, case: RouteCase) -> Any | None:
    spec = app.openapi()
    operation = spec["paths"][case.template][case.method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    components = spec.get("components", {}).get("schemas", {})
    return minimal_value(content["application/json"]["schema"], components)


def call_route(
    client: TestClient, case: RouteCase, headers: dict[str, str] | None = None
) -> httpx.Response:
    """Call a route with ``1`` for each path parameter and its minimal body."""
    path = case.template
    for name in _path_params(client.app, case):
        path = path.replace("{" + name + "}", "1")
    body = minimal_body(client.app, case)  # type: ignore[arg-type]
    return client.request(case.method, path, json=body, headers=headers or {})


def _path_params(app: Any, case: RouteCase) -> list[str]:
    for path, route in iter_api_routes(app.routes):
        if path == case.template and case.method in route.methods and isinstance(route, APIRoute):
            return [param.name for param in route.dependant.path_params]
    return []


def _app_cases() -> list[RouteCase]:
    return route_cases(create_app(Settings(database_url="sqlite:///:memory:")))


@dataclass(frozen=True)
class Matrix:
    client: TestClient
    users: dict[Role, MatrixUser]


def _matrix_app(database_url: str) -> Iterator[Matrix]:
    migrate.upgrade(database_url)
    app = create_app(Settings(database_url=database_url))
    configure_rate_limits(app, RateLimitConfig(enabled=False))  # hundreds of calls in a row
    with TestClient(app, raise_server_exceptions=False) as client:
        users = create_users(app, ROLES_LOW_TO_HIGH)
        yield Matrix(client, {user.role: user for user in users})


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    """A fresh, migrated database of each kind (calls with valid bodies really run)."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("matrix") / "matrix.db"
        yield from _matrix_app(f"sqlite:///{path}")
        return
    with scratch_postgres_database() as url:
        yield from _matrix_app(url)


def test_every_route_is_in_the_matrix() -> None:
    cases = _app_cases()
    assert all(case.policy != "<none>" for case in cases), [str(c) for c in cases]
    names = {str(case) for case in cases}
    assert {"POST /api/v1/auth/login", "GET /api/v1/users", "GET /api/v1/audit"} <= names


@pytest.mark.parametrize("case", _app_cases(), ids=str)
def test_role_matrix(matrix: Matrix, case: RouteCase) -> None:
    required = case.required_role
    if required is None:  # public: anyone may call it; it must still never fail
        assert call_route(matrix.client, case).status_code < 500
        return
    anonymous = call_route(matrix.client, case)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.headers["content-type"] == "application/problem+json"
    for role in ROLES_LOW_TO_HIGH[: ROLES_LOW_TO_HIGH.index(required)]:
        lower = call_route(matrix.client, case, matrix.users[role].headers)
        assert lower.status_code == 403, f"{role.value}: {lower.status_code} {lower.text}"
    allowed = call_route(matrix.client, case, matrix.users[required].headers)
    assert allowed.status_code not in {401, 403}, allowed.text
    assert allowed.status_code < 500, allowed.text
