"""Text preparation helpers that the analysers share."""

from __future__ import annotations

import unicodedata

from preventia.nlp.text import fold, prepare, strip_accents


def _reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_strip_accents_matches_the_per_character_definition() -> None:
    plane = "".join(chr(i) for i in range(0x30000) if not 0xD800 <= i < 0xE000)
    assert strip_accents(plane) == _reference(plane)
    for sample in ("Cáncer de mama", "ÑANDÚ", "plain ascii", "İstanbul ﬁ Ω", ""):
        assert strip_accents(sample) == _reference(sample)


def test_fold_lowers_and_drops_accents() -> None:
    assert fold("Cáncer de MAMA en Córdoba") == "cancer de mama en cordoba"


def test_words_up_to_stops_at_the_limit() -> None:
    doc = prepare("Breast cancer news", "One two, three - four.\n\nFive six seven eight nine.")
    assert doc.words == 12
    assert doc.words_up_to(8) == 8
    assert doc.words_up_to(12) == 12
    assert doc.words_up_to(50) == 12
    empty = prepare("  ", "<p> </p> -- !")
    assert empty.words == empty.words_up_to(8) == 0
