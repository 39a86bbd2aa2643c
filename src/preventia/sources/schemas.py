"""Validated input and output shapes of the source registry."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from preventia.models import Job, RobotsStatus, SourceKind, SourceStatus

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_HTTP_URL_RE = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)


def _http_url(value: str) -> str:
    value = value.strip()
    if not _HTTP_URL_RE.match(value):
        raise ValueError("must be an absolute http(s) URL")
    return value


def _country(value: str) -> str:
    value = value.strip().upper()
    if not _COUNTRY_RE.match(value):
        raise ValueError("must be an ISO 3166-1 alpha-2 code such as ES, MX or US")
    return value


def _language(value: str) -> str:
    value = value.strip().lower()
    if not _LANGUAGE_RE.match(value):
        raise ValueError("must be an ISO 639-1 code such as es or en")
    return value


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


HttpUrl = Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
Country = Annotated[str, AfterValidator(_country)]
Language = Annotated[str, AfterValidator(_language)]
UrlPattern = Annotated[str, Field(max_length=500), AfterValidator(_pattern)]
Interval = Annotated[int, Field(ge=5, le=7 * 24 * 60)]
RetentionDays = Annotated[int, Field(ge=1, le=36500)]


class SourceCreate(BaseModel):
    url: HttpUrl
    name: str | None = Field(default=None, max_length=200)
    kind: SourceKind = SourceKind.FEED
    homepage: HttpUrl | None = None
    outlet_country: Country | None = None
    language: Language | None = None
    url_pattern: UrlPattern | None = None
    fetch_interval_minutes: Interval = 30
    terms_url: HttpUrl | None = None
    terms_notes: str | None = Field(default=None, max_length=5000)
    store_full_text: bool = True
    retention_days: RetentionDays | None = None


class SourceUpdate(BaseModel):
    """Fields an admin may change; unset fields stay as they are."""

    name: str | None = Field(default=None, max_length=200)
    homepage: HttpUrl | None = None
    outlet_country: Country | None = None
    language: Language | None = None
    url_pattern: UrlPattern | None = None
    fetch_interval_minutes: Interval | None = None
    terms_url: HttpUrl | None = None
    terms_notes: str | None = Field(default=None, max_length=5000)
    store_full_text: bool | None = None
    retention_days: RetentionDays | None = None


class SourcePublic(BaseModel):
    """What every signed-in user sees of a source."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: SourceKind
    url: str
    homepage: str | None
    outlet_country: str | None
    language: str | None
    status: SourceStatus


class SourceRead(SourcePublic):
    """The full record, with the compliance record and health (admins)."""

    status_reason: str | None
    fetch_interval_minutes: int
    url_pattern: str | None
    terms_url: str | None
    terms_notes: str | None
    is_default: bool
    total_fetches: int
    total_failures: int
    last_polled_at: datetime | None
    poll_interval_minutes: int | None
    robots_status: RobotsStatus
    robots_rule: str | None
    robots_checked_at: datetime | None
    crawl_delay_seconds: float | None
    store_full_text: bool
    retention_days: int | None
    consecutive_failures: int
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    outcome_counts: dict[str, int] = Field(default_factory=dict)


class FetchHistoryEntry(BaseModel):
    """One collection of one source."""

    model_config = ConfigDict(from_attributes=True)

    job_id: int
    started_at: datetime | None
    finished_at: datetime | None
    status: str
    counts: dict[str, int]
    error: str | None

    @classmethod
    def of(cls, job: Job) -> FetchHistoryEntry:
        return cls(
            job_id=job.id,
            started_at=job.started_at,
            finished_at=job.finished_at,
            status=job.status.value,
            counts=dict(job.counts or {}),
            error=job.error,
        )
