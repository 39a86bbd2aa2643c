"""CLI commands of the analysis: `preventia analyze --jsonl IN OUT` and `preventia eval`.

Registered on the main Typer app by `register(app)`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from preventia.nlp.evaluate import EvalPaths, check_floors, evaluate, format_report
from preventia.nlp.jsonl import run_file

_err = Console(stderr=True)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def analyze_command(
    jsonl: Annotated[
        tuple[Path, Path],
        typer.Option("--jsonl", help="IN OUT: input JSONL {id,title,text} and output JSONL."),
    ],
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
) -> None:
    """Analyse articles from a JSONL file (language, relevance, topics, tone, countries …)."""
    in_path, out_path = jsonl
    if not in_path.is_file():
        _err.print(f"[red]input file not found:[/red] {in_path}")
        raise typer.Exit(2)
    total = _count_lines(in_path)
    columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=_err, disable=not progress or total < 50) as bar:
        task = bar.add_task("analyse", total=total)
        summary = run_file(in_path, out_path, progress=lambda n: bar.update(task, completed=n))
    for failure in summary.failed:
        _err.print(f"line {failure.line}: {failure.error}")
    _err.print(f"{summary.ok} analysed, {len(summary.failed)} failed -> {out_path}")
    raise typer.Exit(summary.exit_code)


def eval_command(
    gold: Annotated[
        Path | None, typer.Option("--gold", help="English gold JSONL (dev.jsonl).")
    ] = None,
    gold_es: Annotated[
        Path | None, typer.Option("--gold-es", help="Spanish gold JSONL (dev_es.jsonl).")
    ] = None,
    es_news: Annotated[
        Path | None, typer.Option("--es-news", help="Folder of Spanish news CSVs (negatives).")
    ] = None,
    no_es_news: Annotated[
        bool, typer.Option("--no-es-news", help="Skip the Spanish news negatives.")
    ] = False,
) -> None:
    """Score the analysis on the gold sets; exit 1 if a metric is below its pinned floor."""
    default = EvalPaths.default()
    paths = EvalPaths(
        gold_en=gold or default.gold_en,
        gold_es=gold_es or default.gold_es,
        es_news=None if no_es_news else (es_news or default.es_news),
    )
    missing = [p for p in (paths.gold_en, paths.gold_es) if p is None or not p.exists()]
    if len(missing) == 2:
        _err.print("[red]no gold file found[/red] (set PREVENTIA_SHARED_DIR or pass --gold)")
        raise typer.Exit(2)
    report = check_floors(evaluate(paths))
    sys.stdout.write(format_report(report) + "\n")
    raise typer.Exit(0 if report.passed else 1)


def register(app: typer.Typer) -> None:
    """Add `analyze` and `eval` to the main CLI."""
    app.command("analyze")(analyze_command)
    app.command("eval")(eval_command)
