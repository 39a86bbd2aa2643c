"""The extraction quality gate: pinned floors hold on the shared gold pages."""

from __future__ import annotations

from pathlib import Path

from preventia.extract.evaluate import evaluate, load_floors, overlap, tokens


def test_quality_floors_hold(pages_dir: Path) -> None:
    floors = load_floors()
    assert {"precision", "recall", "f1", "title_accuracy"} <= floors.keys()
    report = evaluate(pages_dir, floors)
    assert report.failures == [], report.metrics
    assert report.exit_code == 0
    assert len(report.pages) == 40


def test_token_overlap() -> None:
    assert tokens("Cáncer de MAMA, 2024!") == ["cáncer", "de", "mama", "2024"]
    assert tokens("乳腺癌") == ["乳", "腺", "癌"]
    perfect = overlap("a b c", "c b a")
    assert perfect.f1 == 1.0
    half = overlap("a b", "a c")
    assert half.precision == half.recall == 0.5
    assert overlap("", "a").f1 == 0.0
