"""Shared helpers for the inputs tests: the valid fixture, broken copies, workbooks."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import openpyxl

from commissioning.inputs.read import ALL_TABLES

DATA = Path(__file__).resolve().parent.parent / "data"
VALID = DATA / "valid_small"
BAD = DATA / "bad"

ID_COLUMNS = {"district_id", "stream_id", "priority_id", "outcome_id", "initiative_id"}


def copy_valid(dest: Path) -> Path:
    """A private copy of the valid fixture, safe to break."""
    shutil.copytree(VALID, dest)
    return dest


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def edit_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV table; `row` is the spreadsheet row (header = 1)."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def _typed(column: str, text: str) -> object:
    """A cell as someone typing into Excel would leave it: numbers as numbers."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.startswith("0") and len(text) > 1 and "." not in text:
        return text  # a leading zero means it was entered as text
    try:
        x = float(text)
    except ValueError:
        return text
    if not math.isfinite(x):
        return text  # Excel has no "nan" or "inf" number: typed in, they stay text
    if column in ID_COLUMNS:
        return x  # 1001 stored as the float 1001.0, as workbooks do
    return int(x) if x.is_integer() else x


def workbook_bytes(folder: Path, edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    """The CSV tables of `folder` as one workbook (one sheet per table)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table in ALL_TABLES:
        if not (folder / f"{table}.csv").exists():
            continue
        ws = wb.create_sheet(table)
        rows = read_rows(folder / f"{table}.csv")
        header = rows[0]
        ws.append(header)
        for r in rows[1:]:
            ws.append([_typed(h, c) if c != "" else None for h, c in zip(header, r, strict=True)])
    if edit is not None:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_workbook(folder: Path, dest: Path, name: str = "data.xlsx") -> Path:
    """A data folder holding the same tables as one workbook, plus the scenario."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / name).write_bytes(workbook_bytes(folder))
    shutil.copy(folder / "scenario.yaml", dest / "scenario.yaml")
    return dest


def hashes(folder: Path) -> Mapping[str, str]:
    """Content hash of every file under `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
