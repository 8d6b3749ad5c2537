"""Replacing one table of the data in use by uploading just that table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from commissioning.app.sources import source_from_folder, with_table_replaced
from commissioning.inputs.read import read_tables
from commissioning.inputs.validate import validate_tables

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "valid_small"


def _check(source):
    checked = validate_tables(read_tables(dict(source.files), label=source.label))
    return checked.data, checked.errors


def _rows(**changes: str) -> list[list[str]]:
    """The small data's initiatives, the first service's cells changed by column."""
    text = (SMALL / "initiatives.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    for column, value in {"name": "Renamed service", **changes}.items():
        rows[1][rows[0].index(column)] = value
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def _renamed_initiatives() -> bytes:
    return _csv(_rows())


def test_one_csv_replaces_its_table_and_the_rest_stay():
    current = source_from_folder(SMALL)
    tables = read_tables(dict(current.files))
    new, problems = with_table_replaced(
        current, tables, "initiatives", "from the partner.csv", _renamed_initiatives()
    )
    assert problems == () and new is not None
    assert set(new.files) == set(current.files)
    assert new.files["districts.csv"] == current.files["districts.csv"]
    data, errors = _check(new)
    assert errors == () and data is not None
    assert data.initiatives[0].name == "Renamed service"
    assert "initiatives from from the partner.csv" in new.label


def test_a_table_that_does_not_fit_the_rest_is_named_with_row_and_column():
    current = source_from_folder(SMALL)
    tables = read_tables(dict(current.files))
    bad = _csv(_rows(district_id="NOWHERE"))
    new, problems = with_table_replaced(current, tables, "initiatives", "bad.csv", bad)
    assert problems == () and new is not None  # readable: validated with the rest
    data, errors = _check(new)
    assert data is None
    assert any(e.column == "district_id" and e.row == 2 and "NOWHERE" in str(e) for e in errors)


def test_a_workbook_sheet_named_after_the_table_replaces_it():
    current = source_from_folder(SMALL)
    tables = read_tables(dict(current.files))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Initiatives"
    for row in _rows():
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    new, problems = with_table_replaced(
        current, tables, "initiatives", "partner.xlsx", buffer.getvalue()
    )
    assert problems == () and new is not None
    data, errors = _check(new)
    assert errors == () and data is not None
    assert data.initiatives[0].name == "Renamed service"


def test_a_workbook_without_the_sheet_or_another_file_is_refused_plainly():
    current = source_from_folder(SMALL)
    tables = read_tables(dict(current.files))
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    new, problems = with_table_replaced(current, tables, "budgets", "x.xlsx", buffer.getvalue())
    assert new is None and "no sheet 'budgets'" in problems[0].message
    new, problems = with_table_replaced(current, tables, "budgets", "x.txt", b"a,b\n")
    assert new is None and problems[0].message == "only a .csv file or an .xlsx workbook is read"
