"""The drills' steps: a cluster of 20 provinces, rounds, ballots cast by clients that retry as real
ones do, and the checks every drill ends with (each receipt on the bulletin once, each event
consumed once)."""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx

from tests.drills.stack import CLUSTER, Stack
from tests.support import eventually


class Clients:
    """Every answer the drill's clients saw: no 500 may be among them."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.transport_errors = 0

    async def call(self, client: httpx.AsyncClient, method: str, url: str, *, until: tuple[int, ...],
                   timeout: float = 90, **kwargs: Any) -> httpx.Response:
        """Retry (as a client would, with the same Idempotency-Key) until a status in ``until``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                resp = await client.request(method, url, **kwargs)
            except httpx.TransportError:
                self.transport_errors += 1
            else:
                self.statuses[resp.status_code] += 1
                assert resp.status_code != 500 and resp.status_code < 500 or resp.status_code == 503, resp.text
                if resp.status_code in until:
                    return resp
                assert resp.status_code == 503, f"{method} {url}: {resp.status_code} {resp.text}"
                assert resp.headers["content-type"].startswith("application/problem+json")
            assert time.monotonic() < deadline, f"{method} {url} never answered {until}"
            await asyncio.sleep(0.25)


async def setup_cluster(stack: Stack, client: httpx.AsyncClient) -> list[str]:
    r = await client.get(f"{stack.registry.url}/v1/provinces", params={"on": "2023-01-01"})
    assert r.status_code == 200, r.text  # a drill before this one left the stack broken
    codes = sorted(p["code"] for p in r.json()["items"])[:20] if "items" in r.json() else sorted(
        p["code"] for p in r.json())[:20]
    ministry = stack.token("ministry")
    r = await client.post(f"{stack.registry.url}/v1/clusters", headers=ministry, json={
        "code": CLUSTER, "name": "Cụm diễn tập", "organizer": "Bộ Nội vụ", "kind": "cum"})
    assert r.status_code in (201, 409), r.text
    r = await client.put(f"{stack.registry.url}/v1/clusters/{CLUSTER}/periods/2023", headers=ministry,
                         json={"members": codes})
    assert r.status_code == 200, r.text
    r = await client.post(f"{stack.registry.url}/v1/clusters/{CLUSTER}/periods/2023/leadership", headers=ministry,
                          json={"method": "election", "lead": codes[0], "deputy": codes[1]})
    assert r.status_code in (201, 409), r.text
    return codes


async def subscribe(conn: asyncpg.Connection, codes: list[str]) -> None:
    """Each province's office reads its inbox and gets e-mail: every round opened fans out to all."""
    for code in codes:
        await conn.execute(
            """INSERT INTO notifications.subscriptions (subject, address, channels) VALUES ($1, $2, $3)
               ON CONFLICT (subject) DO NOTHING""",
            f"province-{code}", f"province:{code}",
            json.dumps([{"type": "inbox"}, {"type": "email", "address": f"vanthu{code}@snv.example.vn"}]))


async def draft(stack: Stack, client: httpx.AsyncClient, lead: str, award: str) -> str:
    r = await client.post(f"{stack.nominations.url}/v1/rounds", headers=stack.token("province", lead),
                          json={"cluster_code": CLUSTER, "year": 2023, "award": award, "seats": 1})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def cast_all(stack: Stack, client: httpx.AsyncClient, clients: Clients, round_id: str, codes: list[str],
                    *, spread: float) -> dict[str, dict[str, Any]]:
    async def voter(i: int, code: str) -> tuple[str, dict[str, Any]]:
        await asyncio.sleep(spread * i / len(codes))
        choice = codes[0] if code != codes[0] else codes[1]
        resp = await clients.call(client, "POST", f"{stack.nominations.url}/v1/rounds/{round_id}/ballots",
                                  until=(201,), json={"choices": [choice]},
                                  headers={**stack.token("province", code), "Idempotency-Key": f"{round_id}:{code}"})
        return code, resp.json()["receipt"]

    return dict(await asyncio.gather(*(voter(i, c) for i, c in enumerate(codes))))


async def bulletin_holds_every_receipt_once(stack: Stack, client: httpx.AsyncClient, round_id: str, lead: str,
                                             receipts: dict[str, dict[str, Any]]) -> int:
    r = await client.post(f"{stack.nominations.url}/v1/rounds/{round_id}/close", headers=stack.token("province", lead))
    assert r.status_code == 200, r.text
    board = await client.get(f"{stack.nominations.url}/v1/rounds/{round_id}/bulletin",
                             headers=stack.token("ministry"))
    commitments = [b["commitment"] for b in board.json()["ballots"]]
    assert len(commitments) == len(set(commitments)) == len(receipts)
    assert {r["commitment"] for r in receipts.values()} == set(commitments)
    return len(commitments)


async def consumed_once(stack: Stack) -> tuple[int, int]:
    """Every event in every outbox is consumed, once (processed_events is keyed by event id)."""
    conn = await asyncpg.connect(stack.dsn)
    try:
        missing_sql = """SELECT count(*) FROM (SELECT id FROM registry.outbox UNION ALL
                                                  SELECT id FROM nominations.outbox) o
                          WHERE NOT EXISTS (SELECT 1 FROM notifications.processed_events p WHERE p.event_id = o.id)"""

        async def done() -> bool:
            return await conn.fetchval(missing_sql) == 0

        try:
            await eventually(done, timeout=120, interval=0.2, message="every event consumed")
        except AssertionError:
            rows = await conn.fetch(
                """SELECT o.type, o.published_at IS NOT NULL AS published, o.id FROM (
                          SELECT id, type, published_at FROM registry.outbox UNION ALL
                          SELECT id, type, published_at FROM nominations.outbox) o
                    WHERE NOT EXISTS (SELECT 1 FROM notifications.processed_events p WHERE p.event_id = o.id)""")
            failed = await conn.fetch("SELECT id, error FROM notifications.failed_events")
            raise AssertionError(f"not consumed: {[dict(r) for r in rows][:10]}; failed: {[dict(f) for f in failed]}")  # noqa: B904
        # And every producer holds the consumer's receipt for each of its events (shared.receipts).
        await eventually(lambda: conn.fetchval(
            """SELECT (SELECT count(*) FROM registry.outbox WHERE NOT confirmed)
                    + (SELECT count(*) FROM nominations.outbox WHERE NOT confirmed) = 0"""),
            timeout=60, interval=0.2, message="every event's receipt back at its producer")
        missing = await conn.fetchval(missing_sql)
        twice = await conn.fetchval(
            """SELECT count(*) FROM (SELECT event_id, recipient FROM notifications.notifications
                GROUP BY 1, 2 HAVING count(*) > 1) d""")
        events = await conn.fetchval("SELECT (SELECT count(*) FROM registry.outbox) + "
                                     "(SELECT count(*) FROM nominations.outbox)")
        return events, missing + twice
    finally:
        await conn.close()


async def cast_through_an_outage(stack: Stack, award: str, stop: Callable[[], None],
                                  start: Callable[[], None]) -> tuple[Clients, int, float]:
    """20 provinces cast ballots in a fresh round while ``stop`` … 2 s … ``start`` breaks something
    under them; every receipt is then on the bulletin once. Returns what the clients saw, the ballots
    counted and how long the outage lasted."""
    clients = Clients()
    async with httpx.AsyncClient(timeout=30) as client:
        codes = await setup_cluster(stack, client)
        round_id = await draft(stack, client, codes[0], award)
        r = await client.post(f"{stack.nominations.url}/v1/rounds/{round_id}/open",
                              headers=stack.token("province", codes[0]))
        assert r.status_code == 200, r.text

        async def outage() -> float:
            await asyncio.sleep(0.8)
            started = time.monotonic()
            await asyncio.to_thread(stop)
            await asyncio.sleep(2)
            await asyncio.to_thread(start)
            return time.monotonic() - started

        receipts, down = await asyncio.gather(cast_all(stack, client, clients, round_id, codes, spread=4), outage())
        counted = await bulletin_holds_every_receipt_once(stack, client, round_id, codes[0], receipts)
    return clients, counted, down
