"""Analytics routes: every one takes the article filters of ``GET /articles`` and is cached.

A route opens its read session only when the cache cannot answer (``_figures``): a cache hit
costs no database work and no extra thread hand-off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from preventia.analytics import service
from preventia.analytics.cache import AnalyticsCache, cache_of
from preventia.analytics.schemas import (
    CompareParams,
    Comparison,
    Dimension,
    Distribution,
    DistributionParams,
    KeywordParams,
    KeywordTable,
    Summary,
    Timeline,
    TimelineParams,
    TopicToneTable,
)
from preventia.articles.filters import ArticleFilters
from preventia.articles.schemas import problems
from preventia.auth.dependencies import Viewer
from preventia.db import transaction

router = APIRouter(prefix="/analytics", tags=["analytics"])
T = TypeVar("T")


async def _read_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.db.read_sessions
    return sessions


ReadSessions = Annotated[sessionmaker[Session], Depends(_read_sessions)]
Cache = Annotated[AnalyticsCache, Depends(cache_of)]


def _figures(sessions: sessionmaker[Session], compute: Callable[[Session], T]) -> Callable[[], T]:
    """``compute`` in a read transaction of its own, opened only when called (a cache miss)."""

    def run() -> T:
        with transaction(sessions) as session:
            return compute(session)

    return run


_CACHED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the figures",
        "headers": {
            "X-Cache": {"description": "hit, miss or bypass", "schema": {"type": "string"}}
        },
    },
    **problems(401, 403, 422, 429),
}


@router.get("/summary", response_model=Summary, responses=_CACHED)
def summary(
    _user: Viewer, params: Annotated[ArticleFilters, Query()], sessions: ReadSessions, cache: Cache
) -> Response:
    """Articles, unique stories, sources, story countries and the share of each tone."""
    figures = _figures(sessions, lambda s: service.summary(s, params))
    return cache.respond("summary", params, figures)


@router.get("/distributions/{dimension}", response_model=Distribution, responses=_CACHED)
def distribution(
    _user: Viewer,
    dimension: Annotated[Dimension, Path(description="what to count articles by")],
    params: Annotated[DistributionParams, Query()],
    sessions: ReadSessions,
    cache: Cache,
) -> Response:
    """Articles by tone, topic, story country, outlet country, language or source."""
    return cache.respond(
        f"distribution:{dimension.value}",
        params,
        _figures(sessions, lambda s: service.distribution(s, dimension, params)),
    )


@router.get("/timeline", response_model=Timeline, responses=_CACHED)
def timeline(
    _user: Viewer, params: Annotated[TimelineParams, Query()], sessions: ReadSessions, cache: Cache
) -> Response:
    """Articles per day, ISO week or month (by publication date) with tone and topic counts."""
    figures = _figures(sessions, lambda s: service.timeline(s, params))
    return cache.respond("timeline", params, figures)


@router.get("/topic-tone", response_model=TopicToneTable, responses=_CACHED)
def topic_tone(
    _user: Viewer, params: Annotated[ArticleFilters, Query()], sessions: ReadSessions, cache: Cache
) -> Response:
    """For each topic, its articles by tone."""
    figures = _figures(sessions, lambda s: service.topic_tone(s, params))
    return cache.respond("topic-tone", params, figures)


@router.get("/compare", response_model=Comparison, responses=_CACHED)
def compare(
    _user: Viewer, params: Annotated[CompareParams, Query()], sessions: ReadSessions, cache: Cache
) -> Response:
    """Two periods side by side: counts, shares and their change, in total, by tone and topic."""
    figures = _figures(sessions, lambda s: service.compare(s, params))
    return cache.respond("compare", params, figures)


@router.get("/keywords", response_model=KeywordTable, responses=_CACHED)
def keywords(
    _user: Viewer, params: Annotated[KeywordParams, Query()], sessions: ReadSessions, cache: Cache
) -> Response:
    """The keywords or entities found in most of the matching articles."""
    figures = _figures(sessions, lambda s: service.keywords(s, params))
    return cache.respond("keywords", params, figures)
