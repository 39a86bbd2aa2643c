"""The gazetteer tokeniser and matcher agree with their plain definitions."""

from __future__ import annotations

import random
import re

from preventia.nlp.analyzer import get_analyzer
from preventia.nlp.countries import _TOKEN_RE, _tokens

PLAIN_TOKEN_RE = re.compile(r"\w+(?:[.'’\-]\w+)+\.?|\w+|,")


def _random_texts(count: int) -> list[str]:
    rnd = random.Random(5)
    alphabet = [*"aB1_ .,'’-\nÉñ", "U.S.", "New York", "Mexico", "U.K.", "St."]
    return ["".join(rnd.choices(alphabet, k=rnd.randint(0, 25))) for _ in range(count)]


def test_tokens_match_the_plain_pattern() -> None:
    crafted = ["U.S.-based O'Brien's a--b a.-b e.g. 3.5. no. a_b-c -a- ,, a.b.c.d.e ñ-ü.ß"]
    for text in crafted + _random_texts(20_000):
        assert _TOKEN_RE.findall(text) == PLAIN_TOKEN_RE.findall(text)


def _plain_matches(text: str) -> list[tuple[str | None, float, str]]:
    """The matcher as first written: every token tried, longest entry first."""
    finder = get_analyzer().countries
    tokens = _tokens(text)
    found: list[tuple[str | None, float, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(finder.max_len, len(tokens) - i), 0, -1):
            key = " ".join(tokens[i : i + n])
            hit = finder.lookup.get(key)
            if hit is None and n == 1 and key.endswith("."):
                key = key[:-1]
                hit = finder.lookup.get(key)
            if hit is not None:
                found.append((hit[0], hit[1], key))
                i += n
                break
        else:
            i += 1
    return found


def test_matches_agree_with_trying_every_token() -> None:
    finder = get_analyzer().countries
    texts = [
        "Doctors in New York, New Mexico and the U.S. met colleagues from St. Louis.",
        "Santiago de Compostela, Spain; the British Medical Journal; Latin America; Turkey.",
        *_random_texts(3_000),
    ]
    for text in texts:
        assert finder._matches(text) == _plain_matches(text)
