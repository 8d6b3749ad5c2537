"""Benchmark the allocator at county, region and national scale against the bare solver.

For each scale it generates synthetic inputs (`commissioning.synthetic`), times
`allocate()` end to end and in its stages (model build and hand-over, HiGHS's own run(),
result extraction), and then solves the identical problem with the solver alone: the
formulation is written to MPS and read by highspy (or the CBC executable), and only the
solve is timed. The overhead is everything that is not the solver, against HiGHS's own
time on the same model (the target: at most 0.2 x at region and national scale). It then
times a warm re-plan (`Planner`) after each slider move asked for (`--moves`: a priority's
weight up by a fifth, a prevention share up, the district floor down, a budget cut, the
growth limit down) against a cold `allocate()` of the moved scenario, whose optimum it
must equal, and reports
the process's peak resident memory and the load average (the machine is shared).

Usage (from the repository root, in the venv):
    python benchmarks/run.py                                  # all three scales, HiGHS
    python benchmarks/run.py --scales county --repeat 9
    python benchmarks/run.py --scales county --repeat 9 --costs  # value in pounds, reinvesting
    python benchmarks/run.py --scales region,national --solver cbc
    python benchmarks/run.py --scales national --profile 25   # where the time goes
    python benchmarks/run.py --scales county --no-warm        # skip the warm re-plans
    python benchmarks/run.py --scales region --moves all      # every kind of slider move
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import highspy
import pulp

from commissioning.allocator import Planner, allocate
from commissioning.allocator.formulation import formulate, objective_scale
from commissioning.allocator.solvers import IPM_FROM_COLUMNS, MIP_REL_GAP, SolverName, write_mps
from commissioning.inputs.model import Inputs, frozen_map
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


@dataclass(frozen=True)
class Moved:
    """One slider move re-planned warm, against a cold plan of the moved inputs."""

    warm: float
    """The warm re-plan (`Planner.plan`), end to end."""
    warm_solve: float
    """Of which HiGHS's own run()."""
    cold: float
    """A cold `allocate()` of the moved inputs, end to end."""
    was_warm: bool


@dataclass
class Run:
    """One measured run at one scale (seconds unless said otherwise)."""

    build: float
    solve: float
    extract: float
    end_to_end: float
    pure: float
    objective: float
    pure_objective: float
    problem: str
    moves: dict[str, Moved] = field(default_factory=dict)
    """A warm re-plan after each kind of slider move, from the plan of the inputs."""

    @property
    def not_solver(self) -> float:
        """Everything in `allocate()` that is not HiGHS's own run() (or CBC's solve)."""
        return self.end_to_end - self.solve

    @property
    def overhead(self) -> float:
        return self.not_solver / self.solve if self.solve > 0 else float("inf")

    @property
    def overhead_vs_pure(self) -> float:
        """Against the solver alone on the MPS file (which rounds coefficients to 13
        digits, and on this degenerate LP that alone can move the simplex's time by 2x)."""
        return (self.end_to_end - self.pure) / self.pure if self.pure > 0 else float("inf")


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


def _scenario(inputs: Inputs, **changes: Any) -> Inputs:
    return replace(inputs, scenario=replace(inputs.scenario, **changes))


def weight_move(inputs: Inputs) -> Inputs:
    """The first priority's weight up by a fifth."""
    first = inputs.data.priorities[0]
    weights = dict(inputs.scenario.priority_weights)
    weights[first.priority_id] = weights.get(first.priority_id, first.weight) * 1.2
    return _scenario(inputs, priority_weights=frozen_map(weights))


def share_move(inputs: Inputs) -> Inputs:
    """The first year's prevention share up by fifteen points (30% to 45%: the rule then
    binds at county and region scale, where a rise of five or ten points does not)."""
    shares = list(inputs.scenario.prevention_share)
    shares[0] = min(0.95, shares[0] + 0.15)
    return _scenario(inputs, prevention_share=tuple(shares))


def floor_move(inputs: Inputs) -> Inputs:
    """The district floor down by a tenth (0.8 to 0.7)."""
    return _scenario(inputs, district_floor=max(0.0, inputs.scenario.district_floor - 0.1))


def budget_move(inputs: Inputs) -> Inputs:
    """The first funding stream cut by 3% in every year."""
    sc = inputs.scenario
    stream = inputs.data.streams[0].stream_id
    cut = tuple(-0.03 for _ in range(sc.horizon))
    return _scenario(inputs, budget_change=frozen_map({**sc.budget_change, stream: cut}))


def growth_move(inputs: Inputs) -> Inputs:
    """The growth limit down by a fifth (25% a year to 20%)."""
    return _scenario(inputs, max_growth=inputs.scenario.max_growth * 0.8)


slider_move = weight_move
"""The move benchmarks/documents.py re-plans after (the app's first slider)."""

MOVES: dict[str, Callable[[Inputs], Inputs]] = {
    "weight": weight_move,
    "share": share_move,
    "floor": floor_move,
    "budget": budget_move,
    "growth": growth_move,
}
"""The slider moves re-planned warm (`--moves`): each from the plan of the inputs."""


def measure(
    inputs: Inputs,
    solver: SolverName,
    workdir: Path,
    options: dict[str, Any],
    moves: list[str],
) -> Run:
    t0 = time.perf_counter()
    result = allocate(inputs, solver)
    end_to_end = time.perf_counter() - t0
    assert result.objective is not None and result.timings is not None
    pure, pure_objective = pure_solve(inputs, solver, workdir, options)
    _agree("allocate", result.objective, "pure", pure_objective)
    t = result.timings
    run = Run(
        build=t.build,
        solve=t.solve,
        extract=t.extract,
        end_to_end=end_to_end,
        pure=pure,
        objective=result.objective,
        pure_objective=pure_objective,
        problem=result.provenance.problem_type,
    )
    if moves and solver == "highs":
        planner = Planner()
        planner.plan(inputs)
        for name in moves:
            moved = MOVES[name](inputs)
            t0 = time.perf_counter()
            replanned = planner.plan(moved)
            seconds = time.perf_counter() - t0
            was_warm = planner.warm
            assert replanned.timings is not None and replanned.objective is not None
            t0 = time.perf_counter()
            cold = allocate(moved, solver)
            cold_seconds = time.perf_counter() - t0
            assert cold.objective is not None
            _agree(f"warm re-plan ({name})", replanned.objective, "cold allocate", cold.objective)
            if not was_warm:
                why = "another shape, or the warm run was stopped"
                print(f"# note: the {name} move was planned cold ({why})", flush=True)
            run.moves[name] = Moved(seconds, replanned.timings.solve, cold_seconds, was_warm)
            planner.plan(inputs)  # back to the inputs' plan (warm, not timed)
    return run


def _agree(a: str, x: float, b: str, y: float) -> None:
    if abs(x - y) / max(1.0, abs(y)) > AGREEMENT:
        raise AssertionError(f"objectives differ: {a} {x!r}, {b} {y!r}")


def peak_memory_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Report:
    scale: Scale
    size: str
    generate: float
    runs: list[Run] = field(default_factory=list)
    memory: float = 0.0
    """Peak resident memory of the process after this scale, MiB (cumulative: the
    largest scale's own peak when it runs last)."""
    load: float = 0.0

    def median(self, key: Callable[[Run], float]) -> float:
        return statistics.median(key(r) for r in self.runs)


ROWS: tuple[tuple[str, Callable[[Run], float], str], ...] = (
    ("model build and hand-over", lambda r: r.build, "s"),
    ("HiGHS's own run()", lambda r: r.solve, "s"),
    ("result extraction", lambda r: r.extract, "s"),
    (
        "untimed by allocate (prechecks...)",
        lambda r: r.end_to_end - r.build - r.solve - r.extract,
        "s",
    ),
    ("end-to-end allocate()", lambda r: r.end_to_end, "s"),
    ("not solver = end-to-end - run()", lambda r: r.not_solver, "s"),
    ("overhead (not solver / run())", lambda r: r.overhead, "x"),
    ("pure solver (MPS, run() only)", lambda r: r.pure, "s"),
    ("overhead vs pure solver", lambda r: r.overhead_vs_pure, "x"),
)


def move_rows(name: str) -> tuple[tuple[str, Callable[[Run], float], str], ...]:
    """The rows of one kind of slider move."""
    return (
        (f"warm re-plan after a {name} move", lambda r: r.moves[name].warm, "s"),
        ("  of which HiGHS's run()", lambda r: r.moves[name].warm_solve, "s"),
        ("  cold allocate() of the moved plan", lambda r: r.moves[name].cold, "s"),
        ("  warm / cold", lambda r: r.moves[name].warm / r.moves[name].cold, "x"),
    )


def table(reports: list[Report], solver: SolverName, moves: list[str]) -> str:
    head = ["", *(f"{r.scale.name} (n={len(r.runs)})" for r in reports)]
    lines = [
        ["size (initiatives x districts)", *(r.size for r in reports)],
        ["generate synthetic inputs", *(f"{r.generate:.3f} s" for r in reports)],
    ]
    rows = list(ROWS)
    if solver == "highs":
        for name in moves:
            rows += move_rows(name)
    for label, key, unit in rows:
        cells = [f"{r.median(key):.3f} {unit}" for r in reports]
        lines.append([label, *cells])
    lines.append(["objective (allocate = pure)", *(f"{r.runs[0].objective:,.2f}" for r in reports)])
    lines.append(["peak resident memory (process)", *(f"{r.memory:,.0f} MiB" for r in reports)])
    lines.append(["load average (1 min) after", *(f"{r.load:.2f}" for r in reports)])
    widths = [max(len(row[k]) for row in [head, *lines]) for k in range(len(head))]

    def fmt(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(head), rule, *(fmt(row) for row in lines)])


def machine() -> str:
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
        "--no-warm", action="store_true", help="skip the warm re-plans after slider moves"
    )
    parser.add_argument(
        "--moves",
        default="weight",
        help=f"slider moves re-planned warm, comma-separated: {', '.join(MOVES)} or all",
    )
    parser.add_argument(
        "--highs-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra HiGHS option for the pure-solver run, e.g. solver=ipm (repeatable)",
    )
    args = parser.parse_args(argv)
    solver: SolverName = args.solver
    options = dict(_option(text) for text in args.highs_option)
    names = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = [n for n in names if n not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {unknown}; known: {', '.join(SCALES)}")
    moves = list(MOVES) if args.moves == "all" else [m.strip() for m in args.moves.split(",")]
    if args.no_warm:
        moves = []
    if any(m not in MOVES for m in moves):
        parser.error(f"unknown move(s) in {args.moves!r}; known: {', '.join(MOVES)}, all")

    print(f"# machine: {machine()}")
    print(f"# load average at start (1, 5, 15 min): {os.getloadavg()} on {os.cpu_count()} CPUs")
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
                report.runs.append(measure(inputs, solver, Path(tmp), options, moves))
                print(f"# {name}: {report.runs[-1].end_to_end:.3f} s end to end", flush=True)
            report.memory = peak_memory_mib()
            report.load = os.getloadavg()[0]
            reports.append(report)
            if args.profile:
                print(profile(inputs, solver, args.profile))
    print()
    print(table(reports, solver, moves))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
