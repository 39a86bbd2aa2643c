"""What the saved-search endpoints take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from preventia.articles.filters import ArticleFilters

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
_EXAMPLE: dict[str, Any] = {
    "name": "Screening in Spain",
    "filters": {"country": ["ES"], "topic": ["screening"]},
}


class SavedSearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    name: Name
    filters: ArticleFilters = Field(default_factory=ArticleFilters)


class SavedSearchUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Renamed"}]})

    name: Name | None = None
    filters: ArticleFilters | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.name is None and self.filters is None:
            raise ValueError("give a name or filters")
        return self


class SavedSearchOut(BaseModel):
    id: int
    name: str
    filters: ArticleFilters
    created_at: datetime
    updated_at: datetime
