"""``extract --jsonl`` and ``extract-eval`` through a local Typer app."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from preventia.cli.extract import register
from tests.extract.conftest import page_url


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(name: str, pages_dir: Path, record_id: object = None) -> str:
    html = (pages_dir / name / "source.html").read_text(encoding="utf-8")
    return json.dumps({"id": record_id or name, "url": page_url(name), "html": html})


def test_jsonl_contract(app: typer.Typer, pages_dir: Path, tmp_path: Path) -> None:
    source = write_lines(
        tmp_path / "in.jsonl", [record("bbc-1", pages_dir), record("la-nacion", pages_dir, 7)]
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", "--jsonl", str(source), str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["bbc-1", 7]
    for key in ("id", "title", "text", "published", "author", "language"):
        assert key in rows[0]
    assert rows[0]["published"] == "2015-07-24T04:36:09+00:00"
    assert rows[1]["language"] == "es"
    assert rows[1]["title"] == "Una solución no violenta para la cuestión mapuche"
    assert rows[0]["canonical_url"] == "http://www.bbc.com/news/world-us-canada-33646704"


def test_invalid_lines_are_reported_and_skipped(
    app: typer.Typer, pages_dir: Path, tmp_path: Path
) -> None:
    lines = [
        record("bbc-1", pages_dir),
        "{not json",
        "",
        json.dumps({"id": "no-html", "url": "https://example.com/a"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "empty", "url": "https://example.com/b", "html": ""}),
    ]
    source = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", "--jsonl", str(source), str(out)])
    assert result.exit_code == 1
    assert "line 2: invalid JSON" in result.stderr
    assert "line 4: missing field(s): html" in result.stderr
    assert "line 5: expected a JSON object" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["bbc-1", "empty"]
    assert rows[1]["text"] == "" and rows[1]["published"] is None


def test_missing_jsonl_flag_or_input(app: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "o")
    assert runner.invoke(app, ["extract", str(tmp_path / "nope"), out]).exit_code == 2
    missing = runner.invoke(app, ["extract", "--jsonl", str(tmp_path / "nope"), out])
    assert missing.exit_code == 2


def test_extract_eval_gate(app: typer.Typer, pages_dir: Path, tmp_path: Path) -> None:
    subset = tmp_path / "pages"
    for name in ("bbc-1", "la-nacion"):
        shutil.copytree(pages_dir / name, subset / name)
    easy = tmp_path / "easy.json"
    easy.write_text(json.dumps({"floors": {"f1": 0.5}}))
    hard = tmp_path / "hard.json"
    hard.write_text(json.dumps({"floors": {"f1": 1.01}}))
    runner = CliRunner()
    ok = runner.invoke(app, ["extract-eval", "--pages", str(subset), "--floors", str(easy)])
    assert ok.exit_code == 0, ok.output
    assert "all floors hold" in ok.stdout
    bad = runner.invoke(
        app, ["extract-eval", "--pages", str(subset), "--floors", str(hard), "--json"]
    )
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["failures"][0].startswith("f1 ")


def test_workers_keep_input_order(app: typer.Typer, pages_dir: Path, tmp_path: Path) -> None:
    names = ["bbc-1", "la-nacion", "heise", "cnn", "folha"]
    source = write_lines(tmp_path / "in.jsonl", [record(name, pages_dir) for name in names])
    out = tmp_path / "out.jsonl"
    args = ["extract", "--jsonl", str(source), str(out), "--workers", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == names
