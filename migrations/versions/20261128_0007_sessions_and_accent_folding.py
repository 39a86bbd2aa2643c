"""login sessions on refresh tokens; accent-insensitive full-text search

1. ``refresh_tokens.session_id``: a login opens a session shared by its rotated refresh
   tokens and the access tokens issued with them (claim ``sid``); an access token is
   honoured only while its session has an unrevoked refresh token. Existing tokens each get
   a session of their own (access tokens issued before this revision carry no ``sid`` and
   are refused: their users log in again).
2. Full-text search folds accents, so ``cancer`` finds ``cáncer`` and ``Mamografía`` finds
   ``mamografia``: PostgreSQL's generated ``search_vector`` now indexes the text through
   ``translate()`` (immutable, no extension needed), SQLite's FTS5 table is rebuilt with
   ``unicode61 remove_diacritics 2``. Query words are folded the same way in Python
   (:func:`preventia.nlp.text.fold`).

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-28 05:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Letters whose accents the search ignores (both cases), and their folded lower-case form:
# what NFD decomposition minus combining marks gives, as Python folds query words.
_ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüñçýÿÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ"
_FOLDED = "aaaaaaeeeeiiiiooooouuuuncyyaaaaaaeeeeiiiiooooouuuuncy"
assert len(_ACCENTED) == len(_FOLDED)

_DOCUMENT = "coalesce(title, '') || ' ' || coalesce(text, '')"
_PG_VECTOR = {
    "plain": f"to_tsvector('simple', {_DOCUMENT})",
    "folded": f"to_tsvector('simple', translate({_DOCUMENT}, '{_ACCENTED}', '{_FOLDED}'))",
}

_SQLITE_TRIGGERS = [
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
]


def _pg_search_vector(kind: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({_PG_VECTOR[kind]}) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")


def _sqlite_fts(remove_diacritics: int) -> None:
    for trigger in ("articles_fts_au", "articles_fts_ad", "articles_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS articles_fts")
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, text, content='articles', content_rowid='id', "
        f'tokenize="unicode61 remove_diacritics {remove_diacritics}")'
    )
    for statement in _SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def _search(folded: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _pg_search_vector("folded" if folded else "plain")
    elif dialect == "sqlite":
        _sqlite_fts(2 if folded else 0)


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=32), nullable=True))
    op.execute("UPDATE refresh_tokens SET session_id = 'pre-sessions-' || CAST(id AS VARCHAR(18))")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.alter_column("session_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_refresh_tokens_session_id"), ["session_id"], unique=False
        )
    _search(folded=True)


def downgrade() -> None:
    _search(folded=False)
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_session_id"))
        batch_op.drop_column("session_id")
