"""All SQL about articles and the URLs the collector has seen."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.orm import Session

from preventia.db.dialect import insert_ignore
from preventia.models import (
    Article,
    ArticleCountry,
    ArticleKeyword,
    ArticleStatus,
    ArticleTopic,
    SeenUrl,
)


def seen_url_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    wanted = list(set(hashes))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(SeenUrl.url_hash).where(SeenUrl.url_hash.in_(chunk))))
    return found


def mark_seen(
    session: Session,
    *,
    url_hash: str,
    url: str,
    source_id: int | None,
    outcome: str,
    article_id: int | None = None,
) -> bool:
    """Record a URL once; a second record of the same URL is ignored (idempotent)."""
    values = {
        "url_hash": url_hash,
        "url": url[:2048],
        "source_id": source_id,
        "article_id": article_id,
        "outcome": outcome,
    }
    table = SeenUrl.__table__
    return insert_ignore(session, table, values)  # type: ignore[arg-type]


def mark_seen_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Record several URLs (``url_hash``, ``url``, ``source_id``, ``article_id``,
    ``outcome``) in one statement; URLs already recorded are ignored (idempotent)."""
    values = [{**row, "url": str(row["url"])[:2048]} for row in rows]
    insert_ignore(session, SeenUrl.__table__, values)  # type: ignore[arg-type]


def id_by_canonical_url(session: Session, canonical_url: str) -> int | None:
    """The id of the article stored under ``canonical_url`` (no row loaded)."""
    found = session.scalar(select(Article.id).where(Article.canonical_url == canonical_url))
    return int(found) if found is not None else None


def first_id_with_content_hash(session: Session, content_hash: str) -> int | None:
    """The id of the first original article with this content hash."""
    query = (
        select(Article.id)
        .where(Article.content_hash == content_hash, Article.duplicate_of.is_(None))
        .order_by(Article.id)
        .limit(1)
    )
    found = session.scalar(query)
    return int(found) if found is not None else None


def insert_article(
    session: Session,
    values: dict[str, Any],
    topics: Sequence[dict[str, Any]] = (),
    countries: Sequence[dict[str, Any]] = (),
    keywords: Sequence[dict[str, Any]] = (),
) -> int:
    """Insert one article row and its label rows (Core statements: no unit of work); the
    label rows get the new id. Returns the id."""
    table = Article.__table__
    statement = insert(table).returning(table.c.id)  # type: ignore[arg-type]
    article_id = int(session.execute(statement, values).scalar_one())
    for model, rows in (
        (ArticleTopic, topics),
        (ArticleCountry, countries),
        (ArticleKeyword, keywords),
    ):
        if rows:
            label_rows = [{**row, "article_id": article_id} for row in rows]
            session.execute(insert(model.__table__), label_rows)  # type: ignore[arg-type]
    return article_id


def add(session: Session, article: Article) -> Article:
    session.add(article)
    session.flush()
    return article


def _indexable(since: datetime) -> tuple[ColumnElement[bool], ...]:
    """Articles the near-duplicate index holds: stored originals with text, fetched since."""
    return (
        Article.status == ArticleStatus.STORED,
        Article.text.is_not(None),
        Article.fetched_at >= since,
    )


def ids_for_dedup(session: Session, since: datetime, limit: int) -> list[int]:
    """The newest original (not duplicate) stored articles with text, oldest of them first:
    the ids the MinHash index should hold (a near copy points at the first one)."""
    query = select(Article.id).where(*_indexable(since)).order_by(Article.id.desc()).limit(limit)
    return [int(i) for i in session.scalars(query)][::-1]


def ids_for_dedup_after(session: Session, after_id: int, since: datetime) -> list[int]:
    """The ids of :func:`ids_for_dedup`'s articles newer than ``after_id``, oldest first."""
    query = select(Article.id).where(Article.id > after_id, *_indexable(since))
    return [int(i) for i in session.scalars(query.order_by(Article.id))]


def texts_by_id(session: Session, ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """(id, stored text) of these articles, in the given order, read 500 at a time (those
    without text are left out)."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        query = select(Article.id, Article.text).where(
            Article.id.in_(chunk), Article.text.is_not(None)
        )
        texts = {int(row.id): str(row.text) for row in session.execute(query)}
        yield from ((i, texts[i]) for i in chunk if i in texts)


def purge_text(session: Session, source_id: int, older_than: datetime, now: datetime) -> int:
    """Drop the stored text of a source's articles fetched before ``older_than``."""
    statement = (
        update(Article)
        .where(
            Article.source_id == source_id,
            Article.fetched_at < older_than,
            Article.text.is_not(None),
        )
        .values(text=None, text_purged_at=now)
    )
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def _reanalysis_filter(since: datetime | None, source_id: int | None) -> list[Any]:
    conditions: list[Any] = [Article.text.is_not(None)]
    if since is not None:
        conditions.append(Article.fetched_at >= since)
    if source_id is not None:
        conditions.append(Article.source_id == source_id)
    return conditions


def count_for_reanalysis(session: Session, since: datetime | None, source_id: int | None) -> int:
    query = select(func.count()).select_from(Article).where(*_reanalysis_filter(since, source_id))
    return int(session.scalar(query) or 0)


def batch_for_reanalysis(
    session: Session, after_id: int, limit: int, since: datetime | None, source_id: int | None
) -> Sequence[Article]:
    """The next ``limit`` articles with text after ``after_id`` (keyset pagination: stable
    however the rows change between batches, unlike OFFSET)."""
    query = (
        select(Article)
        .where(Article.id > after_id, *_reanalysis_filter(since, source_id))
        .order_by(Article.id)
        .limit(limit)
    )
    return session.scalars(query).all()
