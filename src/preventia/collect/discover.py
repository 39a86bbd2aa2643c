"""Discovery of new article URLs (pure parsers: bytes + base URL in, results out).

- :func:`parse_feed` — RSS/Atom/RDF/JSON Feed (``collect/feeds.py``)
- :func:`parse_sitemap` — sitemaps, sitemap indexes, news sitemaps (``collect/sitemaps.py``)
- :func:`parse_listing` — links of a listing page filtered by a per-source URL pattern
- :func:`discover_feeds` — feed autodiscovery on a homepage, plus common paths to try

All URLs are absolute http(s), normalised with courlan (tracking parameters removed) and
deduplicated. Which of them were seen before is the caller's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from preventia.collect.discover_types import (
    DiscoveredEntry,
    DiscoveryResult,
    unique_entries,
    unique_urls,
)
from preventia.collect.discover_xml import clean_title
from preventia.collect.feeds import parse_feed
from preventia.collect.sitemaps import parse_sitemap
from preventia.extract.charset import decode_bytes
from preventia.extract.urls import normalize_url, same_site

__all__ = [
    "COMMON_FEED_PATHS",
    "DiscoveredEntry",
    "DiscoveryResult",
    "FeedCandidates",
    "ListingOptions",
    "autodiscover_feeds",
    "discover",
    "discover_feeds",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/xml",
        "text/xml",
    }
)
COMMON_FEED_PATHS = (
    "/feed",
    "/feed/",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/sitemap_index.xml",
)
# WordPress-style comment feeds list comments, not articles.
_COMMENTS_FEED_RE = re.compile(r"/comments/feed/?$|/comments/?(?:\?|$)", re.IGNORECASE)
# Links that are never articles, whatever the pattern says.
_NOT_ARTICLE_RE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|gz|mp[34]|avi|mov|woff2?)(?:$|\?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ListingOptions:
    """How links are kept: ``pattern`` is a regex searched in the normalised URL;
    ``same_site`` keeps links on the listing's host (``www.`` ignored)."""

    pattern: str | None = None
    same_site: bool = True
    max_links: int = 5000


@dataclass(frozen=True)
class FeedCandidates:
    """Feeds a page declares (``<link rel=alternate>``) and common paths worth trying."""

    declared: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return unique_urls(self.declared + self.guessed)


def _html_tree(html: str | bytes) -> lxml.html.HtmlElement | None:
    markup = decode_bytes(html) if isinstance(html, bytes) else html
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def _document_base(tree: lxml.html.HtmlElement, base_url: str) -> str:
    for href in tree.xpath("//base[@href]/@href"):
        return normalize_url(str(href), base_url) or base_url
    return base_url


def parse_listing(
    html: str | bytes,
    base_url: str,
    pattern: str | None = None,
    *,
    options: ListingOptions | None = None,
) -> DiscoveryResult:
    """Article links of a listing page: ``<a href>`` resolved, filtered and deduplicated.

    ``pattern`` (or ``options.pattern``) is a regular expression searched in each
    normalised URL; an invalid pattern gives a warning and no links.
    """
    opts = options or ListingOptions()
    if pattern is not None:
        opts = replace(opts, pattern=pattern)
    result = DiscoveryResult(kind="listing")
    try:
        regex = re.compile(opts.pattern) if opts.pattern else None
    except re.error as exc:
        result.warnings.append(f"invalid URL pattern {opts.pattern!r}: {exc}")
        return result
    tree = _html_tree(html)
    if tree is None:
        result.warnings.append("empty or unparseable HTML")
        return result
    base = _document_base(tree, base_url)
    result.title = clean_title(next(iter(tree.xpath("//title/text()")), None))
    entries = []
    for anchor in tree.xpath("//a[@href]"):
        entry = _listing_entry(anchor, base, base_url, regex, opts)
        if entry is not None:
            entries.append(entry)
    result.entries = unique_entries(entries)[: opts.max_links]
    return result


def _listing_entry(
    anchor: lxml.html.HtmlElement,
    base: str,
    page_url: str,
    regex: re.Pattern[str] | None,
    opts: ListingOptions,
) -> DiscoveredEntry | None:
    url = normalize_url(str(anchor.get("href", "")), base)
    if url is None or _NOT_ARTICLE_RE.search(url):
        return None
    if opts.same_site and not same_site(url, page_url):
        return None
    if regex is not None and not regex.search(url):
        return None
    if url == normalize_url(page_url):
        return None
    return DiscoveredEntry(url=url, title=clean_title(anchor.text_content()))


def autodiscover_feeds(html: str | bytes, base_url: str) -> FeedCandidates:
    """Feeds declared by ``<link rel="alternate" type="application/rss+xml|atom+xml|
    feed+json">`` (in page order), and the site's common feed/sitemap paths to try."""
    guessed = unique_urls(
        [url for path in COMMON_FEED_PATHS if (url := normalize_url(urljoin(base_url, path)))]
    )
    tree = _html_tree(html)
    if tree is None:
        return FeedCandidates(guessed=guessed)
    base = _document_base(tree, base_url)
    declared: list[str] = []
    for link in tree.xpath("//link[@href][@rel]"):
        rels = str(link.get("rel", "")).lower().split()
        kind = str(link.get("type", "")).split(";")[0].strip().lower()
        if ("alternate" in rels or "feed" in rels) and kind in FEED_TYPES:
            url = normalize_url(str(link.get("href")), base)
            if url and not _COMMENTS_FEED_RE.search(url):
                declared.append(url)
    declared = unique_urls(declared)
    return FeedCandidates(declared, [url for url in guessed if url not in declared])


def discover_feeds(html: str | bytes, base_url: str) -> list[str]:
    """Declared feeds first, then common paths to try (``/feed``, ``/rss.xml`` …)."""
    return autodiscover_feeds(html, base_url).all


def discover(
    content: bytes,
    base_url: str,
    kind: Literal["feed", "sitemap", "page"],
    pattern: str | None = None,
    *,
    content_type: str | None = None,
) -> DiscoveryResult:
    """Dispatch on a source's kind (``page`` means a listing page)."""
    if kind == "feed":
        return parse_feed(content, base_url, content_type=content_type)
    if kind == "sitemap":
        return parse_sitemap(content, base_url)
    return parse_listing(content, base_url, pattern)
