"""All SQL of saved searches; every query is scoped to the owner."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from preventia.models import SavedSearch


def list_for(session: Session, user_id: int) -> Sequence[SavedSearch]:
    query = select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.name)
    return session.scalars(query).all()


def get_for(session: Session, user_id: int, search_id: int) -> SavedSearch | None:
    query = select(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user_id)
    return session.scalar(query)


def name_taken(session: Session, user_id: int, name: str, except_id: int | None = None) -> bool:
    query = select(SavedSearch.id).where(SavedSearch.user_id == user_id, SavedSearch.name == name)
    if except_id is not None:
        query = query.where(SavedSearch.id != except_id)
    return session.scalar(query.limit(1)) is not None


def add(session: Session, search: SavedSearch) -> SavedSearch:
    session.add(search)
    session.flush()
    return search


def delete(session: Session, search: SavedSearch) -> None:
    session.delete(search)
    session.flush()
