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


def compile_terms(terms: list[str], *, case_sensitive: bool = False) -> re.Pattern[str]:
    """One pattern for a list of entries, on word boundaries."""
    flags = 0 if case_sensitive else re.I
    return re.compile(r"(?<!\w)" + alternation(terms) + r"(?!\w)", flags)


@dataclass(frozen=True)
class TermSet:
    """A named, compiled list of vocabulary entries."""

    name: str
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, name: str, terms: list[str]) -> TermSet:
        return cls(name=name, pattern=compile_terms(terms))

    def findall(self, folded: str) -> list[str]:
        return [m.group(0) for m in self.pattern.finditer(folded)]

    def count(self, folded: str) -> int:
        return sum(1 for _ in self.pattern.finditer(folded))

    def search(self, folded: str) -> bool:
        return self.pattern.search(folded) is not None


def data_version(name: str) -> str:
    """The ``version`` field of a data file (stamped into every analysis)."""
    return str(load_data(name).get("version", "0"))
