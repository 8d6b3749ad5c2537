"""Infeasible scenarios: the plan is refused with a diagnosis, and the solver is not blamed."""

from __future__ import annotations

import pytest

from commissioning.allocator import InfeasiblePlan, allocate
from tests.allocator.builders import district, initiative, make_inputs

FREE = dict(max_growth=100.0, ramp=100.0)


def diagnose(inputs, solver="highs"):
    with pytest.raises(InfeasiblePlan) as caught:
        allocate(inputs, solver)
    result = caught.value.result
    assert result.status == "infeasible"
    assert result.objective is None
    doc = result.to_json()
    assert doc["diagnosis"] and doc["status"] == "infeasible"
    return result


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_contracts_above_the_envelope(solver):
    """£200 of contract against a £100 envelope: named before solving, £100 to find."""
    inputs = make_inputs(
        [initiative("A", current_budget=200, contract_end=2027, max_budget=300)],
        budgets={"S1": 100},
        **FREE,
    )
    result = diagnose(inputs, solver)
    pre = [d for d in result.diagnosis if d.method == "precheck"]
    assert [d.name for d in pre] == ["envelope[S1,2027]"]
    assert pre[0].amount == pytest.approx(100)
    assert "above its envelope of £100" in pre[0].message
    assert "[" not in pre[0].message  # plain English: the rule's name is its own field
    elastic = [d for d in result.diagnosis if d.method == "elastic"]
    assert sum(d.amount for d in elastic) == pytest.approx(100)
    assert {d.family for d in elastic} <= {"envelope", "committed"}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_prevention_share_beyond_capacity(solver):
    """A statutory £100 at level 3 and at most £10 at level 1: a 50% prevention share needs
    levels 1-2 to reach half of spend. The cheapest repair is to lower the prevention
    requirement by £45 (10 - 0.5 * 110 = -45)."""
    inputs = make_inputs(
        [
            initiative("H", level=3, min_budget=100, max_budget=200),
            initiative("L", level=1, max_budget=10),
        ],
        budgets={"S1": 1000},
        prevention_share=0.5,
        **FREE,
    )
    result = diagnose(inputs, solver)
    pre = {d.name: d for d in result.diagnosis if d.method == "precheck"}
    assert "prevention[2027]" in pre
    elastic = {d.name: d for d in result.diagnosis if d.method == "elastic"}
    assert list(elastic) == ["prevention[2027]"]
    assert elastic["prevention[2027]"].amount == pytest.approx(45)
    assert elastic["prevention[2027]"].message == (
        "Levels 1-2 would need £45 more in 2027 than the other rules allow."
    )


def test_contracted_reach_above_the_needs_analysis():
    """A contract buying 100 places where the needs analysis counts 40 children."""
    inputs = make_inputs(
        [
            initiative(
                "A", current_budget=100_000, contract_end=2028, unit_cost=1000, max_budget=200_000
            )
        ],
        districts=[district("A", demand=(40, 0, 0, 0))],
        budgets={"S1": 1e6},
        **FREE,
    )
    result = diagnose(inputs)
    names = {d.name for d in result.diagnosis if d.method == "precheck"}
    assert {"demand[A,1,2027]", "demand[COUNTY,1,2027]"} <= names
    elastic = [d for d in result.diagnosis if d.method == "elastic"]
    assert elastic and all(d.family in ("demand", "committed") for d in elastic)
    for d in elastic:
        if d.family == "demand":
            assert d.unit == "participants"
            assert d.amount == pytest.approx(60)


def test_lock_below_statutory_floor_found_by_the_solver():
    """Locked at £50 with a £100 statutory floor: no pre-check catches it; the elastic
    re-solve finds that one of the two must give way by £50."""
    inputs = make_inputs(
        [initiative("A", current_budget=50, min_budget=100, max_budget=200)],
        budgets={"S1": 1000},
        lock=["A"],
        **FREE,
    )
    result = diagnose(inputs)
    assert all(d.method == "elastic" for d in result.diagnosis)
    assert sum(d.amount for d in result.diagnosis) == pytest.approx(50)
    assert {d.family for d in result.diagnosis} <= {"lock", "statutory"}


def test_diagnosis_is_deterministic():
    inputs = make_inputs(
        [
            initiative("H", level=3, min_budget=100, max_budget=200),
            initiative("L", level=1, max_budget=10),
        ],
        budgets={"S1": 1000},
        prevention_share=0.5,
        **FREE,
    )
    first = [d.to_json() for d in diagnose(inputs).diagnosis]
    assert first == [d.to_json() for d in diagnose(inputs).diagnosis]
