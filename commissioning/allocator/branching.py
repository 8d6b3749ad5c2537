"""Branch-and-bound on the loaded relaxation, for the few services that are not viable.

A mixed-integer plan's binaries say only whether a service with a minimum viable size is
funded in a year (model.md: it gets nothing or at least `min_viable`). The relaxation is
usually viable already (`exact.viable_binaries`); when a slider pushes it over an edge,
one or two services land between nothing and their minimum (the sample at a 51%
prevention share in the first year: one service £2,490 short of its £320,000 minimum).
HiGHS's own branch-and-bound then spends seconds on presolve, cuts and heuristics for
what two or three re-solves of the loaded relaxation settle: 2.4-3.7 s against 0.03-0.1 s
(benchmarks/mip.py).

So this searches the tree itself, best bound first: each node fixes some binaries to 0
or 1 and re-solves the relaxation, already in HiGHS, from its parent's basis (the dual
simplex, a few dozen iterations); a node whose relaxation is viable is a plan; a node
whose bound is no better than the best plan (within `PRUNE_REL`, far inside the spec's
gap of 1e-6) is closed. When the open nodes' best bound is no better than the best plan,
that plan is optimal. Past `NODE_LIMIT` nodes, or its time, or on any solver trouble, it
gives up (None) and the caller runs the solver's own branch-and-bound from scratch, so
the answer is always the exact optimum; only how fast it is found differs. A tree whose
every leaf has no plan proves the model has none.
"""

from __future__ import annotations

import heapq
import math
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from commissioning.allocator.formulation import Formulation
from commissioning.allocator.solvers import Solution, SolverError, highs_status

VIABLE_TOLERANCE = 1e-6
"""A service within this of nothing, or (relatively) of its minimum, is viable."""
NODE_LIMIT = 200
"""Nodes solved before the search gives up for the solver's own branch-and-bound."""
PRUNE_REL = 1e-9
"""A node is closed when its bound is within this (relative) of the best plan: the search
finds the optimum itself, not a plan within the spec's gap of it."""


_Node = tuple[float, int, dict[int, float], Any, npt.NDArray[np.float64]]
"""An open node: its bound (HiGHS's objective), when it was made (ties go to the older),
the binaries it holds, its optimal basis and its relaxation's solution."""


class Viability:
    """The services with a minimum viable size, year by year, and the columns whose total
    is each one's amount: the one test of whether a plan gives each nothing or at least its
    minimum (`exact.viable_binaries` and the search both ask it). `column` maps the
    formulation's columns to the solver's (default: the same)."""

    def __init__(self, f: Formulation, column: npt.NDArray[np.int64] | None = None) -> None:
        column = np.arange(len(f.names), dtype=np.int64) if column is None else column
        # In the solver's column order: HiGHS reads the bounds of a set of columns in order.
        keys = sorted(f.z, key=lambda key: int(column[f.z[key]]))
        z = np.array([f.z[key] for key in keys], dtype=np.int64)
        self.binaries = z
        """The binaries' columns in the formulation."""
        self.z = column[z].astype(np.int32)
        """The binaries' columns in the solver, ascending."""
        self.floor = np.fromiter((f.z_floor[c] for c in z), dtype=np.float64, count=len(z))
        group = {key: k for k, key in enumerate(keys)}
        members = [(c, group[(iid, y)]) for (iid, _, y), c in f.x.items() if (iid, y) in group]
        self.x = column[np.array([c for c, _ in members], dtype=np.int64)]
        self.group = np.array([g for _, g in members], dtype=np.int64)
        self.column = column

    def amounts(self, col_value: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each binary's service-year: its total over funding streams."""
        found = np.bincount(self.group, weights=col_value[self.x], minlength=len(self.z))
        return found.astype(np.float64, copy=False)

    def short(self, amounts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """How far each service-year is inside the forbidden zone between nothing and its
        minimum, as a share of the minimum (0 where it is viable)."""
        tol = VIABLE_TOLERANCE * np.maximum(1.0, self.floor)
        inside = (amounts > VIABLE_TOLERANCE) & (amounts < self.floor - tol)
        depth = np.minimum(amounts, self.floor - amounts) / np.maximum(self.floor, 1.0)
        return np.where(inside, depth, 0.0)

    def binaries_of(self, col_value: npt.NDArray[np.float64]) -> dict[int, float] | None:
        """The binaries (formulation column -> 0 or 1) of a viable plan, else None."""
        amounts = self.amounts(col_value)
        if self.short(amounts).any():
            return None
        on = (amounts > VIABLE_TOLERANCE).tolist()
        return {c: 1.0 if o else 0.0 for c, o in zip(self.binaries.tolist(), on, strict=True)}


class _Tree(Viability):
    """The binaries of a relaxation loaded in HiGHS, with the bounds it gave them."""

    def __init__(self, f: Formulation, h: Any, column: npt.NDArray[np.int64]) -> None:
        super().__init__(f, column)
        self.h = h
        status, _, _, lower, upper, _ = self.h.getCols(len(self.z), self.z)
        if status != status.kOk:
            raise SolverError("HiGHS did not give the binaries' bounds")
        self.lower = np.array(lower, dtype=np.float64)  # a copy: HiGHS reuses the buffer
        self.upper = np.array(upper, dtype=np.float64)

    def fix(self, fixed: dict[int, float]) -> None:
        """The relaxation's bounds with `fixed` binaries (index -> 0 or 1) held."""
        lower, upper = self.lower.copy(), self.upper.copy()
        for k, value in fixed.items():
            lower[k] = upper[k] = value
        self.h.changeColsBounds(len(self.z), self.z, lower, upper)


def branch_and_bound(
    f: Formulation,
    h: Any,
    column: npt.NDArray[np.int64] | None = None,
    seconds: float = math.inf,
) -> tuple[Solution, int] | None:
    """The optimal plan of `f`, searched from its relaxation, loaded in the HiGHS model
    `h` (formulation column k is HiGHS's `column[k]`; default: the same) and just solved
    to optimality; with the number of nodes solved. An "infeasible" solution when no node
    has a viable plan (the search is then a proof that the model has none); None when the
    search gives up (more than `NODE_LIMIT` nodes or `seconds`, or the solver stops
    otherwise). Without a time limit the search, and so its plan, depends only on the
    model: the robustness check's draws give the same answer on any machine.

    The model is left as it came: the relaxation's bounds and its optimal basis.
    """
    tree = _Tree(f, h, np.arange(len(f.names), dtype=np.int64) if column is None else column)
    root_basis = h.getBasis()
    solver = _option(h, "solver")
    time_limit = _option(h, "time_limit")
    h.setOptionValue("solver", "simplex")
    t0 = time.perf_counter()
    try:
        return _search(tree, root_basis, t0 + seconds)
    finally:
        tree.fix({})
        h.setBasis(root_basis)
        h.setOptionValue("solver", solver)
        h.setOptionValue("time_limit", time_limit)


def _search(tree: _Tree, root_basis: Any, deadline: float) -> tuple[Solution, int] | None:
    h = tree.h
    t0 = time.perf_counter()
    values = np.asarray(h.getSolution().col_value, dtype=np.float64)
    root: _Node = (h.getInfo().objective_function_value, 0, {}, root_basis, values)
    open_nodes = [root]
    best: npt.NDArray[np.float64] | None = None
    best_objective = np.inf  # HiGHS minimises -scale x the plan's value

    def closed(objective: float) -> bool:
        """No better than the best plan so far."""
        return best is not None and objective >= best_objective - PRUNE_REL * max(
            1.0, abs(best_objective)
        )

    nodes = 0
    while open_nodes:
        bound, _, fixed, basis, values = heapq.heappop(open_nodes)
        if closed(bound):
            break  # no open node can beat the best plan
        short = tree.short(tree.amounts(values))
        if not short.any():  # the relaxation itself is viable: nothing to search
            best, best_objective = values, bound
            break
        k = int(np.argmax(short))
        for value in (1.0, 0.0):
            nodes += 1
            remaining = deadline - time.perf_counter()
            if nodes > NODE_LIMIT or remaining <= 0:
                return None
            child = {**fixed, k: value}
            tree.fix(child)
            h.setBasis(basis)
            h.setOptionValue("time_limit", h.getRunTime() + remaining)
            h.run()
            try:
                if highs_status(h) == "infeasible":
                    continue
            except SolverError:
                return None
            objective = h.getInfo().objective_function_value
            if closed(objective):
                continue
            found = np.asarray(h.getSolution().col_value, dtype=np.float64)
            if not tree.short(tree.amounts(found)).any():
                best, best_objective = found, objective
            else:
                heapq.heappush(open_nodes, (objective, nodes, child, h.getBasis(), found))
    seconds = time.perf_counter() - t0
    if best is None:  # every leaf has no plan: neither has the model
        return Solution("infeasible", (), None, seconds, 0.0), nodes
    return Solution("optimal", tuple(best[tree.column].tolist()), None, seconds, 0.0), nodes


def _option(h: Any, name: str) -> Any:
    found = h.getOptionValue(name)
    return found[-1] if isinstance(found, tuple) else found
