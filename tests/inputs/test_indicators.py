"""indicators.csv: baselines of the indicator library, read and validated like every table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from commissioning.inputs import InputError, fingerprint, load
from commissioning.inputs.model import COUNTY, IndicatorValue
from commissioning.inputs.snapshot import from_snapshot, to_snapshot
from tests.inputs.helpers import copy_valid, to_workbook, write_rows

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
HEADER = ["indicator_id", "district_id", "year", "value", "source"]


def with_indicators(tmp_path: Path, rows: list[list[str]]) -> Path:
    """The valid fixture (districts NTH, STH and WST) with an indicators.csv of these rows."""
    folder = copy_valid(tmp_path / "data")
    write_rows(folder / "indicators.csv", [HEADER, *rows])
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(folder)
    return [str(p) for p in caught.value.problems]


def test_values_are_read_for_the_county_and_districts(tmp_path: Path) -> None:
    folder = with_indicators(
        tmp_path,
        [
            ["SAFE-CP-PLANS", COUNTY, "2025", "47.6", "DfE, Characteristics of children in need"],
            ["SAFE-CP-PLANS", "NTH", "2025", "58.2", "DfE, Characteristics of children in need"],
            ["ENJOY-GLD", "STH", "2024", "66", "DfE, EYFS profile results"],
        ],
    )
    values = load(folder).data.indicators
    assert values == (
        IndicatorValue(
            "SAFE-CP-PLANS", COUNTY, 2025, 47.6, "DfE, Characteristics of children in need"
        ),
        IndicatorValue(
            "SAFE-CP-PLANS", "NTH", 2025, 58.2, "DfE, Characteristics of children in need"
        ),
        IndicatorValue("ENJOY-GLD", "STH", 2024, 66.0, "DfE, EYFS profile results"),
    )


def test_a_folder_without_indicators_has_none(tmp_path: Path) -> None:
    assert load(copy_valid(tmp_path / "data")).data.indicators == ()


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    folder = with_indicators(
        tmp_path,
        [
            ["SAFE-CP-PLANS", "NTH", "2025", "58.2", "DfE"],
            ["SAFE-CP-PLANS", "NTH", "2025", "57.0", "DfE"],  # the same indicator, area, year
            ["SAFE-CP-PLANS", "XX", "2025", "40", "DfE"],  # no such district
            ["ENJOY-GLD", "NTH", "2025", "about 60", "DfE"],  # not a number
            ["ENJOY-GLD", "STH", "2025", "61", ""],  # no source
            ["", "STH", "2025", "61", "DfE"],  # no indicator
            ["X" * 61, "STH", "2025", "61", "DfE"],  # not a short code
            ["ENJOY-GLD", "STH", "25", "61", "DfE"],  # not a year
        ],
    )
    found = problems(folder)
    expected = [
        "indicators.csv row 3, column indicator_id: a second value for SAFE-CP-PLANS, NTH, "
        "2025 (first at row 2)",
        "indicators.csv row 4, column district_id: unknown district 'XX'",
        "indicators.csv row 5, column value: 'about 60' is not a number",
        "indicators.csv row 6, column source: is blank; a value is required",
        "indicators.csv row 7, column indicator_id: is blank; a value is required",
        "indicators.csv row 8, column indicator_id: is 61 characters long; a code may be at "
        "most 60",
        "indicators.csv row 9, column year: 25 is out of range",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in found), (text, found)
    assert len(found) == len(expected), found


def test_a_workbook_sheet_is_read_the_same(tmp_path: Path) -> None:
    folder = with_indicators(tmp_path, [["ENJOY-GLD", "NTH", "2025", "66.4", "DfE"]])
    book = to_workbook(folder, tmp_path / "book")
    assert load(book).data.indicators == load(folder).data.indicators


def test_indicators_are_not_in_the_fingerprint_but_are_in_the_snapshot() -> None:
    inputs = load(SAMPLE)
    assert inputs.data.indicators
    changed = dataclasses.replace(
        inputs, data=dataclasses.replace(inputs.data, indicators=inputs.data.indicators[:1])
    )
    assert fingerprint(changed) == fingerprint(inputs)
    again = from_snapshot(to_snapshot(inputs))
    assert again.data.indicators == inputs.data.indicators


def test_the_sample_has_a_baseline_for_every_area_of_every_indicator() -> None:
    data = load(SAMPLE).data
    areas = {COUNTY, *(d.district_id for d in data.districts)}
    ids = {v.indicator_id for v in data.indicators}
    assert len(ids) == 14
    assert {(v.indicator_id, v.area) for v in data.indicators} == {
        (i, a) for i in ids for a in areas
    }
    assert all(v.source.startswith("Illustrative: ") for v in data.indicators)
    assert all(i.split("-")[0] in data.outcomes_by_id for i in ids)


def test_an_older_snapshot_without_indicators_still_reads() -> None:
    doc = to_snapshot(load(SAMPLE))
    del doc["indicators"]
    assert from_snapshot(doc).data.indicators == ()
