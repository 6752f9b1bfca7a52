"""python -m bench [ballots|tally|pipeline|ranking ...]  (default: all). Results land in bench/results/."""
from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "ballots": "bench.ballots",
    "pipeline": "bench.pipeline",
    "ranking": "bench.ranking",
}


def main() -> None:
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    for name in names:
        importlib.import_module(BENCHMARKS[name]).main()


if __name__ == "__main__":
    main()
