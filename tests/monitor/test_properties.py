"""Properties: returns exactly at plan are all green and teach the data nothing new."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.inputs import DataSet
from commissioning.inputs.returns import load_returns
from commissioning.monitor.scorecard import Figures, scorecard
from commissioning.monitor.update import changes, prior_weights

# Participants a quarter, in twenties: every effect of the small data (0.05, 0.15, ...)
# times a multiple of 20 is a whole number of outcomes, so a return can be exactly at plan.
people = st.integers(min_value=0, max_value=40).map(lambda k: 20 * k)


@settings(max_examples=60, deadline=None)
@given(
    per_quarter=st.lists(people, min_size=10, max_size=10),
    quarter=st.integers(min_value=1, max_value=4),
    n0=st.sampled_from([None, 0, 1, 1000]),
)
def test_returns_at_plan_are_green_and_change_nothing(
    data: DataSet, per_quarter: list[int], quarter: int, n0: int | None
) -> None:
    services = data.initiatives
    plan = {
        i.initiative_id: {2027: 4.0 * p * i.unit_cost, 2028: 0.0}
        for i, p in zip(services, per_quarter, strict=True)
    }
    rows = ["initiative_id,year,quarter,spend,participants,outcomes_achieved"]
    for i, p in zip(services, per_quarter, strict=True):
        if p == 0:
            continue
        for q in range(1, quarter + 1):
            rows.append(f"{i.initiative_id},2027,{q},{p * i.unit_cost},{p},{round(p * i.effect)}")
    if len(rows) == 1:
        return  # nobody is funded: no returns to read
    returns = load_returns("\n".join(rows).encode(), data, plan, name="returns.csv")
    card = scorecard(data, plan, returns, (2027, quarter))
    assert {s.initiative_id for s in card.services} == {
        i.initiative_id for i, p in zip(services, per_quarter, strict=True) if p
    }
    for s in card.services:
        assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("green",) * 3
        assert s.realised_effect == pytest.approx(s.initiative.effect)
        assert s.realised_unit_cost == pytest.approx(s.initiative.unit_cost)
        low, high = s.effect_interval or (0.0, 0.0)
        assert low <= s.initiative.effect <= high
    for rollup in (*card.districts, *card.outcomes):
        assert (rollup.spend_rag, rollup.participants_rag, rollup.outcomes_rag) == ("green",) * 3
    # The districts partition the services, so they add up to the total.
    summed = Figures.total(d.figures for d in card.districts)
    assert summed.actual_spend == pytest.approx(card.total.actual_spend)
    weights = prior_weights(f"'3': {n0}\n".encode()) if n0 is not None else None
    for c in changes(card, weights) if weights else changes(card):
        assert c.effect_after == pytest.approx(c.effect_before, abs=1e-4)
        assert c.unit_cost_after == pytest.approx(c.unit_cost_before, abs=0.01)
