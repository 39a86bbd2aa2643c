"""All SQL about job runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from preventia.db.base import utcnow
from preventia.models import Job, JobStatus, JobType


def start(
    session: Session,
    job_type: JobType,
    *,
    source_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> Job:
    job = Job(
        type=job_type,
        status=JobStatus.RUNNING,
        source_id=source_id,
        params=params or {},
        counts={},
        started_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def finish(
    session: Session,
    job_id: int,
    status: JobStatus,
    counts: dict[str, Any],
    error: str | None = None,
) -> None:
    job = session.get(Job, job_id)
    if job is None:
        return
    job.status, job.counts, job.error, job.finished_at = status, counts, error, utcnow()


def recent(
    session: Session,
    limit: int = 50,
    *,
    job_type: JobType | None = None,
    status: JobStatus | None = None,
    before_id: int | None = None,
) -> Sequence[Job]:
    """Newest first; ``before_id`` pages further back (keyset)."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if job_type is not None:
        query = query.where(Job.type == job_type)
    if status is not None:
        query = query.where(Job.status == status)
    if before_id is not None:
        query = query.where(Job.id < before_id)
    return session.scalars(query).all()


def for_source(session: Session, source_id: int, limit: int = 50) -> Sequence[Job]:
    query = select(Job).where(Job.source_id == source_id).order_by(Job.id.desc()).limit(limit)
    return session.scalars(query).all()


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)
