"""Build, solve and read back one allocation: the pure heart of the toolkit.

`allocate(inputs)` returns a `Result` for an optimal plan, raises `InfeasiblePlan` (carrying
a result with the diagnosis) when the scenario's rules cannot all hold, and `SolverError`
when the solver itself failed. No printing, no files.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from commissioning import __version__
from commissioning.allocator.diagnose import elastic, prechecks
from commissioning.allocator.exact import solve_exact
from commissioning.allocator.formulation import (
    Formulation,
    benefit_cost_ratios,
    formulate,
    objective_scale,
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
from commissioning.allocator.solvers import Solution, SolverError, SolverName, solve, solver_version
from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.model import Inputs

ALLOCATION_THRESHOLD = 0.005
"""x[i,s,y] above this (£) is reported as an allocation."""
BINDING_TOLERANCE = 1e-6
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


def allocate(inputs: Inputs, solver: SolverName = "highs") -> Result:
    """The optimal plan of model.md section 3 for these inputs, solved with `solver`."""
    with _quiet_collector():
        return _allocate(inputs, solver)


def _allocate(inputs: Inputs, solver: SolverName) -> Result:
    t0 = time.perf_counter()
    f = formulate(inputs)
    scale = objective_scale(f)
    t_build = time.perf_counter() - t0

    found = prechecks(inputs)
    if found:
        raise InfeasiblePlan(_infeasible(inputs, f, solver, found, t_build))

    sol, fixed_z = solve_exact(f, solver, scale)
    solve_seconds = sol.seconds
    build_seconds = t_build + sol.build_seconds
    if sol.status == "infeasible":
        raise InfeasiblePlan(_infeasible(inputs, f, solver, [], build_seconds))

    prices_note = "duals of the linear program"
    if f.is_mip:
        priced = solve(f, solver, scale, fixed=fixed_z)
        solve_seconds += priced.seconds
        build_seconds += priced.build_seconds
        if priced.status == "optimal":
            sol = priced
            prices_note = (
                "duals of the linear program with the viability binaries fixed at their "
                "optimum; rules of a service held at 0 by viability report no price"
            )
        else:
            sol = replace(sol, duals=None, reduced_costs=None)
            prices_note = "not available: the binaries-fixed linear program did not solve"

    t1 = time.perf_counter()
    result = _optimal_result(inputs, f, sol, fixed_z, solver, prices_note)
    extract = time.perf_counter() - t1
    return replace(
        result, timings=Timings(build=build_seconds, solve=solve_seconds, extract=extract)
    )


def _provenance(inputs: Inputs, f: Formulation, solver: SolverName, prices: str) -> Provenance:
    return Provenance(
        inputs_sha256=fingerprint(inputs),
        scenario=inputs.scenario.name,
        solver=solver,
        solver_version=solver_version(solver),
        version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        problem_type="MIP" if f.is_mip else "LP",
        prices=prices,
        scenario_settings=inputs.scenario.to_dict(),
    )


def _optimal_result(
    inputs: Inputs,
    f: Formulation,
    sol: Solution,
    fixed_z: dict[int, float],
    solver: SolverName,
    prices_note: str,
) -> Result:
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
    opportunity = _opportunity_costs(f, sol)
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
    idle = {key for key, c in f.z.items() if fixed_z.get(c) == 0.0}
    constraints = []
    for k, r in enumerate(f.rows):
        activity = sum(a * values[c] for c, a in zip(r.cols, r.coefs, strict=True))
        slack = (
            r.rhs - activity if r.sense == "<=" else activity - r.rhs if r.sense == ">=" else 0.0
        )
        price: float | None = None
        if sol.duals is not None and not (
            r.initiative_id is not None and (r.initiative_id, r.year) in idle
        ):
            d = sol.duals[k]
            assert d is not None
            price = d if r.sense in ("<=", "==") else -d
            if r.sense != "==" and -PRICE_NOISE * max(1.0, abs(d)) < price < 0:
                price = 0.0
            price = price + 0.0  # no negative zero in files
        constraints.append(
            ConstraintResult(
                name=r.name,
                family=r.family,
                index=r.index,
                sense=r.sense,
                bound=r.rhs,
                slack=slack,
                binding=abs(slack) <= BINDING_TOLERANCE * max(1.0, abs(r.rhs))
                if r.sense == "=="
                else slack <= BINDING_TOLERANCE * max(1.0, abs(r.rhs)),
                shadow_price=price,
                year=r.year,
                initiative_id=r.initiative_id,
            )
        )
    objective = sum(f.objective[c] * values[c] for c in f.x.values())
    return Result(
        status="optimal",
        objective=objective,
        years=years,
        allocations=allocations,
        initiatives=initiatives,
        constraints=tuple(constraints),
        diagnosis=(),
        provenance=_provenance(inputs, f, solver, prices_note),
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
    amounts = {(s.stream_id, y): 0.0 for s in inputs.data.streams for y in sc.years}
    for (iid, sid), by_k in f.kappa.items():
        for y in sc.years:
            for y_before in sc.years:
                k = y - y_before
                if k >= 1 and k in by_k:
                    change = totals[iid][y_before] - current[iid]
                    amounts[(sid, y)] += sc.reinvest * by_k[k] * change
    return tuple(
        Saving(s.stream_id, y, amounts[(s.stream_id, y)] + 0.0)
        for s in inputs.data.streams
        if s.stream_id in cashable
        for y in sc.years
    )


def _opportunity_costs(f: Formulation, sol: Solution) -> dict[str, dict[int, float]]:
    """Per initiative and year: what £1 more would cost elsewhere, on its cheapest stream.

    The reduced cost of x[i,s,y] is v(i) minus the priced use of every row it enters; adding
    back the rows of i itself (capacity, contract, growth...) leaves the price of the money
    and of the shared rules: v(i) - reduced cost - (own rows' share).
    """
    if sol.duals is None or sol.reduced_costs is None:
        return {}
    own: dict[int, float] = defaultdict(float)
    for k, r in enumerate(f.rows):
        if r.initiative_id is None:
            continue
        d = sol.duals[k] or 0.0
        for c, a in zip(r.cols, r.coefs, strict=True):
            own[c] += d * a
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for (iid, _, y), c in f.x.items():
        cost = f.objective[c] - sol.reduced_costs[c] - own[c]
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
