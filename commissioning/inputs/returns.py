"""Providers' quarterly returns (`returns.csv`, or a `returns` sheet): read and validated.

A return says what one service spent, how many children or families started with it and
how many achieved the outcome, in one quarter. The table is read and checked with the same
machinery as the data folder (every problem at once, located by file, sheet, row and
column), and checked against the data (the service exists) and, when given, the plan (a
return for a service the plan gives nothing that year is a warning). Nothing here knows
the allocator: the plan comes in as plain amounts per service and year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from commissioning.inputs import read
from commissioning.inputs.cells import PreparedTable, prepare, read_row
from commissioning.inputs.model import DataSet, InputError, Problem
from commissioning.inputs.read import RawTable, read_csv, read_workbook
from commissioning.inputs.schema import RETURNS as SCHEMA

RETURNS = "returns"
RETURNS_FILE = "returns.csv"
REQUIRED_COLUMNS: tuple[str, ...] = SCHEMA.required
OPTIONAL_COLUMNS: tuple[str, ...] = SCHEMA.optional_columns

MAX_NOTE = 2_000
"""Characters in one note: room for a paragraph, not a pasted report. The file's size and
rows are held to the limits of every table (`read.MAX_FILE_BYTES`, `read.MAX_ROWS`,
docs/limits.md)."""


@dataclass(frozen=True)
class Return:
    """What one service reported for one quarter."""

    initiative_id: str
    year: int
    quarter: int
    spend: float
    participants: int
    outcomes_achieved: int
    notes: str = ""
    row: int | None = field(default=None, compare=False)
    """Its spreadsheet row, so a later check can point at it."""


@dataclass(frozen=True)
class Returns:
    """A validated returns table, in the order it was written, and where it came from."""

    returns: tuple[Return, ...]
    file: str = RETURNS_FILE
    sheet: str | None = None
    warnings: tuple[Problem, ...] = ()
    """Worth a person's look, but no reason to refuse the file."""

    def latest(self) -> tuple[int, int] | None:
        """The latest (year, quarter) reported, or None when there are no returns."""
        return max(((r.year, r.quarter) for r in self.returns), default=None)

    def of(self, initiative_id: str, year: int) -> dict[int, Return]:
        """One service's returns in one year, by quarter."""
        return {
            r.quarter: r
            for r in self.returns
            if r.initiative_id == initiative_id and r.year == year
        }


Plan = Mapping[str, Mapping[int, float]]
"""Proposed £ per service and year: what a return is checked against."""


def read_returns(
    source: Path | bytes, name: str | None = None
) -> tuple[RawTable | None, list[Problem]]:
    """The returns table of a CSV file or a workbook's `returns` sheet, as raw text.

    `name` is the file's name when `source` is bytes (an upload); it decides CSV or workbook.
    """
    if isinstance(source, Path):
        name = name or source.name
        try:
            size = source.stat().st_size
            if size > read.MAX_FILE_BYTES:
                return None, [_too_big(name, size)]
            content = source.read_bytes()
        except FileNotFoundError:
            return None, [Problem(file=name, message="no such file")]
        except OSError as e:
            return None, [Problem(file=name, message=f"cannot be opened: {e.strerror or e}")]
    else:
        name = name or RETURNS_FILE
        if len(source) > read.MAX_FILE_BYTES:
            return None, [_too_big(name, len(source))]
        content = source
    if name.lower().endswith(".xlsx"):
        sheets, problems = read_workbook(content, name, (RETURNS,))
        return sheets.get(RETURNS), problems
    return read_csv(content, RETURNS, name)


def _too_big(name: str, size: int) -> Problem:
    return Problem(file=name, message=read._too_large(size, read.MAX_FILE_BYTES))


def load_returns(
    source: Path | bytes, data: DataSet, plan: Plan | None = None, name: str | None = None
) -> Returns:
    """Read and validate a returns file; InputError names every problem at once."""
    raw, problems = read_returns(source, name)
    if raw is None:
        raise InputError(tuple(problems))
    returns, errors, warnings = check_returns(raw, data, plan)
    if problems or errors or returns is None:
        raise InputError((*problems, *errors), warnings)
    return returns


def check_returns(
    raw: RawTable, data: DataSet, plan: Plan | None = None
) -> tuple[Returns | None, tuple[Problem, ...], tuple[Problem, ...]]:
    """Validate a raw returns table against the data and (when given) the plan.

    Every problem is collected: an unknown service, a year or quarter out of range, a
    duplicate (service, year, quarter), outcomes above the participants the service has
    reported in the year so far. A return for a service the plan gives £0 that year is a
    warning. Gives the returns (None when there is any error), the errors and the warnings.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    table = prepare(raw, errors, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    if not raw.rows:
        errors.append(raw.problem("has no data rows; at least one return is required"))
    known = tuple(i.initiative_id for i in data.initiatives)
    plan_years = sorted({y for by_year in plan.values() for y in by_year}) if plan else []
    good: list[Return] = []
    first: dict[tuple[str, int, int], int] = {}
    for row in raw.rows:
        c = table.cells(row, errors)
        v = read_row(c, SCHEMA, {"initiatives": known})
        iid, year, quarter = str(v["initiative_id"]), v["year"], v["quarter"]
        spend, participants, outcomes = (
            float(str(v["spend"])),
            v["participants"],
            v["outcomes_achieved"],
        )
        if isinstance(year, int) and c.fine("year") and plan_years and year not in plan_years:
            c.problem(
                "year",
                f"{year} is outside the plan, which covers {plan_years[0]}-{plan_years[-1]}",
                str(year),
            )
        notes = str(v["notes"])
        if len(notes) > MAX_NOTE:
            c.problem(
                "notes",
                f"is {len(notes):,} characters long; keep a note under {MAX_NOTE:,}",
                notes[:40] + "...",
            )
        if not c.fine("initiative_id", "year", "quarter"):
            continue
        assert isinstance(year, int) and isinstance(quarter, int)
        key = (iid, year, quarter)
        if key in first:
            c.problem(
                "quarter",
                f"a second return from {iid} for {year} quarter {quarter} "
                f"(first at row {first[key]}); give one return per service a quarter",
                str(quarter),
            )
            continue
        first[key] = row.number
        if plan is not None and plan.get(iid, {}).get(year, 0.0) <= 0.5:
            warnings.append(
                raw.problem(
                    f"the plan gives {iid} nothing in {year}, yet it has a return for "
                    f"quarter {quarter}; check the service is the right one",
                    row=row.number,
                    column="initiative_id",
                    value=iid,
                    severity="warning",
                )
            )
        if c.fine("spend", "participants", "outcomes_achieved") and "notes" not in c.bad:
            assert isinstance(participants, int) and isinstance(outcomes, int)
            good.append(
                Return(iid, year, quarter, spend, participants, outcomes, notes, row.number)
            )
    errors += _outcomes_within_participants(table, good)
    if errors:
        return None, tuple(errors), tuple(warnings)
    return Returns(tuple(good), raw.file, raw.sheet, tuple(warnings)), (), tuple(warnings)


def _outcomes_within_participants(table: PreparedTable, good: Sequence[Return]) -> list[Problem]:
    """Outcomes achieved in a year so far cannot exceed the people who started so far."""
    found: list[Problem] = []
    by_year: dict[tuple[str, int], list[Return]] = defaultdict(list)
    for r in good:
        by_year[(r.initiative_id, r.year)].append(r)
    for (iid, year), rows in by_year.items():
        started = achieved = 0
        for r in sorted(rows, key=lambda r: r.quarter):
            started += r.participants
            achieved += r.outcomes_achieved
            if achieved > started:
                found.append(
                    table.raw.problem(
                        f"{iid} reports {achieved:,} outcomes achieved in {year} up to quarter "
                        f"{r.quarter}, more than the {started:,} participants it reports "
                        "starting by then",
                        row=r.row,
                        column="outcomes_achieved",
                        value=str(r.outcomes_achieved),
                    )
                )
                break
    return found
