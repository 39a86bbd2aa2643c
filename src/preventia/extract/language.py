"""Language of an extracted text (ISO 639-1) — delegates to ``preventia.nlp`` when it can.

``preventia.nlp.detect_language`` is the platform's detector. Until it exists this module
uses its own lazily built lingua detector over the platform's languages plus their close
neighbours (so a Portuguese or Catalan page is not forced into Spanish). Text mostly
written in a non-Latin script is outside that set and gets None.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

# Spanish and English are analysed; the others are there to be told apart from them.
DETECTABLE = (
    "EN",
    "ES",
    "PT",
    "CA",
    "FR",
    "IT",
    "DE",
    "NL",
    "EU",
    "CS",
    "PL",
    "RO",
    "SV",
    "DA",
    "TR",
)
MIN_LATIN_SHARE = 0.5
MIN_LETTERS = 20
#: Lingua's cost grows with the text (~1.4 µs a character here); the first ~600 characters
#: (100+ words) decide as 1,000 and 4,000 did on every text we have (162 gold articles,
#: the es_news rows, the 40 extraction pages and 300 benchmark pages: 2,045 texts, the
#: same language for each), at 60 % of the cost of 1,000.
SAMPLE_CHARS = 600
MIN_RELATIVE_DISTANCE = 0.05


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of ``text``, or None when too short, non-Latin or undecided."""
    if not text or not text.strip():
        return None
    delegate = _platform_detector()
    if delegate is not None:
        result = delegate(text)
        return result if isinstance(result, str) and result else None
    return _lingua_detect(sample_of(text))


def sample_of(text: str, size: int = SAMPLE_CHARS) -> str:
    """The first ``size`` characters of ``text``, cut after the last whole word."""
    if len(text) <= size:
        return text
    sample = text[:size]
    head = sample.rsplit(None, 1)[0] if not text[size].isspace() else sample
    return head if len(head) >= size // 2 else sample


@lru_cache(maxsize=1)
def _platform_detector() -> Callable[[str], Any] | None:
    try:
        module = importlib.import_module("preventia.nlp")
    except Exception:  # a broken or absent analysis package must not stop extraction
        return None
    detector = getattr(module, "detect_language", None)
    return detector if callable(detector) else None


def _lingua_detect(sample: str) -> str | None:
    letters = [char for char in sample if char.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    latin = sum(1 for char in letters if char.isascii() or "\u00c0" <= char <= "\u024f")
    if latin / len(letters) < MIN_LATIN_SHARE:
        return None
    language = _lingua_detector().detect_language_of(sample)
    if language is None:
        return None
    return str(language.iso_code_639_1.name).lower()


@lru_cache(maxsize=1)
def _lingua_detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code)) for code in DETECTABLE]
    # Trigram models only: lingua uses nothing else on texts of 120+ characters, and its
    # 1-5-gram models for short texts cost ~380 MB per process (15 languages) for pages
    # that are too short to be stored anyway.
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
        .with_low_accuracy_mode()
        .build()
    )
