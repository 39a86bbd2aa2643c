"""Language identification with lingua, restricted to the languages we expect.

The detector is built once (lazily) and reused.  Texts mostly written in a
non-Latin script, or for which lingua is not confident, get no language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

#: Languages the detector chooses among (ISO 639-1).
DETECTABLE = ("en", "es", "pt", "fr", "de", "it", "ca", "nl")
#: Languages the analysis vocabularies cover.
ANALYSED = ("en", "es")
SAMPLE_CHARS = 1_500
MIN_CONFIDENCE = 0.5
MIN_LATIN_SHARE = 0.6

WARM_UP_TEXT = (
    "Breast cancer screening with mammography finds tumours early in many women. "
    "El cribado del cáncer de mama con mamografía detecta los tumores a tiempo."
)
_LETTER_RE = re.compile(r"[^\W\d_]", re.U)
_LATIN_RE = re.compile(r"[A-Za-zÀ-ɏ]")


@dataclass(frozen=True)
class LanguageResult:
    language: str | None
    confidence: float
    reason: str | None = None


class LanguageDetector:
    """Thin wrapper around a restricted lingua detector."""

    @cached_property
    def _detector(self) -> Any:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTABLE]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def warm_up(self) -> None:
        """Load the language models an article needs now rather than on the first one.

        The sample is longer than 120 characters: lingua then uses its trigram models
        only. A shorter sample would also load its 1-, 2-, 4- and 5-gram models (~1 s and
        ~190 MB per process), which only texts under 120 characters need; the first such
        text loads them then.
        """
        self.detect(WARM_UP_TEXT)

    def detect(self, text: str) -> LanguageResult:
        sample = text[:SAMPLE_CHARS]
        letters = _LETTER_RE.findall(sample)
        if len(letters) < 20:
            return LanguageResult(None, 0.0, "too_short")
        latin = sum(1 for c in letters if _LATIN_RE.match(c))
        if latin / len(letters) < MIN_LATIN_SHARE:
            return LanguageResult(None, 0.0, "unsupported_language")
        values = self._detector.compute_language_confidence_values(sample)
        if not values:
            return LanguageResult(None, 0.0, "unsupported_language")
        best = values[0]
        code = best.language.iso_code_639_1.name.lower()
        if best.value < MIN_CONFIDENCE:
            return LanguageResult(None, round(best.value, 3), "uncertain_language")
        return LanguageResult(code, round(best.value, 3))

    @staticmethod
    def version() -> str:
        from importlib.metadata import version

        return f"lingua-{version('lingua-language-detector')}"
