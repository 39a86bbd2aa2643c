"""Running the tasks: a Dramatiq worker in this process, and what the API needs to enqueue.

``BackgroundWorker`` is used both by ``preventia worker`` (Redis) and, in the embedded
default, inside ``preventia serve`` together with the scheduler (in-process broker). Its
``stop`` lets in-flight tasks finish; with Redis, messages not yet done are requeued.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

import dramatiq
from dramatiq import Broker, Message
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from preventia.db import Database
from preventia.jobs.broker import NAMESPACE, QUEUES, build_broker
from preventia.jobs.locks import MemoryClaims
from preventia.jobs.runtime import Runtime
from preventia.jobs.scheduler import Scheduler, SchedulerOptions
from preventia.jobs.tasks import Actors, TaskRunner, declare_actors
from preventia.ops.metrics import QUEUE_DEPTH, TASK_DURATION, TASK_FAILURES
from preventia.settings import Settings

log = logging.getLogger(__name__)


class TaskMetrics(dramatiq.Middleware):
    """Task durations and failures by reason, as Prometheus metrics."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}

    def before_process_message(self, broker: Broker, message: Message[Any]) -> None:
        self._started[message.message_id] = time.perf_counter()

    def after_process_message(
        self,
        broker: Broker,
        message: Message[Any],
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        started = self._started.pop(message.message_id, None)
        if started is not None:
            TASK_DURATION.labels(message.actor_name).observe(time.perf_counter() - started)
        if exception is not None:
            TASK_FAILURES.labels(message.actor_name, type(exception).__name__).inc()

    after_skip_message = after_process_message


def queue_depths(broker: Broker) -> dict[str, int]:
    depths = {}
    for queue in QUEUES:
        if isinstance(broker, RedisBroker):
            client: Any = broker.client
            depths[queue] = int(client.hlen(f"{NAMESPACE}:{queue}.msgs"))
        elif isinstance(broker, StubBroker):
            depths[queue] = broker.queues[queue].qsize()
    return depths


def export_queue_depths(broker: Broker) -> None:
    try:
        for queue, depth in queue_depths(broker).items():
            QUEUE_DEPTH.labels(queue).set(depth)
    except Exception:  # metrics must never fail a scrape
        log.warning("could not read the queue depths", exc_info=True)


class TaskQueue:
    """A broker with the actors declared: enough to enqueue (the API, the scheduler)."""

    def __init__(self, settings: Settings, database: Database | None = None) -> None:
        self.broker = build_broker(settings)
        self.broker.add_middleware(TaskMetrics())
        self.runner = TaskRunner(lambda: Runtime(settings, database))
        self.actors: Actors = declare_actors(self.broker, self.runner)

    def collect_source(self, source_id: int) -> None:
        self.actors.enqueue_collect(source_id)

    def retention(self) -> None:
        self.actors.enqueue_retention()

    def close(self) -> None:
        self.runner.close()
        self.broker.close()


class BackgroundWorker:
    """Worker threads consuming the queues of a :class:`TaskQueue`."""

    def __init__(
        self, queue: TaskQueue, *, queues: Sequence[str] | None = None, threads: int = 4
    ) -> None:
        self.queue = queue
        self.worker = dramatiq.Worker(
            queue.broker, queues=set(queues) if queues else None, worker_threads=threads,
            worker_timeout=200,
        )  # fmt: skip

    def start(self) -> None:
        self.worker.start()

    def stop(self, timeout_seconds: float = 20.0) -> None:
        self.worker.stop(timeout=int(timeout_seconds * 1000))


class EmbeddedBackground:
    """The embedded default: scheduler and worker inside ``preventia serve``."""

    def __init__(self, settings: Settings, database: Database, *, tick_seconds: float = 30.0):
        self.queue = TaskQueue(settings, database)
        self.worker = BackgroundWorker(self.queue, threads=2)
        options = SchedulerOptions(tick_seconds=tick_seconds)
        self.scheduler = Scheduler(database, MemoryClaims(), self.queue, options)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self.scheduler.run, args=(self._stop,), name="preventia-scheduler", daemon=True
        )

    def start(self) -> None:
        self.worker.start()
        self._thread.start()
        log.info("embedded scheduler and worker started")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.worker.stop()
        self.queue.close()
