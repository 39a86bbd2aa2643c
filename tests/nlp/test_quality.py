"""The measured quality on the shared gold sets holds the pinned floors (docs/quality.md)."""

from __future__ import annotations

import pytest

from preventia.nlp.evaluate import EvalPaths, check_floors, evaluate
from tests.shared_data import SHARED_DATA

GOLD_EN = SHARED_DATA / "gold" / "dev.jsonl"
GOLD_ES = SHARED_DATA / "gold" / "dev_es.jsonl"

pytestmark = pytest.mark.skipif(not GOLD_EN.exists(), reason="shared gold data not available")


@pytest.fixture(scope="module")
def metrics() -> dict[str, float]:
    return evaluate(EvalPaths(GOLD_EN, GOLD_ES, SHARED_DATA / "es_news"))


def test_floors_hold(metrics: dict[str, float]) -> None:
    report = check_floors(metrics)
    assert report.passed, report.failures


def test_issue_goals(metrics: dict[str, float]) -> None:
    assert metrics["en.relevance_f1"] >= 0.90
    assert metrics["en.primary_topic_accuracy"] >= 0.75
    assert metrics["en.topics_micro_f1"] >= 0.80
    assert metrics["all.tone_macro_f1"] >= 0.60
    assert metrics["all.countries_f1"] >= 0.85
    assert metrics["all.language_accuracy"] >= 0.99


def test_spanish_relevance(metrics: dict[str, float]) -> None:
    assert metrics["es.relevance_recall"] >= 0.95  # Spanish breast-cancer news found
    assert metrics["es.relevance_precision"] >= 0.95  # other Spanish health news left out
    assert metrics["es_news.relevant_rate"] <= 0.005  # general Spanish news left out
