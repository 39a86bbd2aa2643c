"""Saved searches: an analyst's own filters; another user's are not found (404, not 403)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.test_articles_support import Corpus, client_for, database, seed

BASE = "/api/v1/saved-searches"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def own(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corpus]:
    with database(request.param, tmp_path_factory.mktemp("searches")) as url:
        yield seed(url)


@pytest.fixture(scope="module")
def api(own: Corpus) -> Iterator[TestClient]:
    with client_for(own) as client:
        yield client


def test_crud_of_own_searches(api: TestClient, own: Corpus) -> None:
    h = own.headers("analyst")
    body = {
        "name": " Screening ES ",
        "filters": {"country": ["es"], "topic": ["screening"], "q": "cribado"},
    }
    created = api.post(BASE, json=body, headers=h)
    assert created.status_code == 201, created.text
    search = created.json()
    assert search["name"] == "Screening ES"
    assert search["filters"]["country"] == ["ES"] and search["filters"]["duplicates"] == "exclude"
    assert [s["id"] for s in api.get(BASE, headers=h).json()] == [search["id"]]
    url = f"{BASE}/{search['id']}"
    assert api.get(url, headers=h).json() == search
    renamed = api.patch(url, json={"name": "Cribado"}, headers=h).json()
    assert renamed["name"] == "Cribado" and renamed["filters"] == search["filters"]
    refiltered = api.patch(url, json={"filters": {"tone": ["negative"]}}, headers=h).json()
    assert refiltered["filters"]["tone"] == ["negative"] and refiltered["filters"]["country"] == []
    # The saved filters work as the query of GET /articles.
    articles = api.get("/api/v1/articles", params={"tone": "negative"}, headers=h)
    assert articles.status_code == 200
    assert api.delete(url, headers=h).status_code == 204
    assert api.get(url, headers=h).status_code == 404


def test_another_users_search_is_not_found(api: TestClient, own: Corpus) -> None:
    mine = api.post(BASE, json={"name": "Mine"}, headers=own.headers("analyst")).json()
    url = f"{BASE}/{mine['id']}"
    other = own.headers("analyst2")
    assert api.get(url, headers=other).status_code == 404
    assert api.patch(url, json={"name": "Stolen"}, headers=other).status_code == 404
    assert api.delete(url, headers=other).status_code == 404
    assert api.get(BASE, headers=other).json() == []
    missing = api.get(f"{BASE}/999999", headers=other)
    assert (
        missing.status_code == 404
        and missing.json()["detail"] == api.get(url, headers=other).json()["detail"]
    )
    assert api.get(url, headers=own.headers("analyst")).json()["name"] == "Mine"
    # The same name is free for another user.
    assert api.post(BASE, json={"name": "Mine"}, headers=other).status_code == 201


def test_viewers_cannot_save(api: TestClient, own: Corpus) -> None:
    assert api.get(BASE, headers=own.headers("viewer")).status_code == 403
    assert api.post(BASE, json={"name": "x"}, headers=own.headers("viewer")).status_code == 403
    assert api.get(BASE).status_code == 401


def test_duplicate_name_is_409(api: TestClient, own: Corpus) -> None:
    h = own.headers("analyst")
    assert api.post(BASE, json={"name": "Twice"}, headers=h).status_code == 201
    again = api.post(BASE, json={"name": "Twice"}, headers=h)
    assert again.status_code == 409 and again.headers["content-type"].startswith(
        "application/problem+json"
    )
    other = api.post(BASE, json={"name": "Once"}, headers=h).json()
    assert api.patch(f"{BASE}/{other['id']}", json={"name": "Twice"}, headers=h).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "filters": {"q": "(open"}}, "q"),
        ({"name": "x", "filters": {"tone": ["furious"]}}, "tone"),
        ({"name": "x", "filters": {"colour": "pink"}}, "colour"),
        ({"name": "x", "owner": 1}, "owner"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(
    api: TestClient, own: Corpus, body: dict, field: str
) -> None:  # type: ignore[type-arg]
    response = api.post(BASE, json=body, headers=own.headers("analyst"))
    assert response.status_code == 422, response.text
    assert any(field in err["loc"] for err in response.json()["errors"])
