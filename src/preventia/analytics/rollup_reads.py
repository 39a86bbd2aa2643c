"""Analytics figures from the rollups, exact even while some days are dirty.

A figure reads one fact kind (``articles``, ``topics``, ``countries`` or ``keywords``) as the
UNION ALL of three segments with the same columns (the rollup grain, the labels and the
eight counts):

- the monthly rows of every whole month inside the date range that holds no dirty day;
- the daily rows of the other days of the range (the partial months at its ends and the
  months holding a dirty day), dirty days excepted;
- the dirty days computed from the base tables (the same ``GROUP BY`` as the refresher).

The filters are applied to each segment (tone by choosing the count columns), the figure
groups and sums the union. :func:`plan` says whether a figure can be answered this way: not
with ``q``, not with several topics or countries (an article counts once, not once per
label), not a label figure filtered by a label, and not while more than ``MAX_DIRTY_DAYS``
days are dirty; the caller then uses the base-table SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from preventia.analytics.rollups import (
    base_select,
    dialect_of,
    dirty_days,
    first_of_month,
    label_column,
    next_month,
    published_in,
)
from preventia.articles.filters import ArticleFilters, conditions
from preventia.db.fts import Interval, date_bucket
from preventia.models import ArticleStatus, Source, Tone
from preventia.models.rollups import (
    GRAIN_OF,
    LABELS,
    LEAN,
    MEASURES,
    ROLLUPS,
    TONE_SUFFIXES,
    UNDATED,
)

MAX_DIRTY_DAYS = 62
# The fact kind a distribution counts.
FACTS_OF = {"topic": "topics", "country": "countries"}
_enabled: ContextVar[bool] = ContextVar("analytics_rollups", default=True)
Where = Callable[[Callable[[str], Any]], Any]


@contextmanager
def base_tables_only() -> Iterator[None]:
    """Compute every figure from the base tables inside this block (tests, checks)."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


@dataclass(frozen=True)
class Plan:
    dirty: frozenset[date]
    # A single topic or story-country filter: the figure counts that label's rows.
    label: tuple[str, str, str] | None  # (fact kind, column, value)

    @property
    def facts(self) -> str:
        return self.label[0] if self.label else "articles"


def plan(session: Session, filters: ArticleFilters, facts: str = "articles") -> Plan | None:
    """How to answer a figure over ``facts`` from the rollups, or None (use the base tables)."""
    if not _enabled.get() or filters.q:
        return None
    topics, countries = filters.topic, filters.country
    if len(topics) > 1 or len(countries) > 1 or (topics and countries):
        return None
    label: tuple[str, str, str] | None = None
    if topics:
        label = ("topics", "topic", topics[0].value)
    elif countries:
        label = ("countries", "country", countries[0])
    if label is not None and facts != "articles":
        # The story countries of one topic: the small topic x country pairs, which know
        # day, status and tone only.
        if facts != "countries" or not topics or _per_source(filters):
            return None
        label = ("topic_countries", "topic", topics[0].value)
    dirty = dirty_days(session)
    if len(dirty) > MAX_DIRTY_DAYS:
        return None
    return Plan(frozenset(dirty), label)


def _per_source(filters: ArticleFilters) -> bool:
    """Filters only the fine rollups (with source, language, relevance) can apply."""
    return bool(filters.source or filters.language or filters.relevance or filters.outlet_country)


def _statuses(filters: ArticleFilters) -> list[ArticleStatus]:
    if filters.duplicates == "exclude":
        return [ArticleStatus.STORED]
    if filters.duplicates == "only":
        return [ArticleStatus.DUPLICATE]
    return [ArticleStatus.STORED, ArticleStatus.DUPLICATE]


def _attributes(column: Callable[[str], Any], filters: ArticleFilters) -> list[Any]:
    found = [column("status").in_(_statuses(filters))]
    if filters.source:
        found.append(column("source_id").in_(filters.source))
    if filters.language:
        found.append(column("language").in_(filters.language))
    if filters.relevance:
        found.append(column("relevance").in_(filters.relevance))
    if filters.outlet_country:
        outlets = select(Source.id).where(Source.outlet_country.in_(filters.outlet_country))
        found.append(column("source_id").in_(outlets.scalar_subquery()))
    return found


def _full_months(lo: date | None, hi: date | None) -> tuple[date | None, date | None] | None:
    """The first and last whole month inside [lo, hi] (None: unbounded), or None if none."""
    m_lo = None if lo is None else (lo if lo.day == 1 else next_month(lo))
    m_hi = None
    if hi is not None:
        end = hi if (hi + timedelta(days=1)).day == 1 else first_of_month(hi) - timedelta(days=1)
        m_hi = first_of_month(end)
    if m_lo is not None and m_hi is not None and m_lo > m_hi:
        return None
    return m_lo, m_hi


def _within(day: date, lo: date | None, hi: date | None) -> bool:
    return (lo is None or day >= lo) and (hi is None or day <= hi)


def _segments(
    session: Session,
    filters: ArticleFilters,
    plan: Plan,
    facts: str,
    where: Where | None,
    *,
    months: bool = True,
    lean: bool = True,
) -> Any:
    """The union of the segments; without ``months`` only daily rows (day and week buckets);
    with ``lean`` (a figure needing no source or language) the lean twin when the filters
    allow it."""
    if plan.label is not None:
        facts = plan.label[0]  # one topic or country filter: count that label's rows
    if lean and not _per_source(filters):
        facts = LEAN.get(facts, facts)
    lo, hi = filters.published_from, filters.published_to
    dirty = plan.dirty
    dirty_months = {first_of_month(d) for d in dirty if d != UNDATED}
    undated = lo is None and hi is None
    span = _full_months(lo, hi) if months else None
    parts: list[Any] = []

    def rollup(grain: str, days: list[Any]) -> Any:
        table = ROLLUPS[(facts, grain)]

        def column(name: str) -> Any:
            return table.c[name]

        extra = [where(column)] if where is not None else []
        if plan.label is not None:
            extra.append(column(plan.label[1]) == plan.label[2])
        names = [*GRAIN_OF[facts], *LABELS[facts], *MEASURES]
        return select(*(table.c[n] for n in names)).where(
            *days, *_attributes(column, filters), *extra
        )

    daily = ROLLUPS[(facts, "daily")].c.day
    picked: list[Any] = []
    if span is None:
        bounds = [daily > UNDATED]
        bounds += [daily >= lo] if lo is not None else []
        bounds += [daily <= hi] if hi is not None else []
        picked.append(and_(*bounds))
    else:
        m_lo, m_hi = span
        monthly = ROLLUPS[(facts, "monthly")].c.day
        days: list[Any] = []
        if m_lo is not None:
            days.append(monthly >= m_lo)
        if m_hi is not None:
            days.append(monthly <= m_hi)
        if dirty_months:
            days.append(monthly.not_in(sorted(dirty_months)))
        parts.append(rollup("monthly", days))
        ranges: list[tuple[date, date]] = []
        if lo is not None and m_lo is not None and lo < m_lo:
            ranges.append((lo, m_lo - timedelta(days=1)))
        if hi is not None and m_hi is not None and hi >= next_month(m_hi):
            ranges.append((next_month(m_hi), hi))
        for month in sorted(dirty_months):
            if _within(month, m_lo, m_hi):
                ranges.append((month, next_month(month) - timedelta(days=1)))
        picked += [and_(daily >= a, daily <= b) for a, b in ranges]
    if undated:
        picked.append(daily == UNDATED)
    if picked:
        days = [or_(*picked)]
        if dirty:
            days.append(daily.not_in(sorted(dirty)))
        parts.append(rollup("daily", days))
    recompute = {
        d for d in dirty if (d == UNDATED and undated) or (d != UNDATED and _within(d, lo, hi))
    }
    if recompute:
        parts.append(_dirty_segment(session, filters, plan, facts, where, recompute))
    return union_all(*parts).subquery("facts")


def _dirty_segment(
    session: Session,
    filters: ArticleFilters,
    plan: Plan,
    facts: str,
    where: Where | None,
    days: set[date],
) -> Any:
    dialect = dialect_of(session)

    def column(name: str) -> Any:
        return label_column(facts, name)

    restrict: list[Any] = [published_in(days), *conditions(filters, dialect)]
    if where is not None:
        restrict.append(where(column))
    if plan.label is not None:
        restrict.append(column(plan.label[1]) == plan.label[2])
    return base_select(dialect, facts, and_(*restrict))


def _facts(
    session: Session, filters: ArticleFilters, plan: Plan, *, months: bool = True, lean: bool = True
) -> Any:
    return _segments(session, filters, plan, plan.facts, None, months=months, lean=lean)


def _tones(filters: ArticleFilters) -> list[str | None]:
    return list(filters.tone) if filters.tone else list(TONE_SUFFIXES)


def _count(f: Any, filters: ArticleFilters, prefix: str = "n") -> Any:
    """Per fact row: the articles of the selected tones."""
    columns = [f.c[f"{prefix}_{TONE_SUFFIXES[t]}"] for t in _tones(filters)]
    total: Any = columns[0]
    for column in columns[1:]:
        total = total + column
    return total


def _tone_column(f: Any, filters: ArticleFilters, tone: str | None) -> Any:
    if tone not in _tones(filters):
        return literal(0)
    return f.c[f"n_{TONE_SUFFIXES[tone]}"]


def _sum(expression: Any) -> Any:
    return func.coalesce(func.sum(expression), 0)


TONES: tuple[str | None, ...] = tuple(TONE_SUFFIXES)


def totals(
    session: Session, filters: ArticleFilters, plan: Plan
) -> tuple[int, int, int, dict[str, int]]:
    f = _facts(session, filters, plan, lean=False)  # counts sources
    n = _count(f, filters)
    query = select(
        _sum(n),
        _sum(_count(f, filters, "o")),
        func.count(distinct(case((n > 0, f.c.source_id), else_=null()))),
        *(_sum(_tone_column(f, filters, t)) for t in TONES[:3]),
    )
    row = session.execute(query).one()
    tone = {str(t): int(row[3 + i]) for i, t in enumerate(TONES[:3])}
    return int(row[0]), int(row[1]), int(row[2]), tone


def article_count(session: Session, filters: ArticleFilters, plan: Plan) -> int:
    f = _facts(session, filters, plan)
    return int(session.scalar(select(_sum(_count(f, filters)))) or 0)


def story_countries(session: Session, filters: ArticleFilters, plan: Plan) -> int:
    f = _segments(session, filters, plan, "countries", None)
    n = _count(f, filters)
    query = select(func.count(distinct(case((n > 0, f.c.country), else_=null()))))
    return int(session.scalar(query) or 0)


def distribution(
    session: Session, filters: ArticleFilters, plan: Plan, dimension: str, limit: int
) -> Sequence[tuple[Any, Any, int]]:
    if dimension == "tone":
        f = _facts(session, filters, plan)
        row = session.execute(select(*(_sum(_tone_column(f, filters, t)) for t in TONES))).one()
        found = [(None if t is None else Tone(t), None, int(row[i])) for i, t in enumerate(TONES)]
        found = [r for r in found if r[2] > 0]
        found.sort(key=lambda r: (-r[2], r[0] is None, r[0] or ""))
        return found[:limit]
    facts = FACTS_OF.get(dimension, "articles")
    lean = dimension in ("topic", "country")
    f = _segments(session, filters, plan, facts, None, lean=lean)
    count = _sum(_count(f, filters))
    query: Any
    if dimension in ("topic", "country", "language"):
        key = f.c[dimension]
        query = select(key, null(), count).group_by(key)
    else:
        joined = select().select_from(f).outerjoin(Source, Source.id == f.c.source_id)
        if dimension == "outlet_country":
            key = Source.outlet_country
            query = joined.add_columns(key, null(), count).group_by(key)
        else:
            key = Source.id
            query = joined.add_columns(key, Source.name, count).group_by(key, Source.name)
    query = query.having(count > 0).order_by(count.desc(), key.asc().nulls_last()).limit(limit)
    return [(k, label, int(n)) for k, label, n in session.execute(query).all()]


def _bucket(dialect: str, column: Any, interval: Interval) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.date_trunc(interval, cast(column, DateTime)), "YYYY-MM-DD")
    return date_bucket(dialect, column, interval)


def timeline_tone(
    session: Session, filters: ArticleFilters, plan: Plan, interval: Interval
) -> list[tuple[str, Tone | None, int]]:
    f = _facts(session, filters, plan, months=interval == "month")
    bucket = _bucket(dialect_of(session), f.c.day, interval)
    query = (
        select(bucket, *(_sum(_tone_column(f, filters, t)) for t in TONES))
        .where(f.c.day > UNDATED)
        .group_by(bucket)
    )
    found: list[tuple[str, Tone | None, int]] = []
    for row in session.execute(query).all():
        for i, tone in enumerate(TONES):
            if int(row[1 + i]) > 0:
                found.append((str(row[0]), None if tone is None else Tone(tone), int(row[1 + i])))
    return found


def timeline_topics(
    session: Session, filters: ArticleFilters, plan: Plan, interval: Interval
) -> list[tuple[str, str, int]]:
    f = _segments(session, filters, plan, "topics", None, months=interval == "month")
    bucket = _bucket(dialect_of(session), f.c.day, interval)
    count = _sum(_count(f, filters))
    query = (
        select(bucket, f.c.topic, count)
        .where(f.c.day > UNDATED)
        .group_by(bucket, f.c.topic)
        .having(count > 0)
    )
    return [(str(p), str(t), int(n)) for p, t, n in session.execute(query).all()]


def topic_tone(
    session: Session, filters: ArticleFilters, plan: Plan
) -> list[tuple[str, int, int, int, int]]:
    f = _segments(session, filters, plan, "topics", None)
    count = _sum(_count(f, filters))
    query = (
        select(f.c.topic, count, *(_sum(_tone_column(f, filters, t)) for t in TONES[:3]))
        .group_by(f.c.topic)
        .having(count > 0)
    )
    return [(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in session.execute(query)]


def topic_counts(session: Session, filters: ArticleFilters, plan: Plan) -> dict[str, int]:
    return {topic: n for topic, n, *_ in topic_tone(session, filters, plan)}


def top_keywords(
    session: Session, filters: ArticleFilters, plan: Plan, kinds: Where, limit: int
) -> list[tuple[Any, str, int]]:
    f = _segments(session, filters, plan, "keywords", kinds)
    count = _sum(_count(f, filters))
    query = (
        select(f.c.kind, f.c.value, count)
        .group_by(f.c.kind, f.c.value)
        .having(count > 0)
        .order_by(count.desc(), f.c.value, f.c.kind)
        .limit(limit)
    )
    return [(k, str(v), int(n)) for k, v, n in session.execute(query).all()]
