"""Deciding what happens to one fetched article and storing it (never commits).

One call handles one article inside the caller's transaction: it is a duplicate of a known
URL, too short, not about breast cancer (only URL, title and status are kept, so it is never
fetched again), a copy of a stored story (kept, marked ``duplicate_of`` the first copy), or a
new story. Every outcome is returned so the caller can count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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
    """Store one article (or record why not) and mark its URLs as seen."""
    existing = repository.by_canonical_url(session, item.page.canonical_url)
    if existing is not None:
        return _seen(session, policy, item, StoreOutcome.DUPLICATE, existing.id)
    words = len(item.page.text.split())
    if words < min_words:
        return _seen(session, policy, item, StoreOutcome.TOO_SHORT, None)
    article = _new_article(policy, item, words)
    relevance = item.analysis.relevance if item.analysis else None
    if relevance == Relevance.NONE.value:
        article.status, article.text, article.summary = ArticleStatus.NOT_RELEVANT, None, None
        article.content_hash = None
        outcome = StoreOutcome.NOT_RELEVANT
    else:
        outcome = _mark_copies(session, article, item.page.text, near_duplicates)
        if item.analysis is not None:
            apply_labels(article, item.analysis)
    repository.add(session, article)
    if outcome is StoreOutcome.STORED and near_duplicates is not None:
        near_duplicates.add(article.id, item.page.text)
    return _seen(session, policy, item, outcome, article.id)


def _seen(
    session: Session,
    policy: SourcePolicy,
    item: ArticleInput,
    outcome: StoreOutcome,
    article_id: int | None,
) -> StoreResult:
    for url in {item.url, item.page.url, item.page.canonical_url}:
        repository.mark_seen(
            session,
            url_hash=url_hash(url),
            url=url,
            source_id=policy.source_id,
            outcome=outcome.value,
            article_id=article_id,
        )
    return StoreResult(outcome, article_id)


def _new_article(policy: SourcePolicy, item: ArticleInput, words: int) -> Article:
    page = item.page
    summary = page.description or page.text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return Article(
        source_id=policy.source_id,
        url=item.url,
        canonical_url=page.canonical_url,
        url_hash=url_hash(page.canonical_url),
        content_hash=content_hash(page.text),
        title=page.title or item.fallback_title,
        text=page.text if policy.store_full_text else None,
        summary=summary,
        author=page.author,
        published_at=page.published or item.fallback_published,
        fetched_at=utcnow(),
        language=(item.analysis.language if item.analysis else None) or page.language,
        word_count=words,
        status=ArticleStatus.STORED,
    )


def _mark_copies(
    session: Session, article: Article, text: str, index: NearDuplicateIndex | None
) -> StoreOutcome:
    first = None
    if article.content_hash:
        exact = repository.first_with_content_hash(session, article.content_hash)
        first = exact.id if exact is not None else None
    if first is None and index is not None:
        near = index.query(text)
        first = near if isinstance(near, int) else None
    if first is None:
        return StoreOutcome.STORED
    article.status, article.duplicate_of = ArticleStatus.DUPLICATE, first
    return StoreOutcome.DUPLICATE


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


def apply_labels(article: Article, analysis: AnalysisResult) -> None:
    """Copy the analysis onto the article with the versions of the models that made it."""
    article.relevance = Relevance(analysis.relevance)
    article.tone = Tone(analysis.tone) if analysis.tone else None
    article.tone_score = analysis.tone_score
    article.primary_topic = analysis.primary_topic
    article.evidence = analysis.evidence.model_dump()
    article.model_versions = dict(analysis.model_versions)
    article.analyzed_at = utcnow()
    scores = analysis.evidence.topic_scores
    article.topics = [ArticleTopic(topic=t, score=scores.get(t)) for t in analysis.topics]
    article.countries = [ArticleCountry(country=c) for c in dict.fromkeys(analysis.countries)]
    rows: dict[tuple[str, str], ArticleKeyword] = {}
    for keyword in analysis.keywords:
        key = (KeywordKind.KEYWORD.value, keyword[:200])
        rows.setdefault(key, ArticleKeyword(kind=KeywordKind.KEYWORD, value=key[1]))
    for entity in analysis.entities:
        if entity.type in _ENTITY_KINDS:
            key = (entity.type, entity.value[:200])
            rows.setdefault(key, ArticleKeyword(kind=KeywordKind(entity.type), value=key[1]))
    article.keywords = list(rows.values())
