"""Ballot benchmark.

1. Casting: many open rounds, 32 concurrent voters casting through the real nominations API over
   loopback (registry and nominations each in their own uvicorn process, tokens checked, sealed
   Idempotency-Key, participation + ballot + outbox event per request), beside a bare FastAPI
   endpoint doing one asyncpg INSERT, served the same way, with the same concurrency.
2. Tally: the close path's count of a 100,000-ballot round (the count in SQL, ``store.ballots.counts``,
   then the pure ``decide``), beside the bare ``GROUP BY`` over the same rows.

    python -m bench ballots   [BENCH_CLUSTERS=20]
"""
from __future__ import annotations

import asyncio
import os
import random
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx

from bench.common import Latencies, free_port, report, run, scratch_database, served
from deploy.infra import Infra
from shared.auth import TokenIssuer, generate_private_key, private_key_pem

CLUSTERS = int(os.environ.get("BENCH_CLUSTERS", "20"))
VOTERS = 32
AWARDS = ("government_flag", "ministry_flag", "certificate_of_merit")
TALLY_BALLOTS = 100_000


async def setup_rounds(registry: str, nominations: str, issuer: TokenIssuer) -> tuple[list[str], list[str]]:
    """Clusters of 32 members for 2026, each with one open round per award. Returns (round ids, voters)."""
    ministry = {"Authorization": f"Bearer {issuer.issue(subject='ministry', role='ministry', province=None)[0]}"}
    async with httpx.AsyncClient(timeout=30) as client:
        units = (await client.get(f"{registry}/v1/provinces", params={"on": "2026-01-01"})).json()["items"]
        voters = [u["code"] for u in units][:VOTERS]
        round_ids = []
        for k in range(CLUSTERS):
            code = f"BENCH-{k:03d}"
            r = await client.post(f"{registry}/v1/clusters", headers=ministry, json={
                "code": code, "name": f"Cụm thi đua số {k}", "organizer": "Bộ Nội vụ", "kind": "cum",
                "allow_shared_members": True})
            r.raise_for_status()
            (await client.put(f"{registry}/v1/clusters/{code}/periods/2026", headers=ministry,
                              json={"members": voters})).raise_for_status()
            lead = voters[k % VOTERS]
            deputy = voters[(k + 1) % VOTERS]
            (await client.post(f"{registry}/v1/clusters/{code}/periods/2026/leadership", headers=ministry,
                               json={"method": "election", "lead": lead, "deputy": deputy})).raise_for_status()
            lead_token = issuer.issue(subject=f"province-{lead}", role="province", province=lead)[0]
            lead_auth = {"Authorization": f"Bearer {lead_token}"}
            for award in AWARDS:
                r = await client.post(f"{nominations}/v1/rounds", headers=lead_auth, json={
                    "cluster_code": code, "year": 2026, "award": award, "seats": 3})
                r.raise_for_status()
                rid = r.json()["id"]
                (await client.post(f"{nominations}/v1/rounds/{rid}/open", headers=lead_auth)).raise_for_status()
                round_ids.append(rid)
    return round_ids, voters


async def cast_all(url_for: Callable[[str], str], round_ids: list[str], voters: list[str],
                   tokens: dict[str, str]) -> dict[str, Any]:
    """Every voter casts once in every round; the 32 voters run concurrently."""
    latencies = Latencies()
    failures = 0

    async def voter(code: str, client: httpx.AsyncClient) -> None:
        nonlocal failures
        order = round_ids[:]
        random.shuffle(order)
        headers = {"Authorization": f"Bearer {tokens[code]}"}
        for rid in order:
            choices = random.sample([v for v in voters if v != code], 3)
            started = time.perf_counter()
            r = await client.post(url_for(rid), json={"choices": choices},
                                  headers={**headers, "Idempotency-Key": secrets.token_hex(16)})
            latencies.add(time.perf_counter() - started)
            if r.status_code != 201:
                failures += 1

    limits = httpx.Limits(max_connections=VOTERS, max_keepalive_connections=VOTERS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(voter(code, client) for code in voters))
        elapsed = time.perf_counter() - started
    total = len(round_ids) * len(voters)
    return {"requests": total, "failures": failures, "seconds": round(elapsed, 3),
            "per_s": round(total / elapsed, 1),
            **{k: round(v, 2) for k, v in latencies.summary().items() if k != "count"}}


async def tally_bench(dsn: str) -> dict:
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
        await conn.execute("ANALYZE nominations.ballots")

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

        service_times, bare_times = [], []
        for _ in range(5):  # interleaved, best of five each
            service_times.append(await service_path())
            bare_times.append(await bare_group_by())
    finally:
        await conn.close()
    best_service, best_bare = min(service_times), min(bare_times)
    return {"ballots": TALLY_BALLOTS, "tally_ms": round(best_service * 1000, 1),
            "bare_group_by_ms": round(best_bare * 1000, 1),
            "ratio_tally_vs_group_by": round(best_service / best_bare, 2)}


async def bench(infra: Infra) -> None:
    key = generate_private_key()
    issuer = TokenIssuer(key, issuer="thidua-registry", audience="thidua", ttl_seconds=3600)
    redis_url = infra.redis_db(11)
    async with scratch_database(infra) as dsn:
        common = {"DATABASE_URL": dsn, "REDIS_URL": redis_url, "REGISTRY_LOG_LEVEL": "WARNING",
                  "NOMINATIONS_LOG_LEVEL": "WARNING"}
        registry_port = free_port()
        registry_env = {**common, "REGISTRY_JWT_PRIVATE_KEY_PEM": private_key_pem(key).decode()}
        with served("services.registry.main:app", env=registry_env, port=registry_port) as registry:
            with served("services.nominations.main:app",
                        env={**common, "NOMINATIONS_REGISTRY_URL": registry}) as nominations:
                round_ids, voters = await setup_rounds(registry, nominations, issuer)
                tokens = {v: issuer.issue(subject=f"province-{v}", role="province", province=v)[0] for v in voters}
                real = await cast_all(lambda rid: f"{nominations}/v1/rounds/{rid}/ballots", round_ids, voters, tokens)
        with served("bench.bare_app:app", env={"DATABASE_URL": dsn}) as bare:
            baseline = await cast_all(lambda rid: f"{bare}/rounds/{rid}/ballots", round_ids, voters, tokens)
        tallied = await tally_bench(dsn)
    report("ballots", {
        "machine_cores": os.cpu_count(), "open_rounds": len(round_ids), "concurrent_voters": VOTERS,
        "cast_through_api": real, "baseline_bare_insert": baseline,
        "ratio_ballots_per_s_vs_bare": round(real["per_s"] / baseline["per_s"], 3),
        "ratio_p50_latency_vs_bare": round(real["p50_ms"] / baseline["p50_ms"], 2),
        "ratio_p99_latency_vs_bare": round(real["p99_ms"] / baseline["p99_ms"], 2),
        "tally": tallied,
    })


def main() -> None:
    run(bench)
