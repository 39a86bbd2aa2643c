"""Article routes: list and search, one article, label corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy import event
from sqlalchemy.orm import Session

from preventia.analytics.cache import bump_analytics_version
from preventia.analytics.rollups import refresh_in_session
from preventia.api.deps import client_address, db_session, read_session
from preventia.articles import labels, queries
from preventia.articles.schemas import (
    ArticleDetail,
    ArticleListParams,
    ArticlePage,
    LabelPatch,
    problems,
)
from preventia.auth.dependencies import Analyst, Viewer

router = APIRouter(prefix="/articles", tags=["articles"])
ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the article's id")]
_LIST = problems(401, 403, 422, 429)
_ONE = problems(401, 403, 404, 422, 429)
_PATCH = problems(400, 401, 403, 404, 413, 422, 429)


@router.get("", response_model=ArticlePage, responses=_LIST)
def list_articles(
    _user: Viewer,
    params: Annotated[ArticleListParams, Query()],
    session: Annotated[Session, Depends(read_session, scope="function")],
) -> ArticlePage:
    """Articles matching the filters and the search ``q``, one page at a time (keyset cursor)."""
    return queries.list_articles(session, params)


@router.get("/{article_id}", response_model=ArticleDetail, responses=_ONE)
def get_article(
    _user: Viewer,
    article_id: ArticleId,
    session: Annotated[Session, Depends(read_session, scope="function")],
) -> ArticleDetail:
    """One article with its analysis, the evidence for each label and any corrections."""
    detail = queries.article_detail(session, article_id)
    if detail is None:
        raise HTTPException(status_code=404, detail="no such article")
    return detail


@router.patch("/{article_id}/labels", response_model=ArticleDetail, responses=_PATCH)
def correct_labels(
    user: Analyst,
    article_id: ArticleId,
    patch: LabelPatch,
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> ArticleDetail:
    """Correct relevance, tone, topics, primary topic or countries (the model's are kept)."""
    try:
        changed = labels.correct_labels(session, article_id, patch, user, client_address(request))
    except labels.ArticleNotFound:
        raise HTTPException(status_code=404, detail="no such article") from None
    except labels.LabelConflict as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    if changed:
        redis_client = request.app.state.redis
        refresh_in_session(session)  # the analytics rollups, in this transaction
        event.listen(
            session, "after_commit", lambda _s: bump_analytics_version(redis_client), once=True
        )
    detail = queries.article_detail(session, article_id)
    assert detail is not None
    return detail
