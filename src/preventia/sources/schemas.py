"""Validated input and output shapes of the source registry."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from preventia.models import RobotsStatus, SourceKind, SourceStatus

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")


class SourceCreate(BaseModel):
    url: str = Field(max_length=2048)
    name: str | None = Field(default=None, max_length=200)
    kind: SourceKind = SourceKind.FEED
    homepage: str | None = Field(default=None, max_length=2048)
    outlet_country: str | None = None
    language: str | None = None
    url_pattern: str | None = Field(default=None, max_length=500)
    fetch_interval_minutes: int = Field(default=30, ge=5, le=7 * 24 * 60)
    terms_url: str | None = Field(default=None, max_length=2048)
    terms_notes: str | None = Field(default=None, max_length=5000)
    store_full_text: bool = True
    retention_days: int | None = Field(default=None, ge=1, le=36500)

    @field_validator("url", "homepage", "terms_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not re.match(r"^https?://[^\s/?#]+", value, re.IGNORECASE):
            raise ValueError("must be an absolute http(s) URL")
        return value

    @field_validator("outlet_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        if not _COUNTRY_RE.match(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 code such as ES, MX or US")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        if not _LANGUAGE_RE.match(value):
            raise ValueError("must be an ISO 639-1 code such as es or en")
        return value

    @field_validator("url_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class SourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: SourceKind
    url: str
    homepage: str | None
    outlet_country: str | None
    language: str | None
    status: SourceStatus
    status_reason: str | None
    fetch_interval_minutes: int
    robots_status: RobotsStatus
    robots_checked_at: datetime | None
    crawl_delay_seconds: float | None
    store_full_text: bool
    retention_days: int | None
    consecutive_failures: int
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
