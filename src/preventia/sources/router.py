"""``/api/v1/sources``: the source registry. Viewers read the list; admins manage it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from preventia.api.deps import client_address, db_session, settings_of
from preventia.audit import service as audit
from preventia.auth.dependencies import ROLE_RANK, Admin, Viewer
from preventia.collect.config import fetch_options
from preventia.collect.fetch import Fetcher
from preventia.models import Role, Source, SourceStatus, User
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
    fetch_history,
    get_source,
    is_registered,
    list_sources,
    outcome_counts,
    record_check,
    set_status,
    update_source,
)

router = APIRouter(prefix="/sources", tags=["sources"])
Db = Annotated[Session, Depends(db_session, scope="function")]


def _error(exc: SourceError) -> HTTPException:
    if isinstance(exc, SourceNotFoundError):
        return HTTPException(404, str(exc))
    if "already exists" in str(exc):
        return HTTPException(409, str(exc))
    return HTTPException(422, str(exc))


def _audit(
    request: Request,
    session: Session,
    user: User,
    action: str,
    source_id: int | None,
    details: dict[str, Any] | None,
) -> None:
    audit.record(session, action, user, "source", source_id, client_address(request), details)


def _full(session: Session, source: Source) -> SourceRead:
    read = SourceRead.model_validate(source)
    read.outcome_counts = outcome_counts(session, source.id)
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
    if is_registered(session, data.url):
        raise HTTPException(409, f"a source with URL {data.url} already exists")
    check = await _check(request, data.url)
    try:
        source = add_source(session, data, check)
    except SourceError as exc:
        raise _error(exc) from None
    _audit(request, session, user, "source.create", source.id, {"url": data.url})
    return _full(session, source)


@router.get("/{source_id}", response_model=SourceRead | SourcePublic)
def get_route(source_id: int, session: Db, user: Viewer) -> SourceRead | SourcePublic:
    try:
        return _view(session, get_source(session, source_id), user.role)
    except SourceError as exc:
        raise _error(exc) from None


@router.patch("/{source_id}", response_model=SourceRead)
def update_route(
    request: Request, source_id: int, data: SourceUpdate, session: Db, user: Admin
) -> SourceRead:
    """Change a source's settings or compliance record (only the fields sent)."""
    try:
        source = update_source(session, source_id, data)
    except SourceError as exc:
        raise _error(exc) from None
    changed = data.model_dump(exclude_unset=True, mode="json")
    _audit(request, session, user, "source.update", source_id, changed)
    return _full(session, source)


def _status(
    request: Request, session: Session, user: User, source_id: int, status: SourceStatus
) -> SourceRead:
    reasons = {SourceStatus.PAUSED: "paused", SourceStatus.REMOVED: "removed"}
    reason = f"{reasons[status]} by {user.email}" if status in reasons else None
    try:
        source = set_status(session, source_id, status, reason)
    except SourceError as exc:
        raise _error(exc) from None
    _audit(request, session, user, f"source.{status.value}", source_id, None)
    return _full(session, source)


@router.post("/{source_id}/pause", response_model=SourceRead)
def pause_route(request: Request, source_id: int, session: Db, user: Admin) -> SourceRead:
    return _status(request, session, user, source_id, SourceStatus.PAUSED)


@router.post("/{source_id}/resume", response_model=SourceRead)
def resume_route(request: Request, source_id: int, session: Db, user: Admin) -> SourceRead:
    return _status(request, session, user, source_id, SourceStatus.ACTIVE)


@router.delete("/{source_id}", status_code=204)
def delete_route(request: Request, source_id: int, session: Db, user: Admin) -> None:
    """Remove a source (soft: its articles stay; it is never collected again)."""
    _status(request, session, user, source_id, SourceStatus.REMOVED)


class CollectAccepted(BaseModel):
    source_id: int
    enqueued: bool = True


@router.post("/{source_id}/collect", status_code=202, response_model=CollectAccepted)
def collect_route(request: Request, source_id: int, session: Db, user: Admin) -> CollectAccepted:
    """Collect this source now, in the background (see GET /jobs for the result)."""
    try:
        get_source(session, source_id)
    except SourceError as exc:
        raise _error(exc) from None
    tasks = getattr(request.app.state, "tasks", None)
    if tasks is None:
        raise HTTPException(503, "background work is not running in this deployment")
    tasks.collect_source(source_id)
    _audit(request, session, user, "source.collect", source_id, None)
    return CollectAccepted(source_id=source_id)


@router.post("/{source_id}/check", response_model=SourceRead)
async def check_route(request: Request, source_id: int, session: Db, user: Admin) -> SourceRead:
    """Re-run the compliance check (robots.txt, crawl-delay) now."""
    try:
        url = get_source(session, source_id).url
    except SourceError as exc:
        raise _error(exc) from None
    source = record_check(session, source_id, await _check(request, url))
    _audit(request, session, user, "source.check", source_id, {"robots": source.robots_status})
    return _full(session, source)


@router.get("/{source_id}/history", response_model=list[FetchHistoryEntry])
def history_route(
    source_id: int,
    session: Db,
    user: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[FetchHistoryEntry]:
    """The latest collections of this source: when, outcome counts, error."""
    try:
        jobs = fetch_history(session, source_id, limit)
    except SourceError as exc:
        raise _error(exc) from None
    return [FetchHistoryEntry.of(job) for job in jobs]
