"""``preventia sources …``: the source registry and its compliance checks."""

from __future__ import annotations

import asyncio

import typer
from pydantic import ValidationError
from rich.table import Table

from preventia.cli.common import (
    command_session,
    console,
    fail,
    load_settings,
    open_database,
    output,
    validation_errors,
)
from preventia.collect.config import fetch_options
from preventia.collect.discover import autodiscover_feeds
from preventia.collect.fetch import Fetcher
from preventia.db import transaction
from preventia.models import SourceKind, SourceStatus
from preventia.settings import Settings
from preventia.sources.compliance import ComplianceCheck, check_compliance
from preventia.sources.defaults import install_default_sources
from preventia.sources.schemas import SourceCreate, SourceRead, SourceUpdate
from preventia.sources.service import (
    SourceError,
    add_source,
    get_source,
    list_sources,
    record_check,
    set_status,
    update_source,
)

app = typer.Typer(help="Manage news sources.", no_args_is_help=True)


def _check(settings: Settings, url: str) -> ComplianceCheck:
    async def run() -> ComplianceCheck:
        async with Fetcher(fetch_options(settings)) as fetcher:
            return await check_compliance(fetcher, url)

    return asyncio.run(run())


@app.command("add")
def add(
    url: str = typer.Argument(..., help="Feed, sitemap or listing-page URL."),
    name: str | None = typer.Option(None, help="Display name (default: the host name)."),
    country: str | None = typer.Option(None, help="Outlet country, ISO 3166-1 alpha-2."),
    language: str | None = typer.Option(None, help="Main language, ISO 639-1."),
    kind: SourceKind = typer.Option(SourceKind.FEED, help="feed, sitemap or page."),
    pattern: str | None = typer.Option(None, help="Regex article URLs must match (page kind)."),
    no_full_text: bool = typer.Option(False, help="The source's terms forbid storing full text."),
    retention_days: int | None = typer.Option(None, help="Drop stored text after N days."),
    terms_url: str | None = typer.Option(None, help="The source's terms-of-service URL."),
) -> None:
    """Register a source after checking that its robots.txt lets us fetch it."""
    try:
        data = SourceCreate(
            url=url, name=name, outlet_country=country, language=language, kind=kind,
            url_pattern=pattern, store_full_text=not no_full_text,
            retention_days=retention_days, terms_url=terms_url,
        )  # fmt: skip
    except ValidationError as exc:
        fail(validation_errors(exc))
    settings = load_settings()
    database = open_database(settings)
    try:
        check = _check(settings, data.url)
        with transaction(database.sessions) as session:
            source = add_source(session, data, check)
            summary = f"added source {source.id}: {source.name} ({source.kind.value}) {source.url}"
    except SourceError as exc:
        fail(str(exc))
    finally:
        database.dispose()
    console.print(summary, highlight=False)
    console.print(check.detail, highlight=False)


@app.command("list")
def list_command(
    all_: bool = typer.Option(False, "--all", help="Include removed sources."),
) -> None:
    """List sources with their status and health."""
    with command_session(read=True) as session:
        rows = [SourceRead.model_validate(s) for s in list_sources(session, include_removed=all_)]
    table = Table("id", "name", "kind", "lang", "country", "status", "robots", "failures", "url")
    for row in rows:
        table.add_row(
            str(row.id), row.name, row.kind.value, row.language or "", row.outlet_country or "",
            row.status.value, row.robots_status.value, str(row.consecutive_failures), row.url,
        )  # fmt: skip
    output.print(table)


@app.command("update")
def update(
    source_id: int = typer.Argument(..., help="The source id."),
    name: str | None = typer.Option(None, help="Display name."),
    country: str | None = typer.Option(None, help="Outlet country, ISO 3166-1 alpha-2."),
    language: str | None = typer.Option(None, help="Main language, ISO 639-1."),
    interval: int | None = typer.Option(None, help="Polling interval in minutes (5 to 10080)."),
    pattern: str | None = typer.Option(None, help="Regex article URLs must match."),
    full_text: bool | None = typer.Option(
        None, "--full-text/--no-full-text", help="May full text be stored?"
    ),
    retention_days: int | None = typer.Option(None, help="Drop stored text after N days."),
    terms_url: str | None = typer.Option(None, help="The source's terms-of-service URL."),
    terms_notes: str | None = typer.Option(None, help="Notes on the terms of service."),
) -> None:
    """Change a source's settings or compliance record (only the options given)."""
    given = {
        "name": name, "outlet_country": country, "language": language,
        "fetch_interval_minutes": interval, "url_pattern": pattern, "store_full_text": full_text,
        "retention_days": retention_days, "terms_url": terms_url, "terms_notes": terms_notes,
    }  # fmt: skip
    try:
        data = SourceUpdate(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        fail(validation_errors(exc))
    if not data.model_fields_set:
        fail("nothing to change: give at least one option (see --help)", 2)
    with command_session(refuse=(SourceError,)) as session:
        source = update_source(session, source_id, data)
        changed = ", ".join(sorted(data.model_fields_set))
        summary = f"updated source {source.id} ({source.name}): {changed}"
    console.print(summary, highlight=False)


@app.command("check")
def check(source_id: int = typer.Argument(..., help="The source id.")) -> None:
    """Re-run the compliance check (robots.txt, crawl-delay) of a source."""
    settings = load_settings()
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            url = get_source(session, source_id).url
        result = _check(settings, url)
        with transaction(database.sessions) as session:
            record_check(session, source_id, result)
    except SourceError as exc:
        fail(str(exc))
    finally:
        database.dispose()
    delay = f"; crawl-delay {result.crawl_delay:g} s" if result.crawl_delay else ""
    console.print(f"{result.robots_status.value}: {result.detail}{delay}", highlight=False)
    if not result.allowed:
        raise typer.Exit(1)


def _set_status(source_id: int, status: SourceStatus, reason: str | None) -> None:
    with command_session(refuse=(SourceError,)) as session:
        source = set_status(session, source_id, status, reason)
        summary = f"source {source.id} ({source.name}) is now {status.value}"
    console.print(summary, highlight=False)


@app.command("pause")
def pause(
    source_id: int = typer.Argument(..., help="The source id."),
    reason: str = typer.Option("paused by an administrator", help="Why (shown in the list)."),
) -> None:
    """Stop collecting a source until it is resumed."""
    _set_status(source_id, SourceStatus.PAUSED, reason)


@app.command("resume")
def resume(source_id: int = typer.Argument(..., help="The source id.")) -> None:
    """Collect a paused source again (its failure streak is reset)."""
    _set_status(source_id, SourceStatus.ACTIVE, None)


@app.command("remove")
def remove(source_id: int = typer.Argument(..., help="The source id.")) -> None:
    """Remove a source (soft: its articles stay, it is never collected again)."""
    _set_status(source_id, SourceStatus.REMOVED, "removed by an administrator")


@app.command("defaults")
def defaults() -> None:
    """Register the curated default sources that are not registered yet."""
    with command_session() as session:
        report = install_default_sources(session)
    console.print(
        f"default source list {report.version}: {report.inserted_count} added, "
        f"{len(report.already_registered)} already registered",
        highlight=False,
    )


@app.command("discover")
def discover_command(url: str = typer.Argument(..., help="A site's home page.")) -> None:
    """Find the feeds a home page announces, and common feed addresses to try."""
    settings = load_settings()

    async def run() -> list[str]:
        async with Fetcher(fetch_options(settings)) as fetcher:
            page = await fetcher.fetch(url, kind="page")
            if not page.ok or page.body is None:
                fail(f"could not fetch {url}: {page.outcome.value} {page.detail}")
            candidates = autodiscover_feeds(page.body, page.final_url)
            return candidates.all

    for candidate in asyncio.run(run()):
        output.print(candidate, highlight=False)
