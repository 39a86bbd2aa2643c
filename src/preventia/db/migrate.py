"""Run the Alembic migrations from code (CLI, tests, start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_REPO_ROOT = Path(__file__).resolve().parents[3]


class MigrationsNotFoundError(RuntimeError):
    pass


def alembic_config(database_url: str) -> Config:
    ini = _REPO_ROOT / "alembic.ini"
    if not ini.is_file():
        raise MigrationsNotFoundError(f"alembic.ini not found at {ini}")
    config = Config(str(ini))
    config.set_main_option("script_location", str(_REPO_ROOT / "migrations"))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
