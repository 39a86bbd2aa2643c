from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from preventia.db import Database, build_database, migrate
from preventia.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A committed-to database of each kind, built by the migrations."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    migrate.upgrade(url)
    db = build_database(Settings(database_url=url))
    yield db
    db.dispose()
