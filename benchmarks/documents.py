"""Benchmark writing the documents for a data folder: wall and CPU time per set of kinds.

The documents issue's target is every district SLA, every service specification and the
plan summary for the sample data in under 30 s on the project machine (2 cores). This
times exactly that set (with the standard terms the specifications cite), the
decommissioning rationale pack on its own, and `all`, each as `commissioning documents`
would write them (PDF, the process pool), after loading the data and solving the plan
once (timed apart, not counted).

With `--cache` it times the document cache (`commissioning.documents.cache`) on the
`target` set instead: a run into an empty cache, the same run again (every PDF reused),
and a run after one slider move (the first priority's weight up by a fifth, re-planned).

With `--bodies` it lays nothing out: for a few slider moves (the benchmark's weight move
and three small ones) it counts the documents of the `target` set whose HTML changes
other than where it names its plan (the plan's fingerprint, its run and the audit
trail's head): the documents a cache that ignored the plan's name would still lay out.

Usage (from the repository root, in the venv):
    python benchmarks/documents.py                     # the sample data, median of 3
    python benchmarks/documents.py --repeat 1 --sets target
    python benchmarks/documents.py --data path/to/folder --format both
    python benchmarks/documents.py --cache             # empty cache, unchanged, moved
    python benchmarks/documents.py --bodies            # what changes after small moves
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commissioning.allocator import allocate
from commissioning.documents.cache import DocumentCache
from commissioning.documents.content import load_content
from commissioning.documents.contexts import Plan, prepare
from commissioning.documents.render import render_html
from commissioning.documents.writing import FORMATS, RENDERERS, write_documents
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
    parser.add_argument("--cache", action="store_true", help="time the document cache")
    parser.add_argument("--bodies", action="store_true", help="count changed documents")
    args = parser.parse_args(argv)
    if args.cache:
        return cached(args)
    if args.bodies:
        return bodies(args)

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


def cached(args: argparse.Namespace) -> int:
    """The `target` set into an empty cache, again unchanged, and after a slider move."""
    from benchmarks.run import slider_move

    inputs = load(args.data, args.scenario)
    content = load_content()
    plan = prepare(inputs, allocate(inputs, "highs"), content)
    moved_inputs = slider_move(inputs)
    moved = prepare(moved_inputs, allocate(moved_inputs, "highs"), content, plan.issued)
    print(f"{platform.node()}: Python {platform.python_version()}, data {args.data}")
    print(f"load average at start: {os.getloadavg()}\n")
    print("| run of the target set | documents | laid out | wall | CPU |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cache = DocumentCache(Path(tmp) / "cache")
        for label, which in (
            ("empty cache", plan),
            ("unchanged (same plan)", plan),
            ("after one slider move", moved),
        ):
            before = set(cache.directory.glob("*.pdf")) if cache.directory.exists() else set()
            wall0, cpu0 = time.perf_counter(), cpu_seconds()
            produced, failures = write_documents(
                which,
                SETS["target"],
                Path(tmp) / "out",
                FORMATS[args.format],
                progress=lambda *done: None,
                cache=cache,
            )
            wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
            if failures:
                print("\n".join(failures), file=sys.stderr)
                return 1
            laid_out = len(set(cache.directory.glob("*.pdf")) - before)
            print(f"| {label} | {len(produced)} | {laid_out} | {wall:.1f} s | {cpu:.1f} s |")
    print(f"\nload average at end: {os.getloadavg()}")
    return 0


def bodies(args: argparse.Namespace) -> int:
    """How many documents of the `target` set change after each move, other than where
    they name their plan."""
    from benchmarks.run import slider_move

    inputs = load(args.data, args.scenario)
    content = load_content()
    plan = prepare(inputs, allocate(inputs, "highs"), content)
    sc = inputs.scenario
    first, *rest = sc.prevention_share
    moves = {
        "the first priority's weight up a fifth (the --cache move)": slider_move(inputs),
        "the district floor down 0.01": replace(
            inputs, scenario=replace(sc, district_floor=sc.district_floor - 0.01)
        ),
        "the first year's prevention share up 1 point": replace(
            inputs, scenario=replace(sc, prevention_share=(first + 0.01, *rest))
        ),
        "the growth limit down 0.05": replace(
            inputs, scenario=replace(sc, max_growth=sc.max_growth - 0.05)
        ),
    }
    before = _words(plan)
    print(f"{platform.node()}: Python {platform.python_version()}, data {args.data}\n")
    print("| move | documents | changed apart from naming the plan | new or gone |")
    print("|---|---|---|---|")
    for label, moved_inputs in moves.items():
        after = _words(prepare(moved_inputs, allocate(moved_inputs, "highs"), content, plan.issued))
        changed = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
        print(f"| {label} | {len(before)} | {changed} | {len(before.keys() ^ after.keys())} |")
    return 0


def _words(plan: Plan) -> dict[str, str]:
    """Each document's HTML with the places it names its plan made alike."""
    sha = plan.result.provenance.inputs_sha256
    out = {}
    for kind in SETS["target"]:
        for d in RENDERERS[kind](plan, None):
            html = render_html(d.template, d.build()).replace(sha, "PLAN").replace(sha[:12], "PLAN")
            html = re.sub(r"run \d{8}-\d{6}-[0-9a-f]+", "run RUN", html)
            out[d.stem] = re.sub(r"hash [0-9a-f]{16,}", "hash HASH", html)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
