"""The filters shared by ``GET /articles``, every analytics endpoint and saved searches.

Several values of one filter are alternatives (``tone=positive&tone=neutral``); different
filters all apply. Dates are UTC days and both ends are inclusive. ``duplicates`` says what
to do with the other copies of a story: ``exclude`` (default: one article per story),
``include`` or ``only``. Articles not about breast cancer and failed ones are never listed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import TextClause

from preventia.articles.search import SearchSyntaxError, parse, to_fts5, to_tsquery
from preventia.db.fts import fts_condition
from preventia.models import (
    Article,
    ArticleCountry,
    ArticleStatus,
    ArticleTopic,
    Relevance,
    Source,
    Tone,
)

MAX_VALUES = 50
Duplicates = Literal["exclude", "include", "only"]


class Topic(StrEnum):
    """The topics of ``spec/labels.md``."""

    PREVENTION = "prevention"
    SCREENING = "screening"
    DIAGNOSIS = "diagnosis"
    TREATMENT = "treatment"
    RESEARCH = "research"
    GENETICS = "genetics"
    SURVIVORSHIP = "survivorship"
    METASTATIC = "metastatic"
    POLICY_ACCESS = "policy_access"
    AWARENESS = "awareness"


def _upper(value: str) -> str:
    return value.upper()


CountryCode = Annotated[
    str,
    Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2", examples=["US"]),
    AfterValidator(_upper),
]
LanguageCode = Annotated[
    str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1", examples=["es"])
]
SourceId = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _iso_day(value: object) -> object:
    """Only ``YYYY-MM-DD`` (pydantic alone would also read a number as a Unix time)."""
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date as YYYY-MM-DD")
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
Day = Annotated[date, BeforeValidator(_iso_day)]


class ArticleFilters(BaseModel):
    """Which articles a list, an analytics figure or a saved search is about."""

    model_config = ConfigDict(extra="forbid")

    published_from: Day | None = Field(None, description="first UTC day, inclusive")
    published_to: Day | None = Field(None, description="last UTC day, inclusive")
    source: list[SourceId] = Field(default_factory=list, max_length=MAX_VALUES)
    language: list[LanguageCode] = Field(default_factory=list, max_length=MAX_VALUES)
    outlet_country: list[CountryCode] = Field(default_factory=list, max_length=MAX_VALUES)
    country: list[CountryCode] = Field(
        default_factory=list, max_length=MAX_VALUES, description="countries the story is about"
    )
    topic: list[Topic] = Field(default_factory=list, max_length=MAX_VALUES)
    tone: list[Tone] = Field(default_factory=list, max_length=3)
    relevance: list[Relevance] = Field(default_factory=list, max_length=3)
    duplicates: Duplicates = Field("exclude", description="other copies of a story")
    q: str | None = Field(
        None,
        max_length=500,
        description='full-text search: AND, OR, NOT, (…), "a phrase", prefix*',
        examples=['"breast cancer" AND (screening OR mamograf*) NOT trial'],
    )

    @field_validator("q")
    @classmethod
    def _valid_search(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            parse(value)
        except SearchSyntaxError as exc:
            raise ValueError(f"invalid search expression: {exc}") from None
        return " ".join(value.split())

    @model_validator(mode="after")
    def _normalised(self) -> Self:
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise ValueError("published_from must not be after published_to")
        for name in ("source", "language", "outlet_country", "country", "topic", "tone"):
            setattr(self, name, sorted(set(getattr(self, name))))
        self.relevance = sorted(set(self.relevance))
        return self

    def only_filters(self) -> ArticleFilters:
        """The filter part of a subclass (for cache keys and saved searches)."""
        return ArticleFilters.model_validate(
            self.model_dump(include=set(ArticleFilters.model_fields))
        )


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _status(duplicates: Duplicates) -> ColumnElement[bool]:
    if duplicates == "exclude":
        return Article.status == ArticleStatus.STORED
    if duplicates == "only":
        return Article.status == ArticleStatus.DUPLICATE
    return Article.status.in_([ArticleStatus.STORED, ArticleStatus.DUPLICATE])


def search_condition(q: str, dialect: str) -> ColumnElement[bool] | TextClause:
    node = parse(q)
    return fts_condition(dialect, to_tsquery(node) if dialect == "postgresql" else to_fts5(node))


def conditions(filters: ArticleFilters, dialect: str) -> list[ColumnElement[bool] | TextClause]:
    """SQL conditions on ``articles`` for these filters (the SQL of every list and figure)."""
    found: list[ColumnElement[bool] | TextClause] = [_status(filters.duplicates)]
    if filters.published_from:
        found.append(Article.published_at >= day_start(filters.published_from))
    if filters.published_to:
        found.append(Article.published_at < day_start(filters.published_to + timedelta(days=1)))
    if filters.source:
        found.append(Article.source_id.in_(filters.source))
    if filters.language:
        found.append(Article.language.in_(filters.language))
    if filters.tone:
        found.append(Article.tone.in_(filters.tone))
    if filters.relevance:
        found.append(Article.relevance.in_(filters.relevance))
    # Aliases, so that the subqueries stay independent of the tables a figure joins.
    if filters.topic:
        topic = aliased(ArticleTopic)
        topics = [t.value for t in filters.topic]
        found.append(
            select(topic.article_id)
            .where(topic.article_id == Article.id, topic.topic.in_(topics))
            .correlate(Article)
            .exists()
        )
    if filters.country:
        country = aliased(ArticleCountry)
        found.append(
            select(country.article_id)
            .where(country.article_id == Article.id, country.country.in_(filters.country))
            .correlate(Article)
            .exists()
        )
    if filters.outlet_country:
        outlet = aliased(Source)
        outlets = select(outlet.id).where(outlet.outlet_country.in_(filters.outlet_country))
        found.append(Article.source_id.in_(outlets.correlate(None)))
    if filters.q:
        found.append(search_condition(filters.q, dialect))
    return found
