"""Recording and reading the audit log (never commits; the caller owns the transaction).

Other services call :func:`record` inside their own transaction, so an audit entry is stored
exactly when the change it describes is::

    from preventia.audit.service import record

    record(session, "source.updated", actor=user, object_type="source", object_id=source.id,
           client_address=address, details={"fields": ["name"]})

Actions are ``<object>.<verb>`` in snake case (``auth.login``, ``user.role_changed``,
``source.deleted``, ``label.corrected``, ``export.created``). Details must never hold secrets;
keys that look like one (password, token, secret) are dropped defensively.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from preventia.audit import repository
from preventia.audit.schemas import AuditEntry, AuditFilters, AuditPage
from preventia.models import AuditLog, User

_SECRET_MARKERS = ("password", "token", "secret", "authorization")
MAX_ACTION_LENGTH = 80


def _clean(details: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not details:
        return None
    return {
        key: value
        for key, value in details.items()
        if not any(marker in key.lower() for marker in _SECRET_MARKERS)
    }


def record(
    session: Session,
    action: str,
    actor: User | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    client_address: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Add one entry to the audit log in the caller's transaction."""
    if not action or len(action) > MAX_ACTION_LENGTH:
        raise ValueError(f"an audit action needs 1 to {MAX_ACTION_LENGTH} characters")
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:80] if object_id is not None else None,
        client_address=client_address[:64] if client_address else None,
        details=_clean(details),
    )
    return repository.add(session, entry)


def list_entries(session: Session, filters: AuditFilters) -> AuditPage:
    rows = list(repository.page(session, filters))
    has_more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    items = [AuditEntry.model_validate(row) for row in rows]
    return AuditPage(items=items, next_cursor=rows[-1].id if has_more and rows else None)
