"""The direct hand-over to HiGHS builds PuLP's model exactly and gives the same result file.

`allocate()` gives HiGHS the formulation's arrays (`solvers.solve_highs`); PuLP remains the
modeller for CBC and for LP and MPS files (`solvers.solve_pulp`, reachable for HiGHS as
`handover="pulp"`). Both load the same columns in the same order, the same rows, bounds,
coefficients and options, so HiGHS follows the same path and every figure agrees, even
where the optimum is not unique (the generated data are highly degenerate).
"""

from __future__ import annotations

import json
from typing import Any

import highspy
import pytest

from commissioning.allocator import allocate
from commissioning.allocator.exact import solve_exact
from commissioning.allocator.formulation import Formulation, formulate, objective_scale
from commissioning.allocator.solvers import (
    _safe_names,
    load_highs,
    make_solver,
    pulp_order,
    row_bounds,
    to_pulp,
)
from commissioning.inputs.model import Inputs
from commissioning.synthetic import synthetic_inputs
from tests.allocator.fixtures import FIXTURES

GENERATED = {
    "lp": dict(seed=0),
    "pounds, reinvesting": dict(seed=1, cost_library=True, reinvest=0.5),
    "mip": dict(seed=2, mip=True),
    "mip, pounds, reinvesting": dict(seed=2, mip=True, cost_library=True, reinvest=0.5),
}
"""Generated data, small (5 districts, 90 services); seed 2 needs branch and bound."""

CASES: list[tuple[str, Any]] = [(fx.name, fx.build) for fx in FIXTURES] + [
    (f"generated {label}", lambda kw=kw: synthetic_inputs(5, 90, **kw))
    for label, kw in GENERATED.items()
]


def _lp(h: Any) -> dict[str, list[float]]:
    """Everything HiGHS was given: columns, rows, matrix, kinds, and the options we set."""
    lp = h.getLp()
    a = lp.a_matrix_
    return {
        "col_cost": list(lp.col_cost_),
        "col_lower": list(lp.col_lower_),
        "col_upper": list(lp.col_upper_),
        "row_lower": list(lp.row_lower_),
        "row_upper": list(lp.row_upper_),
        "format": [int(a.format_.value)],
        "start": list(a.start_),
        "index": list(a.index_),
        "value": list(a.value_),
        "integrality": [int(k.value) for k in lp.integrality_],
        "options": [h.getOptionValue("solver"), h.getOptionValue("mip_rel_gap")],
    }


def _pulp_model(
    f: Formulation, scale: float, mip: bool, fixed: dict[int, float] | None
) -> tuple[Any, list[int], list[int]]:
    """PuLP's model as its HiGHS adapter loads it, with where each column and rule went."""
    prob, variables, constraints = to_pulp(f, scale, fixed)
    solver = make_solver("highs", mip, len(variables))
    solver.createAndConfigureSolver(prob)
    solver.buildSolverModel(prob)
    names = _safe_names([r.name for r in (*f.rows, *f.definitions)])
    by_name = {c.name: c.index for c in prob._constraints.values()}
    rows = [by_name.get(n, -1) for n in names]
    assert rows[: len(f.rows)] == [-1 if c is None else c.index for c in constraints]
    return prob.solverModel, [v.index for v in variables], rows


def _compare(f: Formulation, mip: bool, fixed: dict[int, float] | None = None) -> None:
    scale = objective_scale(f)
    direct = load_highs(f, scale, f.rows, mip, fixed, pulp_order(f))
    h, columns, rows = _pulp_model(f, scale, mip, fixed)
    assert direct.column.tolist() == columns  # every column where PuLP puts it
    assert direct.arrays.row_of.tolist() == rows  # every rule and definition likewise
    mine, theirs = _lp(direct.h), _lp(h)
    for key in theirs:
        assert mine[key] == theirs[key], key
    # Row by row, in the formulation's terms: each rule's bounds and entries, in both.
    inf = h.getInfinity()
    rules = [*f.rows, *f.definitions]
    for model, where in ((direct.h, direct.arrays.row_of.tolist()), (h, rows)):
        entries = _rows(model)
        lower, upper = list(model.getLp().row_lower_), list(model.getLp().row_upper_)
        for r, row in zip(rules, where, strict=True):
            if not r.cols:
                assert row == -1
                continue
            assert (lower[row], upper[row]) == row_bounds(r.sense, r.rhs, inf), r.name
            wanted = {columns[c]: a for c, a in zip(r.cols, r.coefs, strict=True) if a != 0}
            assert entries[row] == wanted, r.name


def _rows(h: Any) -> list[dict[int, float]]:
    """Each HiGHS row's entries, column -> coefficient, whatever the matrix's format."""
    lp = h.getLp()
    a = lp.a_matrix_
    out: list[dict[int, float]] = [{} for _ in range(lp.num_row_)]
    start, index, value = list(a.start_), list(a.index_), list(a.value_)
    rowwise = a.format_ != highspy.MatrixFormat.kColwise
    for outer in range(len(start) - 1):
        for e in range(start[outer], start[outer + 1]):
            if rowwise:
                out[outer][index[e]] = value[e]
            else:
                out[index[e]][outer] = value[e]
    return out


@pytest.mark.parametrize(("name", "build"), CASES, ids=[name for name, _ in CASES])
def test_the_direct_model_is_pulps_row_by_row(name: str, build: Any) -> None:
    f = formulate(build())
    _compare(f, mip=False)  # the linear program, or a mixed-integer program's relaxation
    if f.is_mip:
        _compare(f, mip=True)
        _, fixed = solve_exact(f, "highs", objective_scale(f))
        _compare(f, mip=False, fixed=fixed)  # the binaries-fixed LP that prices the plan


def _result_file(inputs: Inputs, handover: Any) -> str:
    doc = allocate(inputs, "highs", handover=handover).to_json()
    doc["provenance"].pop("created")
    return json.dumps(doc, sort_keys=True)


@pytest.mark.parametrize(("name", "build"), CASES, ids=[name for name, _ in CASES])
def test_both_hand_overs_write_the_same_result_file(name: str, build: Any) -> None:
    inputs = build()
    direct, through_pulp = _result_file(inputs, "direct"), _result_file(inputs, "pulp")
    assert json.loads(direct)["status"] == "optimal"
    assert direct == through_pulp  # optimum, plan, prices, slacks, decisions: every digit


def test_the_hand_overs_differ_only_in_the_model_builder(monkeypatch: Any) -> None:
    """The PuLP path really is taken with handover='pulp' (else the test above is empty)."""
    from commissioning.allocator import solvers

    calls: list[str] = []
    original = solvers.solve_pulp
    monkeypatch.setattr(
        solvers, "solve_pulp", lambda *a, **k: calls.append("pulp") or original(*a, **k)
    )
    allocate(FIXTURES[0].build(), "highs", handover="pulp")
    assert calls
    calls.clear()
    allocate(FIXTURES[0].build(), "highs")
    assert not calls
