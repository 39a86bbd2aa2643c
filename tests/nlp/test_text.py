"""Text preparation helpers that the analysers share."""

from __future__ import annotations

import random
import re
import unicodedata

from preventia.nlp import text as text_module
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


def _random_texts(count: int) -> list[str]:
    rnd = random.Random(7)
    alphabet = list("ab .!?\"'”’)“‘¿¡(\n\t Á1A\u00a0\r")
    return ["".join(rnd.choices(alphabet, k=rnd.randint(0, 30))) for _ in range(count)]


def test_sentence_and_blank_patterns_match_their_plain_forms() -> None:
    sentences = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘¿¡(]?[A-ZÁÉÍÓÚÑ0-9])|\n+")
    blanks = re.compile(r"[ \t\u00a0]+")
    crafted = [
        'He said "no." She left.\n\nNew line! ¿Qué? (Yes.) ’Tis 2024. 3 cats.\n',
        "a.  \t B. \u00a0C.\n \nD",
    ]
    for text in crafted + _random_texts(20_000):
        assert text_module._SENT_RE.split(text) == sentences.split(text)
        assert text_module._SPACES_RE.sub(" ", text) == blanks.sub(" ", text)


def test_folded_sentences_are_the_folds_of_the_sentences() -> None:
    rnd = random.Random(11)
    alphabet = list("aΣΑ. \n!?\u0301\u0345'’\u00adİÉ1Ω")
    texts = [
        "ΟΔΥΣΣΕΥΣ. Σ\n\u0301Σ. ΑΣ\nΣΑ",
        "Cáncer de MAMA. Él dijo: \u0301hola.\n\nΤΕΛΟΣ",
        *("".join(rnd.choices(alphabet, k=rnd.randint(0, 40))) for _ in range(5_000)),
    ]
    for text in texts:
        doc = prepare("t", text)
        assert doc.folded_sentences == tuple(fold(s) for s in doc.sentences)
        assert doc.joined == "\n".join(doc.folded_sentences)
