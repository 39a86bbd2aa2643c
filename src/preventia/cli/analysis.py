"""``preventia reanalyze``: run the current analysis again over stored articles."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from preventia.articles.reanalysis import ReanalysisOptions, count_candidates, reanalyse_batch
from preventia.cli.common import console, fail, load_settings, open_database
from preventia.db import transaction
from preventia.jobs import repository as jobs_repository
from preventia.models import JobStatus, JobType


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since: not a date (use YYYY-MM-DD): {value!r}", 2)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def reanalyze(
    since: str | None = typer.Option(None, help="Only articles fetched on or after this date."),
    source: int | None = typer.Option(None, help="Only articles of this source id."),
    batch_size: int = typer.Option(200, min=1, max=5000, help="Articles per transaction."),
    force: bool = typer.Option(False, help="Also articles already analysed by the current models."),
) -> None:
    """Re-run the analysis on stored articles (resumable: finished ones are skipped)."""
    options = ReanalysisOptions(_since(since), source, batch_size, force)
    settings = load_settings()
    database = open_database(settings)
    updated = unchanged = 0
    try:
        with transaction(database.sessions) as session:
            total = count_candidates(session, options)
            job_id = jobs_repository.start(session, JobType.REANALYZE, source_id=source).id
        columns = (TextColumn("reanalysing"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("articles", total=total)
            after = 0
            while True:
                with transaction(database.sessions) as session:
                    batch = reanalyse_batch(session, after, options)
                if batch.done:
                    break
                after = batch.last_id
                updated, unchanged = updated + batch.updated, unchanged + batch.unchanged
                progress.advance(task, batch.seen)
        with transaction(database.sessions) as session:
            counts = {"updated": updated, "unchanged": unchanged}
            jobs_repository.finish(session, job_id, JobStatus.SUCCEEDED, counts)
    finally:
        database.dispose()
    console.print(f"reanalysed {updated} articles; {unchanged} were already current")
