"""Near-duplicate detection (syndicated copies, light rewrites) with MinHash + LSH.

Pure and in memory: the pipeline fills the index from stored ``(id, text)`` pairs (and keeps
it up to date across cycles, see ``Collector``) and asks :meth:`~NearDuplicateIndex.query` before
storing a new article; a hit is that article's ``duplicate_of``. Similarity is the Jaccard
index of word shingles (3 consecutive words of the case-folded text), estimated by MinHash;
LSH only proposes candidates, each is then checked against the threshold.

Signing hashes each word once and combines the word hashes of every shingle with numpy
(:func:`shingle_hashes`) instead of building and SHA-1-hashing one string per shingle:
the shingle sets are the same, the signature costs a fraction (signatures are kept in
memory only, so no stored signature depends on the hash).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

_WORD_RE = re.compile(r"[^\W_]+")
# LSH runs a little below the threshold so borderline pairs become candidates, then the
# MinHash estimate decides; this trades a few extra comparisons for fewer misses.
_LSH_SLACK = 0.1

ArticleId = Hashable


@dataclass(frozen=True)
class NearDuplicateOptions:
    """``threshold``: minimum estimated Jaccard similarity of shingle sets to call two texts
    near-duplicates; ``num_perm``: MinHash permutations (accuracy vs. speed/memory);
    ``shingle_size``: words per shingle. Indexes only compare with identical options."""

    threshold: float = 0.8
    num_perm: int = 128
    shingle_size: int = 3
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.num_perm < 16 or self.shingle_size < 1:
            raise ValueError("num_perm must be >= 16 and shingle_size >= 1")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = 3) -> set[str]:
    """Word ``size``-grams of the NFKC, case-folded text (the whole text if shorter)."""
    words = _words(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


# Odd 64-bit constants (golden ratio; SplitMix64's finaliser) for combining word hashes.
_STEP = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_LOW32 = np.uint64(0xFFFFFFFF)


def shingle_hashes(text: str, size: int = 3) -> np.ndarray:
    """A 32-bit hash (``uint64`` array) of each word ``size``-gram of :func:`shingles`, in
    text order (repeats included: a MinHash takes minima, so they change nothing).

    Each word is hashed once (CRC-32 of its UTF-8); a shingle's hash is a polynomial of its
    words' hashes, then mixed so that the low 32 bits depend on every word.
    """
    words = _words(text)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    codes = np.fromiter(
        (zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.uint64, count=len(words)
    )
    count = max(len(words) - size + 1, 1)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(min(size, len(words))):
        combined = combined * _STEP + codes[offset : offset + count] + np.uint64(1)
    combined ^= combined >> np.uint64(31)
    combined *= _MIX
    combined ^= combined >> np.uint64(29)
    return combined & _LOW32


def _identity(value: int) -> int:
    return value


@cache
def _permutations(num_perm: int, seed: int) -> Any:
    """MinHash's permutation parameters for ``(num_perm, seed)``: drawn once, not at every
    signature (that costs ~0.5 ms, a quarter of signing an article)."""
    return MinHash(num_perm=num_perm, seed=seed).permutations


class NearDuplicateIndex:
    """Articles seen so far, searchable for near copies of a new text."""

    def __init__(self, options: NearDuplicateOptions | None = None) -> None:
        self.options = options or NearDuplicateOptions()
        lsh_threshold = max(0.05, self.options.threshold - _LSH_SLACK)
        self._lsh = MinHashLSH(threshold=lsh_threshold, num_perm=self.options.num_perm)
        self._hashes: dict[ArticleId, LeanMinHash] = {}
        self._order: dict[ArticleId, int] = {}
        self._added = 0

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[ArticleId, str]], options: NearDuplicateOptions | None = None
    ) -> NearDuplicateIndex:
        """An index holding every ``(article_id, text)`` pair, in the given order."""
        index = cls(options)
        for article_id, text in pairs:
            index.add(article_id, text)
        return index

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._hashes

    def minhash(self, text: str) -> LeanMinHash | None:
        """The MinHash signature of ``text``, or None for a text without words."""
        hashes = shingle_hashes(text, self.options.shingle_size)
        if not len(hashes):
            return None
        signature = MinHash(
            num_perm=self.options.num_perm,
            seed=self.options.seed,
            hashfunc=_identity,
            permutations=_permutations(self.options.num_perm, self.options.seed),
        )
        signature.update_batch(hashes.tolist())
        return LeanMinHash(signature)

    def ids(self) -> list[ArticleId]:
        """The indexed ids."""
        return list(self._hashes)

    def add(self, article_id: ArticleId, text: str, *, rank: int | None = None) -> bool:
        """Index ``text`` under ``article_id``; False (nothing indexed) for an empty text.

        Re-adding a known id replaces its text. Matches come earliest ``rank`` first
        (default: the order of addition).
        """
        signature = self.minhash(text)
        if article_id in self._hashes:
            self.remove(article_id)
        if signature is None:
            return False
        self._lsh.insert(article_id, signature)
        self._hashes[article_id] = signature
        self._order[article_id] = self._added if rank is None else rank
        self._added += 1
        return True

    def remove(self, article_id: ArticleId) -> None:
        """Forget ``article_id`` (no error if unknown)."""
        if self._hashes.pop(article_id, None) is not None:
            self._order.pop(article_id, None)
            self._lsh.remove(article_id)

    def query(self, text: str, *, exclude: ArticleId | None = None) -> ArticleId | None:
        """The earliest indexed article (other than ``exclude``) that ``text``
        near-duplicates, or None."""
        matches = self.matches(text, exclude=exclude)
        return matches[0][0] if matches else None

    def matches(
        self, text: str, *, exclude: ArticleId | None = None
    ) -> list[tuple[ArticleId, float]]:
        """Indexed articles at or above the threshold with their estimated Jaccard
        similarity, earliest (added, or ranked) first."""
        signature = self.minhash(text)
        if signature is None:
            return []
        found = []
        for candidate in self._lsh.query(signature):
            if candidate == exclude:
                continue
            similarity = float(signature.jaccard(self._hashes[candidate]))
            if similarity >= self.options.threshold:
                found.append((candidate, similarity))
        return sorted(found, key=lambda item: self._order[item[0]])

    def add_or_match(self, article_id: ArticleId, text: str) -> ArticleId | None:
        """Query, then index ``text``: the id of the first near copy, or None if new."""
        first = self.query(text, exclude=article_id)
        self.add(article_id, text)
        return first


def jaccard(text_a: str, text_b: str, shingle_size: int = 3) -> float:
    """Exact Jaccard similarity of the two texts' shingle sets (for tests and tuning)."""
    a, b = shingles(text_a, shingle_size), shingles(text_b, shingle_size)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
