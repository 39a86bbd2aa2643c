"""Result types of extraction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ExtractionFailure(StrEnum):
    """Why a page gave no usable article (counted by the pipeline under these names)."""

    EMPTY_DOCUMENT = "empty_document"
    NOT_HTML = "not_html"
    NO_TEXT = "no_text"
    EXTRACTOR_ERROR = "extractor_error"


class ExtractedArticle(BaseModel):
    """Text and metadata of one article page.

    ``published`` is an aware UTC datetime or None (never a guess such as "now"); a
    page that states only a day is published at 00:00 UTC that day. ``canonical_url``
    is the page's ``<link rel=canonical>`` (else the fetched URL), normalised.
    ``reason`` is set, and ``text`` empty, when nothing usable was found.
    """

    model_config = ConfigDict(frozen=True)

    url: str
    canonical_url: str
    title: str | None = None
    text: str = ""
    published: datetime | None = None
    author: str | None = None
    language: str | None = None
    description: str | None = None
    site_name: str | None = None
    reason: ExtractionFailure | None = None

    @property
    def ok(self) -> bool:
        """True when the page gave article text."""
        return self.reason is None and bool(self.text)
