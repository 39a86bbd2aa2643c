"""The audit log: the record() helper other services call, and GET /audit (admin)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.audit.service import record
from preventia.models import AuditLog, Role, User
from preventia.settings import Settings
from tests.api.test_role_matrix import MatrixUser, create_users

AUDIT = "/api/v1/audit"


@pytest.fixture(scope="module")
def api(migrated_url: str) -> Iterator[tuple[TestClient, MatrixUser]]:
    app = create_app(Settings(database_url=migrated_url))
    configure_rate_limits(app, RateLimitConfig(enabled=False))
    with TestClient(app) as client:
        (admin,) = create_users(app, [Role.ADMIN])
        yield client, admin


@pytest.fixture(scope="module")
def tagged(api: tuple[TestClient, MatrixUser]) -> str:
    """Seven entries on one object of a type unique to this run, at known instants."""
    client, admin = api
    kind = f"t{uuid.uuid4().hex[:8]}"
    with client.app.state.db.sessions.begin() as session:  # type: ignore[attr-defined]
        actor = session.get(User, admin.id)
        for day in range(1, 8):
            action = "source.updated" if day % 2 else "source.deleted"
            entry = record(session, action, actor, kind, 42, "203.0.113.9", {"day": day})
            entry.at = datetime(2026, 3, day, 12, tzinfo=UTC)
    return kind


def _get(api: tuple[TestClient, MatrixUser], **params: Any) -> Any:
    client, admin = api
    response = client.get(AUDIT, params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _days(page: dict[str, Any]) -> list[int]:
    return [item["details"]["day"] for item in page["items"]]


def test_entries_say_who_what_when_and_from_where(
    api: tuple[TestClient, MatrixUser], tagged: str
) -> None:
    page = _get(api, object_type=tagged, limit=1)
    entry = page["items"][0]
    assert entry["actor_id"] == api[1].id
    assert entry["actor_email"] == api[1].email
    assert entry["action"] == "source.updated"
    assert entry["object_id"] == "42"
    assert entry["client_address"] == "203.0.113.9"
    assert entry["at"].startswith("2026-03-07T12:00:00")


def test_filters_combine(api: tuple[TestClient, MatrixUser], tagged: str) -> None:
    assert _days(_get(api, object_type=tagged)) == [7, 6, 5, 4, 3, 2, 1]
    assert _days(_get(api, object_type=tagged, action="source.deleted")) == [6, 4, 2]
    assert _days(_get(api, object_type=tagged, action="source.*")) == [7, 6, 5, 4, 3, 2, 1]
    assert _days(_get(api, object_type=tagged, action="sourc_.*")) == []  # _ is literal
    assert _days(_get(api, object_type=tagged, actor_id=api[1].id, object_id="42")) == [
        7, 6, 5, 4, 3, 2, 1,
    ]  # fmt: skip
    assert _days(_get(api, object_type=tagged, actor_email=api[1].email.upper()))[:1] == [7]
    assert _days(_get(api, object_type=tagged, object_id="43")) == []
    ranged = _get(api, object_type=tagged, since="2026-03-03T00:00:00Z", until="2026-03-05")
    assert _days(ranged) == [4, 3]  # until is exclusive; a date without zone is UTC


def test_cursor_pagination_is_stable_under_inserts(
    api: tuple[TestClient, MatrixUser], tagged: str
) -> None:
    first = _get(api, object_type=tagged, limit=3)
    assert _days(first) == [7, 6, 5]
    client, _admin = api
    with client.app.state.db.sessions.begin() as session:  # type: ignore[attr-defined]
        record(session, "source.updated", None, tagged, 42, None, {"day": 99})
    second = _get(api, object_type=tagged, limit=3, cursor=first["next_cursor"])
    third = _get(api, object_type=tagged, limit=3, cursor=second["next_cursor"])
    assert _days(second) == [4, 3, 2]
    assert _days(third) == [1]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    "params",
    [{"limit": 201}, {"limit": 0}, {"since": "yesterday"}, {"actor_id": "me"}, {"cursor": -1}],
)
def test_bad_filters_are_422_naming_them(
    api: tuple[TestClient, MatrixUser], params: dict[str, Any]
) -> None:
    client, admin = api
    response = client.get(AUDIT, params=params, headers=admin.headers)
    assert response.status_code == 422
    assert next(iter(params)) in [err["loc"][-1] for err in response.json()["errors"]]


def test_record_drops_secret_looking_details(session: Session) -> None:
    entry = record(
        session,
        "export.created",
        None,
        "export",
        "7",
        "198.51.100.1",
        {"rows": 10, "password": "x", "refresh_token": "y", "api_secret": "z"},
    )
    assert entry.id is not None
    assert entry.details == {"rows": 10}
    stored = session.get(AuditLog, entry.id)
    assert stored is not None
    assert stored.object_id == "7"


def test_record_refuses_an_empty_or_long_action(session: Session) -> None:
    for action in ("", "x" * 81):
        with pytest.raises(ValueError, match="audit action"):
            record(session, action)
