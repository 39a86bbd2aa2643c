"""Every analytics figure against the hand-computed corpus of test_articles_support.

Default filters count the seven stored stories A1-A4, A6-A8 (A5 is a copy of A4, A9 is not
about breast cancer, A10 failed).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api import test_articles_support as support
from tests.api.test_articles_support import Corpus

api, corpus = support.api, support.corpus  # the shared fixtures


def _get(api: TestClient, corpus: Corpus, path: str, **params: Any) -> Any:
    response = api.get(f"/api/v1/analytics/{path}", params=params, headers=corpus.headers())
    assert response.status_code == 200, response.text
    return response.json()


def _buckets(body: Any) -> list[tuple[str | None, int, float]]:
    return [(b["key"], b["count"], b["share"]) for b in body["items"]]


def test_summary(api: TestClient, corpus: Corpus) -> None:
    assert _get(api, corpus, "summary") == {
        "articles": 7,
        "unique_stories": 7,
        "sources": 3,
        "countries": 4,  # ES GB US MX
        "tone": [
            {"key": "positive", "label": None, "count": 2, "share": 0.2857},
            {"key": "neutral", "label": None, "count": 2, "share": 0.2857},
            {"key": "negative", "label": None, "count": 3, "share": 0.4286},
        ],
    }


def test_summary_with_duplicates_counts_stories_once(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "summary", duplicates="include")
    assert (body["articles"], body["unique_stories"], body["sources"]) == (8, 7, 3)
    assert [b["count"] for b in body["tone"]] == [3, 2, 3]


def test_summary_of_nothing(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "summary", published_from="2030-01-01")
    assert body["articles"] == 0 and [b["share"] for b in body["tone"]] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        ("tone", [("negative", 3, 0.4286), ("neutral", 2, 0.2857), ("positive", 2, 0.2857)]),
        ("topic", [("policy_access", 2, 0.2857), ("research", 2, 0.2857),
                   ("treatment", 2, 0.2857), ("awareness", 1, 0.1429), ("genetics", 1, 0.1429),
                   ("prevention", 1, 0.1429), ("screening", 1, 0.1429)]),
        ("country", [("GB", 3, 0.4286), ("US", 2, 0.2857), ("ES", 1, 0.1429),
                     ("MX", 1, 0.1429)]),
        ("outlet_country", [("ES", 3, 0.4286), ("GB", 2, 0.2857), ("US", 2, 0.2857)]),
        ("language", [("en", 4, 0.5714), ("es", 3, 0.4286)]),
    ],
)  # fmt: skip
def test_distributions(
    api: TestClient, corpus: Corpus, dimension: str, expected: list[tuple[str, int, float]]
) -> None:
    body = _get(api, corpus, f"distributions/{dimension}")
    assert body["dimension"] == dimension and body["total"] == 7
    assert _buckets(body) == expected


def test_distribution_by_source_names_sources(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "distributions/source")
    assert [(b["key"], b["label"], b["count"]) for b in body["items"]] == [
        (str(corpus.sources["S1"]), "Diario Uno", 3),
        (str(corpus.sources["S2"]), "Daily Two", 2),
        (str(corpus.sources["S3"]), "Gazette Three", 2),
    ]


def test_distribution_limit_and_filters(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "distributions/topic", limit=2, language="es")
    # es: A1 screening+research, A6 policy_access, A7 awareness -> all 1, by name
    assert _buckets(body) == [("awareness", 1, 0.3333), ("policy_access", 1, 0.3333)]


def test_timeline_by_day_fills_empty_days(api: TestClient, corpus: Corpus) -> None:
    points = _get(api, corpus, "timeline", interval="day")["points"]
    assert len(points) == 35  # 2024-10-01 .. 2024-11-04; A8 has no date
    assert sum(p["count"] for p in points) == 6
    first = points[0]
    assert first["period"] == "2024-10-01" and first["count"] == 2
    assert first["tone"] == {"positive": 1, "neutral": 0, "negative": 1}
    assert first["topics"] == {"prevention": 1, "research": 1, "screening": 1}
    assert points[2] == {"period": "2024-10-03", "count": 0, "topics": {},
                         "tone": {"positive": 0, "neutral": 0, "negative": 0}}  # fmt: skip


def test_timeline_by_iso_week(api: TestClient, corpus: Corpus) -> None:
    points = _get(api, corpus, "timeline", interval="week")["points"]
    assert [(p["period"], p["count"]) for p in points] == [
        ("2024-09-30", 3),  # A1 A2 (Tue) A3 (Wed)
        ("2024-10-07", 1),  # A4
        ("2024-10-14", 0),
        ("2024-10-21", 0),
        ("2024-10-28", 1),  # A6 on Sunday 3 November
        ("2024-11-04", 1),  # A7 on Monday 4 November
    ]


def test_timeline_by_month(api: TestClient, corpus: Corpus) -> None:
    points = _get(api, corpus, "timeline", interval="month")["points"]
    assert points == [
        {"period": "2024-10-01", "count": 4,
         "tone": {"positive": 2, "neutral": 1, "negative": 1},
         "topics": {"policy_access": 1, "prevention": 1, "research": 2, "screening": 1,
                    "treatment": 2}},
        {"period": "2024-11-01", "count": 2,
         "tone": {"positive": 0, "neutral": 1, "negative": 1},
         "topics": {"awareness": 1, "policy_access": 1}},
    ]  # fmt: skip


def test_topic_by_tone(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "topic-tone")
    rows = {
        r["topic"]: (r["count"], r["positive"], r["neutral"], r["negative"]) for r in body["rows"]
    }
    assert body["total"] == 7
    assert rows == {
        "policy_access": (2, 0, 1, 1), "research": (2, 2, 0, 0), "treatment": (2, 1, 1, 0),
        "awareness": (1, 0, 1, 0), "genetics": (1, 0, 0, 1), "prevention": (1, 0, 0, 1),
        "screening": (1, 1, 0, 0),
    }  # fmt: skip
    assert [r["topic"] for r in body["rows"]][:3] == ["policy_access", "research", "treatment"]


def test_compare_two_periods(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "compare", a_from="2024-10-01", a_to="2024-10-31",
                b_from="2024-11-01", b_to="2024-11-30")  # fmt: skip
    assert (body["a_articles"], body["b_articles"]) == (4, 2)
    assert body["articles"]["change"] == -2 and body["articles"]["change_pct"] == -50.0
    tone = {c["key"]: c for c in body["tone"]}
    assert tone["positive"] == {"key": "positive", "a": 2, "b": 0, "change": -2,
                                "change_pct": -100.0, "share_a": 0.5, "share_b": 0.0,
                                "share_change_pp": -50.0}  # fmt: skip
    assert (tone["neutral"]["share_a"], tone["neutral"]["share_b"]) == (0.25, 0.5)
    assert tone["neutral"]["share_change_pp"] == 25.0 and tone["neutral"]["change_pct"] == 0.0
    topics = {c["key"]: (c["a"], c["b"], c["change_pct"]) for c in body["topics"]}
    assert topics == {
        "awareness": (0, 1, None), "policy_access": (1, 1, 0.0), "prevention": (1, 0, -100.0),
        "research": (2, 0, -100.0), "screening": (1, 0, -100.0), "treatment": (2, 0, -100.0),
    }  # fmt: skip


def test_compare_respects_the_other_filters(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "compare", a_from="2024-10-01", a_to="2024-10-31",
                b_from="2024-11-01", b_to="2024-11-30", language="es",
                published_from="2024-10-02")  # fmt: skip
    assert (body["a_articles"], body["b_articles"]) == (0, 2)  # A1 is before 2 October


def test_top_keywords_and_entities(api: TestClient, corpus: Corpus) -> None:
    body = _get(api, corpus, "keywords", limit=3)
    assert [(k["value"], k["count"]) for k in body["items"]] == [
        ("breast cancer", 3), ("alcohol", 1), ("brca", 1)
    ]  # fmt: skip
    body = _get(api, corpus, "keywords", duplicates="include", limit=2)
    assert [(k["value"], k["count"]) for k in body["items"]] == [("breast cancer", 4), ("trial", 2)]
    entities = _get(api, corpus, "keywords", kind="entity")["items"]
    assert [(e["kind"], e["value"], e["count"]) for e in entities] == [
        ("gene", "BRCA1", 1), ("biomarker", "HER2", 1), ("drug", "tamoxifen", 1),
        ("drug", "trastuzumab", 1),
    ]  # fmt: skip
    drugs = _get(api, corpus, "keywords", kind="drug", q="trastuzumab")["items"]
    assert [(e["value"], e["count"]) for e in drugs] == [("trastuzumab", 1)]


PERIODS = {
    "a_from": "2024-10-01",
    "a_to": "2024-10-31",
    "b_from": "2024-11-01",
    "b_to": "2024-11-30",
}


@pytest.mark.parametrize(
    "path", ["summary", "distributions/tone", "timeline", "topic-tone", "keywords", "compare"]
)
def test_every_endpoint_takes_the_article_filters(
    api: TestClient, corpus: Corpus, path: str
) -> None:
    params = {"q": "tamox*", "tone": "negative", "country": "MX", "source": corpus.sources["S1"],
              "language": "es", "outlet_country": "ES", "topic": "policy_access",
              "relevance": "primary", "duplicates": "exclude", "published_from": "2024-11-01",
              "published_to": "2024-11-30"}  # fmt: skip
    if path == "compare":
        params.update(PERIODS)
    response = api.get(f"/api/v1/analytics/{path}", params=params, headers=corpus.headers())
    assert response.status_code == 200, response.text
    bad = api.get(
        f"/api/v1/analytics/{path}", params={**params, "q": "(tamox"}, headers=corpus.headers()
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "q"]
    summary = _get(api, corpus, "summary", **{k: v for k, v in params.items() if k not in PERIODS})
    assert summary["articles"] == 1  # A6 alone
