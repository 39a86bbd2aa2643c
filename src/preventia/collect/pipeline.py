"""One collection cycle: discover, fetch politely, extract, analyse, deduplicate and store.

The cycle is the edge that owns the transactions: one per stored article, one per source
health update, one for the job record. Sources run in parallel (bounded); the fetcher keeps
each host to one request at a time with its delay. Every outcome is counted by reason per
source (database), in Prometheus, and in the returned report.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from preventia.articles import repository as articles_repository
from preventia.articles.service import ArticleInput, SourcePolicy, StoreOutcome, store_article
from preventia.collect.cycle_types import (
    CycleOptions,
    CycleReport,
    ProgressListener,
    SourceBatch,
    SourceReport,
)
from preventia.collect.discover import discover
from preventia.collect.discover_types import DiscoveredEntry
from preventia.collect.fetch import Fetcher
from preventia.collect.fetch_types import FetchKind, FetchOutcome, FetchResult
from preventia.collect.workers import PageJob, PageWorkers, PresignedIndex
from preventia.db import Database, transaction
from preventia.db.base import utcnow
from preventia.extract.urls import url_hash
from preventia.jobs import repository as jobs_repository
from preventia.models import JobStatus, JobType, Source, SourceKind
from preventia.nlp import AnalysisResult, analyze
from preventia.ops.metrics import PIPELINE_OUTCOMES
from preventia.sources import repository as sources_repository
from preventia.sources import service as sources_service
from preventia.sources.compliance import ComplianceCheck, check_compliance

log = logging.getLogger(__name__)
Analyse = Callable[..., AnalysisResult]
MAX_CHILD_SITEMAPS = 3
DEDUP_WINDOW = timedelta(days=30)
DEDUP_MAX_TEXTS = 5000
DEDUP_SLACK = 500  # task mode: originals indexed beyond the cap before trimming to it


@dataclass(frozen=True)
class _SourceSnapshot:
    id: int
    name: str
    url: str
    kind: SourceKind
    url_pattern: str | None
    etag: str | None
    last_modified: str | None
    store_full_text: bool

    @classmethod
    def of(cls, source: Source) -> _SourceSnapshot:
        return cls(
            source.id, source.name, source.url, source.kind, source.url_pattern,
            source.etag, source.last_modified, source.store_full_text,
        )  # fmt: skip


@dataclass
class _Discovery:
    entries: list[DiscoveredEntry] = field(default_factory=list)
    check: ComplianceCheck | None = None
    feed: FetchResult | None = None
    error: str | None = None


class Collector:
    """Runs collection cycles against the database with one fetcher."""

    def __init__(
        self,
        database: Database,
        fetcher: Fetcher,
        options: CycleOptions | None = None,
        *,
        analyse: Analyse = analyze,
        listener: ProgressListener | None = None,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.fetcher = fetcher
        self.options = options or CycleOptions()
        self.analyse = analyse
        self.listener = listener or ProgressListener()
        self.on_stored = on_stored or (lambda: None)
        self.near_duplicates = PresignedIndex()
        self._indexed_up_to = 0  # the newest article id the index has been brought up to
        self._workers: PageWorkers | None = None
        self._articles_found = 0

    async def __aenter__(self) -> Collector:
        """Keep the extraction workers (process pool) across cycles until exit."""
        self._workers = self._workers or self._new_workers()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close_workers()

    def _new_workers(self) -> PageWorkers:
        return PageWorkers(self.options.worker_processes, self.analyse)

    async def _close_workers(self) -> None:
        workers, self._workers = self._workers, None
        if workers is not None:
            await asyncio.to_thread(workers.close)

    async def run_cycle(self) -> CycleReport:
        """Collect every active source (or the chosen ones) once."""
        owned = self._workers is None  # else kept by ``async with``
        if owned:
            self._workers = self._new_workers()
        self._articles_found = 0
        try:
            return await self._run_cycle()
        finally:
            if owned:
                await self._close_workers()

    def _page_workers(self) -> PageWorkers:
        if self._workers is None:  # collect_source() called outside a cycle
            self._workers = self._new_workers()
        return self._workers

    async def _run_cycle(self) -> CycleReport:
        with transaction(self.database.sessions) as session:
            ids = sources_repository.active_ids(session, self.options.source_ids)
            only = self.options.source_ids[0] if self.options.source_ids else None
            job_id = jobs_repository.start(session, JobType.COLLECT, source_id=only).id
        self._load_near_duplicates()
        gate = asyncio.Semaphore(self.options.parallel_sources)

        async def bounded(source_id: int) -> SourceReport:
            async with gate:
                return await self.collect_source(source_id)

        try:
            reports = list(await asyncio.gather(*(bounded(i) for i in ids)))
        except BaseException as exc:
            self._finish_job(job_id, Counter(), JobStatus.FAILED, f"{type(exc).__name__}: {exc}")
            raise
        report = CycleReport(job_id, reports)
        self._finish_job(job_id, report.totals, JobStatus.SUCCEEDED, None)
        if report.totals.get(StoreOutcome.STORED.value) or report.totals.get("duplicate"):
            self.on_stored()
        return report

    def _finish_job(
        self, job_id: int, totals: Counter[str], status: JobStatus, error: str | None
    ) -> None:
        with transaction(self.database.sessions) as session:
            jobs_repository.finish(session, job_id, status, dict(totals), error)

    def _load_near_duplicates(self) -> None:
        """Bring the near-duplicate index up to date with the stored articles: the newest
        ``DEDUP_MAX_TEXTS`` originals with text fetched within ``DEDUP_WINDOW`` (what a
        rebuild would hold). The index is kept across cycles: only the articles it lacks
        (stored by other processes, or all of them at start) are read and signed, and
        those that left the window are dropped."""
        index = self.near_duplicates
        with transaction(self.database.read_sessions) as session:
            wanted = articles_repository.ids_for_dedup(
                session, utcnow() - DEDUP_WINDOW, DEDUP_MAX_TEXTS
            )
            keep = set(wanted)
            for article_id in index.ids():
                if article_id not in keep:
                    index.remove(article_id)
            self._index_missing(session, wanted)

    def _catch_up_near_duplicates(self) -> None:
        """Index the originals stored since the index was last brought up to date (by other
        worker processes: ours are indexed as they are stored), read from the primary so
        that none is missed for replica lag; the window is trimmed once the index has
        outgrown it."""
        with transaction(self.database.sessions) as session:
            newer = articles_repository.ids_for_dedup_after(
                session, self._indexed_up_to, utcnow() - DEDUP_WINDOW
            )
            self._index_missing(session, newer)
        if len(self.near_duplicates) > DEDUP_MAX_TEXTS + DEDUP_SLACK:
            self._load_near_duplicates()

    def _index_missing(self, session: Session, ids: list[int]) -> None:
        """Sign and index those of ``ids`` (oldest first) that the index lacks."""
        index = self.near_duplicates
        missing = [article_id for article_id in ids if article_id not in index]
        for article_id, text in articles_repository.texts_by_id(session, missing):
            index.add(article_id, text)
        self._indexed_up_to = max([self._indexed_up_to, *ids[-1:]])

    def refresh_near_duplicates(self) -> None:
        """Reload the near-duplicate index from the stored articles (task mode, at start)."""
        self._load_near_duplicates()

    async def close(self) -> None:
        await self._close_workers()

    def _snapshot(self, source_id: int) -> _SourceSnapshot:
        with transaction(self.database.sessions) as session:
            return _SourceSnapshot.of(sources_service.get_source(session, source_id))

    async def collect_source(self, source_id: int) -> SourceReport:
        snapshot = self._snapshot(source_id)
        report = SourceReport(snapshot.id, snapshot.name)
        found = await self._discover(snapshot)
        if self._count_failure(report, found):
            todo = self._new_entries(found.entries, report)
            await self._collect_entries(snapshot, todo, report)
        self._record(snapshot, found, report)
        self.listener.source_done(report)
        return report

    async def discover_source(self, source_id: int) -> SourceBatch:
        """Discovery alone: the new entries, each to be processed by :meth:`process_one`
        (in another task). All of them count as pending, so the feed's validators are
        kept only when nothing new was found."""
        snapshot = self._snapshot(source_id)
        report = SourceReport(snapshot.id, snapshot.name)
        found = await self._discover(snapshot)
        todo = (
            self._new_entries(found.entries, report) if self._count_failure(report, found) else []
        )
        report.pending += len(todo)
        self._record(snapshot, found, report)
        return SourceBatch(report, todo)

    async def process_one(self, source_id: int, entry: DiscoveredEntry) -> tuple[str, bool]:
        """Fetch, extract, analyse and store one entry unless its URL was already dealt
        with (idempotent); its outcome is added to the source's counts."""
        snapshot = self._snapshot(source_id)
        with transaction(self.database.read_sessions) as session:
            if articles_repository.seen_url_hashes(session, [url_hash(entry.url)]):
                return "already_seen", True
        # The source's outcome count is written in the transaction that stores the article
        # (or marks its URL), so a crash cannot leave one without the other.
        outcome, final = await self._process(snapshot, entry, count=True)
        PIPELINE_OUTCOMES.labels(str(source_id), outcome).inc()
        if outcome in (StoreOutcome.STORED.value, StoreOutcome.DUPLICATE.value):
            self.on_stored()
        return outcome, final

    def _count_failure(self, report: SourceReport, found: _Discovery) -> bool:
        """Count why discovery failed, if it did; True when it succeeded."""
        report.error = found.error
        if found.error is None:
            return True
        if found.feed is not None:
            self._count(report, found.feed.outcome.value)
        elif found.check is not None and not found.check.allowed:
            self._count(report, FetchOutcome.ROBOTS_FORBIDDEN.value)
        return False

    def _new_entries(
        self, entries: list[DiscoveredEntry], report: SourceReport
    ) -> list[DiscoveredEntry]:
        report.discovered = len(entries)
        with transaction(self.database.read_sessions) as session:
            seen = articles_repository.seen_url_hashes(session, (url_hash(e.url) for e in entries))
        new = [e for e in entries if url_hash(e.url) not in seen]
        report.new = len(new)
        todo = new[: self.options.max_articles_per_source]
        report.pending = len(new) - len(todo)
        return todo

    async def _collect_entries(
        self, snapshot: _SourceSnapshot, todo: list[DiscoveredEntry], report: SourceReport
    ) -> None:
        self._articles_found += len(todo)
        if self._articles_found >= self.options.pool_min_articles:
            self._page_workers().start()
        self.listener.source_started(report, len(todo))
        for entry in todo:
            outcome, final = await self._process(snapshot, entry)
            report.pending += 0 if final else 1
            self._count(report, outcome)
            self.listener.article_done(report, outcome)

    def _count(self, report: SourceReport, outcome: str) -> None:
        report.counts[outcome] += 1
        PIPELINE_OUTCOMES.labels(str(report.source_id), outcome).inc()

    def _record(self, snapshot: _SourceSnapshot, found: _Discovery, report: SourceReport) -> None:
        feed = found.feed if not report.pending else None
        keep = feed is not None and feed.outcome is FetchOutcome.NOT_MODIFIED
        result = sources_service.CycleResult(
            counts=dict(report.counts),
            error=found.error,
            check=found.check,
            etag=snapshot.etag if keep else (feed.etag if feed else None),
            new_entries=report.new,
            last_modified=snapshot.last_modified
            if keep
            else (feed.last_modified if feed else None),
        )
        with transaction(self.database.sessions) as session:
            source = sources_service.record_cycle(
                session, snapshot.id, result,
                failures_before_pause=self.options.failures_before_pause,
            )  # fmt: skip
            report.paused = source.status_reason is not None and source.status.value == "paused"

    # --- discovery ------------------------------------------------------------------

    async def _discover(self, snapshot: _SourceSnapshot) -> _Discovery:
        check = await check_compliance(self.fetcher, snapshot.url)
        found = _Discovery(check=check)
        if not check.allowed:
            found.error = check.detail
            return found
        kind: FetchKind = "page" if snapshot.kind is SourceKind.PAGE else "feed"
        feed = await self.fetcher.fetch(
            snapshot.url, kind=kind, etag=snapshot.etag, last_modified=snapshot.last_modified
        )
        found.feed = feed
        if feed.outcome is FetchOutcome.NOT_MODIFIED:
            return found
        if not feed.ok or feed.body is None:
            found.error = f"{feed.outcome.value}: {feed.detail or feed.status}"
            return found
        found.entries = await self._parse(snapshot, feed)
        return found

    async def _parse(self, snapshot: _SourceSnapshot, feed: FetchResult) -> list[DiscoveredEntry]:
        assert feed.body is not None
        result = discover(
            feed.body, feed.final_url, snapshot.kind.value, snapshot.url_pattern,
            content_type=feed.content_type,
        )  # fmt: skip
        for warning in result.warnings:
            log.warning("source %s: %s", snapshot.id, warning)
        entries = list(result.entries)
        for child in result.sitemaps[:MAX_CHILD_SITEMAPS]:
            fetched = await self.fetcher.fetch(child, kind="feed")
            if fetched.ok and fetched.body is not None:
                entries += discover(fetched.body, fetched.final_url, "sitemap").entries
        if snapshot.url_pattern:  # a whole-site feed or sitemap narrowed to its news section
            wanted = re.compile(snapshot.url_pattern)
            entries = [e for e in entries if wanted.search(e.url)]
        return entries

    # --- one article ----------------------------------------------------------------

    async def _process(
        self, snapshot: _SourceSnapshot, entry: DiscoveredEntry, *, count: bool = False
    ) -> tuple[str, bool]:
        """The outcome for one entry, and whether it is final (not to be retried). With
        ``count`` (task mode), the outcome is also added to the source's counts in the
        database, in the same transaction as what the entry changes (a cycle counts all at
        its end instead), and a relevant article is checked against the near-duplicate index
        brought up to date with what other worker processes stored meanwhile."""
        fetched = await self.fetcher.fetch(entry.url, kind="page")
        if not fetched.ok or fetched.body is None:
            if fetched.permanent:
                self._mark_seen(snapshot, entry.url, fetched.outcome.value, count=count)
            elif count:
                with transaction(self.database.sessions) as session:
                    sources_repository.add_outcomes(
                        session, snapshot.id, {fetched.outcome.value: 1}
                    )
            return fetched.outcome.value, fetched.permanent
        job = PageJob(fetched.body, fetched.final_url, entry.title, self.near_duplicates.options)
        done = await self._page_workers().process(job)
        page = done.page
        if not page.ok:
            reason = page.reason.value if page.reason else "no_text"
            self._mark_seen(snapshot, entry.url, reason, count=count)
            return reason, True
        item = ArticleInput(entry.url, page, done.analysis, entry.title, entry.published)
        if done.signature is not None:
            self.near_duplicates.presign(page.text, done.signature)
            if count:  # task mode: other worker processes store articles at the same time
                self._catch_up_near_duplicates()
        try:
            return self._store(snapshot, item, count=count).value, True
        finally:
            self.near_duplicates.forget(page.text)

    def _store(
        self, snapshot: _SourceSnapshot, item: ArticleInput, *, count: bool = False
    ) -> StoreOutcome:
        policy = SourcePolicy(snapshot.id, snapshot.store_full_text)
        for attempt in (1, 2):
            try:
                with transaction(self.database.sessions) as session:
                    outcome = store_article(
                        session, policy, item, self.near_duplicates,
                        min_words=self.options.min_words,
                    ).outcome  # fmt: skip
                    if count:
                        sources_repository.add_outcomes(session, snapshot.id, {outcome.value: 1})
                    return outcome
            except IntegrityError:
                # Another worker stored the same URL first; the retry finds it.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _mark_seen(
        self, snapshot: _SourceSnapshot, url: str, outcome: str, *, count: bool = False
    ) -> None:
        with transaction(self.database.sessions) as session:
            articles_repository.mark_seen(
                session, url_hash=url_hash(url), url=url, source_id=snapshot.id, outcome=outcome
            )
            if count:
                sources_repository.add_outcomes(session, snapshot.id, {outcome: 1})
