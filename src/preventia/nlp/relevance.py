"""Relevance: is the article about breast cancer (`primary`), partly (`partial`) or not (`none`)?

The decision uses where the breast-cancer terms appear (title, lead, body), the
share of sentences that speak about breast cancer, and how much of the text
is about other cancers or other health subjects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from preventia.nlp.text import PreparedText
from preventia.nlp.vocab import TermSet, load_data

Relevance = Literal["primary", "partial", "none"]
DATA_FILE = "relevance.json"


@dataclass(frozen=True)
class RelevanceFeatures:
    """Measured signals behind one relevance decision."""

    in_title: bool
    in_lead: bool
    other_in_title: bool
    core_mentions: int
    specific_mentions: int
    bc_sentences: int
    sentences: int
    other_cancer_mentions: int
    other_health_mentions: int
    share: float
    terms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RelevanceResult:
    label: Relevance
    features: RelevanceFeatures
    bc_sentence_ids: tuple[int, ...]


class RelevanceScorer:
    """Scores breast-cancer relevance from the curated vocabulary."""

    def __init__(self) -> None:
        data = load_data(DATA_FILE)
        self.core = TermSet.of("core", data["core"])
        self.specific = TermSet.of("specific", data["specific"])
        self.other_cancers = TermSet.of("other_cancers", data["other_cancers"])
        self.other_health = TermSet.of("other_health", data["other_health"])

    def _mentions(self, folded: str) -> bool:
        return self.core.search(folded) or self.specific.search(folded)

    def features(self, doc: PreparedText) -> tuple[RelevanceFeatures, tuple[int, ...]]:
        found = {
            doc.sentence_at(start)
            for terms in (self.core, self.specific)
            for start, _ in terms.pattern.spans(doc.joined)
        }
        ids = tuple(sorted(found))
        everything = doc.folded_full
        core = self.core.findall(everything)
        specific = self.specific.findall(everything)
        n_sent = max(len(doc.folded_sentences), 1)
        feats = RelevanceFeatures(
            in_title=self._mentions(doc.folded_title),
            in_lead=self._mentions(doc.folded_lead),
            other_in_title=self.other_cancers.search(doc.folded_title),
            core_mentions=len(core),
            specific_mentions=len(specific),
            bc_sentences=len(ids),
            sentences=n_sent,
            other_cancer_mentions=self.other_cancers.count(everything),
            other_health_mentions=self.other_health.count(everything),
            share=len(ids) / n_sent,
            terms=sorted(set(core + specific)),
        )
        return feats, ids

    def score(self, doc: PreparedText) -> RelevanceResult:
        feats, ids = self.features(doc)
        return RelevanceResult(label=decide(feats), features=feats, bc_sentence_ids=ids)


def decide(f: RelevanceFeatures) -> Relevance:
    """Rules on the measured features (see docs/quality.md for the rationale)."""
    bc = f.core_mentions + f.specific_mentions
    if f.core_mentions == 0 and f.specific_mentions < 3:
        return "none"
    others = f.other_cancer_mentions + 0.5 * f.other_health_mentions
    dominated = others > 1.5 * bc
    # Several cancers discussed side by side: breast cancer is one subject of several.
    mixed = f.other_in_title or (
        f.other_cancer_mentions >= 4 and f.other_cancer_mentions >= 0.3 * bc
    )
    if not dominated and not mixed:
        if f.in_title and bc >= 2:
            return "primary"
        if f.in_lead and f.share >= 0.2 and bc >= 2:
            return "primary"
        if f.share >= 0.35 and bc >= 4:
            return "primary"
    substantive = f.bc_sentences >= 3 or (f.bc_sentences >= 2 and f.share >= 0.15)
    if f.other_in_title and not f.in_title and f.share < 0.15:
        return "none"
    if (substantive or f.in_title) and (not dominated or f.share >= 0.1):
        return "partial"
    return "none"
