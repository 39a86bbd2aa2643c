"""Keyset pagination stays stable while new articles arrive between two pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from preventia.db import make_engine
from tests.api.test_articles_support import CORPUS, Corpus, add_article, client_for, database, seed


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def own(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corpus]:
    with database(request.param, tmp_path_factory.mktemp("pages")) as url:
        yield seed(url)


def _insert(own: Corpus, key: str, published: datetime, score: float) -> None:
    engine = make_engine(own.url)
    with Session(engine) as session:
        row = CORPUS["A2"]
        own.ids[key] = add_article(
            session, own, key, (row[0], row[1], published, *row[3:7], score, *row[8:])
        )
        session.commit()
    engine.dispose()


def _page(
    api: TestClient, own: Corpus, cursor: str | None, **params: object
) -> tuple[list[str], str | None]:
    query = {"limit": 3, **params, **({"cursor": cursor} if cursor else {})}
    body = api.get("/api/v1/articles", params=query, headers=own.headers()).json()
    return own.keys(body["items"]), body["next_cursor"]


def test_pages_stable_under_inserts(own: Corpus) -> None:
    with client_for(own) as api:
        first, cursor = _page(api, own, None)
        assert first == ["A7", "A6", "A4"]
        # One newer than everything (before the cursor), one in the part still to read,
        # and one published at the very same instant as the last row of the first page.
        _insert(own, "N1", datetime(2025, 1, 1, tzinfo=UTC), 0.9)
        _insert(own, "N2", datetime(2024, 10, 5, tzinfo=UTC), 0.1)
        _insert(own, "N3", datetime(2024, 10, 8, 10, tzinfo=UTC), 0.2)  # = A4, higher id
        seen = list(first)
        while cursor:
            keys, cursor = _page(api, own, cursor)
            seen += keys
        assert seen == ["A7", "A6", "A4", "N2", "A3", "A2", "A1", "A8"]
        assert "N1" not in seen and "N3" not in seen  # they sort before the cursor
        assert len(set(seen)) == len(seen)
        restart, _ = _page(api, own, None)
        assert restart == ["N1", "A7", "A6"]


def test_cursor_of_another_sort_is_422(own: Corpus) -> None:
    with client_for(own) as api:
        _, cursor = _page(api, own, None, sort="-tone_score")
        response = api.get(
            "/api/v1/articles",
            params={"cursor": cursor, "sort": "-published"},
            headers=own.headers(),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "cursor"]
        assert "sort" in response.json()["errors"][0]["msg"]
