"""Work done beside the solver: the inputs' fingerprint on a second thread, the pre-checks
only when no optimum is found; the plan and its diagnosis are as when both came first."""

from __future__ import annotations

import pytest

from commissioning.allocator import InfeasiblePlan, SolverError, allocate, solvers
from commissioning.allocator import solve as solve_module
from commissioning.allocator.solve import Beside
from commissioning.inputs.fingerprint import fingerprint
from tests.allocator.builders import initiative, make_inputs
from tests.allocator.fixtures import envelope_and_capacity

FREE = dict(max_growth=100.0, ramp=100.0)


def test_beside_gives_the_work_s_value_once_started():
    calls = []
    work = Beside(lambda: calls.append(1) or 42)
    work.start()
    work.start()  # once only
    assert work.value() == 42
    assert calls == [1]


def test_beside_does_the_work_itself_when_never_started():
    assert Beside(lambda: 42).value() == 42


def test_beside_raises_the_work_s_error_on_the_caller_s_thread():
    def fails() -> int:
        raise ValueError("no such table")

    work = Beside(fails)
    work.start()
    with pytest.raises(ValueError, match="no such table"):
        work.value()


def test_the_work_starts_only_once_the_model_is_loaded(monkeypatch):
    """Started earlier, it would take turns with the hand-over for the interpreter."""
    events: list[str] = []
    real_load = solvers.load_highs

    def load(*args: object, **kwargs: object) -> object:
        events.append("loaded")
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    real_start = Beside.start

    def start(self: Beside[object]) -> None:
        events.append("started")
        real_start(self)

    monkeypatch.setattr(solvers, "load_highs", load)
    monkeypatch.setattr(Beside, "start", start)
    allocate(envelope_and_capacity())
    assert events[:2] == ["loaded", "started"]


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
