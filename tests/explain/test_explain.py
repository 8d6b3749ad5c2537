"""Explanations: value lacking, rules that hold a service, break-evens confirmed by re-solving."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commissioning.allocator import allocate
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.policy import price_of_rules
from tests.allocator.builders import initiative, make_inputs

FREE = dict(max_growth=100.0, ramp=100.0)


def plan():
    inputs = make_inputs(
        [
            initiative("A", max_budget=100, effect=0.5),
            initiative("B", max_budget=200, effect=0.2, current_budget=100),
            initiative("C", max_budget=200, effect=0.1, current_budget=40, contract_end=2027),
            initiative(
                "D",
                max_budget=200,
                effect=0.1,
                current_budget=50,
                contract_end=2026,
                evidence_level="3",
            ),
        ],
        budgets={"S1": 190},
        lock=["B"],
        **FREE,
    )
    return inputs, allocate(inputs)


def test_decommissioned_service_names_its_alternatives_and_opportunity_cost():
    inputs, result = plan()
    e = explain_initiative(inputs, result, "D")
    assert e.decision == "decommission"
    assert e.funding_stops_year == 2027
    # £1 more for D displaces A's last pound: 5e-4; D buys 0.8 * 0.1 / 1000 = 8e-5.
    assert e.opportunity_cost == pytest.approx(5e-4, rel=1e-6)
    assert e.value_lacking == pytest.approx(5e-4 - 8e-5, rel=1e-6)
    assert {p.service.initiative_id for p in e.duplicates} == {"A", "B", "C"}
    text = " ".join(e.sentences)
    assert "falls short by 0.42 weighted outcomes per £1,000" in text
    assert "Service A (A" in text


def test_break_even_figures_are_confirmed_by_an_independent_resolve():
    inputs, result = plan()
    e = explain_initiative(inputs, result, "D")
    confirmed = [b for b in e.break_even if b.confirmed]
    assert {b.figure for b in confirmed} >= {"unit cost", "effect"}
    field = {"unit cost": "unit_cost", "effect": "effect", "evidence rating": "evidence_level"}
    for b in confirmed:
        changed = replace(inputs.data.initiative("D"), **{field[b.figure]: b.value})
        data = replace(
            inputs.data,
            initiatives=tuple(
                changed if i.initiative_id == "D" else i for i in inputs.data.initiatives
            ),
        )
        again = allocate(replace(inputs, data=data))
        assert again.initiatives_by_id["D"].final >= 1.0, b.sentence
        assert again.initiatives_by_id["D"].final == pytest.approx(b.amount, abs=0.01)
    # The ranging estimate is right: just below the break-even unit cost it is not enough.
    unit = next(b for b in confirmed if b.figure == "unit cost")
    assert isinstance(unit.value, float)
    assert unit.value == pytest.approx(1000 * 8e-5 / 5e-4 / 1.02, rel=1e-6)


def test_locked_and_committed_services_name_the_rule_that_holds_them():
    inputs, result = plan()
    locked = explain_initiative(inputs, result, "B")
    assert [h.family for h in locked.holding_rules] == ["lock"]
    assert "locked at its current budget" in " ".join(locked.sentences)
    assert locked.break_even == ()
    committed = explain_initiative(inputs, result, "C")
    assert "committed" in {h.family for h in committed.holding_rules}
    assert "held at its contracted budget until the contract ends" in " ".join(committed.sentences)


def test_price_of_a_lock_is_measured_by_resolving_without_it():
    inputs, result = plan()
    prices = {p.key: p for p in price_of_rules(inputs, result)}
    unlocked = allocate(replace(inputs, scenario=replace(inputs.scenario, lock=())))
    assert prices["lock[B]"].binds
    assert prices["lock[B]"].cost == pytest.approx(unlocked.objective - result.objective)
    assert prices["lock[B]"].cost > 0
    assert prices["lock[B]"].buys == pytest.approx(
        100 - unlocked.initiatives_by_id["B"].final, abs=0.01
    )
    assert "keeps £" in prices["lock[B]"].sentence
