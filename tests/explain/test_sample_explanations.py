"""Explanations on the sample: every decommission is explained by numbers and rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.allocator.wording import money
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.policy import price_of_rules
from commissioning.inputs import load

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def plan():
    inputs = load(SAMPLE)
    return inputs, allocate(inputs)


def test_every_decommission_names_what_decided_it(plan):
    inputs, result = plan
    decommissioned = [r.initiative_id for r in result.initiatives if r.decision == "decommission"]
    assert decommissioned
    for iid in decommissioned:
        e = explain_initiative(inputs, result, iid, confirm=False)
        text = " ".join(e.sentences)
        decided_by_value = e.value_lacking is not None and e.value_lacking > 0
        decided_by_rule = any(h.family in ("exclude", "ineffective") for h in e.holding_rules)
        # stopped in an earlier year, when the money was worth more elsewhere, and then kept
        # stopped: a running service is not restarted within the plan
        stays_stopped = bool(e.lean_years) and any(h.family == "growth" for h in e.holding_rules)
        if stays_stopped:
            assert "stays stopped" in text, iid
        assert decided_by_value or decided_by_rule or stays_stopped, iid
        if decided_by_value:
            assert "falls short by" in text and "elsewhere in the plan" in text, iid
        if e.duplicates:
            assert "same district, level and priority" in text, iid
        assert e.funding_stops_year is not None


def test_locked_and_contracted_services_name_the_lock_or_contract(plan):
    inputs, result = plan
    for iid in inputs.scenario.lock:
        e = explain_initiative(inputs, result, iid, confirm=False)
        assert "lock" in {h.family for h in e.holding_rules}
    held = [c for c in result.constraints if c.family == "committed" and c.binding]
    assert held
    e = explain_initiative(inputs, result, held[0].initiative_id or "", confirm=False)
    assert "held at its contracted budget until the contract ends" in " ".join(e.sentences)


def test_break_even_of_a_sample_decommission_is_confirmed(plan):
    inputs, result = plan
    by_value = None
    for r in result.initiatives:
        if r.decision != "decommission":
            continue
        e = explain_initiative(inputs, result, r.initiative_id, confirm=False)
        if e.value_lacking and not any(h.family == "exclude" for h in e.holding_rules):
            by_value = r.initiative_id
            break
    assert by_value is not None
    e = explain_initiative(inputs, result, by_value)
    assert any(b.confirmed for b in e.break_even)


def test_policy_rules_are_priced(plan):
    inputs, result = plan
    prices = {p.key: p for p in price_of_rules(inputs, result)}
    assert prices["prevention"].binds and prices["prevention"].cost > 0
    assert prices["prevention"].buys > 0
    for p in prices.values():
        assert p.cost >= 0
        assert "nan" not in p.sentence and "None" not in p.sentence


def test_a_result_read_back_from_its_file_keeps_which_rule_belongs_to_which_service(plan):
    """Explanations and the rationale pack are made from result files: every rule must come
    back with its initiative, index and year, or a service's holding rules go unreported."""
    from commissioning.allocator.result import Result

    _inputs, result = plan
    back = Result.from_json(result.to_json())
    assert [(c.name, c.index, c.year, c.initiative_id) for c in back.constraints] == [
        (c.name, c.index, c.year, c.initiative_id) for c in result.constraints
    ]
    assert any(c.initiative_id for c in back.constraints)


def test_explanations_from_a_result_file_match_those_of_the_plan_in_memory(plan):
    from commissioning.allocator.result import Result

    inputs, result = plan
    back = Result.from_json(result.to_json())
    held = [r.initiative_id for r in result.initiatives if r.decision in ("reduce", "maintain")]
    for iid in held[:12]:
        now = explain_initiative(inputs, result, iid, confirm=False)
        later = explain_initiative(inputs, back, iid, confirm=False)
        assert later.holding_rules == now.holding_rules, iid
        assert later.sentences == now.sentences, iid


def test_a_budget_that_dips_in_an_earlier_year_is_explained_by_that_year_s_prices(plan):
    """A service that gets less than today in an earlier year, when the money is worth more
    elsewhere, says so in words (the one "elsewhere" figure is the final year's); the final
    year is explained by the rest."""
    inputs, result = plan
    dipped = []
    for r in result.initiatives:
        e = explain_initiative(inputs, result, r.initiative_id, confirm=False)
        for lean in e.lean_years:
            assert lean.year != result.years[-1]
            assert e.proposed[lean.year] < e.current_budget
            assert lean.opportunity_cost > lean.value_per_pound
            assert lean.sentence in e.sentences
            dipped.append(lean)
    assert dipped
    assert dipped[0].sentence.startswith(
        f"In {dipped[0].year} it receives {money(dipped[0].amount)}: that year the same "
    )


def test_break_evens_are_the_same_warm_started_or_solved_from_scratch(plan, monkeypatch):
    """Break-even re-solves start from the plan's optimal basis; solving each from scratch
    must confirm the same figures."""
    from commissioning.allocator.whatif import optimum_without
    from commissioning.explain import initiative as module

    inputs, result = plan
    ids = [r.initiative_id for r in result.initiatives if r.decision in ("decommission", "reduce")]
    warm = [explain_initiative(inputs, result, iid).break_even for iid in ids[::6]]
    monkeypatch.setattr(
        module,
        "optimum_of_variant",
        lambda base, v, s="highs": optimum_without(v, lambda r: False, s),
    )
    cold = [explain_initiative(inputs, result, iid).break_even for iid in ids[::6]]
    assert [[(b.figure, b.needed, b.confirmed) for b in x] for x in warm] == [
        [(b.figure, b.needed, b.confirmed) for b in x] for x in cold
    ]
    assert any(b.confirmed for x in warm for b in x)
    for x, y in zip(warm, cold, strict=True):
        for a, b in zip(x, y, strict=True):
            assert a.amount == pytest.approx(b.amount, rel=1e-6, abs=1.0)


def test_rule_prices_are_the_same_warm_started_or_solved_from_scratch(plan, monkeypatch):
    from commissioning.allocator.whatif import optimum_without
    from commissioning.explain import policy

    inputs, result = plan
    warm = price_of_rules(inputs, result)
    monkeypatch.setattr(
        policy, "optimum_dropping", lambda i, drop, s="highs": optimum_without(i, drop, s)
    )
    cold = price_of_rules(inputs, result)
    assert [(p.key, p.binds) for p in warm] == [(p.key, p.binds) for p in cold]
    for a, b in zip(warm, cold, strict=True):
        assert a.cost == pytest.approx(b.cost, rel=1e-6, abs=1e-6), a.key
    assert any(p.cost > 0 for p in warm)


def test_one_figure_for_what_the_money_buys_elsewhere_and_no_rule_names(plan):
    """A commissioner reads one "elsewhere" figure per service, with how it is worked out,
    and never a rule's name such as capacity[FGC-CTY-01,2027]."""
    import re

    inputs, result = plan
    for r in result.initiatives[::3]:
        e = explain_initiative(inputs, result, r.initiative_id, confirm=False)
        text = " ".join(e.sentences)
        assert not re.search(r"[a-z_]+\[[^\]]*\d{4}\]", text), r.initiative_id
        assert not any("[" in h.sentence for h in e.holding_rules), r.initiative_id
        if e.opportunity_cost is not None:
            assert text.count("elsewhere in the plan") == 1, r.initiative_id
            assert "worked out from the final year of the plan" in text
