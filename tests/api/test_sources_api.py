"""``/api/v1/sources`` against the real databases and the loopback fixture site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from preventia.api.app import create_app
from preventia.auth.service import issue_tokens
from preventia.db import make_engine
from preventia.models import Job, JobStatus, JobType, Role, Source, SourceOutcome, User
from preventia.settings import CrawlSettings, Settings
from preventia.users.service import create_user
from tests.fixtures.site import FixtureSite

PASSWORD = "correct-horse-battery-7"


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite(hosts=("127.0.0.41",), populate=False) as fixture:
        fixture.set_robots("127.0.0.41", "User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n")
        yield fixture


@pytest.fixture
def api(migrated_url: str) -> Iterator[tuple[TestClient, dict[Role, dict[str, str]]]]:
    crawl = CrawlSettings(allowed_networks=["127.0.0.0/8"])  # type: ignore[list-item]
    settings = Settings(database_url=migrated_url, crawl=crawl)
    engine = make_engine(migrated_url)
    headers: dict[Role, dict[str, str]] = {}
    ids = []
    with Session(engine) as session, session.begin():
        for role in Role:
            user = create_user(session, f"{role.value}-{id(settings)}@example.org", PASSWORD, role)
            token = issue_tokens(session, settings, user, None).access_token
            headers[role] = {"Authorization": f"Bearer {token}"}
            ids.append(user.id)
    with TestClient(create_app(settings)) as client:
        yield client, headers
    with Session(engine) as session, session.begin():
        for model in (Job, SourceOutcome, Source):
            session.execute(delete(model))
        session.execute(delete(User).where(User.id.in_(ids)))
    engine.dispose()


def _create(client: TestClient, headers: dict[str, str], site: FixtureSite, path: str) -> object:
    body = {
        "url": site.url("127.0.0.41", path),
        "name": "Fixture",
        "outlet_country": "es",
        "language": "es",
    }
    return client.post("/api/v1/sources", json=body, headers=headers)


def test_admin_creates_a_source_after_the_compliance_check(api, site) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    response = _create(client, headers[Role.ADMIN], site, "/feed.xml")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["robots_status"] == "allowed" and body["crawl_delay_seconds"] == 3
    assert body["outlet_country"] == "ES" and body["robots_checked_at"]
    duplicate = _create(client, headers[Role.ADMIN], site, "/feed.xml")
    assert duplicate.status_code == 409


def test_a_source_robots_disallows_is_refused_with_the_rule(api, site) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    response = _create(client, headers[Role.ADMIN], site, "/private/feed.xml")
    assert response.status_code == 422
    assert "Disallow: /private/" in response.json()["detail"]
    assert client.get("/api/v1/sources", headers=headers[Role.ADMIN]).json() == []


def test_bad_input_is_a_422_naming_the_field(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    response = client.post(
        "/api/v1/sources",
        json={"url": "ftp://x", "outlet_country": "Spain"},
        headers=headers[Role.ADMIN],
    )
    assert response.status_code == 422
    fields = {tuple(e["loc"])[-1] for e in response.json()["errors"]}
    assert {"url", "outlet_country"} <= fields


def test_viewers_see_the_list_without_admin_fields(api, site) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    source_id = _create(client, headers[Role.ADMIN], site, "/feed.xml").json()["id"]  # type: ignore[attr-defined]
    viewer = client.get("/api/v1/sources", headers=headers[Role.VIEWER]).json()
    admin = client.get("/api/v1/sources", headers=headers[Role.ADMIN]).json()
    assert [s["id"] for s in viewer] == [source_id] == [s["id"] for s in admin]
    for hidden in ["robots_status", "last_error", "terms_notes", "consecutive_failures"]:
        assert hidden not in viewer[0] and hidden in admin[0]
    single = client.get(f"/api/v1/sources/{source_id}", headers=headers[Role.ANALYST]).json()
    assert "robots_status" not in single


def test_admin_updates_pauses_resumes_and_removes(api, site) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    admin = headers[Role.ADMIN]
    source_id = _create(client, admin, site, "/feed.xml").json()["id"]  # type: ignore[attr-defined]
    updated = client.patch(
        f"/api/v1/sources/{source_id}",
        json={"fetch_interval_minutes": 120, "store_full_text": False},
        headers=admin,
    )
    assert updated.status_code == 200
    assert (updated.json()["fetch_interval_minutes"], updated.json()["store_full_text"]) == (
        120,
        False,
    )
    assert (
        client.patch(
            f"/api/v1/sources/{source_id}", json={"language": "Spanish"}, headers=admin
        ).status_code
        == 422
    )
    paused = client.post(f"/api/v1/sources/{source_id}/pause", headers=admin).json()
    assert paused["status"] == "paused" and "admin-" in paused["status_reason"]
    assert (
        client.post(f"/api/v1/sources/{source_id}/resume", headers=admin).json()["status"]
        == "active"
    )
    assert client.delete(f"/api/v1/sources/{source_id}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/sources/{source_id}", headers=admin).status_code == 404
    assert (
        client.get("/api/v1/sources?include_removed=true", headers=admin).json()[0]["status"]
        == "removed"
    )
    assert client.post("/api/v1/sources/999999/pause", headers=admin).status_code == 404


def test_check_and_history(api, site, migrated_url: str) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    admin = headers[Role.ADMIN]
    source_id = _create(client, admin, site, "/feed.xml").json()["id"]  # type: ignore[attr-defined]
    engine = make_engine(migrated_url)
    with Session(engine) as session, session.begin():
        session.add(
            Job(
                type=JobType.COLLECT,
                status=JobStatus.SUCCEEDED,
                source_id=source_id,
                counts={"stored": 3},
            )
        )
        session.add(SourceOutcome(source_id=source_id, outcome="stored", count=3))
    engine.dispose()
    checked = client.post(f"/api/v1/sources/{source_id}/check", headers=admin)
    assert checked.status_code == 200 and checked.json()["robots_status"] == "allowed"
    assert checked.json()["outcome_counts"] == {"stored": 3}
    history = client.get(f"/api/v1/sources/{source_id}/history", headers=admin).json()
    assert [h["counts"] for h in history] == [{"stored": 3}]


@pytest.mark.parametrize(
    ("method", "path", "minimum"),
    [
        ("get", "/api/v1/sources", Role.VIEWER),
        ("post", "/api/v1/sources/1/pause", Role.ADMIN),
        ("get", "/api/v1/sources/1/history", Role.ADMIN),
        ("post", "/api/v1/sources/1/check", Role.ADMIN),
    ],
)
def test_roles_are_enforced(api, method: str, path: str, minimum: Role) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    assert getattr(client, method)(path).status_code == 401
    rank = [Role.VIEWER, Role.ANALYST, Role.ADMIN]
    for role in rank[: rank.index(minimum)]:
        assert getattr(client, method)(path, headers=headers[role]).status_code == 403
    assert getattr(client, method)(path, headers=headers[minimum]).status_code not in (401, 403)
