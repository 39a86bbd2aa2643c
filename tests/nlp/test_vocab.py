"""`Terms` matches exactly as the IGNORECASE pattern would, fast path or not."""

from __future__ import annotations

import re

import pytest

from preventia.nlp import keywords
from preventia.nlp.text import fold
from preventia.nlp.vocab import CASED_LIMIT, Terms, caseless, compile_terms, load_data

ENTRIES = ["breast cancer", "mammogra*", "screening", "re:canceres? de (?:[a-z]+\\s*,\\s*)+mama"]
TEXTS = [
    "breast cancer screening and mammography",
    "breaſt cancer ſcreening",  # long s: IGNORECASE matches it to "s"
    "mamografıa y screenıng",  # dotless i
    "BREAST CANCER",  # not folded: upper case only matches case-insensitively
    "canceres de pulmon, colon, mama",
    "canceres de pulmon, \u212aolon, mama",  # Kelvin sign inside the [a-z] range
    "¿cáncer? «breast-cancer» “mammogram” — screening…",
    "",
]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", TEXTS)
def test_terms_match_as_ignorecase(text: str) -> None:
    terms = compile_terms(ENTRIES)
    reference = terms.caseless
    assert reference.flags & re.I
    assert _spans(terms.regex(text), text) == _spans(reference, text)
    assert [m.span() for m in terms.finditer(text)] == _spans(reference, text)
    assert terms.findall(text) == reference.findall(text)
    assert bool(terms.search(text)) == bool(reference.search(text))


def test_fast_path_only_without_case_variants() -> None:
    terms = compile_terms(ENTRIES)
    assert terms.regex("breast cancer screening") is terms.exact
    assert terms.regex("¿cáncer de mama?") is terms.exact
    for text in ("breaſt", "screenıng", "Breast", "\u212a"):
        assert terms.regex(text) is terms.caseless


def test_case_sensitive_terms_use_one_pattern() -> None:
    terms = Terms(r"(?<!\w)Turkey(?!\w)", case_sensitive=True)
    assert terms.caseless is terms.exact
    assert terms.search("turkey") is None
    assert terms.search("in Turkey") is not None


def test_opaque_escapes_stay_case_insensitive() -> None:
    terms = Terms(r"\x61b")  # "ab" spelt with an escape: its letters are unknown
    assert terms.regex("ab") is terms.caseless
    assert terms.search("AB") is not None


def test_fullmatch_agrees_on_every_vocabulary_surface() -> None:
    data = load_data("topics.json")["topics"]
    for topic, kinds in data.items():
        for kind in ("strong", "weak"):
            terms = compile_terms(kinds[kind])
            for entry in kinds[kind]:
                if entry.startswith("re:"):
                    continue
                for surface in (fold(entry.rstrip("*")), entry.rstrip("*").upper()):
                    expected = terms.caseless.fullmatch(surface)
                    got = terms.fullmatch(surface)
                    assert (got is None) == (expected is None), (topic, surface)


def test_no_case_mapping_above_the_scanned_range() -> None:
    high = "".join(map(chr, range(CASED_LIMIT, 0x110000)))
    assert high.lower() == high
    assert high.upper() == high
    assert high.casefold() == high


SPAN_ENTRIES = [
    "u.s.",
    "breast cancer",
    "cancer",
    "mammogra*",
    "-ish",
    "a",
    "re:\\w*n['’]t",
    "e.g.",
]
SPAN_TEXTS = [
    "u.s.u.s. u.s.breast cancer",  # matches ending on a non-word character, back to back
    "breast cancer",  # a match at the start
    "a a a aa a",
    "ñbreast cancer _cancer 1cancer cancer_ cancer2 (cancer)",  # word characters before
    "mammography mammogram-mammograms\nmammo",
    "don't can’t isn't n't",
    "e.g.e.g. e.g.a -ish--ish x-ish",
    "",
    "a",
    "ααα cancer ñ cancer—cancer",
]


@pytest.mark.parametrize("text", SPAN_TEXTS)
def test_spans_agree_with_finditer(text: str) -> None:
    terms = compile_terms(SPAN_ENTRIES)
    assert terms.spans(text) == [m.span() for m in terms.caseless.finditer(text)]
    assert terms.spans(text) == [m.span() for m in terms.exact.finditer(text)]


def test_spans_of_an_empty_match_fall_back_to_finditer() -> None:
    terms = Terms(r"(?<!\w)(?:x*)(?!\w)", case_sensitive=True)
    for text in ("", "x y", " xx  x"):
        assert terms.spans(text) == [m.span() for m in terms.exact.finditer(text)]


def test_spans_of_a_blanked_copy_use_the_original_choice() -> None:
    terms = compile_terms(["screening"])
    original = "ſcreening screening"
    blanked = "          screening"
    assert terms.spans(blanked, checked=original) == [(10, 19)]
    assert terms.spans(original) == [(0, 9), (10, 19)]


ID_TEXTS = [
    "NCT12345678 xNCT12345678 NCT123456789 _NCT12345678 (NCT12345678) éNCT12345678 NCT01234567.",
    "10.1000/abc. 10.1000/abc) x10.1000/ab 10.12/abc 210.1000/abc (10.1038/s41586-020-2012-7)",
    "PMID: 12345 pmid 123456 PMıD:1234567 PMİD 1234567 xPMID 12345 PMID12345 pmid:  99999999",
    "PMID 1234567890 ñPMID 12345 Pmid\n12345 PMID:12345a",
]


@pytest.mark.parametrize("text", ID_TEXTS)
def test_identifier_patterns_match_the_word_boundary_forms(text: str) -> None:
    references = [
        (keywords._NCT_RE, re.compile(r"\bNCT\d{8}\b")),
        (keywords._DOI_RE, re.compile(r"\b10\.\d{4,9}/[^\s\"'<>,;]+[^\s\"'<>,;.)]")),
        (keywords._PMID_RE, re.compile(r"\bPMID:?\s*(\d{5,9})\b", re.I)),
    ]
    for fast, reference in references:
        assert fast.findall(text) == reference.findall(text)


def test_caseless_matches_what_ignorecase_matches() -> None:
    every = "".join(map(chr, range(0x110000)))
    for letter in "PMIDks":
        expected = re.findall(re.escape(letter), every, re.I)
        assert re.findall(caseless(letter), every) == expected
