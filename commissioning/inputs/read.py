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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

from commissioning.inputs.model import Problem
from commissioning.inputs.schema import DATA_TABLES

TABLES: tuple[str, ...] = tuple(t.name for t in DATA_TABLES if not t.optional)
"""The tables every data folder has, in the order problems are reported."""
OPTIONAL_TABLES: tuple[str, ...] = tuple(t.name for t in DATA_TABLES if t.optional)
"""Tables a data folder may have (the cost library, its price index, indicator values)."""
ALL_TABLES: tuple[str, ...] = (*TABLES, *OPTIONAL_TABLES)

SCENARIO_FILE = "scenario.yaml"
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx",)

# The limits of what is read (docs/limits.md). Each is far above any county's data and is
# checked before anything large is held in memory, so a hostile or broken file is refused
# quickly instead of exhausting the machine.
MAX_FILE_BYTES = 20_000_000
"""A CSV file or a workbook: at most 20 MB."""
MAX_UNPACKED_BYTES = 100_000_000
"""A workbook is a zip of XML parts: at most 100 MB of them once unpacked."""
MAX_ROWS = 100_000
"""Rows of a table, the header included."""
MAX_COLUMNS = 200
"""Columns of a table."""
MAX_TEXT_CHARS = 10_000_000
"""Characters of text in one table (10 MB)."""
MAX_CELL_CHARS = 5_000
"""Characters in one cell: a name or a note, never a document."""
MAX_YAML_BYTES = 1_000_000
"""A scenario file or one of the documents' wording files (specs/*.yaml): at most 1 MB."""


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
            path = folder / name
            if path.stat().st_size > MAX_FILE_BYTES:
                raise TooLarge(_too_large(path.stat().st_size, MAX_FILE_BYTES))
            return path.read_bytes()

        where = label or str(source)
    else:
        names = sorted(source)
        uploaded = source

        def get(name: str) -> bytes:
            content = uploaded[name]
            if len(content) > MAX_FILE_BYTES:
                raise TooLarge(_too_large(len(content), MAX_FILE_BYTES))
            return bytes(content)

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
        except TooLarge as e:
            return RawTables(
                source=source, tables={}, problems=(Problem(book, str(e)),), workbook=book
            )
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
        except TooLarge as e:
            problems.append(Problem(file=file, message=str(e)))
            continue
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
        records, found = _bounded(csv.reader(io.StringIO(text, newline="")), file, None)
    except csv.Error as e:
        return None, [Problem(file=file, message=f"is not a readable CSV file: {e}")]
    if records is None:
        return None, found
    raw, problems = _table(table, file, None, records)
    return raw, [*found, *problems]


def read_workbook(
    content: bytes, book: str, wanted: Sequence[str] = ALL_TABLES
) -> tuple[dict[str, RawTable], list[Problem]]:
    """The tables of a workbook, one visible sheet each (sheet name = table name, any case).

    `wanted` are the tables to read: a data folder's, or another such as providers' returns.

    Read exactly or refused: hidden sheets are never read, two sheets that could be the same
    table are an error, a formula without a stored value is an error (it would read as
    blank), and a sheet beyond the limits is refused before its cells are loaded.
    """
    import openpyxl  # imported here: only workbook users pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    too_big = _unpacked_problem(content, book)
    if too_big is not None:
        return {}, [too_big]
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        return {}, [Problem(file=book, message=f"cannot be read as an Excel workbook: {e}")]
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    try:
        visible: dict[str, list[Any]] = {}
        hidden: dict[str, list[str]] = {}
        for ws in wb.worksheets:
            if ws.sheet_state == "visible":
                visible.setdefault(_sheet_key(ws.title), []).append(ws)
            else:
                hidden.setdefault(_sheet_key(ws.title), []).append(ws.title)
        for table in wanted:
            found = visible.get(table, [])
            if len(found) > 1:
                names = " and ".join(f"'{ws.title}'" for ws in found)
                message = (
                    f"sheets {names} could both be the {table} table (their names differ only "
                    "in capitals or spaces); rename or delete all but one"
                )
                problems.append(Problem(file=book, message=message))
                continue
            if not found and table in OPTIONAL_TABLES and table not in hidden:
                continue
            if not found:
                titles = ", ".join(ws.title for ws in wb.worksheets if ws.sheet_state == "visible")
                message = f"no sheet '{table}' (sheets: {titles or 'none visible'})"
                if table in hidden:
                    message += (
                        f"; sheet '{hidden[table][0]}' is hidden, and hidden sheets are never "
                        "read: unhide it if it holds the table"
                    )
                problems.append(Problem(file=book, message=message))
                continue
            ws = found[0]
            raw, found_problems = _read_sheet(ws, content, table, book)
            problems += found_problems
            if raw is not None:
                tables[table] = raw
    finally:
        wb.close()
    return tables, problems


def _sheet_key(title: str) -> str:
    """The table a sheet's name means: case, spaces and a '.csv' ending do not count."""
    return "".join(title.split()).lower().removesuffix(".csv")


def _unpacked_problem(content: bytes, book: str) -> Problem | None:
    """A workbook whose parts unpack beyond the limit, judged from its directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a zip: openpyxl says so in its own words
    if unpacked <= MAX_UNPACKED_BYTES:
        return None
    message = (
        f"unpacks to {unpacked / 1e6:,.0f} MB; the toolkit reads workbooks of at most "
        f"{MAX_UNPACKED_BYTES / 1e6:,.0f} MB unpacked (the limits are in docs/limits.md)"
    )
    return Problem(file=book, message=message)


def _read_sheet(
    ws: Any, content: bytes, table: str, book: str
) -> tuple[RawTable | None, list[Problem]]:
    """One sheet as a table, checked against the limits as it streams.

    A formula whose value was never saved reads as blank; `_unsaved_formulas` finds each
    one, so that it is an error rather than a silent blank.
    """
    rows, columns = ws.max_row, ws.max_column  # as the file declares them, if it does
    if (rows or 0) > MAX_ROWS or (columns or 0) > MAX_COLUMNS:
        message = (
            f"is {rows:,} rows by {columns:,} columns as saved; the toolkit reads at most "
            f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns a sheet: delete the unused rows "
            "and columns and save it again"
        )
        return None, [Problem(file=book, sheet=ws.title, message=message)]
    # A declared size may also understate: stream every row as it really is, and let
    # `_bounded` stop at the first one beyond a limit.
    ws.reset_dimensions()

    def texts() -> Iterable[Sequence[str]]:
        for values in ws.iter_rows(values_only=True):
            cells = [_cell_text(v) for v in values[: MAX_COLUMNS + 1]]
            if len(values) > MAX_COLUMNS + 1 and any(v is not None for v in values[MAX_COLUMNS:]):
                cells.append("beyond")  # only its presence matters: `_bounded` refuses the row
            yield cells

    records, found = _bounded(texts(), book, ws.title)
    if records is None:
        return None, found
    header = [c.strip() for c in records[0]] if records else []
    from openpyxl.utils import get_column_letter

    unsaved = []
    for row, column in _unsaved_formulas(content, ws._worksheet_path):
        cell = f"{get_column_letter(column)}{row}"
        name = header[column - 1] if column <= len(header) and header[column - 1] else None
        message = (
            f"cell {cell} holds a formula whose value was never saved, so it cannot be "
            "read: open and save the workbook in Excel, or enter the value"
        )
        unsaved.append(Problem(file=book, sheet=ws.title, row=row, column=name, message=message))
    raw, problems = _table(table, book, ws.title, records)
    return raw, [*unsaved, *found, *problems]


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _unsaved_formulas(content: bytes, part: str) -> Iterable[tuple[int, int]]:
    """(row, column) of each formula cell of a sheet whose value was never saved.

    Excel saves a formula's last value beside it (`<f>` and `<v>` in the sheet's XML; an
    empty text result as an empty `<v>` of type "str"). Programs that write formulas
    without computing them leave the value out, or empty; openpyxl cannot tell either from
    a blank cell, so the sheet's XML is read here, one cell at a time.
    """
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    row = column = 0
    with zipfile.ZipFile(io.BytesIO(content)) as zf, zf.open(part) as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == _SHEET_NS + "row":
                    row = int(element.get("r") or row + 1)
                    column = 0
                continue
            if element.tag == _SHEET_NS + "c":
                ref = element.get("r")
                column = (
                    column_index_from_string(coordinate_from_string(ref)[0]) if ref else column + 1
                )
                value = element.find(_SHEET_NS + "v")
                if element.find(_SHEET_NS + "f") is not None and (
                    value is None or (not value.text and element.get("t") != "str")
                ):
                    yield row, column
                element.clear()
            elif element.tag == _SHEET_NS + "row":
                element.clear()


def _bounded(
    rows: Iterable[Sequence[str]], file: str, sheet: str | None
) -> tuple[list[Sequence[str]] | None, list[Problem]]:
    """The records of a table, read only as far as the limits allow.

    None and the one problem when a limit is passed (nothing more is read); otherwise the
    records, with a problem for each cell longer than a cell may be.
    """

    def refuse(message: str, row: int | None = None) -> tuple[None, list[Problem]]:
        return None, [Problem(file=file, sheet=sheet, row=row, message=message)]

    records: list[Sequence[str]] = []
    problems: list[Problem] = []
    chars = 0
    header: Sequence[str] = ()
    for number, cells in enumerate(rows, start=1):
        if len(cells) > MAX_COLUMNS and any(c for c in cells[MAX_COLUMNS:]):
            return refuse(
                f"has values beyond column {MAX_COLUMNS}; the toolkit reads at most "
                f"{MAX_COLUMNS} columns a table",
                number,
            )
        if number > MAX_ROWS:
            if any(cells):
                return refuse(
                    f"has more than {MAX_ROWS:,} rows; the toolkit reads at most "
                    f"{MAX_ROWS:,} rows a table (the header included)",
                    number,
                )
            continue  # blank rows beyond the limit are nothing, and are not kept
        cells = cells[:MAX_COLUMNS]
        if number == 1:
            header = [c.strip() for c in cells]
        for k, cell in enumerate(cells):
            chars += len(cell)
            if len(cell) > MAX_CELL_CHARS:
                column = header[k] if k < len(header) and header[k] else f"column {k + 1}"
                problems.append(
                    Problem(
                        file=file,
                        sheet=sheet,
                        row=number,
                        column=column,
                        value=cell[:40] + "...",
                        message=(
                            f"holds {len(cell):,} characters; a cell may hold at most "
                            f"{MAX_CELL_CHARS:,}"
                        ),
                    )
                )
        if chars > MAX_TEXT_CHARS:
            return refuse(
                f"holds more than {MAX_TEXT_CHARS:,} characters of text; the toolkit reads "
                f"at most {MAX_TEXT_CHARS // 1_000_000} MB of text a table",
                number,
            )
        records.append(cells if any(cells) else ())
    return records, problems


class TooLarge(Exception):
    """A file bigger than the toolkit reads; the message says by how much."""


def _too_large(size: int, limit: int) -> str:
    return (
        f"is {size / 1e6:,.1f} MB; the toolkit reads files of at most {limit / 1e6:,.0f} MB "
        "(the limits are in docs/limits.md)"
    )


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
            size = source.stat().st_size
            if size > MAX_YAML_BYTES:
                message = _too_large(size, MAX_YAML_BYTES)
                return RawScenario(file, None, problems=(Problem(file, message),))
            content = source.read_bytes()
        except FileNotFoundError:
            return RawScenario(file, None, problems=(Problem(file, "no such file"),))
        except OSError as e:
            message = f"cannot be opened: {e.strerror or e}"
            return RawScenario(file, None, problems=(Problem(file, message),))
    else:
        file = file or SCENARIO_FILE
        content = source
        if len(content) > MAX_YAML_BYTES:
            message = _too_large(len(content), MAX_YAML_BYTES)
            return RawScenario(file, None, problems=(Problem(file, message),))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        message = f"is not UTF-8 text (byte at position {e.start})"
        return RawScenario(file, None, problems=(Problem(file, message),))
    return parse_yaml(text, file)


def parse_yaml(text: str, file: str) -> RawScenario:
    """Parse YAML text, keeping the line of each key and refusing repeated keys."""
    loader = NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else None
    except RecursionError:
        return RawScenario(file, None, problems=(Problem(file, _TOO_DEEP),))
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
    return RawScenario(file, values, lines, (*problems, *_long_values(node, file)))


def _long_values(node: yaml.Node, file: str) -> list[Problem]:
    """A problem for each text longer than a cell may be, wherever it is in the file."""
    problems: list[Problem] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.ScalarNode):
            if len(item.value) > MAX_CELL_CHARS:
                message = (
                    f"holds a value of {len(item.value):,} characters; a value may hold at "
                    f"most {MAX_CELL_CHARS:,}"
                )
                problems.append(Problem(file, message, row=item.start_mark.line + 1))
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            stack.extend(n for pair in item.value for n in pair)
    return sorted(problems, key=lambda p: p.row or 0)


class NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases (`*name`): a few hundred bytes of nested aliases
    expand to billions of values, and no scenario or wording file needs one."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                f"uses an alias (*{event.anchor}); aliases are not accepted, so write the "
                "value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)


_TOO_DEEP = "is nested too deeply to be a scenario or a wording file"


def load_yaml(text: str) -> object:
    """Parse YAML text safely and without aliases; raises yaml.YAMLError (or ValueError
    when nested too deeply to parse)."""
    loader = NoAliasLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    finally:
        loader.dispose()


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
