"""The Redis transport the workers use: kombu's, with one failure mode closed.

When the broker goes away, Celery's consumer first collects the broken connection (which drops the
connection's details from the transport) and then closes it; closing the channel tries to put the
worker's unacknowledged messages back and, with the details gone, raises ``AttributeError`` instead
of a connection error. That escapes Celery's recovery and the worker exits ("Unrecoverable error"),
so a Redis restart could stop event consumption until something restarted the worker. Here that
case is a connection error, which the close ignores: the messages stay in Redis's unacked set,
where the visibility-timeout restore hands them out again once the broker is back.
"""
from __future__ import annotations

import logging
from typing import Any

import redis
from kombu.transport import redis as kombu_redis

log = logging.getLogger("thidua.broker")


class QoS(kombu_redis.QoS):
    def restore_unacked(self, client: Any = None) -> None:
        if client is None and self.channel.connection.client is None:
            log.warning("broker connection gone while closing; unacknowledged messages stay in Redis "
                        "until the visibility timeout restores them")
            raise redis.ConnectionError("the broker connection was collected before its channel closed")
        super().restore_unacked(client)  # type: ignore[no-untyped-call]


class Channel(kombu_redis.Channel):
    QoS = QoS


class Transport(kombu_redis.Transport):
    Channel = Channel


# What Celery's ``broker_transport`` names (redis:// and rediss:// alike).
TRANSPORT = f"{__name__}:Transport"
