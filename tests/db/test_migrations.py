from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import preventia.models  # noqa: F401
from preventia.db import Base, make_engine, migrate
from preventia.db.fts import include_object
from preventia.models import Article, ArticleStatus, ArticleTopic, Source

EXPECTED_TABLES = {
    "sources",
    "articles",
    "article_topics",
    "article_countries",
    "article_keywords",
    "users",
    "audit_log",
    "jobs",
    "source_outcomes",
    "seen_urls",
    "refresh_tokens",
    "label_corrections",
    "saved_searches",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_then_downgrade_then_upgrade(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    assert EXPECTED_TABLES <= _tables(fresh_url)
    migrate.downgrade(fresh_url, "base")
    assert _tables(fresh_url) == set()
    migrate.upgrade(fresh_url)
    assert EXPECTED_TABLES <= _tables(fresh_url)
    engine = make_engine(fresh_url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision(fresh_url)
    finally:
        engine.dispose()


def test_every_step_downgrades_and_upgrades(fresh_url: str) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(fresh_url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    for revision in revisions:
        migrate.upgrade(fresh_url, revision)
        migrate.downgrade(fresh_url, "-1")
        migrate.upgrade(fresh_url, revision)


def test_models_match_migrations(migrated_url: str) -> None:
    """Autogenerate finds nothing to do: the migrations build exactly the models' schema."""
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_filter_indexes_exist(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        inspector = inspect(engine)
        article_cols = {tuple(i["column_names"]) for i in inspector.get_indexes("articles")}
        topic_cols = {tuple(i["column_names"]) for i in inspector.get_indexes("article_topics")}
        country_cols = {
            tuple(i["column_names"]) for i in inspector.get_indexes("article_countries")
        }
    finally:
        engine.dispose()
    for cols in [
        ("published_at",),
        ("source_id", "published_at"),
        ("language",),
        ("tone",),
        ("relevance",),
        ("primary_topic",),
    ]:
        assert cols in article_cols
    assert ("topic",) in topic_cols
    assert ("country",) in country_cols


def _article(source: Source, url: str) -> Article:
    return Article(
        source_id=source.id,
        url=url,
        canonical_url=url,
        url_hash="h" * 64,
        status=ArticleStatus.STORED,
        published_at=datetime(2024, 10, 1, 8, tzinfo=UTC),
    )


def test_article_round_trip_keeps_utc_and_labels(session: Session) -> None:
    source = Source(name="Example", url="https://example.org/feed.xml")
    session.add(source)
    session.flush()
    article = _article(source, "https://example.org/a")
    article.topics = [ArticleTopic(topic="screening", score=0.8)]
    session.add(article)
    session.flush()
    session.expire_all()
    loaded = session.get(Article, article.id)
    assert loaded is not None
    assert loaded.published_at == datetime(2024, 10, 1, 8, tzinfo=UTC)
    assert loaded.published_at.tzinfo is not None
    assert [t.topic for t in loaded.topics] == ["screening"]


def test_canonical_url_is_unique(session: Session) -> None:
    source = Source(name="Example", url="https://example.org/feed2.xml")
    session.add(source)
    session.flush()
    session.add(_article(source, "https://example.org/same"))
    session.flush()
    session.add(_article(source, "https://example.org/same"))
    with pytest.raises(IntegrityError):
        session.flush()
