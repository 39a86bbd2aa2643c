"""One settings object for the whole platform (environment prefix ``PREVENTIA_``).

Flat, contract-level names (``PREVENTIA_DATABASE_URL``, ``PREVENTIA_REDIS_URL``,
``PREVENTIA_JWT_SECRET``, ``PREVENTIA_ALLOW_PRIVATE_NETWORKS``) are kept at the top
level because outside tools rely on them; the rest lives in nested groups set with a
double underscore, e.g. ``PREVENTIA_CRAWL__MIN_DELAY_SECONDS=2``.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from limits import parse as parse_rate_limit
from pydantic import (
    BaseModel,
    Field,
    IPvAnyNetwork,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me"  # noqa: S105 - the known default we refuse in production
MIN_SECRET_LENGTH = 32
DEFAULT_DATABASE_URL = "sqlite:///./data/preventia.db"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ApiSettings(BaseModel):
    """HTTP server and API behaviour."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # API processes of `preventia serve` on this machine; more than one needs Redis (shared
    # rate limits, cache and background work) and runs no embedded worker.
    workers: int = Field(default=1, ge=1, le=64)
    cors_origins: list[str] = Field(default_factory=list)
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    access_token_minutes: int = Field(default=24 * 60, ge=1)
    refresh_token_days: int = Field(default=14, ge=1)
    # Per-client limits in the ``limits`` notation ("N per [M] second|minute|hour|day"): the
    # whole API (a moving window: 20 per 2 seconds = a burst of 20, 10/s sustained), and login
    # and password-change attempts per client address and per account.
    rate_limit: str = "20 per 2 seconds"
    login_rate_limit: str = "5 per minute"
    dashboard_dir: Path | None = None  # default: the built dashboard shipped in the package

    @field_validator("rate_limit", "login_rate_limit")
    @classmethod
    def _rate_limit_notation(cls, value: str) -> str:
        try:
            amount = parse_rate_limit(value).amount
        except ValueError:
            amount = 0
        if amount < 1:
            raise ValueError(
                f"{value!r} is not a rate limit; write e.g. '20 per 2 seconds' or '5 per minute'"
            )
        return value


class CrawlSettings(BaseModel):
    """Politeness and safety limits of the collector."""

    user_agent: str = (
        "PreventIA-bot/0.1 (+https://github.com/preventia/preventia; media monitoring)"
    )
    min_delay_seconds: float = Field(default=2.0, ge=0)
    jitter_seconds: float = Field(default=0.5, ge=0)
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    total_timeout: float = Field(default=60.0, gt=0)
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_decompressed_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    max_retries: int = Field(default=3, ge=0, le=10)
    robots_cache_hours: float = Field(default=24.0, gt=0, le=24)
    default_interval_minutes: int = Field(default=30, ge=1)
    failures_before_pause: int = Field(default=5, ge=1)
    # Networks the SSRF guard lets through although they are private (e.g. ["127.0.0.0/8"] for a
    # loopback test site); narrower than PREVENTIA_ALLOW_PRIVATE_NETWORKS, which opens them all.
    allowed_networks: list[IPvAnyNetwork] = Field(default_factory=list)
    min_article_words: int = Field(default=60, ge=1)
    max_articles_per_source: int = Field(default=100, ge=1)
    parallel_sources: int = Field(default=8, ge=1, le=64)


class WorkerSettings(BaseModel):
    """Background workers (Dramatiq over Redis) and the scheduler."""

    processes: int = Field(default=1, ge=1, le=64)
    threads: int = Field(default=4, ge=1, le=64)
    # A worker silent this long is presumed dead and its unfinished messages are redelivered.
    heartbeat_seconds: float = Field(default=60.0, ge=1)
    scheduler_tick_seconds: float = Field(default=30.0, ge=0.1)
    # Transient failures are retried this often (backoff from 2 s doubling, capped at
    # 10 min), then the message goes to the dead-letter queue.
    max_retries: int = Field(default=8, ge=0, le=50)


class LogSettings(BaseModel):
    level: str = "INFO"
    json_format: bool = True

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return upper


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PREVENTIA_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    env: Environment = Environment.DEVELOPMENT
    database_url: str = DEFAULT_DATABASE_URL
    database_replica_url: str | None = None
    allow_sqlite_in_production: bool = False
    redis_url: str | None = None
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_algorithm: str = "HS256"
    allow_private_networks: bool = False
    data_dir: Path = Path("./data")
    embedded_worker: bool = True
    load_default_sources: bool = True

    api: ApiSettings = Field(default_factory=ApiSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    log: LogSettings = Field(default_factory=LogSettings)

    @field_validator("database_url", "database_replica_url")
    @classmethod
    def _valid_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL ({exc})") from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r}; use sqlite or postgresql"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _valid_redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("jwt_algorithm")
    @classmethod
    def _pinned_algorithm(cls, value: str) -> str:
        if value not in {"HS256", "HS384", "HS512"}:
            raise ValueError("must be one of HS256, HS384, HS512")
        return value

    @model_validator(mode="after")
    def _production_guards(self) -> Settings:
        if self.env is not Environment.PRODUCTION:
            return self
        secret = self.jwt_secret.get_secret_value()
        if secret == DEV_JWT_SECRET or len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"PREVENTIA_JWT_SECRET: production needs a random secret of at least "
                f"{MIN_SECRET_LENGTH} characters, not the default"
            )
        if self.is_sqlite and not self.allow_sqlite_in_production:
            raise ValueError(
                "PREVENTIA_DATABASE_URL: SQLite in production needs "
                "PREVENTIA_ALLOW_SQLITE_IN_PRODUCTION=true"
            )
        if self.allow_private_networks or self.crawl.allowed_networks:
            raise ValueError(
                "PREVENTIA_ALLOW_PRIVATE_NETWORKS / PREVENTIA_CRAWL__ALLOWED_NETWORKS: "
                "private networks must stay closed in production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
