"""Property: when today's budgets satisfy every rule, the plan does at least as well."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from commissioning.allocator import allocate
from tests.allocator.builders import district, initiative, make_inputs
from tests.allocator.checker import check_plan, objective_of


@st.composite
def small_plans(draw):
    n_districts = draw(st.integers(1, 3))
    districts = [
        district(
            f"D{k}",
            children=draw(st.integers(500, 5000)),
            need_index=draw(st.floats(0.6, 1.6)),
            demand=tuple(float(draw(st.integers(0, 400))) for _ in range(4)),
        )
        for k in range(n_districts)
    ]
    streams = ["S1", "S2"]
    inits = []
    for k in range(draw(st.integers(1, 7))):
        candidate = draw(st.booleans())
        current = 0.0 if candidate else float(draw(st.integers(0, 50)) * 1000)
        inits.append(
            initiative(
                f"I{k}",
                district_id=draw(st.sampled_from([d.district_id for d in districts] + ["COUNTY"])),
                level=draw(st.integers(1, 4)),
                status="candidate" if candidate else "existing",
                current_budget=current,
                unit_cost=float(draw(st.integers(100, 5000))),
                effect=draw(st.floats(0.05, 1.0)),
                evidence_level=draw(st.sampled_from(["4", "3", "2", "NL2", "NE"])),
                mixed_findings=draw(st.booleans()),
                min_budget=draw(st.sampled_from([0.0, current * 0.5])),
                max_budget=current + float(draw(st.integers(1, 60)) * 1000),
                contract_end=draw(st.sampled_from([None, 2026, 2027, 2028])),
                funding=tuple(draw(st.sampled_from([["S1"], ["S2"], ["S1", "S2"]]))),
            )
        )
    horizon = draw(st.integers(1, 3))
    # Envelopes: today's spend (each service charged to its first stream) plus headroom.
    use = {s: sum(i.current_budget for i in inits if i.funding[0] == s) for s in streams}
    budgets = {s: use[s] * draw(st.floats(1.0, 1.3)) + 1000 for s in streams}
    return make_inputs(
        inits,
        districts=districts,
        budgets=budgets,
        horizon=horizon,
        prevention_share=draw(st.sampled_from([0.0, 0.2, 0.4])),
        district_floor=draw(st.sampled_from([0.0, 0.3])),
        max_growth=draw(st.floats(0.0, 0.5)),
        ramp=draw(st.floats(0.0, 0.5)),
        lock=draw(st.sampled_from([[], ["I0"]])),
    )


def todays_plan(inputs):
    years = inputs.scenario.years
    return {
        "allocations": [
            {
                "initiative_id": i.initiative_id,
                "stream_id": i.funding[0],
                "year": y,
                "amount": i.current_budget,
            }
            for i in inputs.data.initiatives
            for y in years
        ],
        "initiatives": [
            {
                "initiative_id": i.initiative_id,
                "proposed": {str(y): i.current_budget for y in years},
            }
            for i in inputs.data.initiatives
        ],
    }


@pytest.mark.parametrize("solver", ["highs"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(inputs=small_plans())
def test_plan_beats_todays_budgets_when_they_are_feasible(inputs, solver):
    assume(check_plan(inputs, todays_plan(inputs)) == [])
    result = allocate(inputs, solver)
    today = objective_of(
        inputs,
        {
            i.initiative_id: dict.fromkeys(inputs.scenario.years, i.current_budget)
            for i in inputs.data.initiatives
        },
    )
    assert result.objective >= today - 1e-9 * max(1.0, today)
    assert check_plan(inputs, result.to_json()) == []
