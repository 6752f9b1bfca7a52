"""Fault drills: the system under real failures (the drills' stack, conftest.py, runs its own
PostgreSQL, Redis, services and Celery worker so they can be stopped and killed).

1. PostgreSQL stops and restarts while 20 provinces cast ballots;
2. Redis restarts while events flow (ballots cast, their events relayed and consumed);
3. the registry stops while rounds are opened;
4. a worker is killed (SIGKILL) in the middle of a fan-out (one event → 20 inboxes and e-mails).

After each: every ballot that got a 201 is on the bulletin, none twice; every event is consumed
once; clients saw 503 problem+json during the outage, never a 500; the services recovered without
a restart. The figures are printed (``-s``) and reported in the README.
"""
from __future__ import annotations

import asyncio
import signal
import time

import asyncpg
import httpx
import pytest

from tests.drills.stack import FIGURES, Stack
from tests.drills.steps import Clients, cast_through_an_outage, consumed_once, draft, setup_cluster, subscribe
from tests.support import eventually

pytestmark = [pytest.mark.drill, pytest.mark.slow]


async def test_postgresql_restarts_while_20_provinces_cast_ballots(stack: Stack):
    clients, counted, down = await cast_through_an_outage(stack, "government_flag",
                                                           lambda: stack.pg.stop("fast"), stack.pg.start)
    assert clients.statuses[503] > 0 and clients.statuses[500] == 0
    events, lost = await consumed_once(stack)
    assert lost == 0
    FIGURES["postgresql restart"] = {"ballots": counted, "outage_s": round(down, 1), "503s": clients.statuses[503],
                                     "500s": 0, "events": events, "lost": lost}


async def test_redis_restarts_while_events_flow(stack: Stack):
    clients, counted, down = await cast_through_an_outage(stack, "ministry_flag", stack.redis.stop, stack.redis.start)
    assert clients.statuses[500] == 0
    events, lost = await consumed_once(stack)
    assert lost == 0
    FIGURES["redis restart"] = {"ballots": counted, "outage_s": round(down, 1), "503s": clients.statuses[503],
                                "500s": 0, "events": events, "lost": lost}


async def test_registry_stops_while_rounds_are_opened(stack: Stack):
    clients = Clients()
    async with httpx.AsyncClient(timeout=30) as client:
        codes = await setup_cluster(stack, client)
        round_id = await draft(stack, client, codes[0], "certificate_of_merit")
        started = time.monotonic()
        await asyncio.to_thread(stack.registry.stop)
        url = f"{stack.nominations.url}/v1/rounds/{round_id}/open"
        lead = stack.token("province", codes[0])
        for _ in range(3):  # while it is away: 503 problem+json, the round stays a draft
            resp = await clients.call(client, "POST", url, until=(503,), headers=lead)
            assert resp.json()["type"].endswith("unavailable")
        restart = asyncio.create_task(asyncio.to_thread(stack.registry.start))
        opened = await clients.call(client, "POST", url, until=(200,), headers=lead)
        await restart
        down = time.monotonic() - started
        assert opened.json()["state"] == "open" and len(opened.json()["electorate"]) == 20
    assert clients.statuses[503] >= 3 and clients.statuses[500] == 0
    events, lost = await consumed_once(stack)
    assert lost == 0
    FIGURES["registry stop"] = {"rounds_opened": 1, "outage_s": round(down, 1), "503s": clients.statuses[503],
                                "500s": 0, "events": events, "lost": lost}


async def test_a_worker_killed_in_the_middle_of_a_fan_out(stack: Stack):
    conn = await asyncpg.connect(stack.dsn)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            codes = await setup_cluster(stack, client)
            await subscribe(conn, codes)
            # A ministry-flag round again (the first drill's is closed): its opening fans out to 20.
            round_id = await draft(stack, client, codes[0], "ministry_flag")
            before = len(stack.mailbox.message_ids)
            r = await client.post(f"{stack.nominations.url}/v1/rounds/{round_id}/open",
                                  headers=stack.token("province", codes[0]))
            assert r.status_code == 200, r.text
        async def first_sent() -> bool:
            return await conn.fetchval(
                """SELECT EXISTS (SELECT 1 FROM notifications.deliveries d JOIN notifications.notifications n
                                     ON n.event_id = d.event_id AND n.recipient = d.recipient
                                  WHERE d.status = 'delivered' AND n.aggregate_id = $1
                                    AND n.event_type = 'nominations.round.opened')""", round_id)

        await eventually(first_sent, timeout=90, interval=0.2, message="the fan-out's first e-mails")
        stack.worker.stop(signal.SIGKILL)  # kill -9, mid fan-out
        killed_at = len(stack.mailbox.message_ids)
        stack.worker = await asyncio.to_thread(stack.start_worker)

        async def all_delivered() -> bool:
            return await conn.fetchval(
                """SELECT count(*) = 20 FROM notifications.deliveries d
                    WHERE d.status = 'delivered' AND d.event_type = 'nominations.round.opened'
                      AND d.message->'event'->'payload'->>'round_id' = $1""", round_id) or await conn.fetchval(
                """SELECT count(*) = 20 FROM notifications.deliveries d JOIN notifications.notifications n
                          ON n.event_id = d.event_id AND n.recipient = d.recipient
                    WHERE d.status = 'delivered' AND n.aggregate_id = $1""", round_id)

        await eventually(all_delivered, timeout=120, interval=0.2, message="all 20 e-mails delivered")
        inbox = await conn.fetchval("SELECT count(*) FROM notifications.notifications WHERE aggregate_id = $1 "
                                    "AND event_type = 'nominations.round.opened'", round_id)
        assert inbox == 20
        # This round's e-mails only: events of the set-up may still be fanning out to the new subscriptions.
        ours = {f"<{d}@thidua>" for d in await conn.fetchval(
            """SELECT array_agg(d.id) FROM notifications.deliveries d JOIN notifications.notifications n
                      ON n.event_id = d.event_id AND n.recipient = d.recipient
                WHERE n.aggregate_id = $1 AND n.event_type = 'nominations.round.opened'""", round_id)}
        mails = [m for m in stack.mailbox.message_ids[before:] if m in ours]
        sent_before_kill = len([m for m in stack.mailbox.message_ids[before:killed_at] if m in ours])
        assert len(set(mails)) == 20  # every e-mail arrived; a resend after the kill keeps its Message-ID
    finally:
        await conn.close()
    events, lost = await consumed_once(stack)
    assert lost == 0
    FIGURES["worker kill -9"] = {"fan_out": 20, "sent_before_kill": sent_before_kill, "emails": len(set(mails)),
                                 "resent_duplicates": len(mails) - len(set(mails)), "events": events, "lost": lost}
