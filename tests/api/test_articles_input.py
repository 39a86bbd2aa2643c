"""Bad input on the article and analytics endpoints: 422 problem+json naming the parameter."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from tests.api import test_articles_support as support
from tests.api.test_articles_support import Corpus

api, corpus = support.api, support.corpus  # the shared fixtures


def _cursor(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/articles", {"limit": 101}, "limit"),
        ("/api/v1/articles", {"limit": 0}, "limit"),
        ("/api/v1/articles", {"limit": "ten"}, "limit"),
        ("/api/v1/articles", {"sort": "title"}, "sort"),
        ("/api/v1/articles", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/v1/articles", {"cursor": _cursor(["-published", "yesterday", 3])}, "cursor"),
        ("/api/v1/articles", {"cursor": _cursor(["-published", None, -1])}, "cursor"),
        ("/api/v1/articles", {"published_from": "2024-13-01"}, "published_from"),
        ("/api/v1/articles", {"tone": "angry"}, "tone"),
        ("/api/v1/articles", {"topic": "astrology"}, "topic"),
        ("/api/v1/articles", {"country": "ESP"}, "country"),
        ("/api/v1/articles", {"language": "spanish"}, "language"),
        ("/api/v1/articles", {"source": "abc"}, "source"),
        ("/api/v1/articles", {"source": "0"}, "source"),
        ("/api/v1/articles", {"duplicates": "maybe"}, "duplicates"),
        ("/api/v1/articles", {"colour": "pink"}, "colour"),  # unknown parameter
        ("/api/v1/articles", {"relevance": "none", "q": "("}, "q"),
        ("/api/v1/articles", {"country": ["US"] * 51}, "country"),
        ("/api/v1/analytics/timeline", {"interval": "year"}, "interval"),
        ("/api/v1/analytics/distributions/tone", {"limit": 501}, "limit"),
        ("/api/v1/analytics/distributions/mood", {}, "dimension"),
        ("/api/v1/analytics/keywords", {"kind": "planet"}, "kind"),
        ("/api/v1/analytics/compare", {"a_from": "2024-01-01"}, "a_to"),
        ("/api/v1/analytics/summary", {"unknown": "1"}, "unknown"),
        ("/api/v1/articles/abc", {}, "article_id"),
        ("/api/v1/articles/99999999999", {}, "article_id"),
    ],
)
def test_bad_parameters(
    api: TestClient, corpus: Corpus, path: str, params: dict, field: str
) -> None:  # type: ignore[type-arg]
    response = api.get(path, params=params, headers=corpus.headers())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(field in err["loc"] for err in response.json()["errors"]), response.text


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        (
            "/api/v1/articles",
            {"published_from": "2024-02-01", "published_to": "2024-01-01"},
            "published_from",
        ),
        (
            "/api/v1/analytics/compare",
            {
                "a_from": "2024-02-01",
                "a_to": "2024-01-01",
                "b_from": "2024-01-01",
                "b_to": "2024-01-02",
            },
            "a_from",
        ),
    ],
)
def test_inconsistent_ranges_say_which(
    api: TestClient, corpus: Corpus, path: str, params: dict, words: str
) -> None:  # type: ignore[type-arg]
    response = api.get(path, params=params, headers=corpus.headers())
    assert response.status_code == 422
    assert words in response.text


def test_huge_body_is_refused(api: TestClient, corpus: Corpus) -> None:
    response = api.patch(
        f"/api/v1/articles/{corpus.ids['A1']}/labels",
        content=b'{"countries": [' + b'"US",' * 400_000 + b'"US"]}',
        headers={**corpus.headers("analyst"), "content-type": "application/json"},
    )
    assert response.status_code == 413


def test_malformed_json_is_422(api: TestClient, corpus: Corpus) -> None:
    response = api.patch(
        f"/api/v1/articles/{corpus.ids['A1']}/labels",
        content=b"{tone: neutral",
        headers={**corpus.headers("analyst"), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
