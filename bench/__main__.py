"""python -m bench [ballots|pipeline|ranking|movements|national ...]  (default: all).

Measures the machine's limits first, then each benchmark; prints every figure beside its bare
baseline, the ratio, the target, whether it is met and the share of the machine limit the bare
baseline reached; writes bench/results/summary.json (and each benchmark's details beside it).

Sizes (environment; smaller runs keep the ratios comparable, not the absolute figures):
  BENCH_CLUSTERS=40             ballots: clusters × 3 rounds × 32 voters (+ half as many for the profile)
  BENCH_EVENTS=10000            pipeline: events in the burst
  BENCH_PACED_SECONDS=10        pipeline: the paced phase
  BENCH_RANKING_CLUSTERS=1000   ranking: clusters × 40 members × 50 criteria
  BENCH_RANKING_ROUNDS=2        ranking: samples of each side (best of N)
  BENCH_NATIONAL_AWARDS=2000000 national: awards in the register (ten years, 63 then 34 provinces)
  BENCH_NATIONAL_ROUNDS=20      national: rounds of the register's searches
  BENCH_NATIONAL_CLUSTERS=6     national: clusters × 3 rounds × 32 voters in each ballot pass
  BENCH_NATIONAL_PARTS=search,forms,exports  national: which figures (the exports take longest)
"""
from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import time
from typing import Any

from bench.common import RESULTS, Figure
from bench.load import generator
from deploy.infra import ensure_infra

BENCHMARKS = {
    "ballots": "bench.ballots",
    "pipeline": "bench.pipeline",
    "ranking": "bench.ranking",
    "movements": "bench.movements",
    "national": "bench.national",
}


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "bare baseline", "ratio", "target", "met", "bare / machine limit")]
    for f in figures:
        share = f"{f.share_of_machine_limit:.2f} of {f.machine_limit:,.0f} ({f.machine_limit_label})" \
            if f.share_of_machine_limit is not None and f.machine_limit is not None else "—"
        rows.append((f"{f.label} [{f.unit}]", _fmt(f.value), _fmt(f.baseline), _fmt(f.ratio), f.target_text(),
                     "yes" if f.met else "NO", share))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        return
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    started = time.perf_counter()
    # The machine may be shared: its load before and after says what the figures were measured under.
    load_before = os.getloadavg()
    kind, where = generator()
    print(f"HTTP load generator: {kind if kind == 'wrk' else 'Python processes (' + where + ')'}", flush=True)
    infra = ensure_infra()
    figures: list[Figure] = []
    sizes: dict[str, Any] = {}
    try:
        from bench import limits as machine

        limits = asyncio.run(machine.measure(infra))
        for name in names:
            module = importlib.import_module(BENCHMARKS[name])
            sizes[name] = getattr(module, "SIZES", {})  # what was run, defaults included
            figures += asyncio.run(module.bench(infra, limits))
    finally:
        infra.stop()
    elapsed = time.perf_counter() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {f.name: f.as_json() for f in figures}
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (RESULTS / "run.json").write_text(json.dumps(
        {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(elapsed, 1), "cores": os.cpu_count(),
         "load_generator": kind, "machine_limits": limits, "benchmarks": names,
         "load_average_1_5_15_min": {"before": [round(x, 2) for x in load_before],
                                     "after": [round(x, 2) for x in os.getloadavg()]},
         "sizes": sizes}, indent=2))
    print()
    print(table(figures))
    print(f"\n{sum(f.met for f in figures)} of {len(figures)} targets met; {elapsed:.0f} s; "
          f"load generator: {kind}; load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"written to {RESULTS / 'summary.json'}")


if __name__ == "__main__":
    main()
