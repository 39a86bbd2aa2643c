"""Engine and session factories, built by the edge (lifespan, CLI, worker), never at import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from preventia.settings import Settings


@dataclass(frozen=True)
class Database:
    """The engines of one process: a primary and, optionally, a read replica."""

    engine: Engine
    sessions: sessionmaker[Session]
    read_engine: Engine
    read_sessions: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


# Connections per engine and process (10 kept + 10 more under load), and how long a request
# waits for one before it is answered 503 (api/errors.py). A request holds at most one.
POOL_SIZE, POOL_OVERFLOW, POOL_WAIT = 10, 10, 10


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and sane pragmas."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if database and database != ":memory:":  # a file: a pool sized like PostgreSQL's
            kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=POOL_WAIT)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.update(
        pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=POOL_WAIT
    )
    kwargs["connect_args"] = {"connect_timeout": 5}
    return create_engine(parsed, **kwargs)


def _snapshot(engine: Engine) -> Engine:
    """The engine whose transactions see one snapshot for all their statements: PostgreSQL's
    default (READ COMMITTED) takes a new one per statement, so an analytics answer made of
    several queries (the rollups' dirty days, then the figures) could mix two states. SQLite
    read transactions already see one snapshot (WAL)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


def build_database(settings: Settings) -> Database:
    """The primary, and the read sessions (the replica when configured, else the primary's
    pool) in snapshot transactions; read sessions are for reading only."""
    engine = make_engine(settings.database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    read_engine = (
        make_engine(settings.database_replica_url) if settings.database_replica_url else engine
    )
    read_sessions = sessionmaker(_snapshot(read_engine), expire_on_commit=False)
    return Database(engine, sessions, read_engine, read_sessions)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work owned by the edge: commit on success, roll back on error."""
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
