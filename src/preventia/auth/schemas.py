"""Request and response bodies of ``/auth``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from preventia.auth.passwords import MAX_PASSWORD_LENGTH


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "ana@example.org", "password": "a long passphrase"}]
        },
    )

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class TokenPair(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.sig",
                    "refresh_token": "q0zL1o5Zx7…",
                    "token_type": "bearer",
                    "expires_in": 86400,
                }
            ]
        }
    )

    access_token: str = Field(description="Send as `Authorization: Bearer <access_token>`.")
    refresh_token: str = Field(description="Opaque; exchange once at POST /auth/refresh.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Lifetime of the access token in seconds.")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"refresh_token": "q0zL1o5Zx7…"}]}
    )

    refresh_token: str = Field(min_length=1, max_length=512)


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"current_password": "the old passphrase", "new_password": "a new long passphrase"}
            ]
        },
    )

    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 12 characters, not a common password, not the email address.",
    )
