"""Re-running the analysis on stored articles, in batches (resumable and idempotent).

Articles whose stored ``model_versions`` already equal the current ones are skipped (unless
forced), so an interrupted run simply continues when started again. A change of relevance
moves the article between ``stored``/``duplicate`` and ``not_relevant``; its text is kept
so that a later model can bring it back. Labels an analyst corrected stay as corrected: the
new model output only replaces the ``model_labels`` kept beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from preventia.articles import repository
from preventia.articles.service import apply_labels, label_snapshot
from preventia.models import Article, ArticleStatus, Relevance
from preventia.nlp import AnalysisResult, analyze, model_versions

Analyse = Callable[..., AnalysisResult]


@dataclass(frozen=True)
class ReanalysisOptions:
    since: datetime | None = None
    source_id: int | None = None
    batch_size: int = 200
    force: bool = False


@dataclass
class BatchResult:
    last_id: int
    seen: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def done(self) -> bool:
        return self.seen == 0


def _status_for(article: Article, relevance: str) -> ArticleStatus:
    if relevance == Relevance.NONE.value:
        return ArticleStatus.NOT_RELEVANT
    return ArticleStatus.DUPLICATE if article.duplicate_of is not None else ArticleStatus.STORED


def reanalyse_batch(
    session: Session, after_id: int, options: ReanalysisOptions, analyse: Analyse = analyze
) -> BatchResult:
    """Analyse the next batch after ``after_id`` again; the caller commits it."""
    versions = model_versions()
    articles = repository.batch_for_reanalysis(
        session, after_id, options.batch_size, options.since, options.source_id
    )
    result = BatchResult(last_id=articles[-1].id if articles else after_id, seen=len(articles))
    for article in articles:
        if article.model_versions == versions and not options.force:
            result.unchanged += 1
            continue
        analysis = analyse(article.title, article.text, url=article.canonical_url)
        if article.corrected_at is not None:
            # An analyst's correction stays in force; the new model output is kept beside it.
            article.model_labels = label_snapshot(analysis)
            article.model_versions = dict(analysis.model_versions)
            article.evidence = analysis.evidence.model_dump()
        else:
            apply_labels(article, analysis)
            article.status = _status_for(article, analysis.relevance)
        result.updated += 1
    session.flush()
    return result


def count_candidates(session: Session, options: ReanalysisOptions) -> int:
    return repository.count_for_reanalysis(session, options.since, options.source_id)
