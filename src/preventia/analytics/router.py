"""Analytics routes: every one takes the article filters of ``GET /articles`` and is cached."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.orm import Session

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
from preventia.api.deps import read_session
from preventia.articles.filters import ArticleFilters
from preventia.articles.schemas import problems
from preventia.auth.dependencies import Viewer

router = APIRouter(prefix="/analytics", tags=["analytics"])
ReadSession = Annotated[Session, Depends(read_session, scope="function")]
Cache = Annotated[AnalyticsCache, Depends(cache_of)]
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
    _user: Viewer, params: Annotated[ArticleFilters, Query()], session: ReadSession, cache: Cache
) -> Response:
    """Articles, unique stories, sources, story countries and the share of each tone."""
    return cache.respond("summary", params, lambda: service.summary(session, params))


@router.get("/distributions/{dimension}", response_model=Distribution, responses=_CACHED)
def distribution(
    _user: Viewer,
    dimension: Annotated[Dimension, Path(description="what to count articles by")],
    params: Annotated[DistributionParams, Query()],
    session: ReadSession,
    cache: Cache,
) -> Response:
    """Articles by tone, topic, story country, outlet country, language or source."""
    return cache.respond(
        f"distribution:{dimension.value}",
        params,
        lambda: service.distribution(session, dimension, params),
    )


@router.get("/timeline", response_model=Timeline, responses=_CACHED)
def timeline(
    _user: Viewer, params: Annotated[TimelineParams, Query()], session: ReadSession, cache: Cache
) -> Response:
    """Articles per day, ISO week or month (by publication date) with tone and topic counts."""
    return cache.respond("timeline", params, lambda: service.timeline(session, params))


@router.get("/topic-tone", response_model=TopicToneTable, responses=_CACHED)
def topic_tone(
    _user: Viewer, params: Annotated[ArticleFilters, Query()], session: ReadSession, cache: Cache
) -> Response:
    """For each topic, its articles by tone."""
    return cache.respond("topic-tone", params, lambda: service.topic_tone(session, params))


@router.get("/compare", response_model=Comparison, responses=_CACHED)
def compare(
    _user: Viewer, params: Annotated[CompareParams, Query()], session: ReadSession, cache: Cache
) -> Response:
    """Two periods side by side: counts, shares and their change, in total, by tone and topic."""
    return cache.respond("compare", params, lambda: service.compare(session, params))


@router.get("/keywords", response_model=KeywordTable, responses=_CACHED)
def keywords(
    _user: Viewer, params: Annotated[KeywordParams, Query()], session: ReadSession, cache: Cache
) -> Response:
    """The keywords or entities found in most of the matching articles."""
    return cache.respond("keywords", params, lambda: service.keywords(session, params))
