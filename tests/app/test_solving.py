"""Each plan the workbench makes is solved in a worker process with a time limit, and
stopped when the browser connection closes: the same plan as in-process, or a plain
message, and never a worker left running."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import yaml

from commissioning.allocator import InfeasiblePlan, allocate
from commissioning.app import solving, state
from commissioning.inputs import load, with_scenario
from tests.app.conftest import ROOT, no_exception, open_page, texts

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
