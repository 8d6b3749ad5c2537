"""Each plan the workbench makes, and each re-solve behind an explanation (the price of
each rule, the break-even figures), runs in a worker process with a time limit, and is
stopped when the browser connection closes: the same answer as in-process, or a plain
message, and never a worker left running."""

from __future__ import annotations

import json
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
from commissioning.synthetic import synthetic_inputs
from tests.app.conftest import ROOT, frame_with, markdown_sources, no_exception, open_page, texts

SMALL = ROOT / "tests" / "data" / "valid_small"


@pytest.fixture(scope="module")
def small():
    return load(SMALL)


@pytest.fixture(autouse=True)
def no_plan_workers_left():
    """Each test starts and ends without a planning worker."""
    solving.stop_plan_workers()
    yield
    solving.stop_plan_workers()
    assert not multiprocessing.active_children()


def _plan_workers() -> list[solving._PlanWorker]:
    return list(solving._WARM.values())


def test_the_worker_gives_the_same_plan(small):
    here, there = allocate(small), solving.allocate_limited(small, seconds=120)
    assert there.objective == pytest.approx(here.objective, rel=1e-9)
    assert [r.decision for r in there.initiatives] == [r.decision for r in here.initiatives]
    # The only process left is the idle planning worker, kept for the next slider move.
    [worker] = _plan_workers()
    assert multiprocessing.active_children() == [worker.process]
    assert not worker.busy


def _moved(small, **changes):
    raw = yaml.safe_load((SMALL / "scenario.yaml").read_text())
    raw.update(changes)
    return with_scenario(small.data, raw)


def _file(result) -> dict:
    doc = json.loads(json.dumps(result.to_json()))
    doc["provenance"].pop("created")
    return doc


def test_slider_moves_are_re_solved_warm_in_one_worker_and_equal_allocate(small):
    """Every move after the first re-solves the worker's loaded model from the previous
    optimum, in the same process, and gives allocate()'s result file."""
    first = solving.allocate_limited(small, seconds=120)
    [worker] = _plan_workers()
    pid = worker.process.pid
    assert not worker.warm
    assert _file(first) == _file(allocate(small))  # a cold plan is allocate()'s own
    moves = [
        {"max_growth": 0.1},
        {"district_floor": 0.5},
        {"priority_weights": {"P1": 2.5}},
        {},  # back where it started
    ]
    for move in moves:
        inputs = _moved(small, **move)
        found = solving.allocate_limited(inputs, seconds=120)
        assert worker.warm, move
        assert worker.process.pid == pid, move
        expected = allocate(inputs)
        assert found.objective == pytest.approx(expected.objective, rel=1e-9), move
        assert [(r.initiative_id, r.decision) for r in found.initiatives] == [
            (r.initiative_id, r.decision) for r in expected.initiatives
        ], move
        assert [v for r in found.initiatives for v in r.proposed.values()] == pytest.approx(
            [v for r in expected.initiatives for v in r.proposed.values()], rel=1e-9, abs=1e-6
        ), move


def test_a_stopped_plan_replaces_the_worker_and_the_next_plan_is_cold(small):
    solving.allocate_limited(small, seconds=120)
    [worker] = _plan_workers()
    # A county-sized plan the worker has never seen: a cold solve of a tenth of a second or
    # more, so a millisecond's limit stops it however quickly the machine answers (a warm
    # move of the small fixture could finish before the limit on an idle machine).
    longer = synthetic_inputs(12, 300, seed=3)
    with pytest.raises(solving.SolveStopped):
        solving.allocate_limited(longer, seconds=0.001)
    assert not worker.process.is_alive()  # stopped, not left to run on
    assert not _plan_workers()
    again = solving.allocate_limited(_moved(small, max_growth=0.1), seconds=120)
    [fresh] = _plan_workers()
    assert fresh.process.pid != worker.process.pid
    assert not fresh.warm
    assert again.objective == pytest.approx(
        allocate(_moved(small, max_growth=0.1)).objective, rel=1e-9
    )


def test_a_worker_that_died_between_plans_is_replaced(small):
    solving.allocate_limited(small, seconds=120)
    [worker] = _plan_workers()
    worker.process.kill()
    worker.process.join(5)
    found = solving.allocate_limited(small, seconds=120)
    [fresh] = _plan_workers()
    assert fresh is not worker
    assert found.objective == pytest.approx(allocate(small).objective, rel=1e-9)


def test_idle_workers_and_those_of_closed_connections_are_retired(small, monkeypatch):
    solving.allocate_limited(small, seconds=120)
    [worker] = _plan_workers()
    worker.used -= solving.WARM_IDLE_SECONDS + 1
    solving.allocate_limited(small, seconds=120)
    [fresh] = _plan_workers()
    assert fresh is not worker and not worker.process.is_alive()
    monkeypatch.setattr(solving, "_session_gone", lambda session: True)
    monkeypatch.setattr(solving, "_session", lambda: "another browser")
    solving.allocate_limited(small, seconds=120)
    assert not fresh.process.is_alive()
    assert list(solving._WARM) == ["another browser"]


def test_no_more_than_the_cap_of_workers_are_kept(small, monkeypatch):
    monkeypatch.setenv(solving.WORKERS_VARIABLE, "2")
    for n in range(3):
        monkeypatch.setattr(solving, "_session", lambda n=n: f"browser {n}")
        solving.allocate_limited(small, seconds=120)
    assert sorted(solving._WARM) == ["browser 1", "browser 2"]  # the least recently used went
    assert len(multiprocessing.active_children()) == 2
    # All busy: a plan still comes, from a one-off worker that does not stay.
    for w in _plan_workers():
        w.busy = True
    monkeypatch.setattr(solving, "_session", lambda: "browser 3")
    assert solving.allocate_limited(small, seconds=120).objective is not None
    assert len(multiprocessing.active_children()) == 2
    for w in _plan_workers():
        w.busy = False


def test_an_infeasible_scenario_comes_back_with_its_diagnosis(small):
    raw = yaml.safe_load((SMALL / "scenario.yaml").read_text())
    raw["prevention_share"] = 0.99
    inputs = with_scenario(small.data, raw)
    with pytest.raises(InfeasiblePlan) as caught:
        solving.allocate_limited(inputs, seconds=120)
    assert caught.value.result.diagnosis
    [worker] = _plan_workers()  # no plan is not a failure: the worker stays
    with pytest.raises(InfeasiblePlan) as again:
        solving.allocate_limited(inputs, seconds=120)
    assert again.value.result.diagnosis == caught.value.result.diagnosis
    assert _plan_workers() == [worker]


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


def test_with_no_planning_workers_every_plan_is_a_one_off_worker(small, monkeypatch):
    monkeypatch.setenv(solving.WORKERS_VARIABLE, "0")
    assert solving.allocate_limited(small, seconds=120).objective is not None
    assert not _plan_workers()
    assert not multiprocessing.active_children()
    monkeypatch.setenv(solving.WORKERS_VARIABLE, "many")
    assert solving.plan_workers() == solving.WARM_WORKERS
