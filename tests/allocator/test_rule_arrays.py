"""The rules' arrays gathered while `formulate` writes them equal the arrays of its rows.

`formulate` keeps every rule's columns and coefficients in flat lists as it writes the
rows, so the hand-over and the extraction need not walk the rows again
(`solvers.rule_arrays`). These must be exactly what the rows say, row for row, on every
fixture and on generated data (linear and mixed-integer, with and without a cost library);
a formulation whose rules were replaced after `formulate` falls back to the rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.allocator.formulation import Formulation, formulate
from commissioning.allocator.solvers import RowArrays, row_arrays, rule_arrays
from commissioning.synthetic import synthetic_inputs
from tests.allocator.test_handover import CASES


def _assert_same(got: RowArrays, want: RowArrays) -> None:
    for field in ("starts", "cols", "coefs", "rhs", "le", "ge", "row_of"):
        a, b = getattr(got, field), getattr(want, field)
        assert a.dtype == b.dtype, field
        assert np.array_equal(a, b), field


def _check(f: Formulation) -> None:
    assert "rule_terms" in f.memo  # the gathered arrays are the ones under test
    _assert_same(rule_arrays(f), row_arrays([*f.rows, *f.definitions]))
    # Row by row: each rule's own entries and right-hand side.
    arrays = rule_arrays(f)
    for k, r in enumerate([*f.rows, *f.definitions]):
        span = slice(int(arrays.starts[k]), int(arrays.starts[k + 1]))
        assert tuple(arrays.cols[span].tolist()) == r.cols, r.name
        assert tuple(arrays.coefs[span].tolist()) == r.coefs, r.name
        assert arrays.rhs[k] == r.rhs, r.name


@pytest.mark.parametrize(("name", "build"), CASES, ids=[name for name, _ in CASES])
def test_gathered_arrays_are_the_rows(name: str, build: Any) -> None:
    _check(formulate(build()))


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    mip=st.booleans(),
    costs=st.booleans(),
    reinvest=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_gathered_arrays_are_the_rows_on_generated_data(
    seed: int, mip: bool, costs: bool, reinvest: float
) -> None:
    inputs = synthetic_inputs(4, 40, seed=seed, mip=mip, cost_library=costs, reinvest=reinvest)
    _check(formulate(inputs))


def test_replaced_rules_are_read_from_the_rows() -> None:
    """A formulation given other rules after `formulate` (as the diagnosis builds one)
    is not described by what `formulate` gathered."""
    f = formulate(synthetic_inputs(3, 20, seed=1))
    f.rows = [r._replace(rhs=r.rhs + 1.0) for r in f.rows[:-1]]
    _assert_same(rule_arrays(f), row_arrays([*f.rows, *f.definitions]))


def test_rules_added_after_formulate_are_read_from_the_rows() -> None:
    f = formulate(synthetic_inputs(3, 20, seed=2))
    f.rows.append(f.rows[0]._replace(name="extra[1]", rhs=5.0))
    _assert_same(rule_arrays(f), row_arrays([*f.rows, *f.definitions]))
