"""full-text search over article title and text

PostgreSQL: a generated ``articles.search_vector`` tsvector (text search config ``simple``:
bilingual, no stemming, no stop words, accents kept) with a GIN index. SQLite: an
external-content FTS5 table ``articles_fts`` (``unicode61 remove_diacritics 0``, the same
tokens) kept current by triggers. Neither is in the ORM metadata (see
``preventia.db.fts.include_object``).

Note for later SQLite migrations: a batch operation that rebuilds ``articles`` drops the
triggers; such a migration must run this revision's ``_sqlite_up`` again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_UP = [
    """ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))
    ) STORED""",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
    # The default list order (newest first, undated last, then id): PostgreSQL puts NULLs
    # first in a descending index scan, so the plain (status, published_at) index cannot serve it.
    """CREATE INDEX ix_articles_status_published_desc
        ON articles (status, published_at DESC NULLS LAST, id DESC)""",
]
_PG_DOWN = [
    "DROP INDEX IF EXISTS ix_articles_status_published_desc",
    "DROP INDEX IF EXISTS ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
]
_SQLITE_UP = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0"
    )""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TABLE IF EXISTS articles_fts",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(_PG_UP)
    elif dialect == "sqlite":
        _run(_SQLITE_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(_PG_DOWN)
    elif dialect == "sqlite":
        _run(_SQLITE_DOWN)
