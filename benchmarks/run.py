"""Benchmark the allocator at county, region and national scale against the bare solver.

For each scale it generates synthetic inputs (`commissioning.synthetic`), times
`allocate()` end to end and in its stages (model build, solve through PuLP, result
extraction), splits PuLP's HiGHS hand-over from HiGHS's own run, and then solves the
identical problem with the solver alone: the formulation is written to MPS and read by
highspy (or the CBC executable), and only the solve is timed. The overhead ratio is
everything that is not the solver over the pure solver's time; the project's target is
below 0.5 at national scale, and county end to end under 0.3 s.

Usage (from the repository root, in the venv):
    python benchmarks/run.py                                  # all three scales, HiGHS
    python benchmarks/run.py --scales county --repeat 9
    python benchmarks/run.py --scales county --repeat 9 --costs  # value in pounds, reinvesting
    python benchmarks/run.py --scales region,national --solver cbc
    python benchmarks/run.py --scales national --profile 25   # where the time goes
"""

from __future__ import annotations

import argparse
import cProfile
import io
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import highspy
import pulp

from commissioning.allocator import allocate
from commissioning.allocator.formulation import formulate, objective_scale
from commissioning.allocator.solvers import (
    IPM_FROM_COLUMNS,
    MIP_REL_GAP,
    BulkHiGHS,
    SolverName,
    write_mps,
)
from commissioning.inputs.model import Inputs
from commissioning.synthetic import synthetic_inputs


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    initiatives: int
    repeat: int
    """Runs by default; the median is reported."""


SCALES: dict[str, Scale] = {
    "county": Scale("county", 12, 300, 7),
    "region": Scale("region", 50, 2_000, 1),
    "national": Scale("national", 300, 12_000, 1),
}
AGREEMENT = 1e-6
"""Relative difference allowed between our objective and the pure solver's."""


@dataclass
class Hooks:
    """Seconds spent inside PuLP's HiGHS adapter, by stage, during one `allocate()`."""

    handover: float = 0.0
    run: float = 0.0
    readback: float = 0.0


@contextmanager
def highs_hooks(options: dict[str, Any]) -> Iterator[Hooks]:
    """Time PuLP's HiGHS adapter stages without touching the allocator's code.

    `options` are extra HiGHS options (e.g. solver=ipm) set on every model PuLP builds,
    to try a solver setting end to end before anyone changes `solvers.make_solver`.
    """
    hooks = Hooks()
    cls: Any = BulkHiGHS  # the adapter allocate() uses
    stages = {"buildSolverModel": "handover", "callSolver": "run", "findSolutionValues": "readback"}
    saved = {name: getattr(cls, name) for name in (*stages, "createAndConfigureSolver")}

    def configure(solver: Any, lp: Any) -> None:
        saved["createAndConfigureSolver"](solver, lp)
        for key, value in options.items():
            lp.solverModel.setOptionValue(key, value)

    def timed(original: Callable[..., Any], slot: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(hooks, slot, getattr(hooks, slot) + time.perf_counter() - t0)

        return wrapper

    for name, slot in stages.items():
        setattr(cls, name, timed(saved[name], slot))
    cls.createAndConfigureSolver = configure
    try:
        yield hooks
    finally:
        for name, original in saved.items():
            setattr(cls, name, original)


@dataclass
class Run:
    """One measured run at one scale (seconds unless said otherwise)."""

    build: float
    solve: float
    extract: float
    end_to_end: float
    handover: float
    pulp_run: float
    readback: float
    pure: float
    objective: float
    pure_objective: float
    problem: str

    @property
    def not_solver(self) -> float:
        return self.end_to_end - self.pure

    @property
    def overhead(self) -> float:
        return self.not_solver / self.pure if self.pure > 0 else float("inf")

    @property
    def overhead_in_pulp(self) -> float:
        """Against HiGHS's run on the very model PuLP built: immune to the MPS's rounding
        (13 digits) changing the simplex path, which alone can move the time by 2x."""
        if self.pulp_run <= 0:
            return float("nan")
        return (self.end_to_end - self.pulp_run) / self.pulp_run


def pure_solve(
    inputs: Inputs, solver: SolverName, workdir: Path, options: dict[str, Any]
) -> tuple[float, float]:
    """Seconds and objective of the solver alone on the same model, read from MPS.

    The MPS is the minimisation of -scale * objective (see `solvers.to_pulp`), so the
    model's objective is minus the solver's, divided by the scale.
    """
    f = formulate(inputs)
    scale = objective_scale(f)
    path = workdir / "model.mps"
    write_mps(f, str(path), scale)
    if solver == "highs":
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        if f.is_mip:
            h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
        elif len(f.names) >= IPM_FROM_COLUMNS:
            h.setOptionValue("solver", "ipm")  # as allocate() chooses for large LPs
        for key, value in options.items():
            h.setOptionValue(key, value)
        h.readModel(str(path))
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"pure HiGHS: {h.modelStatusToString(h.getModelStatus())}")
        value = h.getInfo().objective_function_value
    else:
        # The CBC executable bundled with PuLP: process start and MPS reading included.
        sol = workdir / "model.sol"
        cmd = [pulp.PULP_CBC_CMD().path, str(path)]
        if f.is_mip:
            cmd += ["-ratio", str(MIP_REL_GAP)]
        cmd += ["-solve", "-solution", str(sol)]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        seconds = time.perf_counter() - t0
        first = sol.read_text().splitlines()[0]
        if not first.startswith("Optimal"):
            raise RuntimeError(f"pure CBC: {first}")
        value = float(first.rsplit(" ", 1)[1])
    return seconds, -value / scale


def measure(inputs: Inputs, solver: SolverName, workdir: Path, options: dict[str, Any]) -> Run:
    with highs_hooks(options) as hooks:
        t0 = time.perf_counter()
        result = allocate(inputs, solver)
        end_to_end = time.perf_counter() - t0
    assert result.objective is not None and result.timings is not None
    pure, pure_objective = pure_solve(inputs, solver, workdir, options)
    gap = abs(result.objective - pure_objective) / max(1.0, abs(pure_objective))
    if gap > AGREEMENT:
        raise AssertionError(
            f"objectives differ: allocate {result.objective!r}, pure {pure_objective!r}"
        )
    t = result.timings
    return Run(
        build=t.build,
        solve=t.solve,
        extract=t.extract,
        end_to_end=end_to_end,
        handover=hooks.handover,
        pulp_run=hooks.run,
        readback=hooks.readback,
        pure=pure,
        objective=result.objective,
        pure_objective=pure_objective,
        problem=result.provenance.problem_type,
    )


@dataclass
class Report:
    scale: Scale
    size: str
    generate: float
    runs: list[Run] = field(default_factory=list)

    def median(self, key: Callable[[Run], float]) -> float:
        return statistics.median(key(r) for r in self.runs)


ROWS: tuple[tuple[str, Callable[[Run], float], str], ...] = (
    ("model build (formulate + to PuLP)", lambda r: r.build, "s"),
    ("solve through PuLP", lambda r: r.solve, "s"),
    ("  of which PuLP -> HiGHS hand-over", lambda r: r.handover, "s"),
    ("  of which HiGHS run", lambda r: r.pulp_run, "s"),
    ("  of which read-back into PuLP", lambda r: r.readback, "s"),
    ("result extraction", lambda r: r.extract, "s"),
    (
        "untimed by allocate (prechecks...)",
        lambda r: r.end_to_end - r.build - r.solve - r.extract,
        "s",
    ),
    ("end-to-end allocate()", lambda r: r.end_to_end, "s"),
    ("pure solver (MPS, run() only)", lambda r: r.pure, "s"),
    ("not solver = end-to-end - pure", lambda r: r.not_solver, "s"),
    ("overhead ratio (not solver / pure)", lambda r: r.overhead, "x"),
    ("overhead vs HiGHS run inside PuLP", lambda r: r.overhead_in_pulp, "x"),
)


def table(reports: list[Report], solver: SolverName) -> str:
    head = ["", *(f"{r.scale.name} (n={len(r.runs)})" for r in reports)]
    lines = [
        ["size (initiatives x districts)", *(r.size for r in reports)],
        ["generate synthetic inputs", *(f"{r.generate:.3f} s" for r in reports)],
    ]
    for label, key, unit in ROWS:
        if solver != "highs" and (label.startswith("  of which") or "inside PuLP" in label):
            continue
        cells = [f"{r.median(key):.3f} {unit}" for r in reports]
        lines.append([label, *cells])
    lines.append(["objective (allocate = pure)", *(f"{r.runs[0].objective:,.2f}" for r in reports)])
    widths = [max(len(row[k]) for row in [head, *lines]) for k in range(len(head))]

    def fmt(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(head), rule, *(fmt(row) for row in lines)])


def machine() -> str:
    import os

    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"PuLP {pulp.__version__}, highspy {highspy.Highs().version()}"  # type: ignore[no-untyped-call]
    )


def profile(inputs: Inputs, solver: SolverName, top: int) -> str:
    """cProfile of one `allocate()`: the top functions by own time and by cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    allocate(inputs, solver)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _option(text: str) -> tuple[str, Any]:
    """KEY=VALUE with VALUE read as an int, a float, on/off text or a string."""
    key, _, raw = text.partition("=")
    value: Any = raw
    for kind in (int, float):
        try:
            value = kind(raw)
            break
        except ValueError:
            continue
    return key.strip(), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="county,region,national")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per scale (default: 7 county, 1 others)"
    )
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mip", action="store_true", help="give ~3%% of services a min_viable")
    parser.add_argument(
        "--costs",
        action="store_true",
        help="value in pounds: a cost library, with --reinvest of cashable savings returned",
    )
    parser.add_argument("--reinvest", type=float, default=0.5)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print top N")
    parser.add_argument(
        "--highs-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra HiGHS option for both runs, e.g. solver=ipm (repeatable)",
    )
    args = parser.parse_args(argv)
    solver: SolverName = args.solver
    options = dict(_option(text) for text in args.highs_option)
    names = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = [n for n in names if n not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {unknown}; known: {', '.join(SCALES)}")

    print(f"# machine: {machine()}")
    extra = f", HiGHS options {options}" if options else ""
    costs = f", cost library (reinvest {args.reinvest:g})" if args.costs else ""
    print(f"# solver: {solver}{' (MIP)' if args.mip else ''}, seed {args.seed}{extra}{costs}")
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            scale = SCALES[name]
            t0 = time.perf_counter()
            inputs = synthetic_inputs(
                scale.districts,
                scale.initiatives,
                seed=args.seed,
                mip=args.mip,
                cost_library=args.costs,
                reinvest=args.reinvest if args.costs else 0.0,
            )
            generate = time.perf_counter() - t0
            f = formulate(inputs)
            nnz = sum(len(r.cols) for r in (*f.rows, *f.definitions))
            size = (
                f"{scale.initiatives:,} x {scale.districts}: {len(f.names):,} cols, "
                f"{len(f.rows) + len(f.definitions):,} rows, {nnz:,} nnz"
            )
            report = Report(scale, size, generate)
            for _ in range(args.repeat or scale.repeat):
                report.runs.append(measure(inputs, solver, Path(tmp), options))
                print(f"# {name}: {report.runs[-1].end_to_end:.3f} s end to end", flush=True)
            reports.append(report)
            if args.profile:
                print(profile(inputs, solver, args.profile))
    print()
    print(table(reports, solver))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
