"""Topics: the ten aspects of breast cancer in spec/labels.md, multi-label plus a primary one.

Each sentence votes for the topics whose vocabulary it contains (2 for a strong
term, 1 for a weak one); the title counts three times.  Sentences that speak
about breast cancer count double, so a paragraph on another disease weighs
less.  A topic is kept when its share of the article is large enough; the
primary topic is the best-scored clinical area, with `research` only primary
for laboratory work or when no clinical area fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from preventia.nlp.text import PreparedText
from preventia.nlp.vocab import TermSet, compile_terms, load_data

DATA_FILE = "topics.json"
TOPICS: tuple[str, ...] = (
    "prevention",
    "screening",
    "diagnosis",
    "treatment",
    "research",
    "genetics",
    "survivorship",
    "metastatic",
    "policy_access",
    "awareness",
)
TITLE_WEIGHT = 3.0
BC_SENTENCE_BOOST = 2.0
#: Minimum share (score / weighted sentences) for a topic to be listed.
THRESHOLDS: dict[str, float] = {
    "prevention": 0.18,
    "screening": 0.15,
    "diagnosis": 0.30,
    "treatment": 0.29,
    "research": 0.12,
    "genetics": 0.15,
    "survivorship": 0.25,
    "metastatic": 0.12,
    "policy_access": 0.18,
    "awareness": 0.19,
}
#: Prior weight of each clinical area when choosing the primary topic: `metastatic`
#: and `diagnosis` are usually facets of a treatment or screening story.
PRIMARY_PRIOR: dict[str, float] = {
    "prevention": 1.1,
    "screening": 1.1,
    "diagnosis": 0.8,
    "treatment": 0.85,
    "genetics": 0.9,
    "survivorship": 1.0,
    "metastatic": 0.5,
    "policy_access": 1.0,
    "awareness": 0.9,
}
LAB_TERMS = TermSet.of(
    "lab",
    [
        "mice",
        "mouse",
        "rats",
        "ratones",
        "cell line*",
        "in the lab",
        "animal stud*",
        "animal model*",
        "test tube*",
        "petri",
        "lineas celulares",
        "in vitro",
        "cancer cells",
        "celulas cancerosas",
    ],
)


@dataclass(frozen=True)
class TopicResult:
    topics: list[str]
    primary: str | None
    scores: dict[str, float]
    evidence: dict[str, list[str]]


class TopicScorer:
    """Vocabulary-based multi-label topic scorer."""

    def __init__(self) -> None:
        data = load_data(DATA_FILE)["topics"]
        self.strong = {t: TermSet.of(t, data[t]["strong"]) for t in TOPICS}
        self.weak = {t: TermSet.of(t, data[t]["weak"]) for t in TOPICS}
        every = [term for t in TOPICS for kind in ("strong", "weak") for term in data[t][kind]]
        self.any_term = compile_terms(every)
        self._owners: dict[str, list[tuple[str, float]]] = {}

    def owners(self, surface: str) -> list[tuple[str, float]]:
        """(topic, vote) pairs a matched surface form belongs to (memoised)."""
        found = self._owners.get(surface)
        if found is None:
            found = []
            for topic in TOPICS:
                if self.strong[topic].pattern.fullmatch(surface):
                    found.append((topic, 1.0))
                elif self.weak[topic].pattern.fullmatch(surface):
                    found.append((topic, 0.5))
            if len(self._owners) < 50_000:
                self._owners[surface] = found
        return found

    def _votes(self, doc: PreparedText, hits: dict[str, list[str]]) -> dict[str, dict[int, float]]:
        """Topic -> sentence index -> best vote (1 strong, 0.5 weak); index -1 is the title."""
        votes: dict[str, dict[int, float]] = {t: {} for t in TOPICS}
        sources = ((doc.joined, doc.sentence_at), (doc.folded_title, lambda _: -1))
        for text, locate in sources:
            for start, end in self.any_term.spans(text):
                surface = text[start:end]
                for topic, vote in self.owners(surface):
                    index = locate(start)
                    votes[topic][index] = max(vote, votes[topic].get(index, 0.0))
                    hits[topic].append(surface)
        return votes

    def raw_scores(
        self, doc: PreparedText, bc_ids: tuple[int, ...]
    ) -> tuple[dict[str, float], float, dict[str, list[str]]]:
        """Per-topic weighted votes, the total weight and the matched terms."""
        hits: dict[str, list[str]] = {t: [] for t in TOPICS}
        bc = set(bc_ids)
        weights = {i: BC_SENTENCE_BOOST if i in bc else 1.0 for i in range(len(doc.sentences))}
        if doc.folded_title:
            weights[-1] = TITLE_WEIGHT
        votes = self._votes(doc, hits)
        scores = {
            topic: sum(weights.get(i, 0.0) * v for i, v in votes[topic].items()) for topic in TOPICS
        }
        return scores, max(sum(weights.values()), 1.0), hits

    def score(self, doc: PreparedText, bc_ids: tuple[int, ...]) -> TopicResult:
        scores, total, hits = self.raw_scores(doc, bc_ids)
        shares = {t: round(scores[t] / total, 3) for t in TOPICS}
        chosen = [t for t in TOPICS if shares[t] >= THRESHOLDS[t]]
        primary = choose_primary(shares, chosen, doc.folded_body)
        if primary and primary not in chosen:
            chosen.append(primary)
        chosen.sort(key=lambda t: (t != primary, -shares[t]))
        evidence = {t: _top_terms(hits[t]) for t in chosen}
        return TopicResult(topics=chosen, primary=primary, scores=shares, evidence=evidence)


def choose_primary(shares: dict[str, float], chosen: list[str], folded_body: str) -> str | None:
    """Best clinical area; `research` only for lab work or when nothing else fits."""
    clinical = {t: shares[t] * prior for t, prior in PRIMARY_PRIOR.items()}
    best = max(clinical, key=lambda t: clinical[t])
    lab = LAB_TERMS.count(folded_body) >= 2
    if "research" in chosen and (lab or shares[best] < THRESHOLDS[best]):
        return "research"
    if clinical[best] <= 0:
        return "research" if "research" in chosen else None
    return best


def _top_terms(terms: list[str], limit: int = 6) -> list[str]:
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    return sorted(counts, key=lambda t: -counts[t])[:limit]
