"""What every command shares: settings loading with one-line errors, the console, exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.orm import Session

from preventia.db import Database, build_database, ping, transaction
from preventia.settings import Settings, get_settings

console = Console(stderr=True, soft_wrap=True)
# Tables on stdout keep their columns when piped to a file or another program.
output = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit with ``code`` (no traceback)."""
    console.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def setting_errors(exc: ValidationError) -> str:
    """One line naming each setting and its problem, e.g. ``PREVENTIA_DATABASE_URL: ...``."""
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if loc:
            name = "PREVENTIA_" + "__".join(loc).upper()
            parts.append(f"{name}: {message}")
        else:
            parts.append(message)
    return "; ".join(parts)


def validation_errors(exc: ValidationError) -> str:
    """One line naming each invalid field of a command's input."""
    return "; ".join(
        f"{'.'.join(map(str, e['loc']))}: {str(e['msg']).removeprefix('Value error, ')}"
        for e in exc.errors()
    )


def load_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        fail(f"invalid settings: {setting_errors(exc)}", code=2)


def open_database(settings: Settings, *, check: bool = True) -> Database:
    """Build the engines and, with ``check``, fail with one line when the database is down."""
    try:
        database = build_database(settings)
    except Exception as exc:  # a bad URL or a missing driver: one line, no traceback
        fail(f"PREVENTIA_DATABASE_URL: cannot use this database ({type(exc).__name__}: {exc})")
    if check:
        try:
            ping(database.engine)
        except Exception as exc:
            database.dispose()
            reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            fail(f"PREVENTIA_DATABASE_URL: database unreachable ({type(exc).__name__}: {reason})")
    return database


@contextmanager
def command_session(
    *, read: bool = False, refuse: tuple[type[Exception], ...] = ()
) -> Iterator[Session]:
    """One transaction of a command on its own engines (disposed after). Errors of the
    types in ``refuse`` are the service saying no: one line, exit 1, nothing changed."""
    database = open_database(load_settings())
    try:
        with transaction(database.read_sessions if read else database.sessions) as session:
            yield session
    except refuse as exc:
        fail(str(exc))
    finally:
        database.dispose()


def is_interactive() -> bool:
    return sys.stdin.isatty()
