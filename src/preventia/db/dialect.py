"""Small dialect-aware helpers: the same statement on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect {dialect!r}")


def insert_ignore(
    session: Session, table: Table, values: dict[str, Any] | Sequence[dict[str, Any]]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING of one row, or of several in one statement (a
    multi-row VALUES); True when a row was inserted."""
    if not isinstance(values, dict) and not values:
        return False
    rows = values if isinstance(values, dict) else list(values)
    statement = _insert(session, table).values(rows).on_conflict_do_nothing()
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


def upsert_increment(
    session: Session,
    table: Table,
    keys: dict[str, Any],
    counter: str,
    amount: int,
    extra: dict[str, Any] | None = None,
) -> None:
    """Insert the row with ``counter = amount`` or add ``amount`` to it, atomically."""
    values = {**keys, counter: amount, **(extra or {})}
    statement = _insert(session, table).values(**values)
    updates: dict[str, Any] = {counter: table.c[counter] + statement.excluded[counter]}
    for name in extra or {}:
        updates[name] = statement.excluded[name]
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=updates))
