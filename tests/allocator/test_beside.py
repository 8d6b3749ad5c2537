"""Work done beside the solver: the inputs' fingerprint on a second thread, the pre-checks
only when no optimum is found; the plan and its diagnosis are as when both came first."""

from __future__ import annotations

import pytest

from commissioning.allocator import InfeasiblePlan, SolverError, allocate
from commissioning.allocator import solve as solve_module
from commissioning.allocator.solve import beside
from commissioning.inputs.fingerprint import fingerprint
from tests.allocator.builders import initiative, make_inputs
from tests.allocator.fixtures import envelope_and_capacity

FREE = dict(max_growth=100.0, ramp=100.0)


def test_beside_gives_the_work_s_value():
    value = beside(lambda n: n * 2, 21)
    assert value() == 42


def test_beside_raises_the_work_s_error_on_the_caller_s_thread():
    def fails(_: int) -> int:
        raise ValueError("no such table")

    value = beside(fails, 1)
    with pytest.raises(ValueError, match="no such table"):
        value()


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_the_plan_carries_the_fingerprint_of_its_inputs(solver):
    inputs = envelope_and_capacity()
    result = allocate(inputs, solver)
    assert result.provenance.inputs_sha256 == fingerprint(inputs)
    assert result.made_from(inputs)


def test_a_solver_failure_on_inputs_that_cannot_hold_is_still_diagnosed(monkeypatch):
    """Before the change the pre-checks ran first and named the conflict without a solve;
    a solver that fails on such inputs must not hide it."""
    inputs = make_inputs(
        [initiative("A", current_budget=200, contract_end=2027, max_budget=300)],
        budgets={"S1": 100},
        **FREE,
    )

    def broken(*args: object, **kwargs: object) -> None:
        raise SolverError("highs stopped with status 'Time limit reached'")

    monkeypatch.setattr(solve_module, "solve_exact", broken)
    with pytest.raises(InfeasiblePlan) as caught:
        allocate(inputs)
    pre = [d.name for d in caught.value.result.diagnosis if d.method == "precheck"]
    assert pre == ["envelope[S1,2027]"]


def test_a_solver_failure_on_sound_inputs_is_the_solver_s(monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise SolverError("highs stopped with status 'Time limit reached'")

    monkeypatch.setattr(solve_module, "solve_exact", broken)
    with pytest.raises(SolverError, match="Time limit"):
        allocate(envelope_and_capacity())
