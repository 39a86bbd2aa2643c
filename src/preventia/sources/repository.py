"""All SQL about sources."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from preventia.models import Source, SourceStatus


def get(session: Session, source_id: int) -> Source | None:
    return session.get(Source, source_id)


def get_by_url(session: Session, url: str) -> Source | None:
    return session.scalar(select(Source).where(Source.url == url))


def add(session: Session, source: Source) -> Source:
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session, *, include_removed: bool = False) -> Sequence[Source]:
    query = select(Source).order_by(Source.id)
    if not include_removed:
        query = query.where(Source.status != SourceStatus.REMOVED)
    return session.scalars(query).all()
