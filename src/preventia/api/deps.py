"""Request dependencies: the database session of a request (the edge owns the transaction)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from preventia.db import transaction
from preventia.settings import Settings


def db_session(request: Request) -> Iterator[Session]:
    """A session committed when the route returns, rolled back when it raises.

    Always depend on it with ``scope="function"``: the commit then happens before the
    response is sent (FastAPI's default request scope would commit afterwards, so a client
    could see an answer for a write that then fails)."""
    with transaction(request.app.state.db.sessions) as session:
        yield session


def read_session(request: Request) -> Iterator[Session]:
    """A session on the read replica when one is configured (analytics, lists)."""
    with transaction(request.app.state.db.read_sessions) as session:
        yield session


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str | None:
    """The client's address; ``X-Forwarded-For`` is believed only from a trusted proxy."""
    peer = request.client.host if request.client else None
    trusted = settings_of(request).api.trusted_proxies
    forwarded = request.headers.get("x-forwarded-for")
    if peer is not None and peer in trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # The right-most address not belonging to a trusted proxy is the client.
        for hop in reversed(hops):
            if hop not in trusted:
                return hop[:64]
    return peer
