"""The Dramatiq broker: Redis in production, an in-process broker for the embedded default.

Queues are separate so a flood of articles cannot starve source polling: ``collect``
(poll a source), ``articles`` (fetch, extract, analyse and store one article) and
``maintenance`` (reanalysis batches, retention purge).
"""

from __future__ import annotations

from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from preventia.settings import Settings

NAMESPACE = "preventia"
QUEUE_COLLECT = "collect"
QUEUE_ARTICLES = "articles"
QUEUE_MAINTENANCE = "maintenance"
QUEUES = (QUEUE_COLLECT, QUEUE_ARTICLES, QUEUE_MAINTENANCE)


class TransientError(Exception):
    """A failure worth retrying later (network, a busy database); anything else is final."""


def _middleware(max_retries: int) -> list[object]:
    def retry_when(retries: int, exception: Exception) -> bool:
        return isinstance(exception, TransientError) and retries < max_retries

    return [
        AgeLimit(),
        TimeLimit(time_limit=15 * 60 * 1000),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        # Exponential backoff from 2 s, capped at 10 min; then the dead-letter queue.
        Retries(min_backoff=2_000, max_backoff=600_000, retry_when=retry_when),
    ]


def build_broker(settings: Settings) -> Broker:
    """Redis when ``PREVENTIA_REDIS_URL`` is set, else an in-process broker."""
    if settings.redis_url:
        heartbeat = settings.worker.heartbeat_seconds
        broker: Broker = RedisBroker(
            url=settings.redis_url,
            namespace=NAMESPACE,
            middleware=_middleware(settings.worker.max_retries),
            heartbeat_timeout=int(heartbeat * 1000),
            # Per million broker commands, how many also requeue dead workers' messages:
            # 1 % normally, 20 % with a short heartbeat (tests, fast failover).
            maintenance_chance=200_000 if heartbeat < 10 else 10_000,
            dead_message_ttl=7 * 24 * 3600 * 1000,
        )
    else:
        broker = StubBroker(middleware=_middleware(settings.worker.max_retries))
    for queue in QUEUES:
        broker.declare_queue(queue)
    return broker
