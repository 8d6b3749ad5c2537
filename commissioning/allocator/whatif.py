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

from commissioning.allocator.branching import branch_and_bound
from commissioning.allocator.exact import solve_exact, viable_binaries
from commissioning.allocator.formulation import Formulation, Row, formulate, objective_scale
from commissioning.allocator.solvers import (
    Solution,
    SolverError,
    SolverName,
    highs_status,
    row_bounds,
)
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


Change = tuple[Callable[[], object], Callable[[], object]]
"""One change to the warm model: how to make it, and how to put it back."""


class WarmStart:
    """Variants of one plan solved from its optimal basis (HiGHS): break-evens, rule prices.

    A break-even search changes one service's unit cost, effect or evidence rating and
    solves again, a few hundred times for a rationale pack. Each variant is formulated
    afresh and compared with the base formulation row by row; every difference (objective,
    column bounds, coefficients, right-hand sides, rules that disappear) is applied to the
    base model, which is solved from the base optimum's basis and then put back. Whatever
    this cannot express (other columns, a new rule, any status but optimal or infeasible, a
    mixed-integer variant whose search on the warm model gives up) is answered as None, and
    the caller solves from scratch. The optimum is the variant's own: only the starting
    point differs.
    """

    def __init__(self, inputs: Inputs) -> None:
        import highspy

        from commissioning.allocator.solvers import highs_model

        self.f = formulate(inputs)
        self.scale = objective_scale(self.f)
        self.rows = [*self.f.rows, *self.f.definitions]
        self.h, self.positions = highs_model(self.f, self.scale, self.f.rows, mip=False)
        self.by_name = {r.name: k for k, r in enumerate(self.rows)}
        self.inf = highspy.kHighsInf
        self.h.run()
        self.basis = self.h.getBasis() if self._optimal() else None

    def _optimal(self) -> bool:
        import highspy

        return bool(self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal)

    def optimum(self, variant: Inputs) -> Optimum | None:
        """The optimum of `variant`, or None where only a solve from scratch can say."""
        if self.basis is None:
            return None
        g = formulate(variant)
        changes = self._differences(g)
        return None if changes is None else self._solve(changes, g)

    def without(self, drop: Callable[[Row], bool]) -> Optimum | None:
        """The base plan's optimum with every rule `drop` selects left out (the price of a
        policy rule), or None where only a solve from scratch can say."""
        if self.basis is None:
            return None
        changes = [
            self._free(k) for k, r in enumerate(self.f.rows) if self.positions[k] >= 0 and drop(r)
        ]
        return self._solve(changes, self.f)

    def _differences(self, g: Formulation) -> list[Change] | None:
        """What turns the base model into `g`'s, or None if `g` is not the same shape."""
        f, h = self.f, self.h
        if g.names != f.names or g.integer != f.integer or (f.lower, f.upper) != (g.lower, g.upper):
            return None
        changes: list[Change] = [
            (
                partial(h.changeColCost, k, -self.scale * b),
                partial(h.changeColCost, k, -self.scale * a),
            )
            for k, (a, b) in enumerate(zip(f.objective, g.objective, strict=True))
            if a != b
        ]
        seen: set[int] = set()
        for r in (*g.rows, *g.definitions):
            at = self.by_name.get(r.name)
            if at is None or self.rows[at].cols != r.cols:
                return None  # a rule the base plan does not have, or not on the same columns
            seen.add(at)
            base, row = self.rows[at], self.positions[at]
            if row < 0:
                continue  # a rule with no columns, left out of both models
            if base.coefs != r.coefs:  # one tuple comparison for the many rows that agree
                changes += [
                    (partial(h.changeCoeff, row, c, b), partial(h.changeCoeff, row, c, a))
                    for c, a, b in zip(r.cols, base.coefs, r.coefs, strict=True)
                    if a != b
                ]
            if (base.sense, base.rhs) != (r.sense, r.rhs):
                changes.append(
                    (
                        partial(h.changeRowBounds, row, *row_bounds(r.sense, r.rhs, self.inf)),
                        self._restore(at),
                    )
                )
        # Rules the variant no longer has.
        changes += [
            self._free(k) for k in range(len(self.rows)) if k not in seen and self.positions[k] >= 0
        ]
        return changes

    def _free(self, k: int) -> Change:
        """Leave out rule `k` (no bounds), and how to put it back."""
        row = self.positions[k]
        return partial(self.h.changeRowBounds, row, -self.inf, self.inf), self._restore(k)

    def _restore(self, k: int) -> Callable[[], object]:
        r = self.rows[k]
        return partial(
            self.h.changeRowBounds, self.positions[k], *row_bounds(r.sense, r.rhs, self.inf)
        )

    def _solve(self, changes: list[Change], g: Formulation) -> Optimum | None:
        """Apply `changes`, solve from the base basis, put everything back; `g` is the
        formulation the changed model stands for. A mixed-integer variant whose relaxation
        leaves a service short of its minimum is branched on in the same model
        (`branching.branch_and_bound`, without a time limit, so the answer depends only on
        the variant); None where it gives up or HiGHS stops otherwise."""
        h = self.h
        applied: list[Callable[[], object]] = []
        try:
            for apply, undo in changes:
                apply()
                applied.append(undo)
            h.setBasis(self.basis)
            h.run()
            try:
                if highs_status(h) == "infeasible":  # nor has any plan of the variant
                    return Optimum(False, float("nan"), {})
            except SolverError:
                return None
            values = list(h.getSolution().col_value)
            if (
                g.is_mip
                and viable_binaries(g, Solution("optimal", tuple(values), None, 0, 0)) is None
            ):
                found = branch_and_bound(g, h)
                if found is None:
                    return None
                if found[0].status == "infeasible":
                    return Optimum(False, float("nan"), {})
                values = list(found[0].values)
        finally:
            for undo in reversed(applied):
                undo()
        return _optimum(g, values)


def _optimum(f: Formulation, values: Sequence[float]) -> Optimum:
    proposed: dict[str, dict[int, float]] = defaultdict(dict)
    for (iid, _, y), c in f.x.items():
        proposed[iid][y] = proposed[iid].get(y, 0.0) + values[c]
    objective = sum(f.objective[c] * values[c] for c in f.x.values())
    return Optimum(True, objective, dict(proposed))


_WARM_LOCK = threading.Lock()
_WARM: list[tuple[Inputs, WarmStart]] = []
"""The warm model of the plan being explained, one per process."""
_INHERITED: list[tuple[Inputs, WarmStart]] = []
"""Models a forked process inherited: kept, never used (see `_after_fork_in_child`)."""


def _after_fork_in_child() -> None:
    """A process forked while another thread was changing the warm model (the app serves
    sessions in threads) must neither wait for that thread's lock nor use a half-changed
    model: it starts with its own lock and builds its own model when it needs one."""
    global _WARM_LOCK
    _WARM_LOCK = threading.Lock()
    _INHERITED.extend(_WARM)  # not even destroyed: it may be mid-change
    _WARM.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _warm(inputs: Inputs) -> WarmStart:
    """The process's warm model for `inputs` (hold `_WARM_LOCK`): one HiGHS model, changed
    and put back, so one variant at a time."""
    if not _WARM or _WARM[0][0] is not inputs:
        _WARM[:] = [(inputs, WarmStart(inputs))]
    return _WARM[0][1]


def optimum_dropping(
    inputs: Inputs, drop: Callable[[Row], bool], solver: SolverName = "highs"
) -> Optimum:
    """`optimum_without`, started from the plan's optimal basis where it can (HiGHS)."""
    if solver == "highs":
        with _WARM_LOCK:
            found = _warm(inputs).without(drop)
        if found is not None:
            return found
    return optimum_without(inputs, drop, solver)


def optimum_of_variant(base: Inputs, variant: Inputs, solver: SolverName = "highs") -> Optimum:
    """The optimum of `variant`, a copy of `base` with some figures changed.

    With HiGHS it starts from `base`'s optimal basis where it can (`WarmStart`); otherwise,
    and always with CBC, it solves the variant from scratch.
    """
    if solver == "highs":
        with _WARM_LOCK:
            found = _warm(base).optimum(variant)
        if found is not None:
            return found
    return optimum_without(variant, lambda r: False, solver)
