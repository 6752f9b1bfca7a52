"""The machine's limits, measured at the start of the run: what the bare baselines are compared to,
so a harness that cannot drive them shows.

- PostgreSQL commits/s: one single-row INSERT per transaction, on 1 and on 16 connections
  (``pgbench`` with a custom script, its own process; an asyncpg loop where pgbench is missing).
  Every ballot and every consumed event needs at least one commit, so this bounds both.
"""
from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import say, scratch_database
from deploy.infra import Infra

SECONDS = 4


def _pgbench(pgbench: str, dsn: str, clients: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write("INSERT INTO bench_commits (v) VALUES (1);\n")
        script = f.name
    try:
        out = subprocess.run([pgbench, "-n", "-f", script, "-c", str(clients), "-j", str(min(clients, 2)),
                              "-T", str(SECONDS), dsn], capture_output=True, text=True, timeout=SECONDS + 60)
    finally:
        Path(script).unlink(missing_ok=True)
    found = re.search(r"tps = ([0-9.]+)", out.stdout)
    if out.returncode != 0 or found is None:
        raise RuntimeError(f"pgbench failed: {out.stderr or out.stdout}")
    return float(found.group(1))


async def _asyncpg_loop(dsn: str, clients: int) -> float:
    done = 0
    stop_at = time.perf_counter() + SECONDS

    async def client() -> None:
        nonlocal done
        conn = await asyncpg.connect(dsn)
        try:
            while time.perf_counter() < stop_at:
                await conn.execute("INSERT INTO bench_commits (v) VALUES (1)")
                done += 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


async def measure(infra: Infra) -> dict[str, Any]:
    async with scratch_database(infra, migrate=False) as dsn:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("CREATE TABLE bench_commits (id bigserial PRIMARY KEY, v int NOT NULL)")
        finally:
            await conn.close()
        pgbench = shutil.which("pgbench")
        out: dict[str, Any] = {"tool": "pgbench" if pgbench else "asyncpg loop", "seconds_each": SECONDS}
        for clients in (1, 16):
            if pgbench:
                tps = await asyncio.to_thread(_pgbench, pgbench, dsn, clients)
            else:
                tps = await _asyncpg_loop(dsn, clients)
            out[f"pg_commits_per_s_{clients}_conn"] = round(tps, 1)
    say(f"machine limits: PostgreSQL commits/s {out['pg_commits_per_s_1_conn']:.0f} on 1 connection, "
        f"{out['pg_commits_per_s_16_conn']:.0f} on 16 ({out['tool']})")
    return out
