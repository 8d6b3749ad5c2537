"""The one module that reads input files: a data folder (CSV or one workbook) and a scenario.

Everything comes out as raw text, located as the user sees it (file, sheet, spreadsheet
row), and nothing is judged here beyond "can it be read at all": `validate` turns the text
into typed objects. Files are only ever opened for reading, and each is read into memory
once, so the same code serves a folder on disk and files uploaded to the app as bytes.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from commissioning.inputs.model import Problem

TABLES: tuple[str, ...] = (
    "districts",
    "funding_streams",
    "budgets",
    "priorities",
    "outcomes",
    "initiatives",
)
"""The tables every data folder has, in the order problems are reported."""
OPTIONAL_TABLES: tuple[str, ...] = ("costs", "prices")
"""Tables a data folder may have (the cost library and its price index, model.md v3)."""
ALL_TABLES: tuple[str, ...] = (*TABLES, *OPTIONAL_TABLES)

SCENARIO_FILE = "scenario.yaml"
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx",)


@dataclass(frozen=True)
class RawRow:
    """One non-blank data row: its spreadsheet row number and its cells as trimmed text."""

    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    """A table as read: header cells and rows of text, with where it came from."""

    name: str
    file: str
    sheet: str | None
    columns: tuple[str, ...]
    rows: tuple[RawRow, ...]

    def records(self) -> list[dict[str, str]]:
        """The rows as header -> text mappings (a repeated header keeps its first cell)."""
        out = []
        for row in self.rows:
            rec: dict[str, str] = {}
            for col, cell in zip(self.columns, row.cells, strict=True):
                rec.setdefault(col, cell)
            out.append(rec)
        return out

    def problem(
        self,
        message: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        severity: str = "error",
    ) -> Problem:
        """A problem located in this table."""
        return Problem(
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=column,
            value=value,
            message=message,
            severity="warning" if severity == "warning" else "error",
        )


@dataclass(frozen=True)
class RawTables:
    """What was found in a data source: the tables that could be read, and what went wrong."""

    source: str
    tables: Mapping[str, RawTable]
    problems: tuple[Problem, ...] = ()
    workbook: str | None = None
    """The workbook's file name when the tables came from one."""


@dataclass(frozen=True)
class RawScenario:
    """A scenario file as read: its top-level mapping and the line of each key."""

    file: str
    values: Mapping[str, object] | None
    lines: Mapping[tuple[object, ...], int] = field(default_factory=dict)
    """(key,), (key, subkey) or (key, index) -> 1-based line, for locating problems."""
    problems: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------- tables


def read_tables(source: Path | Mapping[str, bytes], label: str | None = None) -> RawTables:
    """Read the tables of a data folder, or of files given as name -> bytes (an upload).

    CSV files are matched by name (any case); alternatively exactly one `.xlsx` workbook
    with one sheet per table. Both at once is an error, since it is unclear which is meant.
    """
    if isinstance(source, Path):
        if not source.is_dir():
            problem = Problem(file=str(source), message="no such folder")
            return RawTables(source=str(source), tables={}, problems=(problem,))
        names = sorted(p.name for p in source.iterdir() if p.is_file())
        folder = source

        def get(name: str) -> bytes:
            return (folder / name).read_bytes()

        where = label or str(source)
    else:
        names = sorted(source)
        uploaded = source

        def get(name: str) -> bytes:
            return bytes(uploaded[name])

        where = label or "uploaded files"
    return _read_named(names, get, where, source if isinstance(source, Path) else None)


def _read_named(
    names: Sequence[str], get: Callable[[str], bytes], where: str, folder: Path | None
) -> RawTables:
    by_lower = {n.lower(): n for n in names}
    csv_names = {t: by_lower[f"{t}.csv"] for t in ALL_TABLES if f"{t}.csv" in by_lower}
    workbooks = [
        n
        for n in names
        if n.lower().endswith(WORKBOOK_SUFFIXES) and not n.startswith(("~$", ".~lock"))
    ]
    if len(workbooks) > 1:
        listed = ", ".join(workbooks)
        problem = Problem(
            file=workbooks[0],
            message=f"found {len(workbooks)} workbooks ({listed}); keep only one in the folder",
        )
        return RawTables(source=where, tables={}, problems=(problem,))
    if workbooks and csv_names:
        listed = ", ".join(csv_names.values())
        problem = Problem(
            file=workbooks[0],
            message=(
                f"found both a workbook ({workbooks[0]}) and CSV files ({listed}); "
                "keep one or the other, so it is clear which data is meant"
            ),
        )
        return RawTables(source=where, tables={}, problems=(problem,))
    if workbooks:
        book = workbooks[0]
        source = str(folder / book) if folder is not None else book
        try:
            content = get(book)
        except OSError as e:
            problem = Problem(file=book, message=f"cannot be opened: {e.strerror or e}")
            return RawTables(source=source, tables={}, problems=(problem,), workbook=book)
        sheets, found = read_workbook(content, book)
        return RawTables(source=source, tables=sheets, problems=tuple(found), workbook=book)

    tables = {}
    problems: list[Problem] = []
    for table in ALL_TABLES:
        file = f"{table}.csv"
        if table not in csv_names and table in OPTIONAL_TABLES:
            continue
        if table not in csv_names:
            problems.append(Problem(file=file, message=f"missing file {file}"))
            continue
        try:
            content = get(csv_names[table])
        except OSError as e:
            problems.append(Problem(file=file, message=f"cannot be opened: {e.strerror or e}"))
            continue
        raw, found = read_csv(content, table, file)
        problems += found
        if raw is not None:
            tables[table] = raw
    return RawTables(source=where, tables=tables, problems=tuple(problems))


def read_csv(content: bytes, table: str, file: str) -> tuple[RawTable | None, list[Problem]]:
    """One CSV table from its bytes (UTF-8, with or without a byte-order mark)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        message = (
            f"is not UTF-8 text (byte {content[e.start]:#04x} at position {e.start}); "
            "save it as 'CSV UTF-8'"
        )
        return None, [Problem(file=file, message=message)]
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        return None, [Problem(file=file, message=f"is not a readable CSV file: {e}")]
    return _table(table, file, None, records)


def read_workbook(content: bytes, book: str) -> tuple[dict[str, RawTable], list[Problem]]:
    """The tables of a workbook, one sheet each (sheet name = table name, any case)."""
    import openpyxl  # imported here: only workbook users pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        return {}, [Problem(file=book, message=f"cannot be read as an Excel workbook: {e}")]
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    try:
        sheets: dict[str, Any] = {}
        for ws in wb.worksheets:
            key = ws.title.strip().lower().removesuffix(".csv")
            sheets.setdefault(key, ws)
        for table in ALL_TABLES:
            if table not in sheets and table in OPTIONAL_TABLES:
                continue
            if table not in sheets:
                titles = ", ".join(ws.title for ws in wb.worksheets)
                problems.append(
                    Problem(file=book, message=f"no sheet '{table}' (sheets: {titles})")
                )
                continue
            ws = sheets[table]
            records = [[_cell_text(v) for v in values] for values in ws.iter_rows(values_only=True)]
            raw, found = _table(table, book, ws.title, records)
            problems += found
            if raw is not None:
                tables[table] = raw
    finally:
        wb.close()
    return tables, problems


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold (1001.0 -> "1001", True -> "true")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _table(
    table: str, file: str, sheet: str | None, records: Sequence[Sequence[str]]
) -> tuple[RawTable | None, list[Problem]]:
    """Header and rows from records of text; the header is the first record (row 1)."""

    def problem(message: str, row: int | None = None, column: str | None = None) -> Problem:
        return Problem(file=file, sheet=sheet, row=row, column=column, message=message)

    if not records or not any(c.strip() for c in records[0]):
        return None, [problem("has no header row (the first row must name the columns)")]
    header = [c.strip() for c in records[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    problems: list[Problem] = []
    rows = []
    blank_headed_with_values: set[int] = set()
    for number, record in enumerate(records[1:], start=2):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            extra = sum(1 for c in cells[width:] if c)
            problems.append(
                problem(
                    f"has {extra} value{'s' if extra != 1 else ''} beyond the last named "
                    f"column ({header[-1]}); a value may contain a comma only inside quotes",
                    row=number,
                )
            )
        cells = (cells + [""] * width)[:width]
        blank_headed_with_values.update(
            k for k, (h, c) in enumerate(zip(header, cells, strict=True)) if not h and c
        )
        rows.append(RawRow(number=number, cells=tuple(cells)))
    for k in sorted(blank_headed_with_values):
        problems.append(problem(f"column {k + 1} has values but no name in the header row", 1))
    return RawTable(table, file, sheet, tuple(header), tuple(rows)), problems


# --------------------------------------------------------------------------- scenario


def read_scenario(source: Path | bytes, file: str | None = None) -> RawScenario:
    """A scenario file's top-level mapping, or the problems that stop it being read."""
    if isinstance(source, Path):
        file = file or source.name
        try:
            content = source.read_bytes()
        except FileNotFoundError:
            return RawScenario(file, None, problems=(Problem(file, "no such file"),))
        except OSError as e:
            message = f"cannot be opened: {e.strerror or e}"
            return RawScenario(file, None, problems=(Problem(file, message),))
    else:
        file = file or SCENARIO_FILE
        content = source
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        message = f"is not UTF-8 text (byte at position {e.start})"
        return RawScenario(file, None, problems=(Problem(file, message),))
    return parse_yaml(text, file)


def parse_yaml(text: str, file: str) -> RawScenario:
    """Parse YAML text, keeping the line of each key and refusing repeated keys."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        what = str(e.problem or e)
        if e.context:
            began = e.context_mark
            since = f" from line {began.line + 1}" if began is not None else ""
            what += f" ({e.context}{since})"
        message = f"is not valid YAML: {what}"
        return RawScenario(file, None, problems=(Problem(file, message, row=line),))
    except yaml.YAMLError as e:
        return RawScenario(file, None, problems=(Problem(file, f"is not valid YAML: {e}"),))
    finally:
        loader.dispose()
    if values is None:
        return RawScenario(file, None, problems=(Problem(file, "is empty"),))
    if not isinstance(values, Mapping) or not isinstance(node, yaml.MappingNode):
        message = "must be a mapping of keys to values (name: ..., start_year: ..., ...)"
        return RawScenario(file, None, problems=(Problem(file, message, row=1),))
    lines, repeated = _lines(node)
    problems = tuple(
        Problem(file, f"key '{key}' is given more than once", row=line, column=str(key))
        for key, line in repeated
    )
    return RawScenario(file, values, lines, problems)


def _lines(
    node: yaml.MappingNode,
) -> tuple[dict[tuple[object, ...], int], list[tuple[object, int]]]:
    """Lines of top-level keys and of the entries one level down; repeated top-level keys."""
    lines: dict[tuple[object, ...], int] = {}
    repeated: list[tuple[object, int]] = []
    for key_node, value_node in node.value:
        key = key_node.value
        line = key_node.start_mark.line + 1
        if (key,) in lines:
            repeated.append((key, line))
            continue
        lines[(key,)] = line
        if isinstance(value_node, yaml.MappingNode):
            for sub_key, _ in value_node.value:
                lines[(key, sub_key.value)] = sub_key.start_mark.line + 1
        elif isinstance(value_node, yaml.SequenceNode):
            for k, item in enumerate(value_node.value):
                lines[(key, k)] = item.start_mark.line + 1
    return lines, repeated
