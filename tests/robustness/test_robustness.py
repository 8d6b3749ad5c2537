"""Robustness read over draws: collapsed ranges, a known flip, infeasible draws."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from commissioning.allocator import allocate
from commissioning.inputs import load
from commissioning.inputs.model import Inputs, frozen_map
from commissioning.robustness import Robustness, robustness
from tests.allocator.fixtures import FIXTURES, Fixture
from tests.robustness.fixtures import FLIP_SHARE, flip, sometimes_infeasible

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def collapsed(inputs: Inputs) -> Inputs:
    """Every range collapsed to its estimate, through the scenario's two keys."""
    sc = replace(
        inputs.scenario,
        uncertainty=frozen_map({k: 0.0 for k in ("4", "3", "2", "NL2", "NE")}),
        unit_cost_uncertainty=0.0,
    )
    return replace(inputs, scenario=sc)


def assert_equals_plan(inputs: Inputs, draws: int) -> None:
    plan = allocate(inputs)
    r = robustness(inputs, draws, seed=3, mode="process", plan=plan)
    assert r.draws == draws and r.infeasible == 0
    for s in r.initiatives:
        planned = plan.initiatives_by_id[s.initiative_id]
        assert s.decision == planned.decision
        assert s.stability == 1.0, s.initiative_id
        assert s.decision_shares[planned.decision] == 1.0
        assert set(s.decision_shares.values()) <= {0.0, 1.0}
        assert s.funded_share == (1.0 if planned.final >= 1.0 else 0.0)
        assert s.budget is not None
        assert math.isclose(s.budget.p50, planned.final, rel_tol=1e-6, abs_tol=1e-3)
        assert s.turns_on is None
    assert r.objective is not None
    assert math.isclose(r.objective.p50, r.plan_objective, rel_tol=1e-7)


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_collapsed_ranges_give_the_plan_in_every_draw(fx: Fixture):
    assert_equals_plan(collapsed(fx.build()), draws=4)


def test_collapsed_ranges_on_the_sample_give_the_plan():
    assert_equals_plan(collapsed(load(SAMPLE)), draws=10)


def test_a_decision_flips_as_often_as_the_triangle_says():
    draws = 400
    r = robustness(flip(), draws, seed=11, mode="process")
    a, b = r.by_id["A"], r.by_id["B"]
    assert (a.decision, b.decision) == ("decommission", "grow")
    sd = math.sqrt(FLIP_SHARE * (1 - FLIP_SHARE) / draws)
    assert abs(a.decision_shares["grow"] - FLIP_SHARE) < 3.5 * sd
    assert abs(a.stability - (1 - FLIP_SHARE)) < 3.5 * sd
    assert a.funded_share == a.decision_shares["grow"]
    assert a.stability + a.decision_shares["grow"] == pytest.approx(1.0)
    # B loses exactly when A wins, and both turn on A's effect (the only figure that moves).
    assert b.stability == a.stability
    for s in (a, b):
        assert s.fragile
        assert s.turns_on is not None
        assert (s.turns_on.initiative_id, s.turns_on.figure) == ("A", "effect")
    assert a.turns_on is not None and a.turns_on.correlation < 0  # a higher effect saves A
    assert a.budget is not None and (a.budget.p5, a.budget.p95) == (0.0, 100.0)


def test_infeasible_draws_are_counted_against_every_decision():
    draws = 200
    r = robustness(sometimes_infeasible(), draws, seed=5, mode="process")
    assert abs(r.infeasible / draws - 0.5) < 3.5 * math.sqrt(0.25 / draws)
    feasible_share = 1 - r.infeasible / draws
    for s in r.initiatives:
        assert sum(s.decision_shares.values()) == pytest.approx(feasible_share)
        assert s.stability == pytest.approx(feasible_share)
    assert r.to_json()["infeasible"] == r.infeasible


def test_the_json_holds_the_issues_keys():
    doc = robustness(flip(), 20, seed=2, mode="process").to_json()
    assert {"draws", "infeasible", "seed", "objective", "initiatives"} <= set(doc)
    assert set(doc["objective"]) == {"p5", "p50", "p95", "mean"}
    assert {
        "initiative_id",
        "decision",
        "funded_share",
        "decision_shares",
        "budget_p5",
        "budget_p50",
        "budget_p95",
        "stability",
    } <= set(doc["initiatives"][0])


def test_a_robustness_file_reads_back_as_written():
    r = robustness(flip(), 20, seed=2, mode="process")
    again = Robustness.from_json(json.loads(json.dumps(r.to_json())))
    assert again == r
    assert again.inputs_sha256 == allocate(flip()).provenance.inputs_sha256


def test_turning_figures_are_the_same_in_blocks_of_any_size(monkeypatch):
    from commissioning.robustness import summary

    inputs = load(SAMPLE)
    tri = summary.Triangles.of(inputs)
    draws = list(range(30))
    rng = np.random.default_rng(0)
    agree = (rng.random((30, len(tri.ids))) < 0.7).astype(float)
    whole = summary._turning_figures(tri, 5, draws, agree)
    monkeypatch.setattr(summary, "FIGURES_AT_ONCE", 7)
    assert summary._turning_figures(tri, 5, draws, agree) == whole
    assert len(whole) > 100
