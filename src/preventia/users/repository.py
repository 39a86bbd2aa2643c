"""All SQL about users."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from preventia.models import Role, User
from preventia.users.schemas import UserFilters


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def _conditions(filters: UserFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.role is not None:
        conditions.append(User.role == filters.role)
    if filters.is_active is not None:
        conditions.append(User.is_active.is_(filters.is_active))
    return conditions


def page(session: Session, filters: UserFilters) -> tuple[Sequence[User], int]:
    conditions = _conditions(filters)
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    rows = session.scalars(
        select(User)
        .where(*conditions)
        .order_by(User.id)
        .limit(filters.limit)
        .offset(filters.offset)
    ).all()
    return rows, int(total)


def lock_active_admin_ids(session: Session) -> list[int]:
    """Ids of the active admins, row-locked on PostgreSQL so two concurrent demotions cannot
    both see a second admin (SQLite serialises writers anyway)."""
    query = (
        select(User.id)
        .where(User.role == Role.ADMIN, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    )
    return list(session.scalars(query).all())


def increment_failed_logins(session: Session, user_id: int) -> None:
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_login_count=User.failed_login_count + 1)
        .execution_options(synchronize_session=False)
    )
