"""Workbooks read exactly or refused, and the limits of what is read (docs/limits.md).

Every workbook is built here with openpyxl; the costly cases (a sheet declared a million
rows long, a YAML alias bomb) run in a subprocess under a memory cap, with a time bound.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from commissioning.inputs import InputError, load
from commissioning.inputs.read import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_YAML_BYTES,
    read_scenario,
    read_tables,
    read_workbook,
)
from tests.inputs.helpers import VALID, copy_valid, hashes, read_rows, workbook_bytes, write_rows

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1_500_000_000
"""Address space allowed to a subprocess that reads a hostile file (the interpreter with
openpyxl needs a few hundred MB of it; the hostile file without limits needs many GB)."""


def _column(table: str, name: str) -> str:
    """The spreadsheet letter of a column of a fixture table."""
    header = read_rows(VALID / f"{table}.csv")[0]
    return str(get_column_letter(header.index(name) + 1))


def _book_folder(tmp_path: Path, content: bytes) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "data.xlsx").write_bytes(content)
    shutil.copy(VALID / "scenario.yaml", folder)
    return folder


def _problems(folder: Path) -> list[str]:
    before = hashes(folder)
    with pytest.raises(InputError) as e:
        load(folder)
    assert hashes(folder) == before  # the inputs are only read
    return [str(p) for p in e.value.problems]


# --------------------------------------------------------------------------- workbooks


def test_a_formula_without_a_stored_value_is_an_error_naming_sheet_and_cell(
    tmp_path: Path,
) -> None:
    cell = f"{_column('initiatives', 'min_budget')}3"

    def edit(wb: openpyxl.Workbook) -> None:
        wb["initiatives"][cell] = "=329000"  # openpyxl saves a formula, never its value

    got = _problems(_book_folder(tmp_path, workbook_bytes(VALID, edit)))
    assert got == [
        f"data.xlsx (sheet initiatives) row 3, column min_budget: cell {cell} holds a formula "
        "whose value was never saved, so it cannot be read: open and save the workbook in "
        "Excel, or enter the value"
    ]


def test_a_formula_with_its_stored_value_reads_as_the_value() -> None:
    # As Excel saves it: the formula and, beside it, the value it last computed.
    content = workbook_bytes(VALID)
    cell = f"{_column('initiatives', 'min_budget')}3"
    patched = _patch_sheet(
        content,
        "initiatives",
        lambda xml: re.sub(
            rf'<c r="{cell}"([^>]*)/>|<c r="{cell}"([^>]*)>.*?</c>',
            f'<c r="{cell}"><f>20000+0</f><v>20000</v></c>',
            xml,
        ),
    )
    tables, problems = read_workbook(patched, "data.xlsx")
    assert problems == []
    row = tables["initiatives"].records()[1]
    assert row["initiative_id"] == "1002" and row["min_budget"] == "20000"


def test_a_formula_whose_saved_value_is_empty_text_reads_as_blank(tmp_path: Path) -> None:
    # Excel saves =IF(...,"",...) giving "" as a text result with an empty value.
    cell = f"{_column('initiatives', 'notes')}3"
    content = _patch_sheet(
        workbook_bytes(VALID),
        "initiatives",
        lambda xml: xml.replace(
            '</row><row r="4"', f'<c r="{cell}" t="str"><f>""</f><v></v></c></row><row r="4"', 1
        ),
    )
    assert f'<c r="{cell}" t="str">' in _sheet_xml(content, "initiatives")
    inputs = load(_book_folder(tmp_path, content))
    assert inputs.data.initiative("1002").extra == {"notes": ""}


def _sheet_xml(content: bytes, title: str) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_a_hidden_sheet_is_never_read(tmp_path: Path) -> None:
    unit_cost = _column("initiatives", "unit_cost")

    def edit(wb: openpyxl.Workbook) -> None:
        wb["initiatives"].title = "Initiatives "
        hidden = wb.copy_worksheet(wb["Initiatives "])
        hidden.title = "initiatives"
        hidden.sheet_state = "hidden"
        hidden[f"{unit_cost}2"] = 0.000001  # what would be planned if it were read

    inputs = load(_book_folder(tmp_path, workbook_bytes(VALID, edit)))
    assert inputs.data.initiative("1001").unit_cost == 300


def test_a_table_only_on_a_hidden_sheet_is_missing_and_said_to_be_hidden(tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["outcomes"].sheet_state = "veryHidden"

    got = _problems(_book_folder(tmp_path, workbook_bytes(VALID, edit)))
    assert got == [
        "data.xlsx: no sheet 'outcomes' (sheets: districts, funding_streams, budgets, "
        "priorities, initiatives); sheet 'outcomes' is hidden, and hidden sheets are never "
        "read: unhide it if it holds the table"
    ]


def test_two_sheets_differing_only_in_case_or_spaces_are_an_error_naming_both(
    tmp_path: Path,
) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb.copy_worksheet(wb["initiatives"]).title = "Initi atives "

    got = _problems(_book_folder(tmp_path, workbook_bytes(VALID, edit)))
    assert got == [
        "data.xlsx: sheets 'initiatives' and 'Initi atives ' could both be the initiatives "
        "table (their names differ only in capitals or spaces); rename or delete all but one"
    ]


def _patch_sheet(content: bytes, title: str, change: object) -> bytes:
    """The workbook with one sheet's XML changed (`change`: str -> str)."""
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == f"xl/worksheets/sheet{index}.xml":
                assert callable(change)
                data = change(data.decode()).encode()
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _far_cell_workbook(declared: bool) -> bytes:
    """The fixture with one more cell, at XFD1048576, the last cell a sheet can have."""

    def edit(wb: openpyxl.Workbook) -> None:
        wb["initiatives"]["XFD1048576"] = 1

    content = workbook_bytes(VALID, edit)
    if declared:
        return content
    return _patch_sheet(content, "initiatives", lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))


def _in_capped_subprocess(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))
        sys.path.insert(0, {str(ROOT)!r})
        """
    ) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_a_sheet_reaching_the_last_cell_is_refused_quickly_in_bounded_memory(
    tmp_path: Path, declared: bool
) -> None:
    content = _far_cell_workbook(declared)
    assert len(content) < 30_000
    book = tmp_path / "bomb.xlsx"
    book.write_bytes(content)
    started = time.monotonic()
    run = _in_capped_subprocess(
        f"""
        from pathlib import Path
        from commissioning.inputs.read import read_workbook
        tables, problems = read_workbook(Path({str(book)!r}).read_bytes(), "bomb.xlsx")
        print("initiatives" in tables)
        for p in problems:
            print(p)
        """,
        tmp_path,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    if declared:
        expected = (
            "bomb.xlsx (sheet initiatives): is 1,048,576 rows by 16,384 columns as saved; "
            "the toolkit reads at most 100,000 rows and 200 columns a sheet: delete the "
            "unused rows and columns and save it again"
        )
    else:
        expected = (
            "bomb.xlsx (sheet initiatives) row 1048576: has values beyond column 200; the "
            "toolkit reads at most 200 columns a table"
        )
    assert run.stdout.splitlines() == ["False", expected]
    assert elapsed < 20


def test_a_sheet_with_too_many_rows_is_refused_at_the_first_row_beyond() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "outcomes"
    ws.append(["outcome_id", "name"])
    ws.cell(row=MAX_ROWS + 1, column=1, value="LATE")
    out = io.BytesIO()
    wb.save(out)
    tables, problems = read_workbook(out.getvalue(), "data.xlsx")
    assert "outcomes" not in tables
    assert [str(p) for p in problems if p.sheet == "outcomes"] == [
        f"data.xlsx (sheet outcomes): is {MAX_ROWS + 1:,} rows by 2 columns as saved; the "
        "toolkit reads at most 100,000 rows and 200 columns a sheet: delete the unused rows "
        "and columns and save it again"
    ]


# --------------------------------------------------------------------------- CSV files


def test_a_csv_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    with (folder / "outcomes.csv").open("ab") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing of it is ever read
    got = _problems(folder)
    assert got == [
        "outcomes.csv: is 20.0 MB; the toolkit reads files of at most 20 MB (the limits are "
        "in docs/limits.md)"
    ]


def test_an_uploaded_file_over_the_size_limit_is_refused() -> None:
    files = {f"{t}.csv": (VALID / f"{t}.csv").read_bytes() for t in ("districts", "outcomes")}
    files["outcomes.csv"] += b"x" * MAX_FILE_BYTES
    raw = read_tables(files)
    assert "outcomes" not in raw.tables and "districts" in raw.tables
    assert any(
        str(p).startswith("outcomes.csv: is 20.0 MB; the toolkit reads files of at most 20 MB")
        for p in raw.problems
    )


def test_csv_rows_columns_and_cells_beyond_the_limits(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    rows = read_rows(folder / "outcomes.csv")
    write_rows(folder / "outcomes.csv", rows + [["", ""]] * MAX_ROWS + [["LATE", "Late"]])
    districts = read_rows(folder / "districts.csv")
    districts[1] += [""] * (MAX_COLUMNS - len(districts[1])) + ["far"]
    write_rows(folder / "districts.csv", districts)
    priorities = read_rows(folder / "priorities.csv")
    name = priorities[0].index("name")
    priorities[2][name] = "P" * (MAX_CELL_CHARS + 1)
    write_rows(folder / "priorities.csv", priorities)
    got = _problems(folder)
    assert got == [
        "districts.csv row 2: has values beyond column 200; the toolkit reads at most 200 "
        "columns a table",
        f"priorities.csv row 3, column name: holds {MAX_CELL_CHARS + 1:,} characters; a cell "
        f"may hold at most {MAX_CELL_CHARS:,}",
        f"outcomes.csv row {len(rows) + MAX_ROWS + 1}: has more than 100,000 rows; the toolkit "
        "reads at most 100,000 rows a table (the header included)",
    ]


def test_a_table_with_more_text_than_the_limit_is_refused(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    rows = read_rows(folder / "outcomes.csv")
    filler = "n" * 4_000
    write_rows(
        folder / "outcomes.csv", rows + [[f"O{k}", filler] for k in range(2_600)]
    )  # 10.4 million characters in a 10.4 MB file: under the file limit, over the text one
    got = _problems(folder)
    assert len(got) == 1
    assert re.fullmatch(
        r"outcomes\.csv row \d+: holds more than 10,000,000 characters of text; the toolkit "
        r"reads at most 10 MB of text a table",
        got[0],
    )


# --------------------------------------------------------------------------- YAML

ALIAS_BOMB = textwrap.dedent(
    """\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """
)


def test_the_alias_bomb_is_a_few_hundred_bytes_expanding_to_a_billion_values() -> None:
    assert len(ALIAS_BOMB.encode()) < 400  # 9 ** 9 = 387,420,489 strings once expanded


def test_a_yaml_alias_bomb_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    (folder / "scenario.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.monotonic()
    run = _in_capped_subprocess(
        f"""
        from pathlib import Path
        from commissioning.inputs import InputError, load
        try:
            load(Path({str(folder)!r}))
        except InputError as e:
            for p in e.problems:
                print(p)
        """,
        tmp_path,
    )
    assert time.monotonic() - started < 20
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "scenario.yaml line 2: is not valid YAML: uses an alias (*a); aliases are not "
        "accepted, so write the value out in full"
    ]


def test_a_scenario_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n" + "# padding\n" * (MAX_YAML_BYTES // 10), encoding="utf-8")
    raw = read_scenario(path)
    assert raw.values is None
    assert [str(p) for p in raw.problems] == [
        "big.yaml: is 1.0 MB; the toolkit reads files of at most 1 MB (the limits are in "
        "docs/limits.md)"
    ]
    uploaded = read_scenario(path.read_bytes(), "upload.yaml")
    assert [p.message for p in uploaded.problems] == [p.message for p in raw.problems]


def test_a_scenario_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    raw = read_scenario(path)
    assert [str(p) for p in raw.problems] == [
        "deep.yaml: is nested too deeply to be a scenario or a wording file"
    ]


def test_a_wording_file_with_an_alias_is_refused(tmp_path: Path) -> None:
    from commissioning.documents.content import ContentError, load_content

    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    text = (specs / "partnership.yaml").read_text(encoding="utf-8")
    (specs / "partnership.yaml").write_text("x: &x [1]\ny: *x\n" + text, encoding="utf-8")
    with pytest.raises(ContentError) as e:
        load_content(specs)
    assert "partnership.yaml" in str(e.value)
    assert "uses an alias (*x); aliases are not accepted" in str(e.value)


def test_a_scenario_text_longer_than_a_cell_is_refused(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    long = "d" * (MAX_CELL_CHARS + 1)
    text = text.replace(
        "description: A tiny partnership used by the tests.", f"description: {long}"
    )
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    assert _problems(folder) == [
        f"scenario.yaml line 2: holds a value of {MAX_CELL_CHARS + 1:,} characters; a value "
        f"may hold at most {MAX_CELL_CHARS:,}"
    ]
