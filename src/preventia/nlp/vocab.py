"""Curated vocabularies: loading the data files and compiling term patterns.

Vocabulary entries are written in plain words (English and Spanish side by
side).  Matching is done on accent-folded, lower-cased text, so `cáncer` and
`cancer` are the same term.  Entry syntax:

* ``breast cancer`` – words separated by any white space or a hyphen;
* ``mammogra*`` – a trailing ``*`` matches any word ending;
* ``re:<regex>`` – a raw regular expression (already folded), for rare cases.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from preventia.nlp.text import fold

DATA_PACKAGE = "preventia.nlp.data"


@cache
def load_data(name: str) -> dict[str, Any]:
    """Load one JSON data file shipped with the package (cached)."""
    raw = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: top level must be an object")
    return data


_SEP = "\x00sep"
_STAR = "\x00star"
_END = ""
_ATOMS = {_SEP: r"[\s\-]+", _STAR: r"\w*"}


def _atoms(term: str) -> list[str]:
    """A plain entry as a list of atoms: single characters, word separators, a final wildcard."""
    prefix = term.endswith("*")
    atoms: list[str] = []
    for i, word in enumerate(fold(term.rstrip("*")).split()):
        if i:
            atoms.append(_SEP)
        atoms.extend(word)
    if prefix:
        atoms.append(_STAR)
    return atoms


def term_regex(term: str) -> str:
    """Translate one vocabulary entry into a regular-expression fragment."""
    if term.startswith("re:"):
        return term[3:]
    return "".join(_ATOMS.get(a, re.escape(a)) for a in _atoms(term))


def _trie_regex(node: dict[str, Any]) -> str:
    """Render a character trie as a compact regex (fast to match: no long alternations)."""
    ends = _END in node
    branches = [
        _ATOMS.get(atom, re.escape(atom)) + _trie_regex(child)
        for atom, child in sorted(node.items())
        if atom != _END
    ]
    if not branches:
        return ""
    body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 or ends else branches[0]
    return body + "?" if ends else body


def alternation(terms: list[str]) -> str:
    """A regex fragment (no boundaries) matching any of the entries, as a trie."""
    trie: dict[str, Any] = {}
    raw: list[str] = []
    for term in (t for t in terms if t.strip()):
        if term.startswith("re:"):
            raw.append(term[3:])
            continue
        node = trie
        for atom in _atoms(term):
            node = node.setdefault(atom, {})
        node[_END] = {}
    fragments = [f for f in [_trie_regex(trie), *raw] if f]
    return "(?:" + "|".join(fragments) + ")" if fragments else r"(?!x)x"


def compile_terms(terms: list[str], *, case_sensitive: bool = False) -> Terms:
    """One pattern for a list of entries, on word boundaries."""
    return Terms(r"(?<!\w)" + alternation(terms) + r"(?!\w)", case_sensitive=case_sensitive)


#: Code points searched for case variants.  No character above U+1FFFF has a case
#: mapping, so none can match a vocabulary letter under IGNORECASE
#: (checked by tests/nlp/test_vocab.py).
CASED_LIMIT = 0x20000
_CLASS_RE = re.compile(r"\[\^?\]?(?:\\.|[^\]\\])*\]")
_CLASS_ITEM_RE = re.compile(r"\\.|.", re.S)
#: Escapes that name a character not written as itself (``\x41``, ``\u00e9``, ``\N{…}``,
#: octal) or a back-reference: patterns holding one are always matched case-insensitively.
_OPAQUE_ESCAPE_RE = re.compile(r"\\[0-9xuUN]")


def _letters(source: str) -> frozenset[str] | None:
    """Every character `source` may match literally (a superset), or None when unknown."""
    if _OPAQUE_ESCAPE_RE.search(source.replace("\\\\", "")):
        return None
    letters = set(source)
    for klass in _CLASS_RE.findall(source):
        items = _CLASS_ITEM_RE.findall(klass[1:-1])
        for i in range(1, len(items) - 1):
            low, dash, high = items[i - 1], items[i], items[i + 1]
            if dash == "-" and len(low) == 1 and len(high) == 1 and low <= high:
                letters.update(map(chr, range(ord(low), ord(high) + 1)))
    return frozenset(letters)


@cache
def _all_chars() -> str:
    return "".join(map(chr, range(CASED_LIMIT)))


@cache
def _variants_of(letter: str) -> frozenset[str]:
    """The other characters IGNORECASE matches to `letter` ("A" for "a", "ı" for "i")."""
    return frozenset(re.findall(re.escape(letter), _all_chars(), re.I)) - {letter}


def caseless(literal: str) -> str:
    """A regex fragment matching `literal` as it matches with IGNORECASE, without the
    flag: each letter becomes the class of its case variants ("PM" -> ``[Pp][Mm]``)."""
    pieces = []
    for char in literal:
        chars = sorted({char} | _variants_of(char))
        pieces.append(
            "[" + "".join(map(re.escape, chars)) + "]" if len(chars) > 1 else re.escape(char)
        )
    return "".join(pieces)


def _case_variants(letters: frozenset[str]) -> frozenset[str]:
    """Characters that IGNORECASE matches to a *different* one of `letters`."""
    return frozenset().union(*map(_variants_of, letters))


class _VariantCheck:
    """Whether a text holds a case variant, remembering the last few long texts asked
    about (the analysers scan the same strings with many patterns in a row)."""

    def __init__(self, variants: frozenset[str]) -> None:
        klass = "[" + "".join(map(re.escape, sorted(variants))) + "]"
        self.variants = re.compile(klass) if variants else None
        #: id(text) -> (text, answer); the text is kept so that its id stays its own.
        self.recent: dict[int, tuple[str, bool]] = {}

    def __call__(self, text: str) -> bool:
        if self.variants is None:
            return False
        if len(text) < 200:
            return self.variants.search(text) is not None
        known = self.recent.get(id(text))
        if known is not None and known[0] is text:
            return known[1]
        found = self.variants.search(text) is not None
        if len(self.recent) >= 16:
            self.recent.clear()
        self.recent[id(text)] = (text, found)
        return found


@cache
def _check_for(variants: frozenset[str]) -> _VariantCheck:
    return _VariantCheck(variants)


#: Letters of most patterns.  Patterns within them share one check (for the variants of
#: all of them, a superset of their own): a text is then searched once, not per pattern.
COMMON_LETTERS = frozenset(string.ascii_lowercase + string.digits + string.punctuation + " \n’")


def _variant_check(letters: frozenset[str] | None) -> _VariantCheck | None:
    if letters is None:
        return None
    return _check_for(_case_variants(COMMON_LETTERS if letters <= COMMON_LETTERS else letters))


_WORD_START = r"(?<!\w)"
#: Every character but ``[0-9A-Za-z_]``: a superset of ``\W`` that `re` skips to quickly.
_NOT_ASCII_WORD = r"[^0-9A-Za-z_]"
_WORD_CHAR = re.compile(r"\w")


class Terms:
    """A compiled vocabulary pattern, case-insensitive unless `case_sensitive`.

    Case-insensitive matching is done exactly as `re.IGNORECASE` does it, but
    faster: texts are folded (lower-cased), so a text without any case variant
    of the pattern's letters (see `_case_variants`) gives the same matches with a
    case-sensitive pattern, which Python's `re` runs about twice as fast.  Other
    texts use the IGNORECASE pattern.

    `spans` is the fast way to list matches of a pattern opening on ``(?<!\\w)``:
    see `_word_spans`.
    """

    __slots__ = ("_caseless", "_has_variants", "_skip", "exact")

    def __init__(self, source: str, *, case_sensitive: bool = False) -> None:
        self.exact = re.compile(source)
        # Compiled on first use: most processes never meet a text that needs it.
        self._caseless: re.Pattern[str] | None = self.exact if case_sensitive else None
        self._has_variants = None if case_sensitive else _variant_check(_letters(source))
        # The same pattern preceded by the character before the match.
        self._skip = (
            re.compile(_NOT_ASCII_WORD + source) if source.startswith(_WORD_START) else None
        )

    @property
    def caseless(self) -> re.Pattern[str]:
        """The pattern as specified: with IGNORECASE unless case-sensitive."""
        if self._caseless is None:
            self._caseless = re.compile(self.exact.pattern, re.I)
        return self._caseless

    def regex(self, text: str) -> re.Pattern[str]:
        """The compiled pattern that matches `text` as specified (the fast one if it can)."""
        if self._caseless is self.exact:
            return self.exact
        check = self._has_variants
        return self.caseless if check is None or check(text) else self.exact

    def spans(self, text: str, *, checked: str | None = None) -> list[tuple[int, int]]:
        """(start, end) of every match in `text`, as `finditer` gives them.

        `checked` is a text that `text` was made from by blanking characters out: the
        pattern chosen for it fits `text` (and the choice is remembered for long texts).
        """
        regex = self.regex(text if checked is None else checked)
        if self._skip is None or regex is not self.exact:
            return [m.span() for m in regex.finditer(text)]
        found = _word_spans(regex, self._skip, text)
        return [m.span() for m in regex.finditer(text)] if found is None else found

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex(text).finditer(text)

    def findall(self, text: str) -> list[Any]:
        return self.regex(text).findall(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex(text).search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.regex(text).fullmatch(text)


def _word_spans(
    regex: re.Pattern[str], skip: re.Pattern[str], text: str
) -> list[tuple[int, int]] | None:
    """The spans `regex.finditer(text)` gives, for a `regex` opening on ``(?<!\\w)``.

    `re` cannot skip ahead to where such a pattern may match: it tries the look-behind
    at every character.  `skip` (the same pattern after a character class that is a
    superset of ``\\W``) lets it skip to candidate characters, and a match of `skip`
    at ``q`` is a match of `regex` at ``q + 1``; `regex` itself is tried where `skip`
    cannot see: at the start and right after a match that ends on a non-word
    character.  None if a match is empty (then `finditer` rules are subtler).
    """
    found: list[tuple[int, int]] = []
    match, search, word_char = regex.match, skip.search, _WORD_CHAR.match
    pos = 0
    while True:
        if pos == 0 or word_char(text, pos - 1) is None:
            m = match(text, pos)
            if m is not None:
                start, end = m.span()
                if start == end:
                    return None
                found.append((start, end))
                pos = end
                continue
        m = search(text, pos)
        if m is None:
            return found
        start, end = m.span()
        if start + 1 == end:
            return None
        found.append((start + 1, end))
        pos = end


@dataclass(frozen=True)
class TermSet:
    """A named, compiled list of vocabulary entries."""

    name: str
    pattern: Terms

    @classmethod
    def of(cls, name: str, terms: list[str]) -> TermSet:
        return cls(name=name, pattern=compile_terms(terms))

    def findall(self, folded: str) -> list[str]:
        return [folded[start:end] for start, end in self.pattern.spans(folded)]

    def count(self, folded: str) -> int:
        return len(self.pattern.spans(folded))

    def search(self, folded: str) -> bool:
        return self.pattern.search(folded) is not None


def data_version(name: str) -> str:
    """The ``version`` field of a data file (stamped into every analysis)."""
    return str(load_data(name).get("version", "0"))
