"""Analytics figures from the repository's counts (no SQL here, never commits)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from preventia.analytics import repository
from preventia.analytics.schemas import (
    Bucket,
    Change,
    CompareParams,
    Comparison,
    Dimension,
    Distribution,
    DistributionParams,
    KeywordCount,
    KeywordParams,
    KeywordTable,
    Summary,
    Timeline,
    TimelineParams,
    TimelinePoint,
    TopicTone,
    TopicToneTable,
    share,
)
from preventia.articles.filters import ArticleFilters
from preventia.db.fts import Interval
from preventia.models import Tone

MAX_FILLED_POINTS = 2000


def summary(session: Session, filters: ArticleFilters) -> Summary:
    totals = repository.totals(session, filters)
    tone = [
        Bucket(key=key, count=count, share=share(count, totals.articles))
        for key, count in totals.tone.items()
    ]
    return Summary(
        articles=totals.articles,
        unique_stories=totals.unique_stories,
        sources=totals.sources,
        countries=repository.story_countries(session, filters),
        tone=tone,
    )


def distribution(
    session: Session, dimension: Dimension, params: DistributionParams
) -> Distribution:
    total = repository.article_count(session, params)
    rows = repository.distribution(session, params, dimension.value, params.limit)
    items = [
        Bucket(
            key=None if key is None else str(key),
            label=label,
            count=int(count),
            share=share(int(count), total),
        )
        for key, label, count in rows
    ]
    return Distribution(dimension=dimension, total=total, items=items)


def _step(day: date, interval: Interval) -> date:
    if interval == "day":
        return day + timedelta(days=1)
    if interval == "week":
        return day + timedelta(days=7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _periods(found: set[date], interval: Interval) -> list[date]:
    """Every period from the first to the last found, so that charts show the empty ones."""
    if not found:
        return []
    periods: list[date] = []
    day, last = min(found), max(found)
    while day <= last and len(periods) < MAX_FILLED_POINTS:
        periods.append(day)
        day = _step(day, interval)
    return periods if day > last else sorted(found)


def timeline(session: Session, params: TimelineParams) -> Timeline:
    tone: dict[date, dict[str, int]] = {}
    for period, value, count in repository.timeline_tone(session, params, params.interval):
        key = value.value if isinstance(value, Tone) else (value or "unknown")
        tone.setdefault(date.fromisoformat(str(period)[:10]), {})[key] = int(count)
    topics: dict[date, dict[str, int]] = {}
    for period, topic, count in repository.timeline_topics(session, params, params.interval):
        topics.setdefault(date.fromisoformat(str(period)[:10]), {})[str(topic)] = int(count)
    points = []
    for day in _periods(set(tone), params.interval):
        tones = {t.value: 0 for t in Tone} | tone.get(day, {})
        points.append(
            TimelinePoint(
                period=day,
                count=sum(tones.values()),
                tone=tones,
                topics=dict(sorted(topics.get(day, {}).items())),
            )
        )
    return Timeline(interval=params.interval, points=points)


def topic_tone(session: Session, filters: ArticleFilters) -> TopicToneTable:
    total = repository.article_count(session, filters)
    rows = [
        TopicTone(topic=str(topic), count=int(n), positive=int(p), neutral=int(u), negative=int(g))
        for topic, n, p, u, g in repository.topic_tone(session, filters)
    ]
    rows.sort(key=lambda r: (-r.count, r.topic))
    return TopicToneTable(total=total, rows=rows)


def _change(key: str, a: int, b: int, total_a: int, total_b: int) -> Change:
    share_a, share_b = share(a, total_a), share(b, total_b)
    return Change(
        key=key,
        a=a,
        b=b,
        change=b - a,
        change_pct=round((b - a) / a * 100, 2) if a else None,
        share_a=share_a,
        share_b=share_b,
        share_change_pp=round((share_b - share_a) * 100, 2),
    )


def _period(params: CompareParams, start: date, end: date) -> ArticleFilters:
    """The filters narrowed to one period (an empty range when they do not overlap)."""
    base = params.only_filters()
    first = max(start, base.published_from) if base.published_from else start
    last = min(end, base.published_to) if base.published_to else end
    return base.model_copy(update={"published_from": first, "published_to": last})


def _figures(
    session: Session, filters: ArticleFilters
) -> tuple[int, dict[str, int], dict[str, int]]:
    totals = repository.totals(session, filters)
    return totals.articles, totals.tone, repository.topic_counts(session, filters)


def compare(session: Session, params: CompareParams) -> Comparison:
    total_a, tone_a, topics_a = _figures(session, _period(params, params.a_from, params.a_to))
    total_b, tone_b, topics_b = _figures(session, _period(params, params.b_from, params.b_to))
    articles = _change("articles", total_a, total_b, total_a or 1, total_b or 1)
    tone = [_change(t, tone_a[t], tone_b[t], total_a, total_b) for t in tone_a]
    names = sorted(set(topics_a) | set(topics_b))
    topics = [_change(t, topics_a.get(t, 0), topics_b.get(t, 0), total_a, total_b) for t in names]
    return Comparison(
        a_articles=total_a, b_articles=total_b, articles=articles, tone=tone, topics=topics
    )


def keywords(session: Session, params: KeywordParams) -> KeywordTable:
    rows: list[Any] = list(repository.top_keywords(session, params, str(params.kind), params.limit))
    return KeywordTable(
        items=[KeywordCount(kind=kind, value=value, count=int(n)) for kind, value, n in rows]
    )
