"""Hostile-input guards and text helpers shared by the feed and sitemap parsers.

defusedxml is not a dependency; the equivalent defences are: documents declaring
entities (billion laughs, external entities) are refused before any parser sees them,
gzip bodies are inflated with a cap, and lxml runs with ``resolve_entities=False``,
``no_network=True``, ``huge_tree=False`` and no DTD loading.
"""

from __future__ import annotations

import re
import zlib

import lxml.html
from lxml import etree

MAX_INFLATED_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit
_ENTITY_MARKERS = tuple("<!ENTITY".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))
_SPACE_RE = re.compile(r"\s+")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "blockquote")


class UnsafeDocumentError(ValueError):
    """The document was refused before parsing (entity declarations, oversized gzip)."""


def check_no_entities(content: bytes) -> None:
    """Raise :class:`UnsafeDocumentError` when ``content`` declares XML entities."""
    if any(marker in content for marker in _ENTITY_MARKERS):
        raise UnsafeDocumentError("document declares XML entities (possible entity bomb)")


def maybe_gunzip(content: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """Inflate a gzip body (``.xml.gz`` sitemaps) without ever exceeding ``limit`` bytes."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(content, limit + 1)
    except zlib.error as exc:
        raise UnsafeDocumentError(f"corrupt gzip body: {exc}") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise UnsafeDocumentError(f"gzip body inflates beyond {limit} bytes")
    return data


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def plain_text(fragment: str | None, limit: int = 2000) -> str | None:
    """Visible text of an HTML fragment, whitespace collapsed and cut to ``limit``."""
    if not fragment or not fragment.strip():
        return None
    text = fragment
    if "<" in fragment:
        try:
            root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        except (etree.ParserError, ValueError):
            text = re.sub(r"<[^>]*>", " ", fragment)
        else:
            for element in root.iter(*_BLOCK_TAGS):
                element.tail = " " + (element.tail or "")
            text = root.text_content()
    cleaned = _SPACE_RE.sub(" ", text).strip()
    return cleaned[:limit] or None


def clean_title(value: object) -> str | None:
    """A one-line title, or None."""
    if not isinstance(value, str):
        return None
    return plain_text(value, limit=500)
