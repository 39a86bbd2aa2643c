"""Audit log schemas: the filters of the admin listing and the entries it returns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_PAGE_SIZE = 200


class AuditFilters(BaseModel):
    """Filters of ``GET /audit``; every one is optional and they combine with AND."""

    model_config = ConfigDict(extra="forbid")

    action: str | None = Field(
        default=None,
        max_length=80,
        description="Exact action, or a prefix ending in '*' (e.g. 'auth.*').",
        examples=["auth.login_failed"],
    )
    actor_id: int | None = Field(default=None, ge=1, description="Id of the acting user.")
    actor_email: str | None = Field(default=None, max_length=320, examples=["ana@example.org"])
    object_type: str | None = Field(default=None, max_length=40, examples=["user"])
    object_id: str | None = Field(default=None, max_length=80, examples=["42"])
    since: datetime | None = Field(default=None, description="Entries at or after this instant.")
    until: datetime | None = Field(default=None, description="Entries before this instant.")
    cursor: int | None = Field(
        default=None,
        ge=1,
        description="`next_cursor` of the previous page (entries older than it).",
    )
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A date without a zone is read as UTC."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class AuditEntry(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 17,
                    "at": "2026-11-02T09:14:03Z",
                    "actor_id": 1,
                    "actor_email": "admin@example.org",
                    "action": "user.role_changed",
                    "object_type": "user",
                    "object_id": "4",
                    "client_address": "203.0.113.7",
                    "details": {"from": "viewer", "to": "analyst"},
                }
            ]
        },
    )

    id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    action: str
    object_type: str | None
    object_id: str | None
    client_address: str | None
    details: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: int | None = Field(
        description="Pass as `cursor` for the next (older) page; null on the last page."
    )
