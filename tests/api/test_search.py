"""The search language: the same articles on PostgreSQL (tsquery) and SQLite (FTS5)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from preventia.articles.search import And, Not, Or, Term, parse, to_fts5, to_tsquery
from tests.api import test_articles_support as support
from tests.api.test_articles_support import Corpus

api, corpus = support.api, support.corpus  # the shared fixtures


def _search(api: TestClient, corpus: Corpus, q: str, **params: Any) -> list[str]:
    response = api.get("/api/v1/articles", params={"q": q, **params}, headers=corpus.headers())
    assert response.status_code == 200, response.text
    return sorted(corpus.keys(response.json()["items"]))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("alcohol", ["A2"]),
        ("Alcohol", ["A2"]),  # case-insensitive
        ("breast cancer", ["A2", "A3", "A4", "A8"]),  # implicit AND; A9 is not relevant
        ("breast AND cancer", ["A2", "A3", "A4", "A8"]),
        ('"breast cancer" risk', ["A2"]),
        ('"cancer breast"', []),  # a phrase keeps its order
        ("mamograf*", ["A1", "A7"]),  # prefix
        ("tamox*", ["A3", "A6"]),  # tamoxifen, tamoxifeno
        ("cribado OR alcohol", ["A1", "A2", "A7"]),
        ('"breast cancer" NOT trial', ["A2", "A3", "A8"]),
        ('"breast cancer" AND NOT (trial OR brca1)', ["A2", "A3"]),
        ('(alcohol OR brca1) AND "breast cancer"', ["A2", "A8"]),
        ("her2-positive", ["A4"]),  # read as the phrase "her2 positive"
        ("mamografía", ["A1", "A7"]),
        ("mamografia", ["A1", "A7"]),  # accents are ignored on both databases
        ("MAMOGRAFÍA", ["A1", "A7"]),
        ("mamográf*", ["A1", "A7"]),  # a folded prefix
        ("México", ["A6"]),  # in the title and the text
        ("mexico", ["A6"]),
        ("survival benefit trastuzumab", ["A4"]),
        ("pink", []),
    ],
)
def test_search_cases(api: TestClient, corpus: Corpus, q: str, expected: list[str]) -> None:
    assert _search(api, corpus, q) == expected


def test_search_combines_with_filters(api: TestClient, corpus: Corpus) -> None:
    assert _search(api, corpus, "trastuzumab", duplicates="include") == ["A4", "A5"]
    assert _search(api, corpus, "breast cancer", tone="negative") == ["A2", "A8"]


@pytest.mark.parametrize(
    "q",
    ['"unclosed', "cancer OR", "NOT cancer", "(cancer", "cancer)", "can*cer", "c*", "AND", "()",
     "a OR NOT b", "-- ;", "x" * 501],
)  # fmt: skip
def test_bad_expressions_are_422_naming_q(api: TestClient, corpus: Corpus, q: str) -> None:
    response = api.get("/api/v1/articles", params={"q": q}, headers=corpus.headers())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "q"]]


def test_blank_q_means_no_search(api: TestClient, corpus: Corpus) -> None:
    assert len(_search(api, corpus, "   ")) == 7


def test_parser_ast_and_compilers() -> None:
    node = parse('"breast cancer" (screening OR mamo*) NOT trial')
    assert node == And(
        (
            Term(("breast", "cancer")),
            Or((Term(("screening",)), Term(("mamo",), prefix=True))),
            Not(Term(("trial",))),
        )
    )
    assert to_tsquery(node) == "((breast <-> cancer) & (screening | mamo:*) & !trial)"
    assert to_fts5(node) == '(("breast cancer" AND ("screening" OR "mamo"*)) NOT "trial")'


def test_words_are_quoted_so_operators_in_lowercase_are_words() -> None:
    assert to_fts5(parse("near and or")) == '("near" AND "and" AND "or")'
    assert to_tsquery(parse("near and or")) == "(near & and & or)"
