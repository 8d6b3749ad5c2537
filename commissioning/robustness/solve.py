"""Solving draws: one warm model per worker thread, re-solved for each draw.

Each worker builds the plan's model once (`WarmStart`) and solves every draw from the
plan's optimal basis: only the coefficients a draw changes (values per £, demand per £,
and whatever else effect and unit cost enter) are changed and put back. A draw the warm
model cannot answer (a mixed-integer draw whose relaxation is not viable, an infeasible
draw) is solved from scratch. Every draw starts from the same basis, so its answer does
not depend on which draws the worker solved before.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from commissioning.allocator.whatif import Optimum, WarmStart, optimum_without
from commissioning.inputs.model import Inputs
from commissioning.robustness.draws import Triangles, draw_inputs


@dataclass(frozen=True)
class DrawResult:
    """What one draw's optimal plan gives: its objective and each service's final year."""

    draw: int
    feasible: bool
    objective: float | None
    final: tuple[float, ...]
    """£ in the final plan year per initiative, in file order (empty when infeasible)."""


class DrawSolver:
    """The plan's warm model and ranges, for solving any number of draws in one thread."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.triangles = Triangles.of(inputs)
        self.warm = WarmStart(inputs)
        self.final_year = inputs.scenario.years[-1]

    def solve(self, seed: int, k: int) -> DrawResult:
        variant = draw_inputs(self.inputs, *self.triangles.draw(seed, k))
        found = self.warm.optimum(variant)
        if found is None:
            found = optimum_without(variant, lambda r: False)
        return self._result(k, found)

    def _result(self, k: int, o: Optimum) -> DrawResult:
        if not o.feasible:
            return DrawResult(k, False, None, ())
        final = tuple(
            o.proposed.get(iid, {}).get(self.final_year, 0.0) for iid in self.triangles.ids
        )
        return DrawResult(k, True, o.objective, final)


_LOCAL = threading.local()
"""Each thread's solver, by the token of the inputs it was built for (a HiGHS model is
changed and put back during a solve, so threads never share one)."""


def solver_for(inputs: Inputs, token: str) -> DrawSolver:
    """This thread's solver for `inputs` (known by `token`), built on first use."""
    cached: tuple[str, DrawSolver] | None = getattr(_LOCAL, "solver", None)
    if cached is None or cached[0] != token:
        cached = (token, DrawSolver(inputs))
        _LOCAL.solver = cached
    return cached[1]


def solve_batch(inputs: Inputs, token: str, seed: int, draws: Sequence[int]) -> list[DrawResult]:
    """Solve a batch of draws: the unit of work a Dask task carries."""
    solver = solver_for(inputs, token)
    return [solver.solve(seed, k) for k in draws]
