"""``preventia serve``: the API and the dashboard in one process."""

from __future__ import annotations

from typing import Any

import typer
import uvicorn

from preventia.cli.common import console, fail, load_settings, open_database
from preventia.db import migrate, transaction
from preventia.ops.logging import configure_logging
from preventia.settings import Settings
from preventia.sources.defaults import install_default_sources
from preventia.users.service import has_users


def _ensure_schema(settings: Settings) -> None:
    """SQLite (embedded) is migrated on start; PostgreSQL must be migrated as a deploy step."""
    database = open_database(settings)
    try:
        current = migrate.current_revision(database.engine)
        head = migrate.head_revision(settings.database_url)
        if current != head:
            if not settings.is_sqlite:
                fail(
                    f"PREVENTIA_DATABASE_URL: schema at {current or 'empty'}, code expects {head}; "
                    "run `preventia db upgrade` first"
                )
            migrate.upgrade(settings.database_url)
        with transaction(database.sessions) as session:
            first_run = not has_users(session)
            report = install_default_sources(session) if settings.load_default_sources else None
    finally:
        database.dispose()
    if report is not None and report.inserted_count:
        console.print(
            f"registered {report.inserted_count} default sources (list {report.version})",
            highlight=False,
        )
    if first_run:
        console.print(
            "No users yet. Create the first admin with:\n"
            "  PREVENTIA_USER_PASSWORD='<at least 12 characters>' "
            "preventia users create you@example.org --role admin",
            highlight=False,
        )


def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(
        None, help="Port to listen on (default 8000).", min=1, max=65535
    ),
    workers: int | None = typer.Option(
        None,
        help="API processes (default PREVENTIA_API__WORKERS, 1); more than one needs Redis.",
        min=1,
        max=64,
    ),
) -> None:
    """Run the API and the dashboard (http://127.0.0.1:8000 by default)."""
    settings = load_settings()
    configure_logging(settings.log.level, json_format=settings.log.json_format)
    processes = workers or settings.api.workers
    if processes > 1 and not settings.redis_url:
        fail(
            f"--workers {processes}: several API processes must share rate limits, the cache "
            "and background work through Redis; set PREVENTIA_REDIS_URL (and run "
            "`preventia scheduler` and `preventia worker`), or serve with one process"
        )
    _ensure_schema(settings)
    from preventia.api.app import create_app

    bind_host = host or settings.api.host
    bind_port = port or settings.api.port
    console.print(f"PreventIA on http://{bind_host}:{bind_port}", highlight=False)
    options: dict[str, Any] = {
        "host": bind_host,
        "port": bind_port,
        "log_config": None,
        "proxy_headers": False,
        "server_header": False,
        "timeout_graceful_shutdown": 20,
    }
    if processes > 1:  # uvicorn's process manager imports the app in each worker
        uvicorn.run(
            "preventia.api.app:app_from_environment", factory=True, workers=processes, **options
        )
        return
    background = settings.embedded_worker and not settings.redis_url
    uvicorn.run(create_app(settings, run_background=background), **options)
