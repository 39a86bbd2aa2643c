"""All SQL about refresh tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from preventia.models import RefreshToken, User


def add(session: Session, token: RefreshToken) -> RefreshToken:
    session.add(token)
    session.flush()
    return token


def get_by_hash(session: Session, token_hash: str) -> RefreshToken | None:
    return session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


def user_in_session(session: Session, user_id: int, session_id: str) -> tuple[User | None, bool]:
    """The user, and whether their login session still has an unrevoked refresh token
    (one query: the authentication of every request)."""
    active = (
        select(RefreshToken.id)
        .where(
            RefreshToken.session_id == session_id,
            RefreshToken.user_id == User.id,
            RefreshToken.revoked_at.is_(None),
        )
        .exists()
    )
    row = session.execute(select(User, active).where(User.id == user_id)).first()
    return (None, False) if row is None else (row[0], bool(row[1]))


def revoke_if_active(session: Session, token_id: int, now: datetime) -> bool:
    """Revoke one token; False when it was already revoked (a concurrent use won)."""
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def revoke_all_for_user(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every active refresh token of a user; the number revoked."""
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
