"""The background tasks, as Dramatiq actors bound to a broker at start-up (no import-time
broker). Messages are versioned JSON carrying IDs and URLs; every task opens its own
sessions and is idempotent: a re-delivered message stores nothing twice.

- ``collect_source(source_id)`` (queue ``collect``): robots check, conditional GET of the
  feed, discovery; each new URL becomes a ``process_article`` message.
- ``process_article(source_id, url, …)`` (queue ``articles``): fetch, extract, analyse,
  deduplicate and store one article (one transaction).
- ``reanalyse(after_id, …)`` and ``retention()`` (queue ``maintenance``).

A transient failure (network, HTTP 5xx/429, the database away) raises
:class:`TransientError` and is retried with exponential backoff up to a cap, then lands in
the dead-letter queue; a permanent one is recorded with its reason and not retried.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dramatiq
from dramatiq import Broker
from sqlalchemy.exc import InterfaceError, OperationalError

from preventia.articles.reanalysis import ReanalysisOptions, reanalyse_batch
from preventia.collect.config import analytics_invalidator, cycle_options
from preventia.collect.discover_types import DiscoveredEntry
from preventia.collect.fetch_types import FetchOutcome
from preventia.collect.pipeline import Collector
from preventia.db import transaction
from preventia.db.base import utcnow
from preventia.jobs import repository as jobs_repository
from preventia.jobs.broker import QUEUE_ARTICLES, QUEUE_COLLECT, QUEUE_MAINTENANCE, TransientError
from preventia.jobs.runtime import Runtime
from preventia.models import JobStatus, JobType
from preventia.sources.service import purge_expired_text

log = logging.getLogger(__name__)
MESSAGE_VERSION = 1
TRANSIENT_OUTCOMES = frozenset(
    {
        FetchOutcome.TIMEOUT.value,
        FetchOutcome.HTTP_5XX.value,
        FetchOutcome.CONNECTION_ERROR.value,
    }
)


class UnknownMessageVersion(ValueError):
    pass


def _check_version(version: int) -> None:
    if version != MESSAGE_VERSION:
        raise UnknownMessageVersion(
            f"message version {version}; this worker reads {MESSAGE_VERSION}"
        )


@dataclass
class Actors:
    """The declared actors of one broker; ``.send(...)`` enqueues a message."""

    collect_source: dramatiq.Actor[..., None]
    process_article: dramatiq.Actor[..., None]
    reanalyse: dramatiq.Actor[..., None]
    retention: dramatiq.Actor[..., None]

    def enqueue_collect(self, source_id: int) -> None:
        self.collect_source.send(source_id, v=MESSAGE_VERSION)

    def enqueue_retention(self) -> None:
        self.retention.send(v=MESSAGE_VERSION)


class TaskRunner:
    """The task bodies, given the process's runtime (built lazily on the first task)."""

    def __init__(self, runtime_factory: Callable[[], Runtime]) -> None:
        self._runtime_factory = runtime_factory
        self._runtime: Runtime | None = None
        self._collector: Collector | None = None
        self.actors: Actors | None = None
        # Worker threads start together: one runtime (one event loop) per process.
        self._lock = threading.RLock()

    @property
    def runtime(self) -> Runtime:
        with self._lock:
            if self._runtime is None:
                self._runtime = self._runtime_factory()
            return self._runtime

    @property
    def collector(self) -> Collector:
        with self._lock:
            return self._collector or self._make_collector()

    def _make_collector(self) -> Collector:
        if self._collector is None:
            runtime = self.runtime
            options = cycle_options(runtime.settings)
            self._collector = Collector(
                runtime.database,
                runtime.fetcher,
                options,
                on_stored=analytics_invalidator(runtime.settings, runtime.database.engine),
            )
            self._collector.refresh_near_duplicates()
        return self._collector

    def close(self) -> None:
        if self._collector is not None:
            self.runtime.run(self._collector.close())
        if self._runtime is not None:
            self._runtime.close()

    # --- task bodies ------------------------------------------------------------------

    def collect_source(self, source_id: int, v: int = MESSAGE_VERSION) -> None:
        _check_version(v)
        assert self.actors is not None
        with _transient_database():
            job_id = self._start_job(JobType.COLLECT, source_id)
            batch = self.runtime.run(self.collector.discover_source(source_id))
            for entry in batch.entries:
                self.actors.process_article.send(source_id, *_entry_args(entry), v=MESSAGE_VERSION)
            self._finish_job(job_id, dict(batch.report.counts) | {"enqueued": len(batch.entries)},
                             batch.report.error)  # fmt: skip

    def process_article(
        self,
        source_id: int,
        url: str,
        title: str | None = None,
        published: str | None = None,
        v: int = MESSAGE_VERSION,
    ) -> None:
        _check_version(v)
        entry = DiscoveredEntry(
            url, title, datetime.fromisoformat(published) if published else None
        )
        with _transient_database():
            outcome, final = self.runtime.run(self.collector.process_one(source_id, entry))
        if not final and outcome in TRANSIENT_OUTCOMES:
            raise TransientError(f"{outcome} for {url}")

    def reanalyse(
        self,
        after_id: int = 0,
        since: str | None = None,
        source_id: int | None = None,
        batch_size: int = 200,
        v: int = MESSAGE_VERSION,
    ) -> None:
        """One batch, then the next batch as a new message (resumable by construction)."""
        _check_version(v)
        assert self.actors is not None
        options = ReanalysisOptions(
            datetime.fromisoformat(since) if since else None, source_id, batch_size
        )
        with _transient_database(), transaction(self.runtime.database.sessions) as session:
            batch = reanalyse_batch(session, after_id, options)
        if not batch.done:
            self.actors.reanalyse.send(batch.last_id, since, source_id, batch_size, v=v)

    def retention(self, v: int = MESSAGE_VERSION) -> None:
        _check_version(v)
        with _transient_database():
            job_id = self._start_job(JobType.RETENTION, None)
            with transaction(self.runtime.database.sessions) as session:
                purged = purge_expired_text(session, utcnow())
            self._finish_job(job_id, {"purged": sum(purged.values())}, None)

    # --- job records --------------------------------------------------------------------

    def _start_job(self, job_type: JobType, source_id: int | None) -> int:
        with transaction(self.runtime.database.sessions) as session:
            return jobs_repository.start(session, job_type, source_id=source_id).id

    def _finish_job(self, job_id: int, counts: dict[str, Any], error: str | None) -> None:
        status = JobStatus.SUCCEEDED if error is None else JobStatus.FAILED
        with transaction(self.runtime.database.sessions) as session:
            jobs_repository.finish(session, job_id, status, counts, error)


def _entry_args(entry: DiscoveredEntry) -> tuple[str, str | None, str | None]:
    return entry.url, entry.title, entry.published.isoformat() if entry.published else None


@contextmanager
def _transient_database() -> Iterator[None]:
    """A database that cannot be reached is a transient failure: retried later."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise TransientError(f"database unavailable: {type(exc).__name__}") from exc


def declare_actors(broker: Broker, runner: TaskRunner) -> Actors:
    """Bind the task bodies to ``broker`` as actors on their queues."""

    def actor(fn: Callable[..., None], queue: str, **options: Any) -> dramatiq.Actor[..., None]:
        return dramatiq.actor(
            fn, actor_name=fn.__name__, queue_name=queue, broker=broker, **options
        )

    actors = Actors(
        collect_source=actor(runner.collect_source, QUEUE_COLLECT),
        process_article=actor(runner.process_article, QUEUE_ARTICLES),
        reanalyse=actor(runner.reanalyse, QUEUE_MAINTENANCE),
        retention=actor(runner.retention, QUEUE_MAINTENANCE),
    )
    runner.actors = actors
    return actors
