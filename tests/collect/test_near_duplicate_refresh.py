"""The collector's near-duplicate index is kept across cycles and brought up to date."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from sqlalchemy import update

from preventia.articles import repository
from preventia.collect.cycle_types import CycleOptions
from preventia.collect.fetch import Fetcher
from preventia.collect.pipeline import Collector
from preventia.collect.workers import PresignedIndex
from preventia.db import Database, transaction
from preventia.db.base import utcnow
from preventia.models import Article, ArticleStatus
from preventia.sources.schemas import SourceCreate
from preventia.sources.service import add_source
from tests.collect.conftest import fast_options
from tests.collect.news_site import build_news_site
from tests.fixtures.site import FixtureSite

STORY = (
    "The regional health service will extend breast cancer screening to women aged 45 to 74 "
    "from next spring, after a pilot in three hospitals found more tumours at an early stage "
    "and fewer women called back for needless tests, the health minister said on Tuesday."
)
OTHER = (
    "A new hospital wing for children opened on Monday with forty beds, two operating "
    "theatres and a playground on the roof, funded by a local charity over five years."
)


def _store(db: Database, name: str, text: str) -> int:
    values: dict[str, Any] = {
        "source_id": None, "url": f"https://news.example/{name}",
        "canonical_url": f"https://news.example/{name}", "url_hash": name,
        "text": text, "fetched_at": utcnow(), "status": ArticleStatus.STORED,
    }  # fmt: skip
    with transaction(db.sessions) as session:
        return repository.insert_article(session, values)


def test_index_is_refreshed_not_rebuilt(database: Database) -> None:
    collector = Collector(database, cast(Fetcher, None))
    first, other = _store(database, "a", STORY), _store(database, "b", OTHER)
    collector.refresh_near_duplicates()
    index = collector.near_duplicates
    assert sorted(index.ids()) == [first, other]
    signature = index._hashes[first]

    copy = _store(database, "c", STORY + " More to follow.")
    with transaction(database.sessions) as session:  # text purged: leaves the index
        session.execute(update(Article).where(Article.id == other).values(text=None))
    collector.refresh_near_duplicates()
    assert collector.near_duplicates is index  # kept, not rebuilt
    assert sorted(index.ids()) == [first, copy]
    assert index._hashes[first] is signature  # not signed again
    assert index.query(STORY) == first


def test_first_copy_is_the_oldest_article_whatever_the_order_of_addition() -> None:
    index = PresignedIndex()
    index.add(7, STORY)
    index.add(3, STORY)
    assert index.query(STORY) == 3
    index.remove(3)
    assert index.query(STORY) == 7


def test_a_worker_finds_near_copies_that_other_workers_stored_after_it_started(
    database: Database,
) -> None:
    """Task mode: two worker processes (two collectors, each with its own index loaded at
    start); the second still marks a syndicated copy of what the first stored since."""
    with FixtureSite(hosts=("127.0.0.23", "127.0.0.24"), populate=False) as site:
        news = build_news_site(site)
        with transaction(database.sessions) as session:
            data = SourceCreate(url=news.feed_url, name="Fixture")  # type: ignore[arg-type]
            source_id = add_source(session, data, None).id

        async def run() -> tuple[tuple[str, bool], tuple[str, bool]]:
            async with Fetcher(fast_options()) as fetcher:
                first, second = (
                    Collector(database, fetcher, CycleOptions(worker_processes=0)) for _ in range(2)
                )
                first.refresh_near_duplicates()
                second.refresh_near_duplicates()
                batch = await first.discover_source(source_id)
                by_path = {e.url.split("/", 3)[3].split("?")[0]: e for e in batch.entries}
                stored = await first.process_one(source_id, by_path["news/1/"])
                copied = await second.process_one(source_id, by_path["syndicated/1/"])
                return stored, copied

        assert asyncio.run(run()) == (("stored", True), ("duplicate", True))
    with transaction(database.sessions) as session:
        rows = {
            a.canonical_url.split("/", 3)[3]: a
            for a in session.query(Article).filter(Article.source_id == source_id)
        }
    assert rows["syndicated/1/"].duplicate_of == rows["news/1/"].id


def test_catching_up_keeps_the_index_within_its_window(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from preventia.collect import pipeline

    monkeypatch.setattr(pipeline, "DEDUP_MAX_TEXTS", 2)
    monkeypatch.setattr(pipeline, "DEDUP_SLACK", 1)
    collector = Collector(database, cast(Fetcher, None))
    collector.refresh_near_duplicates()
    ids = [_store(database, f"n{i}", f"{STORY} Update number {i} of the story.") for i in range(3)]
    collector._catch_up_near_duplicates()
    assert sorted(collector.near_duplicates.ids()) == ids  # 3 <= cap + slack: kept
    ids.append(_store(database, "n3", f"{OTHER} And one more."))
    collector._catch_up_near_duplicates()
    assert sorted(collector.near_duplicates.ids()) == ids[-2:]  # trimmed to the newest two
