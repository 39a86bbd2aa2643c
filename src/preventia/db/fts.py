"""Dialect helpers for full-text search and date buckets (PostgreSQL and SQLite).

Full-text search is bilingual (English and Spanish), uses no stemming and ignores accents:
PostgreSQL keeps a generated ``articles.search_vector`` (``to_tsvector('simple',
translate(title || ' ' || text, <accented>, <plain>))``, GIN indexed) and SQLite an
external-content FTS5 table ``articles_fts`` kept current by triggers (``unicode61
remove_diacritics 2``); query words are folded the same way (:mod:`preventia.articles.search`).
Both lower-case and split on non-alphanumeric characters, neither removes stop words, so a
query matches the same articles on both databases (migrations 0003 and 0007). Neither object
is part of the ORM metadata: :func:`include_object` hides them from Alembic's
model/database comparison.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, Integer, cast, func, text
from sqlalchemy.sql.elements import TextClause

TS_CONFIG = "simple"
FTS_TABLE = "articles_fts"
SEARCH_VECTOR = "search_vector"
SEARCH_INDEX = "ix_articles_search_vector"
# PostgreSQL only: the index of the default article order (see migration 0003).
LIST_INDEX = "ix_articles_status_published_desc"
Interval = Literal["day", "week", "month"]
# Constant SQL (the query text is always a bound parameter).
_PG_MATCH = "articles.search_vector @@ to_tsquery('simple', :fts_query)"
_SQLITE_MATCH = (
    "articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :fts_query)"
)


def fts_condition(dialect: str, query: str) -> ColumnElement[bool] | TextClause:
    """``articles`` rows matching a compiled query (tsquery text or FTS5 MATCH text)."""
    if dialect == "postgresql":
        return text(_PG_MATCH).bindparams(fts_query=query)
    if dialect == "sqlite":
        return text(_SQLITE_MATCH).bindparams(fts_query=query)
    raise NotImplementedError(f"full-text search is not available on {dialect!r}")


def date_bucket(dialect: str, column: Any, interval: Interval) -> ColumnElement[str]:
    """The first day (``YYYY-MM-DD``) of the day / ISO week / month holding ``column`` (UTC)."""
    if dialect == "postgresql":
        truncated = func.date_trunc(interval, func.timezone("UTC", column))
        return func.to_char(truncated, "YYYY-MM-DD")
    if dialect == "sqlite":
        if interval == "day":
            return func.strftime("%Y-%m-%d", column)
        if interval == "month":
            return func.strftime("%Y-%m-01", column)
        # The Monday of the ISO week: step back (weekday + 6) % 7 days (SQLite's 0 is Sunday).
        back = (cast(func.strftime("%w", column), Integer) + 6) % 7
        return func.date(column, func.printf("-%d days", back))
    raise NotImplementedError(f"date buckets are not available on {dialect!r}")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic hook: leave the full-text objects (outside the ORM metadata) alone."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == SEARCH_VECTOR:
        return False
    return not (type_ == "index" and name in (SEARCH_INDEX, LIST_INDEX))
