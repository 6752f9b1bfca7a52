"""The workers' Redis transport survives the broker going away while a message is unacknowledged
(a real Redis; the cleanup order is Celery's consumer's: collect the broken connection, then close it)."""
from __future__ import annotations

import time

import pytest
from kombu import Connection, Exchange, Queue
from kombu.transport import redis as kombu_redis

from shared.broker import Transport

QUEUE = Queue("broker-drill", Exchange("broker-drill", type="direct"), routing_key="broker-drill")


def _holding_one_unacked(url: str, transport: type) -> Connection:
    conn = Connection(url, transport=transport, transport_options={"visibility_timeout": 1})
    with conn.Producer() as producer:
        producer.publish({"n": 1}, exchange=QUEUE.exchange, routing_key="broker-drill", declare=[QUEUE])
    message = conn.SimpleQueue(QUEUE).get(timeout=5)  # delivered, never acknowledged
    assert message.payload == {"n": 1} and not message.acknowledged
    # Celery's collect() after a connection error ends by dropping the transport's connection details
    # (its own channel close having failed with the broker away); the close comes after.
    conn._do_close_transport()
    return conn


def test_kombus_own_transport_crashes_there(redis_url):
    conn = _holding_one_unacked(redis_url, kombu_redis.Transport)
    with pytest.raises(AttributeError):  # what escaped Celery's recovery and stopped the worker
        conn.close()


def test_ours_treats_it_as_a_lost_connection_and_the_message_comes_back(redis_url):
    _holding_one_unacked(redis_url, Transport).close()  # no AttributeError: Celery goes on to reconnect
    # The message stayed in Redis's unacked set: past the visibility timeout a consumer gets it again.
    time.sleep(1.2)
    again = Connection(redis_url, transport=Transport, transport_options={"visibility_timeout": 1})
    try:
        again.default_channel.qos.restore_visible(num=10, interval=1)
        message = again.SimpleQueue(QUEUE).get(timeout=5)
        assert message.payload == {"n": 1}
        message.ack()
    finally:
        again.close()
