"""All SQL of the analytics figures.

Each figure is read from the rollups when :func:`rollup_reads.plan` allows it (the rollup
path gives the same numbers), otherwise counted straight from the base tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, case, distinct, func, null, select
from sqlalchemy.orm import Session

from preventia.analytics import rollup_reads
from preventia.articles.filters import ArticleFilters, conditions
from preventia.db.fts import Interval, date_bucket
from preventia.models import (
    Article,
    ArticleCountry,
    ArticleKeyword,
    ArticleTopic,
    KeywordKind,
    Source,
    Tone,
)

TONES = (Tone.POSITIVE, Tone.NEUTRAL, Tone.NEGATIVE)


@dataclass(frozen=True)
class Totals:
    articles: int
    unique_stories: int
    sources: int
    tone: dict[str, int]


def _where(session: Session, filters: ArticleFilters) -> list[Any]:
    return conditions(filters, session.get_bind().dialect.name)


def _tone_sum(tone: Tone) -> Any:
    return func.coalesce(func.sum(case((Article.tone == tone, 1), else_=0)), 0)


def totals(session: Session, filters: ArticleFilters) -> Totals:
    if (plan := rollup_reads.plan(session, filters)) is not None:
        return Totals(*rollup_reads.totals(session, filters, plan))
    # Unique stories: the matching articles that are no copy of another (decomposable, so
    # that the rollups give the same number; see docs/api.md).
    query = select(
        func.count(),
        func.coalesce(func.sum(case((Article.duplicate_of.is_(None), 1), else_=0)), 0),
        func.count(distinct(Article.source_id)),
        *(_tone_sum(tone) for tone in TONES),
    ).where(*_where(session, filters))
    row = session.execute(query).one()
    tone = {t.value: int(row[3 + i]) for i, t in enumerate(TONES)}
    return Totals(int(row[0]), int(row[1]), int(row[2]), tone)


def article_count(session: Session, filters: ArticleFilters) -> int:
    if (plan := rollup_reads.plan(session, filters)) is not None:
        return rollup_reads.article_count(session, filters, plan)
    query = select(func.count()).select_from(Article).where(*_where(session, filters))
    return int(session.scalar(query) or 0)


def story_countries(session: Session, filters: ArticleFilters) -> int:
    if (plan := rollup_reads.plan(session, filters, "countries")) is not None:
        return rollup_reads.story_countries(session, filters, plan)
    query = (
        select(func.count(distinct(ArticleCountry.country)))
        .join(Article, Article.id == ArticleCountry.article_id)
        .where(*_where(session, filters))
    )
    return int(session.scalar(query) or 0)


def _dimension_query(dimension: str) -> tuple[Any, Any]:
    """(select of key, label, count grouped by the dimension; the key column), before filters."""
    count = func.count(distinct(Article.id))
    if dimension in ("tone", "language"):
        key = getattr(Article, dimension)
        return select(key, null(), count).select_from(Article).group_by(key), key
    if dimension in ("topic", "country"):
        table: Any = ArticleTopic if dimension == "topic" else ArticleCountry
        key = getattr(table, dimension)
        query = select(key, null(), count).join(Article, Article.id == table.article_id)
        return query.group_by(key), key
    joined = select().select_from(Article).outerjoin(Source, Source.id == Article.source_id)
    if dimension == "outlet_country":
        key = Source.outlet_country
        return joined.add_columns(key, null(), count).group_by(key), key
    key = Source.id
    return joined.add_columns(key, Source.name, count).group_by(key, Source.name), key


def distribution(
    session: Session, filters: ArticleFilters, dimension: str, limit: int
) -> Sequence[Row[Any] | tuple[Any, Any, int]]:
    facts = rollup_reads.FACTS_OF.get(dimension, "articles")
    if (plan := rollup_reads.plan(session, filters, facts)) is not None:
        return rollup_reads.distribution(session, filters, plan, dimension, limit)
    query, key = _dimension_query(dimension)
    count = func.count(distinct(Article.id))
    query = query.where(*_where(session, filters)).order_by(count.desc(), key.asc().nulls_last())
    return session.execute(query.limit(limit)).all()


def timeline_tone(
    session: Session, filters: ArticleFilters, interval: Interval
) -> Sequence[Row[Any] | tuple[Any, Any, int]]:
    if (plan := rollup_reads.plan(session, filters)) is not None:
        return rollup_reads.timeline_tone(session, filters, plan, interval)
    bucket = date_bucket(session.get_bind().dialect.name, Article.published_at, interval)
    query = (
        select(bucket.label("period"), Article.tone, func.count())
        .where(*_where(session, filters), Article.published_at.is_not(None))
        .group_by(bucket, Article.tone)
    )
    return session.execute(query).all()


def timeline_topics(
    session: Session, filters: ArticleFilters, interval: Interval
) -> Sequence[Row[Any] | tuple[Any, Any, int]]:
    if (plan := rollup_reads.plan(session, filters, "topics")) is not None:
        return rollup_reads.timeline_topics(session, filters, plan, interval)
    bucket = date_bucket(session.get_bind().dialect.name, Article.published_at, interval)
    query = (
        select(bucket.label("period"), ArticleTopic.topic, func.count())
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(*_where(session, filters), Article.published_at.is_not(None))
        .group_by(bucket, ArticleTopic.topic)
    )
    return session.execute(query).all()


def topic_tone(
    session: Session, filters: ArticleFilters
) -> Sequence[Row[Any] | tuple[str, int, int, int, int]]:
    if (plan := rollup_reads.plan(session, filters, "topics")) is not None:
        return rollup_reads.topic_tone(session, filters, plan)
    query = (
        select(ArticleTopic.topic, func.count(), *(_tone_sum(tone) for tone in TONES))
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(*_where(session, filters))
        .group_by(ArticleTopic.topic)
    )
    return session.execute(query).all()


def topic_counts(session: Session, filters: ArticleFilters) -> dict[str, int]:
    if (plan := rollup_reads.plan(session, filters, "topics")) is not None:
        return rollup_reads.topic_counts(session, filters, plan)
    query = (
        select(ArticleTopic.topic, func.count())
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(*_where(session, filters))
        .group_by(ArticleTopic.topic)
    )
    return {str(topic): int(n) for topic, n in session.execute(query).all()}


def top_keywords(
    session: Session, filters: ArticleFilters, kind: str, limit: int
) -> Sequence[Row[Any] | tuple[Any, str, int]]:
    def kinds(column: Callable[[str], Any]) -> Any:
        if kind == "entity":
            return column("kind") != KeywordKind.KEYWORD
        return column("kind") == KeywordKind(kind)

    if (plan := rollup_reads.plan(session, filters, "keywords")) is not None:
        return rollup_reads.top_keywords(session, filters, plan, kinds, limit)
    kind_condition = kinds(lambda name: getattr(ArticleKeyword, name))
    count = func.count(distinct(ArticleKeyword.article_id))
    query = (
        select(ArticleKeyword.kind, ArticleKeyword.value, count)
        .join(Article, Article.id == ArticleKeyword.article_id)
        .where(*_where(session, filters), kind_condition)
        .group_by(ArticleKeyword.kind, ArticleKeyword.value)
        .order_by(count.desc(), ArticleKeyword.value, ArticleKeyword.kind)
        .limit(limit)
    )
    return session.execute(query).all()
