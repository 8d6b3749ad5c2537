"""The exact optimum of a formulation, linear or mixed-integer, as cheaply as possible."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from commissioning.allocator.formulation import Formulation, Row
from commissioning.allocator.solvers import Handover, Solution, SolverName, solve, solve_values

VIABLE_TOLERANCE = 1e-6


def viable_binaries(f: Formulation, sol: Solution) -> dict[int, float] | None:
    """Binaries for a relaxed solution that is already viable everywhere, else None."""
    totals: dict[tuple[str, int], float] = defaultdict(float)
    for (iid, _, y), c in f.x.items():
        if (iid, y) in f.z:
            totals[(iid, y)] += sol.values[c]
    fixed: dict[int, float] = {}
    for key, zc in f.z.items():
        amount, floor = totals[key], f.z_floor[zc]
        if amount <= VIABLE_TOLERANCE:
            fixed[zc] = 0.0
        elif amount >= floor - VIABLE_TOLERANCE * max(1.0, floor):
            fixed[zc] = 1.0
        else:
            return None
    return fixed


def solve_exact(
    f: Formulation,
    solver: SolverName,
    scale: float,
    rows: list[Row] | None = None,
    values_only: bool = False,
    handover: Handover = "direct",
    before_run: Callable[[], object] | None = None,
) -> tuple[Solution, dict[int, float]]:
    """An optimal solution and, for a mixed-integer model, its binaries.

    The linear relaxation is solved first. When it already gives every service with a
    minimum viable size either nothing or at least that size, it is a plan of the
    mixed-integer program with the relaxation's value, which bounds the mixed-integer
    optimum from above: so it is optimal, and branch-and-bound is not needed. Otherwise
    branch-and-bound runs to the relative gap of `solvers.MIP_REL_GAP`.

    `values_only` is for re-solves that read only the plan (`solvers.solve_values`);
    `handover` picks how HiGHS is given the model, and `before_run` is called before the
    first solve starts (`solvers.solve`).
    """
    if values_only:
        if before_run is not None:
            before_run()
        sol = solve_values(f, solver, scale, rows=rows, relax=True)
    else:
        sol = solve(
            f, solver, scale, rows=rows, relax=True, handover=handover, before_run=before_run
        )
    run = solve_values if values_only else partial(solve, handover=handover)
    if sol.status != "optimal" or not f.is_mip:
        return sol, {}
    viable = viable_binaries(f, sol)
    if viable is not None:
        return sol, viable
    mip = run(f, solver, scale, rows=rows)
    mip = replace(
        mip, seconds=mip.seconds + sol.seconds, build_seconds=mip.build_seconds + sol.build_seconds
    )
    if mip.status != "optimal":
        return mip, {}
    return mip, {c: float(round(mip.values[c])) for c in f.z.values()}
