"""Re-solving the model with a rule left out: the price of a policy rule.

A shadow price says what relaxing a rule by £1 is worth; the price of a whole policy
(a district floor, a lock, the prevention share) is measured, as the spec asks, by solving
again without it and comparing optima.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from commissioning.allocator.exact import solve_exact, viable_binaries
from commissioning.allocator.formulation import Formulation, Row, formulate, objective_scale
from commissioning.allocator.solvers import Solution, SolverName, row_bounds
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
    return _optimum(f, sol.values)


class WarmStart:
    """Variants of one plan solved from its optimal basis (HiGHS): break-evens, rule prices.

    A break-even search changes one service's unit cost, effect or evidence rating and
    solves again, a few hundred times for a rationale pack. Each variant is formulated
    afresh and compared with the base formulation row by row; every difference (objective,
    column bounds, coefficients, right-hand sides, rules that disappear) is applied to the
    base model, which is solved from the base optimum's basis and then put back. Whatever
    this cannot express (other columns, a new rule, a mixed-integer variant whose
    relaxation is not viable, any status but optimal) is answered as None, and the caller
    solves from scratch. The optimum is the variant's own: only the starting point differs.
    """

    def __init__(self, inputs: Inputs) -> None:
        from commissioning.allocator.solvers import highs_model

        self.f = formulate(inputs)
        self.scale = objective_scale(self.f)
        self.rows = [*self.f.rows, *self.f.definitions]
        self.h, self.positions = highs_model(self.f, self.scale, self.f.rows, mip=False)
        self.by_name = {r.name: k for k, r in enumerate(self.rows)}
        self.h.run()
        self.basis = self.h.getBasis() if self._optimal() else None

    def _optimal(self) -> bool:
        import highspy

        return bool(self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal)

    def optimum(self, variant: Inputs) -> Optimum | None:
        """The optimum of `variant`, or None where only a solve from scratch can say."""
        import highspy

        if self.basis is None:
            return None
        f, g = self.f, formulate(variant)
        if g.names != f.names or g.integer != f.integer:
            return None
        inf = highspy.kHighsInf
        undo: list[Callable[[], object]] = []
        h = self.h
        try:
            for k, (a, b) in enumerate(zip(f.objective, g.objective, strict=True)):
                if a != b:
                    h.changeColCost(k, -self.scale * b)
                    undo.append(partial(h.changeColCost, k, -self.scale * a))
            for k in range(len(f.names)):
                if (f.lower[k], f.upper[k]) != (g.lower[k], g.upper[k]):
                    return None
            seen: set[int] = set()
            for r in (*g.rows, *g.definitions):
                at = self.by_name.get(r.name)
                if at is None:
                    return None  # a rule the base plan does not have
                seen.add(at)
                base = self.rows[at]
                if base.cols != r.cols:
                    return None
                row = self.positions[at]
                if row < 0:
                    continue  # a rule with no columns, left out of both models
                if base.coefs != r.coefs:
                    for c, a, b in zip(r.cols, base.coefs, r.coefs, strict=True):
                        if a != b:
                            h.changeCoeff(row, c, b)
                            undo.append(partial(h.changeCoeff, row, c, a))
                if (base.sense, base.rhs) != (r.sense, r.rhs):
                    h.changeRowBounds(row, *row_bounds(r.sense, r.rhs, inf))
                    undo.append(
                        partial(h.changeRowBounds, row, *row_bounds(base.sense, base.rhs, inf))
                    )
            for k, row in enumerate(self.positions):
                if k not in seen and row >= 0:  # a rule the variant no longer has
                    h.changeRowBounds(row, -inf, inf)
                    base = self.rows[k]
                    undo.append(
                        partial(h.changeRowBounds, row, *row_bounds(base.sense, base.rhs, inf))
                    )
            h.setBasis(self.basis)
            h.run()
            if not self._optimal():
                return None
            values = list(h.getSolution().col_value)
        finally:
            for step in reversed(undo):
                step()
        if g.is_mip:
            sol = Solution("optimal", tuple(values), None, 0.0, 0.0)
            if viable_binaries(g, sol) is None:
                return None
        return _optimum(g, values)

    def without(self, drop: Callable[[Row], bool]) -> Optimum | None:
        """The base plan's optimum with every rule `drop` selects left out (the price of a
        policy rule), or None where only a solve from scratch can say."""
        import highspy

        if self.basis is None:
            return None
        inf = highspy.kHighsInf
        h = self.h
        undo: list[Callable[[], object]] = []
        try:
            for k, r in enumerate(self.f.rows):
                row = self.positions[k]
                if row >= 0 and drop(r):
                    h.changeRowBounds(row, -inf, inf)
                    undo.append(partial(h.changeRowBounds, row, *row_bounds(r.sense, r.rhs, inf)))
            h.setBasis(self.basis)
            h.run()
            if not self._optimal():
                return None
            values = list(h.getSolution().col_value)
        finally:
            for step in reversed(undo):
                step()
        if self.f.is_mip:
            sol = Solution("optimal", tuple(values), None, 0.0, 0.0)
            if viable_binaries(self.f, sol) is None:
                return None
        return _optimum(self.f, values)


def _optimum(f: Formulation, values: Sequence[float]) -> Optimum:
    proposed: dict[str, dict[int, float]] = defaultdict(dict)
    for (iid, _, y), c in f.x.items():
        proposed[iid][y] = proposed[iid].get(y, 0.0) + values[c]
    objective = sum(f.objective[c] * values[c] for c in f.x.values())
    return Optimum(True, objective, dict(proposed))


_WARM_LOCK = threading.Lock()
_WARM: list[tuple[Inputs, WarmStart]] = []
_INHERITED: list[tuple[Inputs, WarmStart]] = []
"""The warm model of the plan being explained, one per process."""


def _after_fork_in_child() -> None:
    """A process forked while another thread was changing the warm model (the app serves
    sessions in threads) must neither wait for that thread's lock nor use a half-changed
    model: it starts with its own lock and builds its own model when it needs one."""
    global _WARM_LOCK
    _WARM_LOCK = threading.Lock()
    _INHERITED.extend(_WARM)  # kept, never used: not even destroyed mid-change
    _WARM.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def optimum_dropping(
    inputs: Inputs, drop: Callable[[Row], bool], solver: SolverName = "highs"
) -> Optimum:
    """`optimum_without`, started from the plan's optimal basis where it can (HiGHS)."""
    if solver == "highs":
        with _WARM_LOCK:
            if not _WARM or _WARM[0][0] is not inputs:
                _WARM[:] = [(inputs, WarmStart(inputs))]
            found = _WARM[0][1].without(drop)
        if found is not None:
            return found
    return optimum_without(inputs, drop, solver)


def optimum_of_variant(base: Inputs, variant: Inputs, solver: SolverName = "highs") -> Optimum:
    """The optimum of `variant`, a copy of `base` with some figures changed.

    With HiGHS it starts from `base`'s optimal basis where it can (`WarmStart`); otherwise,
    and always with CBC, it solves the variant from scratch.
    """
    if solver == "highs":
        with _WARM_LOCK:  # one HiGHS model, changed and put back: one variant at a time
            if not _WARM or _WARM[0][0] is not base:
                _WARM[:] = [(base, WarmStart(base))]
            found = _WARM[0][1].optimum(variant)
        if found is not None:
            return found
    return optimum_without(variant, lambda r: False, solver)
