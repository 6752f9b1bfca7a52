"""What the benchmarks share: infrastructure, a scratch database, served processes, statistics."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Coroutine, Iterator

import asyncpg
import httpx

from deploy.infra import ROOT, Infra, ensure_infra
from deploy.migrate import migrate_all

RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def scratch_database(infra: Infra) -> AsyncIterator[str]:
    """A freshly migrated database for one benchmark, dropped afterwards."""
    name = f"thidua_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(infra.admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
    finally:
        await admin.close()
    dsn = infra.database_dsn(name)
    try:
        await migrate_all(dsn, demo=False)
        yield dsn
    finally:
        admin = await asyncpg.connect(infra.admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@contextmanager
def served(module_app: str, *, env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """Run ``module:app`` under uvicorn in its own process (as in production) on loopback."""
    port = port or free_port()
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", module_app, "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=child_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{module_app} did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Latencies:
    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds)

    def pct(self, p: float) -> float:
        if not self.samples:
            return float("nan")
        ordered = sorted(self.samples)
        k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[k]

    def summary(self) -> dict[str, float]:
        return {"count": len(self.samples), "p50_ms": self.pct(50) * 1000, "p95_ms": self.pct(95) * 1000,
                "p99_ms": self.pct(99) * 1000,
                "mean_ms": statistics.fmean(self.samples) * 1000 if self.samples else float("nan")}


def report(name: str, result: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


def run(main: Callable[[Infra], Coroutine[Any, Any, None]]) -> None:
    infra = ensure_infra()
    try:
        asyncio.run(main(infra))
    finally:
        infra.stop()
