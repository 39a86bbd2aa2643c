"""Keeping the analytics rollups current: recompute the dirty days, or rebuild everything.

Database triggers (migration 0005) add the UTC day of every change analytics could see to
``rollup_dirty_days``. :func:`refresh_rollups` takes those days (on PostgreSQL only the ones
no unfinished transaction is still marking: ``FOR UPDATE SKIP LOCKED``), deletes their daily
rows, inserts them again from the base tables, then recomputes the monthly rows of their
months from the daily rows — all in the caller's transaction. Readers never need the
refresher: days still dirty are read from the base tables (:mod:`preventia.analytics.rollup_reads`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Table,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from preventia.articles.filters import day_start
from preventia.models import Article, ArticleCountry, ArticleKeyword, ArticleTopic
from preventia.models.rollups import (
    COUNTED_STATUSES,
    FINE_OF,
    GRAIN_OF,
    LABELS,
    MEASURES,
    ROLLUPS,
    TONE_SUFFIXES,
    UNDATED,
    rollup_dirty_days,
)

logger = logging.getLogger(__name__)
LABEL_MODELS: dict[str, Any] = {
    "topics": ArticleTopic,
    "countries": ArticleCountry,
    "keywords": ArticleKeyword,
}
# Days per statement when recomputing (keeps each statement's OR list short).
CHUNK = 200


@dataclass(frozen=True)
class RefreshResult:
    days: int
    months: int
    full: bool = False


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def article_day(dialect: str) -> Any:
    """The UTC day of ``articles.published_at``; ``UNDATED`` when there is none."""
    if dialect == "postgresql":
        day: Any = cast(func.timezone("UTC", Article.published_at), Date)
    else:
        day = func.date(Article.published_at)
    return func.coalesce(day, literal(UNDATED, Date))


def month_of(dialect: str, column: Any) -> Any:
    """The first day of the month of a ``day`` column."""
    if dialect == "postgresql":
        return cast(func.date_trunc("month", cast(column, DateTime)), Date)
    return func.date(column, "start of month")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days merged into inclusive ranges (``UNDATED`` left out)."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days) - {UNDATED}):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def published_in(days: Iterable[date]) -> Any:
    """``articles`` published on one of these UTC days (``UNDATED``: no date)."""
    found = set(days)
    parts: list[Any] = [
        and_(
            Article.published_at >= day_start(first),
            Article.published_at < day_start(last + timedelta(days=1)),
        )
        for first, last in day_ranges(found)
    ]
    if UNDATED in found:
        parts.append(Article.published_at.is_(None))
    return or_(*parts) if parts else false()


def measures_of_articles() -> list[Any]:
    """The eight counts of a group of ``articles`` rows (see ``preventia.models.rollups``)."""
    columns = []
    for prefix in ("n", "o"):
        for tone in TONE_SUFFIXES:
            matches = Article.tone.is_(None) if tone is None else Article.tone == tone
            if prefix == "o":
                matches = and_(matches, Article.duplicate_of.is_(None))
            columns.append(func.coalesce(func.sum(case((matches, 1), else_=0)), 0))
    return columns


def label_column(kind: str, name: str) -> Any:
    """A column of the base tables by its rollup name, for a fact kind."""
    if name == "day":
        raise ValueError("the day is computed (article_day)")
    kind = FINE_OF.get(kind, kind)
    if kind == "topic_countries" and name in ("topic", "country"):
        return ArticleTopic.topic if name == "topic" else ArticleCountry.country
    model = LABEL_MODELS.get(kind, Article)
    return getattr(model, name) if hasattr(model, name) else getattr(Article, name)


def base_select(dialect: str, kind: str, where: Any) -> Any:
    """The daily rows of one rollup table computed from the base tables."""
    keys: list[Any] = [article_day(dialect)]
    keys += [label_column(kind, name) for name in [*GRAIN_OF[kind][1:], *LABELS[kind]]]
    query = select()
    fine = FINE_OF.get(kind, kind)
    if fine == "topic_countries":
        query = (
            query.select_from(ArticleTopic)
            .join(ArticleCountry, ArticleCountry.article_id == ArticleTopic.article_id)
            .join(Article, Article.id == ArticleTopic.article_id)
        )
    elif fine != "articles":
        model = LABEL_MODELS[fine]
        query = query.select_from(model).join(Article, Article.id == model.article_id)
    else:
        query = query.select_from(Article)
    return (
        query.add_columns(*keys, *measures_of_articles())
        .where(Article.status.in_(COUNTED_STATUSES), where)
        .group_by(*keys)
    )


def _columns(kind: str) -> list[str]:
    return [*GRAIN_OF[kind], *LABELS[kind], *MEASURES]


def _monthly_select(dialect: str, kind: str, where: Any) -> Any:
    daily = ROLLUPS[(kind, "daily")]
    month = month_of(dialect, daily.c.day)
    keys = [month, *(daily.c[name] for name in [*GRAIN_OF[kind][1:], *LABELS[kind]])]
    sums = [func.sum(daily.c[m]) for m in MEASURES]
    return select(*keys, *sums).where(daily.c.day > UNDATED, where).group_by(*keys)


def _lean_select(kind: str, days: list[date] | None) -> Any:
    """The daily rows of a lean kind summed from its fine twin's daily rows."""
    fine = ROLLUPS[(FINE_OF[kind], "daily")]
    keys = [fine.c[name] for name in [*GRAIN_OF[kind], *LABELS[kind]]]
    query = select(*keys, *(func.sum(fine.c[m]) for m in MEASURES)).group_by(*keys)
    return query if days is None else query.where(fine.c.day.in_(days))


def _daily_select(dialect: str, kind: str, days: list[date] | None) -> Any:
    """The daily rows of a kind for these days (None: every day)."""
    if kind in FINE_OF:
        return _lean_select(kind, days)
    return base_select(dialect, kind, True if days is None else published_in(days))


def _recompute_days(session: Session, days: list[date]) -> None:
    dialect = dialect_of(session)
    for kind in LABELS:  # fine kinds first: the lean ones are summed from them
        table: Table = ROLLUPS[(kind, "daily")]
        session.execute(delete(table).where(table.c.day.in_(days)))
        query = _daily_select(dialect, kind, days)
        session.execute(insert(table).from_select(_columns(kind), query))


def _recompute_months(session: Session, months: list[date]) -> None:
    dialect = dialect_of(session)
    for kind in LABELS:
        table: Table = ROLLUPS[(kind, "monthly")]
        daily: Table = ROLLUPS[(kind, "daily")]
        session.execute(delete(table).where(table.c.day.in_(months)))
        within = or_(*(and_(daily.c.day >= m, daily.c.day < next_month(m)) for m in months))
        query = _monthly_select(dialect, kind, within)
        session.execute(insert(table).from_select(_columns(kind), query))


def _take_dirty_days(session: Session) -> list[date]:
    """Remove and return the dirty days (on PostgreSQL, those no writer holds right now)."""
    free = select(rollup_dirty_days.c.day)
    if dialect_of(session) == "postgresql":
        free = free.with_for_update(skip_locked=True)
    statement = (
        delete(rollup_dirty_days)
        .where(rollup_dirty_days.c.day.in_(free.scalar_subquery()))
        .returning(rollup_dirty_days.c.day)
    )
    found = session.execute(statement).scalars().all()
    return sorted(date.fromisoformat(str(d)[:10]) if not isinstance(d, date) else d for d in found)


def refresh_rollups(session: Session, *, full: bool = False) -> RefreshResult:
    """Recompute the dirty days (or, with ``full``, every rollup row); the caller commits."""
    if full:
        return rebuild_rollups(session)
    days = _take_dirty_days(session)
    for start in range(0, len(days), CHUNK):
        _recompute_days(session, days[start : start + CHUNK])
    months = sorted({first_of_month(d) for d in days if d != UNDATED})
    for start in range(0, len(months), CHUNK):
        _recompute_months(session, months[start : start + CHUNK])
    return RefreshResult(days=len(days), months=len(months))


def rebuild_rollups(session: Session) -> RefreshResult:
    """Every rollup row computed again from the base tables (after bulk loads, or to check)."""
    _take_dirty_days(session)
    dialect = dialect_of(session)
    for kind in LABELS:
        for grain in ("monthly", "daily"):
            session.execute(delete(ROLLUPS[(kind, grain)]))
        daily = ROLLUPS[(kind, "daily")]
        session.execute(
            insert(daily).from_select(_columns(kind), _daily_select(dialect, kind, None))
        )
        monthly = ROLLUPS[(kind, "monthly")]
        query = _monthly_select(dialect, kind, True)
        session.execute(insert(monthly).from_select(_columns(kind), query))
    days = session.scalar(select(func.count(func.distinct(ROLLUPS[("articles", "daily")].c.day))))
    monthly_days = ROLLUPS[("articles", "monthly")].c.day
    months = session.scalar(select(func.count(func.distinct(monthly_days))))
    return RefreshResult(days=int(days or 0), months=int(months or 0), full=True)


def dirty_days(session: Session) -> list[date]:
    found = session.execute(select(rollup_dirty_days.c.day)).scalars().all()
    return sorted(d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for d in found)


def refresh_in_own_transaction(engine: Engine) -> RefreshResult | None:
    """Refresh on a connection of its own and commit; logs and returns None on failure
    (the figures stay correct without it: dirty days are read from the base tables)."""
    try:
        with Session(engine) as session, session.begin():
            return refresh_rollups(session)
    except Exception as exc:
        logger.warning("analytics rollups not refreshed: %s: %s", type(exc).__name__, exc)
        return None


def refresh_in_session(session: Session) -> RefreshResult | None:
    """Refresh inside the caller's transaction, in a savepoint (no second connection); a
    failure is logged and changes nothing (dirty days are still read right)."""
    try:
        with session.begin_nested():
            return refresh_rollups(session)
    except Exception as exc:
        logger.warning("analytics rollups not refreshed: %s: %s", type(exc).__name__, exc)
        return None


def rollup_refresher(engine: Engine, min_interval: float = 2.0) -> Callable[[], None]:
    """What to call after storing articles: recompute the days they changed, at most once
    per ``min_interval`` seconds, on the caller's engine (never raises; days left dirty are
    still read right)."""
    last = [float("-inf")]
    lock = threading.Lock()

    def refresh() -> None:
        now = time.monotonic()
        with lock:
            if now - last[0] < min_interval:
                return
            last[0] = now
        refresh_in_own_transaction(engine)

    return refresh
