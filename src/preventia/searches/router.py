"""Saved-search routes (analyst): each user sees and changes only their own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Response
from sqlalchemy.orm import Session

from preventia.api.deps import db_session
from preventia.articles.schemas import problems
from preventia.auth.dependencies import Analyst
from preventia.searches import service
from preventia.searches.schemas import SavedSearchIn, SavedSearchOut, SavedSearchUpdate

router = APIRouter(prefix="/saved-searches", tags=["saved searches"])
DbSession = Annotated[Session, Depends(db_session, scope="function")]
SearchId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_LIST = problems(401, 403, 429)
_NOT_FOUND = problems(401, 403, 404, 422, 429)
_TAKEN = problems(400, 401, 403, 409, 413, 422, 429)
_BOTH = problems(400, 401, 403, 404, 409, 413, 422, 429)


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="no such saved search")


def _taken(name: str) -> HTTPException:
    return HTTPException(status_code=409, detail=f"you already have a saved search named {name!r}")


@router.get("", response_model=list[SavedSearchOut], responses=_LIST)
def list_searches(user: Analyst, session: DbSession) -> list[SavedSearchOut]:
    """The caller's saved searches, by name."""
    return service.list_searches(session, user)


@router.post("", response_model=SavedSearchOut, status_code=201, responses=_TAKEN)
def create_search(user: Analyst, data: SavedSearchIn, session: DbSession) -> SavedSearchOut:
    """Save a set of article filters under a name."""
    try:
        return service.create_search(session, user, data)
    except service.NameTaken as exc:
        raise _taken(str(exc)) from None


@router.get("/{search_id}", response_model=SavedSearchOut, responses=_NOT_FOUND)
def get_search(user: Analyst, search_id: SearchId, session: DbSession) -> SavedSearchOut:
    """One of the caller's saved searches."""
    try:
        return service.get_search(session, user, search_id)
    except service.SearchNotFound:
        raise _not_found() from None


@router.patch("/{search_id}", response_model=SavedSearchOut, responses=_BOTH)
def update_search(
    user: Analyst, search_id: SearchId, data: SavedSearchUpdate, session: DbSession
) -> SavedSearchOut:
    """Rename a saved search or replace its filters."""
    try:
        return service.update_search(session, user, search_id, data)
    except service.SearchNotFound:
        raise _not_found() from None
    except service.NameTaken as exc:
        raise _taken(str(exc)) from None


@router.delete("/{search_id}", status_code=204, response_class=Response, responses=_NOT_FOUND)
def delete_search(user: Analyst, search_id: SearchId, session: DbSession) -> Response:
    """Delete one of the caller's saved searches."""
    try:
        service.delete_search(session, user, search_id)
    except service.SearchNotFound:
        raise _not_found() from None
    return Response(status_code=204)
