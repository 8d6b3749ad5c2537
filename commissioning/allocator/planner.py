"""A sequence of plans in one process, each re-solved from the previous plan's basis.

Moving a slider (a share, a priority weight, growth, the district floor, a budget change,
reinvestment) changes figures of the model but not its shape: the same columns and the
same rules over the same columns. `Planner.plan` then changes only the costs, bounds and
coefficients that differ in the loaded HiGHS model and re-solves it with the simplex from
the previous optimal basis, which at national scale takes a fraction of a cold solve.
After a slider move the model is not formulated again: only the rows of the families
that read the moved setting are written anew, and after a weight move only the objective
(`sliders.rescenario`); any other change of the inputs formulates.
A mixed-integer model is re-solved warm when its relaxation is viable (then it is the
optimum, `exact.solve_exact`). Anything else (another shape, a relaxation that is not
viable, CBC, a scenario that cannot hold, a warm solve that is not optimal or takes
longer than its share of the cold solve's time) is planned exactly as `allocate()` plans
it; once a warm solve after a change of coefficients has run out of time, such moves on
that model are planned cold at once. The optimum
is always the variant's own; only the starting point differs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from commissioning.allocator.exact import branched, viable_binaries
from commissioning.allocator.formulation import (
    Formulation,
    formulate,
    objective_scale,
)
from commissioning.allocator.result import Result, Timings
from commissioning.allocator.sliders import rescenario
from commissioning.allocator.solve import (
    LP_PRICES,
    MIP_PRICES,
    _optimal_result,
    _quiet_collector,
    allocate,
)
from commissioning.allocator.solvers import (
    HighsModel,
    RowArrays,
    Solution,
    SolverError,
    SolverName,
    column_arrays,
    highs_solution,
    highs_status,
    rule_arrays,
    solve_highs,
)
from commissioning.inputs.model import Inputs

WARM_LIMIT = 1.0
"""A warm re-solve may take this multiple of the last cold solve's HiGHS time (at least
`WARM_FLOOR` seconds) before it is abandoned for a cold solve: the simplex from an old
basis can, on a large degenerate model, be slower than the interior point from scratch."""
WARM_FLOOR = 0.5
WARM_LIMIT_COEFFICIENTS = 0.5
"""`WARM_LIMIT` for a warm re-solve after a change of the matrix's coefficients (the
district floor, the shares, growth): the old basis is then neither primal nor dual
feasible, and at national scale such warm runs took as long as a cold solve or longer
(benchmarks/README.md), so less of the cold solve's time is risked on them."""


@dataclass
class _Loaded:
    """The plan last solved, as loaded in HiGHS (columns in HiGHS's order)."""

    inputs: Inputs
    """The inputs `f` was written for."""
    f: Formulation
    model: HighsModel
    cold_seconds: float
    """HiGHS's time for the cold solve this model started from."""
    costs: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    row_lower: npt.NDArray[np.float64]
    row_upper: npt.NDArray[np.float64]


class Planner:
    """Plans one after another, warm where the model keeps its shape (HiGHS).

    `plan(inputs)` returns what `allocate(inputs, solver)` returns (the same optimum,
    plan, prices and result file; on a model with several optimal plans, possibly another
    of them, as a different column order would give) and raises as it raises. `warm`
    says whether the last plan was re-solved from the previous basis.

    It holds a HiGHS model, which is neither thread-safe nor picklable: keep one Planner
    per worker (or per session within a worker), call it from one thread at a time, and
    call `plan` instead of `allocate` on every change of the scenario.
    """

    def __init__(self, solver: SolverName = "highs") -> None:
        self.solver: SolverName = solver
        self.warm = False
        self._loaded: _Loaded | None = None
        self._coefficients_cold = False
        """Set when a warm re-solve after a change of coefficients ran out of its time: on
        this model such moves are then planned cold at once (at national scale a floor or
        growth move's warm run can lose to a cold solve), so the wasted wait is paid once,
        not at every move. Cleared when a model of another shape is loaded."""

    def plan(self, inputs: Inputs) -> Result:
        with _quiet_collector():
            return self._plan(inputs)

    def _plan(self, inputs: Inputs) -> Result:
        self.warm = False
        if self.solver != "highs":
            return allocate(inputs, self.solver)
        t0 = time.perf_counter()
        loaded = self._loaded
        # After a slider move only the rows that read the moved setting are written again.
        g = None if loaded is None else rescenario(loaded.f, loaded.inputs, inputs)
        moved = g is not None  # the loaded model's shape, by construction
        if g is None:
            g = formulate(inputs)
        scale = objective_scale(g)
        t_build = time.perf_counter() - t0
        # The pre-checks are necessary conditions for a plan (diagnose.prechecks): an
        # optimum proves that none of them fails, so they run, inside allocate(), only
        # when the solve finds no optimum (a tenth of a warm county re-plan saved).
        if loaded is not None:
            arrays = rule_arrays(g)
            if moved or _same_shape(loaded, g, arrays):
                found = self._warm_solve(inputs, loaded, g, scale, arrays, t_build)
                if found == "allocate":
                    # No plan (allocate() raises with the diagnosis), or a mixed-integer
                    # model whose relaxation is not viable (branch-and-bound).
                    return allocate(inputs, self.solver)
                if found is not None:
                    self.warm = True
                    return found
            else:
                self._coefficients_cold = False
        return self._cold(inputs, g, scale, t_build)

    def _cold(self, inputs: Inputs, g: Formulation, scale: float, t_build: float) -> Result:
        """As allocate() plans it (the relaxation, then for a mixed-integer model whose
        relaxation is viable the binaries-fixed model for prices, each from scratch),
        keeping the relaxation loaded for the next plan."""
        self._loaded = None
        sol, model = solve_highs(g, scale, relax=True)
        if sol.status != "optimal":
            return allocate(inputs, self.solver)  # raises InfeasiblePlan with the diagnosis
        self._keep(inputs, g, model, scale, sol.seconds)
        fixed_z: dict[int, float] = {}
        priced, note = sol, LP_PRICES
        if g.is_mip:
            viable, searched = _binaries(g, model, sol)
            if viable is None:
                return allocate(inputs, self.solver)  # the solver's branch-and-bound
            fixed_z = viable
            priced, _ = solve_highs(g, scale, fixed=fixed_z)
            if priced.status != "optimal":
                return allocate(inputs, self.solver)
            priced = replace(priced, seconds=priced.seconds + searched)
            note = MIP_PRICES
        t1 = time.perf_counter()
        result = _optimal_result(inputs, g, priced, fixed_z, self.solver, note, model.arrays)
        extract = time.perf_counter() - t1
        build = t_build + sol.build_seconds + priced.build_seconds * (priced is not sol)
        solve = sol.seconds + priced.seconds * (priced is not sol)
        return replace(result, timings=Timings(build=build, solve=solve, extract=extract))

    def _keep(
        self, inputs: Inputs, g: Formulation, model: HighsModel, scale: float, seconds: float
    ) -> None:
        """Remember the solved model; from now on it is re-solved with the simplex, which
        starts from a basis (the interior point method cannot), letting HiGHS choose the
        primal simplex (after a change of costs: the basis stays feasible) or the dual
        (after a change of bounds: it stays optimal), measured 3-10x fewer iterations
        than the dual simplex alone after a weight change."""
        import highspy

        inf = highspy.kHighsInf
        costs, lower, upper = _columns(g, model, scale, inf)
        row_lower, row_upper = model.arrays.bounds(inf)
        model.h.setOptionValue("solver", "simplex")
        model.h.setOptionValue("simplex_strategy", 0)
        self._loaded = _Loaded(inputs, g, model, seconds, costs, lower, upper, row_lower, row_upper)

    def _warm_solve(
        self,
        inputs: Inputs,
        loaded: _Loaded,
        g: Formulation,
        scale: float,
        arrays: RowArrays,
        t_build: float,
    ) -> Result | Literal["allocate"] | None:
        """Change the loaded model into `g`'s and solve it from the current basis.

        "allocate" when only allocate() can answer: HiGHS proves there is no plan (the
        loaded model is dropped), or a mixed-integer model's relaxation is not viable (it
        stays loaded); None when HiGHS stops otherwise (dropped), or at once, for a change
        of coefficients, when one has run out of time on this model. A viable relaxation is
        the mixed-integer optimum (`exact.solve_exact`); its prices come from the same
        model with the binaries fixed, re-solved from the relaxation's basis."""
        import highspy

        inf = highspy.kHighsInf
        t0 = time.perf_counter()
        model = loaded.model
        h = model.h
        entries = np.flatnonzero(arrays.coefs != model.arrays.coefs)
        if len(entries) and self._coefficients_cold:
            return None
        costs, lower, upper = _columns(g, model, scale, inf)
        changed = np.flatnonzero(costs != loaded.costs)
        if len(changed):
            h.changeColsCost(len(changed), changed.astype(np.int32), costs[changed])
        changed = np.flatnonzero((lower != loaded.lower) | (upper != loaded.upper))
        if len(changed):
            h.changeColsBounds(
                len(changed), changed.astype(np.int32), lower[changed], upper[changed]
            )
        row_lower, row_upper = arrays.bounds(inf)
        present = arrays.row_of >= 0
        changed = np.flatnonzero(
            present & ((row_lower != loaded.row_lower) | (row_upper != loaded.row_upper))
        )
        if len(changed):
            h.changeRowsBounds(
                len(changed),
                arrays.row_of[changed].astype(np.int32),
                row_lower[changed],
                row_upper[changed],
            )
        limit = max(WARM_FLOOR, WARM_LIMIT * loaded.cold_seconds)
        if len(entries):
            limit = max(WARM_FLOOR, WARM_LIMIT_COEFFICIENTS * loaded.cold_seconds)
            row_of_entry = np.searchsorted(arrays.starts, entries, side="right") - 1
            rows = arrays.row_of[row_of_entry].tolist()
            cols = model.column[arrays.cols[entries]].tolist()
            for row, col, value in zip(rows, cols, arrays.coefs[entries].tolist(), strict=True):
                h.changeCoeff(row, col, value)
        model = HighsModel(h, arrays, model.column)
        t1 = time.perf_counter()
        status = _run(h, limit)
        t2 = time.perf_counter()
        if status is None and len(entries):
            self._coefficients_cold = True
        if status != "optimal":
            self._loaded = None  # half-way models are never re-used
            return "allocate" if status == "infeasible" else None
        sol = highs_solution(model, len(g.rows), scale, not g.is_mip, t2 - t1, 0.0)
        self._loaded = _Loaded(
            inputs, g, model, loaded.cold_seconds, costs, lower, upper, row_lower, row_upper
        )
        fixed_z: dict[int, float] = {}
        note = LP_PRICES
        if g.is_mip:
            viable, searched = _binaries(g, model, sol)
            t2 += searched
            if viable is None:
                return "allocate"
            fixed_z = viable
            at = model.column[np.fromiter(fixed_z, dtype=np.int64, count=len(fixed_z))]
            value = np.fromiter(fixed_z.values(), dtype=np.float64, count=len(fixed_z))
            h.changeColsBounds(len(at), at.astype(np.int32), value, value)
            # Remembered as loaded: the next plan's own bounds free them again.
            lower[at], upper[at] = value, value
            t3 = time.perf_counter()
            status = _run(h, limit)
            t4 = time.perf_counter()
            if status != "optimal":
                self._loaded = None
                return None
            sol = highs_solution(model, len(g.rows), scale, True, t4 - t3, 0.0)
            t2 += t4 - t3
            note = MIP_PRICES
        t5 = time.perf_counter()
        result = _optimal_result(inputs, g, sol, fixed_z, self.solver, note, arrays)
        extract = time.perf_counter() - t5
        build = t_build + (t5 - t0) - (t2 - t1)
        return replace(result, timings=Timings(build=build, solve=t2 - t1, extract=extract))


def _binaries(
    g: Formulation, model: HighsModel, relaxed: Solution
) -> tuple[dict[int, float] | None, float]:
    """The binaries of the mixed-integer optimum, from the relaxation just solved in
    `model`: its own when it is viable, else those `exact.branched` finds (the model is
    left as the relaxation, at its optimal basis); None when only allocate() can answer
    (no plan, or the search gave up). With the seconds the search took."""
    viable = viable_binaries(g, relaxed)
    if viable is not None:
        return viable, 0.0
    searched = branched(g, model, relaxed)
    if searched is None:
        return None, 0.0
    if searched.status != "optimal":
        return None, searched.seconds
    return viable_binaries(g, searched), searched.seconds


def _run(h: Any, limit: float) -> str | None:
    """Run the loaded model for at most `limit` seconds: "optimal", "infeasible" or None
    (stopped otherwise)."""
    # HiGHS's time limit counts from the model's first run.
    h.setOptionValue("time_limit", h.getRunTime() + limit)
    h.run()
    try:
        return highs_status(h)
    except SolverError:
        return None


def _columns(
    g: Formulation, model: HighsModel, scale: float, inf: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Costs and bounds of `g`'s columns, in the loaded model's column order."""
    costs, lower, upper = column_arrays(g, scale, None, inf)
    order = np.empty_like(model.column)
    order[model.column] = np.arange(len(model.column))
    return costs[order], lower[order], upper[order]


def _same_shape(loaded: _Loaded, g: Formulation, arrays: RowArrays) -> bool:
    """The same columns (names and kinds) and the same rules over the same columns."""
    f, old = loaded.f, loaded.model.arrays
    return (
        f.names == g.names
        and f.integer == g.integer
        and len(f.rows) == len(g.rows)
        and len(f.definitions) == len(g.definitions)
        and np.array_equal(old.starts, arrays.starts)
        and np.array_equal(old.cols, arrays.cols)
        and all(a.name == b.name for a, b in zip(f.rows, g.rows, strict=True))
    )
