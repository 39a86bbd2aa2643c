"""``/api/v1/jobs`` (admins only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from preventia.api.app import create_app
from preventia.auth.service import issue_tokens
from preventia.db import make_engine
from preventia.models import Job, JobStatus, JobType, Role, User
from preventia.settings import Settings
from preventia.users.service import create_user


@pytest.fixture
def api(migrated_url: str) -> Iterator[tuple[TestClient, dict[Role, dict[str, str]], list[int]]]:
    settings = Settings(database_url=migrated_url)
    engine = make_engine(migrated_url)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        users = [
            create_user(session, f"jobs-{r.value}@example.org", "pink-ribbon-orchid-42", r)
            for r in Role
        ]
        tokens = {u.role: issue_tokens(session, settings, u, None).access_token for u in users}
        headers = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
        jobs = [
            Job(
                type=JobType.COLLECT,
                status=JobStatus.SUCCEEDED,
                counts={"stored": 4},
                started_at=now - timedelta(seconds=9),
                finished_at=now,
            ),
            Job(
                type=JobType.REANALYZE,
                status=JobStatus.FAILED,
                counts={},
                error="boom",
                started_at=now,
            ),
            Job(type=JobType.COLLECT, status=JobStatus.RUNNING, counts={}, started_at=now),
        ]
        session.add_all(jobs)
        session.flush()
        ids = [job.id for job in jobs]
    with TestClient(create_app(settings)) as client:
        yield client, headers, ids
    with Session(engine) as session, session.begin():
        session.execute(delete(Job))
        session.execute(delete(User).where(User.email.like("jobs-%")))
    engine.dispose()


def test_admin_lists_jobs_newest_first_with_filters(api) -> None:  # type: ignore[no-untyped-def]
    client, headers, ids = api
    admin = headers[Role.ADMIN]
    listed = client.get("/api/v1/jobs", headers=admin).json()
    assert [j["id"] for j in listed] == list(reversed(ids))
    collect = client.get("/api/v1/jobs?type=collect", headers=admin).json()
    assert {j["type"] for j in collect} == {"collect"} and len(collect) == 2
    failed = client.get("/api/v1/jobs?status=failed", headers=admin).json()
    assert [(j["type"], j["error"]) for j in failed] == [("reanalyze", "boom")]
    older = client.get(f"/api/v1/jobs?before_id={ids[2]}&limit=1", headers=admin).json()
    assert [j["id"] for j in older] == [ids[1]]
    one = client.get(f"/api/v1/jobs/{ids[0]}", headers=admin).json()
    assert one["counts"] == {"stored": 4} and one["finished_at"]


def test_bad_filters_and_missing_jobs(api) -> None:  # type: ignore[no-untyped-def]
    client, headers, _ = api
    admin = headers[Role.ADMIN]
    bad = client.get("/api/v1/jobs?type=party&limit=0", headers=admin)
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["errors"]} == {"type", "limit"}
    assert client.get("/api/v1/jobs/987654", headers=admin).status_code == 404


def test_only_admins_see_jobs(api) -> None:  # type: ignore[no-untyped-def]
    client, headers, ids = api
    assert client.get("/api/v1/jobs").status_code == 401
    for role in (Role.VIEWER, Role.ANALYST):
        assert client.get("/api/v1/jobs", headers=headers[role]).status_code == 403
        assert client.get(f"/api/v1/jobs/{ids[0]}", headers=headers[role]).status_code == 403
