"""Build, solve and read back one allocation: the pure heart of the toolkit.

`allocate(inputs)` returns a `Result` for an optimal plan, raises `InfeasiblePlan` (carrying
a result with the diagnosis) when the scenario's rules cannot all hold, and `SolverError`
when the solver itself failed. No printing, no files.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from commissioning import __version__
from commissioning.allocator.diagnose import elastic, prechecks
from commissioning.allocator.exact import solve_exact
from commissioning.allocator.formulation import (
    Formulation,
    benefit_cost_ratios,
    formulate,
    objective_scale,
    reinvested,
)
from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.result import (
    VALUE_UNITS,
    Allocation,
    ConstraintResult,
    InitiativeResult,
    Provenance,
    Relaxation,
    Result,
    Saving,
    Timings,
    decide,
)
from commissioning.allocator.solvers import (
    Handover,
    RowArrays,
    Solution,
    SolverError,
    SolverName,
    rule_arrays,
    solve,
    solver_version,
)
from commissioning.allocator.sums import grouped_sums, sequential_sums
from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.model import Inputs

T = TypeVar("T")

ALLOCATION_THRESHOLD = 0.005
"""x[i,s,y] above this (£) is reported as an allocation."""
BINDING_TOLERANCE = 1e-6
LP_PRICES = "duals of the linear program"
MIP_PRICES = (
    "duals of the linear program with the viability binaries fixed at their "
    "optimum; rules of a service held at 0 by viability report no price"
)
"""What the prices of a plan are, as its result file says."""
PRICE_NOISE = 1e-9
"""Shadow prices this close to zero on the wrong side are rounding, reported as 0."""


class InfeasiblePlan(Exception):
    """The scenario's rules cannot all hold for these inputs; `result.diagnosis` says why."""

    def __init__(self, result: Result):
        self.result = result
        lines = "\n".join(f"  {d.message}" for d in result.diagnosis)
        super().__init__(f"The rules of this scenario cannot all hold:\n{lines}")


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while building and reading large models.

    Formulating allocates hundreds of thousands of small objects and none of them form
    cycles worth collecting; pausing the collector makes these stages 35-45% faster at
    national scale (benchmarks/README.md).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def allocate(inputs: Inputs, solver: SolverName = "highs", handover: Handover = "direct") -> Result:
    """The optimal plan of model.md section 3 for these inputs, solved with `solver`.

    HiGHS is handed the formulation's arrays directly; `handover="pulp"` builds the same
    model through PuLP instead (the tests and benchmarks compare the two).
    """
    with _quiet_collector():
        return _allocate(inputs, solver, handover)


def _allocate(inputs: Inputs, solver: SolverName, handover: Handover = "direct") -> Result:
    t0 = time.perf_counter()
    f = formulate(inputs)
    scale = objective_scale(f)
    t_build = time.perf_counter() - t0

    # The inputs' fingerprint needs no solution: it is taken while the solver runs.
    inputs_sha256 = Beside(partial(fingerprint, inputs))
    # The pre-checks are necessary conditions for a plan (diagnose.prechecks): an optimum
    # proves that none of them fails, so they are looked for only when there is none.
    try:
        sol, fixed_z = solve_exact(
            f, solver, scale, handover=handover, before_run=inputs_sha256.start
        )
    except SolverError:
        found = prechecks(inputs)
        if found:  # as before the solve: the inputs' conflict, not the solver's failure
            raise InfeasiblePlan(_infeasible(inputs, f, solver, found, t_build)) from None
        raise
    solve_seconds = sol.seconds
    build_seconds = t_build + sol.build_seconds
    if sol.status == "infeasible":
        found = prechecks(inputs)
        raise InfeasiblePlan(_infeasible(inputs, f, solver, found, build_seconds))

    prices_note = LP_PRICES
    if f.is_mip:
        priced = solve(f, solver, scale, fixed=fixed_z, handover=handover)
        solve_seconds += priced.seconds
        build_seconds += priced.build_seconds
        if priced.status == "optimal":
            sol = priced
            prices_note = MIP_PRICES
        else:
            sol = replace(sol, duals=None, reduced_costs=None)
            prices_note = "not available: the binaries-fixed linear program did not solve"

    t1 = time.perf_counter()
    result = _optimal_result(
        inputs, f, sol, fixed_z, solver, prices_note, None, inputs_sha256.value()
    )
    extract = time.perf_counter() - t1
    return replace(
        result, timings=Timings(build=build_seconds, solve=solve_seconds, extract=extract)
    )


def _provenance(
    inputs: Inputs,
    f: Formulation,
    solver: SolverName,
    prices: str,
    inputs_sha256: str | None = None,
) -> Provenance:
    """Where a plan came from; `inputs_sha256`: the inputs' fingerprint, if taken already."""
    return Provenance(
        inputs_sha256=fingerprint(inputs) if inputs_sha256 is None else inputs_sha256,
        scenario=inputs.scenario.name,
        solver=solver,
        solver_version=solver_version(solver),
        version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        problem_type="MIP" if f.is_mip else "LP",
        prices=prices,
        scenario_settings=inputs.scenario.to_dict(),
    )


class Beside(Generic[T]):
    """Work that needs no solution, done on a second thread while the solver runs.

    HiGHS's run() and CBC's process release the interpreter's lock, so on a machine with
    a spare core the work costs no time (measured: benchmarks/README.md). Started just
    before the solver (not earlier, where it would take turns with the model's hand-over
    for the lock); `value()` waits for it, or does it here if it was never started.
    """

    def __init__(self, work: Callable[[], T]):
        self._work = work
        self._thread: threading.Thread | None = None
        self._out: list[T] = []
        self._failed: list[BaseException] = []

    def start(self) -> None:
        """Start the work on its own thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="beside the solver", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._out.append(self._work())
        except BaseException as error:  # re-raised on the caller's thread
            self._failed.append(error)

    def value(self) -> T:
        """The work's value (or its error, raised here)."""
        if self._thread is None:
            return self._work()
        self._thread.join()
        if self._failed:
            raise self._failed[0]
        return self._out[0]


def _optimal_result(
    inputs: Inputs,
    f: Formulation,
    sol: Solution,
    fixed_z: dict[int, float],
    solver: SolverName,
    prices_note: str,
    arrays: RowArrays | None = None,
    inputs_sha256: str | None = None,
) -> Result:
    """The result of an optimal solution; `arrays`: `f`'s rules as arrays, and
    `inputs_sha256`: the inputs' fingerprint, if at hand."""
    values = sol.values
    years = inputs.scenario.years
    allocations = tuple(
        Allocation(iid, s, y, values[c])
        for (iid, s, y), c in f.x.items()
        if values[c] > ALLOCATION_THRESHOLD
    )
    totals: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for (iid, _, y), c in f.x.items():
        totals[iid][y] += values[c]
    arrays = (rule_arrays(f) if arrays is None else arrays).head(len(f.rows))
    x = np.asarray(values, dtype=np.float64)
    duals = None if sol.duals is None else np.array([d or 0.0 for d in sol.duals])
    opportunity = _opportunity_costs(f, sol, arrays, duals)
    ratios = benefit_cost_ratios(inputs)
    initiatives = tuple(
        InitiativeResult(
            i.initiative_id,
            i.current_budget,
            totals[i.initiative_id],
            decide(i.is_candidate, i.current_budget, totals[i.initiative_id][years[-1]]),
            f.value_per_pound[i.initiative_id],
            opportunity.get(i.initiative_id) if opportunity else None,
            None if ratios is None else ratios[i.initiative_id],
        )
        for i in inputs.data.initiatives
    )
    activity = sequential_sums(arrays.starts, arrays.coefs * x[arrays.cols])
    rhs, le, ge = arrays.rhs, arrays.le, arrays.ge
    equal = le & ge
    slack = np.where(equal, 0.0, np.where(le, rhs - activity, activity - rhs))
    tolerance = BINDING_TOLERANCE * np.maximum(1.0, np.abs(rhs))
    binding = np.where(equal, np.abs(slack) <= tolerance, slack <= tolerance)
    prices: list[float | None]
    if duals is None:
        prices = [None] * len(f.rows)
    else:
        price = np.where(le, duals, -duals)
        noise = ~equal & (-PRICE_NOISE * np.maximum(1.0, np.abs(duals)) < price) & (price < 0)
        prices = list((np.where(noise, 0.0, price) + 0.0).tolist())  # no negative zero
        idle = {key for key, c in f.z.items() if fixed_z.get(c) == 0.0}
        if idle:
            for k, r in enumerate(f.rows):
                if r.initiative_id is not None and (r.initiative_id, r.year) in idle:
                    prices[k] = None
    constraints = tuple(
        # name, family, index, sense, bound, slack, binding, shadow price, year, service
        ConstraintResult(
            r.name, r.family, r.index, r.sense, r.rhs, s, b, p, r.year, r.initiative_id
        )
        for r, s, b, p in zip(f.rows, slack.tolist(), binding.tolist(), prices, strict=True)
    )
    objective = sum(f.objective[c] * values[c] for c in f.x.values())
    return Result(
        status="optimal",
        objective=objective,
        years=years,
        allocations=allocations,
        initiatives=initiatives,
        constraints=constraints,
        diagnosis=(),
        provenance=_provenance(inputs, f, solver, prices_note, inputs_sha256),
        value_unit=VALUE_UNITS[1] if inputs.data.has_costs else VALUE_UNITS[0],
        savings=_savings(inputs, f, totals),
    )


def _savings(
    inputs: Inputs, f: Formulation, totals: dict[str, dict[int, float]]
) -> tuple[Saving, ...]:
    """R[s,y] for every stream with a cashable cost and every plan year (model.md 4)."""
    sc = inputs.scenario
    if sc.reinvest <= 0 or not inputs.data.has_costs:
        return ()
    cashable = {c.stream_id for c in inputs.data.costs if c.stream_id and c.cashable > 0}
    current = {i.initiative_id: i.current_budget for i in inputs.data.initiatives}
    amounts = reinvested(inputs, lambda iid, y: totals[iid][y] - current[iid], f.kappa)
    return tuple(
        Saving(s.stream_id, y, amounts.get((s.stream_id, y), 0.0) + 0.0)
        for s in inputs.data.streams
        if s.stream_id in cashable
        for y in sc.years
    )


def _opportunity_costs(
    f: Formulation, sol: Solution, arrays: RowArrays, duals: npt.NDArray[np.float64] | None
) -> dict[str, dict[int, float]]:
    """Per initiative and year: what £1 more would cost elsewhere, on its cheapest stream.

    The reduced cost of x[i,s,y] is v(i) minus the priced use of every row it enters; adding
    back the rows of i itself (capacity, contract, growth...) leaves the price of the money
    and of the shared rules: v(i) - reduced cost - (own rows' share).
    """
    if duals is None or sol.reduced_costs is None:
        return {}
    own_row = np.fromiter(
        (r.initiative_id is not None for r in f.rows), dtype=np.bool_, count=len(f.rows)
    )
    row_of_entry = np.repeat(np.arange(len(f.rows)), np.diff(arrays.starts))
    entries = own_row[row_of_entry]
    terms = duals[row_of_entry[entries]] * arrays.coefs[entries]
    own = grouped_sums(arrays.cols[entries], terms, len(f.names))
    x_cols = np.fromiter(f.x.values(), dtype=np.int64, count=len(f.x))
    objective = np.asarray(f.objective, dtype=np.float64)[x_cols]
    reduced = np.asarray(sol.reduced_costs, dtype=np.float64)[x_cols]
    costs = (objective - reduced - own[x_cols]).tolist()
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for (iid, _, y), cost in zip(f.x, costs, strict=True):
        prev = out[iid].get(y)
        out[iid][y] = cost if prev is None else min(prev, cost)
    return out


def _infeasible(
    inputs: Inputs,
    f: Formulation,
    solver: SolverName,
    found: list[Relaxation],
    build_seconds: float,
) -> Result:
    t0 = time.perf_counter()
    relaxations = elastic(inputs, f, solver)
    if not relaxations and not found:
        raise SolverError(
            f"{solver} reported no feasible plan, but the elastic re-solve needs no rule to "
            "give way: the solver failed, the inputs are not at fault"
        )
    return Result(
        status="infeasible",
        objective=None,
        years=inputs.scenario.years,
        allocations=(),
        initiatives=(),
        constraints=(),
        diagnosis=(*found, *relaxations),
        provenance=_provenance(inputs, f, solver, "none: the scenario is infeasible"),
        value_unit=VALUE_UNITS[1] if inputs.data.has_costs else VALUE_UNITS[0],
        timings=Timings(build=build_seconds, solve=time.perf_counter() - t0),
    )


__all__ = ["FAMILIES", "InfeasiblePlan", "SolverError", "allocate"]
