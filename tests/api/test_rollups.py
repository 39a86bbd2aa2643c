"""Analytics rollups: every figure read from the rollups equals the base-table figure.

The corpus is the hand-made one of ``test_articles_support`` (figures in test_analytics)
plus three articles at month edges and without source, language or tone. Each test builds
a fresh database of each kind; the triggers mark days dirty, the refresher clears them,
and every figure is compared between the two paths with days dirty and after a refresh,
also after a label correction, a late near-duplicate marking, a deletion, a reanalysis and
a source's deletion. Incremental refreshes must leave exactly the rows of a full rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from preventia.analytics import rollup_reads, service
from preventia.analytics.rollup_reads import base_tables_only
from preventia.analytics.rollups import dirty_days, rebuild_rollups, refresh_rollups
from preventia.analytics.schemas import (
    CompareParams,
    Dimension,
    DistributionParams,
    KeywordParams,
    TimelineParams,
)
from preventia.articles.filters import ArticleFilters
from preventia.cli.main import app
from preventia.db import make_engine
from preventia.models import (
    ROLLUPS,
    Article,
    ArticleCountry,
    ArticleKeyword,
    ArticleStatus,
    ArticleTopic,
    KeywordKind,
    Relevance,
    Source,
    Tone,
)
from preventia.models.rollups import UNDATED
from preventia.settings import get_settings
from tests.api import test_articles_support as support
from tests.api.test_articles_support import Corpus

EXTRA: dict[str, tuple[Any, ...]] = {
    # Last minute of September (UTC): a month edge.
    "B1": ("S3", "en", datetime(2024, 9, 30, 23, 59, tzinfo=UTC), "stored", None, "primary",
           "positive", 0.2, ["screening"], ["US"], "Screening edge", "breast cancer screening",
           ["screening"], [("organisation", "WHO")]),
    # First minute of December; no language, no tone, no relevance yet.
    "B2": ("S1", None, datetime(2024, 12, 1, 0, 0, tzinfo=UTC), "stored", None, None, None,
           None, ["research"], ["ES"], "Sin analizar", "cáncer de mama", ["cáncer"], []),
}  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Corpus]:
    """A fresh database of each kind with the corpus, the extras and a source-less article."""
    with support.database(request.param, tmp_path) as url:
        corpus = support.seed(url)
        engine = make_engine(url)
        with Session(engine) as session:
            for key, row in EXTRA.items():
                corpus.ids[key] = support.add_article(session, corpus, key, row)
            orphan = Article(
                source_id=None, url="https://news.example/B3",
                canonical_url="https://news.example/B3", url_hash="B3".ljust(64, "0"),
                title="No source", text="breast cancer", language="en",
                published_at=datetime(2024, 10, 1, 20, tzinfo=UTC), status=ArticleStatus.STORED,
                relevance=Relevance.PRIMARY, tone=Tone.NEGATIVE, primary_topic="prevention",
            )  # fmt: skip
            orphan.topics = [ArticleTopic(topic="prevention")]
            orphan.keywords = [ArticleKeyword(kind=KeywordKind.KEYWORD, value="alcohol")]
            session.add(orphan)
            session.commit()
            corpus.ids["B3"] = orphan.id
        engine.dispose()
        yield corpus


@pytest.fixture
def session(world: Corpus) -> Iterator[Session]:
    engine = make_engine(world.url)
    with Session(engine) as db_session:
        yield db_session
    engine.dispose()


def _filters(corpus: Corpus) -> list[dict[str, Any]]:
    """Filters the rollups answer (every figure, or the article-level figures)."""
    return [
        {},
        {"duplicates": "include"},
        {"duplicates": "only"},
        {"published_from": date(2024, 10, 1), "published_to": date(2024, 10, 31)},
        {"published_from": date(2024, 9, 30), "published_to": date(2024, 11, 3)},
        {"published_from": date(2024, 10, 5)},
        {"published_to": date(2024, 10, 8)},
        {"published_from": date(2024, 10, 2), "published_to": date(2024, 10, 2)},
        {"source": [corpus.sources["S1"]], "duplicates": "include"},
        {"language": ["en"]},
        {"outlet_country": ["GB"], "duplicates": "include"},
        {"tone": [Tone.POSITIVE, Tone.NEGATIVE]},
        {"relevance": [Relevance.PARTIAL]},
        {"topic": ["treatment"], "duplicates": "include"},
        {"country": ["GB"]},
        {"topic": ["research"], "published_from": date(2024, 10, 1), "tone": [Tone.POSITIVE]},
    ]


FALLBACK: list[dict[str, Any]] = [
    {"topic": ["treatment", "research"]},
    {"country": ["US", "GB"]},
    {"topic": ["research"], "country": ["US"]},
    {"q": "cancer"},
]
FIGURES = ["summary", "distributions", "timeline", "topic-tone", "compare", "keywords"]


def _figures(session: Session, raw: dict[str, Any]) -> dict[str, BaseModel]:
    """Every analytics answer for these filters."""
    filters = ArticleFilters(**raw)
    found: dict[str, BaseModel] = {"summary": service.summary(session, filters)}
    for dimension in Dimension:
        for limit in (100, 2):
            params = DistributionParams(**raw, limit=limit)
            found[f"{dimension}:{limit}"] = service.distribution(session, dimension, params)
    for interval in ("day", "week", "month"):
        timeline = TimelineParams(**raw, interval=interval)
        found[f"timeline:{interval}"] = service.timeline(session, timeline)
    found["topic-tone"] = service.topic_tone(session, filters)
    periods = {"a_from": date(2024, 9, 1), "a_to": date(2024, 10, 7),
               "b_from": date(2024, 10, 8), "b_to": date(2024, 12, 31)}  # fmt: skip
    found["compare"] = service.compare(session, CompareParams(**raw, **periods))
    for kind in ("keyword", "entity", KeywordKind.DRUG):
        keywords = KeywordParams(**raw, kind=kind, limit=3 if kind == "keyword" else 20)
        found[f"keywords:{kind}"] = service.keywords(session, keywords)
    return found


def _assert_same(session: Session, corpus: Corpus, *, every: bool = True) -> None:
    """The same answers on both paths (``every``: for every filter set, else a few)."""
    chosen = _filters(corpus) + FALLBACK
    if not every:
        chosen = [chosen[i] for i in (0, 1, 4, 8, 13, 15, -1)]
    for raw in chosen:
        with base_tables_only():
            expected = _figures(session, raw)
        assert _figures(session, raw) == expected, raw
    for raw in _filters(corpus):
        assert rollup_reads.plan(session, ArticleFilters(**raw)) is not None, raw
    for raw in FALLBACK:
        assert rollup_reads.plan(session, ArticleFilters(**raw)) is None, raw


def _rollup_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    for (kind, grain), table in ROLLUPS.items():
        rows = session.execute(select(table)).all()
        found[f"{kind}_{grain}"] = sorted(tuple(str(v) for v in row) for row in rows)
    return found


def _refresh_matches_rebuild(session: Session) -> None:
    """An incremental refresh leaves no dirty day and exactly the rows of a full rebuild."""
    refresh_rollups(session)
    session.commit()
    assert dirty_days(session) == []
    refreshed = _rollup_rows(session)
    assert refreshed["articles_daily"], "the rollups hold rows"
    rebuild_rollups(session)
    session.commit()
    assert _rollup_rows(session) == refreshed


def _summary(session: Session, **raw: Any) -> tuple[int, int, int, int, list[int]]:
    body = service.summary(session, ArticleFilters(**raw))
    tones = [b.count for b in body.tone]
    return body.articles, body.unique_stories, body.sources, body.countries, tones


def test_every_figure_is_the_same_with_days_dirty_and_after_refresh(
    session: Session, world: Corpus
) -> None:
    # Loading marked every day of the corpus dirty; nothing is in the rollups yet.
    assert set(dirty_days(session)) == {
        date(2024, 9, 30), date(2024, 10, 1), date(2024, 10, 2), date(2024, 10, 8),
        date(2024, 11, 3), date(2024, 11, 4), date(2024, 12, 1), UNDATED,
    }  # fmt: skip
    _assert_same(session, world)
    _refresh_matches_rebuild(session)
    _assert_same(session, world)
    # By hand: A1-A4, A6-A8, B1-B3 stored; A5 a copy of A4 (test_articles_support table).
    assert _summary(session) == (10, 10, 3, 4, [3, 2, 4])
    assert _summary(session, duplicates="include") == (11, 10, 3, 4, [4, 2, 4])
    assert _summary(session, duplicates="only") == (1, 0, 1, 2, [1, 0, 0])
    assert _summary(session, published_from=date(2024, 10, 1), published_to=date(2024, 10, 31))[
        :3
    ] == (5, 5, 3)
    topics = service.topic_tone(session, ArticleFilters())
    assert [(r.topic, r.count) for r in topics.rows][:3] == [
        ("research", 3), ("policy_access", 2), ("prevention", 2),
    ]  # fmt: skip
    month = service.timeline(session, TimelineParams(interval="month"))
    assert [(p.period, p.count) for p in month.points] == [
        (date(2024, 9, 1), 1), (date(2024, 10, 1), 5), (date(2024, 11, 1), 2),
        (date(2024, 12, 1), 1),
    ]  # fmt: skip
    assert month.points[-1].tone == {"positive": 0, "neutral": 0, "negative": 0, "unknown": 1}


def _correct_labels(session: Session, corpus: Corpus) -> None:
    """As an analyst's correction does: columns and label rows replaced."""
    article = session.get(Article, corpus.ids["A1"])
    assert article is not None
    article.tone = Tone.NEGATIVE
    article.topics = [ArticleTopic(topic="prevention")]
    article.countries = [ArticleCountry(country="FR")]


def _mark_near_duplicate(session: Session, corpus: Corpus) -> None:
    """A3 found later to be a copy of A2."""
    session.execute(
        update(Article)
        .where(Article.id == corpus.ids["A3"])
        .values(status=ArticleStatus.DUPLICATE, duplicate_of=corpus.ids["A2"])
    )


def _delete_original(session: Session, corpus: Corpus) -> None:
    """A4 deleted: its copy A5 loses duplicate_of (ON DELETE SET NULL)."""
    article = session.get(Article, corpus.ids["A4"])
    session.delete(article)


def _reanalyse(session: Session, corpus: Corpus) -> None:
    """A6 analysed again with a corrected date (another month), labels and keywords."""
    article = session.get(Article, corpus.ids["A6"])
    assert article is not None
    article.published_at = datetime(2024, 12, 15, 9, tzinfo=UTC)
    article.tone = Tone.POSITIVE
    article.relevance = Relevance.PARTIAL
    article.topics = [ArticleTopic(topic="treatment"), ArticleTopic(topic="research")]
    article.keywords = [ArticleKeyword(kind=KeywordKind.DRUG, value="tamoxifen")]


def _delete_source(session: Session, corpus: Corpus) -> None:
    """S2 deleted: its articles keep counting, without a source (ON DELETE SET NULL)."""
    session.execute(delete(Source).where(Source.id == corpus.sources["S2"]))


CHANGES: dict[str, tuple[Callable[[Session, Corpus], None], set[date]]] = {
    "label correction": (_correct_labels, {date(2024, 10, 1)}),
    "near duplicate": (_mark_near_duplicate, {date(2024, 10, 2)}),
    "deletion": (_delete_original, {date(2024, 10, 8)}),
    "reanalysis": (_reanalyse, {date(2024, 11, 3), date(2024, 12, 15)}),
    "source deleted": (_delete_source, {date(2024, 10, 1), date(2024, 10, 8), UNDATED}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_changes_mark_their_days_and_figures_stay_exact(
    session: Session, world: Corpus, change: str
) -> None:
    _refresh_matches_rebuild(session)
    before = _summary(session, duplicates="include")
    apply, days = CHANGES[change]
    apply(session, world)
    session.flush()
    assert set(dirty_days(session)) == days
    _assert_same(session, world, every=False)  # dirty days read from the base tables
    session.commit()
    _refresh_matches_rebuild(session)
    _assert_same(session, world, every=False)
    after = _summary(session, duplicates="include")
    expected = {
        # A1 positive -> negative; FR a new story country (ES stays: B2).
        "label correction": (11, 10, 3, 5, [3, 2, 5]),
        # A3 now a copy: one fewer unique story.
        "near duplicate": (11, 9, 3, 4, [4, 2, 4]),
        # A4 gone; A5 (positive) is no copy of anything any more.
        "deletion": (10, 10, 3, 4, [3, 2, 4]),
        # A6 negative -> positive.
        "reanalysis": (11, 10, 3, 4, [5, 2, 3]),
        # Same articles, one source fewer.
        "source deleted": (11, 10, 2, 4, [4, 2, 4]),
    }[change]
    assert (before, after) == ((11, 10, 3, 4, [4, 2, 4]), expected)


def test_only_changes_analytics_can_see_mark_days(session: Session, world: Corpus) -> None:
    _refresh_matches_rebuild(session)
    article = session.get(Article, world.ids["A1"])
    assert article is not None
    article.title, article.text, article.text_purged_at = "New title", None, datetime.now(UTC)
    session.flush()
    assert dirty_days(session) == []
    session.add(
        Article(
            source_id=world.sources["S1"], url="https://news.example/F", canonical_url="https://news.example/F",
            url_hash="F".ljust(64, "0"), published_at=datetime(2025, 1, 5, tzinfo=UTC),
            status=ArticleStatus.FAILED,
        )
    )  # fmt: skip
    session.flush()
    assert dirty_days(session) == []
    # A9 is not relevant: its labels are not counted, its keyword changes mark nothing.
    session.add(ArticleKeyword(article_id=world.ids["A9"], kind=KeywordKind.KEYWORD, value="x"))
    session.flush()
    assert dirty_days(session) == []
    # A9 becoming relevant and stored counts, on its day.
    session.execute(
        update(Article)
        .where(Article.id == world.ids["A9"])
        .values(status=ArticleStatus.STORED, relevance=Relevance.PARTIAL)
    )
    assert dirty_days(session) == [date(2024, 10, 2)]
    _assert_same(session, world, every=False)


def test_which_figures_the_rollups_answer(session: Session, world: Corpus) -> None:
    def plan(facts: str, **raw: Any) -> bool:
        return rollup_reads.plan(session, ArticleFilters(**raw), facts) is not None

    assert plan("articles") and plan("topics") and plan("keywords") and plan("countries")
    # One topic: article figures count that topic's rows, its story countries come from
    # the topic x country pairs, but not its co-occurring topics or keywords.
    assert plan("articles", topic=["research"]) and plan("countries", topic=["research"])
    assert not plan("topics", topic=["research"]) and not plan("keywords", topic=["research"])
    # The pairs know no source, language, relevance or outlet country.
    assert not plan("countries", topic=["research"], source=[world.sources["S1"]])
    assert not plan("countries", topic=["research"], outlet_country=["ES"])
    assert plan("countries", topic=["research"], tone=[Tone.POSITIVE], duplicates="only")
    assert plan("articles", country=["GB"]) and not plan("countries", country=["GB"])
    assert not plan("articles", q="cancer")


def test_too_many_dirty_days_fall_back_to_the_base_tables(session: Session, world: Corpus) -> None:
    _refresh_matches_rebuild(session)
    days = [f"2023-{m:02d}-{d:02d}" for m in range(1, 4) for d in range(1, 29)]
    for day in days[: rollup_reads.MAX_DIRTY_DAYS + 1]:
        session.execute(text("INSERT INTO rollup_dirty_days (day) VALUES (:day)"), {"day": day})
    assert rollup_reads.plan(session, ArticleFilters()) is None
    assert _summary(session) == (10, 10, 3, 4, [3, 2, 4])


def test_a_label_correction_through_the_api_refreshes_the_rollups(
    session: Session, world: Corpus
) -> None:
    _refresh_matches_rebuild(session)
    with support.client_for(world) as api:
        response = api.patch(
            f"/api/v1/articles/{world.ids['A2']}/labels",
            json={"tone": "positive"},
            headers=world.headers("analyst"),
        )
        assert response.status_code == 200, response.text
        summary = api.get("/api/v1/analytics/summary", headers=world.headers()).json()
    session.expire_all()
    assert dirty_days(session) == []
    assert [b["count"] for b in summary["tone"]] == [4, 2, 3]
    assert _summary(session) == (10, 10, 3, 4, [4, 2, 3])


def test_the_refresh_command(
    session: Session, world: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", world.url)
    get_settings.cache_clear()
    runner = CliRunner()
    result = runner.invoke(app, ["db", "refresh-rollups"])
    assert result.exit_code == 0, result.output
    assert "refreshed: 8 days, 4 months" in result.output  # the undated day has no month
    session.expire_all()
    assert dirty_days(session) == []
    refreshed = _rollup_rows(session)
    session.commit()
    result = runner.invoke(app, ["db", "refresh-rollups", "--full"])
    assert result.exit_code == 0, result.output
    assert "rebuilt: 8 days, 4 months" in result.output
    assert _rollup_rows(session) == refreshed
