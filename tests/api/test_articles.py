"""GET /articles filters, sorting and cursor pagination; GET /articles/{id}."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api import test_articles_support as support
from tests.api.test_articles_support import Corpus

api, corpus = support.api, support.corpus  # the shared fixtures

STORED = ["A7", "A6", "A4", "A3", "A2", "A1", "A8"]  # published desc, missing date last


def _keys(api: TestClient, corpus: Corpus, **params: Any) -> list[str]:
    response = api.get("/api/v1/articles", params=params, headers=corpus.headers())
    assert response.status_code == 200, response.text
    return corpus.keys(response.json()["items"])


def test_default_lists_unique_stories_newest_first(api: TestClient, corpus: Corpus) -> None:
    assert _keys(api, corpus) == STORED


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "S1"}, ["A7", "A6", "A1"]),
        ({"language": "en"}, ["A4", "A3", "A2", "A8"]),
        ({"outlet_country": "gb"}, ["A2", "A8"]),
        ({"country": "US"}, ["A4", "A3"]),
        ({"topic": ["research", "screening"]}, ["A4", "A1"]),
        ({"tone": "negative"}, ["A6", "A2", "A8"]),
        ({"relevance": "partial"}, ["A3", "A8"]),
        ({"duplicates": "only"}, ["A5"]),
        ({"duplicates": "include"}, ["A7", "A6", "A5", "A4", "A3", "A2", "A1", "A8"]),
        ({"published_from": "2024-10-01", "published_to": "2024-10-02"}, ["A3", "A2", "A1"]),
        ({"published_from": "2024-11-01"}, ["A7", "A6"]),
        ({"language": "en", "tone": "positive"}, ["A4"]),
        ({"country": "GB", "topic": "genetics"}, ["A8"]),
    ],
)
def test_filters(
    api: TestClient, corpus: Corpus, params: dict[str, Any], expected: list[str]
) -> None:
    if "source" in params:
        params = {**params, "source": corpus.sources[params["source"]]}
    assert _keys(api, corpus, **params) == expected


def _walk(api: TestClient, corpus: Corpus, **params: Any) -> list[str]:
    keys: list[str] = []
    cursor = None
    for _ in range(20):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/articles", params=query, headers=corpus.headers()).json()
        assert len(body["items"]) <= params["limit"]
        keys += corpus.keys(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return keys
    raise AssertionError("the pages never end")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-published", ["A7", "A6", "A5", "A4", "A3", "A2", "A1", "A8"]),  # A4/A5 tie: id desc
        ("published", ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]),
        ("-tone_score", ["A5", "A4", "A1", "A3", "A8", "A6", "A2", "A7"]),  # A7 has no score
        ("tone_score", ["A2", "A6", "A8", "A3", "A1", "A4", "A5", "A7"]),
    ],
)
@pytest.mark.parametrize("limit", [1, 3])
def test_sorted_pages_cover_everything_once(
    api: TestClient, corpus: Corpus, sort: str, expected: list[str], limit: int
) -> None:
    assert _walk(api, corpus, sort=sort, limit=limit, duplicates="include") == expected


def test_fetched_sort_is_paginated(api: TestClient, corpus: Corpus) -> None:
    keys = _walk(api, corpus, sort="-fetched", limit=2)
    assert sorted(keys) == sorted(STORED) and len(keys) == len(STORED)


def test_list_item_shape(api: TestClient, corpus: Corpus) -> None:
    body = api.get("/api/v1/articles", params={"limit": 1}, headers=corpus.headers()).json()
    item = body["items"][0]
    assert item["source"] == {
        "id": corpus.sources["S1"], "name": "Diario Uno", "outlet_country": "ES", "language": "es"
    }  # fmt: skip
    assert item["topics"] == ["awareness"] and item["countries"] == []
    assert item["corrected"] is False and "text" not in item
    assert body["limit"] == 1 and body["next_cursor"]


def test_detail_has_analysis_and_evidence(api: TestClient, corpus: Corpus) -> None:
    response = api.get(f"/api/v1/articles/{corpus.ids['A4']}", headers=corpus.headers())
    assert response.status_code == 200
    body = response.json()
    assert body["text"].startswith("In HER2-positive")
    assert body["evidence"] == {"tone_positive": ["benefit"]}
    assert body["topics"] == ["research", "treatment"] and body["countries"] == ["GB", "US"]
    assert [k["value"] for k in body["keywords"]] == ["breast cancer", "trial"]
    assert {(e["kind"], e["value"]) for e in body["entities"]} == {
        ("drug", "trastuzumab"), ("biomarker", "HER2")
    }  # fmt: skip
    assert body["corrections"] == [] and body["model_labels"] is None


@pytest.mark.parametrize("key", ["A10"])
def test_failed_and_missing_articles_are_404(api: TestClient, corpus: Corpus, key: str) -> None:
    for path in (f"/api/v1/articles/{corpus.ids[key]}", "/api/v1/articles/999999"):
        response = api.get(path, headers=corpus.headers())
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


def test_needs_a_token(api: TestClient, corpus: Corpus) -> None:
    assert api.get("/api/v1/articles").status_code == 401
    assert api.get(f"/api/v1/articles/{corpus.ids['A1']}").status_code == 401
