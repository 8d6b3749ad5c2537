"""The highest share the rules allow, hand-checked on small models, and at the limit."""

from __future__ import annotations

import dataclasses

import pytest

from commissioning.allocator import InfeasiblePlan, allocate
from commissioning.allocator.limits import highest_prevention_share, highest_priority_share
from commissioning.inputs.model import Priority
from tests.allocator.builders import initiative, make_inputs

FREE = {"max_growth": 100.0, "ramp": 1.0}


def test_prevention_share_is_the_most_levels_1_2_can_hold_against_the_floors():
    """Level 1 takes at most £10 while level 3 holds a £100 floor: 10 / 110 = 1/11."""
    inputs = make_inputs(
        [
            initiative("H", level=3, min_budget=100, max_budget=200),
            initiative("L", level=1, max_budget=10),
        ],
        budgets={"S1": 1000},
        prevention_share=0.5,  # the rule asked about is left out, whatever it says
        **FREE,
    )
    assert highest_prevention_share(inputs, 2027) == pytest.approx(1 / 11, abs=1e-9)


def test_an_envelope_limits_the_share_too():
    """£120 to spend, £100 held at level 3: level 1 can take only £20, so 20/120 = 1/6."""
    inputs = make_inputs(
        [
            initiative("H", level=3, min_budget=100, max_budget=200),
            initiative("L", level=1, max_budget=50),
        ],
        budgets={"S1": 120},
        **FREE,
    )
    assert highest_prevention_share(inputs, 2027) == pytest.approx(1 / 6, abs=1e-9)


def test_a_minimum_viable_size_out_of_reach_leaves_no_prevention():
    """Level 1 is viable only at £30, but £125 - £100 leaves £25: it cannot start (the
    linear relaxation alone would say 25/125 = 20%)."""
    inputs = make_inputs(
        [
            initiative("H", level=3, min_budget=100, max_budget=200),
            initiative("L", level=1, max_budget=30, min_viable=30),
        ],
        budgets={"S1": 125},
        **FREE,
    )
    assert highest_prevention_share(inputs, 2027) == pytest.approx(0.0, abs=1e-9)


def test_a_priority_s_share_holds_in_every_year():
    """P1's service takes at most £30 while P2's holds £50 in 2027 and £90 in 2028 (its
    floor rises with a contract): the least share over the years is 30 / 120 = 25%."""
    inputs = make_inputs(
        [
            initiative("A", priority_id="P1", max_budget=30),
            initiative("B", priority_id="P2", min_budget=50, max_budget=200),
            initiative("C", priority_id="P2", current_budget=40, contract_end=2028, max_budget=40),
        ],
        budgets={"S1": 1000},
        horizon=2,
        priorities=[Priority("P1", "One", 1.0, 0.9), Priority("P2", "Two", 1.0, 0.0)],
        **FREE,
    )
    # 2027: B 50 + C 40 = 90 as well; both years 30 / 120.
    assert highest_priority_share(inputs, "P1") == pytest.approx(30 / 120, abs=1e-9)


def test_no_plan_under_the_other_rules_says_none():
    inputs = make_inputs(
        [initiative("A", current_budget=200, contract_end=2027, max_budget=300)],
        budgets={"S1": 100},
        **FREE,
    )
    assert highest_prevention_share(inputs, 2027) is None


def test_at_the_limit_a_plan_exists_and_just_above_it_none():
    inputs = make_inputs(
        [
            initiative("H", level=3, min_budget=100, max_budget=200),
            initiative("L", level=1, max_budget=10),
            initiative("M", level=2, max_budget=15, current_budget=5, contract_end=2027),
        ],
        budgets={"S1": 1000},
        **FREE,
    )
    limit = highest_prevention_share(inputs, 2027)
    assert limit == pytest.approx(25 / 125, abs=1e-9)

    def with_share(share: float):
        sc = dataclasses.replace(inputs.scenario, prevention_share=(share,))
        return allocate(dataclasses.replace(inputs, scenario=sc))

    assert with_share(limit - 1e-6).status == "optimal"
    with pytest.raises(InfeasiblePlan):
        with_share(limit + 1e-3)
