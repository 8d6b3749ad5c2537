"""A snapshot rebuilds the very inputs it was made from, with the same fingerprint."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from commissioning.inputs import Problem, fingerprint, load, with_scenario
from commissioning.inputs.model import frozen_map
from commissioning.inputs.snapshot import SnapshotError, from_snapshot, to_snapshot
from tests.allocator.builders import initiative, make_inputs

ROOT = Path(__file__).resolve().parents[2]


def round_trip(inputs):
    """Through JSON text, as the store keeps it."""
    text = json.dumps(to_snapshot(inputs), allow_nan=False, sort_keys=True)
    return from_snapshot(json.loads(text))


@pytest.mark.parametrize("folder", [ROOT / "data" / "sample", ROOT / "tests/data/valid_small"])
def test_a_data_folder_round_trips(folder):
    inputs = load(folder)
    again = round_trip(inputs)
    assert again == inputs
    assert fingerprint(again) == fingerprint(inputs)
    assert again.data.source == inputs.data.source
    assert [b.row for b in again.data.budgets] == [b.row for b in inputs.data.budgets]
    assert again.warnings == inputs.warnings
    # Types survive too, not just values: outcome levels stay integers, ids stay text.
    assert set(again.scenario.outcome_value) == {1, 2, 3, 4}
    assert all(isinstance(i.level, int) for i in again.data.initiatives)


def test_everything_the_fingerprint_leaves_out_is_kept():
    inputs = make_inputs(
        [
            initiative("A", extra=frozen_map({"notes": "keep me", "£": "✓"}), contract_end=2028),
            initiative("B", status="candidate", min_viable=50.0, outcomes=("O1",)),
        ],
        budgets={"S1": 1000},
        horizon=3,
        prevention_share=[0.1, 0.2, 0.3],
    )
    inputs = dataclasses.replace(
        inputs,
        data=dataclasses.replace(inputs.data, source="/somewhere/else"),
        warnings=(Problem("initiatives.csv", "a warning", 3, "effect", "0", "warning", "Sheet"),),
    )
    again = round_trip(inputs)
    assert again == inputs
    assert again.data.initiatives[0].extra == {"notes": "keep me", "£": "✓"}
    assert again.data.initiatives[0].contract_end == 2028
    assert again.data.initiatives[1].contract_end is None
    assert again.scenario.prevention_share == (0.1, 0.2, 0.3)


def test_a_scenario_with_every_setting_round_trips():
    base = load(ROOT / "tests/data/valid_small")
    doc = {
        **base.scenario.to_dict(),
        "priority_weights": {"P1": 2.5},
        "lock": ["1003"],
        "exclude": [],
        "outcome_value": {"1": 0.5, "4": 9.0},
        "prevention_share": 0.25,
    }
    inputs = with_scenario(base, doc)
    again = round_trip(inputs)
    assert again == inputs
    assert dict(again.scenario.priority_weights) == {"P1": 2.5}
    assert again.scenario.to_dict() == inputs.scenario.to_dict()


def test_something_else_is_refused():
    with pytest.raises(SnapshotError, match="format"):
        from_snapshot({"format": 999})
    doc = to_snapshot(load(ROOT / "tests/data/valid_small"))
    del doc["initiatives"][0]["unit_cost"]
    with pytest.raises(SnapshotError, match="damaged"):
        from_snapshot(doc)
