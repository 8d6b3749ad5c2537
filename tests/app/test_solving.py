"""Each plan the workbench makes, and each re-solve behind an explanation (the price of
each rule, the break-even figures), runs in a worker process with a time limit, and is
stopped when the browser connection closes: the same answer as in-process, or a plain
message, and never a worker left running."""

from __future__ import annotations

import multiprocessing
import re
import time

import pytest
import yaml

from commissioning.allocator import InfeasiblePlan, SolverError, allocate
from commissioning.app import solving, state
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.policy import price_of_rules
from commissioning.inputs import load, with_scenario
from tests.app.conftest import ROOT, frame_with, markdown_sources, no_exception, open_page, texts

SMALL = ROOT / "tests" / "data" / "valid_small"


@pytest.fixture(scope="module")
def small():
    return load(SMALL)


def test_the_worker_gives_the_same_plan(small):
    here, there = allocate(small), solving.allocate_limited(small, seconds=120)
    assert there.objective == pytest.approx(here.objective, rel=1e-9)
    assert [r.decision for r in there.initiatives] == [r.decision for r in here.initiatives]
    assert not multiprocessing.active_children()


def test_an_infeasible_scenario_comes_back_with_its_diagnosis(small):
    raw = yaml.safe_load((SMALL / "scenario.yaml").read_text())
    raw["prevention_share"] = 0.99
    inputs = with_scenario(small.data, raw)
    with pytest.raises(InfeasiblePlan) as caught:
        solving.allocate_limited(inputs, seconds=120)
    assert caught.value.result.diagnosis


def test_a_solve_over_its_time_limit_is_stopped(small):
    started = time.monotonic()
    with pytest.raises(solving.SolveStopped, match=r"longer than 0\.001 seconds"):
        solving.allocate_limited(small, seconds=0.001)
    assert time.monotonic() - started < 10
    assert not multiprocessing.active_children()  # the worker was stopped, not left running


def test_a_solve_whose_browser_has_gone_is_stopped(small, monkeypatch):
    monkeypatch.setattr(solving, "connection_open", lambda: False)
    with pytest.raises(solving.SolveStopped, match="browser that asked for the plan has gone"):
        solving.allocate_limited(small, seconds=120)
    assert not multiprocessing.active_children()


def test_the_plan_page_says_when_a_solve_was_stopped(monkeypatch):
    monkeypatch.setenv(solving.LIMIT_VARIABLE, "0.001")
    state._solve.clear()
    at = open_page("plan")
    no_exception(at)
    assert "No plan: the plan took longer than 0.001 seconds to solve" in texts(at)
    monkeypatch.delenv(solving.LIMIT_VARIABLE)
    at.run()  # not cached: with the limit back, the plan is made
    no_exception(at)
    assert "took longer" not in texts(at)
    assert at.metric


# ---------------------------------------------------------------- re-solves behind explanations


@pytest.fixture(scope="module")
def small_plan(small):
    return allocate(small)


def _cut_service(small, plan) -> str:
    """A service the small fixture's plan cuts or drops: one with break-even figures."""
    return next(
        r.initiative_id
        for r in plan.initiatives
        if r.decision in ("decommission", "reduce", "not_commissioned")
    )


def test_the_prices_of_the_rules_come_back_the_same_from_the_worker(small, small_plan):
    here = price_of_rules(small, small_plan)
    there = solving.rule_prices_limited(small, small_plan, seconds=120)
    assert here  # the fixture has rules to price, so the comparison means something
    # Sums over sets may run in another order in another process: the same to rounding.
    assert [(p.key, p.binds, p.sentence) for p in there] == [
        (p.key, p.binds, p.sentence) for p in here
    ]
    assert [x for p in there for x in (p.cost, p.buys)] == pytest.approx(
        [x for p in here for x in (p.cost, p.buys)], rel=1e-9, abs=1e-6
    )
    assert not multiprocessing.active_children()


def test_the_break_even_figures_come_back_the_same_from_the_worker(small, small_plan):
    service = _cut_service(small, small_plan)
    here = explain_initiative(small, small_plan, service, confirm=True)
    there = solving.break_even_limited(small, small_plan, service, seconds=120)
    assert here.break_even  # re-solved figures, so the comparison means something
    assert there.sentences == here.sentences
    assert [(b.figure, b.needed, b.confirmed) for b in there.break_even] == [
        (b.figure, b.needed, b.confirmed) for b in here.break_even
    ]
    assert [b.amount for b in there.break_even] == pytest.approx(
        [b.amount for b in here.break_even], rel=1e-9, abs=1e-6
    )
    assert not multiprocessing.active_children()


def test_pricing_the_rules_over_the_time_limit_is_stopped(small, small_plan):
    started = time.monotonic()
    with pytest.raises(solving.SolveStopped, match=r"pricing the rules took longer than 0\.001"):
        solving.rule_prices_limited(small, small_plan, seconds=0.001)
    assert time.monotonic() - started < 10
    assert not multiprocessing.active_children()


def test_a_break_even_search_whose_browser_has_gone_is_stopped(small, small_plan, monkeypatch):
    monkeypatch.setattr(solving, "connection_open", lambda: False)
    service = _cut_service(small, small_plan)
    with pytest.raises(solving.SolveStopped, match="browser that asked for it has gone"):
        solving.break_even_limited(small, small_plan, service, seconds=120)
    assert not multiprocessing.active_children()


def _fails_with_a_server_path() -> None:
    raise OSError("cannot open /srv/secret/store.sqlite")


def test_an_unexpected_failure_in_a_worker_is_a_reference_not_a_traceback(caplog):
    with pytest.raises(SolverError) as caught:
        solving.run_limited(_fails_with_a_server_path, seconds=120)
    message = str(caught.value)
    assert re.fullmatch(
        r"something unexpected went wrong \(reference [0-9a-f]{8} in the server log\)", message
    )
    reference = message.split("reference ")[1][:8]
    [logged] = [r for r in caplog.records if reference in r.getMessage()]
    assert "/srv/secret/store.sqlite" in logged.getMessage()  # the details are in the log
    assert "Traceback" in logged.getMessage()


def _open_prices(at):
    at.session_state["plan_tab"] = "Price of each rule"
    at.run()
    at.button(key="price_rules").click().run()
    no_exception(at)
    return at


def test_the_plan_page_says_when_pricing_the_rules_was_stopped(monkeypatch):
    at = open_page("plan")  # the plan itself is made without a tight limit
    monkeypatch.setenv(solving.LIMIT_VARIABLE, "0.001")
    state._prices.clear()
    _open_prices(at)
    body = texts(at)
    assert "The prices of the rules were not worked out: pricing the rules took longer" in body
    assert "0.001 seconds" in body
    assert not [d for d in at.dataframe if "Value given up" in d.value.columns]
    assert not multiprocessing.active_children()
    monkeypatch.delenv(solving.LIMIT_VARIABLE)
    at.button(key="price_rules").click().run()  # not cached: asked again, they are priced
    no_exception(at)
    assert "took longer" not in texts(at)
    assert "Prevention share" in set(frame_with(at, "Rule", "Value given up")["Rule"])


def test_the_explain_page_says_when_the_break_even_search_was_stopped(monkeypatch):
    at = open_page("explain")
    at.selectbox(key="explain_decision").select("decommission").run()
    no_exception(at)
    monkeypatch.setenv(solving.LIMIT_VARIABLE, "0.001")
    state._explain.clear()
    at.toggle(key="explain_confirm").set_value(True).run()
    no_exception(at)
    body = texts(at)
    assert (
        "What would change the decision was not worked out: working out what would change "
        "the decision took longer than 0.001 seconds" in body
    )
    assert "#### Why" in markdown_sources(at)  # the explanation itself is still there
    assert "re-solving the plan gives it" not in body
    assert not multiprocessing.active_children()
    monkeypatch.delenv(solving.LIMIT_VARIABLE)
    at.run()  # not cached: with the limit back, the figures are worked out
    no_exception(at)
    body = texts(at)
    assert "took longer" not in body
    assert "re-solving the plan gives it" in body
