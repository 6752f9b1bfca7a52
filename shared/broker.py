"""The Redis transport the workers use: kombu's, with two gaps around a broker that goes away closed.

1. When the broker goes away, Celery's consumer collects the broken connection, which drops the
   connection's details from the transport. Whatever used the old channel afterwards (closing it,
   which puts the unacknowledged messages back; the ack of a task that finishes later) raised
   ``AttributeError`` instead of a connection error; that escaped Celery's recovery and the worker
   exited ("Unrecoverable error"). Here it is the connection error it is, which Celery handles: the
   messages stay in Redis's unacked set, and the visibility-timeout restore hands them out again.
2. Redis hands a message over (``BRPOP`` takes it off the queue) before the worker records it as
   unacknowledged, in a second command. If the broker goes away between the two, kombu lost the
   message: it was in neither place. Here the worker keeps such a message and puts it back in its
   queue at its next restore scan, once the broker answers again (a duplicate at worst, which every
   consumer here tolerates). A worker *killed* between the two commands still loses it (README,
   "Fault drills").
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import redis
from kombu.transport import redis as kombu_redis

log = logging.getLogger("thidua.broker")

# Failures that mean "the broker is away" (what kombu's Redis transport counts as connection errors).
BROKER_AWAY = (redis.ConnectionError, redis.TimeoutError, OSError)

# Messages taken off a queue whose receipt could not be recorded: (payload, exchange, routing key),
# put back by the next restore scan of this process.
_unrecorded: list[tuple[dict[str, Any], str, str]] = []
_unrecorded_lock = threading.Lock()


def _put_back_unrecorded(channel: Any) -> int:
    """Push the messages kept by :meth:`QoS.append` back onto their queues; how many went back."""
    with _unrecorded_lock:
        pending = list(_unrecorded)
        _unrecorded.clear()
    if not pending:
        return 0
    try:
        with channel.conn_or_acquire() as client:
            pipe = client.pipeline()
            for payload, exchange, routing_key in pending:
                channel._do_restore_message(payload, exchange, routing_key, pipe)
            pipe.execute()
    except BROKER_AWAY:
        with _unrecorded_lock:
            _unrecorded[:0] = pending  # still away: the next scan tries again
        raise
    log.warning("put back messages taken off a queue while the broker went away",
                extra={"fields": {"messages": len(pending)}})
    return len(pending)


class QoS(kombu_redis.QoS):
    def append(self, message: Any, delivery_tag: Any) -> None:
        try:
            super().append(message, delivery_tag)  # type: ignore[no-untyped-call]
        except BROKER_AWAY:
            delivery = message.delivery_info
            with _unrecorded_lock:
                _unrecorded.append((message._raw, delivery["exchange"], delivery["routing_key"]))
            raise

    def restore_visible(self, start: int = 0, num: int = 10, interval: int = 10) -> None:
        _put_back_unrecorded(self.channel)
        super().restore_visible(start, num, interval)  # type: ignore[no-untyped-call]


class Channel(kombu_redis.Channel):
    QoS = QoS

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            # Celery collected this channel's connection after an error; whatever still uses the
            # channel (the close putting messages back, a late task's ack) meets a lost broker.
            raise redis.ConnectionError("the channel's broker connection was closed after an error")
        return super()._connparams(asynchronous)  # type: ignore[no-untyped-call,no-any-return]


class Transport(kombu_redis.Transport):
    Channel = Channel


# What Celery's ``broker_transport`` names (redis:// and rediss:// alike).
TRANSPORT = f"{__name__}:Transport"
