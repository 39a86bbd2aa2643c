"""Login, token rotation, logout and password change (never commits; the edge does).

Failures raise :class:`AuthError` *after* recording what must survive them (the failed-login
counter, the audit entry, the revocation on refresh-token reuse); the router turns the error
into a response without raising, so the request's transaction still commits those records.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from preventia.audit.service import record
from preventia.auth import repository
from preventia.auth.passwords import hash_password, verify_password
from preventia.auth.schemas import TokenPair
from preventia.auth.tokens import (
    create_access_token,
    hash_refresh_token,
    new_refresh_token,
    new_session_id,
)
from preventia.db import utcnow
from preventia.models import RefreshToken, User
from preventia.settings import Settings
from preventia.users import repository as users_repository
from preventia.users import service as users_service

BAD_CREDENTIALS = "the email or password is wrong, or the account is deactivated"
BAD_REFRESH = "the refresh token is invalid, expired or revoked"


class AuthError(Exception):
    """An authentication step was refused; ``detail`` is safe to show."""

    def __init__(self, status: int, detail: str, param: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.param = param


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so both cases take as long."""
    return hash_password(secrets.token_urlsafe(32))


def _attempted_email(email: str) -> str:
    text = email.strip().lower()
    return text[:320] if "@" in text and " " not in text else "<not an email>"


def issue_tokens(
    session: Session,
    settings: Settings,
    user: User,
    address: str | None,
    session_id: str | None = None,
) -> TokenPair:
    """A new token pair in the login session ``session_id`` (a new session when None)."""
    sid = session_id or new_session_id()
    access, lifetime = create_access_token(user.id, user.role, settings, session_id=sid)
    refresh, refresh_hash = new_refresh_token()
    expires = utcnow() + timedelta(days=settings.api.refresh_token_days)
    token = RefreshToken(
        user_id=user.id,
        token_hash=refresh_hash,
        session_id=sid,
        expires_at=expires,
        client_address=address,
    )
    repository.add(session, token)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=lifetime)


def login(
    session: Session, settings: Settings, email: str, password: str, address: str | None
) -> TokenPair:
    """Check the credentials; count and audit failures; the same refusal for every cause."""
    user = users_repository.get_by_email(session, email.strip())
    if user is None:
        verify_password(password, _dummy_hash())
        details = {"email": _attempted_email(email), "reason": "unknown_email"}
        record(session, "auth.login_failed", None, "user", None, address, details)
        raise AuthError(401, BAD_CREDENTIALS)
    if not verify_password(password, user.password_hash):
        users_repository.increment_failed_logins(session, user.id)
        details = {"email": user.email, "reason": "wrong_password"}
        record(session, "auth.login_failed", None, "user", user.id, address, details)
        raise AuthError(401, BAD_CREDENTIALS)
    if not user.is_active:
        details = {"email": user.email, "reason": "deactivated"}
        record(session, "auth.login_failed", None, "user", user.id, address, details)
        raise AuthError(401, BAD_CREDENTIALS)
    user.failed_login_count = 0
    user.last_login_at = utcnow()
    record(session, "auth.login", user, "user", user.id, address)
    return issue_tokens(session, settings, user, address)


def _refused_reuse(session: Session, stored: RefreshToken, address: str | None) -> AuthError:
    """A revoked token came back: it was stolen or replayed, so end every session of its user."""
    revoked = repository.revoke_all_for_user(session, stored.user_id, utcnow())
    details: dict[str, Any] = {"sessions_revoked": revoked}
    record(session, "auth.refresh_reused", None, "user", stored.user_id, address, details)
    return AuthError(401, BAD_REFRESH, param="refresh_token")


def refresh(session: Session, settings: Settings, raw_token: str, address: str | None) -> TokenPair:
    """Rotate: revoke the presented refresh token and issue a new pair."""
    stored = repository.get_by_hash(session, hash_refresh_token(raw_token))
    now = utcnow()
    if stored is None or stored.expires_at <= now:
        raise AuthError(401, BAD_REFRESH, param="refresh_token")
    if stored.revoked_at is not None:
        raise _refused_reuse(session, stored, address)
    user = users_repository.get(session, stored.user_id)
    if user is None or not user.is_active:
        raise AuthError(401, BAD_REFRESH, param="refresh_token")
    if not repository.revoke_if_active(session, stored.id, now):
        raise _refused_reuse(session, stored, address)
    return issue_tokens(session, settings, user, address, stored.session_id)


def logout(session: Session, raw_token: str, address: str | None) -> None:
    """Revoke one refresh token; unknown or already revoked tokens are ignored."""
    stored = repository.get_by_hash(session, hash_refresh_token(raw_token))
    if stored is None or stored.revoked_at is not None:
        return
    repository.revoke_if_active(session, stored.id, utcnow())
    user = users_repository.get(session, stored.user_id)
    record(session, "auth.logout", user, "user", stored.user_id, address)


def change_password(
    session: Session, user: User, current: str, new: str, address: str | None
) -> None:
    """The user changes their own password; all their refresh tokens are revoked."""
    if not verify_password(current, user.password_hash):
        details: dict[str, Any] = {"reason": "wrong_current_password"}
        record(session, "auth.password_change_failed", user, "user", user.id, address, details)
        raise AuthError(400, "the current password is wrong", param="current_password")
    if new == current:
        raise AuthError(422, "the new password must differ from the current one", "new_password")
    try:
        revoked = users_service.set_password(session, user, new, param="new_password")
    except users_service.UserError as exc:
        raise AuthError(422, str(exc), param=exc.param) from None
    details = {"sessions_revoked": revoked}
    record(session, "auth.password_changed", user, "user", user.id, address, details)
