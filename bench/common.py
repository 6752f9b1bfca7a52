"""What the benchmarks share: infrastructure, a scratch database, served processes, statistics,
peak memory of every process, and the figures each benchmark reports."""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Iterator

import asyncpg
import httpx
import psutil

from deploy.infra import ROOT, Infra
from deploy.migrate import migrate_all
from deploy.scratch import free_port  # noqa: F401 - the benchmarks take it from here

RESULTS = ROOT / "bench" / "results"
# Every HTTP service process runs as in production: uvloop's event loop, httptools' parser.
UVICORN_FAST = ["--loop", "uvloop", "--http", "httptools"]


@asynccontextmanager
async def scratch_database(infra: Infra, *, migrate: bool = True) -> AsyncIterator[str]:
    """A freshly migrated database for one benchmark, dropped afterwards."""
    name = f"thidua_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(infra.admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
    finally:
        await admin.close()
    dsn = infra.database_dsn(name)
    try:
        if migrate:
            await migrate_all(dsn, demo=False)
        yield dsn
    finally:
        admin = await asyncpg.connect(infra.admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def wait_healthy(url: str, proc: subprocess.Popen[Any], *, what: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.1)


def stop_process(proc: subprocess.Popen[Any], timeout: float = 15) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextmanager
def served(module_app: str, *, env: dict[str, str], port: int | None = None,
           watch: PeakRss | None = None, name: str | None = None, profile: Path | None = None) -> Iterator[str]:
    """Run ``module:app`` under uvicorn in its own process (as in production) on loopback; with
    ``profile``, under bench.profiled's sampler (idle until armed)."""
    port = port or free_port()
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    runner = ["bench.profiled", str(profile)] if profile is not None else ["uvicorn"]
    proc = subprocess.Popen(
        [sys.executable, "-m", *runner, module_app, "--host", "127.0.0.1", "--port", str(port),
         *UVICORN_FAST, "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=child_env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, what=module_app)
        if watch is not None:
            watch.add(name or module_app.split(":")[0], proc.pid)
        yield url
    finally:
        stop_process(proc)


@contextmanager
def running(argv: list[str], *, env: dict[str, str], watch: PeakRss | None = None, name: str) -> Iterator[None]:
    """Run a process that serves no HTTP (a relay, a worker) for the duration of the block."""
    proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    try:
        time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}")
        if watch is not None:
            watch.add(name, proc.pid)
        yield
    finally:
        stop_process(proc)


# ---------------------------------------------------------------- memory

class PeakRss:
    """Samples the resident set size of named process trees (every child counted separately) in a
    background thread; ``peaks()`` gives each process's peak in MB. The benchmark's own process is
    always included as ``bench-client``."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self._roots: dict[str, int] = {"bench-client": os.getpid()}
        self._peak: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        # Process objects are kept between samples and the process trees re-read only now and
        # then: scanning /proc every sample would cost the machine more than what it measures.
        self._procs: dict[int, psutil.Process] = {}
        self._trees: dict[str, list[tuple[str, int]]] = {}
        self._trees_at = 0.0

    def add(self, name: str, pid: int) -> None:
        with self._lock:
            self._roots[name] = pid
        self.sample(rescan=True)

    def pid(self, name: str) -> int:
        with self._lock:
            return self._roots[name]

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def _proc(self, pid: int) -> psutil.Process:
        proc = self._procs.get(pid)
        if proc is None:
            proc = self._procs[pid] = psutil.Process(pid)
        return proc

    def _read_trees(self) -> None:
        with self._lock:
            roots = dict(self._roots)
        trees: dict[str, list[tuple[str, int]]] = {}
        claimed: set[int] = set()
        for name, pid in roots.items():
            if name == "bench-client":
                continue
            try:
                children = sorted(self._proc(pid).children(recursive=True), key=lambda p: p.pid)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            # A served process's children (Celery's pool, ...) numbered in pid order.
            trees[name] = [(name, pid)] + [(f"{name}[{k + 1}]", c.pid) for k, c in enumerate(children)]
            claimed |= {pid, *(c.pid for c in children)}
        me = self._proc(roots["bench-client"])
        # The benchmark itself, and its other children by command name (wrk, pgbench, client processes).
        others = []
        for c in me.children(recursive=True):
            if c.pid not in claimed:
                try:
                    others.append((c.name(), c.pid))
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
        trees["bench-client"] = [("bench-client", me.pid), *others]
        self._trees, self._trees_at = trees, time.monotonic()

    def sample(self, *, rescan: bool = False) -> None:
        if rescan or time.monotonic() - self._trees_at > 2.0:
            self._read_trees()
        for tree in self._trees.values():
            for label, pid in tree:
                try:
                    rss = self._proc(pid).memory_info().rss / 2**20
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                with self._lock:
                    if rss > self._peak.get(label, 0.0):
                        self._peak[label] = rss

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def cpu(self) -> dict[str, float]:
        """CPU seconds (user + system) each named process and its children have used so far."""
        with self._lock:
            roots = dict(self._roots)
        out: dict[str, float] = {}
        for name, pid in roots.items():
            try:
                proc = psutil.Process(pid)
                procs = [proc] if name == "bench-client" else [proc, *proc.children(recursive=True)]
                total = 0.0
                for p in procs:
                    t = p.cpu_times()
                    total += t.user + t.system
                out[name] = total
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return out

    @staticmethod
    def cpu_ms_per(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
        return {k: round((after[k] - before.get(k, 0.0)) * 1000 / max(1, count), 3) for k in after
                if after[k] - before.get(k, 0.0) > 0.0005}

    def peaks(self) -> dict[str, float]:
        with self._lock:
            return {k: round(v, 1) for k, v in sorted(self._peak.items())}


# ---------------------------------------------------------------- statistics

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


# ---------------------------------------------------------------- figures

@dataclass
class Figure:
    """One headline figure: its value beside the bare baseline measured in the same run.

    ``direction`` says which way the target points: ``min`` (the ratio must reach at least the
    target: throughputs) or ``max`` (at most: times). ``absolute`` compares the value itself
    (no baseline), e.g. "the whole burst reaches the inbox within 10 s".
    """
    name: str
    label: str
    unit: str
    value: float
    baseline: float | None
    target: float
    direction: str  # "min" | "max"
    absolute: bool = False
    baseline_label: str = ""
    machine_limit: float | None = None
    machine_limit_label: str = ""
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        if self.absolute or not self.baseline:
            return None
        return round(self.value / self.baseline, 3)

    @property
    def met(self) -> bool:
        measured = self.value if self.absolute else self.ratio
        if measured is None:
            return False
        return measured >= self.target if self.direction == "min" else measured <= self.target

    @property
    def share_of_machine_limit(self) -> float | None:
        if self.machine_limit and self.baseline is not None:
            return round(self.baseline / self.machine_limit, 3)
        return None

    def target_text(self) -> str:
        sign = "≥" if self.direction == "min" else "≤"
        return f"{sign} {self.target:g}{' ' + self.unit if self.absolute else ''}"

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "baseline": self.baseline, "ratio": self.ratio,
                "target": self.target_text(), "met": self.met, "unit": self.unit, "label": self.label,
                "baseline_label": self.baseline_label,
                "share_of_machine_limit": self.share_of_machine_limit,
                "machine_limit": self.machine_limit, "machine_limit_label": self.machine_limit_label,
                **({"notes": self.notes} if self.notes else {})}


def report(name: str, result: dict[str, Any]) -> None:
    """The benchmark's full result, in bench/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"[{name}] details in {RESULTS / (name + '.json')}", flush=True)


def say(text: str) -> None:
    print(text, flush=True)


def run_async(main: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(main())  # type: ignore[arg-type]
