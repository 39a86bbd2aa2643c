"""Options, reports and progress events of a collection cycle."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from preventia.collect.discover_types import DiscoveredEntry


@dataclass(frozen=True)
class CycleOptions:
    source_ids: Sequence[int] | None = None
    max_articles_per_source: int = 100
    parallel_sources: int = 8
    min_words: int = 60
    failures_before_pause: int = 5
    # Extraction + analysis: processes in a pool (None = one per usable core when there
    # are two or more; 0 = threads only). The pool starts once a cycle has found
    # pool_min_articles articles to fetch: its start-up (~1-2 s) would not pay off sooner.
    worker_processes: int | None = None
    pool_min_articles: int = 32


@dataclass
class SourceReport:
    source_id: int
    name: str
    discovered: int = 0
    new: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    paused: bool = False
    # Entries left for a later cycle (capped, or a transient failure): the feed's ETag and
    # Last-Modified are then not kept, so the next conditional GET cannot hide them.
    pending: int = 0


@dataclass
class SourceBatch:
    """What discovery alone found (task mode): the new entries, each to become a task."""

    report: SourceReport
    entries: list[DiscoveredEntry]


@dataclass
class CycleReport:
    job_id: int | None
    sources: list[SourceReport]

    @property
    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for report in self.sources:
            total.update(report.counts)
        return total


class ProgressListener:
    """Receives progress events (the CLI draws a progress bar from them)."""

    def source_started(self, report: SourceReport, new_urls: int) -> None: ...

    def article_done(self, report: SourceReport, outcome: str) -> None: ...

    def source_done(self, report: SourceReport) -> None: ...
