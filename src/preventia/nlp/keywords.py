"""Keywords and entities.

Keywords: a light RAKE-style extractor (phrases between stop words, scored by
frequency, length and presence in the title).  YAKE was measured at 20–55 ms per
700-word article, over the whole analysis budget; see docs/decisions.
Entities: biomarkers, genes, drugs and procedures from a curated bilingual
vocabulary, and identifiers (NCT trial numbers, DOIs, PubMed IDs) by pattern.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from preventia.nlp.text import PreparedText, fold
from preventia.nlp.vocab import Terms, caseless, compile_terms, load_data

ENTITY_FILE = "entities.json"
STOPWORD_FILE = "stopwords.json"
ENTITY_TYPES = ("biomarker", "gene", "drug", "procedure")
MAX_KEYWORDS = 10
MAX_PHRASE_WORDS = 3
#: Function words allowed inside a phrase (Spanish noun phrases: cáncer de mama).
JOINERS = frozenset({"de", "del"})

# Identifiers start on a word boundary: "(?<!\w…)" after the first characters (instead of
# "\b" before them) checks it and lets `re` search for those characters quickly.
_NCT_RE = re.compile(r"NCT(?<!\wNCT)\d{8}\b")
_DOI_RE = re.compile(r"10\.(?<!\w10\.)\d{4,9}/[^\s\"'<>,;]+[^\s\"'<>,;.)]")
#: "PMID" in any case, as IGNORECASE matches it.
_PMID_RE = re.compile(rf"{caseless('P')}(?<!\w{caseless('P')}){caseless('MID')}:?\s*(\d{{5,9}})\b")
_WORD_RE = re.compile(r"\w+")
_NON_ASCII_WORD_CHAR_RE = re.compile(r"[^\W\x00-\x7f]")
_TOKEN_RE = re.compile(r"[a-z][a-z0-9\-]*[a-z0-9]|[a-z]|[.,;:!?()\"“”«»]|\n")


@dataclass(frozen=True)
class Entity:
    type: str
    value: str


class EntityFinder:
    """Finds curated entities and identifiers in a prepared text."""

    def __init__(self) -> None:
        data = load_data(ENTITY_FILE)
        self.patterns: list[tuple[str, str, Terms]] = []
        forms_all: list[str] = []
        for etype in ENTITY_TYPES:
            for canonical, forms in data[etype].items():
                self.patterns.append((etype, canonical, compile_terms(forms)))
                forms_all += forms
        self.any_form = compile_terms(forms_all)
        self._canonicals: dict[str, tuple[Entity, ...]] = {}

    def _canonical(self, surface: str) -> tuple[Entity, ...]:
        """Entities a matched surface form names (memoised: surfaces recur across articles)."""
        found = self._canonicals.get(surface)
        if found is None:
            found = tuple(Entity(t, c) for t, c, p in self.patterns if p.fullmatch(surface))
            if len(self._canonicals) < 50_000:
                self._canonicals[surface] = found
        return found

    def find(self, doc: PreparedText) -> list[Entity]:
        folded = doc.folded_full
        surfaces = {folded[start:end] for start, end in self.any_form.spans(folded)}
        found: list[Entity] = []
        for surface in sorted(surfaces):
            found += [e for e in self._canonical(surface) if e not in found]
        raw = f"{doc.title}\n{doc.body}"
        found += [Entity("trial_id", m) for m in sorted(set(_NCT_RE.findall(raw)))]
        found += [Entity("doi", m) for m in sorted(set(_DOI_RE.findall(raw)))]
        found += [Entity("pmid", m) for m in sorted(set(_PMID_RE.findall(raw)))]
        return found


class KeywordExtractor:
    """RAKE-like keyword extraction over folded text (fast, language-aware stop words)."""

    def __init__(self) -> None:
        data = load_data(STOPWORD_FILE)
        self.stopwords = {lang: frozenset(data[lang]) for lang in ("en", "es")}

    def _phrases(self, folded: str, stop: frozenset[str]) -> list[tuple[str, ...]]:
        """Every 1- to 3-word n-gram inside runs of content words (in no particular order)."""
        # Content words in text order, runs separated by "" (no token is empty).
        words = [""]
        for token in _TOKEN_RE.findall(folded):
            # Tokens longer than two characters are words; "cáncer de mama" stays one phrase.
            if (len(token) > 2 and token not in stop) or (words[-1] and token in JOINERS):
                words.append(token)
            elif words[-1]:
                words.append("")
        phrases: list[tuple[str, ...]] = []
        for size in range(1, MAX_PHRASE_WORDS + 1):
            grams = zip(*(words[k:] for k in range(size)), strict=False)
            phrases += [
                gram
                for gram in grams
                if "" not in gram and gram[0] not in JOINERS and gram[-1] not in JOINERS
            ]
        return phrases

    def extract(self, doc: PreparedText, language: str | None) -> list[str]:
        stop = self.stopwords.get(language or "en", self.stopwords["en"])
        title = set(self._phrases(doc.folded_title, stop))
        counts = Counter(self._phrases(doc.folded_full, stop))
        scores = {
            p: c * (1.0 + 1.5 * (len(p) - 1)) * (2.0 if p in title else 1.0)
            for p, c in counts.items()
            if c >= 2 or p in title
        }
        ranked = sorted(scores, key=lambda p: (-scores[p], p))
        surface = _surface_forms(doc)
        keywords: list[str] = []
        for phrase in ranked:
            text = " ".join(surface.get(w, w) for w in phrase)
            if any(text in k for k in keywords):
                continue
            shorter = [k for k in keywords if k in text]
            if shorter:  # a longer phrase repeated in the text replaces its parts
                keywords = [k for k in keywords if k not in shorter]
            keywords.append(text)
            if len(keywords) >= MAX_KEYWORDS:
                break
        return keywords


def _surface_forms(doc: PreparedText) -> dict[str, str]:
    """Folded word -> its accented lower-case spelling in the text (first seen); words
    spelt as their folded form may be left out (look them up with a default)."""
    forms: dict[str, str] = {}
    text = f"{doc.title} {doc.body[:20_000]}".lower()
    if _NON_ASCII_WORD_CHAR_RE.search(text) is None:  # every word is its own folded form
        return forms
    words = _WORD_RE.findall(text)
    for word in dict.fromkeys(words):  # each spelling once, in order of first sight
        forms.setdefault(word if word.isascii() else fold(word), word)  # ASCII: folded already
    return forms
