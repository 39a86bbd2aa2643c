"""Feed parsing: RSS 0.9x/1.0 (RDF)/2.0 and Atom through feedparser, JSON Feed through json.

Pure: bytes in, :class:`DiscoveryResult` out. feedparser is only ever given bytes (given a
string it would fetch a URL). A malformed feed yields the entries feedparser's lenient
parser recovers, with a warning; a document that declares XML entities is refused.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import UTC, datetime
from typing import Any

import feedparser

from preventia.collect.discover_types import DiscoveredEntry, DiscoveryResult, unique_entries
from preventia.collect.discover_xml import (
    UnsafeDocumentError,
    check_no_entities,
    clean_title,
    maybe_gunzip,
    plain_text,
)
from preventia.extract.dates import parse_datetime
from preventia.extract.urls import normalize_url

# Spanish/Portuguese month abbreviations seen in hand-written RFC 822 feed dates.
_MONTHS = {
    "ene": "Jan", "fev": "Feb", "abr": "Apr", "mai": "May", "ago": "Aug",
    "set": "Sep", "out": "Oct", "dic": "Dec", "dez": "Dec",
}  # fmt: skip
_MONTH_RE = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?(?=\s+\d{2,4}\b)")
_WEEKDAY_RE = re.compile(r"^\s*[^\W\d]+\.?,\s*")
_IGNORED_BOZO = ("NonXMLContentType", "CharacterEncodingOverride")


def parse_feed(
    content: bytes, base_url: str, *, content_type: str | None = None
) -> DiscoveryResult:
    """Entries of an RSS/Atom/RDF/JSON feed. ``content_type`` is the HTTP header, if known
    (its charset wins over the document's declaration, as HTTP requires)."""
    try:
        body = maybe_gunzip(content)
        check_no_entities(body)
    except UnsafeDocumentError as exc:
        return DiscoveryResult(kind="feed", warnings=[f"refused: {exc}"])
    if _looks_like_json(body):
        return parse_json_feed(body, base_url)
    return _parse_xml_feed(body, base_url, content_type)


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _parse_xml_feed(body: bytes, base_url: str, content_type: str | None) -> DiscoveryResult:
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True)
    result = DiscoveryResult(kind="feed", title=clean_title(parsed.feed.get("title")))
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if type(exc).__name__ not in _IGNORED_BOZO:
            result.warnings.append(f"malformed feed, parsed leniently: {exc}")
    entries = [_feed_entry(item, base_url) for item in parsed.entries]
    result.entries = unique_entries([entry for entry in entries if entry is not None])
    if not parsed.get("version") and not result.entries:
        result.warnings.append("not a recognised feed format")
    skipped = len(parsed.entries) - len([e for e in entries if e is not None])
    if skipped:
        result.warnings.append(f"{skipped} entries without a usable http(s) link skipped")
    return result


def _feed_entry(item: Any, base_url: str) -> DiscoveredEntry | None:
    url = normalize_url(_entry_link(item), base_url)
    if url is None:
        return None
    summary = item.get("summary") or _first_content(item)
    return DiscoveredEntry(
        url=url,
        title=clean_title(item.get("title")),
        published=_entry_date(item, "published") or _entry_date(item, "updated"),
        summary=plain_text(summary),
        modified=_entry_date(item, "updated"),
    )


def _entry_link(item: Any) -> str:
    link = item.get("link")
    if isinstance(link, str) and link.strip():
        return link
    for candidate in item.get("links", []):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"])
    guid = item.get("id")
    permalink = item.get("guidislink")
    return str(guid) if isinstance(guid, str) and permalink else ""


def _first_content(item: Any) -> str | None:
    for content in item.get("content", []):
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            return value
    return None


def _entry_date(item: Any, field: str) -> datetime | None:
    # dict.get: FeedParserDict.get would alias a missing "updated" to "published" (and warn)
    parsed = dict.get(item, f"{field}_parsed")
    if parsed:
        try:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        except (OverflowError, ValueError, TypeError):
            return None
    raw = dict.get(item, field)
    return parse_feed_date(raw) if isinstance(raw, str) else None


def parse_feed_date(raw: str) -> datetime | None:
    """A feed date feedparser could not read: ISO 8601, or RFC 822 with Spanish or
    Portuguese day/month names (``Seg, 24 Set 2018 19:42:40 -0300``)."""
    direct = parse_datetime(raw)
    if direct is not None:
        return direct
    stripped = _WEEKDAY_RE.sub("", raw)
    translated = _MONTH_RE.sub(lambda m: _MONTHS.get(m.group(1).lower(), m.group(1)), stripped)
    return parse_datetime(translated)


def parse_json_feed(body: bytes, base_url: str) -> DiscoveryResult:
    """Entries of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1)."""
    result = DiscoveryResult(kind="feed")
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        result.warnings.append(f"invalid JSON feed: {exc}")
        return result
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        result.warnings.append("not a JSON Feed (no 'items' list)")
        return result
    if "jsonfeed.org" not in str(data.get("version", "")):
        result.warnings.append("JSON document without a jsonfeed.org version; parsed anyway")
    result.title = clean_title(data.get("title"))
    entries = [_json_entry(item, base_url) for item in data["items"] if isinstance(item, dict)]
    result.entries = unique_entries([entry for entry in entries if entry is not None])
    return result


def _json_entry(item: dict[str, Any], base_url: str) -> DiscoveredEntry | None:
    link = item.get("url") or item.get("external_url") or ""
    url = normalize_url(link, base_url) if isinstance(link, str) else None
    if url is None:
        return None
    summary = item.get("summary") or item.get("content_text") or item.get("content_html")
    return DiscoveredEntry(
        url=url,
        title=clean_title(item.get("title")),
        published=parse_datetime(item.get("date_published")),
        summary=plain_text(summary if isinstance(summary, str) else None),
        modified=parse_datetime(item.get("date_modified")),
        language=item.get("language") if isinstance(item.get("language"), str) else None,
    )
