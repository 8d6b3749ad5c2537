"""Benchmark mixed-integer plans whose relaxation is not viable: the search on the loaded
relaxation (`allocator.branching`) against HiGHS's own branch-and-bound.

On the sample, a prevention share above 50% in the first year leaves one or two services
between nothing and their minimum viable size in the relaxation, so the plan needs a
branch-and-bound. For each first-year share this times `allocate()` and a warm
`Planner.plan()` (after the data's own plan) twice: with the search, and with the search
switched off (`NODE_LIMIT = 0`: HiGHS's own branch-and-bound from scratch, as before
2 December 2026), and checks both give the same optimum.

Usage (from the repository root, in the venv):
    python benchmarks/mip.py                       # the sample, shares 0.51-0.53, median of 3
    python benchmarks/mip.py --shares 0.51,0.52 --repeat 5
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commissioning.allocator import Planner, allocate, branching
from commissioning.allocator.exact import viable_binaries
from commissioning.allocator.formulation import formulate, objective_scale
from commissioning.allocator.solvers import solve_highs
from commissioning.inputs import load
from commissioning.inputs.model import Inputs


def with_first_share(inputs: Inputs, share: float) -> Inputs:
    shares = (share, *inputs.scenario.prevention_share[1:])
    return dataclasses.replace(
        inputs, scenario=dataclasses.replace(inputs.scenario, prevention_share=shares)
    )


def timed(work, repeat: int) -> tuple[float, object]:
    """Median wall time of `work()` over `repeat` runs, and its last answer."""
    times, answer = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        answer = work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), answer


def replan(planner: Planner, base: Inputs, moved: Inputs) -> float:
    """Seconds to re-plan `moved` warm after the data's own plan."""
    planner.plan(base)
    t0 = time.perf_counter()
    planner.plan(moved)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--shares", default="0.51,0.52,0.53")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    base = load(args.data)
    print(f"{platform.node()}: Python {platform.python_version()}, data {args.data}")
    print(f"load average at start: {os.getloadavg()}\n")
    print(
        "| first-year share | short in relaxation | nodes | allocate(), search | "
        "allocate(), HiGHS's own | warm re-plan, search | warm re-plan, HiGHS's own |"
    )
    print("|---|---|---|---|---|---|---|")
    limit = branching.NODE_LIMIT
    for share in (float(s) for s in args.shares.split(",")):
        inputs = with_first_share(base, share)
        f = formulate(inputs)
        relaxed, model = solve_highs(f, objective_scale(f), relax=True)
        short = viable_binaries(f, relaxed) is None
        found = branching.branch_and_bound(f, model.h, model.column) if short else None
        nodes = found[1] if found else 0
        row = []
        objectives = []
        for node_limit in (limit, 0):
            branching.NODE_LIMIT = node_limit
            try:
                seconds, result = timed(partial(allocate, inputs), args.repeat)
                objectives.append(result.objective)
                planner = Planner()
                replans = [replan(planner, base, inputs) for _ in range(args.repeat)]
                row.append((seconds, statistics.median(replans)))
            finally:
                branching.NODE_LIMIT = limit
        assert abs(objectives[0] - objectives[1]) <= 1e-6 * abs(objectives[1]), objectives
        (a_search, w_search), (a_own, w_own) = row
        print(
            f"| {share:.2f} | {'yes' if short else 'no'} | {nodes} | {a_search:.2f} s | "
            f"{a_own:.2f} s | {w_search:.2f} s | {w_own:.2f} s |"
        )
    print(f"\nload average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
