"""The highest share the rules allow: "what is the highest prevention share we can reach?"

A share rule asks that the favoured services (levels 1-2, or one priority) receive at least
a share of all spend. The highest share a scenario's other rules allow is the largest ratio
favoured / total over every plan that meets them: a linear-fractional program, solved
exactly by Dinkelbach's method on the allocation model itself. Each step solves the model
(same rules, same columns) with the objective "favoured - s x total" for the best share s
found so far; the step's plan gives a higher share, until no plan beats s. For a rule that
holds in several years (a priority's minimum share), the step maximises the smallest
"favoured - s x total" over those years (a generalised fractional program, same method).

Pure functions of the inputs: no solver state is kept between calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import replace

from commissioning.allocator.exact import solve_exact
from commissioning.allocator.formulation import Formulation, Row, formulate
from commissioning.allocator.solvers import SolverName, solve_values
from commissioning.inputs.model import Initiative, Inputs

STEPS = 40
"""Dinkelbach converges in a handful of steps; this only stops a pathological loop."""
TOLERANCE = 1e-7
"""Shares closer than this are the same share."""
CLOSE_ENOUGH = 5e-4
"""A mixed-integer search stops once a plan reaches within 0.05 percentage points of the
linear relaxation's answer (a bound on the highest): each of its steps is a full
branch-and-bound, and a share is shown to one decimal place."""


def highest_share(
    inputs: Inputs,
    favoured: Callable[[Initiative], bool],
    years: Collection[int],
    solver: SolverName = "highs",
) -> float | None:
    """The largest s such that some plan meeting every rule of `inputs` gives the favoured
    services at least s of all spend in each of `years`; None when no plan meets the rules.

    The share rule being asked about must already be left out of `inputs` (its share set
    to 0), or the answer cannot fall below it.
    """
    f = formulate(inputs)
    members = {i.initiative_id for i in inputs.data.initiatives if favoured(i)}
    by_year: dict[int, list[tuple[int, bool]]] = {y: [] for y in years}
    for (iid, _, y), col in f.x.items():
        if y in by_year:
            by_year[y].append((col, iid in members))
    # The linear relaxation's answer first (fast, and never below the true one); for a
    # mixed-integer model, a step from there lands on a plan that meets every rule, and
    # the exact steps start from that plan's share, usually one or two steps from the end.
    bound = _dinkelbach(f, by_year, 0.0, solver, relax=True)
    if bound is None or not f.is_mip:
        return bound
    return _dinkelbach(f, by_year, bound, solver, relax=False, bound=bound)


def _dinkelbach(
    f: Formulation,
    by_year: dict[int, list[tuple[int, bool]]],
    share: float,
    solver: SolverName,
    relax: bool,
    bound: float | None = None,
) -> float | None:
    """Dinkelbach's steps from `share` (which may be too high: the first step's plan then
    gives a share that some plan reaches); stops early within CLOSE_ENOUGH of `bound`."""
    best: float | None = None
    for _ in range(STEPS):
        plan = _best_against(f, by_year, share, solver, relax)
        if plan is None:
            return best
        reached = _smallest_share(plan, by_year)
        if best is not None and reached <= best + TOLERANCE:
            return best
        best = share = reached
        if bound is not None and bound - best <= CLOSE_ENOUGH:
            return best
    return best


def _best_against(
    f: Formulation,
    by_year: dict[int, list[tuple[int, bool]]],
    share: float,
    solver: SolverName,
    relax: bool,
) -> list[float] | None:
    """A plan maximising min over years of (favoured - share x total); None if none."""
    g = Formulation(
        names=list(f.names),
        lower=list(f.lower),
        upper=list(f.upper),
        integer=list(f.integer),
        objective=[0.0] * len(f.names),
        definitions=list(f.definitions),
        x=f.x,
        z=f.z,
        z_floor=f.z_floor,
    )
    # t is free: from a share above the highest, every plan gives t < 0.
    t = g.add_column("highest_share_t", obj=1.0)
    g.lower[t] = -math.inf
    rows: list[Row] = list(f.rows)
    for y, cols in by_year.items():
        coefs = tuple(-(1.0 - share) if member else share for _, member in cols)
        rows.append(
            Row(
                f"highest_share[{y}]",
                "highest_share",
                (str(y),),
                (t, *(c for c, _ in cols)),
                (1.0, *coefs),
                "<=",
                0.0,
                y,
            )
        )
    if relax:
        sol = solve_values(g, solver, 1e-6, rows=rows, relax=True)
    else:
        sol, _ = solve_exact(g, solver, 1e-6, rows=rows, values_only=True)
    if sol.status != "optimal":
        return None
    return list(sol.values)


def _smallest_share(values: list[float], by_year: dict[int, list[tuple[int, bool]]]) -> float:
    """The smallest favoured share of spend over the years (a year of no spend meets any)."""
    shares = []
    for cols in by_year.values():
        total = sum(max(0.0, values[c]) for c, _ in cols)
        if total <= 1e-9:
            continue
        shares.append(sum(max(0.0, values[c]) for c, member in cols if member) / total)
    return min(shares, default=1.0)


def highest_prevention_share(
    inputs: Inputs, year: int, solver: SolverName = "highs"
) -> float | None:
    """The highest prevention share in `year` that the scenario's other rules allow (its
    prevention share in the other years as set)."""
    sc = inputs.scenario
    shares = tuple(0.0 if y == year else sc.prevention_share_in(y) for y in sc.years)
    without = replace(inputs, scenario=replace(sc, prevention_share=shares))
    return highest_share(without, lambda i: i.level <= 2, (year,), solver)


def highest_priority_share(
    inputs: Inputs, priority_id: str, solver: SolverName = "highs"
) -> float | None:
    """The highest minimum share of all spend, in every plan year, that a priority could be
    given under the scenario's rules (the other priorities' minimum shares as they are)."""
    data = inputs.data
    priorities = tuple(
        replace(p, min_share=0.0) if p.priority_id == priority_id else p for p in data.priorities
    )
    without = replace(inputs, data=replace(data, priorities=priorities))
    return highest_share(
        without, lambda i: i.priority_id == priority_id, inputs.scenario.years, solver
    )
