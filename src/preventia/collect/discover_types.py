"""Results of discovery: candidate article URLs found in a feed, sitemap or listing page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

DiscoveryKind = Literal["feed", "sitemap", "sitemap_index", "listing", "unknown"]


@dataclass(frozen=True)
class DiscoveredEntry:
    """One candidate article. ``url`` is normalised (courlan, tracking parameters dropped);
    ``published`` is aware UTC or None when absent or unparseable."""

    url: str
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    modified: datetime | None = None
    language: str | None = None


@dataclass
class DiscoveryResult:
    """What one document yielded. A damaged document yields what it can plus ``warnings``;
    ``sitemaps`` lists the child sitemaps of a sitemap index."""

    kind: DiscoveryKind
    title: str | None = None
    entries: list[DiscoveredEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [entry.url for entry in self.entries]


def unique_entries(entries: list[DiscoveredEntry]) -> list[DiscoveredEntry]:
    """First entry per URL, in document order."""
    seen: set[str] = set()
    kept: list[DiscoveredEntry] = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            kept.append(entry)
    return kept


def unique_urls(urls: list[str]) -> list[str]:
    """URLs without repeats, in order."""
    return list(dict.fromkeys(urls))
