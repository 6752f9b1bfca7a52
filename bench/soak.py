"""The soak: a national day of conferences, for ``SOAK_MINUTES`` (default 30).

``SOAK_CLUSTERS`` (40) clusters hold their conferences at once, each of ``SOAK_DELEGATES`` (60)
member provinces; round after round (one award after another) the lead opens a round from the
console, the delegates vote on their phones through the console's ballot pages and forms (ballot,
confirmation, receipt) within ``SOAK_VOTE_WINDOW_SECONDS`` (150), the lead watches the turnout
and the hall's screen, closes the round and reads the result. The ministry's dashboard is
open all along and the public register is exported every 30 s. Midway a Celery worker is killed
(-9) and replaced, and then PostgreSQL is restarted.

Everything runs on loopback: every process ``make run`` starts, against a PostgreSQL cluster and a
Redis of the soak's own (so PostgreSQL can be restarted), in a temporary directory. Reported
(printed, and bench/results/soak.json): answers by status (a 500 fails the soak), p50/p99 per
page, the RSS of every process at the start, midway and at the end, and the accounting: every
acknowledged ballot on its round's bulletin once, every event consumed once.

    make soak                      # 30 minutes
    SOAK_MINUTES=6 make soak       # a shorter one
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from bench.ballots import WholeSystem
from bench.common import RESULTS, PeakRss, say, wait_healthy
from bench.soak_people import (
    Answers,
    Person,
    Unanswered,
    exports,
    lead_action,
    ministry_dashboard,
    vote,
    watch_turnout,
)
from deploy.infra import Infra
from deploy.migrate import migrate_all
from deploy.scratch import Postgres, Redis
from shared.auth import TokenIssuer, generate_private_key, private_key_pem

MINUTES = float(os.environ.get("SOAK_MINUTES", "30"))
CLUSTERS = int(os.environ.get("SOAK_CLUSTERS", "40"))
DELEGATES = int(os.environ.get("SOAK_DELEGATES", "60"))
VOTE_WINDOW = float(os.environ.get("SOAK_VOTE_WINDOW_SECONDS", "150"))
YEAR = 2024  # 63 provinces: before the 2025 merger
AWARDS = ("government_flag", "ministry_flag", "certificate_of_merit")
PASSWORD = "soak-password-2024"
RSS_EVERY_SECONDS = 30


class Soak:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="thidua-soak-"))
        os.chmod(self.root, 0o755)
        self.pg = Postgres(self.root)
        self.redis = Redis(self.root)
        self.key = generate_private_key()
        self.issuer = TokenIssuer(self.key, issuer="thidua-registry", audience="thidua", ttl_seconds=4 * 3600)
        self.answers = Answers()
        self.acknowledged: dict[str, set[str]] = {}
        self.rss: list[dict[str, Any]] = []
        self.incidents: list[dict[str, Any]] = []
        self.rng = random.Random(2024)
        # Processes started midway (the worker that replaces the killed one): reported apart, from
        # their own first sample, not as the growth of the process they replaced.
        self.replacements: set[int] = set()

    def api_token(self, subject: str, role: str, province: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(subject=subject, role=role, province=province)[0]}"}

    # ------------------------------------------------------------ set-up

    async def database(self) -> str:
        admin = await asyncpg.connect(self.pg.dsn("postgres"))
        await admin.execute('CREATE DATABASE "thidua" ENCODING UTF8 TEMPLATE template0')
        await admin.close()
        dsn = self.pg.dsn("thidua")
        await migrate_all(dsn, demo=False)
        return dsn

    async def accounts(self, registry: str, dsn: str) -> None:
        """An account for every province of the year (its delegates' phones and its lead) and the ministry."""
        from services.registry.passwords import hash_password_sync
        from services.registry.store.accounts import insert_if_missing

        async with httpx.AsyncClient(base_url=registry, timeout=60) as client:
            r = await client.get("/v1/provinces", params={"on": f"{YEAR}-01-01", "limit": 200})
            self.provinces = sorted(p["code"] for p in r.json()["items"])
        digest = hash_password_sync(PASSWORD)
        conn = await asyncpg.connect(dsn)
        try:
            for username, role, province in [(f"province-{c}", "province", c) for c in self.provinces] + [
                    ("ministry", "ministry", None)]:
                await insert_if_missing(conn, username=username, password_hash=digest, role=role,
                                        province_code=province, demo=False)
        finally:
            await conn.close()

    async def clusters(self, registry: str) -> list[tuple[str, list[str]]]:
        """SOAK_CLUSTERS clusters of SOAK_DELEGATES provinces each (a province sits in several)."""
        ministry = self.api_token("ministry", "ministry")
        made = []
        async with httpx.AsyncClient(base_url=registry, timeout=60) as client:
            for k in range(CLUSTERS):
                code = f"SOAK-{k:02d}"
                members = [self.provinces[(k + i) % len(self.provinces)] for i in range(DELEGATES)]
                r = await client.post("/v1/clusters", headers=ministry, json={
                    "code": code, "name": f"Cụm thi đua số {k + 1}", "organizer": "Bộ Nội vụ", "kind": "cum",
                    "allow_shared_members": True})
                assert r.status_code == 201, r.text
                r = await client.put(f"/v1/clusters/{code}/periods/{YEAR}", headers=ministry, json={"members": members})
                assert r.status_code == 200, r.text
                r = await client.post(f"/v1/clusters/{code}/periods/{YEAR}/leadership", headers=ministry,
                                      json={"method": "election", "lead": members[0], "deputy": members[1]})
                assert r.status_code == 201, r.text
                made.append((code, members))
        return made

    # ------------------------------------------------------------ the day

    async def conference(self, system: WholeSystem, code: str, members: list[str], lead: Person,
                         phones: dict[str, Person], until: float) -> None:
        """Round after round until the day ends: draft, open, vote, watch, close, result."""
        lead_token = self.api_token(f"province-{members[0]}", "province", members[0])
        rng = random.Random(code)
        for n in range(1000):
            if time.monotonic() + VOTE_WINDOW * 0.8 > until:
                return
            async with httpx.AsyncClient(base_url=system.nominations, timeout=30) as api:
                r = await api.post("/v1/rounds", headers={**lead_token, "Idempotency-Key": secrets.token_urlsafe(18)}, json={
                    "cluster_code": code, "year": YEAR, "award": AWARDS[n % 3], "seats": 3})
                if r.status_code >= 500:  # the round is drafted beforehand: try the next one later
                    await asyncio.sleep(5)
                    continue
                assert r.status_code == 201, r.text
                round_id = r.json()["id"]
            try:
                await lead_action(lead, round_id, "open")
                acks: set[str] = set()
                self.acknowledged[round_id] = acks

                voting = asyncio.ensure_future(asyncio.gather(
                    *(self.delegate(phones[p], round_id, acks, rng) for p in members), return_exceptions=True))
                await watch_turnout(lead, round_id, voting)
                for outcome in voting.result():
                    if isinstance(outcome, BaseException) and not isinstance(outcome, Unanswered):
                        raise outcome
                await lead_action(lead, round_id, "close")
                await lead.page("GET /lead/rounds/{id}", "GET", f"/lead/rounds/{round_id}")  # the result
            except Unanswered as exc:
                self.incidents.append({"at_s": self.elapsed(), "gave_up": str(exc)})
            await asyncio.sleep(rng.uniform(2, 8))

    @staticmethod
    async def delegate(phone: Person, round_id: str, acks: set[str], rng: random.Random) -> None:
        """A delegate picks up the phone some time into the vote and casts a ballot."""
        await asyncio.sleep(rng.uniform(0, VOTE_WINDOW * 0.7))
        commitment = await vote(phone, round_id, 3, rng)
        if commitment is not None:
            acks.add(commitment)

    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 1)

    async def break_things(self, system: WholeSystem, until: float) -> None:
        """Midway a worker is killed (-9, its pool with it) and replaced; a little later PostgreSQL
        restarts."""
        span = until - time.monotonic()
        await asyncio.sleep(span * 0.45)
        index = next(i for i, (name, _) in enumerate(system.children) if name == "worker")
        worker = system.children[index][1]
        tree = [worker, *psutil.Process(worker.pid).children(recursive=True)]
        for proc in tree:
            os.kill(proc.pid, signal.SIGKILL)
        worker.wait(10)
        system.children[index] = ("worker", system.spawn("worker"))
        self.replacements.add(system.children[index][1].pid)
        self.incidents.append({"at_s": self.elapsed(), "what": "worker killed (-9) and replaced"})
        say(f"soak: {self.elapsed()} s: worker killed and replaced")
        await asyncio.sleep(span * 0.1)
        started = time.monotonic()
        await asyncio.to_thread(self.pg.stop, "fast")
        await asyncio.sleep(2)
        await asyncio.to_thread(self.pg.start)
        self.incidents.append({"at_s": self.elapsed(), "what": "PostgreSQL restarted",
                               "down_s": round(time.monotonic() - started, 1)})
        say(f"soak: {self.elapsed()} s: PostgreSQL restarted")

    def sample_rss(self, system: WholeSystem) -> None:
        """The resident set size (MB) of every process: each service and its children, PostgreSQL's
        postmaster, Redis and the soak itself."""
        now: dict[str, float] = {}
        roots = [(f"{name} (replacement)" if child.pid in self.replacements else name, child.pid)
                 for name, child in system.children]
        pidfile = self.pg.data / "postmaster.pid"
        if pidfile.exists():
            roots.append(("postgresql", int(pidfile.read_text().split()[0])))
        if self.redis.proc is not None:
            roots.append(("redis", self.redis.proc.pid))
        roots.append(("soak-client", os.getpid()))
        for name, pid in roots:
            try:
                proc = psutil.Process(pid)
                now[name] = round(proc.memory_info().rss / 2**20, 1)
                if name == "postgresql":  # its backends together (their number follows the connections)
                    now["postgresql backends (sum)"] = round(sum(
                        c.memory_info().rss for c in proc.children()) / 2**20, 1)
                elif name != "soak-client":
                    for k, child in enumerate(sorted(proc.children(recursive=True), key=lambda p: p.pid)):
                        now[f"{name}[{k + 1}]"] = round(child.memory_info().rss / 2**20, 1)
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue
        self.rss.append({"at_s": self.elapsed(), "mb": now})

    async def memory(self, system: WholeSystem, until: float) -> None:
        while time.monotonic() < until:
            self.sample_rss(system)
            await asyncio.sleep(RSS_EVERY_SECONDS)

    # ------------------------------------------------------------ the accounting

    async def accounting(self, system: WholeSystem, dsn: str) -> dict[str, Any]:
        conn = await asyncpg.connect(dsn)
        try:
            deadline = time.monotonic() + 300
            pending_sql = """SELECT count(*) FROM (SELECT id, confirmed FROM registry.outbox UNION ALL
                                                  SELECT id, confirmed FROM nominations.outbox) o
                              WHERE NOT o.confirmed OR NOT EXISTS (
                                    SELECT 1 FROM notifications.processed_events p WHERE p.event_id = o.id)"""
            while await conn.fetchval(pending_sql) and time.monotonic() < deadline:
                await asyncio.sleep(1)
            events = await conn.fetchval("SELECT (SELECT count(*) FROM registry.outbox) "
                                         "+ (SELECT count(*) FROM nominations.outbox)")
            unconsumed = await conn.fetchval(pending_sql)
            failed = await conn.fetchval("SELECT count(*) FROM notifications.failed_events")
            twice = await conn.fetchval("""SELECT count(*) FROM (SELECT event_id, recipient FROM
                                           notifications.notifications GROUP BY 1, 2 HAVING count(*) > 1) d""")
        finally:
            await conn.close()
        missing = extra = 0
        ministry = self.api_token("ministry", "ministry")
        async with httpx.AsyncClient(base_url=system.nominations, timeout=60) as api:
            for round_id, acks in self.acknowledged.items():
                board = (await api.get(f"/v1/rounds/{round_id}/bulletin", headers=ministry)).json()
                posted = [b["commitment"] for b in board["ballots"]]
                assert len(posted) == len(set(posted)), round_id
                missing += len(acks - set(posted))
                extra += len(set(posted) - acks)
        ballots = sum(len(a) for a in self.acknowledged.values())
        return {"rounds": len(self.acknowledged), "ballots_acknowledged": ballots,
                "acknowledged_missing_from_bulletin": missing, "on_bulletin_never_acknowledged": extra,
                "events": events, "events_unconsumed_or_unconfirmed": unconsumed, "events_failed": failed,
                "notifications_twice": twice}

    async def run(self) -> dict[str, Any]:
        dsn = await self.database()
        infra = Infra(admin_dsn=self.pg.dsn("postgres"), redis_url=self.redis.url.rsplit("/", 1)[0])
        watch = PeakRss()
        system = WholeSystem(infra, dsn, private_key_pem(self.key).decode(), watch)
        console = f"http://127.0.0.1:{system.ports[8000]}"
        system.env.update({"CONSOLE_NOMINATIONS_URL": system.nominations,
                           "CONSOLE_NOTIFICATIONS_URL": system.notifications,
                           "NOTIFICATIONS_NOMINATIONS_URL": system.nominations,
                           # Every phone signs in from loopback here, not from its own address.
                           "REGISTRY_SIGNIN_ADDRESS_ATTEMPTS": "100000",
                           "REGISTRY_LOG_LEVEL": "WARNING", "NOMINATIONS_LOG_LEVEL": "WARNING",
                           "CONSOLE_LOG_LEVEL": "WARNING"})
        with watch, system:
            wait_healthy(console, next(c for n, c in system.children if n == "console"), what="console")
            await self.accounts(system.registry, dsn)
            clusters = await self.clusters(system.registry)
            say(f"soak: {len(clusters)} clusters of {DELEGATES}; signing in every phone and lead")
            phones = {p: Person(console, self.answers, f"phone-{p}") for p in self.provinces}
            leads = {code: Person(console, self.answers, f"lead-{code}") for code, _ in clusters}
            ministry, reader = Person(console, self.answers, "ministry"), Person(console, self.answers, "public")
            for group in range(0, len(phones), 8):
                await asyncio.gather(*(phone.sign_in(f"province-{p}", PASSWORD)
                                       for p, phone in list(phones.items())[group:group + 8]))
            for code, members in clusters:
                await leads[code].sign_in(f"province-{members[0]}", PASSWORD)
            await ministry.sign_in("ministry", PASSWORD)
            self.started = time.monotonic()
            until = self.started + MINUTES * 60
            say(f"soak: the day starts ({MINUTES:g} min)")
            try:
                await asyncio.gather(
                    *(self.conference(system, code, members, leads[code], phones, until) for code, members in clusters),
                    ministry_dashboard(ministry, YEAR, until), exports(reader, YEAR, until),
                    self.break_things(system, until), self.memory(system, until))
            finally:
                for person in [*phones.values(), *leads.values(), ministry, reader]:
                    await person.close()
            self.sample_rss(system)
            say("soak: the day is over; accounting")
            accounts = await self.accounting(system, dsn)
        return {"minutes": MINUTES, "clusters": CLUSTERS, "delegates_per_cluster": DELEGATES,
                "vote_window_s": VOTE_WINDOW, "answers_by_status": self.answers.by_status(),
                "pages": self.answers.pages(), "gave_up": dict(self.answers.given_up), "incidents": self.incidents,
                "accounting": accounts, "rss_mb": memory_report(self.rss), "peak_rss_mb": watch.peaks()}

    def close(self) -> None:
        self.redis.stop()
        self.pg.stop("immediate")


def memory_report(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Each process's RSS at the start (the first sample of the day), midway and at the end, and
    whether it levelled off: growth over the second half at most a third of the first half's (or
    under 5 MB). A replaced process (the worker) is compared from its first sample."""
    out: dict[str, Any] = {}
    names = sorted({n for s in samples for n in s["mb"]})
    for name in names:
        series = [(s["at_s"], s["mb"][name]) for s in samples if name in s["mb"]]
        if len(series) < 3:
            continue
        start, mid, end = series[0][1], series[len(series) // 2][1], series[-1][1]
        first, second = mid - start, end - mid
        out[name] = {"start": start, "mid": mid, "end": end, "peak": max(v for _, v in series),
                     "levels_off": second <= max(5.0, first / 3)}
    return out


def main() -> None:
    soak = Soak()
    try:
        result = asyncio.run(soak.run())
    finally:
        soak.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps({k: result[k] for k in ("answers_by_status", "accounting", "incidents", "gave_up")},
                     indent=2, ensure_ascii=False))
    for page, figures in result["pages"].items():
        print(f"  {page:<42} {figures['count']:>7}  p50 {figures['p50_ms']:>8} ms  p99 {figures['p99_ms']:>8} ms  "
              f"{figures['statuses']}")
    for name, mem in result["rss_mb"].items():
        print(f"  {name:<22} RSS {mem['start']:>7} → {mem['mid']:>7} → {mem['end']:>7} MB"
              f"  {'levels off' if mem['levels_off'] else 'STILL GROWING'}")
    accounts = result["accounting"]
    failed = (result["answers_by_status"].get("500", 0) or accounts["acknowledged_missing_from_bulletin"]
              or accounts["on_bulletin_never_acknowledged"] or accounts["events_unconsumed_or_unconfirmed"]
              or accounts["notifications_twice"])
    print(f"\nsoak {'FAILED' if failed else 'passed'}; details in {RESULTS / 'soak.json'}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
