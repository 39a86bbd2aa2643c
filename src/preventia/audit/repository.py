"""All SQL about the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from preventia.audit.schemas import AuditFilters
from preventia.models import AuditLog

_LIKE_ESCAPE = "\\"


def add(session: Session, entry: AuditLog) -> AuditLog:
    session.add(entry)
    session.flush()
    return entry


def _escape_like(text: str) -> str:
    for char in (_LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, _LIKE_ESCAPE + char)
    return text


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.action is not None:
        if filters.action.endswith("*"):
            prefix = _escape_like(filters.action[:-1]) + "%"
            conditions.append(AuditLog.action.like(prefix, escape=_LIKE_ESCAPE))
        else:
            conditions.append(AuditLog.action == filters.action)
    if filters.actor_id is not None:
        conditions.append(AuditLog.actor_id == filters.actor_id)
    if filters.actor_email is not None:
        conditions.append(func.lower(AuditLog.actor_email) == filters.actor_email.lower())
    if filters.object_type is not None:
        conditions.append(AuditLog.object_type == filters.object_type)
    if filters.object_id is not None:
        conditions.append(AuditLog.object_id == filters.object_id)
    if filters.since is not None:
        conditions.append(AuditLog.at >= filters.since)
    if filters.until is not None:
        conditions.append(AuditLog.at < filters.until)
    if filters.cursor is not None:
        conditions.append(AuditLog.id < filters.cursor)
    return conditions


def page(session: Session, filters: AuditFilters) -> Sequence[AuditLog]:
    """Newest first (by id: stable under inserts); one extra row tells whether more follow."""
    query = (
        select(AuditLog)
        .where(*_conditions(filters))
        .order_by(AuditLog.id.desc())
        .limit(filters.limit + 1)
    )
    return session.scalars(query).all()
