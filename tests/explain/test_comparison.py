"""Why two plans score differently: hand-checked on a two-service model."""

from __future__ import annotations

import dataclasses

import pytest

from commissioning.allocator import allocate
from commissioning.explain.comparison import by_level, reached, why_scores_differ
from tests.allocator.builders import initiative, make_inputs


@pytest.fixture
def two_plans():
    """£1,000 to spend. L (level 1): £100 a head, effect 0.5 -> 0.005 a £. H (level 3):
    £1,000 a head, effect 0.9, an outcome at level 3 worth 20 -> 0.018 a £.
    A (no prevention share): all £1,000 to H: score 18, 1 reached.
    B (80% prevention): L £800, H £200: score 4 + 3.6 = 7.6, 8 + 0.2 = 8.2 reached."""
    inputs = make_inputs(
        [
            initiative("L", level=1, unit_cost=100, effect=0.5, max_budget=1000),
            initiative("H", level=3, unit_cost=1000, effect=0.9, max_budget=1000),
        ],
        budgets={"S1": 1000},
        outcome_value={3: 20.0},
        max_growth=100.0,
        ramp=1.0,
    )
    a = allocate(inputs)
    sc = dataclasses.replace(inputs.scenario, prevention_share=(0.8,))
    b = allocate(dataclasses.replace(inputs, scenario=sc))
    return inputs, a, b


def test_the_figures_behind_the_sentence(two_plans):
    inputs, a, b = two_plans
    assert a.objective == pytest.approx(18.0)
    assert b.objective == pytest.approx(7.6)
    assert reached(inputs.data, a) == pytest.approx(1.0)
    assert reached(inputs.data, b) == pytest.approx(8.2)
    levels = by_level(inputs.data, b)
    assert levels[1].spend == pytest.approx(800) and levels[1].per_pound == pytest.approx(0.005)
    assert levels[3].spend == pytest.approx(200) and levels[3].per_pound == pytest.approx(0.018)


def test_more_reach_and_a_lower_score_is_explained(two_plans):
    inputs, a, b = two_plans
    text = why_scores_differ(inputs.data, a, b, ("A", "B"), ["prevention 80%"])
    assert text == (
        "B scores 10.40 lower than A (weighted outcomes, over the plan) and reaches 7 more "
        "children and families in 2027. "
        "The scenarios differ in: prevention 80%. "
        "B puts £800 more over the plan into level 1 (universal) services, where each "
        "£1,000 buys 5.00 weighted outcomes, and £800 less into level 3 (targeted and "
        "complex) services, where each £1,000 buys 18.00 weighted outcomes. "
        "So reaching more people does not mean a higher score: the score counts what each "
        "£1 achieves for children and families, weighted by the strength of the evidence, "
        "the level of need, the priority and the district's need, not how many people are "
        "reached."
    )


def test_the_same_plan_scores_the_same(two_plans):
    inputs, a, _ = two_plans
    assert why_scores_differ(inputs.data, a, a) == (
        "A and B score the same and reach as many children and families."
    )
