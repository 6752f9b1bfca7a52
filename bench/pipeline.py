"""Pipeline benchmark: 10,000 events fanned out to inbox notifications through the real outbox
relay and a real Celery worker (the consumers a service hands its events to by default, that is
batches of up to 100 events per ``notifications.handle_events`` message; ``BENCH_EVENT_CONSUMERS``
overrides them as ``EVENT_CONSUMERS`` would, e.g. ``notifications.handle_event@events`` for one
message per event), beside the same transport doing nothing: the same burst committed to the same
outbox, handed on by the same relay in the same batches to the same worker, whose consumer does
nothing (``bench/noop_app.py``), measured before and after the real run. The ratio is what
thidua's own consumer work (inbox rows, deliveries, receipts, deduplication) costs the pipeline.

    python -m bench pipeline   [BENCH_EVENTS=10000 BENCH_WORKER_CONCURRENCY=2 BENCH_EVENT_CONSUMERS=...]

Each event is a ``registry.leadership.rotated`` for a cluster of four members, so it notifies four
provinces and the ministry: five inbox rows. Commit-to-inbox latency is the inbox row's
``created_at`` minus the event's ``occurred_at`` (the emitting transaction's clock). The burst
gives throughput; a paced phase afterwards (one event per transaction at half that rate, for
``BENCH_PACED_SECONDS``) gives the latency of the pipeline itself rather than of a queue.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import asyncpg
import redis

from bench.common import ROOT, Figure, PeakRss, report, say, scratch_database
from deploy.infra import Infra
from shared.db import create_pool
from shared.events import CeleryPublisher, Consumer, OutboxRelay, emit, parse_consumers
from shared.settings import ServiceSettings

EVENTS = int(os.environ.get("BENCH_EVENTS", "10000"))
CONCURRENCY = os.environ.get("BENCH_WORKER_CONCURRENCY", "2")
PACED_SECONDS = float(os.environ.get("BENCH_PACED_SECONDS", "10"))
CONSUMERS = parse_consumers(os.environ.get("BENCH_EVENT_CONSUMERS")
                            or ServiceSettings.model_fields["event_consumers"].default)
REDIS_DB = 12
SIZES = {"BENCH_EVENTS": EVENTS, "BENCH_PACED_SECONDS": PACED_SECONDS, "BENCH_WORKER_CONCURRENCY": CONCURRENCY}
MEMBERS = [{"code": c, "name": n} for c, n in (("22", "Quảng Ninh"), ("31", "Hải Phòng"), ("33", "Hưng Yên"),
                                               ("37", "Ninh Bình"))]
PER_EVENT = len(MEMBERS) + 1
NOOP_TASK = "bench.noop_events"


_watch: PeakRss | None = None


def start_worker(app: str, *, dsn: str, redis_url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": dsn, "REDIS_URL": redis_url,
           "NOTIFICATIONS_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app, "worker", "-Q", "events,notify", "--loglevel=WARNING",
         f"--concurrency={CONCURRENCY}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if _watch is not None:
        _watch.add("worker" if "notifications" in app else "noop-worker", proc.pid)
    return proc


def wait_ready(app_module: str, redis_url: str, timeout: float = 60) -> None:
    from celery import Celery

    probe = Celery(broker=redis_url)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            if probe.control.ping(timeout=0.5):
                return
        raise RuntimeError(f"worker for {app_module} did not come up")
    finally:
        probe.close()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def drained(client: redis.Redis) -> bool:
    return client.llen("events") == 0 and client.hlen("unacked") == 0


async def burst(pool, phase: str) -> float:  # type: ignore[no-untyped-def]
    """Commit EVENTS events to the registry's outbox as fast as possible (250 per transaction);
    returns when the first commit started."""
    started = time.perf_counter()
    async with pool.acquire() as conn:
        for first in range(0, EVENTS, 250):
            async with conn.transaction():
                for i in range(first, min(EVENTS, first + 250)):
                    await emit_one(conn, i, phase)
    return started


def relay_for(pool, dsn: str, publisher: CeleryPublisher) -> OutboxRelay:  # type: ignore[no-untyped-def]
    return OutboxRelay(pool=pool, dsn=dsn, schema="registry", publish_batch=publisher.publish_batch,
                       poll_interval=0.5, batch_size=500)


async def noop_baseline(redis_url: str, dsn: str, run: int) -> dict:
    """The same transport doing nothing: the same burst committed to the same outbox, the same
    relay handing it to the broker in the same batches, the same worker (app, configuration,
    processes) taking every message off the queue and acknowledging it, its task doing nothing.
    Done when every event is published and no message is queued or unacknowledged."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    worker = start_worker("bench.noop_app:app", dsn=dsn, redis_url=redis_url)
    pool = await create_pool(dsn, max_size=4)
    # The same consumers' queues and batching, each task replaced by one that does nothing.
    publisher = CeleryPublisher(redis_url, [Consumer(NOOP_TASK if c.batch else "bench.noop_event", c.queue, c.batch)
                                            for c in CONSUMERS])
    relay = relay_for(pool, dsn, publisher)
    relay_task = None
    try:
        wait_ready("bench.noop_app", redis_url)
        cpu = _watch.cpu() if _watch is not None else {}
        relay_task = asyncio.create_task(relay.run())
        started = await burst(pool, f"noop{run}")
        emitted = time.perf_counter() - started
        while relay.published < EVENTS or not drained(client):
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        cpu_ms = _watch.cpu_ms_per(cpu, _watch.cpu(), EVENTS) if _watch is not None else {}
    finally:
        if relay_task is not None:
            relay.stop()
            relay_task.cancel()
            await asyncio.gather(relay_task, return_exceptions=True)
        publisher.close()
        await pool.close()
        stop(worker)
    return {"events": EVENTS, "seconds": round(elapsed, 3), "emit_seconds": round(emitted, 3),
            "events_per_s": round(EVENTS / elapsed, 1), "cpu_ms_per_event": cpu_ms}


async def real_pipeline(redis_url: str, dsn: str) -> dict:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    worker = start_worker("services.notifications.worker:app", dsn=dsn, redis_url=redis_url)
    pool = await create_pool(dsn, max_size=4)
    publisher = CeleryPublisher(redis_url, CONSUMERS)
    relay = relay_for(pool, dsn, publisher)
    relay_task = None
    try:
        wait_ready("services.notifications.worker", redis_url)
        cpu = _watch.cpu() if _watch is not None else {}
        relay_task = asyncio.create_task(relay.run())
        # Burst: all events committed as fast as possible; measures throughput, and the latency it
        # reports is mostly time spent queued behind the burst.
        started = await burst(pool, "burst")
        emitted = time.perf_counter() - started
        count = await wait_for_notifications(pool, EVENTS * PER_EVENT)
        elapsed = time.perf_counter() - started
        cpu_ms = _watch.cpu_ms_per(cpu, _watch.cpu(), EVENTS) if _watch is not None else {}
        burst_latency = await latency(pool, "burst")
        # Paced: one event per transaction at half the burst throughput, the way real changes
        # arrive; this latency is the pipeline's own, not the queue's.
        rate = max(1.0, EVENTS / elapsed / 2)
        paced_events = int(rate * PACED_SECONDS)
        async with pool.acquire() as conn:
            next_at = time.perf_counter()
            for i in range(paced_events):
                async with conn.transaction():
                    await emit_one(conn, i, "paced")
                next_at += 1 / rate
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await wait_for_notifications(pool, (EVENTS + paced_events) * PER_EVENT)
        paced = await latency(pool, "paced")
        async with pool.acquire() as conn:
            duplicates = await conn.fetchval(
                "SELECT count(*) - count(DISTINCT (event_id, recipient)) FROM notifications.notifications")
    finally:
        if relay_task is not None:
            relay.stop()
            relay_task.cancel()
            await asyncio.gather(relay_task, return_exceptions=True)
        publisher.close()
        await pool.close()
        stop(worker)
    return {"events": EVENTS, "inbox_rows": count, "seconds": round(elapsed, 3),
            "emit_seconds": round(emitted, 3), "events_per_s": round(EVENTS / elapsed, 1),
            "cpu_ms_per_event": cpu_ms, "burst_commit_to_inbox": burst_latency,
            "paced": {"events_per_s": round(rate, 1), "events": paced_events, "commit_to_inbox": paced},
            "duplicate_notifications": duplicates}


async def emit_one(conn: asyncpg.Connection, i: int, phase: str) -> None:
    await emit(conn, schema="registry", type="registry.leadership.rotated", aggregate_id=f"{phase}-{i}/2026",
               payload={"cluster_code": f"BENCH-{i}", "cluster_name": f"Cụm thi đua số {i}", "year": 2026,
                        "method": "rotation", "lead": MEMBERS[0], "deputy": MEMBERS[1], "members": MEMBERS})


async def wait_for_notifications(pool, expected: int, timeout: float = 900) -> int:  # type: ignore[no-untyped-def]
    count = 0
    deadline = time.time() + timeout
    async with pool.acquire() as conn:
        while count < expected:
            if time.time() > deadline:
                raise RuntimeError(f"only {count} of {expected} notifications arrived")
            count = await conn.fetchval("SELECT count(*) FROM notifications.notifications")
            await asyncio.sleep(0.05)
    return count


async def latency(pool, phase: str) -> dict:  # type: ignore[no-untyped-def]
    """Commit-to-inbox latency of one phase's notifications: inbox created_at − event occurred_at."""
    async with pool.acquire() as conn:
        stats = await conn.fetchrow(
            """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lat) AS p50,
                      percentile_cont(0.95) WITHIN GROUP (ORDER BY lat) AS p95, max(lat) AS max
                 FROM (SELECT extract(epoch FROM n.created_at - o.occurred_at) AS lat
                         FROM notifications.notifications n JOIN registry.outbox o ON o.id = n.event_id
                        WHERE o.aggregate_id LIKE $1) l""", f"{phase}-%")
    return {k: round(float(stats[k]) * 1000, 1) for k in ("p50", "p95", "max")} | {"unit": "ms"}


async def bench(infra: Infra, limits: dict) -> list[Figure]:
    global _watch
    redis_url = infra.redis_db(REDIS_DB)
    async with scratch_database(infra) as dsn:
        with PeakRss() as watch:
            _watch = watch
            # The baseline before and after the real run (the better of the two counts), so drift
            # on a shared machine does not favour either side.
            say(f"pipeline: no-op consumer of the same batches, {EVENTS} events")
            before = await noop_baseline(redis_url, dsn, 1)
            say(f"pipeline: {EVENTS} events through relay and worker, then {PACED_SECONDS:g} s paced")
            pipeline = await real_pipeline(redis_url, dsn)
            say(f"pipeline: no-op consumer again, {EVENTS} events")
            after = await noop_baseline(redis_url, dsn, 2)
            _watch = None
        peaks = watch.peaks()
    baseline = max((before, after), key=lambda r: r["events_per_s"])
    worker_ms = pipeline["cpu_ms_per_event"].get("worker", 0.0)
    noop_ms = baseline["cpu_ms_per_event"].get("noop-worker", 0.0)
    report("pipeline", {
        "machine_cores": os.cpu_count(), "worker_concurrency": int(CONCURRENCY),
        "consumers": [f"{c.task}@{c.queue}" + (f"*{c.batch}" if c.batch else "") for c in CONSUMERS],
        "baseline_noop_consumer": {"before": before, "after": after}, "pipeline": pipeline,
        "ratio_events_per_s_vs_noop_consumer": round(pipeline["events_per_s"] / baseline["events_per_s"], 3),
        "peak_rss_mb": peaks,
    })
    ok = pipeline["duplicate_notifications"] == 0
    return [
        Figure("pipeline_events_per_s", f"event pipeline, {EVENTS:,} events ({PER_EVENT} inbox rows each)",
               "events/s", pipeline["events_per_s"] if ok else 0.0, baseline["events_per_s"], 0.8, "min",
               baseline_label="same burst, relay, broker and worker; no-op consumer",
               notes=(f"worker CPU per event {worker_ms} ms (no-op consumer {noop_ms} ms); committing the burst "
                      f"took {pipeline['emit_seconds']} s of {pipeline['seconds']} s")),
        Figure("burst_commit_to_inbox_s", f"burst of {EVENTS:,} events, first commit to last inbox row", "s",
               pipeline["seconds"], None, 10.0, "max", absolute=True,
               notes=f"p95 commit-to-inbox {pipeline['burst_commit_to_inbox']['p95']} ms; paced p95 "
                     f"{pipeline['paced']['commit_to_inbox']['p95']} ms"),
    ]
