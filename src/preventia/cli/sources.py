"""``preventia sources …``: the source registry."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.table import Table

from preventia.cli.common import (
    console,
    fail,
    load_settings,
    open_database,
    output,
    validation_errors,
)
from preventia.db import transaction
from preventia.models import SourceKind
from preventia.sources.schemas import SourceCreate, SourceRead
from preventia.sources.service import SourceError, add_source, list_sources

app = typer.Typer(help="Manage news sources.", no_args_is_help=True)


@app.command("add")
def add(
    url: str = typer.Argument(..., help="Feed, sitemap or listing-page URL."),
    name: str | None = typer.Option(None, help="Display name (default: the host name)."),
    country: str | None = typer.Option(None, help="Outlet country, ISO 3166-1 alpha-2."),
    language: str | None = typer.Option(None, help="Main language, ISO 639-1."),
    kind: SourceKind = typer.Option(SourceKind.FEED, help="feed, sitemap or page."),
) -> None:
    """Register a source."""
    try:
        data = SourceCreate(
            url=url, name=name, outlet_country=country, language=language, kind=kind
        )
    except ValidationError as exc:
        fail(validation_errors(exc))
    settings = load_settings()
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            source = add_source(session, data)
            summary = f"added source {source.id}: {source.name} ({source.kind.value}) {source.url}"
    except SourceError as exc:
        fail(str(exc))
    finally:
        database.dispose()
    console.print(summary)


@app.command("list")
def list_command(
    all_: bool = typer.Option(False, "--all", help="Include removed sources."),
) -> None:
    """List sources with their status and health."""
    settings = load_settings()
    database = open_database(settings)
    try:
        with transaction(database.read_sessions) as session:
            rows = [
                SourceRead.model_validate(s) for s in list_sources(session, include_removed=all_)
            ]
    finally:
        database.dispose()
    table = Table("id", "name", "kind", "lang", "country", "status", "robots", "failures", "url")
    for row in rows:
        table.add_row(
            str(row.id),
            row.name,
            row.kind.value,
            row.language or "",
            row.outlet_country or "",
            row.status.value,
            row.robots_status.value,
            str(row.consecutive_failures),
            row.url,
        )
    output.print(table)
