"""Saved-search logic (never commits). Another user's search is reported as not found."""

from __future__ import annotations

from sqlalchemy.orm import Session

from preventia.articles.filters import ArticleFilters
from preventia.models import SavedSearch, User
from preventia.searches import repository
from preventia.searches.schemas import SavedSearchIn, SavedSearchOut, SavedSearchUpdate


class SearchNotFound(LookupError):
    pass


class NameTaken(ValueError):
    pass


def _out(search: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(
        id=search.id,
        name=search.name,
        filters=ArticleFilters.model_validate(search.filters),
        created_at=search.created_at,
        updated_at=search.updated_at,
    )


def _stored(filters: ArticleFilters) -> dict[str, object]:
    return filters.model_dump(mode="json", exclude_defaults=True)


def list_searches(session: Session, user: User) -> list[SavedSearchOut]:
    return [_out(s) for s in repository.list_for(session, user.id)]


def get_search(session: Session, user: User, search_id: int) -> SavedSearchOut:
    return _out(_own(session, user, search_id))


def _own(session: Session, user: User, search_id: int) -> SavedSearch:
    search = repository.get_for(session, user.id, search_id)
    if search is None:
        raise SearchNotFound(search_id)
    return search


def create_search(session: Session, user: User, data: SavedSearchIn) -> SavedSearchOut:
    if repository.name_taken(session, user.id, data.name):
        raise NameTaken(data.name)
    search = SavedSearch(user_id=user.id, name=data.name, filters=_stored(data.filters))
    return _out(repository.add(session, search))


def update_search(
    session: Session, user: User, search_id: int, data: SavedSearchUpdate
) -> SavedSearchOut:
    search = _own(session, user, search_id)
    if data.name is not None:
        if repository.name_taken(session, user.id, data.name, except_id=search.id):
            raise NameTaken(data.name)
        search.name = data.name
    if data.filters is not None:
        search.filters = _stored(data.filters)
    session.flush()
    return _out(search)


def delete_search(session: Session, user: User, search_id: int) -> None:
    repository.delete(session, _own(session, user, search_id))
