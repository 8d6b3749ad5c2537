"""The consultation record: an optional `consultation.csv` in the data folder, read and
validated like every table (every problem at once, by file, row and column).

Its columns are declared once, in the schema (`commissioning/inputs/schema.py`). `load`
checks it with the other tables, so `commissioning validate` names its problems; it never
enters the plan. The documents print it as the consultation record of the district SLAs and
the plan summary, with lines to fill in where it records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from commissioning.inputs import read
from commissioning.inputs.cells import prepare
from commissioning.inputs.model import InputError, Problem
from commissioning.inputs.read import RawTable, read_csv
from commissioning.inputs.schema import CONSULTATION as SCHEMA

CONSULTATION = SCHEMA.name
CONSULTATION_FILE = SCHEMA.file
COLUMNS: tuple[tuple[str, bool, str], ...] = tuple(
    (c.name, c.required, c.description) for c in SCHEMA.columns
)
"""(column, required, what it holds), from the table's one declaration in the schema."""
MAX_TEXT = 1_000
"""Characters in one cell of the record: a sentence or two, not a pasted report."""


@dataclass(frozen=True)
class Consultation:
    """One entry of the consultation record (the data folder's consultation.csv)."""

    day: date
    consulted: str
    topic: str
    outcome: str
    reference: str = ""


def load_consultation(folder: Path) -> tuple[Consultation, ...]:
    """The folder's consultation record, oldest first; () when the folder has none.
    Raises InputError naming every problem in the file."""
    path = folder / CONSULTATION_FILE
    if not path.is_file():
        return ()
    try:
        size = path.stat().st_size
        if size > read.MAX_FILE_BYTES:
            raise InputError(
                (Problem(CONSULTATION_FILE, read._too_large(size, read.MAX_FILE_BYTES)),)
            )
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(
            (Problem(CONSULTATION_FILE, f"cannot be opened: {exc.strerror or exc}"),)
        ) from exc
    return consultation_from_bytes(content)


def consultation_problems(source: Path | Mapping[str, bytes]) -> tuple[Problem, ...]:
    """Every problem of the consultation record a data folder (or files given by name, as the
    app holds them) comes with; () when it has none or it is sound. The data's other
    tables are checked beside it, so one run names every problem of every file."""
    try:
        if isinstance(source, Path):
            load_consultation(source)
        elif CONSULTATION_FILE in source:
            consultation_from_bytes(source[CONSULTATION_FILE])
    except InputError as exc:
        return exc.problems
    return ()


def consultation_from_bytes(content: bytes) -> tuple[Consultation, ...]:
    """A consultation record as read from a file or an upload, oldest first: the app holds
    its data as files' contents, not a folder. Raises InputError naming every problem."""
    if len(content) > read.MAX_FILE_BYTES:
        raise InputError(
            (Problem(CONSULTATION_FILE, read._too_large(len(content), read.MAX_FILE_BYTES)),)
        )
    raw, problems = read_csv(content, CONSULTATION, CONSULTATION_FILE)
    if raw is None:
        raise InputError(tuple(problems))
    entries, errors = check_consultation(raw)
    if problems or errors:
        raise InputError((*problems, *errors))
    return entries


def check_consultation(raw: RawTable) -> tuple[tuple[Consultation, ...], tuple[Problem, ...]]:
    """Validate a raw consultation table: the entries (sorted by date) and every problem."""
    errors: list[Problem] = []
    table = prepare(
        raw,
        errors,
        tuple(c for c, required, _ in COLUMNS if required),
        tuple(c for c, required, _ in COLUMNS if not required),
    )
    out: list[Consultation] = []
    for row in raw.rows:
        c = table.cells(row, errors)
        text = c.text("date")
        day = None
        if text:
            try:
                day = date.fromisoformat(text)
            except ValueError:
                c.problem("date", f"'{text}' is not a date; write it as YYYY-MM-DD", text)
        cells = {
            name: (c.text(name) if required else c.raw(name))
            for name, required, _ in COLUMNS
            if name != "date"
        }
        for name, value in cells.items():
            if len(value) > MAX_TEXT:
                c.problem(
                    name,
                    f"is {len(value):,} characters long; keep it under {MAX_TEXT:,}",
                    value[:40] + "...",
                )
        if day is not None and c.fine(*(n for n, required, _ in COLUMNS if required)):
            out.append(Consultation(day, **cells))
    return tuple(sorted(out, key=lambda e: e.day)), tuple(errors)
