"""All SQL about users."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.models import User


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)
