"""Synthetic analysed articles written straight into a migrated database (for bench_api).

Seeded and fast: rows are bulk-inserted with SQLAlchemy Core (articles, topics, countries,
keywords), so a million articles take minutes on PostgreSQL. The triggers mark every loaded
day dirty; the analytics rollups are then rebuilt in one go (``rebuild_rollups``). Titles
and texts are short recombinations of a fixed bilingual vocabulary, enough for full-text
search to find some.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from preventia.analytics.rollups import rebuild_rollups
from preventia.models import Article, ArticleCountry, ArticleKeyword, ArticleTopic, Source
from preventia.nlp.topics import TOPICS

WORDS_EN = [
    "breast",
    "cancer",
    "screening",
    "mammography",
    "trial",
    "survival",
    "drug",
    "risk",
    "alcohol",
    "genetic",
    "brca",
    "women",
    "study",
    "patients",
    "treatment",
    "access",
    "cost",
    "awareness",
]
WORDS_ES = [
    "cáncer",
    "de",
    "mama",
    "cribado",
    "mamografía",
    "ensayo",
    "supervivencia",
    "fármaco",
    "riesgo",
    "alcohol",
    "genético",
    "mujeres",
    "estudio",
    "pacientes",
    "tratamiento",
    "acceso",
    "coste",
    "concienciación",
]
COUNTRIES = ["US", "GB", "ES", "MX", "CO", "AR", "CA", "AU", "FR", "DE", "IN", "CL"]
TONES = ["positive", "neutral", "negative"]
START = datetime(2022, 1, 1, tzinfo=UTC)
BATCH = 5000


def ensure_sources(session: Session, count: int = 30) -> list[int]:
    existing = list(session.scalars(select(Source.id).order_by(Source.id)))
    for i in range(len(existing), count):
        country, language = (
            (["US", "GB"][i % 2], "en") if i % 2 == 0 else (["ES", "MX"][i % 2 - 1], "es")
        )
        source = Source(name=f"Bench source {i}", url=f"https://bench{i}.example/feed",
                        outlet_country=country, language=language)  # fmt: skip
        session.add(source)
        session.flush()
        existing.append(source.id)
    return existing


def _rows(
    rng: random.Random, first_id: int, count: int, sources: list[int]
) -> Iterator[dict[str, Any]]:
    for offset in range(count):
        article_id = first_id + offset
        spanish = rng.random() < 0.4
        words = WORDS_ES if spanish else WORDS_EN
        duplicate = article_id > first_id + 10 and rng.random() < 0.05
        yield {
            "id": article_id,
            "source_id": rng.choice(sources),
            "url": f"https://bench.example/{article_id}",
            "canonical_url": f"https://bench.example/{article_id}",
            "url_hash": f"{article_id:064d}",
            "title": " ".join(rng.choices(words, k=6)),
            "text": " ".join(rng.choices(words, k=60)),
            "summary": None,
            "published_at": START + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60)),
            "fetched_at": START + timedelta(days=1100, seconds=article_id),
            "language": "es" if spanish else "en",
            "word_count": 60,
            "status": "duplicate" if duplicate else "stored",
            "duplicate_of": article_id - rng.randrange(1, 10) if duplicate else None,
            "relevance": "primary" if rng.random() < 0.7 else "partial",
            "tone": rng.choice(TONES),
            "tone_score": round(rng.uniform(-1, 1), 3),
            "primary_topic": None,
            "created_at": START,
            "updated_at": START,
        }


def generate(engine: Engine, count: int, seed: int = 7, *, rollups: bool = True) -> int:
    """Add ``count`` articles (with labels) after the existing ones; returns the new total.

    With ``rollups`` the analytics rollups are rebuilt at the end (a bulk load's days are
    otherwise all dirty, and analytics fall back to the base tables)."""
    rng = random.Random(seed)
    with Session(engine) as session:
        sources = ensure_sources(session)
        session.commit()
        first = (session.scalar(select(func.max(Article.id))) or 0) + 1
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        articles = list(_rows(rng, first + done, size, sources))
        topics, countries, keywords = [], [], []
        for row in articles:
            chosen = rng.sample(TOPICS, rng.randint(1, 3))
            row["primary_topic"] = chosen[0]
            topics += [{"article_id": row["id"], "topic": t, "score": 0.5} for t in chosen]
            countries += [
                {"article_id": row["id"], "country": c}
                for c in rng.sample(COUNTRIES, rng.randint(0, 2))
            ]
            kws = rng.sample(WORDS_EN if row["language"] == "en" else WORDS_ES, 3)
            keywords += [
                {"article_id": row["id"], "kind": "keyword", "value": k, "score": 0.1} for k in kws
            ]
        with engine.begin() as connection:
            connection.execute(insert(Article), articles)
            connection.execute(insert(ArticleTopic), topics)
            if countries:
                connection.execute(insert(ArticleCountry), countries)
            connection.execute(insert(ArticleKeyword), keywords)
        done += size
    if rollups:
        with Session(engine) as session, session.begin():
            rebuild_rollups(session)
    return first + count - 1
