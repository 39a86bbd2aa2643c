"""SQL of the article list (keyset pagination) and of one article's page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session, defer, noload, selectinload

from preventia.articles.filters import conditions
from preventia.articles.schemas import (
    ArticleDetail,
    ArticleItem,
    ArticleListParams,
    ArticlePage,
    CorrectionOut,
    KeywordOut,
    SourceRef,
    decode_cursor,
    encode_cursor,
)
from preventia.models import Article, ArticleStatus, KeywordKind, LabelCorrection, Source

_SORT_COLUMNS: dict[str, Any] = {
    "published": Article.published_at,
    "fetched": Article.fetched_at,
    "tone_score": Article.tone_score,
}
VISIBLE = (ArticleStatus.STORED, ArticleStatus.DUPLICATE, ArticleStatus.NOT_RELEVANT)


def _sort_column(sort: str) -> tuple[Any, bool]:
    return _SORT_COLUMNS[sort.lstrip("-")], sort.startswith("-")


def _after(column: Any, descending: bool, value: Any, article_id: int) -> ColumnElement[bool]:
    """Rows after (value, id) in ``column [desc] nulls last, id [desc]`` order."""
    id_after = Article.id < article_id if descending else Article.id > article_id
    if value is None:
        return and_(column.is_(None), id_after)
    beyond = column < value if descending else column > value
    return or_(beyond, and_(column == value, id_after), column.is_(None))


def _list_query(params: ArticleListParams, dialect: str) -> Select[tuple[Article, Source]]:
    column, descending = _sort_column(params.sort)
    query = (
        select(Article, Source)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(*conditions(params, dialect))
        .options(defer(Article.text), defer(Article.evidence), noload(Article.keywords))
        .options(selectinload(Article.topics), selectinload(Article.countries))
    )
    if params.cursor:
        value, after_id = decode_cursor(params.cursor, params.sort)
        query = query.where(_after(column, descending, value, after_id))
    ordering = column.desc() if descending else column.asc()
    order_id = Article.id.desc() if descending else Article.id.asc()
    return query.order_by(ordering.nulls_last(), order_id).limit(params.limit + 1)


def _source(source: Source | None) -> SourceRef | None:
    if source is None:
        return None
    return SourceRef(
        id=source.id,
        name=source.name,
        outlet_country=source.outlet_country,
        language=source.language,
    )


def _fields(article: Article, source: Source | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "url": article.url,
        "source": _source(source),
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "language": article.language,
        "status": article.status,
        "duplicate_of": article.duplicate_of,
        "relevance": article.relevance,
        "tone": article.tone,
        "tone_score": article.tone_score,
        "primary_topic": article.primary_topic,
        "topics": sorted(t.topic for t in article.topics),
        "countries": sorted(c.country for c in article.countries),
        "corrected": article.corrected_at is not None,
    }


def list_articles(session: Session, params: ArticleListParams) -> ArticlePage:
    """One page of articles and the cursor of the next one."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(_list_query(params, dialect)).all()
    page, more = rows[: params.limit], len(rows) > params.limit
    next_cursor = None
    if more and page:
        last: Article = page[-1][0]
        column, _ = _sort_column(params.sort)
        next_cursor = encode_cursor(params.sort, getattr(last, column.key), last.id)
    items = [ArticleItem(**_fields(article, source)) for article, source in page]
    return ArticlePage(items=items, next_cursor=next_cursor, limit=params.limit)


def visible_article(session: Session, article_id: int) -> Article | None:
    """The article unless it failed or does not exist."""
    query = select(Article).where(Article.id == article_id, Article.status.in_(VISIBLE))
    return session.scalar(query)


def corrections_of(session: Session, article_id: int) -> Sequence[LabelCorrection]:
    query = (
        select(LabelCorrection)
        .where(LabelCorrection.article_id == article_id)
        .order_by(LabelCorrection.at, LabelCorrection.id)
    )
    return session.scalars(query).all()


def _keywords(article: Article, entities: bool) -> list[KeywordOut]:
    rows = [k for k in article.keywords if (k.kind != KeywordKind.KEYWORD) == entities]
    rows.sort(key=lambda k: (-(k.score or 0.0), k.kind.value, k.value))
    return [KeywordOut(kind=k.kind, value=k.value, score=k.score) for k in rows]


def article_detail(session: Session, article_id: int) -> ArticleDetail | None:
    article = visible_article(session, article_id)
    if article is None:
        return None
    source = session.get(Source, article.source_id) if article.source_id else None
    corrections = [
        CorrectionOut(
            id=c.id, at=c.at, user_id=c.user_id, user_email=c.user_email, changes=c.changes
        )
        for c in corrections_of(session, article_id)
    ]
    return ArticleDetail(
        **_fields(article, source),
        text=article.text,
        author=article.author,
        word_count=article.word_count,
        canonical_url=article.canonical_url,
        evidence=article.evidence,
        model_versions=article.model_versions,
        analyzed_at=article.analyzed_at,
        model_labels=article.model_labels,
        corrected_by=article.corrected_by,
        corrected_at=article.corrected_at,
        keywords=_keywords(article, entities=False),
        entities=_keywords(article, entities=True),
        corrections=corrections,
    )
