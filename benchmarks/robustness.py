"""Benchmark the robustness check: draws per second against the time of one warm solve.

For each scale it builds the plan's warm model once (`DrawSolver`: formulate and solve
the plan from scratch, as every worker does once), then solves draws one after another in
this process and reports the median seconds per draw. For the county sample it also runs
the whole check (`commissioning.robustness.robustness`) on a local Dask cluster of one
worker per core and reports draws per second end to end, cluster start-up included.
From the per-draw time it says how many workers a run of 1,000 draws needs to finish in
ten minutes (each worker first builds its own warm model).

Usage (from the repository root, in the venv):
    python benchmarks/robustness.py                         # county sample, 500 draws
    python benchmarks/robustness.py --scales county,region --draws 500
    python benchmarks/robustness.py --scales national --solo 3   # slow: run it in the background
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commissioning.allocator import allocate
from commissioning.inputs import load
from commissioning.inputs.model import Inputs
from commissioning.robustness import robustness
from commissioning.robustness.solve import DrawSolver
from commissioning.synthetic import synthetic_inputs

ROOT = Path(__file__).resolve().parents[1]
SCALES = {
    "county": lambda: load(ROOT / "data" / "sample"),
    "synthetic-county": lambda: synthetic_inputs(12, 300),
    "region": lambda: synthetic_inputs(50, 2_000),
    "national": lambda: synthetic_inputs(300, 12_000),
}
BUDGET_SECONDS = 600.0
NATIONAL_DRAWS = 1_000


def per_draw(inputs: Inputs, n: int, seed: int) -> tuple[float, int, list[float], list[float]]:
    """Seconds to build one worker's warm model, and each of `n` draws solved on it (wall
    and CPU: the CPU time is what the draw costs on a machine others are not using)."""
    t0 = time.perf_counter()
    solver = DrawSolver(inputs)
    build = time.perf_counter() - t0
    times, cpu = [], []
    infeasible = 0
    for k in range(n):
        t, c = time.perf_counter(), time.process_time()
        r = solver.solve(seed, k)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        infeasible += not r.feasible
    return build, infeasible, times, cpu


def workers_needed(build: float, draw: float, draws: int = NATIONAL_DRAWS) -> str:
    """Workers so that build + draws/workers x draw fits in ten minutes."""
    room = BUDGET_SECONDS - build
    if room <= 0:
        return "none can: building the model alone takes longer"
    return str(max(1, math.ceil(draws * draw / room)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="county")
    ap.add_argument("--draws", type=int, default=500, help="draws of the end-to-end county run")
    ap.add_argument("--solo", type=int, default=50, help="draws timed one by one per scale")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(
        f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f", load average {os.getloadavg()[0]:.1f}"
    )
    for name in args.scales.split(","):
        inputs = SCALES[name]()
        n = len(inputs.data.initiatives)
        t = time.perf_counter()
        plan = allocate(inputs)
        cold = time.perf_counter() - t
        build, infeasible, times, cpu = per_draw(inputs, args.solo, args.seed)
        draw, draw_cpu = statistics.median(times), statistics.median(cpu)
        print(
            f"\n{name}: {n:,} initiatives; allocate() {cold:.2f} s; warm model build "
            f"{build:.2f} s; one draw (median of {len(times)}) {draw:.3f} s wall, "
            f"{draw_cpu:.3f} s CPU (wall min {min(times):.3f}, max {max(times):.3f}; "
            f"{infeasible} infeasible); {1 / draw:.1f} draws/s per worker "
            f"({1 / draw_cpu:.1f} on an idle core)"
        )
        print(
            f"  workers for {NATIONAL_DRAWS:,} draws in {BUDGET_SECONDS / 60:.0f} minutes: "
            f"{workers_needed(build, draw)} at this wall time, "
            f"{workers_needed(build, draw_cpu)} on idle cores"
        )
        if name == "county":
            t = time.perf_counter()
            r = robustness(inputs, args.draws, args.seed, mode="local", plan=plan)
            wall = time.perf_counter() - t
            print(
                f"  {args.draws} draws on a local cluster ({os.cpu_count()} workers), end to end"
                f": {wall:.1f} s = {args.draws / wall:.1f} draws/s ({r.infeasible} infeasible, "
                f"{sum(s.fragile for s in r.initiatives)} fragile decisions)"
            )


if __name__ == "__main__":
    main()
