"""Ballots while the register is exported (``export_ballot_p99_ms``), on the national register.

Passes of ballots on fresh rounds through the real nominations API (wrk, ``CONNECTIONS``
connections, every ballot its own token, Idempotency-Key and round, bench/ballots.py): an untimed
one (the service's pool grows to the load), one alone, ``PASSES`` while four downloads of the whole
register as ``.xlsx`` (``GET /v1/awards/export.xlsx``, no filter) run against the same service,
then the rest alone. The figure is the median of the passes' p99 beside the exports; the baseline
the median of the passes' p99 alone. The service builds one
workbook at a time (``NOMINATIONS_REGISTER_EXPORT_PROCESSES``, 1), the others wait their turn, so
the last download must still be running when the ballots end: the document process was busy
throughout the pass (else the figure does not count).

Memory: the workbook is built in the service's document process (shared.exports), which reads
the lines itself through a cursor and writes to a file the answer streams. Its peak RSS is
sampled while it exports a year (a tenth of the register) and then the whole register: a flat
export shows the same peak at both sizes.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import httpx
import psutil

from bench.ballots import VOTERS, ballot_requests, setup_rounds
from bench.load import replay
from shared.auth import TokenIssuer

CLUSTERS = int(os.environ.get("BENCH_NATIONAL_CLUSTERS", "6"))
CONNECTIONS = 8
EXPORTS = 4
PASSES = 3  # ballot passes beside the exports; as many alone (one before, the rest after)


class WorkerRss:
    """Peak RSS (MB) of the service's document processes (its spawned children), sampled."""

    def __init__(self, service_pid: int, interval: float = 0.1):
        self.service = psutil.Process(service_pid)
        self.interval = interval
        self.peak = 0.0
        self.service_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.service_peak = max(self.service_peak, self.service.memory_info().rss / 2**20)
                for child in self.service.children(recursive=True):
                    try:
                        if "resource_tracker" in " ".join(child.cmdline()):
                            continue
                        self.peak = max(self.peak, child.memory_info().rss / 2**20)
                    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                        continue
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                return

    def __enter__(self) -> WorkerRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


async def download(client: httpx.AsyncClient, params: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    size = 0
    async with client.stream("GET", "/v1/awards/export.xlsx", params=params) as r:
        assert r.status_code == 200, (r.status_code, await r.aread())
        async for chunk in r.aiter_bytes():
            size += len(chunk)
    return {"bytes": size, "seconds": round(time.perf_counter() - started, 2), "ended_at": time.perf_counter()}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


async def export_ballots(nominations: str, registry: str, issuer: TokenIssuer, *, service_pid: int,
                         year: int) -> dict[str, Any]:
    round_ids, voters = await setup_rounds(registry, nominations, issuer, prefix="NAT",
                                           clusters=CLUSTERS * (1 + 2 * PASSES))
    per = len(round_ids) // (1 + 2 * PASSES)
    passes = [ballot_requests(round_ids[k * per:(k + 1) * per], voters, issuer, seed=10 + k)
              for k in range(1 + 2 * PASSES)]
    out: dict[str, Any] = {"clusters_per_pass": CLUSTERS, "voters": VOTERS, "ballots_per_pass": len(passes[0]),
                           "connections": CONNECTIONS, "exports": EXPORTS, "passes_each": PASSES}
    alone: list[dict[str, Any]] = []
    during: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=nominations, timeout=7200) as client:
        with WorkerRss(service_pid) as rss:
            out["year_export"] = await download(client, {"year": year})
            out["year_export"].pop("ended_at")
            out["worker_peak_rss_mb_after_year_export"] = round(rss.peak, 1)
            # Untimed: the service's pool grows to the load's connections, plans are made.
            await asyncio.to_thread(replay, nominations, passes[0], connections=CONNECTIONS)
            alone.append(await asyncio.to_thread(replay, nominations, passes[1], connections=CONNECTIONS))
            downloads = [asyncio.create_task(download(client, {})) for _ in range(EXPORTS)]
            await asyncio.sleep(1.0)  # the four requests in, the first build started
            for k in range(PASSES):
                during.append(await asyncio.to_thread(replay, nominations, passes[2 + k], connections=CONNECTIONS))
            ballots_ended = time.perf_counter()
            done = await asyncio.gather(*downloads)
            out["whole_exports"] = [{k: v for k, v in d.items() if k != "ended_at"} for d in done]
            out["exports_running_when_ballots_ended"] = sum(d["ended_at"] > ballots_ended for d in done)
            out["ballots_ran_beside_exports"] = out["exports_running_when_ballots_ended"] > 0
            out["worker_peak_rss_mb_after_whole_exports"] = round(rss.peak, 1)
            out["service_peak_rss_mb"] = round(rss.service_peak, 1)
            for k in range(PASSES - 1):
                alone.append(await asyncio.to_thread(replay, nominations, passes[2 + PASSES + k],
                                                     connections=CONNECTIONS))
    out["alone"], out["during_exports"] = alone, during
    out["alone_p99_ms_median"] = _median([r["p99_ms"] for r in alone])
    out["during_p99_ms_median"] = _median([r["p99_ms"] for r in during])
    return out
