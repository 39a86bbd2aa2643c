"""The collector's near-duplicate index is kept across cycles and brought up to date."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import update

from preventia.articles import repository
from preventia.collect.fetch import Fetcher
from preventia.collect.pipeline import Collector
from preventia.collect.workers import PresignedIndex
from preventia.db import Database, transaction
from preventia.db.base import utcnow
from preventia.models import Article, ArticleStatus

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
