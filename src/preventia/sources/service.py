"""The source registry (never commits; the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from preventia.articles import repository as articles_repository
from preventia.db.base import utcnow
from preventia.jobs import repository as jobs_repository
from preventia.models import Job, Source, SourceStatus
from preventia.sources import repository
from preventia.sources.compliance import ComplianceCheck, apply_compliance
from preventia.sources.schemas import SourceCreate, SourceUpdate


class SourceError(ValueError):
    """A source operation was refused; the message is safe to show."""


class SourceNotFoundError(SourceError):
    pass


@dataclass(frozen=True)
class CycleResult:
    """What one collection cycle learnt about a source."""

    counts: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None
    check: ComplianceCheck | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_entries: int = 0


def add_source(session: Session, data: SourceCreate, check: ComplianceCheck | None) -> Source:
    """Register a source after its compliance check; a source robots.txt forbids is refused."""
    if is_registered(session, data.url):
        raise SourceError(f"a source with URL {data.url} already exists")
    if check is not None and not check.allowed:
        raise SourceError(f"refused: {check.detail}")
    values = data.model_dump()
    values["name"] = data.name or urlsplit(data.url).hostname or data.url
    source = Source(**values)
    if check is not None:
        apply_compliance(source, check)
    return repository.add(session, source)


def get_source(session: Session, source_id: int) -> Source:
    source = repository.get(session, source_id)
    if source is None or source.status is SourceStatus.REMOVED:
        raise SourceNotFoundError(f"no source with id {source_id}")
    return source


def list_sources(session: Session, *, include_removed: bool = False) -> Sequence[Source]:
    return repository.list_sources(session, include_removed=include_removed)


def update_source(session: Session, source_id: int, data: SourceUpdate) -> Source:
    source = get_source(session, source_id)
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(source, name, value)
    if "fetch_interval_minutes" in changes:
        source.poll_interval_minutes = None  # start adapting again from the new interval
    session.flush()
    return source


def set_status(
    session: Session, source_id: int, status: SourceStatus, reason: str | None
) -> Source:
    """Pause, resume or (softly) remove a source; resuming clears the failure streak."""
    source = get_source(session, source_id)
    source.status = status
    source.status_reason = reason
    if status is SourceStatus.ACTIVE:
        source.consecutive_failures = 0
    session.flush()
    return source


def record_check(session: Session, source_id: int, check: ComplianceCheck) -> Source:
    source = get_source(session, source_id)
    apply_compliance(source, check)
    session.flush()
    return source


BUSY_ENTRIES = 10


def adapt_interval(base: int, current: int | None, new_entries: int) -> int:
    """The next polling interval: ×1.5 after a poll with nothing new, ÷1.5 after a busy one
    (≥ 10 new entries), back towards the configured one otherwise; kept within half and
    four times the configured interval, and within 10 minutes to a day — but never above
    nor below the configured interval itself because of those two limits (a source set
    to 5 minutes is polled every 5 at most, one set to 2 days every 2 days at least)."""
    low = min(base, max(10, base // 2))
    high = max(base, min(24 * 60, base * 4))
    now = current or base
    if new_entries == 0:
        wanted = now * 1.5
    elif new_entries >= BUSY_ENTRIES:
        wanted = now / 1.5
    else:
        wanted = (now + base) / 2
    return int(min(high, max(low, round(wanted))))


def record_cycle(
    session: Session, source_id: int, result: CycleResult, *, failures_before_pause: int
) -> Source:
    """Update a source's health after a collection cycle; pause it after N failures in a row."""
    source = get_source(session, source_id)
    now = utcnow()
    source.last_polled_at = now
    source.total_fetches += 1
    if result.check is not None:
        apply_compliance(source, result.check)
    if result.error is None:
        source.consecutive_failures = 0
        source.last_success_at = now
        source.etag, source.last_modified = result.etag, result.last_modified
        source.poll_interval_minutes = adapt_interval(
            source.fetch_interval_minutes, source.poll_interval_minutes, result.new_entries
        )
    else:
        source.total_failures += 1
        source.consecutive_failures += 1
        source.last_error_at, source.last_error = now, result.error[:2000]
        if source.consecutive_failures >= failures_before_pause:
            source.status = SourceStatus.PAUSED
            source.status_reason = (
                f"paused after {source.consecutive_failures} failed cycles in a row; "
                f"last error: {result.error[:500]}"
            )
    repository.add_outcomes(session, source_id, result.counts)
    session.flush()
    return source


def purge_expired_text(session: Session, now: datetime) -> dict[int, int]:
    """Drop stored text older than each source's retention days; rows purged per source."""
    purged: dict[int, int] = {}
    for source in repository.with_retention(session):
        days = source.retention_days or 0
        purged[source.id] = articles_repository.purge_text(
            session, source.id, now - timedelta(days=days), now
        )
    return purged


def is_registered(session: Session, url: str) -> bool:
    return repository.get_by_url(session, url) is not None


def outcome_counts(session: Session, source_id: int) -> dict[str, int]:
    return repository.outcome_counts(session, source_id)


def fetch_history(session: Session, source_id: int, limit: int) -> Sequence[Job]:
    """The latest collections of a source, newest first (404 for an unknown source)."""
    get_source(session, source_id)
    return jobs_repository.for_source(session, source_id, limit)
