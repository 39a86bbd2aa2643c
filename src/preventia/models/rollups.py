"""Pre-aggregated analytics counts (rollups) and the days whose rollup rows are out of date.

Every rollup table has the same grain — the UTC day of publication (``UNDATED`` for
articles without a date), source, language, relevance and status (except topic x country,
below) — and the same eight counts: the articles of each tone (``n_<tone>``, ``untoned`` for
none) and of those the ones that are no copy of another article (``o_<tone>``:
``duplicate_of IS NULL``). The topic, story country and keyword tables add their label to
the grain and count one row per article and label.
Each kind also has a lean twin (``*_lean``) keeping only day and status before its labels,
for figures and filters that need no source, language or relevance (most dashboard calls:
far fewer rows); the topic x story country pairs (``rollup_topic_countries_*``: the story
countries of one topic) are lean only. Each table exists per day
(``*_daily``) and per month (``*_monthly``: ``day`` is the first of the month, built from
the daily rows; undated articles only have daily rows).

Only articles that analytics can count are rolled up (status ``stored`` or ``duplicate``).
Database triggers (migration 0005) record in ``rollup_dirty_days`` every day whose articles
or labels changed; ``preventia.analytics.rollups.refresh_rollups`` recomputes those days.
These are Core tables without primary keys: the grain columns may be NULL (no source, no
language, no relevance) and rows are only ever written by set-based SQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, Date, Index, Integer, String, Table

from preventia.db.base import Base
from preventia.models.enums import ArticleStatus, KeywordKind, Relevance
from preventia.models.types import str_enum

UNDATED = date(1, 1, 1)
# The tones a count column is kept for (None: not analysed), and their column suffixes.
TONE_SUFFIXES: dict[str | None, str] = {
    "positive": "positive",
    "neutral": "neutral",
    "negative": "negative",
    None: "untoned",
}
COUNTED_STATUSES = (ArticleStatus.STORED, ArticleStatus.DUPLICATE)
GRAIN = ("day", "source_id", "language", "relevance", "status")
MEASURES = tuple(f"{p}_{s}" for p in ("n", "o") for s in TONE_SUFFIXES.values())
# Fact kind -> its label columns.
FINE_LABELS: dict[str, tuple[str, ...]] = {
    "articles": (),
    "topics": ("topic",),
    "countries": ("country",),
    "keywords": ("kind", "value"),
}
# The lean twin of each kind: day and status only (no source, language, relevance), for the
# figures and filters that need none of those: far fewer rows. Built from the fine rows.
LEAN: dict[str, str] = {kind: f"{kind}_lean" for kind in FINE_LABELS}
FINE_OF: dict[str, str] = {lean: kind for kind, lean in LEAN.items()}
LABELS: dict[str, tuple[str, ...]] = (
    FINE_LABELS
    | {LEAN[kind]: labels for kind, labels in FINE_LABELS.items()}
    | {"topic_countries": ("topic", "country")}
)
LEAN_GRAIN = ("day", "status")
# Fact kind -> its grain before the labels. Topic x story country pairs (the story
# countries of one topic) are lean only.
GRAIN_OF: dict[str, tuple[str, ...]] = {
    kind: GRAIN if kind in FINE_LABELS else LEAN_GRAIN for kind in LABELS
}
GRAINS = ("daily", "monthly")

rollup_dirty_days = Table(
    "rollup_dirty_days",
    Base.metadata,
    Column("day", Date, primary_key=True),
)


def _label_columns(kind: str) -> list[Column[Any]]:
    kind = FINE_OF.get(kind, kind)
    if kind == "topics":
        return [Column("topic", String(40), nullable=False)]
    if kind == "countries":
        return [Column("country", String(2), nullable=False)]
    if kind == "topic_countries":
        return [
            Column("topic", String(40), nullable=False),
            Column("country", String(2), nullable=False),
        ]
    if kind == "keywords":
        return [
            Column("kind", str_enum(KeywordKind), nullable=False),
            Column("value", String(200), nullable=False),
        ]
    return []


def _rollup(kind: str, grain: str) -> Table:
    name = f"rollup_{kind}_{grain}"
    columns: dict[str, Column[Any]] = {
        "day": Column("day", Date, nullable=False),
        "source_id": Column("source_id", Integer),
        "language": Column("language", String(8)),
        "relevance": Column("relevance", str_enum(Relevance)),
        "status": Column("status", str_enum(ArticleStatus), nullable=False),
    }
    return Table(
        name,
        Base.metadata,
        *(columns[c] for c in GRAIN_OF[kind]),
        *_label_columns(kind),
        *(Column(m, Integer, nullable=False) for m in MEASURES),
        Index(f"ix_{name}_day", "day"),
    )


ROLLUPS: dict[tuple[str, str], Table] = {
    (kind, grain): _rollup(kind, grain) for kind in LABELS for grain in GRAINS
}
