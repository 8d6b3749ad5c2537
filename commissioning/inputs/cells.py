"""Reading the cells of a table: numbers, years, choices and ids, each problem located.

The rules of one cell live here, driven by the table's schema (`schema`): a row is read
column by column, every problem is recorded with its file, sheet, row and column, and
reading carries on, so one run names everything that is wrong. Rules between rows and
tables are in `validate`.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from commissioning.inputs.model import EVIDENCE_LEVELS, Problem
from commissioning.inputs.read import RawRow, RawTable
from commissioning.inputs.schema import SCHEMA, Column, Table

_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
_MAX_LISTED = 12


def _listed(ids: Iterable[str]) -> str:
    """Known ids for a message, shortened when there are many."""
    ids = list(ids)
    if not ids:
        return "none"
    shown = ", ".join(ids[:_MAX_LISTED])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > _MAX_LISTED else "")


def is_number(value: object) -> bool:
    """A finite number that is not a boolean (YAML reads `yes` as True)."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def unknown(kind: str, value: str, known: Sequence[str]) -> str:
    """'unknown stream 'PHX' (known: ...)' with a hint when it is a near miss."""
    hint = ""
    same_case = [k for k in known if k.lower() == value.lower()]
    close = same_case or difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    if close:
        hint = f"; did you mean '{close[0]}'?"
    if "," in value and all(part.strip() in known for part in value.split(",")):
        hint = "; separate ids with ';', not ','"
    return f"unknown {kind} '{value}' (known: {_listed(known)}){hint}"


def show_number(x: float) -> str:
    """A number for a message, without a spurious '.0'."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def parse_number(text: str) -> float | None:
    """A finite number from text; also '£1,234' and '1,234.5' as spreadsheets write them."""
    t = text.strip()
    if t.startswith("£"):
        t = t[1:].strip()
    elif t.startswith(("-£", "+£")):
        t = t[0] + t[2:].strip()
    if "_" in t:  # Python's float() would take 1_000; a spreadsheet would not
        return None
    if "," in t:
        if not _THOUSANDS.match(t):
            return None
        t = t.replace(",", "")
    try:
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def range_text(
    minimum: float | None, above: float | None, maximum: float | None, below: float | None
) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"at least {show_number(minimum)}")
    if above is not None:
        parts.append(f"greater than {show_number(above)}")
    if maximum is not None:
        parts.append(f"at most {show_number(maximum)}")
    if below is not None:
        parts.append(f"less than {show_number(below)}")
    return " and ".join(parts)


def in_range(
    x: float,
    minimum: float | None = None,
    above: float | None = None,
    maximum: float | None = None,
    below: float | None = None,
) -> bool:
    return not (
        (minimum is not None and x < minimum)
        or (above is not None and x <= above)
        or (maximum is not None and x > maximum)
        or (below is not None and x >= below)
    )


def fraction_hint(x: float, maximum: float | None, below: float | None) -> str:
    """A share entered as a percentage (45 for 45%) is a common slip: say so."""
    top = maximum if maximum is not None else below
    if top is not None and top <= 1 and 1 < x <= 100:
        return f"; write a share as a fraction, e.g. {show_number(x / 100)} for {show_number(x)}%"
    return ""


# --------------------------------------------------------------------------- rows


class Cells:
    """The cells of one raw row, read column by column, recording what fails."""

    def __init__(
        self,
        table: RawTable,
        row: RawRow,
        index: Mapping[str, int],
        missing: frozenset[str],
        errors: list[Problem],
    ) -> None:
        self.table = table
        self.row = row
        self.index = index
        self.missing = missing
        self.errors = errors
        self.bad: set[str] = set()

    def fine(self, *columns: str) -> bool:
        """Whether these columns are all present and valid (so a cross-check can use them)."""
        return not any(c in self.bad or c in self.missing for c in columns)

    def raw(self, column: str) -> str:
        k = self.index.get(column)
        return "" if k is None else self.row.cells[k]

    def problem(
        self, column: str, message: str, value: str | None = None, *, bad: bool = True
    ) -> None:
        if bad:
            self.bad.add(column)
        self.errors.append(
            self.table.problem(message, row=self.row.number, column=column, value=value)
        )

    def _blank(self, column: str) -> None:
        self.problem(column, "is blank; a value is required", "")

    def text(self, column: str) -> str:
        """Required text."""
        if column in self.missing:
            self.bad.add(column)
            return ""
        value = self.raw(column)
        if not value:
            self._blank(column)
        return value

    def number(
        self,
        column: str,
        *,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
        below: float | None = None,
        default: float | None = None,
    ) -> float:
        """A number in range; blank takes `default`, or is an error when there is none."""
        if column in self.missing:
            if default is None:
                self.bad.add(column)
            return default if default is not None else 0.0
        text = self.raw(column)
        if not text:
            if default is None:
                self._blank(column)
                return 0.0
            return default
        x = parse_number(text)
        if x is None:
            hint = ""
            if text.endswith("%"):
                hint = "; write a share as a fraction, e.g. 0.45 for 45%"
            self.problem(column, f"'{text}' is not a number{hint}", text)
            return 0.0
        if not in_range(x, minimum, above, maximum, below):
            rule = range_text(minimum, above, maximum, below)
            hint = fraction_hint(x, maximum, below)
            self.problem(column, f"{text} is out of range: must be {rule}{hint}", text)
        return x

    def integer(
        self,
        column: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        optional: bool = False,
        what: str = "whole number",
        hint: str = "",
    ) -> int | None:
        """A whole number in range; blank is None when optional, else an error."""
        if column in self.missing:
            if not optional:
                self.bad.add(column)
            return None
        text = self.raw(column)
        if not text:
            if not optional:
                self._blank(column)
            return None
        x = parse_number(text)
        if x is None or not x.is_integer():
            self.problem(column, f"'{text}' is not a {what}{hint}", text)
            return None
        n = int(x)
        if not in_range(n, minimum, None, maximum, None):
            rule = range_text(minimum, None, maximum, None)
            self.problem(column, f"{text} is out of range: must be {rule}{hint}", text)
        return n

    def optional_number(
        self,
        column: str,
        *,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A number in range, or None when blank or when the column is absent."""
        if column in self.missing or not self.raw(column):
            return None
        x = self.number(column, minimum=minimum, above=above, maximum=maximum)
        return None if column in self.bad else x

    def boolean(self, column: str, default: bool) -> bool:
        """true/false, yes/no or 1/0 in any case; blank (or no column) is the default."""
        if column in self.missing:
            return default
        text = self.raw(column)
        if not text:
            return default
        low = text.lower()
        if low in ("true", "yes", "1", "1.0"):
            return True
        if low in ("false", "no", "0", "0.0"):
            return False
        self.problem(column, f"'{text}' is not true/false (also yes/no or 1/0)", text)
        return default

    def choice(self, column: str, options: Sequence[str], kind: str) -> str:
        """One of a fixed vocabulary, matched in any case and stored as written there."""
        text = self.text(column)
        if not text:
            return text
        by_lower = {o.lower(): o for o in options}
        if text.lower() in by_lower:
            return by_lower[text.lower()]
        self.problem(column, f"'{text}' is not a {kind}: use one of {', '.join(options)}", text)
        return text

    def ids(self, column: str, known: Sequence[str] | None, kind: str) -> tuple[str, ...]:
        """A ';'-separated list of distinct known ids, at least one."""
        text = self.text(column)
        if not text:
            return ()
        items = [part.strip() for part in text.split(";")]
        items = [item for item in items if item]
        if not items:
            self.problem(column, f"lists no {kind}; give at least one", text)
            return ()
        seen: set[str] = set()
        for item in items:
            if item in seen:
                self.problem(column, f"repeats {kind} '{item}'; list each once", text)
            seen.add(item)
            if known is not None and item not in known:
                self.problem(column, unknown(kind, item, known), text)
        return tuple(dict.fromkeys(items))


@dataclass
class PreparedTable:
    """A raw table prepared for reading: its header mapped to the contract's columns."""

    raw: RawTable
    index: dict[str, int]
    missing: frozenset[str]
    extras: dict[str, int]

    def cells(self, row: RawRow, errors: list[Problem]) -> Cells:
        return Cells(self.raw, row, self.index, self.missing, errors)


def prepare(
    raw: RawTable,
    errors: list[Problem],
    required: Sequence[str] | None = None,
    optional: Sequence[str] | None = None,
) -> PreparedTable:
    """Match header cells to the contract's columns (any case, spaces for underscores).

    The columns are the data folder's contract for the table, unless given (another table,
    such as providers' returns, read with the same rules).
    """
    required = SCHEMA[raw.name].required if required is None else required
    optional = SCHEMA[raw.name].optional_columns if optional is None else optional
    known = (*required, *optional)
    if len(raw.columns) == 1:
        for sep, what in ((";", "semicolons"), ("\t", "tabs")):
            if sep in raw.columns[0]:
                errors.append(
                    raw.problem(
                        f"the columns are separated by {what}, not commas; save the "
                        "table as 'CSV UTF-8 (comma delimited)'",
                        row=1,
                    )
                )
                missing = frozenset(known)
                return PreparedTable(raw, {}, missing, {})
    index: dict[str, int] = {}
    extras: dict[str, int] = {}
    unmatched: list[str] = []
    for k, header in enumerate(raw.columns):
        if not header:
            continue
        key = header.lower().replace(" ", "_")
        name = key if key in known else header
        if name in index or name in extras:
            errors.append(raw.problem(f"column {name} appears more than once", 1, name))
            continue
        if name in known:
            index[name] = k
        else:
            extras[name] = k
            unmatched.append(header)
    absent = [c for c in required if c not in index]
    for column in absent:
        close = difflib.get_close_matches(column, unmatched, n=1, cutoff=0.7)
        hint = f" (is '{close[0]}' meant to be {column}?)" if close else ""
        errors.append(raw.problem(f"missing required column {column}{hint}", column=column))
    optional_missing = [c for c in optional if c not in index]
    return PreparedTable(raw, index, frozenset(absent) | frozenset(optional_missing), extras)


def unique_ids(table: PreparedTable, column: str, errors: list[Problem]) -> dict[str, int]:
    """Id -> row of first appearance, reporting duplicates (compared as text)."""
    first: dict[str, int] = {}
    if column in table.missing:
        return first
    k = table.index[column]
    for row in table.raw.rows:
        value = row.cells[k]
        if not value:
            continue
        if value in first:
            errors.append(
                table.raw.problem(
                    f"duplicate {column} '{value}' (first at row {first[value]})",
                    row.number,
                    column,
                    value,
                )
            )
        else:
            first[value] = row.number
    return first


def _evidence(c: Cells, column: str) -> str:
    """An EIF evidence level, with the published '4+' and '3*' forms explained."""
    text = c.text(column)
    if not text:
        return text
    by_lower = {e.lower(): e for e in EVIDENCE_LEVELS}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    base = text[:-1].strip()
    levels = ", ".join(EVIDENCE_LEVELS)
    if text.endswith("+") and base.lower() in by_lower:
        hint = f"; a published '{text}' is entered as {by_lower[base.lower()]}"
    elif text.endswith("*") and base.lower() in by_lower:
        hint = (
            f"; a published '{text}' is entered as {by_lower[base.lower()]} "
            "with mixed_findings true"
        )
    else:
        hint = ""
    c.problem(column, f"'{text}' is not an evidence level: use one of {levels}{hint}")
    return text


def read_row(
    c: Cells, table: Table, known: Mapping[str, Sequence[str] | None]
) -> dict[str, object]:
    """Every column of one row, read and checked as the schema declares it.

    Returns the typed object's fields (a column with a `part` fills its place in a tuple).
    `known` holds the ids of each table a column refers to (None when that table could not
    be read, so no cascade of 'unknown' follows).
    """
    values: dict[str, object] = {}
    parts: dict[str, list[object]] = {}
    for column in table.columns:
        value = read_cell(c, column, known)
        if column.part is None:
            values[column.field] = value
        else:
            parts.setdefault(column.field, []).append(value)
            values[column.field] = tuple(parts[column.field])
    return values


def read_cell(c: Cells, column: Column, known: Mapping[str, Sequence[str] | None]) -> object:
    """One cell, as its column's kind says; a problem for anything wrong with it."""
    name, kind = column.name, column.kind
    ids = known.get(column.refers) if column.refers is not None else None
    blank_ok = column.blank == "default"
    if kind == "number":
        default = cast(float | None, column.default)
        if blank_ok and default is None:
            return c.optional_number(
                name, minimum=column.minimum, above=column.above, maximum=column.maximum
            )
        return c.number(
            name,
            minimum=column.minimum,
            above=column.above,
            maximum=column.maximum,
            below=column.below,
            default=default if blank_ok else None,
        )
    if kind == "integer":
        return c.integer(
            name,
            minimum=None if column.minimum is None else int(column.minimum),
            maximum=None if column.maximum is None else int(column.maximum),
            optional=blank_ok,
            what=column.what or "whole number",
            hint=column.hint,
        )
    if kind == "boolean":
        return c.boolean(name, default=bool(column.default))
    if kind == "choice":
        return c.choice(name, column.choices, column.what)
    if kind == "evidence":
        return _evidence(c, name)
    if kind == "ids":
        return c.ids(name, ids, column.what)
    if blank_ok:  # optional text: blank (or no such column) is the default
        text = c.raw(name) if name not in c.missing else ""
        value: object = text or column.default
    else:
        text = c.text(name)
        value = text
    if text and column.max_chars is not None and len(text) > column.max_chars:
        c.problem(
            name,
            f"is {len(text):,} characters long; a code may be at most {column.max_chars}",
            text[:40] + "...",
        )
    if text and ids is not None and text not in ids:
        c.problem(name, unknown(column.what, text, ids), text)
    return value
