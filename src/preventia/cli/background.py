"""``preventia worker`` and ``preventia scheduler``: background work over Redis."""

from __future__ import annotations

import faulthandler
import multiprocessing
import signal
import threading

import redis
import typer

from preventia.cli.common import console, fail, load_settings, open_database
from preventia.jobs.broker import QUEUES
from preventia.jobs.locks import RedisClaims
from preventia.jobs.scheduler import Scheduler, SchedulerOptions
from preventia.jobs.worker import BackgroundWorker, TaskQueue
from preventia.ops.logging import configure_logging
from preventia.settings import Settings


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _require_redis(settings: Settings, command: str) -> None:
    if not settings.redis_url:
        fail(
            f"PREVENTIA_REDIS_URL: `preventia {command}` shares work through Redis; without it "
            "`preventia serve` runs the scheduler and a worker in-process",
            2,
        )


def _run_worker(queues: list[str], threads: int) -> None:
    """One worker process: consume until SIGTERM/SIGINT, then finish in-flight tasks."""
    settings = load_settings()
    configure_logging(settings.log.level, json_format=settings.log.json_format)
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints every thread's stack
    stop = _stop_on_signals()
    queue = TaskQueue(settings)
    worker = BackgroundWorker(queue, queues=queues, threads=threads)
    worker.start()
    stop.wait()
    worker.stop()
    queue.close()


def worker(
    queues: str = typer.Option(",".join(QUEUES), help="Comma-separated queues to consume."),
    processes: int | None = typer.Option(None, min=1, max=64, help="Worker processes."),
    threads: int | None = typer.Option(None, min=1, max=64, help="Threads per process."),
) -> None:
    """Consume background tasks (collection, articles, maintenance) from Redis."""
    settings = load_settings()
    _require_redis(settings, "worker")
    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    if unknown or not chosen:
        fail(f"--queues: unknown {', '.join(unknown) or 'none given'}; use {', '.join(QUEUES)}", 2)
    open_database(settings).dispose()  # fail early, with one line, when the database is down
    count = processes or settings.worker.processes
    per = threads or settings.worker.threads
    console.print(f"worker: {count} process(es) x {per} threads on {', '.join(chosen)}")
    if count == 1:
        _run_worker(chosen, per)
        return
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_run_worker, args=(chosen, per)) for _ in range(count)]
    for child in children:
        child.start()
    stop = _stop_on_signals()
    stop.wait()
    for child in children:
        child.terminate()  # SIGTERM: each child finishes its in-flight tasks
    for child in children:
        child.join()


def scheduler() -> None:
    """Enqueue each active source at its polling interval and the daily retention purge."""
    settings = load_settings()
    _require_redis(settings, "scheduler")
    configure_logging(settings.log.level, json_format=settings.log.json_format)
    database = open_database(settings)
    queue = TaskQueue(settings, database)
    assert settings.redis_url is not None
    claims = RedisClaims(redis.Redis.from_url(settings.redis_url, socket_timeout=5))
    options = SchedulerOptions(tick_seconds=settings.worker.scheduler_tick_seconds)
    stop = _stop_on_signals()
    console.print("scheduler started")
    try:
        Scheduler(database, claims, queue, options).run(stop)
    finally:
        queue.close()
        database.dispose()
