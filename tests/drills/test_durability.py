"""Durability drills: the system comes back from losing its database, and Redis keeps what matters
across a crash.

1. **Restore**: PostgreSQL archives its WAL continuously with pgBackRest; 20 provinces cast ballots
   while a full base backup runs, then 20 more after it (those exist only in the WAL archive). The
   data directory is destroyed and the cluster restored to a point in time just after the last
   acknowledged ballot. Every acknowledged ballot is on its bulletin once, a client retrying with
   its Idempotency-Key gets the very same receipt, every event is consumed once (the outbox, the
   consumers' processed_events and the receipts carry that across the restore) and every e-mail
   of the fan-outs is delivered once in the database.
2. **Redis crash**, with the append-only file (as deployed) and without: events queued while the
   worker is frozen survive a kill -9 with AOF; without it they are lost from Redis and only the
   outbox's redelivery brings them back (later); what has no outbox behind it is lost for good.
"""
from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis

from deploy.stack import ROOT
from tests.drills.backups import ARCHIVE_TIMEOUT_SECONDS, PgBackRest
from tests.drills.stack import FIGURES, REDELIVER_AFTER_SECONDS, Stack
from tests.drills.steps import (
    Clients,
    bulletin_holds_every_receipt_once,
    cast_all,
    consumed_once,
    draft,
    setup_cluster,
    subscribe,
)
from tests.support import eventually

pytestmark = [pytest.mark.drill, pytest.mark.slow]


async def _open(stack: Stack, client: httpx.AsyncClient, lead: str, award: str) -> str:
    round_id = await draft(stack, client, lead, award)
    r = await client.post(f"{stack.nominations.url}/v1/rounds/{round_id}/open", headers=stack.token("province", lead))
    assert r.status_code == 200, r.text
    return round_id


async def _fan_outs_delivered_once(conn: asyncpg.Connection, round_ids: list[str], recipients: int) -> list[str]:
    """Each round's opening reached every province once by inbox and once by e-mail; the e-mails'
    delivery ids (their Message-IDs)."""
    async def delivered() -> bool:
        return await conn.fetchval(
            """SELECT count(*) FROM notifications.deliveries d JOIN notifications.notifications n
                      ON n.event_id = d.event_id AND n.recipient = d.recipient
                WHERE d.status = 'delivered' AND n.aggregate_id = ANY($1::text[])
                  AND n.event_type = 'nominations.round.opened'""", round_ids) == recipients * len(round_ids)

    await eventually(delivered, timeout=60, interval=0.2, message="every fan-out e-mail delivered")
    inbox = await conn.fetch(
        """SELECT aggregate_id, count(*) AS n, count(DISTINCT recipient) AS distinct_recipients
             FROM notifications.notifications WHERE aggregate_id = ANY($1::text[])
              AND event_type = 'nominations.round.opened' GROUP BY 1""", round_ids)
    assert sorted((r["n"], r["distinct_recipients"]) for r in inbox) == [(recipients, recipients)] * len(round_ids)
    return [f"<{d}@thidua>" for d in await conn.fetchval(
        """SELECT array_agg(d.id) FROM notifications.deliveries d JOIN notifications.notifications n
                  ON n.event_id = d.event_id AND n.recipient = d.recipient
            WHERE n.aggregate_id = ANY($1::text[]) AND n.event_type = 'nominations.round.opened'""", round_ids)]


async def test_restored_to_a_point_in_time_after_the_last_acknowledged_ballot(stack: Stack, backups: PgBackRest):
    clients = Clients()
    async with httpx.AsyncClient(timeout=30) as client:
        codes = await setup_cluster(stack, client)
        conn = await asyncpg.connect(stack.dsn)
        try:
            await subscribe(conn, codes)
            rounds = [await _open(stack, client, codes[0], award) for award in ("government_flag", "ministry_flag")]
            # The first round's ballots are cast while the base backup is taken; the second's after
            # it, so only the WAL archive holds them.
            started = time.monotonic()
            during, _ = await asyncio.gather(cast_all(stack, client, clients, rounds[0], codes, spread=2),
                                             asyncio.to_thread(backups.backup))
            backup_s = time.monotonic() - started
            after = await cast_all(stack, client, clients, rounds[1], codes, spread=1)
            acked = time.monotonic()
            # The point to restore to: after the last acknowledged ballot. Recovery stops at the first
            # commit past it, so one more commit follows (the system's own work would do as well).
            target = await conn.fetchval("SELECT clock_timestamp()::text")
            await asyncio.sleep(0.05)
            async with conn.transaction():
                await conn.fetchval("SELECT txid_current()")
            last_segment = await conn.fetchval("SELECT pg_walfile_name(pg_current_wal_lsn())")

            async def archived() -> bool:
                return await conn.fetchval("SELECT last_archived_wal >= $1 FROM pg_stat_archiver", last_segment)

            await eventually(archived, timeout=30, interval=0.1, message="the WAL of the last ballot archived")
            archive_lag = time.monotonic() - acked
        finally:
            await conn.close()

        # The disaster, while the services keep serving (503 until the database is back).
        destroyed = time.monotonic()
        await asyncio.to_thread(backups.wipe_cluster)
        await asyncio.to_thread(backups.restore, target)
        # The runbook's step before the database comes back: receipts written after the target vouch
        # for consumer commits the restore undid (a busy machine consumes some events after it).
        forgotten = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "deploy.relay", "--forget-receipts"], cwd=ROOT, env=stack.env,
            capture_output=True, text=True, timeout=60, check=True)
        assert "receipts forgotten" in forgotten.stdout, forgotten.stdout + forgotten.stderr
        await asyncio.to_thread(stack.pg.start)
        restored = time.monotonic() - destroyed
        conn = await asyncpg.connect(stack.dsn)
        try:
            await eventually(lambda: conn.fetchval("SELECT NOT pg_is_in_recovery()"), timeout=60, interval=0.1,
                             message="the restored cluster promoted")
            await clients.call(client, "GET", f"{stack.nominations.url}/v1/rounds/{rounds[1]}", until=(200,),
                               headers=stack.token("ministry"))
            rto = time.monotonic() - destroyed

            # A client that never saw its answer retries with its key: the same receipt, replayed.
            replayed = 0
            for round_id, receipts in zip(rounds, (during, after), strict=True):
                for code, receipt in receipts.items():
                    choice = codes[0] if code != codes[0] else codes[1]
                    resp = await clients.call(
                        client, "POST", f"{stack.nominations.url}/v1/rounds/{round_id}/ballots", until=(201,),
                        json={"choices": [choice]},
                        headers={**stack.token("province", code), "Idempotency-Key": f"{round_id}:{code}"})
                    assert resp.json()["receipt"] == receipt
                    replayed += resp.headers.get("Idempotent-Replayed") == "true"
            assert replayed == 40
            counted = 0
            for round_id, receipts in zip(rounds, (during, after), strict=True):
                counted += await bulletin_holds_every_receipt_once(stack, client, round_id, codes[0], receipts)
            assert counted == 40
            mails = await _fan_outs_delivered_once(conn, rounds, len(codes))
        finally:
            await conn.close()
    events, lost = await consumed_once(stack)
    assert lost == 0
    assert clients.statuses[500] == 0
    sent = [m for m in stack.mailbox.message_ids if m in set(mails)]
    assert set(sent) == set(mails)  # every e-mail reached the server; a resend keeps its Message-ID
    FIGURES["restore (pgBackRest, point in time)"] = {
        "ballots_acknowledged": 40, "during_base_backup": len(during), "wal_only": len(after),
        "ballots_after_restore": counted, "replayed_with_same_receipt": replayed, "base_backup_s": round(backup_s, 1),
        "archive_lag_after_last_ack_s": round(archive_lag, 1), "archive_timeout_s": ARCHIVE_TIMEOUT_SECONDS,
        "restore_and_recovery_s": round(restored, 1), "rto_s": round(rto, 1), "503s": clients.statuses[503],
        "500s": 0, "events": events, "lost_or_twice": lost, "emails": len(mails),
        "emails_sent_again_after_restore": len(sent) - len(set(sent))}


async def _redis_holds(url: str) -> dict[str, int]:
    """What Redis holds that matters: messages waiting in a queue, messages a worker took but has not
    acknowledged, and consumers' receipts not yet claimed by their producer."""
    client = aioredis.Redis.from_url(url)
    try:
        held = {"queued_events": 0, "other_queued_messages": 0, "unacknowledged_messages": 0, "receipts": 0}
        async for key in client.scan_iter(count=500):
            kind = (await client.type(key)).decode()
            if kind == "list":  # a Celery queue: the events' own, or beat's and the others'
                held["queued_events" if key == b"events" else "other_queued_messages"] += await client.llen(key)
            elif key == b"unacked":
                held["unacknowledged_messages"] += await client.hlen(key)
            elif key.startswith(b"thidua:receipts:"):
                held["receipts"] += await client.scard(key)
        return held
    finally:
        await client.aclose()


def _restart_redis(stack: Stack, *, appendonly: bool) -> None:
    """Redis again, with or without its append-only file, starting empty."""
    stack.redis.stop()
    shutil.rmtree(stack.redis.dir)  # the other mode's files
    stack.redis.dir.mkdir()
    stack.redis.appendonly = appendonly
    stack.redis.start()


async def _crash_redis_with_events_queued(stack: Stack, *, appendonly: bool) -> dict[str, Any]:
    """The worker is frozen while 20 ballots are cast, so their events wait in Redis; Redis is then
    killed (-9) 1.5 s after the last write and started again; the worker thaws and every event must
    be consumed once. What Redis held before and after, and how long the events took to be consumed."""
    if stack.redis.appendonly != appendonly:
        _restart_redis(stack, appendonly=appendonly)
    await consumed_once(stack)  # quiet: nothing of the earlier drills in flight
    stack.worker.pause()
    clients = Clients()
    async with httpx.AsyncClient(timeout=30) as client:
        codes = await setup_cluster(stack, client)
        round_id = await _open(stack, client, codes[0], "certificate_of_merit")
        receipts = await cast_all(stack, client, clients, round_id, codes, spread=0.5)
        conn = await asyncpg.connect(stack.dsn)
        try:
            await eventually(lambda: conn.fetchval("SELECT count(*) = 0 FROM nominations.outbox "
                                                   "WHERE published_at IS NULL"),
                             timeout=30, interval=0.1, message="every event handed to Redis")
        finally:
            await conn.close()
        await asyncio.sleep(1.5)
        before = await _redis_holds(stack.redis.url)
        assert stack.redis.proc is not None
        stack.redis.proc.send_signal(signal.SIGKILL)
        stack.redis.proc.wait(10)
        stack.redis.start()
        after = await _redis_holds(stack.redis.url)
        restarted = time.monotonic()
        stack.worker.pause(False)
        events, lost = await consumed_once(stack)
        consumed_s = time.monotonic() - restarted
        assert lost == 0
        conn = await asyncpg.connect(stack.dsn)
        try:
            republished = await conn.fetchval("SELECT count(*) FROM nominations.outbox "
                                              "WHERE aggregate_id = $1 AND republished > 0", round_id)
        finally:
            await conn.close()
        counted = await bulletin_holds_every_receipt_once(stack, client, round_id, codes[0], receipts)
    assert counted == 20 and clients.statuses[500] == 0
    return {"held_before_crash": before, "held_after_restart": after, "events": events, "lost": lost,
            "round_events_republished_by_outbox": republished, "all_consumed_after_s": round(consumed_s, 1)}


async def test_what_a_redis_crash_keeps_with_and_without_the_append_only_file(stack: Stack):
    with_aof = await _crash_redis_with_events_queued(stack, appendonly=True)
    try:
        without = await _crash_redis_with_events_queued(stack, appendonly=False)
    finally:
        stack.worker.pause(False)
        _restart_redis(stack, appendonly=True)  # as deployed, for the drills that follow
    # With AOF (fsynced every second) the queued events are there after the crash. (Some may
    # be sent again all the same: the drill's 8 s redelivery can pass while the worker reconnects.)
    assert with_aof["held_before_crash"]["queued_events"] > 0
    assert with_aof["held_after_restart"]["queued_events"] == with_aof["held_before_crash"]["queued_events"]
    # Without it every queued message is gone: only the outbox's redelivery (its producer never got
    # a receipt) brings the events back, after its redeliver-after delay (production: 5 minutes).
    assert without["held_before_crash"]["queued_events"] > 0
    assert without["held_after_restart"]["queued_events"] == 0
    assert without["round_events_republished_by_outbox"] == 21  # the round's opening and its 20 ballots
    assert without["all_consumed_after_s"] >= REDELIVER_AFTER_SECONDS / 2
    FIGURES["redis kill -9 with AOF (everysec)"] = with_aof
    FIGURES["redis kill -9 without AOF"] = without
