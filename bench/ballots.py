"""Ballot benchmark.

1. **Through the API**: open rounds (``BENCH_CLUSTERS`` clusters × 3 awards), 32 voters, every
   voter casting once in every round through the real nominations API (registry and nominations
   each in their own uvicorn process: token check, round lock, participation, ballot, sealed
   Idempotency-Key, audit row, outbox event), driven by ``wrk`` (bench/load.py) from a request set
   built beforehand: a distinct token, Idempotency-Key and round for each ballot. Beside it the
   bare endpoint (bench/bare_app.py: FastAPI, one asyncpg INSERT), served the same way, under the
   same requests, measured before and after (the better of the two is the baseline).
2. **Whole system**: the same kind of load against every process ``make run`` starts (APIs with
   their outbox relays, the Celery worker, beat, flower, the SMTP sink) on ports and a database of
   their own, beside the same bare endpoint; afterwards every ``ballot_cast`` event must have
   reached the notifications consumer.
3. **Tally**: the close path's count of a 100,000-ballot round (the count in SQL, then the pure
   ``decide``), beside the bare ``GROUP BY`` over the same rows.

    python -m bench ballots   [BENCH_CLUSTERS=40]
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.common import (
    ROOT,
    Figure,
    PeakRss,
    free_port,
    report,
    running,
    say,
    scratch_database,
    served,
    stop_process,
    wait_healthy,
)
from bench.load import CONNECTIONS, Request, replay
from bench.profiled import arm, disarm
from deploy.infra import Infra
from shared.auth import TokenIssuer, generate_private_key, private_key_pem

CLUSTERS = int(os.environ.get("BENCH_CLUSTERS", "40"))
# Rounds for the profiled pass (fresh ballots): half as many clusters again.
PROFILE_CLUSTERS = max(2, CLUSTERS // 2)
VOTERS = 32
AWARDS = ("government_flag", "ministry_flag", "certificate_of_merit")
TALLY_BALLOTS = 100_000
SIZES = {"BENCH_CLUSTERS": CLUSTERS, "profiled_clusters": PROFILE_CLUSTERS, "voters": VOTERS, "connections": CONNECTIONS}


async def setup_rounds(registry: str, nominations: str, issuer: TokenIssuer, *, prefix: str,
                       clusters: int = CLUSTERS) -> tuple[list[str], list[str]]:
    """Clusters of 32 members for 2026, each with one open round per award. Returns (round ids, voters)."""
    ministry = {"Authorization": f"Bearer {issuer.issue(subject='ministry', role='ministry', province=None)[0]}"}
    async with httpx.AsyncClient(timeout=60) as client:
        units = (await client.get(f"{registry}/v1/provinces", params={"on": "2026-01-01"})).json()["items"]
        voters = [u["code"] for u in units][:VOTERS]

        async def cluster(k: int) -> list[str]:
            code = f"{prefix}-{k:03d}"
            r = await client.post(f"{registry}/v1/clusters", headers=ministry, json={
                "code": code, "name": f"Cụm thi đua số {k}", "organizer": "Bộ Nội vụ", "kind": "cum",
                "allow_shared_members": True})
            r.raise_for_status()
            # The same 32 provinces sit in every benchmark cluster.
            (await client.patch(f"{registry}/v1/clusters/{code}", headers=ministry,
                                json={"allow_shared_members": True})).raise_for_status()
            (await client.put(f"{registry}/v1/clusters/{code}/periods/2026", headers=ministry,
                              json={"members": voters})).raise_for_status()
            lead, deputy = voters[k % VOTERS], voters[(k + 1) % VOTERS]
            (await client.post(f"{registry}/v1/clusters/{code}/periods/2026/leadership", headers=ministry,
                               json={"method": "election", "lead": lead, "deputy": deputy})).raise_for_status()
            lead_auth = {"Authorization": f"Bearer {issuer.issue(subject=f'province-{lead}', role='province', province=lead)[0]}"}
            ids = []
            for award in AWARDS:
                r = await client.post(f"{nominations}/v1/rounds", headers=lead_auth, json={
                    "cluster_code": code, "year": 2026, "award": award, "seats": 3})
                r.raise_for_status()
                rid = r.json()["id"]
                (await client.post(f"{nominations}/v1/rounds/{rid}/open", headers=lead_auth)).raise_for_status()
                ids.append(rid)
            return ids

        round_ids: list[str] = []
        for first in range(0, clusters, 4):  # a few clusters at a time
            for ids in await asyncio.gather(*(cluster(k) for k in range(first, min(clusters, first + 4)))):
                round_ids += ids
    return round_ids, voters


def ballot_requests(round_ids: list[str], voters: list[str], issuer: TokenIssuer, *, seed: int) -> list[Request]:
    """Every voter once in every round, shuffled: its own bearer token, a fresh Idempotency-Key
    (22+ random characters, as sealed keys require) and a random choice of three candidates."""
    rng = random.Random(seed)
    tokens = {v: issuer.issue(subject=f"province-{v}", role="province", province=v)[0] for v in voters}
    out = []
    for rid in round_ids:
        for code in voters:
            choices = rng.sample([v for v in voters if v != code], 3)
            out.append(Request(path=f"/v1/rounds/{rid}/ballots",
                               headers={"Authorization": f"Bearer {tokens[code]}",
                                        "Idempotency-Key": secrets.token_urlsafe(18)},
                               body=json.dumps({"choices": choices})))
    rng.shuffle(out)
    return out


def bare_requests(requests: list[Request]) -> list[Request]:
    """The same requests with fresh Idempotency-Keys (the bare endpoint ignores the headers)."""
    return [Request(path=r.path, headers={**r.headers, "Idempotency-Key": secrets.token_urlsafe(18)}, body=r.body)
            for r in requests]


def bare_run(dsn: str, requests: list[Request], watch: PeakRss) -> dict[str, Any]:
    with served("bench.bare_app:app", env={"DATABASE_URL": dsn}, watch=watch, name="bare-endpoint") as bare:
        cpu = watch.cpu()
        result = replay(bare, bare_requests(requests))
        result["cpu_ms_per_request"] = watch.cpu_ms_per(cpu, watch.cpu(), result["ok"])
        return result


# ---------------------------------------------------------------- whole system

def _remap(argv: list[str], ports: dict[int, int]) -> list[str]:
    out = []
    for arg in argv:
        if arg.isdigit() and int(arg) in ports:
            arg = str(ports[int(arg)])
        elif arg.startswith("--port="):
            port = int(arg.split("=", 1)[1])
            arg = f"--port={ports.get(port, port)}"
        out.append(arg)
    return out


class WholeSystem:
    """Every process ``make run`` starts, on free ports, a scratch database and a Redis db of their own."""

    def __init__(self, infra: Infra, dsn: str, key_pem: str, watch: PeakRss):
        from deploy.stack import processes
        from shared.settings import NOMINATIONS_PORT, NOTIFICATIONS_PORT, REGISTRY_PORT

        self.tmp = Path(tempfile.mkdtemp(prefix="thidua-system-"))
        fixed = (8000, REGISTRY_PORT, NOMINATIONS_PORT, NOTIFICATIONS_PORT, 5555, 1025)
        self.ports = {p: free_port() for p in fixed}
        self.registry = f"http://127.0.0.1:{self.ports[REGISTRY_PORT]}"
        self.nominations = f"http://127.0.0.1:{self.ports[NOMINATIONS_PORT]}"
        self.notifications = f"http://127.0.0.1:{self.ports[NOTIFICATIONS_PORT]}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": dsn, "REDIS_URL": infra.redis_db(13),
                    "REGISTRY_JWT_PRIVATE_KEY_PEM": key_pem,
                    "NOTIFICATIONS_SMTP_HOST": "127.0.0.1", "NOTIFICATIONS_SMTP_PORT": str(self.ports[1025])}
        for prefix in ("NOMINATIONS", "NOTIFICATIONS", "CONSOLE"):
            self.env[f"{prefix}_REGISTRY_URL"] = self.registry
        self.processes = processes()
        self.watch = watch
        self.children: list[tuple[str, subprocess.Popen[Any]]] = []

    def __enter__(self) -> WholeSystem:
        import redis

        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        for proc in self.processes:
            self.children.append((proc.name, self.spawn(proc.name)))
        for name, child in self.children:
            if name in ("registry", "nominations", "notifications"):
                wait_healthy(getattr(self, name), child, what=name)
            self.watch.add(name, child.pid)
        return self

    def spawn(self, name: str) -> subprocess.Popen[Any]:
        """Start the process ``name`` (its argv with this system's ports, files and worker name)."""
        proc = next(p for p in self.processes if p.name == name)
        argv = _remap(proc.argv, self.ports)
        argv = [str(self.tmp / "celerybeat-schedule") if a.endswith("celerybeat-schedule") else
                str(self.tmp / "mail") if a.endswith("/mail") else a for a in argv]
        argv = [f"{a.split('@')[0]}-bench@%h" if a.startswith("worker") and "@" in a else a for a in argv]
        with open(self.tmp / f"{proc.name}.log", "ab") as log:
            return subprocess.Popen(argv, cwd=ROOT, env={**self.env, **proc.env}, stdout=log, stderr=subprocess.STDOUT)

    def __exit__(self, *exc: object) -> None:
        for _, child in self.children:
            if child.poll() is None:
                child.terminate()
        for _, child in self.children:
            stop_process(child)

    def argv_note(self) -> list[str]:
        return [p.name for p in self.processes]


async def quiet(dsn: str, redis_url: str, *, timeout: float = 300, settle: float = 2.0) -> float:
    """Wait until the system has nothing in flight: every outbox row published, no Celery message
    queued or unacknowledged, and the consumer's count of handled events unchanged for ``settle``
    seconds. Returns how long that took."""
    import redis

    from deploy.worker import QUEUES

    started = time.perf_counter()
    broker = redis.Redis.from_url(redis_url)
    conn = await asyncpg.connect(dsn)
    try:
        last, steady_since = -1, time.perf_counter()
        while True:
            unpublished = await conn.fetchval(
                "SELECT (SELECT count(*) FROM registry.outbox WHERE published_at IS NULL)"
                " + (SELECT count(*) FROM nominations.outbox WHERE published_at IS NULL)")
            queued = sum(broker.llen(q) for q in QUEUES) + broker.hlen("unacked")
            handled = await conn.fetchval("SELECT count(*) FROM notifications.processed_events")
            if handled != last or unpublished or queued:
                last, steady_since = handled, time.perf_counter()
            elif time.perf_counter() - steady_since >= settle:
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the system did not settle in {timeout} s: {unpublished} events unpublished, "
                                   f"{queued} messages queued")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
        broker.close()


async def events_consumed(dsn: str, expected: int, *, timeout: float = 300) -> tuple[int, float]:
    """Wait until ``expected`` ballot_cast events are recorded by the notifications consumer."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        while True:
            seen = await conn.fetchval(
                "SELECT count(*) FROM notifications.processed_events WHERE type = 'nominations.round.ballot_cast'")
            if seen >= expected or time.perf_counter() - started > timeout:
                return int(seen), time.perf_counter() - started
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


async def whole_system(infra: Infra, issuer: TokenIssuer, key_pem: str) -> dict[str, Any]:
    async with scratch_database(infra) as dsn:
        with PeakRss() as watch:
            with WholeSystem(infra, dsn, key_pem, watch) as system:
                round_ids, voters = await setup_rounds(system.registry, system.nominations, issuer, prefix="SYS")
                # Setup's own events (clusters, periods, rounds opened) drain before the load.
                settled = await quiet(dsn, system.env["REDIS_URL"])
                requests = ballot_requests(round_ids, voters, issuer, seed=2)
                bare_before = await asyncio.to_thread(bare_run, dsn, requests, watch)
                cpu = watch.cpu()
                cast = await asyncio.to_thread(replay, system.nominations, requests)
                consumed, drain = await events_consumed(dsn, cast["ok"])
                cast["cpu_ms_per_ballot_incl_events"] = watch.cpu_ms_per(cpu, watch.cpu(), cast["ok"])
                say(f"ballots: whole system, CPU per ballot (events handled) {cast['cpu_ms_per_ballot_incl_events']} ms")
                bare_after = await asyncio.to_thread(bare_run, dsn, requests, watch)
                processes = system.argv_note()
            peaks = watch.peaks()
    return {"processes": processes, "cast": cast, "bare_before": bare_before, "bare_after": bare_after,
            "ballot_cast_events_consumed": consumed, "events_drained_seconds_after_load": round(drain, 2),
            "setup_events_settled_seconds": round(settled, 2),
            "peak_rss_mb": peaks}


# ---------------------------------------------------------------- tally

async def tally_bench(dsn: str) -> dict[str, Any]:
    from services.nominations.voting.domain.tally import decide
    from services.nominations.voting.store import ballots as ballot_store

    conn = await asyncpg.connect(dsn)
    try:
        # An open round from the casting run; its ballots are replaced by 100,000 synthetic ones.
        round_id, candidates, max_choices = await conn.fetchrow(
            "SELECT id, candidates, max_choices FROM nominations.rounds WHERE state = 'open' LIMIT 1")
        candidates = list(candidates)
        rows = [(uuid.uuid4(), round_id, sorted(random.sample(candidates, random.randint(0, max_choices))),
                 secrets.token_hex(32)) for _ in range(TALLY_BALLOTS)]
        await conn.execute("DELETE FROM nominations.ballots WHERE round_id = $1", round_id)
        await conn.copy_records_to_table("ballots", schema_name="nominations", records=rows,
                                         columns=["id", "round_id", "choices", "commitment"])
        await conn.execute("VACUUM (ANALYZE) nominations.ballots")

        async def service_path() -> float:
            started = time.perf_counter()
            votes, ballots_cast, blank_ballots = await ballot_store.counts(conn, round_id)
            counted = decide(candidates=candidates, electorate_size=TALLY_BALLOTS, votes=votes,
                             ballots_cast=ballots_cast, blank_ballots=blank_ballots, seats=3)
            assert counted.ballots_cast == TALLY_BALLOTS
            return time.perf_counter() - started

        async def bare_group_by() -> float:
            started = time.perf_counter()
            rows = await conn.fetch("SELECT c, count(*) FROM nominations.ballots b, unnest(b.choices) c "
                                    "WHERE b.round_id = $1 GROUP BY c", round_id)
            assert rows
            return time.perf_counter() - started

        await service_path()
        await bare_group_by()  # untimed: both start with the rows in the page cache
        service_times, bare_times = [], []
        for _ in range(7):  # interleaved, best of seven each
            service_times.append(await service_path())
            bare_times.append(await bare_group_by())
    finally:
        await conn.close()
    best_service, best_bare = min(service_times), min(bare_times)
    return {"ballots": TALLY_BALLOTS, "tally_ms": round(best_service * 1000, 1),
            "bare_group_by_ms": round(best_bare * 1000, 1), "ratio_tally_vs_group_by": round(best_service / best_bare, 2),
            "samples_ms": {"tally": [round(s * 1000, 1) for s in service_times],
                           "bare": [round(s * 1000, 1) for s in bare_times]}}


# ---------------------------------------------------------------- where the CPU goes

async def all_published(dsn: str, timeout: float = 120) -> float:
    """Wait until no outbox row is left unpublished (the relay process has caught up)."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        while await conn.fetchval(
                "SELECT (SELECT count(*) FROM registry.outbox WHERE published_at IS NULL)"
                " + (SELECT count(*) FROM nominations.outbox WHERE published_at IS NULL)"):
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the relay did not publish every event within {timeout} s")
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    return time.perf_counter() - started


async def profiled_pass(nominations: str, dsn: str, profile: Path, watch: PeakRss,
                        requests: list[Request]) -> dict[str, Any]:
    """The same kind of load on fresh rounds with the nominations process sampled (bench.profiled):
    what share of its CPU each part of a ballot takes. Kept out of the measured pass, whose CPU
    figures the shares are applied to, so the sampling costs the headline nothing."""
    arm(profile)
    cpu = watch.cpu()
    result = await asyncio.to_thread(replay, nominations, requests)
    await all_published(dsn)
    cpu_ms = watch.cpu_ms_per(cpu, watch.cpu(), result["ok"])
    sampled = disarm(profile)
    say(f"ballots: profiled {result['ok']} ballots, {sampled['samples']} samples")
    return {"ballots": result["ok"], "per_s": result["per_s"], "cpu_ms_per_ballot": cpu_ms, "profile": sampled}


def cpu_breakdown(api: dict[str, Any], profiled: dict[str, Any]) -> dict[str, float]:
    """A ballot's CPU by what spends it, in ms: the nominations process's CPU per ballot in the
    measured pass split by the profiled pass's shares, then the relay's and the registry's own."""
    parts = profiled["profile"]["parts"]
    samples = sum(parts.values()) or 1
    api_ms = api["cpu_ms_per_ballot"].get("nominations", 0.0)
    out = {f"nominations: {part}": round(api_ms * n / samples, 3) for part, n in parts.items()}
    out["outbox relay (its own process)"] = api["cpu_ms_per_ballot"].get("relay", 0.0)
    out["registry (token keys, idle)"] = api["cpu_ms_per_ballot"].get("registry", 0.0)
    return out


# ---------------------------------------------------------------- the run

async def bench(infra: Infra, limits: dict[str, Any]) -> list[Figure]:
    key = generate_private_key()
    key_pem = private_key_pem(key).decode()
    issuer = TokenIssuer(key, issuer="thidua-registry", audience="thidua", ttl_seconds=3600)
    redis_url = infra.redis_db(11)
    async with scratch_database(infra) as dsn:
        common = {"DATABASE_URL": dsn, "REDIS_URL": redis_url, "REGISTRY_LOG_LEVEL": "WARNING",
                  "NOMINATIONS_LOG_LEVEL": "WARNING"}
        # The APIs leave their outboxes to a relay process (as make run and Kubernetes do), so the
        # nominations figure is the API's CPU alone and the relay's is its own.
        common |= {"REGISTRY_RUN_OUTBOX_RELAY": "false", "NOMINATIONS_RUN_OUTBOX_RELAY": "false"}
        profile = Path(tempfile.mkdtemp(prefix="thidua-profile-")) / "nominations.json"
        with PeakRss() as watch:
            registry_env = {**common, "REGISTRY_JWT_PRIVATE_KEY_PEM": key_pem}
            with served("services.registry.main:app", env=registry_env, watch=watch, name="registry") as registry, \
                    served("services.nominations.main:app", env={**common, "NOMINATIONS_REGISTRY_URL": registry},
                           watch=watch, name="nominations", profile=profile) as nominations, \
                    running([sys.executable, "-m", "deploy.relay", "registry", "nominations", "--log-level", "WARNING"],
                            env=common, watch=watch, name="relay"):
                round_ids, voters = await setup_rounds(registry, nominations, issuer, prefix="API",
                                                       clusters=CLUSTERS + PROFILE_CLUSTERS)
                # The measured rounds, and those of the profiled pass that follows (fresh ballots).
                measured_rounds, profiled_rounds = round_ids[:CLUSTERS * len(AWARDS)], round_ids[CLUSTERS * len(AWARDS):]
                requests = ballot_requests(measured_rounds, voters, issuer, seed=1)
                say(f"ballots: {len(requests)} ballots in {len(measured_rounds)} rounds, {CONNECTIONS} connections")
                await all_published(dsn)
                bare_before = await asyncio.to_thread(bare_run, dsn, requests, watch)
                cpu = watch.cpu()
                api = await asyncio.to_thread(replay, nominations, requests)
                # Until the relay has handed on every ballot's event: its CPU for them is in the figure.
                api["relay_caught_up_seconds_after_load"] = round(await all_published(dsn), 2)
                api["cpu_ms_per_ballot"] = watch.cpu_ms_per(cpu, watch.cpu(), api["ok"])
                say(f"ballots: CPU per ballot {api['cpu_ms_per_ballot']} ms")
                profiled = await profiled_pass(nominations, dsn, profile, watch,
                                               ballot_requests(profiled_rounds, voters, issuer, seed=3))
                bare_after = await asyncio.to_thread(bare_run, dsn, requests, watch)
            api_peaks = watch.peaks()
        conn = await asyncpg.connect(dsn)
        try:
            stored = await conn.fetchval("SELECT count(*) FROM nominations.ballots")
        finally:
            await conn.close()
        assert stored == api["ok"] + profiled["ballots"], (stored, api)
        say(f"ballots: through the API {api['per_s']}/s p99 {api['p99_ms']} ms; bare {bare_before['per_s']}/s "
            f"then {bare_after['per_s']}/s")
        say("ballots: tally of 100,000 ballots")
        tallied = await tally_bench(dsn)
    say("ballots: whole system")
    system = await whole_system(infra, issuer, key_pem)
    say(f"ballots: whole system {system['cast']['per_s']}/s; ballot_cast events consumed "
        f"{system['ballot_cast_events_consumed']}/{system['cast']['ok']}")

    bare = max((bare_before, bare_after), key=lambda r: r["per_s"])
    breakdown = cpu_breakdown(api, profiled)
    bare_cpu = bare["cpu_ms_per_request"].get("bare-endpoint", 0.0)
    say("ballots: CPU per ballot by part (ms): " + "; ".join(f"{k} {v}" for k, v in breakdown.items()))
    sys_bare = max((system["bare_before"], system["bare_after"]), key=lambda r: r["per_s"])
    limit = limits["pg_commits_per_s_16_conn"]
    limit_label = "PostgreSQL commits/s, 16 connections"
    report("ballots", {
        "machine_cores": os.cpu_count(), "machine_limits": limits, "open_rounds": len(round_ids),
        "ballots": len(requests), "connections": CONNECTIONS,
        "cast_through_api": api, "baseline_bare_insert": {"before": bare_before, "after": bare_after},
        "peak_rss_mb": api_peaks, "whole_system": system, "tally": tallied,
        "profiled_pass": profiled, "cpu_ms_per_ballot_by_part": breakdown,
    })
    everything_consumed = system["ballot_cast_events_consumed"] >= system["cast"]["ok"]
    return [
        Figure("ballots_api_per_s", "ballots through the API", "ballots/s", api["per_s"], bare["per_s"], 0.8, "min",
               baseline_label="bare FastAPI+asyncpg INSERT endpoint", machine_limit=limit,
               machine_limit_label=limit_label,
               notes=(f"CPU per ballot: nominations API {api['cpu_ms_per_ballot'].get('nominations', 0.0)} ms, "
                      f"relay process {api['cpu_ms_per_ballot'].get('relay', 0.0)} ms, bare endpoint {bare_cpu} ms "
                      "per request; by part in ballots.json (cpu_ms_per_ballot_by_part)")),
        Figure("ballots_api_p99_ms", "ballot p99 latency through the API", "ms", api["p99_ms"], bare["p99_ms"], 1.25,
               "max", baseline_label="bare endpoint p99"),
        Figure("ballots_whole_system_per_s", "ballots against the whole running system", "ballots/s",
               system["cast"]["per_s"] if everything_consumed else 0.0, sys_bare["per_s"], 0.5, "min",
               baseline_label="bare endpoint, same run", machine_limit=limit, machine_limit_label=limit_label,
               notes=(f"{system['ballot_cast_events_consumed']} of {system['cast']['ok']} ballot_cast events "
                      f"consumed, {system['events_drained_seconds_after_load']} s after the load ended")),
        Figure("tally_ms", "tally of a 100,000-ballot round", "ms", tallied["tally_ms"], tallied["bare_group_by_ms"],
               1.2, "max", baseline_label="bare GROUP BY"),
    ]
