"""Deciding what happens to one fetched article and storing it (never commits).

One call handles one article inside the caller's transaction: it is a duplicate of a known
URL, too short, not about breast cancer (only URL, title and status are kept, so it is never
fetched again), a copy of a stored story (kept, marked ``duplicate_of`` the first copy), or a
new story. Every outcome is returned so the caller can count it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from preventia.articles import repository
from preventia.articles.dedup import NearDuplicateIndex
from preventia.db.base import utcnow
from preventia.extract.hashing import content_hash
from preventia.extract.schemas import ExtractedArticle
from preventia.extract.urls import url_hash
from preventia.models import (
    Article,
    ArticleCountry,
    ArticleKeyword,
    ArticleStatus,
    ArticleTopic,
    KeywordKind,
    Relevance,
    Tone,
)
from preventia.nlp import AnalysisResult

SUMMARY_CHARS = 400
_ENTITY_KINDS = {kind.value for kind in KeywordKind}


class StoreOutcome(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    NOT_RELEVANT = "not_relevant"
    TOO_SHORT = "too_short"


@dataclass(frozen=True)
class SourcePolicy:
    """What the source's compliance record allows us to keep."""

    source_id: int | None
    store_full_text: bool = True


@dataclass(frozen=True)
class ArticleInput:
    """A fetched, extracted and analysed page, ready to be stored."""

    url: str
    page: ExtractedArticle
    analysis: AnalysisResult | None
    fallback_title: str | None = None
    fallback_published: datetime | None = None


@dataclass(frozen=True)
class StoreResult:
    outcome: StoreOutcome
    article_id: int | None


def store_article(
    session: Session,
    policy: SourcePolicy,
    item: ArticleInput,
    near_duplicates: NearDuplicateIndex | None = None,
    *,
    min_words: int = 60,
) -> StoreResult:
    """Store one article (or record why not) and mark its URLs as seen.

    Core statements, not the ORM's unit of work (this runs on the collector's event
    loop for every article): at most a lookup by canonical URL, one by content hash, the
    article row with its label rows, and one multi-row insert of the seen URLs.
    """
    existing = repository.id_by_canonical_url(session, item.page.canonical_url)
    if existing is not None:
        return _seen(session, policy, item, StoreOutcome.DUPLICATE, existing)
    words = len(item.page.text.split())
    if words < min_words:
        return _seen(session, policy, item, StoreOutcome.TOO_SHORT, None)
    values = _article_values(policy, item, words)
    labels = LabelRows()
    relevance = item.analysis.relevance if item.analysis else None
    if relevance == Relevance.NONE.value:
        values.update(status=ArticleStatus.NOT_RELEVANT, text=None, summary=None)
        values["content_hash"] = None
        outcome = StoreOutcome.NOT_RELEVANT
    else:
        first = _first_copy(session, values["content_hash"], item.page.text, near_duplicates)
        outcome = StoreOutcome.STORED if first is None else StoreOutcome.DUPLICATE
        if first is not None:
            values.update(status=ArticleStatus.DUPLICATE, duplicate_of=first)
        if item.analysis is not None:
            labels = label_rows(item.analysis)
            values.update(labels.columns)
    article_id = repository.insert_article(
        session, values, labels.topics, labels.countries, labels.keywords
    )
    if outcome is StoreOutcome.STORED and near_duplicates is not None:
        near_duplicates.add(article_id, item.page.text)
    return _seen(session, policy, item, outcome, article_id)


def _seen(
    session: Session,
    policy: SourcePolicy,
    item: ArticleInput,
    outcome: StoreOutcome,
    article_id: int | None,
) -> StoreResult:
    rows: dict[str, dict[str, object]] = {}
    for url in dict.fromkeys((item.url, item.page.url, item.page.canonical_url)):
        rows.setdefault(
            url_hash(url),
            {
                "url_hash": url_hash(url),
                "url": url,
                "source_id": policy.source_id,
                "outcome": outcome.value,
                "article_id": article_id,
            },
        )
    repository.mark_seen_many(session, list(rows.values()))
    return StoreResult(outcome, article_id)


def _article_values(policy: SourcePolicy, item: ArticleInput, words: int) -> dict[str, Any]:
    page = item.page
    summary = page.description or page.text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return {
        "source_id": policy.source_id,
        "url": item.url,
        "canonical_url": page.canonical_url,
        "url_hash": url_hash(page.canonical_url),
        "content_hash": content_hash(page.text),
        "title": page.title or item.fallback_title,
        "text": page.text if policy.store_full_text else None,
        "summary": summary,
        "author": page.author,
        "published_at": page.published or item.fallback_published,
        "fetched_at": utcnow(),
        "language": (item.analysis.language if item.analysis else None) or page.language,
        "word_count": words,
        "status": ArticleStatus.STORED,
        "duplicate_of": None,
    }


def _first_copy(
    session: Session, digest: str | None, text: str, index: NearDuplicateIndex | None
) -> int | None:
    """The id of the first stored copy of ``text`` (same content hash, else a near copy)."""
    first = repository.first_id_with_content_hash(session, digest) if digest else None
    if first is None and index is not None:
        near = index.query(text)
        first = near if isinstance(near, int) else None
    return first


def label_snapshot(analysis: AnalysisResult) -> dict[str, object]:
    """The model's labels as kept beside an analyst's correction."""
    return {
        "relevance": analysis.relevance,
        "tone": analysis.tone,
        "tone_score": analysis.tone_score,
        "primary_topic": analysis.primary_topic,
        "topics": list(analysis.topics),
        "countries": list(analysis.countries),
    }


@dataclass(frozen=True)
class LabelRows:
    """An analysis as stored: the article's label columns and its label rows (topics,
    countries, keywords and entities; without ``article_id``)."""

    columns: dict[str, Any] = field(default_factory=dict)
    topics: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    keywords: list[dict[str, Any]] = field(default_factory=list)


def label_rows(analysis: AnalysisResult) -> LabelRows:
    """The analysis with the versions of the models that made it, as columns and rows."""
    columns: dict[str, Any] = {
        "relevance": Relevance(analysis.relevance),
        "tone": Tone(analysis.tone) if analysis.tone else None,
        "tone_score": analysis.tone_score,
        "primary_topic": analysis.primary_topic,
        "evidence": analysis.evidence.model_dump(),
        "model_versions": dict(analysis.model_versions),
        "analyzed_at": utcnow(),
    }
    scores = analysis.evidence.topic_scores
    keywords: dict[tuple[str, str], dict[str, Any]] = {}
    for keyword in analysis.keywords:
        key = (KeywordKind.KEYWORD.value, keyword[:200])
        keywords.setdefault(key, {"kind": KeywordKind.KEYWORD, "value": key[1], "score": None})
    for entity in analysis.entities:
        if entity.type in _ENTITY_KINDS:
            key = (entity.type, entity.value[:200])
            keywords.setdefault(
                key, {"kind": KeywordKind(entity.type), "value": key[1], "score": None}
            )
    return LabelRows(
        columns=columns,
        topics=[{"topic": t, "score": scores.get(t)} for t in analysis.topics],
        countries=[{"country": c} for c in dict.fromkeys(analysis.countries)],
        keywords=list(keywords.values()),
    )


def apply_labels(article: Article, analysis: AnalysisResult) -> None:
    """Copy the analysis onto the article with the versions of the models that made it."""
    labels = label_rows(analysis)
    for name, value in labels.columns.items():
        setattr(article, name, value)
    article.topics = [ArticleTopic(**row) for row in labels.topics]
    article.countries = [ArticleCountry(**row) for row in labels.countries]
    article.keywords = [ArticleKeyword(**row) for row in labels.keywords]
