"""Solving draws: one warm model per worker thread, re-solved for each draw.

Each worker builds the plan's model once (`WarmStart`) and solves every draw from the
plan's optimal basis: only the coefficients the draw's figures enter (values per £ in the
objective, participants per £ in the demand rules; with reinvested savings, the envelopes
too) are changed, solved and put back. A mixed-integer draw whose relaxation is not
viable branches on the same warm model (`WarmStart`, as every what-if does). What the warm
model cannot answer (a branch-and-bound that grows too big, HiGHS stopping for any reason
but an optimum or no plan) is solved from scratch. Every draw starts from the same basis,
so its answer does not depend on which draws the worker solved before.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from commissioning.allocator.formulation import Formulation, formulate, values_per_pound
from commissioning.allocator.registry import DEMAND
from commissioning.allocator.whatif import Change, Optimum, WarmStart, optimum_without
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
        self.direct = _Figures(self.warm) if not self.warm.f.kappa else None

    def solve(self, seed: int, k: int) -> DrawResult:
        variant = draw_inputs(self.inputs, *self.triangles.draw(seed, k))
        found = self._warm(variant)
        if found is None:
            found = optimum_without(variant, lambda r: False)
        return self._result(k, found)

    def _warm(self, variant: Inputs) -> Optimum | None:
        """The draw's optimum from the plan's basis, or None where a cold solve must say."""
        w = self.warm
        if w.basis is None:
            return None
        if self.direct is not None:
            changes, g = self.direct.changes(variant)
        else:  # reinvested savings put the figures into the envelopes too: compare rows
            g = formulate(variant)
            found = w._differences(g)
            if found is None:
                return None
            changes = found
        return w._solve(changes, g)

    def _result(self, k: int, o: Optimum) -> DrawResult:
        if not o.feasible:
            return DrawResult(k, False, None, ())
        final = tuple(
            o.proposed.get(iid, {}).get(self.final_year, 0.0) for iid in self.triangles.ids
        )
        return DrawResult(k, True, o.objective, final)


class _Figures:
    """Where a draw's figures enter the plan's model, so a draw changes exactly those
    coefficients without being formulated again: the value per £ of every column of an
    initiative (the objective) and its participants per £ (1 / cost) in the demand rules.
    Used when no savings are reinvested (otherwise the envelopes hold the figures too, and
    the draw is formulated and compared row by row). Tested equal to that comparison.
    """

    def __init__(self, warm: WarmStart) -> None:
        f = warm.f
        self.warm = warm
        owner = {c: iid for (iid, _, _), c in f.x.items()}
        self.columns = sorted(owner.items())
        self.demand = [
            (warm.positions[k], c, a, owner[c])
            for k, r in enumerate(f.rows)
            if r.family == DEMAND and warm.positions[k] >= 0
            for c, a in zip(r.cols, r.coefs, strict=True)
        ]

    def changes(self, variant: Inputs) -> tuple[list[Change], Formulation]:
        """The changes a draw makes (and how to undo each), and the formulation it stands
        for (the plan's, with the draw's objective)."""
        w, h = self.warm, self.warm.h
        f = w.f
        v = values_per_pound(variant)
        unit = {i.initiative_id: i.unit_cost for i in variant.data.initiatives}
        objective = list(f.objective)
        changes: list[Change] = []
        for c, iid in self.columns:
            objective[c] = b = v[iid]
            if b != f.objective[c]:
                changes.append(
                    (
                        partial(h.changeColCost, c, -w.scale * b),
                        partial(h.changeColCost, c, -w.scale * f.objective[c]),
                    )
                )
        for row, c, a, iid in self.demand:
            b = 1.0 / unit[iid]
            if b != a:
                changes.append(
                    (partial(h.changeCoeff, row, c, b), partial(h.changeCoeff, row, c, a))
                )
        return changes, replace(f, objective=objective)


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
