"""The exact optimum of a formulation, linear or mixed-integer, as cheaply as possible."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import numpy as np

from commissioning.allocator.branching import Viability, branch_and_bound
from commissioning.allocator.formulation import Formulation, Row
from commissioning.allocator.solvers import (
    Handover,
    HighsModel,
    Solution,
    SolverName,
    solve,
    solve_highs,
    solve_values,
)


def viable_binaries(f: Formulation, sol: Solution) -> dict[int, float] | None:
    """Binaries for a relaxed solution that is already viable everywhere, else None."""
    return Viability(f).binaries_of(np.asarray(sol.values, dtype=np.float64))


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
    optimum from above: so it is optimal, and branch-and-bound is not needed. Otherwise,
    with HiGHS, the few services that are not viable are branched on in the loaded
    relaxation (`branching.branch_and_bound`); if that gives up, or with CBC, the solver's
    own branch-and-bound runs to the relative gap of `solvers.MIP_REL_GAP`.

    `values_only` is for re-solves that read only the plan (`solvers.solve_values`);
    `handover` picks how HiGHS is given the model, and `before_run` is called before the
    first solve starts (`solvers.solve`).
    """
    model: HighsModel | None = None
    if solver == "highs" and handover == "direct":
        sol, model = solve_highs(
            f, scale, rows=rows, relax=True, values_only=values_only, before_run=before_run
        )
    elif values_only:
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
    # A what-if's search has no time limit: its answer must not depend on the machine
    # (the robustness check's draws give the same answer on any cluster).
    searched = None if model is None else branched(f, model, sol, timed=not values_only)
    if searched is not None:
        searched = replace(
            searched,
            seconds=sol.seconds + searched.seconds,
            build_seconds=sol.build_seconds,
        )
        if searched.status == "infeasible":
            return searched, {}
        viable = viable_binaries(f, searched)
        if viable is not None:
            return searched, viable
    mip = run(f, solver, scale, rows=rows)
    mip = replace(
        mip, seconds=mip.seconds + sol.seconds, build_seconds=mip.build_seconds + sol.build_seconds
    )
    if mip.status != "optimal":
        return mip, {}
    return mip, {c: float(round(mip.values[c])) for c in f.z.values()}


BRANCH_FLOOR = 0.5
BRANCH_TIMES = 2.0
"""The search on the loaded relaxation may take `BRANCH_TIMES` times the relaxation's own
solve (at least `BRANCH_FLOOR` seconds) before the solver's branch-and-bound takes over:
on the sample a search of 2-23 nodes takes 0.03-0.3 s."""


def branched(
    f: Formulation, model: HighsModel, relaxed: Solution, timed: bool = True
) -> Solution | None:
    """The mixed-integer optimum searched from the relaxation `relaxed`, loaded in `model`
    (`branching.branch_and_bound`), with the seconds the search took; an "infeasible"
    solution when the model has no plan; None when the search gave up (after
    `branching.NODE_LIMIT` nodes or, if `timed`, twice the relaxation's time)."""
    seconds = max(BRANCH_FLOOR, BRANCH_TIMES * relaxed.seconds) if timed else math.inf
    found = branch_and_bound(f, model.h, model.column, seconds)
    return None if found is None else found[0]
