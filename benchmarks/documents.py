"""Benchmark writing the documents for a data folder: wall and CPU time per set of kinds.

The documents issue's target is every district SLA, every service specification and the
plan summary for the sample data in under 30 s on the project machine (2 cores). This
times exactly that set (with the standard terms the specifications cite), the
decommissioning rationale pack on its own, and `all`, each as `commissioning documents`
would write them (PDF, the process pool), after loading the data and solving the plan
once (timed apart, not counted).

Usage (from the repository root, in the venv):
    python benchmarks/documents.py                     # the sample data, median of 3
    python benchmarks/documents.py --repeat 1 --sets target
    python benchmarks/documents.py --data path/to/folder --format both
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commissioning.allocator import allocate
from commissioning.documents.content import load_content
from commissioning.documents.contexts import prepare
from commissioning.documents.writing import FORMATS, write_documents
from commissioning.inputs import load

SETS: dict[str, tuple[str, ...]] = {
    "target": ("spec", "terms", "sla", "summary"),
    "rationale": ("rationale",),
    "all": ("summary", "sla", "spec", "terms", "rationale"),
}
"""What each measured set writes; `target` is the documents issue's 30 s set."""


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--sets", default="target,rationale,all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=tuple(FORMATS), default="pdf")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    inputs = load(args.data, args.scenario)
    result = allocate(inputs, "highs")
    plan = prepare(inputs, result, load_content())
    print(f"{platform.node()}: Python {platform.python_version()}, data {args.data}")
    print(f"load, solve and prepare the plan: {time.perf_counter() - t0:.2f} s (not counted)\n")
    print(f"{'set':<10} {'documents':>9} {'files':>6} {'wall (median)':>14} {'CPU (median)':>13}")
    for name in args.sets.split(","):
        walls, cpus = [], []
        documents = files = 0
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as out:
                wall0, cpu0 = time.perf_counter(), cpu_seconds()
                produced, failures = write_documents(
                    plan, SETS[name], Path(out), FORMATS[args.format]
                )
                walls.append(time.perf_counter() - wall0)
                cpus.append(cpu_seconds() - cpu0)
            if failures:
                print("\n".join(failures), file=sys.stderr)
                return 1
            documents = len(produced)
            files = sum(len(f) for _, f in produced)
        print(
            f"{name:<10} {documents:>9} {files:>6} {statistics.median(walls):>12.1f} s "
            f"{statistics.median(cpus):>11.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
