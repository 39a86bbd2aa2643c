"""Analysts' corrections of an article's labels (never commits; the caller owns the transaction).

The first correction keeps the model's labels in ``article.model_labels``; the article's
columns and label rows then hold the corrected, effective labels that lists and analytics
use. Each correction is a ``LabelCorrection`` row (who, when, from, to) and an audit-log entry.
Correcting relevance to ``none`` takes the article out of lists and figures (status
``not_relevant``); correcting it back restores it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from preventia.articles.queries import visible_article
from preventia.articles.schemas import LabelPatch
from preventia.audit import service as audit
from preventia.db.base import utcnow
from preventia.models import (
    Article,
    ArticleCountry,
    ArticleStatus,
    ArticleTopic,
    LabelCorrection,
    Relevance,
    User,
)

AUDIT_ACTION = "article.labels_corrected"


class ArticleNotFound(LookupError):
    pass


class LabelConflict(ValueError):
    """The corrected labels contradict each other; the message says how."""


def current_labels(article: Article) -> dict[str, Any]:
    return {
        "relevance": article.relevance.value if article.relevance else None,
        "tone": article.tone.value if article.tone else None,
        "tone_score": article.tone_score,
        "primary_topic": article.primary_topic,
        "topics": sorted(t.topic for t in article.topics),
        "countries": sorted(c.country for c in article.countries),
    }


def _wanted(article: Article, patch: LabelPatch) -> dict[str, Any]:
    labels = current_labels(article)
    wanted = {k: v for k, v in labels.items() if k != "tone_score"}
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        if isinstance(value, list):
            value = sorted({str(v) for v in value})
        elif value is not None:
            value = str(value)
        wanted[name] = value
    fields = patch.model_fields_set
    topics_only = "topics" in fields and "primary_topic" not in fields
    if topics_only and wanted["primary_topic"] not in wanted["topics"]:
        wanted["primary_topic"] = wanted["topics"][0] if wanted["topics"] else None
    if wanted["primary_topic"] is not None and wanted["primary_topic"] not in wanted["topics"]:
        if "topics" in fields:
            raise LabelConflict("primary_topic must be one of topics")
        wanted["topics"] = sorted({*wanted["topics"], wanted["primary_topic"]})
    return wanted


def _apply(article: Article, wanted: dict[str, Any]) -> None:
    article.relevance = Relevance(wanted["relevance"]) if wanted["relevance"] else None
    article.tone = wanted["tone"]
    article.primary_topic = wanted["primary_topic"]
    scores = {t.topic: t.score for t in article.topics}
    article.topics = [ArticleTopic(topic=t, score=scores.get(t)) for t in wanted["topics"]]
    article.countries = [ArticleCountry(country=c) for c in wanted["countries"]]
    if article.relevance == Relevance.NONE:
        article.status = ArticleStatus.NOT_RELEVANT
    elif article.status == ArticleStatus.NOT_RELEVANT:
        duplicate = article.duplicate_of is not None
        article.status = ArticleStatus.DUPLICATE if duplicate else ArticleStatus.STORED


def correct_labels(
    session: Session, article_id: int, patch: LabelPatch, user: User, address: str | None
) -> bool:
    """Apply the correction; False when it changes nothing (then nothing is recorded)."""
    article = visible_article(session, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    before = current_labels(article)
    wanted = _wanted(article, patch)
    changes = {
        name: {"from": before[name], "to": value}
        for name, value in wanted.items()
        if before[name] != value
    }
    if not changes:
        return False
    if article.model_labels is None:
        article.model_labels = before
    _apply(article, wanted)
    article.corrected_by, article.corrected_at = user.id, utcnow()
    session.add(
        LabelCorrection(
            article_id=article.id, user_id=user.id, user_email=user.email, changes=changes
        )
    )
    audit.record(
        session,
        AUDIT_ACTION,
        actor=user,
        object_type="article",
        object_id=article.id,
        client_address=address,
        details={"changes": changes},
    )
    session.flush()
    return True
