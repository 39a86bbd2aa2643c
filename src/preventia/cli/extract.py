"""``preventia extract --jsonl IN OUT`` and ``preventia extract-eval`` (thin wrappers)."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from preventia.extract.evaluate import FLOORS_FILE, EvaluationReport, run_quality_gate
from preventia.extract.jsonl import process_lines

STDIO = Path("-")


def extract_command(
    input_path: Path = typer.Argument(..., metavar="IN", help="JSONL input ('-' = stdin)."),
    output_path: Path = typer.Argument(..., metavar="OUT", help="JSONL output ('-' = stdout)."),
    jsonl: bool = typer.Option(False, "--jsonl", help='Lines of {"id", "url", "html"}.'),
    workers: int = typer.Option(1, min=1, max=32, help="Extraction processes."),
) -> None:
    """Extract title, text, date, author and language from pages given as JSON lines."""
    err = Console(stderr=True)
    if not jsonl:
        err.print("[red]Only the --jsonl mode is supported: preventia extract --jsonl IN OUT")
        raise typer.Exit(2)
    if input_path != STDIO and not input_path.is_file():
        err.print(f"[red]No such input file: {input_path}")
        raise typer.Exit(2)
    with ExitStack() as stack:
        source = _open_input(stack, input_path)
        sink = _open_output(stack, output_path)
        total = input_path.stat().st_size if input_path != STDIO else None
        written, failed, empty = _run(source, sink, total, workers, err)
    err.print(f"{written} extracted ({empty} without text), {failed} invalid line(s) skipped")
    if failed:
        raise typer.Exit(1)


def _open_input(stack: ExitStack, path: Path) -> IO[str]:
    if path == STDIO:
        return sys.stdin
    return stack.enter_context(path.open(encoding="utf-8", errors="replace"))


def _open_output(stack: ExitStack, path: Path) -> IO[str]:
    if path == STDIO:
        return sys.stdout
    return stack.enter_context(path.open("w", encoding="utf-8"))


def _run(
    source: IO[str], sink: IO[str], total: int | None, workers: int, err: Console
) -> tuple[int, int, int]:
    written = failed = empty = 0
    columns = (TextColumn("extract"), BarColumn(), TextColumn("{task.completed:,.0f} B"))
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("extract", total=total)
        for result in process_lines(source, workers):
            progress.advance(task, result.size + 1)
            if result.error is not None:
                failed += 1
                err.print(f"line {result.line_number}: {result.error}", markup=False)
                continue
            sink.write(f"{result.output}\n")
            written += 1
            empty += not result.has_text
    return written, failed, empty


def extract_eval_command(
    pages: Path | None = typer.Option(
        None, help="Gold page directory (default: $PREVENTIA_SHARED_DIR/data/pages/pages)."
    ),
    floors: Path = typer.Option(FLOORS_FILE, help="JSON file with the metric floors."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="One row per page."),
) -> None:
    """Score extraction against gold pages; exit 1 when a metric is under its floor."""
    try:
        report = run_quality_gate(pages, floors)
    except FileNotFoundError as exc:
        Console(stderr=True).print(f"[red]{exc}")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        _print_report(report, verbose)
    raise typer.Exit(report.exit_code)


def _print_report(report: EvaluationReport, verbose: bool) -> None:
    console = Console()
    if verbose:
        pages = Table("page", "P", "R", "F1", "title", "date", "lang")
        for page in report.pages:
            marks = [_mark(page.title_match), _mark(page.date_ok), _mark(page.language_ok)]
            scores = (page.text.precision, page.text.recall, page.text.f1)
            pages.add_row(page.name, *(f"{value:.3f}" for value in scores), *marks)
        console.print(pages)
    summary = Table("metric", "value", title=f"{len(report.pages)} pages, {report.seconds:.1f} s")
    for name, value in report.metrics.items():
        summary.add_row(name, f"{value:.4f}")
    console.print(summary)
    for failure in report.failures:
        console.print(f"[red]below floor: {failure}")
    if not report.failures:
        console.print("[green]all floors hold")


def _mark(value: bool | None) -> str:
    return "-" if value is None else ("ok" if value else "MISS")


def register(app: typer.Typer) -> None:
    """Add ``extract`` and ``extract-eval`` to the platform's Typer app."""
    app.command("extract")(extract_command)
    app.command("extract-eval")(extract_eval_command)
