"""Warm-started variants (break-even re-solves) reach the same optimum as a cold solve."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from commissioning.allocator import whatif
from commissioning.allocator.whatif import WarmStart, optimum_of_variant, optimum_without
from commissioning.inputs import load
from commissioning.inputs.model import EVIDENCE_LEVELS, Inputs
from tests.allocator.fixtures import FIXTURES, Fixture

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def variants(inputs: Inputs, every: int = 1) -> list[tuple[str, Inputs]]:
    """What a break-even search tries: each service's unit cost, effect and evidence."""
    out = []
    data = inputs.data
    for n, i in enumerate(data.initiatives):
        if n % every:
            continue
        changes = {
            "cheaper": replace(i, unit_cost=max(1.0, i.unit_cost / 2.5)),
            "dearer": replace(i, unit_cost=i.unit_cost * 1.7),
            "effective": replace(i, effect=min(1.0, i.effect * 2.2 + 0.01)),
            "rated": replace(i, evidence_level=EVIDENCE_LEVELS[0]),
            "not effective": replace(i, evidence_level="NE"),
        }
        for what, changed in changes.items():
            swapped = tuple(changed if j is i else j for j in data.initiatives)
            out.append(
                (
                    f"{i.initiative_id} {what}",
                    replace(inputs, data=replace(data, initiatives=swapped)),
                )
            )
    return out


def check(inputs: Inputs, every: int = 1) -> tuple[int, int]:
    warm = WarmStart(inputs)
    counted = [0, 0]
    for label, variant in variants(inputs, every):
        cold = optimum_without(variant, lambda r: False)
        found = warm.optimum(variant)
        if found is None:
            counted[1] += 1
            continue
        counted[0] += 1
        assert found.feasible == cold.feasible, label
        if cold.feasible:
            assert found.objective == pytest.approx(cold.objective, rel=1e-7, abs=1e-9), label
    # The base model is put back after every variant: it still solves to the base optimum.
    again = warm.optimum(inputs)
    assert again is not None
    assert again.objective == pytest.approx(optimum_without(inputs, lambda r: False).objective)
    return counted[0], counted[1]


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_every_variant_of_every_fixture(fx: Fixture) -> None:
    check(fx.build())


def test_variants_of_the_sample_are_mostly_warm_and_always_right() -> None:
    warm, cold = check(load(SAMPLE), every=11)
    # The warm path is what runs; a service made "not effective" gains a rule (a cold solve).
    # A mixed-integer variant whose relaxation is not viable is branched on warm.
    assert warm > 2 * cold


def test_optimum_of_variant_falls_back_to_a_cold_solve(monkeypatch) -> None:
    inputs = load(SAMPLE)
    _, variant = variants(inputs)[0]
    monkeypatch.setattr(WarmStart, "optimum", lambda self, v: None)
    whatif._WARM.clear()
    got = optimum_of_variant(inputs, variant)
    assert got.objective == pytest.approx(optimum_without(variant, lambda r: False).objective)
    cbc = optimum_of_variant(inputs, variant, "cbc")
    assert cbc.objective == pytest.approx(got.objective, rel=1e-6)


def test_a_forked_process_builds_its_own_warm_model() -> None:
    """The app serves sessions in threads and forks workers for documents: a child must
    not wait on a lock another thread held at the fork, nor reuse a model mid-change."""
    import multiprocessing

    inputs = load(SAMPLE)
    _, variant = variants(inputs)[1]
    expected = optimum_of_variant(inputs, variant).objective
    held = whatif._WARM_LOCK
    held.acquire()  # as if another thread were changing the model when the fork happens
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(1) as pool:
            got = pool.apply_async(_objective_in_child, (inputs, variant)).get(timeout=60)
    finally:
        held.release()
    assert got == pytest.approx(expected, rel=1e-9)


def _objective_in_child(inputs: Inputs, variant: Inputs) -> float:
    assert not whatif._WARM
    return optimum_of_variant(inputs, variant).objective


def test_a_rule_with_no_columns_does_not_stop_the_warm_start() -> None:
    """A stream no service may draw on gives an envelope rule with no columns; it is left
    out of both models and the variants are still solved warm."""
    from tests.allocator.builders import initiative, make_inputs

    inputs = make_inputs(
        [
            initiative("A", current_budget=100, max_budget=300, effect=0.2),
            initiative("B", max_budget=300, effect=0.5),
        ],
        budgets={"S1": 250, "UNUSED": 1000},
        max_growth=100.0,
        ramp=100.0,
    )
    warm = WarmStart(inputs)
    assert any(not r.cols for r in warm.rows)
    for label, variant in variants(inputs):
        found = warm.optimum(variant)
        if label.endswith("not effective"):  # gains a rule: solved cold
            assert found is None
            continue
        assert found is not None, label
        cold = optimum_without(variant, lambda r: False)
        assert found.objective == pytest.approx(cold.objective, rel=1e-9), label


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_leaving_out_each_family_of_rules_warm_or_cold(fx: Fixture) -> None:
    inputs = fx.build()
    warm = WarmStart(inputs)
    for family in sorted({r.family for r in warm.f.rows}):

        def drop(r, family=family):  # type: ignore[no-untyped-def]
            return r.family == family

        cold = optimum_without(inputs, drop)
        found = warm.without(drop)
        if found is None:
            continue  # a mixed-integer plan whose relaxation is not viable: solved cold
        assert cold.feasible, family
        assert found.objective == pytest.approx(cold.objective, rel=1e-7, abs=1e-9), family
