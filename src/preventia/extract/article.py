"""Extract one article: text and metadata from a page's HTML (pure: no network, no database)."""

from __future__ import annotations

import logging
import re
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html

from preventia.extract.charset import decode_bytes
from preventia.extract.dates import resolve_published
from preventia.extract.language import detect_language
from preventia.extract.schemas import ExtractedArticle, ExtractionFailure
from preventia.extract.urls import is_ancestor_path, normalize_url

LOGGER = logging.getLogger(__name__)

_CANONICAL_XPATH = (
    "//link[@href][contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
)
_BASE_XPATH = "//base[@href]/@href"
_LANG_RE = re.compile(r"^([a-z]{2})(?:[-_].*)?$")
_SPACE_RE = re.compile(r"[ \t\u00a0]+")


def extract_article(html: str | bytes, url: str, *, fallback_date: bool = True) -> ExtractedArticle:
    """Extract title, text, date, author, language and canonical URL from ``html``.

    ``url`` is where the page was fetched (used to resolve relative links). Bytes are
    decoded from their BOM/declared/detected charset. When trafilatura finds no date and
    ``fallback_date`` is true, htmldate searches the whole page; a date that cannot be
    found or parsed stays None. Never raises on bad input: ``reason`` says what failed.
    """
    page_url = normalize_url(url) or url.strip()
    markup = decode_bytes(html) if isinstance(html, bytes) else html
    if not markup.strip():
        return _failed(page_url, page_url, ExtractionFailure.EMPTY_DOCUMENT)
    tree = _load_tree(markup)
    if tree is None:
        return _failed(page_url, page_url, ExtractionFailure.NOT_HTML)
    canonical = canonical_url(tree, page_url)
    html_lang = _html_language(tree)
    try:
        document = _run_trafilatura(tree, page_url)
    except Exception:  # trafilatura has many internal failure modes on hostile markup
        LOGGER.exception("trafilatura failed on %s", page_url)
        return _failed(page_url, canonical, ExtractionFailure.EXTRACTOR_ERROR)
    if document is None:
        return _failed(page_url, canonical, ExtractionFailure.NO_TEXT)
    return _build(document, tree, page_url, canonical, html_lang, fallback_date)


def _build(
    document: Any,
    tree: HtmlElement,
    page_url: str,
    canonical: str,
    html_lang: str | None,
    fallback_date: bool,
) -> ExtractedArticle:
    text = _clean_text(document.text)
    published = resolve_published(document.date, tree)
    if published is None and fallback_date:
        published = resolve_published(_htmldate(tree), tree)
    return ExtractedArticle(
        url=page_url,
        canonical_url=canonical,
        title=_clean_line(document.title),
        text=text,
        published=published,
        author=_clean_line(document.author),
        language=(detect_language(text) or html_lang) if text else None,
        description=_clean_line(document.description),
        site_name=_clean_line(document.sitename),
        reason=None if text else ExtractionFailure.NO_TEXT,
    )


def _failed(url: str, canonical: str, reason: ExtractionFailure) -> ExtractedArticle:
    return ExtractedArticle(url=url, canonical_url=canonical, reason=reason)


def _load_tree(markup: str) -> HtmlElement | None:
    try:
        tree: HtmlElement | None = load_html(markup)
    except (ValueError, TypeError):
        return None
    return tree


def _run_trafilatura(tree: HtmlElement, url: str) -> Any:
    return bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_recall=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def _htmldate(tree: HtmlElement) -> str | None:
    try:
        found = find_date(tree, extensive_search=True, original_date=True)
    except Exception:  # htmldate is a best-effort fallback
        LOGGER.debug("htmldate failed", exc_info=True)
        return None
    return found if isinstance(found, str) else None


def canonical_url(tree: HtmlElement, page_url: str) -> str:
    """The page's ``<link rel=canonical>`` resolved and normalised, else ``page_url``.

    A canonical that is not http(s) or that points to an ancestor of the page (a
    template that declares the home or section page as canonical) is ignored.
    """
    base = page_url
    for href in tree.xpath(_BASE_XPATH):
        base = normalize_url(str(href), page_url) or page_url
        break
    for href in tree.xpath(_CANONICAL_XPATH):
        candidate = normalize_url(str(href), base)
        if candidate and not is_ancestor_path(candidate, page_url):
            return candidate
    return page_url


def _html_language(tree: HtmlElement) -> str | None:
    for value in tree.xpath("/html/@lang | /html/@xml:lang", namespaces=_XML_NS):
        match = _LANG_RE.match(str(value).strip().lower())
        if match:
            return match.group(1)
    return None


_XML_NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


def _clean_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = _SPACE_RE.sub(" ", value).strip()
    return cleaned or None


def _clean_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    lines = (_SPACE_RE.sub(" ", line).strip() for line in value.splitlines())
    return "\n".join(line for line in lines if line)
