"""``preventia db …``: schema migrations and the analytics rollups."""

from __future__ import annotations

import typer

from preventia.analytics import rollups
from preventia.cli.common import command_session, console, fail, load_settings, open_database
from preventia.db import migrate

app = typer.Typer(
    help="Database schema migrations (Alembic) and analytics rollups.", no_args_is_help=True
)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = load_settings()
    open_database(settings).dispose()
    try:
        migrate.upgrade(settings.database_url, revision)
    except Exception as exc:
        fail(f"migration failed: {type(exc).__name__}: {exc}")
    console.print(f"database at revision {revision}")


@app.command("downgrade")
def downgrade(
    revision: str = typer.Argument("-1", help="Target revision (-1 = one step, base = empty)."),
) -> None:
    """Revert migrations down to REVISION."""
    settings = load_settings()
    open_database(settings).dispose()
    try:
        migrate.downgrade(settings.database_url, revision)
    except Exception as exc:
        fail(f"migration failed: {type(exc).__name__}: {exc}")
    console.print(f"database downgraded to {revision}")


@app.command("current")
def current() -> None:
    """Print the revision the database is at and the latest one."""
    settings = load_settings()
    database = open_database(settings)
    try:
        now = migrate.current_revision(database.engine)
    finally:
        database.dispose()
    typer.echo(f"current: {now or 'empty'}  head: {migrate.head_revision(settings.database_url)}")


@app.command("refresh-rollups")
def refresh_rollups(
    full: bool = typer.Option(
        False, "--full", help="Rebuild every rollup row, not only dirty days."
    ),
) -> None:
    """Recompute the analytics rollups of the days changed since the last refresh."""
    with command_session() as session:
        result = rollups.refresh_rollups(session, full=full)
    what = "rebuilt" if result.full else "refreshed"
    console.print(f"analytics rollups {what}: {result.days} days, {result.months} months")
