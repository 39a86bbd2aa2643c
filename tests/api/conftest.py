from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from preventia.api.app import create_app
from preventia.settings import Settings


@pytest.fixture
def client(migrated_url: str) -> Iterator[TestClient]:
    """The real app on each real database kind, lifespan included."""
    settings = Settings(database_url=migrated_url)
    with TestClient(create_app(settings)) as test_client:
        yield test_client
