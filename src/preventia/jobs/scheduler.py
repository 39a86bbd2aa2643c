"""``preventia scheduler``: polls each active source at its interval and purges daily.

Exactly one scheduler acts at a time: each tick first takes or renews a lease (Redis in
production, memory in the embedded default); a second replica waits and takes over when the
first stops renewing. Each source is also claimed for its interval before it is enqueued,
so even two acting schedulers could not enqueue it twice. The acting scheduler also
recomputes the analytics rollups' dirty days at each tick (see analytics/rollups.py).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from preventia.analytics.rollups import refresh_in_own_transaction
from preventia.db import Database, transaction
from preventia.db.base import utcnow
from preventia.jobs.locks import Claims
from preventia.sources import repository as sources_repository

log = logging.getLogger(__name__)
LEASE_KEY = "scheduler"


class Enqueuer(Protocol):
    def collect_source(self, source_id: int) -> None: ...

    def retention(self) -> None: ...


@dataclass(frozen=True)
class SchedulerOptions:
    tick_seconds: float = 30.0
    lease_seconds: float = 90.0
    # A source claimed at a tick is not claimed again before this share of its interval,
    # so the next poll is never skipped by a few seconds of drift.
    claim_share: float = 0.9


@dataclass(frozen=True)
class TickResult:
    acting: bool
    enqueued: tuple[int, ...] = ()
    retention: bool = False
    rollup_days: int = 0  # dirty analytics days recomputed at this tick


class Scheduler:
    def __init__(
        self,
        database: Database,
        claims: Claims,
        enqueue: Enqueuer,
        options: SchedulerOptions | None = None,
    ) -> None:
        self.database = database
        self.claims = claims
        self.enqueue = enqueue
        self.options = options or SchedulerOptions()
        self.owner = uuid.uuid4().hex

    def tick(self, now: datetime | None = None) -> TickResult:
        """One round: if this scheduler holds the lease, enqueue what is due."""
        if not self.claims.hold(LEASE_KEY, self.owner, self.options.lease_seconds):
            return TickResult(acting=False)
        now = now or utcnow()
        with transaction(self.database.read_sessions) as session:
            due = sources_repository.due_intervals(session, now)
        enqueued = []
        for source_id, minutes in due:
            ttl = minutes * 60 * self.options.claim_share
            if self.claims.claim(f"source:{source_id}", ttl):
                self.enqueue.collect_source(source_id)
                enqueued.append(source_id)
        purge = self.claims.claim(f"retention:{now.date().isoformat()}", 36 * 3600)
        if purge:
            self.enqueue.retention()
        if enqueued:
            log.info("scheduler enqueued %d sources", len(enqueued))
        # Days left dirty by writes that do not refresh (reanalysis, retention, deletions,
        # a refresh skipped under load): recomputed here, so reads rarely fall back to the
        # base tables. Cheap when there are none; never fails the tick.
        refreshed = refresh_in_own_transaction(self.database.engine)
        rollup_days = refreshed.days if refreshed is not None else 0
        return TickResult(True, tuple(enqueued), purge, rollup_days)

    def run(self, stop: threading.Event) -> None:
        """Tick until ``stop`` is set; an error in one tick is logged, not fatal."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:  # the database or Redis may be briefly away; try next tick
                log.exception("scheduler tick failed")
            stop.wait(self.options.tick_seconds)
