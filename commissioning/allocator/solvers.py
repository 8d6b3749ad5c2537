"""Hand a formulation to a named solver through PuLP, and read back values and duals.

This is the one place that knows solver conventions. The problem is always passed as a
minimisation of the scaled, negated objective, because on a minimisation PuLP's HiGHS and
CBC adapters agree on the sign of duals (on a maximisation they do not). Duals come back
here as d(optimum)/d(right-hand side) in the model's own unscaled units, whatever the
solver; the result layer turns them into the spec's shadow prices.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, Literal

import pulp

from commissioning.allocator.formulation import Formulation, Row

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[SolverName, ...] = ("highs", "cbc")
MIP_REL_GAP = 1e-6
_SENSES = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


class SolverError(RuntimeError):
    """The solver failed (not: the inputs are impossible)."""


@dataclass(frozen=True)
class Solution:
    status: Literal["optimal", "infeasible"]
    values: tuple[float, ...]
    """One value per column of the formulation."""
    duals: tuple[float | None, ...] | None
    """Per rule row: d(optimum)/d(rhs), unscaled; None when the solver gives none (a MIP)."""
    seconds: float
    build_seconds: float
    reduced_costs: tuple[float, ...] | None = None
    """Per column: objective minus the priced rows' use of it, unscaled (maximisation)."""


def solver_version(name: SolverName) -> str:
    if name == "highs":
        return f"HiGHS {version('highspy')} (highspy, via PuLP {pulp.__version__})"
    return f"CBC 2.10.3 (bundled with PuLP {pulp.__version__})"


_PUNCTUATION = str.maketrans(dict.fromkeys("[],-+ ->/:;'\"()*=<>!?@#$%^&~`{}|\\", "_"))


def _safe_name(name: str) -> str:
    """`capacity[FS-PEN-01,2027]` -> `capacity_FS_PEN_01_2027`: what LP files accept."""
    base = name.translate(_PUNCTUATION)
    if not (base.isascii() and base.replace("_", "").replace(".", "").isalnum()):
        base = _UNSAFE.sub("_", base)
    return base.strip("_") or "r"


def _safe_names(names: list[str]) -> list[str]:
    """Names PuLP and the LP file format accept, kept readable and unique."""
    seen: set[str] = set()
    out = []
    for n in names:
        base = _safe_name(n)
        safe, k = base, 1
        while safe in seen:
            k += 1
            safe = f"{base}__{k}"
        seen.add(safe)
        out.append(safe)
    return out


def to_pulp(
    f: Formulation,
    scale: float,
    fixed: dict[int, float] | None = None,
    rows: list[Row] | None = None,
) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint | None]]:
    """The PuLP problem: minimise -scale * objective subject to the rows and definitions.

    `fixed` pins columns (the binaries of a MIP, to price its optimum as an LP).
    Rows with no columns are left out (their dual is 0); None stands in their place.
    """
    rows = f.rows if rows is None else rows
    prob = pulp.LpProblem("allocation", pulp.LpMinimize)
    fixed = fixed or {}
    variables = []
    for k, name in enumerate(_safe_names(f.names)):
        if k in fixed:
            var = pulp.LpVariable(name, lowBound=fixed[k], upBound=fixed[k])
        else:
            cat = pulp.LpBinary if f.integer[k] else pulp.LpContinuous
            var = pulp.LpVariable(name, lowBound=f.lower[k], upBound=f.upper[k], cat=cat)
        variables.append(var)
    prob.setObjective(
        pulp.LpAffineExpression(
            [(variables[k], -scale * c) for k, c in enumerate(f.objective) if c != 0.0]
        )
    )
    row_names = _safe_names([r.name for r in rows] + [r.name for r in f.definitions])
    constraints: list[pulp.LpConstraint | None] = []
    for r, name in zip([*rows, *f.definitions], row_names, strict=True):
        if not r.cols:
            constraints.append(None)
            continue
        expr = pulp.LpAffineExpression(
            [(variables[c], a) for c, a in zip(r.cols, r.coefs, strict=True)]
        )
        con = pulp.LpConstraint(expr, _SENSES[r.sense], name, r.rhs)
        prob.addConstraint(con)
        constraints.append(con)
    return prob, variables, constraints[: len(rows)]


IPM_FROM_COLUMNS = 20_000
"""From this many columns HiGHS's interior point method (with crossover, so duals are
still those of a basic solution) beats its simplex on these models by 3-5x; below it, the
simplex is faster (measured in benchmarks/README.md)."""


class BulkHiGHS(pulp.HiGHS):  # type: ignore[misc]
    """PuLP's HiGHS adapter, handing the model over in two bulk calls.

    PuLP's own adapter adds columns and rows one call at a time, which dominates the
    non-solver time of large plans; this builds the same arrays once and passes them with
    `addCols` and `addRows`. Values, duals and statuses are read back by PuLP as usual.
    """

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        import highspy
        import numpy as np

        inf = highspy.kHighsInf
        sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        variables = lp.variables()
        objective = lp.objective
        costs = np.empty(len(variables))
        lower = np.empty(len(variables))
        upper = np.empty(len(variables))
        integer = []
        for k, var in enumerate(variables):
            var.index = k
            costs[k] = sign * objective.get(var, 0.0)
            lower[k] = -inf if var.lowBound is None else var.lowBound
            upper[k] = inf if var.upBound is None else var.upBound
            if var.cat == pulp.LpInteger and self.mip:
                integer.append(k)
        empty = np.zeros(0, dtype=np.int32)
        lp.solverModel.addCols(len(variables), costs, lower, upper, 0, empty, empty, np.zeros(0))
        if integer:
            lp.solverModel.changeColsIntegrality(
                len(integer),
                np.array(integer, dtype=np.int32),
                np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        row_lower = []
        row_upper = []
        for k, con in enumerate(lp._constraints.values()):
            con.index = k
            starts.append(len(index))
            for var, coef in con.items():
                if coef != 0:
                    index.append(var.index)
                    value.append(coef)
            lb, ub = con.getLb(), con.getUb()
            row_lower.append(-inf if lb is None else lb)
            row_upper.append(inf if ub is None else ub)
        lp.solverModel.addRows(
            len(starts),
            np.array(row_lower),
            np.array(row_upper),
            len(index),
            np.array(starts, dtype=np.int32),
            np.array(index, dtype=np.int32),
            np.array(value),
        )


def make_solver(name: SolverName, mip: bool, columns: int = 0) -> pulp.LpSolver:
    if name == "highs":
        options = {"solver": "ipm"} if not mip and columns >= IPM_FROM_COLUMNS else {}
        return BulkHiGHS(msg=False, mip=mip, gapRel=MIP_REL_GAP if mip else None, **options)
    if name == "cbc":
        return pulp.PULP_CBC_CMD(msg=False, mip=mip, gapRel=MIP_REL_GAP if mip else None)
    raise ValueError(f"unknown solver {name!r} (known: {', '.join(SOLVERS)})")


def solve(
    f: Formulation,
    solver: SolverName,
    scale: float,
    fixed: dict[int, float] | None = None,
    rows: list[Row] | None = None,
    relax: bool = False,
) -> Solution:
    """Solve the formulation (maximising its objective) and return values and duals.

    `relax` solves the linear relaxation of a mixed-integer formulation.
    """
    t0 = time.perf_counter()
    prob, variables, constraints = to_pulp(f, scale, fixed, rows)
    mip = f.is_mip and not fixed and not relax
    s = make_solver(solver, mip, len(variables))
    t1 = time.perf_counter()
    try:
        prob.solve(s)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{solver} failed: {exc}") from exc
    t2 = time.perf_counter()
    status = pulp.LpStatus[prob.status]
    if status in ("Infeasible", "Unbounded", "Undefined"):
        # Every column has a capacity row, so the model is never unbounded: a solver that
        # says so (HiGHS's "unbounded or infeasible") has found no feasible plan. The
        # caller confirms with the elastic re-solve before telling the user.
        return Solution("infeasible", (), None, t2 - t1, t1 - t0)
    if status != "Optimal" or prob.sol_status not in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        raise SolverError(
            f"{solver} stopped with status {status!r} "
            f"(solution status {pulp.LpSolution.get(prob.sol_status, prob.sol_status)!r})"
        )
    values = tuple(float(v.varValue) if v.varValue is not None else 0.0 for v in variables)
    duals: tuple[float | None, ...] | None = None
    if not mip:
        # d(min of -scale*obj)/d(rhs) = pi  =>  d(obj)/d(rhs) = -pi / scale
        duals = tuple(0.0 if c is None else (-(c.pi or 0.0) / scale) for c in constraints)
        # dj of min(-scale*obj) = -scale * (the maximisation's reduced cost)
        reduced = tuple(-(v.dj or 0.0) / scale for v in variables)
        return Solution("optimal", values, duals, t2 - t1, t1 - t0, reduced)
    return Solution("optimal", values, duals, t2 - t1, t1 - t0)


def highs_model(f: Formulation, scale: float, rows: list[Row], mip: bool) -> tuple[Any, list[int]]:
    """The model `solve` hands to HiGHS, built directly: minimise -scale * objective.

    Returns the `highspy.Highs` object and, for each of `rows` then `f.definitions`, its row
    in HiGHS (-1 for a row with no columns, which is left out).
    """
    import highspy
    import numpy as np

    inf = highspy.kHighsInf
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    if mip:
        h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    elif len(f.names) >= IPM_FROM_COLUMNS:
        h.setOptionValue("solver", "ipm")
    n = len(f.names)
    # A binary is bounded by [0, 1], as PuLP bounds an LpBinary.
    upper = [1.0 if f.integer[k] else (inf if u is None else u) for k, u in enumerate(f.upper)]
    empty = np.zeros(0, dtype=np.int32)
    h.addCols(
        n,
        -scale * np.asarray(f.objective, dtype=float),
        np.asarray(f.lower, dtype=float),
        np.asarray(upper, dtype=float),
        0,
        empty,
        empty,
        np.zeros(0),
    )
    if mip:
        integer = np.array([k for k in range(n) if f.integer[k]], dtype=np.int32)
        if len(integer):
            h.changeColsIntegrality(
                len(integer),
                integer,
                np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    positions: list[int] = []
    for r in (*rows, *f.definitions):
        if not r.cols:
            positions.append(-1)
            continue
        positions.append(len(starts))
        starts.append(len(index))
        for c, a in zip(r.cols, r.coefs, strict=True):
            if a != 0:
                index.append(c)
                value.append(a)
        low, up = row_bounds(r.sense, r.rhs, inf)
        row_lower.append(low)
        row_upper.append(up)
    h.addRows(
        len(starts),
        np.asarray(row_lower, dtype=float),
        np.asarray(row_upper, dtype=float),
        len(index),
        np.asarray(starts, dtype=np.int32),
        np.asarray(index, dtype=np.int32),
        np.asarray(value, dtype=float),
    )
    return h, positions


def row_bounds(sense: str, rhs: float, inf: float) -> tuple[float, float]:
    """A rule `... <sense> rhs` as HiGHS's row bounds."""
    return (rhs if sense in (">=", "==") else -inf, rhs if sense in ("<=", "==") else inf)


def solve_values(
    f: Formulation,
    solver: SolverName,
    scale: float,
    rows: list[Row] | None = None,
    relax: bool = False,
) -> Solution:
    """Solve for the plan's values only: no duals, no names (the what-if re-solves).

    A break-even search or the price of a rule re-solves the model many times and reads
    only the optimum, so HiGHS is handed the formulation's arrays directly, skipping PuLP's
    problem objects, which cost more than the solve itself on a county's plan. The model
    is exactly the one `solve` builds (same columns, bounds, rows, options); CBC goes
    through `solve`.
    """
    if solver != "highs":
        return solve(f, solver, scale, rows=rows, relax=relax)
    import highspy

    t0 = time.perf_counter()
    h, _ = highs_model(f, scale, f.rows if rows is None else rows, f.is_mip and not relax)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    status = h.getModelStatus()
    statuses = highspy.HighsModelStatus
    if status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible, statuses.kUnbounded):
        # As in `solve`: every column is bounded, so "unbounded" means no feasible plan.
        return Solution("infeasible", (), None, t2 - t1, t1 - t0)
    if status != statuses.kOptimal:
        raise SolverError(f"highs stopped with status {h.modelStatusToString(status)!r}")
    values = tuple(float(v) for v in h.getSolution().col_value)
    return Solution("optimal", values, None, t2 - t1, t1 - t0)


def write_lp(f: Formulation, path: str, scale: float = 1.0) -> None:
    """Write the formulation as an LP file (for golden tests and for auditors)."""
    prob, _, _ = to_pulp(f, scale)
    prob.writeLP(path)


def write_mps(f: Formulation, path: str, scale: float) -> None:
    """Write the formulation as an MPS file (the benchmark's pure-solver comparison)."""
    prob, _, _ = to_pulp(f, scale)
    prob.writeMPS(path)
