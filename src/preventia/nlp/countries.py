"""Countries the story is about (ISO 3166-1 alpha-2), from a bilingual gazetteer.

Names, demonyms, cities/regions and institutions are matched case-sensitively
on accent-folded text (so "Turkey" is a country and "turkey" a bird), the
longest entry winning ("New Mexico" is the US, "Santiago de Compostela"
Spain).  Names of journals, languages and wider regions ("British Medical
Journal", "Latin America") are matched too but count for no country.  The
outlet's own country is never inferred here: it belongs to the source record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from preventia.nlp.text import PreparedText, strip_accents
from preventia.nlp.vocab import load_data

DATA_FILE = "countries.json"
KIND_WEIGHTS: dict[str, float] = {
    "names": 1.0,
    "demonyms": 1.0,
    "places": 1.0,
    "institutions": 0.7,
    "companies": 0.4,
}
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
MIN_SCORE = 0.7
RELATIVE_MIN = 0.3
MAX_COUNTRIES = 5


@dataclass(frozen=True)
class CountryResult:
    countries: list[str]
    scores: dict[str, float]
    evidence: dict[str, list[str]]


#: Words, dotted or hyphenated compounds ("U.S.", "Saint-Denis") and commas; the same
#: tokens as ``\w+(?:[.'’\-]\w+)+\.?|\w+|,``, found without matching each word twice.
_TOKEN_RE = re.compile(r"\w+(?:(?:[.'’\-]\w+)+\.?)?|,")
MAX_NGRAM = 7


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(strip_accents(text).replace("’", "'"))


def _key(text: str) -> str:
    return " ".join(_tokens(text))


class CountryFinder:
    """Gazetteer matcher (longest n-gram lookup) with per-country weighted evidence."""

    def __init__(self) -> None:
        data = load_data(DATA_FILE)
        self.lookup: dict[str, tuple[str | None, float]] = {}
        for entry in data["ignore"]:
            self.lookup[_key(entry)] = (None, 0.0)
        for code, kinds in data["countries"].items():
            for kind, weight in KIND_WEIGHTS.items():
                for entry in kinds.get(kind, []):
                    self.lookup.setdefault(_key(entry), (code, weight))
        self.max_len = min(MAX_NGRAM, max(len(k.split()) for k in self.lookup))
        # Longest entry (in tokens, capped at max_len) starting with each first token: a
        # token that starts no entry of two or more tokens needs only the 1-gram lookup.
        self.longest: dict[str, int] = {}
        for key in self.lookup:
            words = key.split()
            size = min(len(words), self.max_len)
            if words and size > self.longest.get(words[0], 1):
                self.longest[words[0]] = size
        # Tokens that can start a match: first tokens of longer entries, one-token
        # entries, and those with a final dot (looked up without it).
        singles = [key for key in self.lookup if " " not in key]
        self.starts = frozenset([*self.longest, *singles, *(key + "." for key in singles)])

    def _matches(self, text: str) -> list[tuple[str | None, float, str]]:
        """Longest gazetteer entries in `text`, left to right, without overlaps."""
        tokens = _tokens(text)
        found: list[tuple[str | None, float, str]] = []
        longest, lookup = self.longest, self.lookup
        end = 0  # tokens before `end` are part of a match already
        for i in [j for j, token in enumerate(tokens) if token in self.starts]:
            if i < end:
                continue
            for n in range(min(longest.get(tokens[i], 1), len(tokens) - i), 0, -1):
                key = " ".join(tokens[i : i + n]) if n > 1 else tokens[i]
                hit = lookup.get(key)
                if hit is None and n == 1 and key.endswith("."):
                    key = key[:-1]
                    hit = lookup.get(key)
                if hit is not None:
                    found.append((hit[0], hit[1], key))
                    end = i + n
                    break
        return found

    def _scan(
        self, text: str, weight: float, scores: dict[str, float], ev: dict[str, list[str]]
    ) -> None:
        for code, w, surface in self._matches(text):
            if code is None:
                continue
            scores[code] = scores.get(code, 0.0) + w * weight
            ev.setdefault(code, []).append(surface)

    def find(self, doc: PreparedText) -> CountryResult:
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        self._scan(doc.title, TITLE_WEIGHT, scores, evidence)
        lead = " ".join(doc.sentences[:2])
        self._scan(lead, LEAD_WEIGHT, scores, evidence)
        self._scan("\n".join(doc.sentences[2:]), 1.0, scores, evidence)
        return CountryResult(
            countries=select(scores),
            scores={c: round(s, 2) for c, s in scores.items()},
            evidence={c: sorted(set(v))[:6] for c, v in evidence.items()},
        )


def select(scores: dict[str, float]) -> list[str]:
    """Countries with enough evidence, strongest first."""
    if not scores:
        return []
    ranked = sorted(scores, key=lambda c: (-scores[c], c))
    top = scores[ranked[0]]
    keep = [c for c in ranked if scores[c] >= MIN_SCORE and scores[c] >= RELATIVE_MIN * top]
    return keep[:MAX_COUNTRIES]
