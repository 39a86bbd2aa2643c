"""``preventia reanalyze`` over stored articles (keyset batches, idempotent, resumable)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from preventia.cli.main import app
from preventia.db import make_engine
from preventia.models import Article, ArticleStatus, Job, Source
from preventia.nlp import model_versions
from preventia.settings import get_settings
from tests.collect.news_site import pick

runner = CliRunner()


@pytest.fixture
def db_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'reanalyze.db'}"
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        sources = [Source(name=f"S{i}", url=f"https://s{i}.example.org/feed") for i in (1, 2)]
        session.add_all(sources)
        session.flush()
        gold = pick("primary", 3) + pick("none", 2)
        for i, item in enumerate(gold):
            session.add(
                Article(
                    source_id=sources[i % 2].id, url=f"https://x.org/{i}",
                    canonical_url=f"https://x.org/{i}", url_hash=f"{i:064d}", title=item.title,
                    text=item.text, status=ArticleStatus.STORED, model_versions={"analyzer": "0"},
                )
            )  # fmt: skip
    engine.dispose()
    return url


def _articles(url: str) -> list[Article]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(session.scalars(select(Article).order_by(Article.id)))
    engine.dispose()
    return rows


def test_reanalyze_updates_every_article_across_batches(db_url: str) -> None:
    result = runner.invoke(app, ["reanalyze", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "reanalysed 5 articles" in result.output
    rows = _articles(db_url)
    assert all(a.model_versions == model_versions() for a in rows)
    # Two articles became not relevant while the run went on: none was skipped.
    assert [a.status for a in rows].count(ArticleStatus.NOT_RELEVANT) == 2
    assert all(a.topics and a.primary_topic for a in rows if a.status is ArticleStatus.STORED)
    assert all(a.text for a in rows)  # reanalysis never drops text


def test_reanalyze_is_idempotent_and_resumable(db_url: str) -> None:
    assert runner.invoke(app, ["reanalyze"]).exit_code == 0
    before = [(a.relevance, a.tone, a.primary_topic, a.analyzed_at) for a in _articles(db_url)]
    again = runner.invoke(app, ["reanalyze"])
    assert "reanalysed 0 articles; 5 were already current" in again.output
    assert [
        (a.relevance, a.tone, a.primary_topic, a.analyzed_at) for a in _articles(db_url)
    ] == before
    forced = runner.invoke(app, ["reanalyze", "--force"])
    assert "reanalysed 5 articles" in forced.output


def test_reanalyze_filters_by_source_and_date(db_url: str) -> None:
    result = runner.invoke(app, ["reanalyze", "--source", "2"])
    assert "reanalysed 2 articles" in result.output
    later = runner.invoke(app, ["reanalyze", "--since", "2999-01-01"])
    assert "reanalysed 0 articles; 0 were already current" in later.output
    engine = make_engine(db_url)
    with Session(engine) as session:
        jobs = session.scalars(select(Job).order_by(Job.id)).all()
    engine.dispose()
    assert [j.type.value for j in jobs] == ["reanalyze", "reanalyze"]
    assert jobs[0].counts == {"updated": 2, "unchanged": 0} and jobs[0].status.value == "succeeded"


def test_reanalyze_rejects_a_bad_date(db_url: str) -> None:
    result = runner.invoke(app, ["reanalyze", "--since", "last tuesday"])
    assert result.exit_code == 2
    assert "--since" in result.output


def test_reanalyze_keeps_an_analysts_correction(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        article = session.scalars(select(Article).order_by(Article.id)).first()
        assert article is not None
        article.tone = None
        article.primary_topic = "awareness"
        article.corrected_at = datetime.now(UTC)
        corrected_id = article.id
    result = runner.invoke(app, ["reanalyze"])
    assert "reanalysed 5 articles" in result.output
    with Session(engine) as session:
        article = session.get(Article, corrected_id)
        assert article is not None
        assert article.primary_topic == "awareness" and article.tone is None  # still corrected
        assert article.model_labels and article.model_labels["relevance"] == "primary"
        assert article.model_versions == model_versions()
    engine.dispose()
