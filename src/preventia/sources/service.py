"""The source registry (never commits; the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from preventia.models import Source
from preventia.sources import repository
from preventia.sources.schemas import SourceCreate


class SourceError(ValueError):
    """A source operation was refused; the message is safe to show."""


def add_source(session: Session, data: SourceCreate) -> Source:
    if repository.get_by_url(session, data.url) is not None:
        raise SourceError(f"a source with URL {data.url} already exists")
    values = data.model_dump()
    values["name"] = data.name or urlsplit(data.url).hostname or data.url
    return repository.add(session, Source(**values))


def list_sources(session: Session, *, include_removed: bool = False) -> Sequence[Source]:
    return repository.list_sources(session, include_removed=include_removed)
