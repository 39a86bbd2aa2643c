"""PATCH /articles/{id}/labels: corrections beside the model's output, used by analytics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from preventia.db import make_engine
from preventia.models import AuditLog, LabelCorrection
from tests.api.test_articles_support import Corpus, client_for, database, seed


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def own(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corpus]:
    """A corpus of this module alone (the tests change it)."""
    with database(request.param, tmp_path_factory.mktemp("labels")) as url:
        yield seed(url)


@pytest.fixture(scope="module")
def api(own: Corpus) -> Iterator[TestClient]:
    with client_for(own) as client:
        yield client


def _patch(api: TestClient, own: Corpus, key: str, body: Any, who: str = "analyst") -> Any:
    return api.patch(f"/api/v1/articles/{own.ids[key]}/labels", json=body, headers=own.headers(who))


def _summary(api: TestClient, own: Corpus, **params: Any) -> Any:
    return api.get("/api/v1/analytics/summary", params=params, headers=own.headers()).json()


def test_viewer_cannot_correct(api: TestClient, own: Corpus) -> None:
    assert _patch(api, own, "A2", {"tone": "neutral"}, who="viewer").status_code == 403
    assert (
        api.patch(f"/api/v1/articles/{own.ids['A2']}/labels", json={"tone": "neutral"}).status_code
        == 401
    )


def test_correction_is_kept_beside_the_model_and_used_by_analytics(
    api: TestClient, own: Corpus
) -> None:
    before = _summary(api, own)
    assert [b["count"] for b in before["tone"]] == [2, 2, 3]
    response = _patch(
        api,
        own,
        "A2",
        {"tone": "neutral", "topics": ["prevention", "research"], "countries": ["gb", "ie"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["tone"], body["topics"], body["countries"]) == (
        "neutral",
        ["prevention", "research"],
        ["GB", "IE"],
    )
    assert body["corrected"] is True and body["corrected_by"] is not None
    assert body["model_labels"] == {
        "relevance": "primary", "tone": "negative", "tone_score": -0.5,
        "primary_topic": "prevention", "topics": ["prevention"], "countries": ["GB"],
    }  # fmt: skip
    [correction] = body["corrections"]
    assert correction["user_email"] == "analyst@example.org"
    assert correction["changes"] == {
        "tone": {"from": "negative", "to": "neutral"},
        "topics": {"from": ["prevention"], "to": ["prevention", "research"]},
        "countries": {"from": ["GB"], "to": ["GB", "IE"]},
    }
    after = _summary(api, own)  # the analytics cache was invalidated by the correction
    assert [b["count"] for b in after["tone"]] == [2, 3, 2]
    assert after["countries"] == 5
    assert _summary(api, own, country="IE")["articles"] == 1


def test_second_correction_keeps_the_first_model_snapshot(api: TestClient, own: Corpus) -> None:
    assert _patch(api, own, "A3", {"tone": "positive"}).status_code == 200
    body = _patch(api, own, "A3", {"tone": "negative", "primary_topic": "policy_access"}).json()
    assert body["model_labels"]["tone"] == "neutral"
    assert body["primary_topic"] == "policy_access" and len(body["corrections"]) == 2
    assert body["corrections"][1]["changes"]["tone"] == {"from": "positive", "to": "negative"}


def test_correction_is_audited(api: TestClient, own: Corpus) -> None:
    assert _patch(api, own, "A7", {"tone": "positive"}).status_code == 200
    engine = make_engine(own.url)
    with Session(engine) as session:
        entries = session.scalars(
            select(AuditLog).where(
                AuditLog.action == "article.labels_corrected",
                AuditLog.object_id == str(own.ids["A7"]),
            )
        ).all()
        rows = session.scalars(
            select(LabelCorrection).where(LabelCorrection.article_id == own.ids["A7"])
        ).all()
    engine.dispose()
    assert len(entries) == 1 and entries[0].actor_email == "analyst@example.org"
    assert entries[0].details == {"changes": {"tone": {"from": "neutral", "to": "positive"}}}
    assert len(rows) == 1


def test_no_change_records_nothing(api: TestClient, own: Corpus) -> None:
    body = _patch(api, own, "A1", {"tone": "positive"}).json()
    assert body["corrections"] == [] and body["model_labels"] is None


def test_relevance_none_takes_the_article_out_and_back(api: TestClient, own: Corpus) -> None:
    count = _summary(api, own)["articles"]
    assert _patch(api, own, "A8", {"relevance": "none"}).json()["status"] == "not_relevant"
    assert _summary(api, own)["articles"] == count - 1
    assert _patch(api, own, "A8", {"relevance": "partial"}).json()["status"] == "stored"
    assert _summary(api, own)["articles"] == count


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, None),
        ({"tone": "furious"}, "tone"),
        ({"topics": ["astrology"]}, "topics"),
        ({"countries": ["USA"]}, "countries"),
        ({"relevance": None}, None),
        ({"mood": "happy"}, "mood"),
    ],
)
def test_bad_corrections_are_422(
    api: TestClient, own: Corpus, body: Any, field: str | None
) -> None:
    response = _patch(api, own, "A6", body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if field:
        assert any(field in err["loc"] for err in response.json()["errors"])


def test_primary_topic_outside_topics_is_422(api: TestClient, own: Corpus) -> None:
    response = _patch(api, own, "A6", {"topics": ["awareness"], "primary_topic": "genetics"})
    assert response.status_code == 422 and "primary_topic" in response.json()["detail"]


def test_unknown_article_is_404(api: TestClient, own: Corpus) -> None:
    assert (
        api.patch(
            "/api/v1/articles/999999/labels",
            json={"tone": "neutral"},
            headers=own.headers("analyst"),
        ).status_code
        == 404
    )
    assert _patch(api, own, "A10", {"tone": "neutral"}).status_code == 404  # failed
