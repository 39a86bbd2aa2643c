"""Tone: how the news would feel to a patient — positive, neutral or negative.

Tone is read from outcome phrases first ("cuts deaths by a third" is good news,
"raises the risk" bad news), then from single cues of progress or harm, with
negation ("did not improve") flipping a cue.  The title and the lead weigh
more than the body because they carry what the news is.  The score is
(positive - negative) / (positive + negative + 2), in [-1, 1].
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from preventia.nlp.text import PreparedText
from preventia.nlp.vocab import TermSet, alternation, compile_terms, load_data

Tone = Literal["positive", "neutral", "negative"]
DATA_FILE = "tone.json"
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_SENTENCES = 2
PHRASE_WEIGHT = 2.0
WEAK_WEIGHT = 0.5
BODY_WEIGHT = 0.6
POSITIVE_AT = 0.4
NEGATIVE_AT = -0.1


@dataclass(frozen=True)
class ToneResult:
    tone: Tone
    score: float
    positive: list[str]
    negative: list[str]


class ToneScorer:
    """Rule-based tone scorer over a bilingual cue vocabulary."""

    def __init__(self) -> None:
        data = load_data(DATA_FILE)
        down, up = alternation(data["down_verbs"]), alternation(data["up_verbs"])
        bad, good = alternation(data["bad_outcomes"]), alternation(data["good_outcomes"])
        gap = r"(?:[\s\-]+[\w%.,]+){0,3}[\s\-]+"
        near = r"(?:[\s\-]+\w+){0,2}[\s\-]+"

        def phrase(pattern: str) -> re.Pattern[str]:
            return re.compile(r"(?<!\w)" + pattern + r"(?!\w)")

        self.good_phrase = phrase(f"(?:{down}{gap}{bad}|{up}{gap}{good}|{bad}{near}{down})")
        self.bad_phrase = phrase(f"(?:{up}{gap}{bad}|{down}{gap}{good}|{bad}{near}{up})")
        self.positive = TermSet.of("positive", data["positive"])
        self.negative = TermSet.of("negative", data["negative"])
        self.weak_positive = TermSet.of("weak_positive", data["weak_positive"])
        self.weak_negative = TermSet.of("weak_negative", data["weak_negative"])
        self.negators = compile_terms(data["negators"])

    def _negated(self, folded: str, start: int) -> bool:
        window = folded[max(0, start - 30) : start]
        words = window.split()[-3:]
        return self.negators.search(" ".join(words)) is not None

    def _scan(
        self, folded: str, weight_at: Callable[[int], float], pos: list[str], neg: list[str]
    ) -> tuple[float, float]:
        """Weighted positive and negative evidence in `folded` (phrases first, then cues)."""
        p = n = 0.0
        rules = (
            (self.good_phrase, 1, PHRASE_WEIGHT),
            (self.bad_phrase, -1, PHRASE_WEIGHT),
            (self.positive.pattern, 1, 1.0),
            (self.negative.pattern, -1, 1.0),
            (self.weak_positive.pattern, 1, WEAK_WEIGHT),
            (self.weak_negative.pattern, -1, WEAK_WEIGHT),
        )
        for regex, sign, weight in rules:
            for m in regex.finditer(folded):
                value = weight * weight_at(m.start())
                if (sign > 0) != self._negated(folded, m.start()):
                    p += value
                    pos.append(m.group(0))
                else:
                    n += value
                    neg.append(m.group(0))
            folded = regex.sub(_blank, folded)
        return p, n

    def score(self, doc: PreparedText, bc_ids: tuple[int, ...] = ()) -> ToneResult:
        pos: list[str] = []
        neg: list[str] = []
        focus = set(bc_ids)

        def body_weight(position: int) -> float:
            i = doc.sentence_at(position)
            base = LEAD_WEIGHT if i < LEAD_SENTENCES else BODY_WEIGHT
            return base * (1.5 if i in focus else 1.0)

        tp, tn = self._scan(doc.folded_title, lambda _: TITLE_WEIGHT, pos, neg)
        bp, bn = self._scan(doc.joined, body_weight, pos, neg)
        total_p, total_n = tp + bp, tn + bn
        value = round((total_p - total_n) / (total_p + total_n + 2.0), 3)
        return ToneResult(
            tone=label_for(value), score=value, positive=_top(pos), negative=_top(neg)
        )


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


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
