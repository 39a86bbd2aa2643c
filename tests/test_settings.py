from __future__ import annotations

import pytest
from pydantic import ValidationError

from preventia.settings import DEV_JWT_SECRET, Settings

STRONG = "x" * 16 + "Yz09-_strong-secret!"


def test_defaults_are_embedded_sqlite_without_redis() -> None:
    settings = Settings()
    assert settings.is_sqlite
    assert settings.database_url.startswith("sqlite:///./data/")
    assert settings.redis_url is None
    assert settings.allow_private_networks is False
    assert settings.crawl.min_delay_seconds >= 1
    assert settings.api.access_token_minutes == 24 * 60


def test_environment_variables_and_nested_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", "postgresql+psycopg://u@db:5432/preventia")
    monkeypatch.setenv("PREVENTIA_REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("PREVENTIA_CRAWL__MIN_DELAY_SECONDS", "3.5")
    monkeypatch.setenv("PREVENTIA_API__PORT", "9000")
    settings = Settings()
    assert not settings.is_sqlite
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.crawl.min_delay_seconds == 3.5
    assert settings.api.port == 9000


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("PREVENTIA_DATABASE_URL", "not a url", "database_url"),
        ("PREVENTIA_DATABASE_URL", "mysql://u@h/db", "unsupported database"),
        ("PREVENTIA_REDIS_URL", "http://cache", "redis://"),
        ("PREVENTIA_JWT_ALGORITHM", "none", "HS256"),
        ("PREVENTIA_API__PORT", "70000", "port"),
        ("PREVENTIA_LOG__LEVEL", "LOUD", "log level"),
    ],
)
def test_invalid_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, needle: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as info:
        Settings()
    assert needle in str(info.value)


def test_production_refuses_default_or_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_ENV", "production")
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", "postgresql+psycopg://u@db/p")
    with pytest.raises(ValidationError, match="PREVENTIA_JWT_SECRET"):
        Settings()
    monkeypatch.setenv("PREVENTIA_JWT_SECRET", DEV_JWT_SECRET)
    with pytest.raises(ValidationError, match="PREVENTIA_JWT_SECRET"):
        Settings()
    monkeypatch.setenv("PREVENTIA_JWT_SECRET", "short-secret")
    with pytest.raises(ValidationError, match="at least 32"):
        Settings()
    monkeypatch.setenv("PREVENTIA_JWT_SECRET", STRONG)
    assert Settings().env.value == "production"


def test_production_refuses_sqlite_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_ENV", "production")
    monkeypatch.setenv("PREVENTIA_JWT_SECRET", STRONG)
    with pytest.raises(ValidationError, match="PREVENTIA_ALLOW_SQLITE_IN_PRODUCTION"):
        Settings()
    monkeypatch.setenv("PREVENTIA_ALLOW_SQLITE_IN_PRODUCTION", "true")
    assert Settings().is_sqlite


def test_production_refuses_private_network_access(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_ENV", "production")
    monkeypatch.setenv("PREVENTIA_JWT_SECRET", STRONG)
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", "postgresql+psycopg://u@db/p")
    monkeypatch.setenv("PREVENTIA_ALLOW_PRIVATE_NETWORKS", "true")
    with pytest.raises(ValidationError, match="PREVENTIA_ALLOW_PRIVATE_NETWORKS"):
        Settings()


def test_secret_is_not_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_JWT_SECRET", STRONG)
    settings = Settings()
    assert STRONG not in repr(settings)
    assert STRONG not in str(settings.model_dump())
