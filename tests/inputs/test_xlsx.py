"""The same tables as one workbook: equal objects, located problems, and ambiguity refused."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import openpyxl
import pytest

from commissioning.inputs import InputError, fingerprint, load, load_data, with_scenario
from tests.inputs.helpers import VALID, copy_valid, to_workbook, workbook_bytes


def test_workbook_and_csv_load_to_equal_objects(tmp_path: Path) -> None:
    folder = to_workbook(VALID, tmp_path / "book")
    from_csv = load(VALID)
    from_xlsx = load(folder)
    assert from_xlsx.data.source == str(folder / "data.xlsx")
    assert dataclasses.replace(from_xlsx.data, source="") == dataclasses.replace(
        from_csv.data, source=""
    )
    assert from_xlsx.scenario == from_csv.scenario
    assert fingerprint(from_xlsx) == fingerprint(from_csv)


def test_workbook_numbers_become_the_text_a_csv_holds(tmp_path: Path) -> None:
    inputs = load(to_workbook(VALID, tmp_path / "book"))
    assert "1001" in inputs.data.initiatives_by_id  # stored as the float 1001.0
    assert "0110" in inputs.data.initiatives_by_id  # stored as text
    assert inputs.data.initiative("1009").extra == {"notes": "Quoted name with a comma"}


def _five_mistakes(wb: openpyxl.Workbook) -> None:
    wb["initiatives"]["K5"] = "abc"  # unit_cost of 1004
    wb["initiatives"]["S3"] = "CORE;PHX"  # funding of 1002
    wb["priorities"]["D2"] = 1.5  # min_share
    wb["budgets"]["C4"] = -5  # amount
    wb["outcomes"]["B3"] = None  # name


def test_workbook_reports_five_mistakes_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "plan.xlsx").write_bytes(workbook_bytes(VALID, _five_mistakes))
    shutil.copy(VALID / "scenario.yaml", folder)
    with pytest.raises(InputError) as e:
        load(folder)
    got = [str(p) for p in e.value.problems]
    expected = [
        "plan.xlsx (sheet budgets) row 4, column amount: -5 is out of range: must be at least 0",
        "plan.xlsx (sheet priorities) row 2, column min_share: 1.5 is out of range",
        "plan.xlsx (sheet outcomes) row 3, column name: is blank; a value is required",
        "plan.xlsx (sheet initiatives) row 3, column funding: unknown stream 'PHX'",
        "plan.xlsx (sheet initiatives) row 5, column unit_cost: 'abc' is not a number",
    ]
    assert len(got) == 5
    for want in expected:
        assert any(g.startswith(want) for g in got), (want, got)
    assert {p.sheet for p in e.value.problems} == {
        "budgets",
        "priorities",
        "outcomes",
        "initiatives",
    }


def test_csv_and_workbook_together_is_an_error(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    (folder / "data.xlsx").write_bytes(workbook_bytes(VALID))
    with pytest.raises(InputError) as e:
        load(folder)
    (problem,) = e.value.problems
    assert "data.xlsx" in problem.message and "initiatives.csv" in problem.message


def test_two_workbooks_is_an_error(tmp_path: Path) -> None:
    folder = to_workbook(VALID, tmp_path / "book")
    shutil.copy(folder / "data.xlsx", folder / "copy.xlsx")
    with pytest.raises(InputError) as e:
        load(folder)
    assert "found 2 workbooks (copy.xlsx, data.xlsx)" in str(e.value)


def test_missing_sheet_and_unreadable_workbook(tmp_path: Path) -> None:
    def drop(wb: openpyxl.Workbook) -> None:
        del wb["outcomes"]

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "data.xlsx").write_bytes(workbook_bytes(VALID, drop))
    shutil.copy(VALID / "scenario.yaml", folder)
    with pytest.raises(InputError) as e:
        load(folder)
    assert "data.xlsx: no sheet 'outcomes' (sheets: districts" in str(e.value)
    (folder / "data.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(InputError) as e:
        load(folder)
    assert "data.xlsx: cannot be read as an Excel workbook" in str(e.value)


def test_excel_lock_file_is_ignored(tmp_path: Path) -> None:
    folder = to_workbook(VALID, tmp_path / "book")
    (folder / "~$data.xlsx").write_bytes(b"owner")
    assert len(load(folder).data.initiatives) == 10


def test_scenario_problems_on_budgets_name_the_sheet(tmp_path: Path) -> None:
    inputs = load(to_workbook(VALID, tmp_path / "book"))
    with pytest.raises(InputError) as e:
        with_scenario(inputs, {"name": "Later", "start_year": 2029, "horizon": 2})
    first = e.value.problems[0]
    assert (first.file, first.sheet, first.column) == ("data.xlsx", "budgets", "year")
    assert str(first).startswith("data.xlsx (sheet budgets) column year: stream CORE has no")


def test_duplicate_budget_rows_keep_their_row_numbers(tmp_path: Path) -> None:
    def twice(wb: openpyxl.Workbook) -> None:
        wb["budgets"].append(["PH", 2028, 1])

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "data.xlsx").write_bytes(workbook_bytes(VALID, twice))
    shutil.copy(VALID / "scenario.yaml", folder)
    data, _ = load_data(folder)  # fine without a scenario
    with pytest.raises(InputError) as e:
        with_scenario(data, {"name": "x", "start_year": 2027, "horizon": 3})
    assert (
        "data.xlsx (sheet budgets) row 12, column year: a second row for stream PH in 2028 "
        "(first at row 7)" in str(e.value)
    )
