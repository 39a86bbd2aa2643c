"""``/api/v1/jobs``: collection cycles, reanalyses and purges (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from preventia.api.deps import client_address, db_session, read_session
from preventia.audit import service as audit
from preventia.auth.dependencies import Admin
from preventia.jobs import repository
from preventia.jobs.deadletters import DeadLetter, list_dead_letters, requeue
from preventia.jobs.schemas import JobRead
from preventia.jobs.worker import TaskQueue
from preventia.models import JobStatus, JobType

router = APIRouter(prefix="/jobs", tags=["jobs"])
Db = Annotated[Session, Depends(read_session, scope="function")]
WriteDb = Annotated[Session, Depends(db_session, scope="function")]


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


@router.get("/dead-letters", response_model=list[DeadLetter])
def dead_letters(request: Request, user: Admin) -> list[DeadLetter]:
    """Background messages that failed after all their retries."""
    tasks: TaskQueue | None = getattr(request.app.state, "tasks", None)
    letters = list_dead_letters(tasks.broker) if tasks is not None else []
    return letters


@router.post("/dead-letters/{message_id}/requeue", status_code=202)
def requeue_dead_letter(
    request: Request, message_id: str, session: WriteDb, user: Admin
) -> dict[str, str]:
    """Put a failed message back in its queue, its retry count reset."""
    tasks: TaskQueue | None = getattr(request.app.state, "tasks", None)
    if tasks is None or not requeue(tasks.broker, message_id):
        raise HTTPException(404, f"no dead letter with id {message_id}")
    audit.record(session, "job.requeue", user, "message", message_id, client_address(request), None)
    return {"message_id": message_id, "status": "requeued"}


@router.get("/{job_id}", response_model=JobRead)
def get_job(job_id: int, session: Db, user: Admin) -> JobRead:
    job = repository.get(session, job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id}")
    return JobRead.model_validate(job)
