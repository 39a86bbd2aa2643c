"""``/api/v1/jobs``: collection cycles, reanalyses and purges (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from preventia.api.deps import read_session
from preventia.auth.dependencies import Admin
from preventia.jobs import repository
from preventia.jobs.schemas import JobRead
from preventia.models import JobStatus, JobType

router = APIRouter(prefix="/jobs", tags=["jobs"])
Db = Annotated[Session, Depends(read_session)]


@router.get("", response_model=list[JobRead])
def list_jobs(
    session: Db,
    user: Admin,
    type: Annotated[JobType | None, Query(description="Only this kind of job.")] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this state.")] = None,
    before_id: Annotated[int | None, Query(ge=1, description="Jobs older than this id.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[JobRead]:
    """Jobs, newest first, with their timings, counts by outcome and error."""
    rows = repository.recent(session, limit, job_type=type, status=status, before_id=before_id)
    return [JobRead.model_validate(job) for job in rows]


@router.get("/{job_id}", response_model=JobRead)
def get_job(job_id: int, session: Db, user: Admin) -> JobRead:
    job = repository.get(session, job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id}")
    return JobRead.model_validate(job)
