"""Text preparation: HTML clean-up, accent folding, sentences and positions.

Everything here is cheap, deterministic and pure; the analysers share one
`PreparedText` per article so the text is cleaned and split only once.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

#: Texts longer than this are cut before analysis (1 MB inputs stay fast).
MAX_CHARS = 60_000
#: Characters that count as the lead (first paragraph or so) of an article.
LEAD_CHARS = 400

_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{1,500}>", re.S | re.I)
_BLOCK_TAG_RE = re.compile(r"</?(p|div|br|li|h[1-6]|tr|section|article)\b[^>]*>", re.I)
#: Runs of blanks other than a lone space (what ``[ \t\u00a0]+`` -> " " changes).
_SPACES_RE = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")
_NEWLINES_RE = re.compile(r"\n\s*\n+")
#: Sentence breaks: ``(?<=[.!?])["'”’)]*\s+(?=…)|\n+`` (closing quotes and white space
#: after a full stop before what starts a sentence, or new lines), written to open on a
#: character class so that `re` skips quickly to where a break may be.
_SENT_START = r"(?=[\"'“‘¿¡(]?[A-ZÁÉÍÓÚÑ0-9])"
_SENT_RE = re.compile(
    r"[\"'”’)\s](?:"
    rf"(?<=[.!?][\"'”’)])[\"'”’)]*\s+{_SENT_START}"
    rf"|(?<=[.!?]\s)\s*{_SENT_START}"
    r"|(?<=\n)\n*)"
)
_WORD_RE = re.compile(r"\w+", re.U)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


class _CombiningMarks(dict[int, int | None]):
    """A ``str.translate`` table that deletes combining marks, filled per code point on
    first sight (a C-level lookup per character instead of a Python call)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_COMBINING = _CombiningMarks()


def strip_accents(text: str) -> str:
    """Remove diacritics while keeping case and (for Latin text) length."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    # Only the non-ASCII runs can hold marks: translating them alone is much faster.
    return _NON_ASCII_RE.sub(_drop_combining, decomposed)


def _drop_combining(match: re.Match[str]) -> str:
    return match.group(0).translate(_DROP_COMBINING)


def fold(text: str) -> str:
    """Lower-case and accent-free form used for vocabulary matching."""
    return strip_accents(text).lower()


def looks_like_html(text: str) -> bool:
    """True when the text still carries markup that must be removed."""
    return len(_TAG_RE.findall(text[:20_000])) >= 3


def clean_text(text: str) -> str:
    """Strip HTML tags and entities and normalise white space."""
    if "<" in text and ">" in text:
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES_RE.sub(" ", text)
    text = _NEWLINES_RE.sub("\n\n", text)
    return text.strip()


def split_sentences(text: str) -> list[str]:
    """Split into sentences (and lines), dropping empty pieces."""
    return [s.strip() for s in _SENT_RE.split(text) if s and s.strip()]


def word_count(text: str) -> int:
    return len(_WORD_RE.findall(text))


@dataclass(frozen=True)
class PreparedText:
    """One article ready for analysis: cleaned, folded and split."""

    title: str
    body: str
    sentences: tuple[str, ...]
    folded_sentences: tuple[str, ...]
    folded_title: str
    folded_lead: str
    folded_body: str
    truncated: bool
    had_html: bool
    #: Folded sentences joined by newlines, and the start offset of each sentence in it.
    joined: str = ""
    offsets: tuple[int, ...] = ()

    def sentence_at(self, position: int) -> int:
        """Index of the sentence containing `position` of `joined`."""
        return bisect_right(self.offsets, position) - 1

    @cached_property
    def words(self) -> int:
        """Number of words of title and body."""
        return word_count(self.title) + word_count(self.body)

    def words_up_to(self, limit: int) -> int:
        """`words`, or `limit` when there are at least that many (stops counting there)."""
        count = 0
        for text in (self.title, self.body):
            for _ in _WORD_RE.finditer(text):
                count += 1
                if count >= limit:
                    return limit
        return count

    @cached_property
    def folded_full(self) -> str:
        """Folded title and body, a newline apart (scanned by several analysers)."""
        return f"{self.folded_title}\n{self.folded_body}"

    @property
    def full(self) -> str:
        return f"{self.title}\n\n{self.body}" if self.title else self.body


def prepare(title: str | None, text: str | None) -> PreparedText:
    """Clean and split title and text into a `PreparedText`."""
    raw_title = title or ""
    raw_body = text or ""
    truncated = len(raw_body) > MAX_CHARS * 3
    if truncated:
        raw_body = raw_body[: MAX_CHARS * 3]
    had_html = looks_like_html(raw_body)
    clean_title = clean_text(raw_title)[:500]
    body = clean_text(raw_body)
    if len(body) > MAX_CHARS:
        body, truncated = body[:MAX_CHARS], True
    sentences = tuple(split_sentences(body))
    folded_body = fold(body)
    # Folding is per character (a sigma's final form stops at a line break too), and no
    # sentence holds a line break: one fold of the joined sentences is the joined folds.
    joined = fold("\n".join(sentences))
    folded_sentences = tuple(joined.split("\n")) if sentences else ()
    offsets: list[int] = []
    position = 0
    for sentence in folded_sentences:
        offsets.append(position)
        position += len(sentence) + 1
    return PreparedText(
        title=clean_title,
        body=body,
        sentences=sentences,
        folded_sentences=folded_sentences,
        folded_title=fold(clean_title),
        folded_lead=folded_body[:LEAD_CHARS],
        folded_body=folded_body,
        truncated=truncated,
        had_html=had_html,
        joined=joined,
        offsets=tuple(offsets),
    )
