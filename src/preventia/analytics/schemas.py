"""What the analytics endpoints take (the article filters plus a few options) and answer."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from preventia.articles.filters import ArticleFilters, Day
from preventia.db.fts import Interval
from preventia.models import KeywordKind

SHARE_DIGITS = 4


class Dimension(StrEnum):
    TONE = "tone"
    TOPIC = "topic"
    COUNTRY = "country"
    OUTLET_COUNTRY = "outlet_country"
    LANGUAGE = "language"
    SOURCE = "source"


class DistributionParams(ArticleFilters):
    limit: int = Field(100, ge=1, le=500, description="at most this many values, largest first")


class TimelineParams(ArticleFilters):
    interval: Interval = Field("day", description="day, week (ISO, from Monday) or month")


class KeywordParams(ArticleFilters):
    kind: Literal["keyword", "entity"] | KeywordKind = Field(
        "keyword", description="'keyword', 'entity' (any entity kind) or one entity kind"
    )
    limit: int = Field(20, ge=1, le=100)


class CompareParams(ArticleFilters):
    a_from: Day = Field(description="first day of period A (inclusive)")
    a_to: Day = Field(description="last day of period A (inclusive)")
    b_from: Day = Field(description="first day of period B (inclusive)")
    b_to: Day = Field(description="last day of period B (inclusive)")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.a_from > self.a_to:
            raise ValueError("a_from must not be after a_to")
        if self.b_from > self.b_to:
            raise ValueError("b_from must not be after b_to")
        return self


class Bucket(BaseModel):
    key: str | None = Field(description="the value (null: unknown)")
    label: str | None = None
    count: int
    share: float = Field(description="count / articles matching the filters")


class Summary(BaseModel):
    articles: int = Field(examples=[1250])
    unique_stories: int = Field(description="articles counted once per story")
    sources: int
    countries: int = Field(description="distinct countries the stories are about")
    tone: list[Bucket]


class Distribution(BaseModel):
    dimension: Dimension
    total: int = Field(description="articles matching the filters (multi-label shares may sum > 1)")
    items: list[Bucket]


class TimelinePoint(BaseModel):
    period: date = Field(description="first day of the period")
    count: int
    tone: dict[str, int]
    topics: dict[str, int]


class Timeline(BaseModel):
    interval: Interval
    points: list[TimelinePoint]


class TopicTone(BaseModel):
    topic: str
    count: int
    positive: int
    neutral: int
    negative: int


class TopicToneTable(BaseModel):
    total: int
    rows: list[TopicTone]


class Change(BaseModel):
    key: str
    a: int
    b: int
    change: int = Field(description="b - a")
    change_pct: float | None = Field(description="(b - a) / a × 100; null when a is 0")
    share_a: float
    share_b: float
    share_change_pp: float = Field(description="share_b - share_a in percentage points")


class Comparison(BaseModel):
    a_articles: int
    b_articles: int
    articles: Change
    tone: list[Change]
    topics: list[Change]


class KeywordCount(BaseModel):
    kind: KeywordKind
    value: str
    count: int = Field(description="articles mentioning it")


class KeywordTable(BaseModel):
    items: list[KeywordCount]


def share(count: int, total: int) -> float:
    return round(count / total, SHARE_DIGITS) if total else 0.0
