"""``preventia jobs …``: the record of background work."""

from __future__ import annotations

import typer
from rich.table import Table

from preventia.cli.common import command_session, output
from preventia.jobs import repository
from preventia.jobs.schemas import JobRead
from preventia.models import JobStatus, JobType

app = typer.Typer(
    help="Background jobs: collection cycles, reanalyses, purges.", no_args_is_help=True
)


@app.command("list")
def list_command(
    type_: JobType | None = typer.Option(None, "--type", help="collect, reanalyze or retention."),
    status: JobStatus | None = typer.Option(None, help="queued, running, succeeded or failed."),
    limit: int = typer.Option(20, min=1, max=500, help="How many, newest first."),
) -> None:
    """List recent jobs with their timings and counts by outcome."""
    with command_session(read=True) as session:
        rows = repository.recent(session, limit, job_type=type_, status=status)
        jobs = [JobRead.model_validate(job) for job in rows]
    table = Table("id", "type", "status", "source", "started", "seconds", "counts", "error")
    for job in jobs:
        seconds = (
            f"{(job.finished_at - job.started_at).total_seconds():.1f}"
            if job.started_at and job.finished_at
            else ""
        )
        counts = ", ".join(f"{k} {v}" for k, v in sorted(job.counts.items()))
        started = job.started_at.strftime("%Y-%m-%d %H:%M:%S") if job.started_at else ""
        table.add_row(
            str(job.id), job.type.value, job.status.value, str(job.source_id or ""),
            started, seconds, counts, (job.error or "")[:60],
        )  # fmt: skip
    output.print(table)
