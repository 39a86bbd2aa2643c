"""All SQL about sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from preventia.db.base import utcnow
from preventia.db.dialect import upsert_increment
from preventia.models import Source, SourceOutcome, SourceStatus


def get(session: Session, source_id: int) -> Source | None:
    return session.get(Source, source_id)


def get_by_url(session: Session, url: str) -> Source | None:
    return session.scalar(select(Source).where(Source.url == url))


def add(session: Session, source: Source) -> Source:
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session, *, include_removed: bool = False) -> Sequence[Source]:
    query = select(Source).order_by(Source.id)
    if not include_removed:
        query = query.where(Source.status != SourceStatus.REMOVED)
    return session.scalars(query).all()


def active_ids(session: Session, ids: Sequence[int] | None = None) -> list[int]:
    query = select(Source.id).where(Source.status == SourceStatus.ACTIVE).order_by(Source.id)
    if ids is not None:
        query = query.where(Source.id.in_(list(ids)))
    return list(session.scalars(query))


def add_outcomes(session: Session, source_id: int, counts: Mapping[str, int]) -> None:
    """Add a cycle's outcome counts to the source's running totals (atomic per row)."""
    now = utcnow()
    table = SourceOutcome.__table__
    for outcome, amount in counts.items():
        if amount:
            keys = {"source_id": source_id, "outcome": outcome}
            upsert_increment(session, table, keys, "count", amount, {"last_at": now})  # type: ignore[arg-type]


def outcome_counts(session: Session, source_id: int) -> dict[str, int]:
    query = select(SourceOutcome.outcome, SourceOutcome.count).where(
        SourceOutcome.source_id == source_id
    )
    return {outcome: int(count) for outcome, count in session.execute(query).tuples()}


def with_retention(session: Session) -> Sequence[Source]:
    return session.scalars(select(Source).where(Source.retention_days.is_not(None))).all()


def due_intervals(session: Session, now: datetime, limit: int = 1000) -> list[tuple[int, int]]:
    """Active sources whose polling interval has passed since their last poll, with that
    interval in minutes (never polled first, then the longest waiting)."""
    interval = func.coalesce(Source.poll_interval_minutes, Source.fetch_interval_minutes)
    query = (
        select(Source.id, Source.last_polled_at, interval)
        .where(Source.status == SourceStatus.ACTIVE)
        .order_by(Source.last_polled_at.is_not(None), Source.last_polled_at, Source.id)
        .limit(limit)
    )
    due = []
    for source_id, polled, minutes in session.execute(query).tuples():
        if polled is None or polled + timedelta(minutes=minutes) <= now:
            due.append((source_id, minutes))
    return due
