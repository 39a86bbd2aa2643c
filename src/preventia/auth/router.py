"""``/auth``: login, token refresh and logout (public), the caller's profile and password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from preventia.api.deps import client_address, db_session, settings_of
from preventia.api.errors import problem
from preventia.api.ratelimit import limiter_of
from preventia.auth import service
from preventia.auth.dependencies import Viewer
from preventia.auth.policy import PUBLIC
from preventia.auth.schemas import LoginRequest, PasswordChange, RefreshRequest, TokenPair
from preventia.auth.service import AuthError
from preventia.models import User
from preventia.users.schemas import UserOut

router = APIRouter(prefix="/auth", tags=["auth"])

# Login, refresh and logout commit before the response is sent, so a client that uses its new
# refresh token at once never finds it missing (request-scoped yield dependencies finish later).
CommittedSession = Annotated[Session, Depends(db_session, scope="function")]
RequestSession = Annotated[Session, Depends(db_session, scope="function")]
_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "credentials or token refused", **_PROBLEM},
    429: {"description": "too many attempts; see Retry-After", **_PROBLEM},
}


def _refused(error: AuthError) -> JSONResponse:
    """Answer a refusal without raising, so the transaction keeps its audit records."""
    extra: dict[str, Any] = {}
    if error.param:
        extra["errors"] = [{"loc": ["body", error.param], "msg": error.detail, "type": "refused"}]
    response = problem(error.status, error.detail, **extra)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _rate_limited_login(request: Request, credentials: LoginRequest) -> LoginRequest:
    await limiter_of(request).enforce_login(client_address(request), credentials.email)
    return credentials


async def _rate_limited_password_change(request: Request, user: Viewer) -> None:
    await limiter_of(request).enforce_login(client_address(request), user.email)


@router.post(
    "/login",
    dependencies=[PUBLIC],
    response_model=TokenPair,
    responses=_REFUSED,
    summary="Log in with email and password",
)
def login(
    request: Request,
    session: CommittedSession,
    credentials: Annotated[LoginRequest, Depends(_rate_limited_login)],
) -> TokenPair | JSONResponse:
    """An access token (send it as `Authorization: Bearer …`) and a refresh token. Wrong email,
    wrong password and deactivated account get the same answer. 5 attempts per minute per
    client address and per account."""
    settings = settings_of(request)
    address = client_address(request)
    try:
        return service.login(session, settings, credentials.email, credentials.password, address)
    except AuthError as error:
        return _refused(error)


@router.post(
    "/refresh",
    dependencies=[PUBLIC],
    response_model=TokenPair,
    responses=_REFUSED,
    summary="Exchange a refresh token for a new pair",
)
def refresh(request: Request, session: CommittedSession, body: RefreshRequest) -> Any:
    """Rotation: the presented refresh token is revoked and a new pair issued. Presenting a
    revoked token again revokes every session of its user."""
    settings = settings_of(request)
    try:
        return service.refresh(session, settings, body.refresh_token, client_address(request))
    except AuthError as error:
        return _refused(error)


@router.post(
    "/logout",
    dependencies=[PUBLIC],
    status_code=204,
    response_class=Response,
    summary="End a session (revoke its refresh token and access tokens)",
)
def logout(request: Request, session: CommittedSession, body: RefreshRequest) -> Response:
    """Ends the refresh token's login session: the refresh token and every access token
    issued in that session stop working. Always 204, whether or not the token was valid
    (possessing it is the authorisation)."""
    service.logout(session, body.refresh_token, client_address(request))
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, summary="The calling user")
def me(user: Viewer) -> User:
    return user


@router.post(
    "/password",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(_rate_limited_password_change)],
    responses={400: {"description": "current password wrong", **_PROBLEM}},
    summary="Change your own password",
)
def change_password(
    request: Request, user: Viewer, session: RequestSession, body: PasswordChange
) -> Response:
    """Checks the current password and the password policy, then ends all your sessions:
    every refresh token and access token issued so far stops working (log in again)."""
    address = client_address(request)
    own = session.get(User, user.id)  # the authenticated user is detached; change this one
    if own is None:
        return problem(401, "the account does not exist or is deactivated")
    try:
        service.change_password(session, own, body.current_password, body.new_password, address)
    except AuthError as error:
        return _refused(error)
    return Response(status_code=204)
