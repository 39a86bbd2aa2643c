"""Access tokens (JWT, pinned algorithm) and opaque refresh tokens (stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from preventia.db.base import utcnow
from preventia.models import Role
from preventia.settings import Settings

ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "role", "typ", "sid"]


class InvalidTokenError(Exception):
    """The token is missing, malformed, expired, forged or of the wrong kind."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    role: Role
    jti: str
    session_id: str
    issued_at: datetime
    expires_at: datetime


def new_session_id() -> str:
    """The id of a new login session (shared by its refresh tokens and access tokens)."""
    return uuid.uuid4().hex


def create_access_token(
    user_id: int,
    role: Role,
    settings: Settings,
    *,
    session_id: str,
    now: datetime | None = None,
) -> tuple[str, int]:
    """A signed access token of a login session and its lifetime in seconds."""
    issued = now or utcnow()
    lifetime = timedelta(minutes=settings.api.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "role": role.value,
        "typ": ACCESS_TYPE,
        "sid": session_id,
        "jti": uuid.uuid4().hex,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    key = settings.jwt_secret.get_secret_value()
    return jwt.encode(claims, key, algorithm=settings.jwt_algorithm), int(lifetime.total_seconds())


def decode_access_token(token: str, settings: Settings) -> AccessClaims:
    """Verify signature (only the pinned algorithm), expiry and required claims."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": REQUIRED_CLAIMS},
        )
        if claims["typ"] != ACCESS_TYPE:
            raise InvalidTokenError("not an access token")
        return AccessClaims(
            user_id=int(claims["sub"]),
            role=Role(claims["role"]),
            jti=str(claims["jti"]),
            session_id=str(claims["sid"]),
            issued_at=datetime.fromtimestamp(int(claims["iat"]), tz=utcnow().tzinfo),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo),
        )
    except InvalidTokenError:
        raise
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise InvalidTokenError(type(exc).__name__) from None


def new_refresh_token() -> tuple[str, str]:
    """A random refresh token and the hash under which it is stored."""
    token = secrets.token_urlsafe(48)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
