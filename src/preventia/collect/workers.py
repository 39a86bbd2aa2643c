"""Extraction and analysis of fetched pages, off the event loop.

Both are pure CPU work (trafilatura, lingua, the analyser), so threads only keep the event
loop responsive: under the GIL they use one core. :class:`PageWorkers` runs them in a
process pool sized to the usable cores instead (``forkserver`` start, so forking is safe
from a threaded process; each worker builds and warms the analyser once), and in threads
when there is one core, when the analyser is not the platform's own (a test double need
not be picklable), or when the pool cannot start or breaks (then for the rest of its
life, with a warning). Inputs are bytes and strings; outputs are the frozen result models,
which pickle as plain data.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache

from datasketch import LeanMinHash

from preventia.articles.dedup import ArticleId, NearDuplicateIndex, NearDuplicateOptions
from preventia.extract import extract_article
from preventia.extract.schemas import ExtractedArticle
from preventia.nlp import AnalysisResult, analyze, get_analyzer

log = logging.getLogger(__name__)

Analyse = Callable[..., AnalysisResult]


@dataclass(frozen=True)
class Processed:
    """A processed page: the extraction, the analysis (if any text) and the MinHash
    signature of the text (if the article is relevant, so will be checked for copies)."""

    page: ExtractedArticle
    analysis: AnalysisResult | None = None
    signature: LeanMinHash | None = None


class PresignedIndex(NearDuplicateIndex):
    """A near-duplicate index that takes signatures computed by the workers (a MinHash
    costs ~5 ms of the event loop's process per article, twice: query, then add)."""

    def __init__(self, options: NearDuplicateOptions | None = None) -> None:
        super().__init__(options)
        self._presigned: dict[str, LeanMinHash] = {}

    def presign(self, text: str, signature: LeanMinHash) -> None:
        self._presigned[text] = signature

    def forget(self, text: str) -> None:
        self._presigned.pop(text, None)

    def minhash(self, text: str) -> LeanMinHash | None:
        found = self._presigned.get(text)
        return found if found is not None else super().minhash(text)

    def add(self, article_id: ArticleId, text: str, *, rank: int | None = None) -> bool:
        """As the base class; article ids (ints) rank by themselves, so the first copy is
        the oldest article whatever order the index was filled in."""
        if rank is None and isinstance(article_id, int):
            rank = article_id
        return super().add(article_id, text, rank=rank)


_WARM_PAGE = (
    b"<html lang='en'><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + b"".join(
        b"<p>Breast cancer screening with mammography finds tumours early in women, "
        b"says report %d of the regional health service.</p>" % i
        for i in range(8)
    )
    + b"</article></body></html>"
)
# Failures that mean "no process pool here": fall back to threads.
_POOL_ERRORS = (BrokenProcessPool, OSError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class PageJob:
    body: bytes
    url: str  # where it was fetched (final URL)
    fallback_title: str | None  # the feed's title, when the page has none
    dedup: NearDuplicateOptions


def process_page(job: PageJob, analyse: Analyse = analyze) -> Processed:
    """Extract the article from the page, analyse it (if any text) and sign it for dedup.

    The extractor's language is passed to the analyser as its hint, so the text's
    language is detected once per article, not twice.
    """
    page = extract_article(job.body, job.url)
    if not page.ok:
        return Processed(page)
    title = page.title or job.fallback_title
    analysis = analyse(title, page.text, url=page.canonical_url, language=page.language)
    if analysis.relevance == "none":
        return Processed(page, analysis)
    return Processed(page, analysis, _signer(job.dedup).minhash(page.text))


@cache
def _signer(options: NearDuplicateOptions) -> NearDuplicateIndex:
    return NearDuplicateIndex(options)


def warm_worker() -> None:
    """Process-pool initialiser: build the analyser and run the extractor once."""
    get_analyzer()
    extract_article(_WARM_PAGE, "http://warm-up.invalid/")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class PageWorkers:
    """Where :func:`process_page` runs: a process pool of ``processes`` workers, or threads.

    ``processes=None`` means the usable cores when there are two or more (else threads);
    ``0`` means threads. The pool starts on :meth:`start` (callers start it only when
    there is enough work to repay its start-up); :meth:`close` stops it.
    """

    def __init__(self, processes: int | None = None, analyse: Analyse = analyze) -> None:
        cores = usable_cores()
        wanted = (cores if cores > 1 else 0) if processes is None else processes
        self.processes = wanted if analyse is analyze else 0
        self.analyse = analyse
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pooled(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        """Start the process pool (once; no-op for threads or after a fallback)."""
        if self._pool is not None or self.processes <= 0:
            return
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=context, initializer=warm_worker
            )
        except _POOL_ERRORS as exc:
            self._fall_back(exc)

    async def process(self, job: PageJob) -> Processed:
        pool: Executor | None = self._pool
        if pool is not None:
            loop = asyncio.get_running_loop()
            try:  # submitting starts worker processes: that may fail
                future = loop.run_in_executor(pool, process_page, job)
            except _POOL_ERRORS as exc:
                self._fall_back(exc)
            else:
                try:
                    return await future
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
                    self._fall_back(exc)
        return await asyncio.to_thread(process_page, job, self.analyse)

    def _fall_back(self, exc: BaseException) -> None:
        log.warning(
            "process pool unavailable (%s: %s); extracting in threads", type(exc).__name__, exc
        )
        self.processes = 0
        self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
