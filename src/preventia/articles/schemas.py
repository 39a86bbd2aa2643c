"""What the article endpoints take and answer."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from preventia.articles.filters import ArticleFilters, CountryCode, Topic
from preventia.models import ArticleStatus, KeywordKind, Relevance, Tone

MAX_PAGE_SIZE = 100
Sort = Literal["-published", "published", "-fetched", "-tone_score", "tone_score"]


class CursorError(ValueError):
    """The cursor was not made by this API for this sort order."""


def encode_cursor(sort: str, value: Any, article_id: int) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    data = json.dumps([sort, raw, article_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[datetime | float | None, int]:
    """The sort value and id after which the next page starts."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        kind, raw, article_id = data
    except (ValueError, TypeError) as exc:
        raise CursorError("not a cursor given by this API") from exc
    if kind != sort:
        raise CursorError("the cursor belongs to another sort order; start again without it")
    if not isinstance(article_id, int) or isinstance(article_id, bool) or article_id < 0:
        raise CursorError("not a cursor given by this API")
    if raw is None:
        return None, article_id
    try:
        if "tone_score" in sort:
            return float(raw), article_id
        value = datetime.fromisoformat(str(raw))
    except (ValueError, TypeError) as exc:
        raise CursorError("not a cursor given by this API") from exc
    if value.tzinfo is None:
        raise CursorError("not a cursor given by this API")
    return value, article_id


class ArticleListParams(ArticleFilters):
    sort: Sort = Field("-published", description="'-' for descending; missing values last")
    limit: int = Field(
        20, ge=1, le=MAX_PAGE_SIZE, description=f"page size, at most {MAX_PAGE_SIZE}"
    )
    cursor: str | None = Field(
        None, max_length=500, description="next_cursor of the previous page (opaque)"
    )

    @field_validator("cursor")
    @classmethod
    def _valid_cursor(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and "sort" in info.data:
            decode_cursor(value, info.data["sort"])
        return value


class SourceRef(BaseModel):
    id: int
    name: str
    outlet_country: str | None
    language: str | None


class ArticleItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str | None
    summary: str | None
    url: str
    source: SourceRef | None
    published_at: datetime | None
    fetched_at: datetime
    language: str | None
    status: ArticleStatus
    duplicate_of: int | None
    relevance: Relevance | None
    tone: Tone | None
    tone_score: float | None
    primary_topic: str | None
    topics: list[str]
    countries: list[str]
    corrected: bool = Field(description="an analyst corrected the labels")


class ArticlePage(BaseModel):
    items: list[ArticleItem]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null at the end")
    limit: int


class KeywordOut(BaseModel):
    kind: KeywordKind
    value: str
    score: float | None


class CorrectionOut(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    user_email: str | None
    changes: dict[str, Any] = Field(examples=[{"tone": {"from": "negative", "to": "neutral"}}])


class ArticleDetail(ArticleItem):
    text: str | None
    author: str | None
    word_count: int | None
    canonical_url: str
    evidence: dict[str, Any] | None = Field(description="why each label was given")
    model_versions: dict[str, Any] | None
    analyzed_at: datetime | None
    model_labels: dict[str, Any] | None = Field(
        description="the model's own labels, kept when an analyst corrected them"
    )
    corrected_by: int | None
    corrected_at: datetime | None
    keywords: list[KeywordOut]
    entities: list[KeywordOut]
    corrections: list[CorrectionOut]


class LabelPatch(BaseModel):
    """The labels to correct; fields left out stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"tone": "neutral", "topics": ["screening"], "primary_topic": "screening"}]
        },
    )

    relevance: Relevance | None = None
    tone: Tone | None = None
    topics: list[Topic] | None = Field(None, max_length=10)
    primary_topic: Topic | None = None
    countries: list[CountryCode] | None = Field(None, max_length=50)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one label to correct")
        for name in ("relevance", "topics", "countries"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "for 422: which parameter ('loc') and why ('msg')",
            "items": {"type": "object"},
        },
    },
}
_PROBLEM_TEXT = {
    400: "the request cannot be read",
    401: "no valid access token",
    403: "the role is not enough",
    404: "not found (or not yours)",
    409: "conflicts with an existing object",
    413: "the body is too large",
    422: "a parameter or field is not valid; errors[].loc names it",
    429: "too many requests; see Retry-After",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries of the problem+json answers a route may give."""
    return {
        code: {
            "description": _PROBLEM_TEXT[code],
            "content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}},
        }
        for code in codes
    }
