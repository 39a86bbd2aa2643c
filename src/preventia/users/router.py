"""``/users`` (admin): list, create, change role, (de)activate, reset password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from sqlalchemy.orm import Session

from preventia.api.deps import client_address, db_session
from preventia.auth.dependencies import Admin
from preventia.models import User
from preventia.users import service
from preventia.users.schemas import (
    PasswordReset,
    UserCreate,
    UserFilters,
    UserOut,
    UserPage,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"])
DbSession = Annotated[Session, Depends(db_session, scope="function")]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The user's id.")]
_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such user", **_PROBLEM}}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "would leave no active admin, or the email is taken", **_PROBLEM}
}


@contextmanager
def _as_problem() -> Iterator[None]:
    """A refused change becomes its problem status, naming the parameter; nothing is kept."""
    try:
        yield
    except service.UserError as exc:
        detail = f"{exc.param}: {exc}" if exc.param else str(exc)
        raise HTTPException(status_code=exc.status, detail=detail) from None


@router.get("", response_model=UserPage, summary="List users")
def list_users(
    _admin: Admin, session: DbSession, filters: Annotated[UserFilters, Query()]
) -> UserPage:
    return service.list_users(session, filters)


@router.post(
    "", response_model=UserOut, status_code=201, responses=_CONFLICT, summary="Create a user"
)
def create_user(admin: Admin, request: Request, session: DbSession, body: UserCreate) -> User:
    """The password must meet the policy (12+ characters, not common, not the email)."""
    with _as_problem():
        return service.admin_create_user(
            session, admin, body.email, body.password, body.role, client_address(request)
        )


@router.get("/{user_id}", response_model=UserOut, responses=_NOT_FOUND, summary="One user")
def get_user(_admin: Admin, session: DbSession, user_id: UserId) -> User:
    with _as_problem():
        return service.get_user(session, user_id)


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    responses={**_NOT_FOUND, **_CONFLICT},
    summary="Change a user's role or deactivate / reactivate them",
)
def update_user(
    admin: Admin, request: Request, session: DbSession, user_id: UserId, body: UserUpdate
) -> User:
    """Deactivation revokes the user's refresh tokens and takes effect on their next request.
    The last active admin can be neither demoted nor deactivated (409)."""
    with _as_problem():
        return service.update_user(session, admin, user_id, body, client_address(request))


@router.post(
    "/{user_id}/password",
    status_code=204,
    response_class=Response,
    responses=_NOT_FOUND,
    summary="Reset a user's password",
)
def reset_password(
    admin: Admin, request: Request, session: DbSession, user_id: UserId, body: PasswordReset
) -> Response:
    """Sets a new (policy-checked) password and revokes the user's refresh tokens."""
    with _as_problem():
        service.reset_password(session, admin, user_id, body.new_password, client_address(request))
    return Response(status_code=204)
