"""Journeys: a budget that turns within the plan is named in every view, and no running
service is ever stopped and funded again (model version 3)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.allocator import allocate
from commissioning.documents.contexts.format import money
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.summary import find_journeys, journey_of
from commissioning.inputs import load
from commissioning.synthetic import synthetic_inputs
from tests.allocator.builders import initiative

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
YEARS = (2027, 2028, 2029)


@pytest.mark.parametrize(
    ("today", "plan", "expected"),
    [
        (100.0, (100.0, 100.0, 100.0), None),  # kept
        (100.0, (0.0, 0.0, 0.0), None),  # decommissioned at once
        (100.0, (100.0, 50.0, 0.0), None),  # tapered out
        (100.0, (110.0, 120.0, 125.0), None),  # grows steadily
        (0.0, (0.0, 50.0, 80.0), None),  # a candidate starting later
        (100.0, (104.0, 100.0, 100.0), None),  # within the 5% band
        (800.0, (1000.0, 1250.0, 0.0), (1250.0, 2028, 0.0, True)),  # grows, then stops
        (100.0, (125.0, 100.0, 90.0), (125.0, 2027, 90.0, True)),  # grows, then reduced
        (100.0, (50.0, 60.0, 75.0), (50.0, 2027, 75.0, False)),  # falls, then recovers
    ],
)
def test_a_journey_is_a_middle_year_beyond_today_and_the_final_year(today, plan, expected):
    i = initiative("X", current_budget=today, status="existing" if today else "candidate")
    j = journey_of(i, dict(zip(YEARS, plan, strict=True)), YEARS)
    if expected is None:
        assert j is None
    else:
        assert j is not None
        assert (j.turn, j.turn_year, j.final, j.rises_first) == expected


def test_a_journey_is_worded_from_today_to_the_final_year():
    i = initiative("X", current_budget=800_000.0)
    j = journey_of(i, {2027: 1_000_000.0, 2028: 1_250_000.0, 2029: 0.0}, YEARS)
    assert j is not None
    assert j.sentence == "From £800,000 today, it grows to £1,250,000 in 2028, then stops in 2029."
    assert j.brief == "grows to £1,250,000 in 2028, then stops in 2029"
    k = journey_of(i, {2027: 400_000.0, 2028: 500_000.0, 2029: 600_000.0}, YEARS)
    assert k is not None
    assert k.sentence == "From £800,000 today, it falls to £400,000 in 2027, then recovers to " + (
        "£600,000 in 2029."
    )


def test_the_sample_plan_restarts_nothing_and_explains_its_journeys():
    inputs = load(SAMPLE)
    result = allocate(inputs)
    for r in result.initiatives:
        i = inputs.data.initiative(r.initiative_id)
        amounts = [i.current_budget, *(r.proposed[y] for y in result.years)]
        stopped = [k for k, a in enumerate(amounts) if a < 1.0]
        if stopped and i.is_running:
            assert all(a < 1.0 for a in amounts[stopped[0] :]), r.initiative_id
    for j in find_journeys(inputs, result):
        e = explain_initiative(inputs, result, j.initiative_id, confirm=False)
        assert e.journey == j and j.sentence in e.sentences


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    mip=st.booleans(),
    costs=st.booleans(),
    reinvest=st.sampled_from((0.0, 0.5, 1.0)),
)
def test_no_running_service_is_stopped_and_funded_again(seed, mip, costs, reinvest):
    inputs = synthetic_inputs(
        4, 40, years=4, seed=seed, mip=mip, cost_library=costs, reinvest=reinvest
    )
    result = allocate(inputs)
    for r in result.initiatives:
        i = inputs.data.initiative(r.initiative_id)
        if not i.is_running:
            continue
        amounts = [r.proposed[y] for y in result.years]
        for a, b in itertools.pairwise(amounts):
            # at most max_growth a year, so a service at £0 stays at £0
            assert b <= (1 + inputs.scenario.max_growth) * a + 1e-6 * max(1.0, a)


def test_a_journey_takes_the_documents_rounding_and_keeps_exact_pounds_elsewhere():
    """Documents round money to £100; the app and the terminal keep the plan's figures."""
    i = initiative("X", current_budget=49_286.0)
    j = journey_of(i, {2027: 30_000.0, 2028: 6_805.0, 2029: 40_049.0}, YEARS)
    assert j is not None
    assert j.sentence == "From £49,286 today, it falls to £6,805 in 2028, then recovers to " + (
        "£40,049 in 2029."
    )
    assert j.words(money) == "From £49,300 today, it falls to £6,800 in 2028, then recovers " + (
        "to £40,000 in 2029."
    )
