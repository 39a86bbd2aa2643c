"""Messages that exhausted their retries: list them and put them back in their queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dramatiq import Broker, Message
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from preventia.jobs.broker import NAMESPACE, QUEUES


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    queue: str
    actor: str
    arguments: dict[str, Any]
    retries: int
    error: str | None
    failed_at: datetime | None


def _letter(message: Message[Any], failed_at: datetime | None) -> DeadLetter:
    options = message.options
    return DeadLetter(
        message_id=message.message_id,
        queue=message.queue_name,
        actor=message.actor_name,
        arguments=dict(message.kwargs),
        retries=int(options.get("retries", 0)),
        error=options.get("traceback", "").strip().splitlines()[-1:][0]
        if options.get("traceback")
        else None,
        failed_at=failed_at,
    )


def _redis_letters(broker: RedisBroker, queue: str) -> list[tuple[Message[Any], datetime]]:
    key = f"{NAMESPACE}:{queue}.XQ"
    client: Any = broker.client
    found = []
    for message_id, score in client.zrange(key, 0, -1, withscores=True):
        data = client.hget(key + ".msgs", message_id)
        if data is not None:
            found.append((Message.decode(data), datetime.fromtimestamp(score / 1000, UTC)))
    return found


def list_dead_letters(broker: Broker) -> list[DeadLetter]:
    letters: list[DeadLetter] = []
    for queue in QUEUES:
        if isinstance(broker, RedisBroker):
            letters += [_letter(m, at) for m, at in _redis_letters(broker, queue)]
        elif isinstance(broker, StubBroker):
            letters += [_letter(m, None) for m in broker.dead_letters_by_queue[queue]]
    return letters


def requeue(broker: Broker, message_id: str) -> bool:
    """Put a dead message back at the end of its queue with its retry count reset."""
    for queue in QUEUES:
        message = _take(broker, queue, message_id)
        if message is not None:
            options = {
                k: v for k, v in message.options.items() if k not in {"retries", "traceback"}
            }
            broker.enqueue(message.copy(options=options))
            return True
    return False


def _take(broker: Broker, queue: str, message_id: str) -> Message[Any] | None:
    if isinstance(broker, RedisBroker):
        key = f"{NAMESPACE}:{queue}.XQ"
        client: Any = broker.client
        data = client.hget(key + ".msgs", message_id)
        if data is None:
            return None
        client.zrem(key, message_id)
        client.hdel(key + ".msgs", message_id)
        decoded: Message[Any] = Message.decode(data)
        return decoded
    if isinstance(broker, StubBroker):
        letters: list[Message[Any]] = broker.dead_letters_by_queue[queue]
        for message in list(letters):
            if message.message_id == message_id:
                letters.remove(message)
                return message
    return None
