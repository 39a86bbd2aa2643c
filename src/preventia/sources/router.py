"""``/api/v1/sources``: the source registry. Viewers read the list; admins manage it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from preventia.api.deps import db_session, settings_of
from preventia.auth.dependencies import ROLE_RANK, Admin, Viewer
from preventia.collect.config import fetch_options
from preventia.collect.fetch import Fetcher
from preventia.jobs import repository as jobs_repository
from preventia.models import Role, Source, SourceStatus
from preventia.sources import repository
from preventia.sources.compliance import ComplianceCheck, check_compliance
from preventia.sources.schemas import (
    FetchHistoryEntry,
    SourceCreate,
    SourcePublic,
    SourceRead,
    SourceUpdate,
)
from preventia.sources.service import (
    SourceError,
    SourceNotFoundError,
    add_source,
    get_source,
    list_sources,
    record_check,
    set_status,
    update_source,
)

router = APIRouter(prefix="/sources", tags=["sources"])
Db = Annotated[Session, Depends(db_session)]


def _error(exc: SourceError) -> HTTPException:
    if isinstance(exc, SourceNotFoundError):
        return HTTPException(404, str(exc))
    if "already exists" in str(exc):
        return HTTPException(409, str(exc))
    return HTTPException(422, str(exc))


def _full(session: Session, source: Source) -> SourceRead:
    read = SourceRead.model_validate(source)
    read.outcome_counts = repository.outcome_counts(session, source.id)
    return read


def _view(session: Session, source: Source, role: Role) -> SourceRead | SourcePublic:
    if ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN]:
        return _full(session, source)
    return SourcePublic.model_validate(source)


async def _check(request: Request, url: str) -> ComplianceCheck:
    async with Fetcher(fetch_options(settings_of(request))) as fetcher:
        return await check_compliance(fetcher, url)


@router.get("", response_model=list[SourceRead] | list[SourcePublic])
def list_route(
    session: Db,
    user: Viewer,
    include_removed: Annotated[
        bool, Query(description="Admins only: removed sources too.")
    ] = False,
) -> list[SourceRead] | list[SourcePublic]:
    """Sources with, for admins, their compliance record and health."""
    if user.role is Role.ADMIN:
        return [_full(session, s) for s in list_sources(session, include_removed=include_removed)]
    return [SourcePublic.model_validate(s) for s in list_sources(session)]


@router.post("", status_code=201, response_model=SourceRead)
async def create_route(
    request: Request, data: SourceCreate, session: Db, user: Admin
) -> SourceRead:
    """Register a source after its compliance check (robots.txt); a refused one is a 422."""
    if repository.get_by_url(session, data.url) is not None:
        raise HTTPException(409, f"a source with URL {data.url} already exists")
    check = await _check(request, data.url)
    try:
        return _full(session, add_source(session, data, check))
    except SourceError as exc:
        raise _error(exc) from None


@router.get("/{source_id}", response_model=SourceRead | SourcePublic)
def get_route(source_id: int, session: Db, user: Viewer) -> SourceRead | SourcePublic:
    try:
        return _view(session, get_source(session, source_id), user.role)
    except SourceError as exc:
        raise _error(exc) from None


@router.patch("/{source_id}", response_model=SourceRead)
def update_route(source_id: int, data: SourceUpdate, session: Db, user: Admin) -> SourceRead:
    """Change a source's settings or compliance record (only the fields sent)."""
    try:
        return _full(session, update_source(session, source_id, data))
    except SourceError as exc:
        raise _error(exc) from None


def _status(
    session: Session, source_id: int, status: SourceStatus, reason: str | None
) -> SourceRead:
    try:
        return _full(session, set_status(session, source_id, status, reason))
    except SourceError as exc:
        raise _error(exc) from None


@router.post("/{source_id}/pause", response_model=SourceRead)
def pause_route(source_id: int, session: Db, user: Admin) -> SourceRead:
    return _status(session, source_id, SourceStatus.PAUSED, f"paused by {user.email}")


@router.post("/{source_id}/resume", response_model=SourceRead)
def resume_route(source_id: int, session: Db, user: Admin) -> SourceRead:
    return _status(session, source_id, SourceStatus.ACTIVE, None)


@router.delete("/{source_id}", status_code=204)
def delete_route(source_id: int, session: Db, user: Admin) -> None:
    """Remove a source (soft: its articles stay; it is never collected again)."""
    _status(session, source_id, SourceStatus.REMOVED, f"removed by {user.email}")


@router.post("/{source_id}/check", response_model=SourceRead)
async def check_route(request: Request, source_id: int, session: Db, user: Admin) -> SourceRead:
    """Re-run the compliance check (robots.txt, crawl-delay) now."""
    try:
        url = get_source(session, source_id).url
    except SourceError as exc:
        raise _error(exc) from None
    return _full(session, record_check(session, source_id, await _check(request, url)))


@router.get("/{source_id}/history", response_model=list[FetchHistoryEntry])
def history_route(
    source_id: int,
    session: Db,
    user: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[FetchHistoryEntry]:
    """The latest collections of this source: when, outcome counts, error."""
    try:
        get_source(session, source_id)
    except SourceError as exc:
        raise _error(exc) from None
    jobs = jobs_repository.for_source(session, source_id, limit)
    return [FetchHistoryEntry.of(job) for job in jobs]
