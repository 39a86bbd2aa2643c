"""Who is calling: the bearer token checked on every protected route.

``require_role(Role.X)`` gives a dependency that is also the route's declared policy (see
:mod:`preventia.auth.policy`). Roles are ordered viewer < analyst < admin. The user's role
and active flag are read from the database on each request, so a demoted or deactivated
user loses access at once, whatever their token says; and the token's login session (claim
``sid``) must still be open, so logout, a password change or a reset ends its access tokens
at once too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from preventia.api.deps import settings_of
from preventia.auth import repository as tokens_repository
from preventia.auth.policy import POLICY_ATTR
from preventia.auth.tokens import InvalidTokenError, decode_access_token
from preventia.models import Role, User

ROLE_RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ADMIN: 3}
_bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/login")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers=_CHALLENGE)


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The authenticated user, loaded in a short session of its own that is closed before the
    route runs: a request never holds two pooled connections at once (which deadlocks the
    pool under load, see docs/benchmarks-load.md). The user comes back detached; a route that
    changes it loads it again in its own session."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("a bearer access token is required")
    try:
        claims = decode_access_token(credentials.credentials, settings_of(request))
    except InvalidTokenError:
        raise _unauthorized("the access token is invalid or expired") from None
    with request.app.state.db.sessions() as session:
        user, session_open = tokens_repository.user_in_session(
            session, claims.user_id, claims.session_id
        )
    if user is None or not user.is_active:
        raise _unauthorized("the account does not exist or is deactivated")
    if not session_open:
        raise _unauthorized("the session of this access token has ended; log in again")
    request.state.user = user
    return user


@cache
def require_role(minimum: Role) -> Callable[..., User]:
    """A dependency admitting users whose role is at least ``minimum`` (403 otherwise)."""

    def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        if ROLE_RANK[user.role] < ROLE_RANK[minimum]:
            raise HTTPException(status_code=403, detail=f"this needs the {minimum.value} role")
        return user

    setattr(dependency, POLICY_ATTR, f"role:{minimum.value}")
    dependency.__name__ = f"require_{minimum.value}"
    return dependency


#: Use as a parameter type: ``user: Viewer`` (and declares the route's policy).
Viewer = Annotated[User, Depends(require_role(Role.VIEWER))]
Analyst = Annotated[User, Depends(require_role(Role.ANALYST))]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
