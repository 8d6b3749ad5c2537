"""Warm re-plans (`Planner`) give what a cold `allocate()` gives, for every kind of change.

A slider moves one figure of the scenario: a share, a priority weight, growth, the district
floor, a budget change, reinvestment. Each fixture is planned, then planned again with each
change, in one `Planner`, and every result is compared with a cold solve of the same inputs:
the same status, optimum, plan, decisions, slacks and prices (the fixtures' optima and
prices are unique, checked by hand). Changes that keep the model's shape must actually be
re-solved warm; the others fall back to a cold solve and must say so.

Where an optimum is degenerate its prices are not unique (the `stays_stopped` fixture
says so), and a simplex started elsewhere may return another set: there the prices are
checked to be optimal ones (strong duality: the rules' bounds priced add up to the
optimum), and the prices the fixtures assert by hand are checked equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from commissioning.allocator import InfeasiblePlan, Planner, allocate
from commissioning.inputs.model import Inputs, frozen_map
from commissioning.synthetic import synthetic_inputs
from tests.allocator.checker import check_plan
from tests.allocator.fixtures import FIXTURES, Fixture


def _scenario(inputs: Inputs, **changes: Any) -> Inputs:
    return replace(inputs, scenario=replace(inputs.scenario, **changes))


def _shares(inputs: Inputs) -> Inputs:
    sc = inputs.scenario
    return _scenario(inputs, prevention_share=tuple(min(0.9, s * 1.2) for s in sc.prevention_share))


def _weights(inputs: Inputs) -> Inputs:
    first = inputs.data.priorities[0]
    weights = dict(inputs.scenario.priority_weights)
    weights[first.priority_id] = weights.get(first.priority_id, first.weight) * 1.37
    return _scenario(inputs, priority_weights=frozen_map(weights))


def _growth(inputs: Inputs) -> Inputs:
    sc = inputs.scenario
    return _scenario(inputs, max_growth=sc.max_growth * 0.5, ramp=sc.ramp * 0.8)


def _floor(inputs: Inputs) -> Inputs:
    return _scenario(inputs, district_floor=inputs.scenario.district_floor * 0.5)


def _budget(inputs: Inputs) -> Inputs:
    sc = inputs.scenario
    stream = inputs.data.streams[0].stream_id
    change = tuple(-0.05 * (k + 1) for k in range(sc.horizon))
    return _scenario(inputs, budget_change=frozen_map({**sc.budget_change, stream: change}))


def _reinvest(inputs: Inputs) -> Inputs:
    return _scenario(inputs, reinvest=0.5 if inputs.scenario.reinvest == 0 else 0.2)


CHANGES: dict[str, Callable[[Inputs], Inputs]] = {
    "shares": _shares,
    "weights": _weights,
    "growth": _growth,
    "floor": _floor,
    "budget change": _budget,
    "reinvest": _reinvest,
}


def _file(result: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(result.to_json()))
    doc["provenance"].pop("created")
    return doc


def _outcome(plan: Callable[[Inputs], Any], inputs: Inputs) -> dict[str, Any] | str:
    try:
        return _file(plan(inputs))
    except InfeasiblePlan as exc:
        return f"infeasible: {[d.name for d in exc.result.diagnosis]}"


PRICED = ("shadow_price", "opportunity_cost")
"""Figures read from the duals: compared through `_priced`, not one by one."""


def _priced(doc: dict[str, Any] | str, named: dict[str, float | None], where: str) -> None:
    """The prices of a result are optimal duals, and the hand-checked ones are as stated."""
    if isinstance(doc, str):
        return
    # A mixed-integer plan with a service held at nothing by its minimum viable size: that
    # service's rules have no price (model.md), so the duals' sum is not the optimum; the
    # caller compares such prices with the cold plan's instead.
    if all(c["shadow_price"] is not None for c in doc["constraints"]):
        total = 0.0
        for c in doc["constraints"]:
            d = c["shadow_price"] if c["sense"] != ">=" else -c["shadow_price"]
            total += d * c["bound"]
        assert total == pytest.approx(doc["objective"], rel=1e-7, abs=1e-9), where
    prices = {c["name"]: c["shadow_price"] for c in doc["constraints"]}
    for name, price in named.items():
        if price is None:
            assert prices[name] is None, (where, name)
        else:
            assert prices[name] == pytest.approx(price, rel=1e-6, abs=1e-12), (where, name)


def _same(warm: Any, cold: Any, where: str = "", prices: bool = True) -> None:
    """Equal, floats to 1e-9 relative (a warm simplex rounds on another path); with
    `prices` False, figures read from the duals are left to `_priced`."""
    if isinstance(cold, dict):
        assert warm.keys() == cold.keys(), where
        for k in cold:
            if not prices and k in PRICED:
                continue
            _same(warm[k], cold[k], f"{where}.{k}", prices)
    elif isinstance(cold, list):
        assert len(warm) == len(cold), where
        for k, (a, b) in enumerate(zip(warm, cold, strict=True)):
            _same(a, b, f"{where}[{k}]", prices)
    elif isinstance(cold, float) and isinstance(warm, float):
        assert warm == pytest.approx(cold, rel=1e-9, abs=1e-9), where
    else:
        assert warm == cold, where


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_every_change_of_every_fixture_warm_equals_cold(fx: Fixture) -> None:
    base = fx.build()
    planner = Planner()
    _same(_outcome(planner.plan, base), _outcome(allocate, base), "base")
    warm_solves = 0
    for what, change in CHANGES.items():
        variant = change(base)
        for label, inputs, named in ((what, variant, {}), (f"{what}, back", base, fx.prices)):
            where = f"{fx.name}: {label}"
            found = _outcome(planner.plan, inputs)
            if planner.warm:
                warm_solves += 1
                unpriced = isinstance(found, dict) and any(
                    c["shadow_price"] is None for c in found["constraints"]
                )
                _same(found, _outcome(allocate, inputs), where, prices=unpriced)
                _priced(found, named, where)
            else:  # a cold plan is allocate()'s own, prices and all
                _same(found, _outcome(allocate, inputs), where)
    if not _is_mip(base):
        assert warm_solves >= 6  # going back to the base is always the base's shape


def _is_mip(inputs: Inputs) -> bool:
    return any(i.min_viable > 0 for i in inputs.data.initiatives)


def test_changes_in_a_row_are_re_solved_warm_and_stay_right() -> None:
    """Each change builds on the last, as slider moves do; all but the first are warm."""
    inputs = synthetic_inputs(5, 90, seed=1, cost_library=True, reinvest=0.5)
    planner = Planner()
    planner.plan(inputs)
    assert not planner.warm
    for what, change in CHANGES.items():
        inputs = change(inputs)
        warm, cold = planner.plan(inputs), allocate(inputs)
        assert planner.warm, what
        # Generated data have many optimal plans: the optimum is the same, and the warm
        # plan keeps every rule (the independent checker).
        assert warm.objective == pytest.approx(cold.objective, rel=1e-9), what
        assert check_plan(inputs, warm.to_json()) == [], what


def test_a_change_of_shape_is_a_cold_solve() -> None:
    inputs = synthetic_inputs(5, 90, seed=0)
    planner = Planner()
    planner.plan(inputs)
    locked = _scenario(inputs, lock=(inputs.data.initiatives[0].initiative_id,))  # a new rule
    _same(_file(planner.plan(locked)), _file(allocate(locked)))
    assert not planner.warm
    planner.plan(_floor(locked))
    assert planner.warm


def test_a_mixed_integer_plan_is_warm_where_its_relaxation_is_viable() -> None:
    """The first plan is allocate()'s own; after a move the relaxation is re-solved warm
    and, where it is viable, is the optimum (priced with the binaries fixed); where it is
    not, allocate() branches. Generated data have many optimal plans: the optimum is the
    same and the plan keeps every rule."""
    inputs = synthetic_inputs(5, 90, seed=2, mip=True)
    planner = Planner()
    _same(_file(planner.plan(inputs)), _file(allocate(inputs)))
    assert not planner.warm
    warm = 0
    for change in CHANGES.values():
        moved = change(inputs)
        found, cold = planner.plan(moved), allocate(moved)
        warm += planner.warm
        assert found.provenance.problem_type == "MIP"
        assert found.provenance.prices == cold.provenance.prices
        assert found.objective == pytest.approx(cold.objective, rel=1e-9)
        assert check_plan(moved, found.to_json()) == []
    assert warm >= 3


def test_the_warm_model_is_the_changed_model_not_the_first() -> None:
    """A sequence that returns to the start gives the start's plan again (nothing left
    over from the changes in between)."""
    inputs = synthetic_inputs(5, 90, seed=3)
    planner = Planner()
    first = planner.plan(inputs)
    for change in CHANGES.values():
        planner.plan(change(inputs))
    again = planner.plan(inputs)
    assert planner.warm
    assert again.objective == pytest.approx(first.objective, rel=1e-9)


def test_a_warm_solve_that_fails_or_runs_long_falls_back_to_a_cold_solve(monkeypatch) -> None:
    from commissioning.allocator import planner as module
    from commissioning.allocator.solvers import SolverError

    inputs = synthetic_inputs(5, 90, seed=4)
    planner = Planner()
    planner.plan(inputs)
    loaded = planner._loaded
    assert loaded is not None
    h = loaded.model.h

    def stopped(model: Any) -> str:
        raise SolverError("highs stopped with status 'Time limit reached'")

    monkeypatch.setattr(module, "highs_status", stopped)
    moved = _growth(inputs)
    found = planner.plan(moved)
    assert not planner.warm
    _same(_file(found), _file(allocate(moved)))
    # The limit given to the warm run: HiGHS counts time from the model's first run, so it
    # is set past the time already spent, by the cold solve's time (at least half a second).
    limit = h.getOptionValue("time_limit")
    limit = limit[-1] if isinstance(limit, tuple) else limit
    assert limit >= module.WARM_FLOOR
    assert limit <= h.getRunTime() + max(module.WARM_FLOOR, loaded.cold_seconds) + 1e-9


def test_a_move_to_no_plan_raises_allocates_diagnosis_and_the_next_move_plans() -> None:
    """The pre-checks run only when the solve finds no optimum: a budget cut that the
    floors cannot live with, after a warm model is loaded, gives allocate()'s diagnosis
    (pre-check findings included), and the next feasible move is planned right."""
    inputs = synthetic_inputs(5, 90, seed=5)
    planner = Planner()
    planner.plan(inputs)
    sc = inputs.scenario
    cut = tuple(-0.9 for _ in range(sc.horizon))
    starved = _scenario(
        inputs, budget_change=frozen_map({s.stream_id: cut for s in inputs.data.streams})
    )
    expected = _outcome(allocate, starved)
    assert isinstance(expected, str) and expected.startswith("infeasible")
    with pytest.raises(InfeasiblePlan) as caught:
        planner.plan(starved)
    assert any(d.method == "precheck" for d in caught.value.result.diagnosis)
    assert _outcome(planner.plan, starved) == expected
    moved = _growth(inputs)
    _same(_file(planner.plan(moved)), _file(allocate(moved)))


def test_the_sample_a_mixed_integer_county_plan_is_re_planned_warm_and_right() -> None:
    """The app's own data: a mixed-integer plan whose relaxation is viable after most
    moves. Each warm plan has allocate()'s optimum, decisions and price note, and keeps
    every rule (its stream split may be another optimal one)."""
    from pathlib import Path

    from commissioning.inputs import load

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    if not (sample / "initiatives.csv").is_file():
        pytest.skip("the sample data is not there")
    inputs = load(sample)
    planner = Planner()
    planner.plan(inputs)
    warm = 0
    for what, change in CHANGES.items():
        moved = change(inputs)
        found, expected = _outcome(planner.plan, moved), _outcome(allocate, moved)
        if isinstance(expected, str):  # no plan: the same diagnosis
            assert found == expected, what
            continue
        assert isinstance(found, dict), what
        warm += planner.warm
        assert found["objective"] == pytest.approx(expected["objective"], rel=1e-9), what
        assert found["provenance"]["prices"] == expected["provenance"]["prices"], what
        decisions = [(r["initiative_id"], r["decision"]) for r in found["initiatives"]]
        assert decisions == [(r["initiative_id"], r["decision"]) for r in expected["initiatives"]]
        assert check_plan(moved, found) == [], what
    assert warm >= 4


REWEIGHT_CASES: list[tuple[str, Callable[[], Inputs]]] = [
    (fx.name, fx.build) for fx in FIXTURES
] + [
    (f"generated {label}", lambda kw=kw: synthetic_inputs(5, 90, **kw))
    for label, kw in {
        "lp": dict(seed=0),
        "pounds, reinvesting": dict(seed=1, cost_library=True, reinvest=0.5),
        "mip": dict(seed=2, mip=True),
        "mip, pounds, reinvesting": dict(seed=2, mip=True, cost_library=True, reinvest=0.5),
    }.items()
]


@pytest.mark.parametrize(("name", "build"), REWEIGHT_CASES, ids=[n for n, _ in REWEIGHT_CASES])
def test_a_reweighted_model_is_the_formulated_one(name: str, build: Callable[[], Inputs]) -> None:
    """After a weight move the Planner changes the objective of the model it holds
    instead of formulating again: that must be exactly the moved inputs' model."""
    from commissioning.allocator.formulation import formulate, reweighted

    base = build()
    for moved in (_weights(base), _weights(_weights(base))):
        assert reweighted(formulate(base), moved) == formulate(moved), name
    # Not vacuous: the objective did move.
    assert formulate(_weights(base)).objective != formulate(base).objective


@pytest.mark.parametrize(("name", "build"), REWEIGHT_CASES, ids=[n for n, _ in REWEIGHT_CASES])
def test_a_model_moved_by_a_slider_is_the_formulated_one(
    name: str, build: Callable[[], Inputs]
) -> None:
    """After any slider move the Planner rewrites only the rows that read the moved
    setting (`rescenario`): the model, and its arrays as handed to HiGHS, must be exactly
    the moved inputs' own, and moving back must give the first model again."""
    import numpy as np

    from commissioning.allocator.formulation import formulate
    from commissioning.allocator.sliders import rescenario
    from commissioning.allocator.solvers import row_arrays, rule_arrays

    base = build()
    f = formulate(base)
    moves = 0
    for what, change in CHANGES.items():
        moved = change(base)
        g = rescenario(f, base, moved)
        assert g is not None, (name, what)
        expected = formulate(moved)
        assert g == expected, (name, what)
        found, wanted = rule_arrays(g), row_arrays([*expected.rows, *expected.definitions])
        for part in ("starts", "cols", "coefs", "rhs", "le", "ge", "row_of"):
            assert np.array_equal(getattr(found, part), getattr(wanted, part)), (name, what)
        assert rescenario(g, moved, base) == f, (name, what)
        moves += g != f
    assert moves >= 2  # not vacuous: the moves changed the model (the weights, and more)


def test_a_change_of_shape_or_of_data_is_not_rewritten() -> None:
    """Only a slider's settings are rewritten in place; a share or floor moved to nothing
    (rows go), a new lock, or other data mean formulating again."""
    from commissioning.allocator.formulation import formulate
    from commissioning.allocator.sliders import rescenario

    base = synthetic_inputs(5, 90, seed=0)
    f = formulate(base)
    no_floor = _scenario(base, district_floor=0.0)
    no_share = _scenario(base, prevention_share=tuple(0.0 for _ in base.scenario.prevention_share))
    locked = _scenario(base, lock=(base.data.initiatives[0].initiative_id,))
    first = base.data.initiatives[0]
    dearer = replace(
        base,
        data=replace(
            base.data,
            initiatives=(replace(first, unit_cost=first.unit_cost * 2), *base.data.initiatives[1:]),
        ),
    )
    for moved in (no_floor, no_share, locked, dearer):
        assert rescenario(f, base, moved) is None
    renamed = _scenario(base, name="another name", description="the same model")
    assert rescenario(f, base, renamed) == f


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
@pytest.mark.parametrize("what", list(CHANGES))
def test_a_slider_move_is_re_planned_without_formulating(
    fx: Fixture, what: str, monkeypatch
) -> None:
    """A slider moved: the Planner re-solves warm from the model it holds, changed only
    where the moved setting reaches, and the plan is the cold plan; a change of shape
    formulates again."""
    import commissioning.allocator.planner as planner_module

    base = fx.build()
    planner = Planner()
    planner.plan(base)
    calls: list[Inputs] = []
    formulate = planner_module.formulate
    monkeypatch.setattr(
        planner_module, "formulate", lambda inputs: calls.append(inputs) or formulate(inputs)
    )
    moved = CHANGES[what](base)
    found = _outcome(planner.plan, moved)
    expected = _outcome(allocate, moved)
    if planner.warm:
        _same(found, expected, fx.name, prices=False)
        _priced(found, {}, fx.name)
    else:  # no plan, or a mixed-integer relaxation that is not viable: allocate()'s own
        assert _is_mip(base) or isinstance(expected, str), fx.name
        _same(found, expected, fx.name)
    assert calls == []
    locked = _scenario(moved, lock=(base.data.initiatives[-1].initiative_id,))
    _outcome(planner.plan, locked)  # a new rule: another shape
    assert calls == [locked]


def test_once_a_coefficient_move_runs_out_of_time_such_moves_are_planned_cold(
    monkeypatch,
) -> None:
    """A warm run after a change of coefficients (growth, floor, shares) that runs out of its
    time is not tried again on that model: the next such move goes straight to the cold
    solve; a weight move (costs only) is still re-solved warm, and a model of another shape
    tries warm runs again."""
    from commissioning.allocator import planner as module

    inputs = synthetic_inputs(5, 90, seed=4)
    planner = Planner()
    planner.plan(inputs)
    runs: list[float] = []
    run = module._run

    def out_of_time(h: Any, limit: float) -> str | None:
        runs.append(limit)
        return None

    monkeypatch.setattr(module, "_run", out_of_time)
    grown = _growth(inputs)
    _same(_file(planner.plan(grown)), _file(allocate(grown)))
    assert not planner.warm and len(runs) == 1  # tried once, ran out, planned cold
    again = _floor(grown)
    _same(_file(planner.plan(again)), _file(allocate(again)))
    assert not planner.warm and len(runs) == 1  # not tried again
    monkeypatch.setattr(module, "_run", lambda h, limit: runs.append(limit) or run(h, limit))
    weighted = _weights(again)
    found = planner.plan(weighted)  # warm: the same optimum, perhaps another optimal plan
    assert planner.warm and len(runs) == 2  # costs only: warm as before
    assert found.objective == pytest.approx(allocate(weighted).objective, rel=1e-9)
    assert check_plan(weighted, found.to_json()) == []
    _same(_file(planner.plan(_growth(weighted))), _file(allocate(_growth(weighted))))
    assert not planner.warm and len(runs) == 2
    other = synthetic_inputs(6, 90, seed=4)  # another shape: warm runs are tried again
    planner.plan(other)
    found = planner.plan(_growth(other))
    assert planner.warm and len(runs) == 3
    assert found.objective == pytest.approx(allocate(_growth(other)).objective, rel=1e-9)
