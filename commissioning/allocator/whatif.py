"""Re-solving the model with a rule left out: the price of a policy rule.

A shadow price says what relaxing a rule by £1 is worth; the price of a whole policy
(a district floor, a lock, the prevention share) is measured, as the spec asks, by solving
again without it and comparing optima.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from commissioning.allocator.exact import solve_exact
from commissioning.allocator.formulation import Formulation, Row, formulate, objective_scale
from commissioning.allocator.solvers import SolverName
from commissioning.inputs.model import Inputs


@dataclass(frozen=True)
class Optimum:
    """The optimum of a variant of the model, and what it gives each initiative each year."""

    feasible: bool
    objective: float
    proposed: dict[str, dict[int, float]]


def optimum_without(
    inputs: Inputs,
    drop: Callable[[Row], bool],
    solver: SolverName = "highs",
    f: Formulation | None = None,
) -> Optimum:
    """The optimum with every row for which `drop(row)` is true left out."""
    f = f or formulate(inputs)
    rows = [r for r in f.rows if not drop(r)]
    sol, _ = solve_exact(f, solver, objective_scale(f), rows=rows, values_only=True)
    if sol.status != "optimal":
        return Optimum(False, float("nan"), {})
    proposed: dict[str, dict[int, float]] = defaultdict(dict)
    for (iid, _, y), c in f.x.items():
        proposed[iid][y] = proposed[iid].get(y, 0.0) + sol.values[c]
    objective = sum(f.objective[c] * sol.values[c] for c in f.x.values())
    return Optimum(True, objective, dict(proposed))
