"""Publication dates: parse, normalise to UTC, and find a precise timestamp in page metadata.

trafilatura and htmldate decide *which day* an article was published; this module adds
the time of day when the page states it in machine-readable metadata for that same day.
A value that cannot be parsed is None: the pipeline never substitutes "now".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from lxml.html import HtmlElement

_META_XPATH = (
    "//meta[@property='article:published_time' or @property='og:article:published_time'"
    " or @itemprop='datePublished' or @name='article:published_time'"
    " or @name='pubdate' or @name='publishdate' or @name='publish-date'"
    " or @name='parsely-pub-date' or @name='sailthru.date' or @name='dc.date.issued'"
    " or @name='DC.date.issued' or @name='date']/@content"
    " | //time[@itemprop='datePublished' or @pubdate]/@datetime"
)
_JSONLD_XPATH = "//script[@type='application/ld+json']/text()"
_FRACTION_RE = re.compile(r"(\.\d{1,6})\d*")
_COMPACT_OFFSET_RE = re.compile(r"([+-]\d{2})(\d{2})$")
_MIN_YEAR = 1990


def to_utc(value: datetime) -> datetime:
    """Attach UTC to a naive datetime (assumed UTC) or convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_datetime(value: object) -> datetime | None:
    """Parse an ISO-8601-like string (or a datetime/date) to an aware UTC datetime.

    Accepts ``Z``, ``+0100`` and ``+01:00`` offsets, a space instead of ``T`` and long
    fractions of a second. Returns None for anything else; a date without a time is
    midnight UTC and a naive time is taken as UTC.
    """
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=UTC)
    if not isinstance(value, str):
        return None
    parsed = _parse_local(value)
    return to_utc(parsed) if parsed is not None else None


def _parse_local(value: str) -> datetime | None:
    """Parse ``value`` keeping its own UTC offset (naive values become UTC)."""
    raw = _FRACTION_RE.sub(r"\1", value.strip())
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    raw = _COMPACT_OFFSET_RE.sub(r"\1:\2", raw)
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = _parse_rfc2822(value)
    if parsed is None or parsed.year < _MIN_YEAR:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _parse_rfc2822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None


def metadata_timestamps(tree: HtmlElement) -> Iterator[datetime]:
    """Publication timestamps (with a time of day) stated in meta tags or JSON-LD."""
    for raw in _metadata_values(tree):
        parsed = _parse_with_local_day(raw)
        if parsed is not None:
            yield parsed


def _metadata_values(tree: HtmlElement) -> Iterator[str]:
    for value in tree.xpath(_META_XPATH):
        yield str(value)
    for script in tree.xpath(_JSONLD_XPATH):
        try:
            data = json.loads(str(script))
        except ValueError:
            continue
        yield from _jsonld_dates(data, depth=0)


def _jsonld_dates(data: object, depth: int) -> Iterator[str]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_dates(item, depth + 1)
    elif isinstance(data, dict):
        value = data.get("datePublished")
        if isinstance(value, str):
            yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from _jsonld_dates(data[key], depth + 1)


def _parse_with_local_day(raw: str) -> datetime | None:
    """A timestamp with a time of day, in its own offset (so its day can be compared)."""
    if "T" not in raw and " " not in raw.strip():
        return None  # a bare date carries no more than the extractors already found
    return _parse_local(raw)


def resolve_published(day: str | None, tree: HtmlElement | None) -> datetime | None:
    """Combine the extractor's day (``YYYY-MM-DD``) with a same-day metadata timestamp.

    Without a day, returns None. With a day and a metadata timestamp whose local calendar
    day matches, the precise timestamp (in UTC); otherwise midnight UTC of that day.
    """
    parsed_day = parse_datetime(day) if day else None
    if parsed_day is None:
        return None
    if tree is not None:
        for stamp in metadata_timestamps(tree):
            if stamp.date() == parsed_day.date():
                return to_utc(stamp)
    return parsed_day
