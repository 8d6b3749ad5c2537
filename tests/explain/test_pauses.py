"""Pauses: a service the plan stops and later funds again is named in every view."""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.summary import find_pauses, pause_of
from commissioning.inputs import load
from tests.allocator.builders import initiative

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
YEARS = (2027, 2028, 2029)


@pytest.mark.parametrize(
    ("today", "plan", "expected"),
    [
        (100.0, (100.0, 100.0, 100.0), None),  # kept
        (100.0, (0.0, 0.0, 0.0), None),  # decommissioned: stops and stays stopped
        (100.0, (100.0, 50.0, 0.0), None),  # tapered out
        (0.0, (0.0, 50.0, 80.0), None),  # a candidate starting later is not a pause
        (100.0, (0.0, 60.0, 90.0), (100.0, 2027, 2028, 60.0)),  # paused from the first year
        (100.0, (100.0, 0.0, 70.0), (100.0, 2028, 2029, 70.0)),  # paused in the middle
        (100.0, (0.0, 0.0, 40.0), (100.0, 2027, 2029, 40.0)),  # a two-year gap
        (0.0, (50.0, 0.0, 50.0), (50.0, 2028, 2029, 50.0)),  # started, paused, restarted
        (100.0, (100.0, 0.5, 70.0), (100.0, 2028, 2029, 70.0)),  # under £1 counts as nothing
    ],
)
def test_a_pause_is_funding_then_none_then_funding_again(today, plan, expected):
    i = initiative("X", current_budget=today, status="existing" if today else "candidate")
    p = pause_of(i, dict(zip(YEARS, plan, strict=True)), YEARS)
    if expected is None:
        assert p is None
    else:
        assert p is not None
        assert (p.before, p.stops, p.resumes, p.resumed_at) == expected


def test_a_pause_is_worded_with_its_gap_and_what_to_do():
    i = initiative("X", current_budget=290_000.0)
    p = pause_of(i, {2027: 0.0, 2028: 0.0, 2029: 185_600.0}, YEARS)
    assert p is not None and p.gap == "2027 to 2028"
    assert p.sentence == (
        "The plan pauses it. No funding in 2027 to 2028, then £185,600 from 2029. The model "
        "puts no price on a pause; if the service cannot stop and restart, give it a minimum "
        "budget (min_budget) or lock it in the scenario."
    )


def test_the_sample_plan_s_pauses_are_found_and_explained():
    inputs = load(SAMPLE)
    result = allocate(inputs)
    pauses = find_pauses(inputs, result)
    by_id = {p.initiative_id: p for p in pauses}
    assert "FS-WYR-01" in by_id and by_id["FS-WYR-01"].stops == 2027
    for p in pauses:
        proposed = result.initiatives_by_id[p.initiative_id].proposed
        assert all(proposed[y] < 1.0 for y in range(p.stops, p.resumes))
        assert proposed[p.resumes] == pytest.approx(p.resumed_at)
        e = explain_initiative(inputs, result, p.initiative_id, confirm=False)
        assert e.pause == p and p.sentence in e.sentences
    kept = next(r for r in result.initiatives if r.initiative_id not in by_id)
    assert explain_initiative(inputs, result, kept.initiative_id, confirm=False).pause is None
