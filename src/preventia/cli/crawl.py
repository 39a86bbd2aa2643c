"""``preventia crawl --once`` and ``preventia retention``: collection from the command line."""

from __future__ import annotations

import asyncio

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from preventia.cli.common import console, fail, load_settings, open_database, output
from preventia.collect.config import analytics_invalidator, cycle_options, fetch_options
from preventia.collect.cycle_types import CycleReport, ProgressListener, SourceReport
from preventia.collect.fetch import Fetcher
from preventia.collect.pipeline import Collector
from preventia.db import Database, transaction
from preventia.db.base import utcnow
from preventia.settings import Settings
from preventia.sources.service import purge_expired_text


class _Bar(ProgressListener):
    """A progress bar per source, on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[int, TaskID] = {}

    def source_started(self, report: SourceReport, new_urls: int) -> None:
        self.tasks[report.source_id] = self.progress.add_task(report.name[:40], total=new_urls)

    def article_done(self, report: SourceReport, outcome: str) -> None:
        self.progress.advance(self.tasks[report.source_id])


async def _run(settings: Settings, database: Database, source_ids: list[int] | None) -> CycleReport:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        async with Fetcher(fetch_options(settings)) as fetcher:
            collector = Collector(
                database,
                fetcher,
                cycle_options(settings, source_ids),
                listener=_Bar(progress),
                on_stored=analytics_invalidator(settings, database.engine),
            )
            return await collector.run_cycle()


def _summary(report: CycleReport) -> Table:
    outcomes = sorted(report.totals)
    table = Table("source", "discovered", "new", *outcomes, "error", title="collection cycle")
    for row in report.sources:
        cells = [str(row.counts.get(o, 0)) for o in outcomes]
        error = (row.error or "")[:80] + (" [paused]" if row.paused else "")
        table.add_row(
            f"{row.source_id} {row.name}", str(row.discovered), str(row.new), *cells, error
        )
    totals = [str(report.totals.get(o, 0)) for o in outcomes]
    discovered = sum(r.discovered for r in report.sources)
    new = sum(r.new for r in report.sources)
    table.add_row("total", str(discovered), str(new), *totals, "", style="bold")
    return table


def crawl(
    once: bool = typer.Option(
        False, "--once", help="Run one full cycle in the foreground, then exit."
    ),
    source: list[int] | None = typer.Option(
        None, "--source", help="Only this source id (repeatable)."
    ),
) -> None:
    """Collect new articles from the active sources and print a summary by outcome."""
    if not once:
        fail("continuous collection runs inside `preventia serve`; use --once for one cycle", 2)
    settings = load_settings()
    database = open_database(settings)
    try:
        report = asyncio.run(_run(settings, database, source or None))
    finally:
        database.dispose()
    output.print(_summary(report))
    if source and not report.sources:
        fail(f"no active source with id {', '.join(map(str, source))}")


def retention() -> None:
    """Drop stored article text older than each source's retention days."""
    settings = load_settings()
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            purged = purge_expired_text(session, utcnow())
    finally:
        database.dispose()
    console.print(f"purged the text of {sum(purged.values())} articles from {len(purged)} sources")
