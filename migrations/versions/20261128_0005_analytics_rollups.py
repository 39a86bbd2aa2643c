"""analytics rollups: daily and monthly pre-aggregated counts, dirty days and their triggers

Eighteen rollup tables (``rollup_{articles,topics,countries,keywords}[_lean]_{daily,monthly}``
and ``rollup_topic_countries_{daily,monthly}``, see ``preventia.models.rollups``) and ``rollup_dirty_days``. Triggers on ``articles``,
``article_topics``, ``article_countries`` and ``article_keywords`` record the UTC day
(``0001-01-01`` for undated articles) of every change analytics could see; the refresher
(``preventia db refresh-rollups``) recomputes those days. Existing articles' days are marked
dirty here, so the figures stay correct until the first refresh (run ``preventia db
refresh-rollups --full`` after upgrading a database that holds articles).

PostgreSQL: statement-level triggers with transition tables (one statement per batch, not
per row); the dirty-day upsert locks the day's row until the writer commits, so a refresher
running at the same time skips that day (``FOR UPDATE SKIP LOCKED``) instead of clearing a
change it cannot see yet. SQLite: row-level triggers inserting a day unless present (one writer at a time).

Note for later SQLite migrations: a batch operation that rebuilds ``articles`` or a label
table drops its triggers; such a migration must create them again (and those of 0003).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINE = ("articles", "topics", "countries", "keywords")
KINDS = (*FINE, *(f"{kind}_lean" for kind in FINE), "topic_countries")
GRAINS = ("daily", "monthly")
MEASURES = [f"{p}_{s}" for p in ("n", "o") for s in ("positive", "neutral", "negative", "untoned")]
LABEL_TABLES = ("article_topics", "article_countries", "article_keywords")


def _labels(kind: str) -> list[sa.Column[Any]]:
    kind = kind.removesuffix("_lean")
    if kind == "topics":
        return [sa.Column("topic", sa.String(length=40), nullable=False)]
    if kind == "countries":
        return [sa.Column("country", sa.String(length=2), nullable=False)]
    if kind == "topic_countries":
        return [
            sa.Column("topic", sa.String(length=40), nullable=False),
            sa.Column("country", sa.String(length=2), nullable=False),
        ]
    if kind == "keywords":
        return [
            sa.Column("kind", sa.Enum(native_enum=False, length=20), nullable=False),
            sa.Column("value", sa.String(length=200), nullable=False),
        ]
    return []


def _grain(kind: str) -> list[sa.Column[Any]]:
    """Day, source, language, relevance, status (lean kinds: day, status)."""
    columns = [sa.Column("day", sa.Date(), nullable=False)]
    if kind in FINE:
        columns += [
            sa.Column("source_id", sa.Integer(), nullable=True),
            sa.Column("language", sa.String(length=8), nullable=True),
            sa.Column("relevance", sa.Enum(native_enum=False, length=20), nullable=True),
        ]
    return [*columns, sa.Column("status", sa.Enum(native_enum=False, length=20), nullable=False)]


def _create_tables() -> None:
    op.create_table(
        "rollup_dirty_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_rollup_dirty_days")),
    )
    for kind in KINDS:
        for grain in GRAINS:
            name = f"rollup_{kind}_{grain}"
            op.create_table(
                name,
                *_grain(kind),
                *_labels(kind),
                *(sa.Column(m, sa.Integer(), nullable=False) for m in MEASURES),
            )
            op.create_index(f"ix_{name}_day", name, ["day"], unique=False)


# --- SQLite: row-level triggers ------------------------------------------------------------
# The day of a row: coalesce(date(published_at), '0001-01-01'); counted: stored, duplicate.
# "WHERE day NOT IN" rather than INSERT OR IGNORE: inside a foreign-key action (a deleted
# article's copies, a deleted source's articles) SQLite applies the action's ABORT instead.

_SQLITE_ARTICLE_INSERT = """WHEN new.status IN ('stored', 'duplicate') BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT d FROM (SELECT coalesce(date(new.published_at), '0001-01-01') AS d)
    WHERE d NOT IN (SELECT day FROM rollup_dirty_days);
END"""
_SQLITE_ARTICLE_DELETE = """WHEN old.status IN ('stored', 'duplicate') BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT d FROM (SELECT coalesce(date(old.published_at), '0001-01-01') AS d)
    WHERE d NOT IN (SELECT day FROM rollup_dirty_days);
END"""
_SQLITE_ARTICLE_UPDATE = """WHEN (old.status IN ('stored', 'duplicate')
        OR new.status IN ('stored', 'duplicate'))
    AND (old.published_at IS NOT new.published_at OR old.source_id IS NOT new.source_id
        OR old.language IS NOT new.language OR old.relevance IS NOT new.relevance
        OR old.tone IS NOT new.tone OR old.status IS NOT new.status
        OR (old.duplicate_of IS NULL) IS NOT (new.duplicate_of IS NULL)) BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT d FROM (
        SELECT coalesce(date(old.published_at), '0001-01-01') AS d
        UNION SELECT coalesce(date(new.published_at), '0001-01-01')
    ) WHERE d NOT IN (SELECT day FROM rollup_dirty_days);
END"""
_SQLITE_LABEL_NEW = """INSERT INTO rollup_dirty_days (day)
    SELECT d FROM (
        SELECT coalesce(date(articles.published_at), '0001-01-01') AS d FROM articles
        WHERE articles.id = new.article_id AND articles.status IN ('stored', 'duplicate')
    ) WHERE d NOT IN (SELECT day FROM rollup_dirty_days);"""
_SQLITE_LABEL_OLD = """INSERT INTO rollup_dirty_days (day)
    SELECT d FROM (
        SELECT coalesce(date(articles.published_at), '0001-01-01') AS d FROM articles
        WHERE articles.id = old.article_id AND articles.status IN ('stored', 'duplicate')
    ) WHERE d NOT IN (SELECT day FROM rollup_dirty_days);"""


def _sqlite_triggers() -> list[tuple[str, str, str]]:
    """(trigger name, its header, its body)."""
    found = [
        ("rollup_articles_ai", "AFTER INSERT ON articles", _SQLITE_ARTICLE_INSERT),
        ("rollup_articles_ad", "AFTER DELETE ON articles", _SQLITE_ARTICLE_DELETE),
        ("rollup_articles_au", "AFTER UPDATE ON articles", _SQLITE_ARTICLE_UPDATE),
    ]
    for table in LABEL_TABLES:
        found += [
            (f"rollup_{table}_ai", f"AFTER INSERT ON {table}", f"BEGIN {_SQLITE_LABEL_NEW} END"),
            (f"rollup_{table}_ad", f"AFTER DELETE ON {table}", f"BEGIN {_SQLITE_LABEL_OLD} END"),
            (
                f"rollup_{table}_au",
                f"AFTER UPDATE ON {table}",
                f"BEGIN {_SQLITE_LABEL_OLD} {_SQLITE_LABEL_NEW} END",
            ),
        ]
    return found


# --- PostgreSQL: statement-level triggers with transition tables ----------------------------
# The upsert (not DO NOTHING) locks the day's row until the writer commits; the refresher
# skips locked rows, so it never clears a day whose change it cannot see yet.

_PG_ARTICLES = """CREATE FUNCTION rollup_mark_articles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT DISTINCT coalesce((r.published_at AT TIME ZONE 'UTC')::date, DATE '0001-01-01')
    FROM changed_rows r WHERE r.status IN ('stored', 'duplicate') ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET day = EXCLUDED.day;
    RETURN NULL;
END $$"""
_PG_ARTICLES_UPDATE = """CREATE FUNCTION rollup_mark_articles_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT DISTINCT day FROM (
        SELECT coalesce((o.published_at AT TIME ZONE 'UTC')::date, DATE '0001-01-01') AS old_day,
               coalesce((n.published_at AT TIME ZONE 'UTC')::date, DATE '0001-01-01') AS new_day
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.status IN ('stored', 'duplicate') OR n.status IN ('stored', 'duplicate'))
          AND (o.published_at, o.source_id, o.language, o.relevance, o.tone, o.status,
               o.duplicate_of IS NULL)
              IS DISTINCT FROM
              (n.published_at, n.source_id, n.language, n.relevance, n.tone, n.status,
               n.duplicate_of IS NULL)
    ) AS changed CROSS JOIN LATERAL (VALUES (old_day), (new_day)) AS days (day)
    ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET day = EXCLUDED.day;
    RETURN NULL;
END $$"""
_PG_LABELS = """CREATE FUNCTION rollup_mark_labels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT DISTINCT coalesce((a.published_at AT TIME ZONE 'UTC')::date, DATE '0001-01-01')
    FROM changed_rows r JOIN articles a ON a.id = r.article_id
    WHERE a.status IN ('stored', 'duplicate') ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET day = EXCLUDED.day;
    RETURN NULL;
END $$"""
_PG_LABELS_UPDATE = """CREATE FUNCTION rollup_mark_labels_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_dirty_days (day)
    SELECT DISTINCT coalesce((a.published_at AT TIME ZONE 'UTC')::date, DATE '0001-01-01')
    FROM (SELECT article_id FROM old_rows UNION SELECT article_id FROM new_rows) AS r
    JOIN articles a ON a.id = r.article_id
    WHERE a.status IN ('stored', 'duplicate') ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET day = EXCLUDED.day;
    RETURN NULL;
END $$"""
_PG_FUNCTIONS = {
    "rollup_mark_articles": _PG_ARTICLES,
    "rollup_mark_articles_update": _PG_ARTICLES_UPDATE,
    "rollup_mark_labels": _PG_LABELS,
    "rollup_mark_labels_update": _PG_LABELS_UPDATE,
}
_INSERTED = "NEW TABLE AS changed_rows"
_DELETED = "OLD TABLE AS changed_rows"
_UPDATED = "OLD TABLE AS old_rows NEW TABLE AS new_rows"


def _pg_triggers() -> list[tuple[str, str, str, str, str]]:
    """(trigger name, table, event, transition tables, function)."""
    found = [
        ("rollup_articles_ins", "articles", "INSERT", _INSERTED, "rollup_mark_articles"),
        ("rollup_articles_del", "articles", "DELETE", _DELETED, "rollup_mark_articles"),
        ("rollup_articles_upd", "articles", "UPDATE", _UPDATED, "rollup_mark_articles_update"),
    ]
    for table in LABEL_TABLES:
        found += [
            (f"rollup_{table}_ins", table, "INSERT", _INSERTED, "rollup_mark_labels"),
            (f"rollup_{table}_del", table, "DELETE", _DELETED, "rollup_mark_labels"),
            (f"rollup_{table}_upd", table, "UPDATE", _UPDATED, "rollup_mark_labels_update"),
        ]
    return found


_MARK_EXISTING = {
    "postgresql": """INSERT INTO rollup_dirty_days (day)
        SELECT DISTINCT coalesce((published_at AT TIME ZONE 'UTC')::date, DATE '0001-01-01')
        FROM articles WHERE status IN ('stored', 'duplicate')""",
    "sqlite": """INSERT INTO rollup_dirty_days (day)
        SELECT DISTINCT coalesce(date(published_at), '0001-01-01')
        FROM articles WHERE status IN ('stored', 'duplicate')""",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _create_tables()
    if dialect == "postgresql":
        for statement in _PG_FUNCTIONS.values():
            op.execute(statement)
        for name, table, event, referencing, function in _pg_triggers():
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    else:
        for name, header, body in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} {header} " + body)
    op.execute(_MARK_EXISTING[dialect])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, table, *_ in _pg_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name, *_ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for kind in reversed(KINDS):
        for grain in reversed(GRAINS):
            name = f"rollup_{kind}_{grain}"
            op.drop_index(f"ix_{name}_day", table_name=name)
            op.drop_table(name)
    op.drop_table("rollup_dirty_days")
