"""The ``preventia`` command. Each command is a thin wrapper over a service function."""

from __future__ import annotations

import typer

from preventia import __version__
from preventia.cli import analysis, background, crawl, db, extract, jobs, nlp, serve, sources, users

app = typer.Typer(
    name="preventia",
    help="PreventIA: monitoring of breast-cancer news in Spanish and English.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(sources.app, name="sources")
app.add_typer(jobs.app, name="jobs")
app.command("serve")(serve.serve)
app.command("crawl")(crawl.crawl)
app.command("retention")(crawl.retention)
extract.register(app)
nlp.register(app)
app.command("reanalyze")(analysis.reanalyze)
app.command("worker")(background.worker)
app.command("scheduler")(background.scheduler)


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover - console entry point
    app()
