"""Property: any data folder that keeps the rules of model.md loads, with its ids intact."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings

from commissioning.inputs import fingerprint, load
from tests.inputs.helpers import to_workbook
from tests.strategies import Tables, valid_folders, write_folder


@settings(max_examples=30, deadline=None)
@given(valid_folders())
def test_generated_valid_folders_always_validate(folder: tuple[Tables, dict[str, Any]]) -> None:
    tables, scenario = folder
    with tempfile.TemporaryDirectory() as tmp:
        inputs = load(write_folder(tables, Path(tmp) / "data", scenario))
    data = inputs.data
    assert [i.initiative_id for i in data.initiatives] == [
        r["initiative_id"] for r in tables["initiatives"]
    ]
    assert len(data.districts) == len(tables["districts"])
    assert set(inputs.scenario.lock) <= set(data.initiatives_by_id)
    for y in inputs.scenario.years:
        for s in data.streams:
            assert data.budget(s.stream_id, y) >= 0
    assert len(fingerprint(inputs)) == 64


@settings(max_examples=12, deadline=None)
@given(valid_folders())
def test_generated_folders_load_alike_as_csv_and_workbook(
    folder: tuple[Tables, dict[str, Any]],
) -> None:
    tables, scenario = folder
    with tempfile.TemporaryDirectory() as tmp:
        csv_dir = write_folder(tables, Path(tmp) / "csv", scenario)
        from_csv = load(csv_dir)
        from_xlsx = load(to_workbook(csv_dir, Path(tmp) / "xlsx"))
    assert from_xlsx.data.initiatives == from_csv.data.initiatives
    assert from_xlsx.data.districts == from_csv.data.districts
    assert fingerprint(from_xlsx) == fingerprint(from_csv)
