"""Tone: how the news would feel to a patient — positive, neutral or negative.

Tone is read from outcome phrases first ("cuts deaths by a third" is good news,
"raises the risk" bad news), then from single cues of progress or harm.  A
negator or a critical verb shortly before a cue flips it ("did not improve",
"questions the benefit", "revoking its approval").

The headline (title and lead) and the body are scored apart, each as
(positive - negative) / (positive + negative + k), and the headline weighs
more: it carries what the news is, while a long body restates the background
and the other side.  Hedges pull the score towards neutral: a question
headline ("Are ... worth it?") and cues of debate or balance ("controversial",
"at issue", "pros and cons").  So does a body whose good and bad evidence are
both strong: such a story is mixed, which the scheme calls neutral.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from preventia.nlp.text import PreparedText
from preventia.nlp.vocab import Terms, TermSet, alternation, compile_terms, load_data

Tone = Literal["positive", "neutral", "negative"]
DATA_FILE = "tone.json"
TITLE_WEIGHT = 2.0
LEAD_SENTENCES = 2
NEGATION_WORDS = 3
PHRASE_WEIGHT = 2.0
WEAK_WEIGHT = 0.5
FOCUS_WEIGHT = 1.5
CONTEXT_WEIGHT = 0.3
HEAD_SHARE = 0.3
HEAD_K = 0.5
BODY_K = 5.0
QUESTION_DAMP = 0.8
HEDGE_DAMP = 0.8
MIXED_BALANCE = 0.6
MIXED_MIN = 4.0
MIXED_DAMP = 0.6
POSITIVE_AT = 0.3
NEGATIVE_AT = -0.05

_CLAUSE_BREAK = re.compile(r"[\n.;:,!?()\"]")
_ZoneOf = Callable[[int], tuple[int, float]]


@dataclass(frozen=True)
class ToneResult:
    tone: Tone
    score: float
    positive: list[str]
    negative: list[str]


@dataclass
class _Tally:
    """Weighted good and bad evidence in one zone (headline or body)."""

    p: float = 0.0
    n: float = 0.0
    terms: list[tuple[int, str]] = field(default_factory=list)

    def add(self, sign: int, value: float, term: str) -> None:
        if sign > 0:
            self.p += value
        else:
            self.n += value
        self.terms.append((sign, term))

    def net(self, k: float) -> float:
        return (self.p - self.n) / (self.p + self.n + k)


class ToneScorer:
    """Rule-based tone scorer over a bilingual cue vocabulary."""

    def __init__(self) -> None:
        data = load_data(DATA_FILE)
        down, up = alternation(data["down_verbs"]), alternation(data["up_verbs"])
        bad, good = alternation(data["bad_outcomes"]), alternation(data["good_outcomes"])
        gap = r"(?:[\s\-]+[\w%.,]+){0,3}[\s\-]+"
        near = r"(?:[\s\-]+\w+){0,2}[\s\-]+"

        def phrase(pattern: str) -> Terms:
            return Terms(r"(?<!\w)" + pattern + r"(?!\w)", case_sensitive=True)

        good_phrase = phrase(f"(?:{down}{gap}{bad}|{up}{gap}{good}|{bad}{near}{down})")
        bad_phrase = phrase(f"(?:{up}{gap}{bad}|{down}{gap}{good}|{bad}{near}{up})")
        self.rules: tuple[tuple[Terms, int, float], ...] = (
            (good_phrase, 1, PHRASE_WEIGHT),
            (bad_phrase, -1, PHRASE_WEIGHT),
            (TermSet.of("negative", data["negative"]).pattern, -1, 1.0),
            (TermSet.of("positive", data["positive"]).pattern, 1, 1.0),
            (TermSet.of("weak_negative", data["weak_negative"]).pattern, -1, WEAK_WEIGHT),
            (TermSet.of("weak_positive", data["weak_positive"]).pattern, 1, WEAK_WEIGHT),
        )
        self.negators = compile_terms(data["negators"] + data["critical_verbs"])
        self.hedges = compile_terms(data["hedges"])
        self.context = compile_terms(data["context"])

    @staticmethod
    def _negated(negators: re.Pattern[str], folded: str, start: int) -> bool:
        window = folded[max(0, start - 40) : start]
        words = window.split()[-NEGATION_WORDS:]
        if not words or negators.search(" ".join(words)) is None:
            return False
        words = _CLAUSE_BREAK.split(window)[-1].split()[-NEGATION_WORDS:]
        return negators.search(" ".join(words)) is not None

    def _scan(self, folded: str, zone_of: _ZoneOf, tallies: tuple[_Tally, _Tally]) -> None:
        """Add every cue of `folded` to the tally of its zone (phrases first, then cues)."""
        original = folded
        # Windows and blanked copies only hold characters of `folded`: the pattern
        # chosen for it (see `Terms.regex`) fits them too.
        negators = self.negators.regex(original)
        for rule, sign, weight in self.rules:
            spans = rule.spans(folded, checked=original)
            for start, end in spans:
                zone, factor = zone_of(start)
                flipped = -sign if self._negated(negators, original, start) else sign
                tallies[zone].add(flipped, weight * factor, folded[start:end])
            if spans:  # blank what matched so that later rules do not count it again
                folded = _blank(folded, spans)

    def _damping(self, doc: PreparedText, body: _Tally) -> float:
        """How much hedges and a mixed body pull the score towards neutral."""
        damp = QUESTION_DAMP if doc.title.rstrip().endswith("?") else 1.0
        hedges = 2 * len(self.hedges.findall(doc.folded_title)) + sum(
            2 if doc.sentence_at(start) < LEAD_SENTENCES else 1
            for start, _ in self.hedges.spans(doc.joined)
        )
        damp *= HEDGE_DAMP ** min(hedges, 3)
        low, high = sorted((body.p, body.n))
        if low >= MIXED_MIN and low >= MIXED_BALANCE * high:
            damp *= MIXED_DAMP
        return damp

    def _context_ids(self, doc: PreparedText) -> set[int]:
        """Sentences of background figures ("each year", "la primera causa de muerte")."""
        return {doc.sentence_at(start) for start, _ in self.context.spans(doc.joined)}

    def score(self, doc: PreparedText, bc_ids: tuple[int, ...] = ()) -> ToneResult:
        focus, context = set(bc_ids), self._context_ids(doc)
        head, body = _Tally(), _Tally()

        def title_zone(_: int) -> tuple[int, float]:
            return 0, TITLE_WEIGHT

        def body_zone(position: int) -> tuple[int, float]:
            i = doc.sentence_at(position)
            factor = (FOCUS_WEIGHT if i in focus else 1.0) * (
                CONTEXT_WEIGHT if i in context else 1.0
            )
            return (0 if i < LEAD_SENTENCES else 1), factor

        self._scan(doc.folded_title, title_zone, (head, body))
        self._scan(doc.joined, body_zone, (head, body))
        share = _head_share(head, body)
        value = share * head.net(HEAD_K) + (1 - share) * body.net(BODY_K)
        value = round(value * self._damping(doc, body), 3)
        terms = head.terms + body.terms
        return ToneResult(
            tone=label_for(value),
            score=value,
            positive=_top([t for s, t in terms if s > 0]),
            negative=_top([t for s, t in terms if s < 0]),
        )


def _head_share(head: _Tally, body: _Tally) -> float:
    """Headline share of the score: all of it when the body has no cue, none when it has none."""
    if head.p + head.n == 0:
        return 0.0
    return HEAD_SHARE if body.p + body.n > 0 else 1.0


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the (ordered, disjoint) spans replaced by as many spaces."""
    pieces: list[str] = []
    end = 0
    for start, stop in spans:
        pieces += (text[end:start], " " * (stop - start))
        end = stop
    pieces.append(text[end:])
    return "".join(pieces)


def label_for(score: float) -> Tone:
    if score >= POSITIVE_AT:
        return "positive"
    if score <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def _top(terms: list[str], limit: int = 8) -> list[str]:
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    return sorted(counts, key=lambda t: -counts[t])[:limit]
