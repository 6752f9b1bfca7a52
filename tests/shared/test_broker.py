"""The workers' Redis transport survives the broker going away while a message is unacknowledged
(a real Redis; the cleanup order is Celery's consumer's: collect the broken connection, then close it)."""
from __future__ import annotations

import time

import pytest
import redis
from kombu import Connection, Exchange, Queue
from kombu.message import Message
from kombu.transport import redis as kombu_redis

from shared.broker import Transport
from tests.support import free_port

QUEUE = Queue("broker-drill", Exchange("broker-drill", type="direct"), routing_key="broker-drill")


def _holding_one_unacked(url: str, transport: type) -> tuple[Connection, Message]:
    conn = Connection(url, transport=transport, transport_options={"visibility_timeout": 1})
    with conn.Producer() as producer:
        producer.publish({"n": 1}, exchange=QUEUE.exchange, routing_key="broker-drill", declare=[QUEUE])
    message = conn.SimpleQueue(QUEUE).get(timeout=5)  # delivered, never acknowledged
    assert message.payload == {"n": 1} and not message.acknowledged
    # The state a connection error leaves the channel in: its connection pools dropped, then Celery's
    # collect() drops the transport's connection details. Whatever uses the channel next (a late
    # ack, the close that puts unacknowledged messages back) must open a new pool.
    conn.default_channel._disconnect_pools()
    conn._do_close_transport()
    return conn, message


def test_kombus_own_transport_crashes_there(redis_url):
    conn, message = _holding_one_unacked(redis_url, kombu_redis.Transport)
    with pytest.raises(AttributeError):  # what escaped Celery's recovery and stopped the worker
        message.ack()  # a task that finished after the connection was lost
    with pytest.raises(AttributeError):
        conn.close()


def test_ours_treats_it_as_a_lost_connection_and_the_message_comes_back(redis_url):
    conn, message = _holding_one_unacked(redis_url, Transport)
    with pytest.raises(redis.ConnectionError):  # which Celery logs ("Couldn't ack") and survives
        message.ack()
    conn.close()  # no AttributeError: Celery goes on to reconnect
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


def test_a_message_taken_as_the_broker_went_away_goes_back_to_its_queue(redis_url):
    conn = Connection(redis_url, transport=Transport, transport_options={"visibility_timeout": 60})
    try:
        with conn.Producer() as producer:
            producer.publish({"n": 2}, exchange=QUEUE.exchange, routing_key="broker-drill", declare=[QUEUE])
        channel = conn.default_channel
        # Off the queue, as BRPOP hands it over; then the broker goes away before the receipt is recorded.
        message = channel.basic_get("broker-drill", no_ack=True)
        assert message.payload == {"n": 2}
        port = channel.pool.connection_kwargs["port"]
        channel.pool.connection_kwargs["port"] = free_port()
        channel.pool.disconnect()
        channel.pool.reset()
        with pytest.raises(redis.ConnectionError):
            channel.qos.append(message, message.delivery_tag)
        with pytest.raises(redis.ConnectionError):  # still away: kept for the next scan
            channel.qos.restore_visible(interval=1)
        # The broker is back: the next restore scan puts the message back, and it is consumed again.
        channel.pool.connection_kwargs["port"] = port
        channel.pool.disconnect()
        channel.pool.reset()
        channel.qos.restore_visible(interval=1)
        again = conn.SimpleQueue(QUEUE).get(timeout=5)
        assert again.payload == {"n": 2} and again.delivery_info.get("redelivered") is True
        again.ack()
        assert channel.client.llen("broker-drill") == 0  # back once, consumed once
    finally:
        conn.close()
