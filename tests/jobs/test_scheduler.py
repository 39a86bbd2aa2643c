"""The scheduler: sources enqueued once per interval, one acting scheduler, daily purge."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import redis

from preventia.analytics.rollups import dirty_days
from preventia.db import Database, transaction
from preventia.jobs.locks import MemoryClaims, RedisClaims
from preventia.jobs.scheduler import LEASE_KEY, Scheduler, SchedulerOptions
from preventia.models import Article, ArticleStatus, Relevance, Source, SourceStatus, Tone

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.sources: list[int] = []
        self.purges = 0

    def collect_source(self, source_id: int) -> None:
        self.sources.append(source_id)

    def retention(self) -> None:
        self.purges += 1


def _sources(db: Database) -> list[int]:
    with transaction(db.sessions) as session:
        rows = [
            Source(
                name="never polled", url="https://a.example.org/feed", fetch_interval_minutes=30
            ),
            Source(
                name="due",
                url="https://b.example.org/feed",
                fetch_interval_minutes=30,
                last_polled_at=NOW - timedelta(minutes=31),
            ),
            Source(
                name="not due",
                url="https://c.example.org/feed",
                fetch_interval_minutes=30,
                last_polled_at=NOW - timedelta(minutes=10),
            ),
            Source(name="paused", url="https://d.example.org/feed", status=SourceStatus.PAUSED),
        ]
        session.add_all(rows)
        session.flush()
        return [s.id for s in rows]


def test_due_sources_are_enqueued_once_per_interval(database: Database) -> None:
    ids = _sources(database)
    recorder = Recorder()
    scheduler = Scheduler(database, MemoryClaims(), recorder)
    first = scheduler.tick(NOW)
    assert first.acting and sorted(first.enqueued) == sorted(ids[:2])
    assert first.retention and recorder.purges == 1
    # Until the workers poll them, the same sources stay due; they are not enqueued again.
    assert scheduler.tick(NOW + timedelta(minutes=1)).enqueued == ()
    assert recorder.purges == 1  # one purge a day


def test_two_schedulers_on_redis_enqueue_each_source_once(
    database: Database, redis_url: str
) -> None:
    ids = _sources(database)
    client = redis.Redis.from_url(redis_url)
    recorder = Recorder()
    options = SchedulerOptions(lease_seconds=2)
    first = Scheduler(database, RedisClaims(client), recorder, options)
    second = Scheduler(database, RedisClaims(client), recorder, options)
    results = [first.tick(NOW), second.tick(NOW), first.tick(NOW), second.tick(NOW)]
    assert [r.acting for r in results] == [True, False, True, False]
    assert sorted(recorder.sources) == sorted(ids[:2]) and recorder.purges == 1
    # The acting scheduler dies (stops renewing); the other takes over after the lease.
    client.delete("preventia:claim:scheduler")
    assert second.tick(NOW).acting and not first.tick(NOW).acting
    client.close()


def test_lease_expires_when_its_holder_stops(database: Database, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    # The lease is long enough for a tick's database query on a busy machine.
    options = SchedulerOptions(lease_seconds=3)
    first = Scheduler(database, RedisClaims(client), Recorder(), options)
    second = Scheduler(database, RedisClaims(client), Recorder(), options)
    assert first.tick(NOW).acting and not second.tick(NOW).acting
    time.sleep(3.2)  # the first scheduler stopped renewing
    assert second.tick(NOW).acting
    client.close()


def test_the_adapted_interval_decides_when_a_source_is_due(database: Database) -> None:
    with transaction(database.sessions) as session:
        busy = Source(
            name="busy", url="https://e.example.org/feed", fetch_interval_minutes=30,
            poll_interval_minutes=15, last_polled_at=NOW - timedelta(minutes=16),
        )  # fmt: skip
        quiet = Source(
            name="quiet", url="https://f.example.org/feed", fetch_interval_minutes=30,
            poll_interval_minutes=90, last_polled_at=NOW - timedelta(minutes=40),
        )  # fmt: skip
        session.add_all([busy, quiet])
        session.flush()
        busy_id = busy.id
    recorder = Recorder()
    assert Scheduler(database, MemoryClaims(), recorder).tick(NOW).enqueued == (busy_id,)


def test_the_acting_scheduler_refreshes_dirty_rollup_days(database: Database) -> None:
    with transaction(database.sessions) as session:
        source = Source(name="s", url="https://e.example.org/feed")
        session.add(source)
        session.flush()
        session.add(
            Article(
                source_id=source.id,
                url="https://e.example.org/a",
                canonical_url="https://e.example.org/a",
                url_hash="a" * 64,
                status=ArticleStatus.STORED,
                relevance=Relevance.PRIMARY,
                tone=Tone.NEUTRAL,
                published_at=NOW - timedelta(days=3),
            )
        )
    with transaction(database.sessions) as session:
        assert dirty_days(session) == [(NOW - timedelta(days=3)).date()]  # the trigger
    claims = MemoryClaims()
    claims.hold(LEASE_KEY, "another replica", 60)
    waiting = Scheduler(database, claims, Recorder()).tick(NOW)
    assert not waiting.acting and waiting.rollup_days == 0  # only the acting one refreshes
    with transaction(database.sessions) as session:
        assert dirty_days(session) != []
    acting = Scheduler(database, MemoryClaims(), Recorder()).tick(NOW)
    assert acting.acting and acting.rollup_days == 1
    with transaction(database.sessions) as session:
        assert dirty_days(session) == []
