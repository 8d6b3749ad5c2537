"""Hand a formulation to a named solver, and read back values and duals.

HiGHS is given the formulation's arrays directly (highspy); CBC, and the LP and MPS
files, go through PuLP. This is the one place that knows solver conventions. The problem
is always passed as a minimisation of the scaled, negated objective, because on a
minimisation PuLP's HiGHS and CBC adapters agree on the sign of duals (on a maximisation
they do not). Duals come back here as d(optimum)/d(right-hand side) in the model's own
unscaled units, whatever the solver; the result layer turns them into the spec's shadow prices.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version
from itertools import chain
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pulp

from commissioning.allocator.formulation import Formulation
from commissioning.allocator.rows import Row, RuleTerms, ranges

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[SolverName, ...] = ("highs", "cbc")
MIP_REL_GAP = 1e-6
_SENSES = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")
_UNSAFE_OR_NEWLINE = re.compile(r"[^A-Za-z0-9_.\n]")
"""`_UNSAFE`, but keeping the line breaks `_safe_names` joins the names with."""


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


@cache
def solver_version(name: SolverName) -> str:
    """The solver and its version, as the result file records it (read once: the package
    metadata costs milliseconds, a tenth of a warm county re-plan)."""
    if name == "highs":
        return f"HiGHS {version('highspy')} (highspy)"
    return f"CBC 2.10.3 (bundled with PuLP {pulp.__version__})"


_PUNCTUATION = str.maketrans(dict.fromkeys("[],-+ ->/:;'\"()*=<>!?@#$%^&~`{}|\\", "_"))


def _safe_name(name: str) -> str:
    """`capacity[FS-PEN-01,2027]` -> `capacity_FS_PEN_01_2027`: what LP files accept."""
    base = name.translate(_PUNCTUATION)
    if not (base.isascii() and base.replace("_", "").replace(".", "").isalnum()):
        base = _UNSAFE.sub("_", base)
    return base.strip("_") or "r"


def _safe_names(names: list[str]) -> list[str]:
    """Names PuLP and the LP file format accept, kept readable and unique.

    Each is `_safe_name` of the name (a second `__k` for the k-th of equal ones); the
    characters are replaced in one pass over all the names joined, in about a third of
    the time of a pass per name (11,000 columns at region: 4 ms against 12 ms).
    """
    joined = "\n".join(names)
    parts = _UNSAFE_OR_NEWLINE.sub("_", joined.translate(_PUNCTUATION)).split("\n")
    if len(parts) != len(names):  # a name with a line break in it, or none at all
        bases = [_safe_name(n) for n in names]
    else:
        bases = [p.strip("_") or "r" for p in parts]
    if len(set(bases)) == len(bases):
        return bases
    seen: set[str] = set()
    out = []
    for base in bases:
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


Handover = Literal["direct", "pulp"]


def solve(
    f: Formulation,
    solver: SolverName,
    scale: float,
    fixed: dict[int, float] | None = None,
    rows: list[Row] | None = None,
    relax: bool = False,
    handover: Handover = "direct",
    before_run: Callable[[], object] | None = None,
) -> Solution:
    """Solve the formulation (maximising its objective) and return values and duals.

    `relax` solves the linear relaxation of a mixed-integer formulation. HiGHS is handed
    the formulation's arrays directly (`solve_highs`) unless `handover` is "pulp"; CBC
    always goes through PuLP, which also writes the LP and MPS files. `before_run` is
    called once the model is loaded, just before the solver starts (to start work on
    another thread while it runs).
    """
    if solver == "highs" and handover == "direct":
        return solve_highs(f, scale, fixed, rows, relax, before_run=before_run)[0]
    return solve_pulp(f, solver, scale, fixed, rows, relax, before_run)


def solve_pulp(
    f: Formulation,
    solver: SolverName,
    scale: float,
    fixed: dict[int, float] | None = None,
    rows: list[Row] | None = None,
    relax: bool = False,
    before_run: Callable[[], object] | None = None,
) -> Solution:
    """`solve` through PuLP's problem objects and the named solver's PuLP adapter."""
    t0 = time.perf_counter()
    prob, variables, constraints = to_pulp(f, scale, fixed, rows)
    mip = f.is_mip and not fixed and not relax
    s = make_solver(solver, mip, len(variables))
    if before_run is not None:
        before_run()
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


@dataclass(frozen=True)
class RowArrays:
    """Rows as compressed sparse arrays, in the order given, zero coefficients kept.

    `row_of[k]` is the HiGHS row of rule k, or -1 for a rule with no columns (left out of
    the model, as PuLP leaves it out); `nonzero` marks the entries HiGHS is given.
    """

    starts: npt.NDArray[np.int64]
    """Entries of row k are starts[k]:starts[k+1]."""
    cols: npt.NDArray[np.int32]
    coefs: npt.NDArray[np.float64]
    rhs: npt.NDArray[np.float64]
    le: npt.NDArray[np.bool_]
    """The rule caps its left-hand side (<= or ==)."""
    ge: npt.NDArray[np.bool_]
    """The rule floors its left-hand side (>= or ==)."""
    row_of: npt.NDArray[np.int64]

    def bounds(self, inf: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """HiGHS's row bounds of every rule (`row_bounds`, for all rows at once)."""
        return np.where(self.ge, self.rhs, -inf), np.where(self.le, self.rhs, inf)

    def head(self, n: int) -> RowArrays:
        """The first n rows (the rules of arrays built from rules then definitions)."""
        end = int(self.starts[n])
        return RowArrays(
            self.starts[: n + 1],
            self.cols[:end],
            self.coefs[:end],
            self.rhs[:n],
            self.le[:n],
            self.ge[:n],
            self.row_of[:n],
        )

    @property
    def nonzero(self) -> npt.NDArray[np.bool_]:
        return np.not_equal(self.coefs, 0.0)


def row_arrays(rows: Sequence[Row]) -> RowArrays:
    """The rows' columns, coefficients, senses and right-hand sides as numpy arrays."""
    n = len(rows)
    lengths = np.fromiter((len(r.cols) for r in rows), dtype=np.int64, count=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    nnz = int(starts[-1])
    cols = np.fromiter(chain.from_iterable(r.cols for r in rows), dtype=np.int32, count=nnz)
    coefs = np.fromiter(chain.from_iterable(r.coefs for r in rows), dtype=np.float64, count=nnz)
    rhs = np.fromiter((r.rhs for r in rows), dtype=np.float64, count=n)
    le = np.fromiter((r.sense != ">=" for r in rows), dtype=np.bool_, count=n)
    ge = np.fromiter((r.sense != "<=" for r in rows), dtype=np.bool_, count=n)
    present = lengths > 0
    row_of = np.where(present, np.cumsum(present) - 1, -1)
    return RowArrays(starts, cols, coefs, rhs, le, ge, row_of)


def _joined(terms: RuleTerms, definitions: RowArrays) -> RowArrays:
    """`row_arrays([*rules, *definitions])`, from the rules' arrays gathered while
    `formulate` wrote them."""
    length = np.concatenate([terms.lengths, np.diff(definitions.starts)])
    starts = np.zeros(len(length) + 1, dtype=np.int64)
    np.cumsum(length, out=starts[1:])
    present = length > 0
    return RowArrays(
        starts,
        np.concatenate([terms.cols, definitions.cols]),
        np.concatenate([terms.coefs, definitions.coefs]),
        np.concatenate([terms.rhs, definitions.rhs]),
        np.concatenate([terms.le, definitions.le]),
        np.concatenate([terms.ge, definitions.ge]),
        np.where(present, np.cumsum(present) - 1, -1),
    )


def rule_arrays(f: Formulation) -> RowArrays:
    """`f`'s rules, then its definitions, as arrays: made once per formulation (its rows
    are final once `formulate` returns) and shared by the hand-over and the extraction."""
    key = (id(f.rows), len(f.rows), id(f.definitions), len(f.definitions))
    found = f.memo.get("rule_arrays")
    if isinstance(found, tuple) and found[0] == key:
        return cast(RowArrays, found[1])
    written = f.memo.get("rule_terms")
    if (
        isinstance(written, tuple)
        and written[0] is f.rows
        and len(written[1].lengths) == len(f.rows)
    ):
        # The rules `formulate` wrote, unchanged (a row is a tuple: it cannot be edited).
        arrays = _joined(written[1], row_arrays(f.definitions))
    else:
        arrays = row_arrays([*f.rows, *f.definitions])
    f.memo["rule_arrays"] = (key, arrays)
    return arrays


def patched_arrays(
    arrays: RowArrays, at: Sequence[int], rows: Sequence[Row], terms: RuleTerms
) -> RowArrays | None:
    """`arrays` with its rules at positions `at` replaced by `rows` (their arrays in
    `terms`, as `formulate` gathers them); None
    unless each new rule has the columns of the one it replaces (the model's shape).

    A slider move rewrites a few families' rows (`sliders.rescenario`): their
    coefficients and right-hand sides change in copies of the arrays, in place of
    gathering 700,000 entries again."""
    where = np.asarray(at, dtype=np.int64)
    lengths = terms.lengths
    if len(lengths) != len(rows) or not np.array_equal(
        lengths, arrays.starts[where + 1] - arrays.starts[where]
    ):
        return None
    entries = ranges(arrays.starts[where], lengths)
    if not np.array_equal(arrays.cols[entries], terms.cols):
        return None
    if not (
        np.array_equal(arrays.le[where], terms.le) and np.array_equal(arrays.ge[where], terms.ge)
    ):
        return None
    new_coefs = arrays.coefs.copy()
    new_coefs[entries] = terms.coefs
    rhs = arrays.rhs.copy()
    rhs[where] = terms.rhs
    return replace(arrays, coefs=new_coefs, rhs=rhs)


def column_arrays(
    f: Formulation, scale: float, fixed: dict[int, float] | None, inf: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Costs (of minimising -scale * objective), lower and upper bounds of every column.

    A binary is bounded by [0, 1], as PuLP bounds an LpBinary; a fixed column by its value.
    """
    n = len(f.names)
    costs = -scale * np.asarray(f.objective, dtype=np.float64)
    lower = np.asarray(f.lower, dtype=np.float64)
    upper = np.fromiter(
        (1.0 if b else (inf if u is None else u) for u, b in zip(f.upper, f.integer, strict=True)),
        dtype=np.float64,
        count=n,
    )
    if fixed:
        at = np.fromiter(fixed.keys(), dtype=np.int64, count=len(fixed))
        value = np.fromiter(fixed.values(), dtype=np.float64, count=len(fixed))
        lower[at] = value
        upper[at] = value
    return costs, lower, upper


@dataclass(frozen=True)
class HighsModel:
    """A formulation loaded into HiGHS, and where its columns and rows are."""

    h: Any
    """The `highspy.Highs` object."""
    arrays: RowArrays
    """The rules, then the definitions, as arrays; `arrays.row_of` gives their HiGHS rows."""
    column: npt.NDArray[np.int64]
    """The HiGHS column of each of the formulation's columns."""


def pulp_order(f: Formulation) -> list[int]:
    """The formulation's columns in the order PuLP hands them to a solver (by LP name).

    Handing HiGHS the columns in this order makes the direct model identical to PuLP's,
    so that both give the same plan where the optimum is not unique (the simplex path
    depends on the order of the columns).
    """
    names = _safe_names(f.names)
    return sorted(range(len(names)), key=names.__getitem__)


def highs_model(
    f: Formulation,
    scale: float,
    rows: list[Row],
    mip: bool,
    fixed: dict[int, float] | None = None,
) -> tuple[Any, list[int]]:
    """The formulation in HiGHS, columns in the formulation's own order: minimise
    -scale * objective (the what-if re-solves, which change it column by column).

    Returns the `highspy.Highs` object and, for each of `rows` then `f.definitions`, its row
    in HiGHS (-1 for a row with no columns, which is left out).
    """
    model = load_highs(f, scale, rows, mip, fixed, order=None)
    return model.h, model.arrays.row_of.tolist()


def load_highs(
    f: Formulation,
    scale: float,
    rows: list[Row],
    mip: bool,
    fixed: dict[int, float] | None = None,
    order: Sequence[int] | None = None,
) -> HighsModel:
    """Load the formulation into HiGHS with one `addCols` and one `addRows` call.

    `order` lists the formulation's columns in the order HiGHS gets them (default: their
    own order); `solve` passes `pulp_order`, giving HiGHS exactly PuLP's model.
    """
    import highspy

    inf = highspy.kHighsInf
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    if mip:
        h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    elif len(f.names) >= IPM_FROM_COLUMNS:
        h.setOptionValue("solver", "ipm")
    n = len(f.names)
    costs, lower, upper = column_arrays(f, scale, fixed, inf)
    column = np.arange(n, dtype=np.int64)
    if order is not None:
        at = np.asarray(order, dtype=np.int64)
        column[at] = np.arange(n, dtype=np.int64)
        costs, lower, upper = costs[at], lower[at], upper[at]
    empty = np.zeros(0, dtype=np.int32)
    h.addCols(n, costs, lower, upper, 0, empty, empty, np.zeros(0))
    if mip:
        integer = column[[k for k in range(n) if f.integer[k] and not (fixed and k in fixed)]]
        if len(integer):
            h.changeColsIntegrality(
                len(integer),
                np.sort(integer).astype(np.int32),
                np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
    arrays = rule_arrays(f) if rows is f.rows else row_arrays([*rows, *f.definitions])
    keep = arrays.nonzero
    present = arrays.row_of >= 0
    kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    starts = kept_before[arrays.starts[:-1][present]]
    row_lower, row_upper = arrays.bounds(inf)
    h.addRows(
        len(starts),
        row_lower[present],
        row_upper[present],
        int(kept_before[-1]),
        starts.astype(np.int32),
        column[arrays.cols[keep]].astype(np.int32),
        arrays.coefs[keep],
    )
    return HighsModel(h, arrays, column)


def row_bounds(sense: str, rhs: float, inf: float) -> tuple[float, float]:
    """A rule `... <sense> rhs` as HiGHS's row bounds."""
    return (rhs if sense in (">=", "==") else -inf, rhs if sense in ("<=", "==") else inf)


def highs_status(h: Any) -> Literal["optimal", "infeasible"]:
    """What a HiGHS run found; a SolverError for anything but an optimum or no plan."""
    import highspy

    status = h.getModelStatus()
    statuses = highspy.HighsModelStatus
    if status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible, statuses.kUnbounded):
        # Every column has a capacity row, so the model is never unbounded: a solver that
        # says so (HiGHS's "unbounded or infeasible") has found no feasible plan. The
        # caller confirms with the elastic re-solve before telling the user.
        return "infeasible"
    if status != statuses.kOptimal:
        raise SolverError(f"highs stopped with status {h.modelStatusToString(status)!r}")
    return "optimal"


def highs_solution(
    model: HighsModel, rules: int, scale: float, priced: bool, seconds: float, build: float
) -> Solution:
    """Values and, for a linear program (`priced`), duals of the first `rules` rows and
    reduced costs, read from an optimal HiGHS model in the sign convention of `Solution`
    (as `solve_pulp` reads PuLP's). A rule left out of the model has dual 0.
    """
    sol = model.h.getSolution()
    values = tuple(np.asarray(sol.col_value, dtype=np.float64)[model.column].tolist())
    if not priced:
        return Solution("optimal", values, None, seconds, build)
    # d(min of -scale*obj)/d(rhs) = pi  =>  d(obj)/d(rhs) = -pi / scale
    row_of = model.arrays.row_of[:rules]
    present = row_of >= 0
    duals = np.zeros(rules)
    duals[present] = -np.asarray(sol.row_dual, dtype=np.float64)[row_of[present]] / scale
    # dj of min(-scale*obj) = -scale * (the maximisation's reduced cost)
    reduced = -np.asarray(sol.col_dual, dtype=np.float64)[model.column] / scale
    return Solution(
        "optimal", values, tuple(duals.tolist()), seconds, build, tuple(reduced.tolist())
    )


def solve_highs(
    f: Formulation,
    scale: float,
    fixed: dict[int, float] | None = None,
    rows: list[Row] | None = None,
    relax: bool = False,
    values_only: bool = False,
    before_run: Callable[[], object] | None = None,
) -> tuple[Solution, HighsModel]:
    """`solve` with HiGHS, the formulation's arrays handed over in one call each.

    The model is the one PuLP builds (`to_pulp` and `BulkHiGHS`; compared row by row in
    the tests): same column order, bounds, rows, coefficients and options, so the same
    plan. Returns the loaded model too, for a caller that re-solves it warm
    (`planner.Planner`). `before_run`: as `solve` says.
    """
    rows = f.rows if rows is None else rows
    mip = f.is_mip and not fixed and not relax
    t0 = time.perf_counter()
    model = load_highs(f, scale, rows, mip, fixed, pulp_order(f))
    if before_run is not None:
        before_run()
    t1 = time.perf_counter()
    model.h.run()
    t2 = time.perf_counter()
    if highs_status(model.h) == "infeasible":
        return Solution("infeasible", (), None, t2 - t1, t1 - t0), model
    sol = highs_solution(model, len(rows), scale, not (mip or values_only), t2 - t1, 0.0)
    return replace(sol, build_seconds=t1 - t0 + time.perf_counter() - t2), model


def solve_values(
    f: Formulation,
    solver: SolverName,
    scale: float,
    rows: list[Row] | None = None,
    relax: bool = False,
) -> Solution:
    """Solve for the plan's values only: no duals (the what-if re-solves).

    A break-even search or the price of a rule re-solves the model many times and reads
    only the optimum. CBC goes through `solve`.
    """
    if solver != "highs":
        return solve(f, solver, scale, rows=rows, relax=relax)
    return solve_highs(f, scale, rows=rows, relax=relax, values_only=True)[0]


def write_lp(f: Formulation, path: str, scale: float = 1.0) -> None:
    """Write the formulation as an LP file (for golden tests and for auditors)."""
    prob, _, _ = to_pulp(f, scale)
    prob.writeLP(path)


def write_mps(f: Formulation, path: str, scale: float) -> None:
    """Write the formulation as an MPS file (the benchmark's pure-solver comparison)."""
    prob, _, _ = to_pulp(f, scale)
    prob.writeMPS(path)
