"""Reading and validating providers' returns: bad-input folders, the warning, the limits."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from commissioning.inputs import DataSet, InputError
from commissioning.inputs import read as read_module
from commissioning.inputs.returns import load_returns
from tests.monitor.conftest import DATA, RETURNS

BAD = DATA / "bad_returns"
CASES = sorted(p for p in BAD.iterdir() if p.is_dir())
Plan = dict[str, dict[int, float]]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_returns_are_named(case: Path, data: DataSet, plan: Plan) -> None:
    with pytest.raises(InputError) as e:
        load_returns(case / "returns.csv", data, plan)
    text = str(e.value)
    for expected in (case / "expected.txt").read_text().splitlines():
        if expected:
            assert expected in text, f"{case.name}: {expected!r} not in\n{text}"
    assert all(p.severity == "error" for p in e.value.problems)


def test_every_problem_is_reported_at_once(data: DataSet, plan: Plan) -> None:
    with pytest.raises(InputError) as e:
        load_returns(BAD / "every_problem_at_once" / "returns.csv", data, plan)
    assert [(p.row, p.column) for p in e.value.problems] == [
        (2, "initiative_id"),
        (3, "quarter"),
        (4, "spend"),
        (5, "outcomes_achieved"),
    ]


def test_the_fixture_is_valid_with_one_warning(data: DataSet, plan: Plan) -> None:
    r = load_returns(RETURNS, data, plan)
    assert len(r.returns) == 13
    (w,) = r.warnings
    assert w.severity == "warning"
    assert (w.file, w.row, w.column) == ("returns.csv", 6, "initiative_id")
    assert "the plan gives 0110 nothing in 2027" in w.message
    assert r.latest() == (2028, 1)
    assert r.of("1001", 2027)[2].notes == "Two extra sessions in the summer"


def test_without_a_plan_there_is_no_warning(data: DataSet) -> None:
    r = load_returns(RETURNS, data)
    assert r.warnings == ()


def test_ids_are_text_not_numbers(data: DataSet, plan: Plan) -> None:
    """0110 keeps its leading zero; 110 is another, unknown, service."""
    content = b"initiative_id,year,quarter,spend,participants,outcomes_achieved\n110,2027,1,0,0,0\n"
    with pytest.raises(InputError, match="unknown service '110'"):
        load_returns(content, data, plan, name="returns.csv")


def test_returns_sheet_of_a_workbook(data: DataSet, plan: Plan, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Notes"
    ws.append(["anything"])
    ws = wb.create_sheet("Returns")
    ws.append(["initiative_id", "year", "quarter", "spend", "participants", "outcomes_achieved"])
    ws.append(["1001", 2027, 1, 30000.0, 95, 10])
    ws.append(["1001", 2027, 2, 33000, 95, 181])  # 191 outcomes of 190 participants
    path = tmp_path / "returns.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as e:
        load_returns(path, data, plan)
    (p,) = e.value.problems
    assert (p.file, p.sheet, p.row, p.column) == ("returns.xlsx", "Returns", 3, "outcomes_achieved")
    assert "returns.xlsx (sheet Returns) row 3, column outcomes_achieved" in str(e.value)


def test_workbook_without_a_returns_sheet(data: DataSet, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InputError, match="no sheet 'returns'"):
        load_returns(buf.getvalue(), data, name="book.xlsx")


def test_missing_file(data: DataSet, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"returns\.csv: no such file"):
        load_returns(tmp_path / "returns.csv", data)


def test_size_limit(data: DataSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_module, "MAX_FILE_BYTES", 100)
    big = tmp_path / "returns.csv"
    big.write_bytes(RETURNS.read_bytes())
    with pytest.raises(InputError, match=r"returns\.csv: is 0\.0 MB; the toolkit reads files of"):
        load_returns(big, data)
    with pytest.raises(InputError, match="the toolkit reads files of at most"):
        load_returns(RETURNS.read_bytes(), data)


def test_row_limit(data: DataSet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_module, "MAX_ROWS", 5)
    with pytest.raises(InputError, match="has more than 5 rows"):
        load_returns(RETURNS, data)


def test_note_length_limit(data: DataSet) -> None:
    note = "x" * 2_001
    content = (
        "initiative_id,year,quarter,spend,participants,outcomes_achieved,notes\n"
        f"1001,2027,1,100,1,0,{note}\n"
    ).encode()
    with pytest.raises(InputError, match="row 2, column notes: is 2,001 characters long"):
        load_returns(content, data, name="returns.csv")


def test_reading_never_writes(data: DataSet, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_bytes(RETURNS.read_bytes())
    before = path.stat().st_mtime_ns, path.read_bytes()
    load_returns(path, data, plan)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_notes_column_may_be_left_out(data: DataSet) -> None:
    content = b"initiative_id,year,quarter,spend,participants,outcomes_achieved\n1001,2027,1,5,2,1"
    r = load_returns(content, data, name="returns.csv")
    assert [(x.initiative_id, x.spend, x.participants, x.notes) for x in r.returns] == [
        ("1001", 5.0, 2, "")
    ]
