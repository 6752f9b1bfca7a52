"""The outbox relay as a process of its own (``python -m deploy.relay``): what the APIs leave to it
when ``<PREFIX>_RUN_OUTBOX_RELAY`` is false (make run, Kubernetes)."""
import asyncio
import os
import signal
import subprocess
import sys

import redis.asyncio as aioredis

from deploy.stack import ROOT, processes
from shared.db import connect
from shared.events import emit
from tests.support import eventually

MEMBERS = [{"code": "22", "name": "Quảng Ninh"}, {"code": "31", "name": "Hải Phòng"}]


def test_the_stack_runs_the_relays_apart_from_the_apis():
    by_name = {p.name: p for p in processes()}
    assert by_name["relay"].argv[-2:] == ["registry", "nominations"]
    assert by_name["registry"].env == {"REGISTRY_RUN_OUTBOX_RELAY": "false"}
    assert by_name["nominations"].env == {"NOMINATIONS_RUN_OUTBOX_RELAY": "false"}


async def test_a_relay_process_publishes_committed_events_and_stops_on_sigterm(database_url, redis_url):
    conn = await connect(database_url)  # the JSON codecs emit relies on
    try:
        async with conn.transaction():
            event_id = await emit(conn, schema="registry", type="registry.leadership.rotated",
                                  aggregate_id="RELAY-1/2026",
                                  payload={"cluster_code": "RELAY-1", "cluster_name": "Cụm thi đua số 1",
                                           "year": 2026, "method": "rotation", "lead": MEMBERS[0],
                                           "deputy": MEMBERS[1], "members": MEMBERS})
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "REGISTRY_OUTBOX_POLL_INTERVAL": "0.2"}
        relay = subprocess.Popen([sys.executable, "-m", "deploy.relay", "registry", "--log-level", "WARNING"],
                                 cwd=ROOT, env=env)
        try:
            async def published() -> bool:
                return await conn.fetchval("SELECT published_at IS NOT NULL FROM registry.outbox WHERE id = $1",
                                           event_id)

            await eventually(published, timeout=30)
            broker = aioredis.from_url(redis_url)
            try:
                assert await broker.llen("events") == 1  # one batch message for the default consumer
            finally:
                await broker.aclose()
            relay.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(relay.wait, 20) == 0
        finally:
            if relay.poll() is None:
                relay.kill()
                relay.wait(5)
    finally:
        await conn.close()


def test_a_relay_process_refuses_a_service_without_an_outbox():
    refused = subprocess.run([sys.executable, "-m", "deploy.relay", "console"], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert refused.returncode == 2 and "no outbox for console" in refused.stderr
