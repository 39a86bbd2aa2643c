"""Sitemap parsing: ``<urlset>`` (with Google News extensions), ``<sitemapindex>``, plain-text
sitemaps and gzip-compressed bodies. Pure: bytes in, :class:`DiscoveryResult` out.

lxml runs with entity resolution, DTD loading and network access off; documents that
declare entities are refused outright (see :mod:`preventia.collect.discover_xml`).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from preventia.collect.discover_types import (
    DiscoveredEntry,
    DiscoveryResult,
    unique_entries,
    unique_urls,
)
from preventia.collect.discover_xml import (
    UnsafeDocumentError,
    check_no_entities,
    clean_title,
    maybe_gunzip,
    safe_xml_parser,
)
from preventia.extract.dates import parse_datetime
from preventia.extract.urls import normalize_url

MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file


def parse_sitemap(content: bytes, base_url: str) -> DiscoveryResult:
    """Article URLs of a sitemap, or child sitemap URLs of a sitemap index.

    News sitemaps give ``published`` (``news:publication_date``), ``title`` and
    ``language``; ``<lastmod>`` becomes ``modified``. Relative ``<loc>`` values are resolved
    against ``base_url``; non-http(s) ones are dropped.
    """
    try:
        body = maybe_gunzip(content)
        check_no_entities(body)
    except UnsafeDocumentError as exc:
        return DiscoveryResult(kind="sitemap", warnings=[f"refused: {exc}"])
    if not body.strip():
        return DiscoveryResult(kind="sitemap", warnings=["empty document"])
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_text_sitemap(body)
    try:
        root = etree.fromstring(body, parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        return DiscoveryResult(kind="sitemap", warnings=[f"unparseable XML: {exc}"])
    if root is None:
        return DiscoveryResult(kind="sitemap", warnings=["unparseable XML: no root element"])
    return _from_root(root, base_url)


def _from_root(root: Any, base_url: str) -> DiscoveryResult:
    name = etree.QName(root).localname.lower()
    if name == "sitemapindex":
        children = [_loc(node, base_url) for node in _children(root, "sitemap")]
        return DiscoveryResult(
            kind="sitemap_index", sitemaps=unique_urls([url for url in children if url])
        )
    result = DiscoveryResult(kind="sitemap")
    if name != "urlset":
        result.warnings.append(f"unexpected root element <{name}>; reading <url> elements")
    nodes = _children(root, "url")
    if len(nodes) > MAX_SITEMAP_URLS:
        result.warnings.append(f"{len(nodes)} URLs, only the first {MAX_SITEMAP_URLS} read")
    entries = [_url_entry(node, base_url) for node in nodes[:MAX_SITEMAP_URLS]]
    result.entries = unique_entries([entry for entry in entries if entry is not None])
    dropped = len(entries) - len([e for e in entries if e is not None])
    if dropped:
        result.warnings.append(f"{dropped} <url> without a usable http(s) <loc> skipped")
    return result


def _children(root: Any, localname: str) -> list[Any]:
    return [node for node in root if _is(node, localname)]


def _is(node: Any, localname: str) -> bool:
    return isinstance(node.tag, str) and etree.QName(node).localname.lower() == localname


def _first_text(node: Any, path: tuple[str, ...]) -> str | None:
    """Text of the first descendant reached through ``path`` (local names, any namespace)."""
    current = node
    for localname in path:
        current = next((child for child in current if _is(child, localname)), None)
        if current is None:
            return None
    text = current.text
    return text.strip() if isinstance(text, str) and text.strip() else None


def _loc(node: Any, base_url: str) -> str | None:
    loc = _first_text(node, ("loc",))
    return normalize_url(loc, base_url) if loc else None


def _url_entry(node: Any, base_url: str) -> DiscoveredEntry | None:
    url = _loc(node, base_url)
    if url is None:
        return None
    return DiscoveredEntry(
        url=url,
        title=clean_title(_first_text(node, ("news", "title"))),
        published=parse_datetime(_first_text(node, ("news", "publication_date"))),
        modified=parse_datetime(_first_text(node, ("lastmod",))),
        language=_first_text(node, ("news", "publication", "language")),
    )


def _parse_text_sitemap(body: bytes) -> DiscoveryResult:
    """One absolute URL per line (the protocol's text format)."""
    result = DiscoveryResult(kind="sitemap")
    lines = body.decode("utf-8", errors="replace").splitlines()[:MAX_SITEMAP_URLS]
    urls = [normalize_url(line) for line in lines if line.strip()]
    result.entries = unique_entries([DiscoveredEntry(url=url) for url in urls if url])
    if not result.entries:
        result.warnings.append("not a sitemap: no XML and no URL lines")
    return result
