"""Request and response bodies of ``/users`` and ``/auth/me``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from preventia.auth.passwords import MAX_PASSWORD_LENGTH
from preventia.models import Role

MAX_PAGE_SIZE = 200
_POLICY_HELP = "At least 12 characters, not a common password, not the email address."


class UserOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 4,
                    "email": "ana@example.org",
                    "role": "analyst",
                    "is_active": True,
                    "last_login_at": "2026-11-02T09:14:03Z",
                    "failed_login_count": 0,
                    "created_at": "2026-10-01T08:00:00Z",
                }
            ]
        },
    )

    id: int
    email: str
    role: Role
    is_active: bool
    last_login_at: datetime | None
    failed_login_count: int
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"email": "ana@example.org", "password": "a long passphrase", "role": "analyst"}
            ]
        },
    )

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH, description=_POLICY_HELP)
    role: Role = Role.VIEWER


class UserUpdate(BaseModel):
    """Change the role and/or (de)activate; at least one field."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "admin"}, {"is_active": False}]},
    )

    role: Role | None = None
    is_active: bool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"new_password": "a new long passphrase"}]}
    )

    new_password: str = Field(
        min_length=1, max_length=MAX_PASSWORD_LENGTH, description=_POLICY_HELP
    )


class UserFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
