"""The `preventia analyze --jsonl IN OUT` contract and the `preventia eval` command."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from preventia.cli.nlp import register
from preventia.nlp.jsonl import run_file
from preventia.nlp.schemas import CONTRACT_KEYS

GOOD = {
    "id": "a1",
    "title": "Mammograms every two years cut breast cancer deaths",
    "text": "Breast cancer screening with mammograms every two years cut breast cancer deaths "
    "by 20% among women aged 50 to 69 in Sweden, a study of 60,000 women found.",
}


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_file_produces_contract_lines(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.jsonl",
        [json.dumps(GOOD), json.dumps({"id": 2, "title": None, "text": "", "url": "https://x"})],
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(_app(), ["analyze", "--jsonl", str(src), str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a1", 2]
    assert all(set(CONTRACT_KEYS) <= set(x) for x in lines)
    first, second = lines
    assert first["relevance"] == "primary" and first["language"] == "en"
    assert first["primary_topic"] == "screening" and first["countries"] == ["SE"]
    assert first["tone"] == "positive" and -1 <= first["tone_score"] <= 1
    assert second["relevance"] == "none" and second["language"] is None
    assert second["reason"] == "empty_text"


def test_invalid_lines_are_reported_skipped_and_fail_the_exit_code(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps(GOOD),
            "{not json",
            json.dumps(["a", "list"]),
            json.dumps({"title": "no id", "text": "x"}),
            json.dumps({"id": "b", "title": 3, "text": "x"}),
            "",
            json.dumps({**GOOD, "id": "a2"}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(_app(), ["analyze", "--jsonl", str(src), str(out)])
    assert result.exit_code == 1
    for number in (2, 3, 4, 5):
        assert f"line {number}:" in result.output
    ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert ids == ["a1", "a2"]


def test_run_file_summary(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", [json.dumps(GOOD), "oops"])
    summary = run_file(src, tmp_path / "out.jsonl")
    assert summary.ok == 1
    assert [f.line for f in summary.failed] == [2]
    assert summary.exit_code == 1


def test_missing_input_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["analyze", "--jsonl", str(tmp_path / "nope.jsonl"), str(tmp_path / "o")]
    )
    assert result.exit_code == 2


def test_eval_fails_below_floor(tmp_path: Path) -> None:
    gold = dict(
        GOOD,
        gold={
            "language": "en",
            "relevance": "none",
            "topics": [],
            "primary_topic": None,
            "tone": "negative",
            "countries": ["FR"],
        },
    )
    src = _write(tmp_path / "gold.jsonl", [json.dumps(gold)])
    result = CliRunner().invoke(
        _app(), ["eval", "--gold", str(src), "--gold-es", str(tmp_path / "none"), "--no-es-news"]
    )
    assert result.exit_code == 1
    assert "FAIL en.relevance_f1" in result.output
