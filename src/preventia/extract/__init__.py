"""Extraction: article text and metadata from HTML (pure: no network, no database)."""

from preventia.extract.article import canonical_url, extract_article
from preventia.extract.hashing import content_hash, normalize_text
from preventia.extract.schemas import ExtractedArticle, ExtractionFailure
from preventia.extract.urls import normalize_url, url_hash

__all__ = [
    "ExtractedArticle",
    "ExtractionFailure",
    "canonical_url",
    "content_hash",
    "extract_article",
    "normalize_text",
    "normalize_url",
    "url_hash",
]
