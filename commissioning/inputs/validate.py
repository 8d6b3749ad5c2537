"""Turning raw tables and a scenario mapping into typed objects, collecting every problem.

Nothing here reads files (that is `read`). Each check records a `Problem` located by file,
sheet, spreadsheet row and column and carries on, so one run names everything that is
wrong; objects are built only from rows whose every cell passed. The rules are those of
model.md sections 1 and 2.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import cast

from commissioning.formatting import format_money
from commissioning.inputs.model import (
    COUNTY,
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_EVIDENCE_MULTIPLIER,
    DEFAULT_OUTCOME_VALUE,
    DEFAULT_UNCERTAINTY,
    EVIDENCE_LEVELS,
    LEVELS,
    SECTORS,
    STATUSES,
    Budget,
    Cost,
    DataSet,
    District,
    FundingStream,
    Initiative,
    InputError,
    Inputs,
    Outcome,
    Priority,
    Problem,
    Scenario,
    Status,
    frozen_map,
)
from commissioning.inputs.read import ALL_TABLES, RawRow, RawTable, RawTables

DEMAND_COLUMNS: tuple[str, ...] = ("demand_1", "demand_2", "demand_3", "demand_4")

REQUIRED: Mapping[str, tuple[str, ...]] = {
    "districts": ("district_id", "name", "locality", "children", "need_index", *DEMAND_COLUMNS),
    "funding_streams": ("stream_id", "name", "partner", "ring_fenced"),
    "budgets": ("stream_id", "year", "amount"),
    "priorities": ("priority_id", "name", "weight", "min_share"),
    "outcomes": ("outcome_id", "name"),
    "initiatives": (
        "initiative_id",
        "name",
        "provider",
        "sector",
        "district_id",
        "level",
        "priority_id",
        "outcomes",
        "status",
        "current_budget",
        "unit_cost",
        "effect",
        "evidence_level",
        "max_budget",
        "funding",
    ),
    "costs": (
        "cost_id",
        "name",
        "level",
        "probability",
        "annual_cost",
        "years",
        "lag",
        "price_year",
        "source",
    ),
    "prices": ("year", "index"),
}
"""Columns each table must have (model.md section 1)."""

RANGE_COLUMNS: tuple[str, ...] = ("effect_low", "effect_high", "unit_cost_low", "unit_cost_high")
"""Plausible ranges of effect and unit cost, for the robustness check (model.md section 5)."""

OPTIONAL: Mapping[str, tuple[str, ...]] = {
    "initiatives": ("mixed_findings", "min_budget", "min_viable", "contract_end", *RANGE_COLUMNS),
    "costs": ("stream_id", "cashable"),
}
"""Columns that may be left out; a missing one takes its default."""

SCENARIO_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "start_year",
    "horizon",
    "prevention_share",
    "max_growth",
    "ramp",
    "district_floor",
    "evidence_multiplier",
    "mixed_findings_factor",
    "outcome_value",
    "priority_weights",
    "lock",
    "exclude",
    "discount_rate",
    "reinvest",
    "uncertainty",
    "unit_cost_uncertainty",
    "budget_change",
)

YEARS = (1900, 2200)
"""Plausible calendar years: catches a year written as 27 or 20277."""

MAX_HORIZON = 100
"""No plan runs a century; a bound keeps a typo (horizon: 30000) from stalling the check."""

_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
_MAX_LISTED = 12


def _listed(ids: Iterable[str]) -> str:
    """Known ids for a message, shortened when there are many."""
    ids = list(ids)
    if not ids:
        return "none"
    shown = ", ".join(ids[:_MAX_LISTED])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > _MAX_LISTED else "")


def _unknown(kind: str, value: str, known: Sequence[str]) -> str:
    """'unknown stream 'PHX' (known: ...)' with a hint when it is a near miss."""
    hint = ""
    same_case = [k for k in known if k.lower() == value.lower()]
    close = same_case or difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    if close:
        hint = f"; did you mean '{close[0]}'?"
    if "," in value and all(part.strip() in known for part in value.split(",")):
        hint = "; separate ids with ';', not ','"
    return f"unknown {kind} '{value}' (known: {_listed(known)}){hint}"


def _show(x: float) -> str:
    """A number for a message, without a spurious '.0'."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _parse_number(text: str) -> float | None:
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


def _range_text(
    minimum: float | None, above: float | None, maximum: float | None, below: float | None
) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"at least {_show(minimum)}")
    if above is not None:
        parts.append(f"greater than {_show(above)}")
    if maximum is not None:
        parts.append(f"at most {_show(maximum)}")
    if below is not None:
        parts.append(f"less than {_show(below)}")
    return " and ".join(parts)


def _in_range(
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


def _fraction_hint(x: float, maximum: float | None, below: float | None) -> str:
    """A share entered as a percentage (45 for 45%) is a common slip: say so."""
    top = maximum if maximum is not None else below
    if top is not None and top <= 1 and 1 < x <= 100:
        return f"; write a share as a fraction, e.g. {_show(x / 100)} for {_show(x)}%"
    return ""


# --------------------------------------------------------------------------- rows


class _Cells:
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
        x = _parse_number(text)
        if x is None:
            hint = ""
            if text.endswith("%"):
                hint = "; write a share as a fraction, e.g. 0.45 for 45%"
            self.problem(column, f"'{text}' is not a number{hint}", text)
            return 0.0
        if not _in_range(x, minimum, above, maximum, below):
            rule = _range_text(minimum, above, maximum, below)
            hint = _fraction_hint(x, maximum, below)
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
        x = _parse_number(text)
        if x is None or not x.is_integer():
            self.problem(column, f"'{text}' is not a {what}{hint}", text)
            return None
        n = int(x)
        if not _in_range(n, minimum, None, maximum, None):
            rule = _range_text(minimum, None, maximum, None)
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
                self.problem(column, _unknown(kind, item, known), text)
        return tuple(dict.fromkeys(items))


@dataclass
class _Table:
    """A raw table prepared for reading: its header mapped to the contract's columns."""

    raw: RawTable
    index: dict[str, int]
    missing: frozenset[str]
    extras: dict[str, int]

    def cells(self, row: RawRow, errors: list[Problem]) -> _Cells:
        return _Cells(self.raw, row, self.index, self.missing, errors)


def _prepare(raw: RawTable, errors: list[Problem]) -> _Table:
    """Match header cells to the contract's columns (any case, spaces for underscores)."""
    known = (*REQUIRED[raw.name], *OPTIONAL.get(raw.name, ()))
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
                return _Table(raw, {}, missing, {})
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
    absent = [c for c in REQUIRED[raw.name] if c not in index]
    for column in absent:
        close = difflib.get_close_matches(column, unmatched, n=1, cutoff=0.7)
        hint = f" (is '{close[0]}' meant to be {column}?)" if close else ""
        errors.append(raw.problem(f"missing required column {column}{hint}", column=column))
    optional_missing = [c for c in OPTIONAL.get(raw.name, ()) if c not in index]
    return _Table(raw, index, frozenset(absent) | frozenset(optional_missing), extras)


def _unique_ids(table: _Table, column: str, errors: list[Problem]) -> dict[str, int]:
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


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class References:
    """What a scenario is checked against: known ids, budget rows and parsed initiatives.

    Built from raw tables when the data has errors too (so scenario problems are still
    reported, without cascading), or from a valid DataSet.
    """

    stream_ids: tuple[str, ...] | None
    priority_ids: tuple[str, ...] | None
    initiative_ids: tuple[str, ...] | None
    budget_keys: tuple[tuple[str, int, int | None], ...] | None
    """(stream_id, year, row) of every budget row with a known stream and a whole year."""
    initiatives: Mapping[str, Initiative] = field(default_factory=dict)
    budget_file: str = "budgets.csv"
    budget_sheet: str | None = None
    initiative_file: str = "initiatives.csv"
    initiative_sheet: str | None = None
    cost_years: tuple[tuple[int, int | None], ...] = ()
    """(price_year, row) of every cost row (checked against prices and the start year)."""
    cost_file: str = "costs.csv"
    cost_sheet: str | None = None
    price_years: tuple[int, ...] | None = None
    """Years of the price index; None when the folder has none (or it is ignored)."""
    price_file: str = "prices.csv"
    price_sheet: str | None = None

    @classmethod
    def of(cls, data: DataSet) -> References:
        """The references of a valid data set."""
        book = PurePath(data.source).name if data.source.lower().endswith(".xlsx") else None

        def where(table: str) -> tuple[str, str | None]:
            return (book, table) if book is not None else (f"{table}.csv", None)

        return cls(
            stream_ids=tuple(s.stream_id for s in data.streams),
            priority_ids=tuple(p.priority_id for p in data.priorities),
            initiative_ids=tuple(i.initiative_id for i in data.initiatives),
            budget_keys=tuple((b.stream_id, b.year, b.row) for b in data.budgets),
            initiatives=data.initiatives_by_id,
            budget_file=where("budgets")[0],
            budget_sheet=where("budgets")[1],
            initiative_file=where("initiatives")[0],
            initiative_sheet=where("initiatives")[1],
            cost_years=tuple((c.price_year, None) for c in data.costs),
            cost_file=where("costs")[0],
            cost_sheet=where("costs")[1],
            price_years=tuple(data.prices) if data.prices else None,
            price_file=where("prices")[0],
            price_sheet=where("prices")[1],
        )


@dataclass(frozen=True)
class CheckedData:
    """The outcome of validating the tables: a data set if they passed, and the problems."""

    data: DataSet | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    references: References


def validate_tables(raw: RawTables) -> CheckedData:
    """Validate every table, and the tables against each other, collecting all problems."""
    errors: list[Problem] = list(raw.problems)
    warnings: list[Problem] = []
    tables: dict[str, _Table] = {}
    for name in ALL_TABLES:
        if name not in raw.tables:
            continue
        t = raw.tables[name]
        table = _prepare(t, errors)
        tables[name] = table
        if not t.rows:
            errors.append(t.problem("has no data rows; at least one is required"))

    def ids(name: str, column: str) -> dict[str, int] | None:
        """Ids of a table, or None when it is missing or empty (so no cascade of 'unknown')."""
        if name not in tables or not tables[name].raw.rows or column in tables[name].missing:
            return None
        return _unique_ids(tables[name], column, errors)

    district_ids = ids("districts", "district_id")
    stream_ids = ids("funding_streams", "stream_id")
    priority_ids = ids("priorities", "priority_id")
    outcome_ids = ids("outcomes", "outcome_id")
    initiative_ids = ids("initiatives", "initiative_id")

    def known(found: dict[str, int] | None) -> tuple[str, ...] | None:
        return tuple(found) if found is not None else None

    districts = _districts(tables.get("districts"), errors)
    streams = _streams(tables.get("funding_streams"), errors)
    budgets, budget_keys = _budgets(tables.get("budgets"), known(stream_ids), errors)
    priorities = _priorities(tables.get("priorities"), errors)
    outcomes = _outcomes(tables.get("outcomes"), errors)
    initiatives = _initiatives(
        tables.get("initiatives"),
        districts=known(district_ids),
        priorities=known(priority_ids),
        streams=known(stream_ids),
        outcomes=known(outcome_ids),
        errors=errors,
        warnings=warnings,
    )
    if district_ids is not None and "initiatives" in tables:
        _districts_without_initiatives(tables["districts"], tables["initiatives"], warnings)
    ids("costs", "cost_id")
    costs, cost_years = _costs(tables.get("costs"), known(stream_ids), errors, warnings)
    prices = _prices(tables.get("prices"), errors)
    if "prices" in tables and "costs" not in tables:
        warnings.append(
            tables["prices"].raw.problem(
                "there is a price index but no cost library (costs.csv), so it is not used",
                severity="warning",
            )
        )
        prices = {}
    if "costs" in tables:
        _levels_without_costs(tables["costs"], initiatives, costs, warnings)

    def place(name: str) -> tuple[str, str | None]:
        t = tables.get(name)
        return (t.raw.file, t.raw.sheet) if t else (f"{name}.csv", None)

    errors += solver_limit_problems(tables)
    references = References(
        stream_ids=known(stream_ids),
        priority_ids=known(priority_ids),
        initiative_ids=known(initiative_ids),
        budget_keys=budget_keys,
        initiatives={i.initiative_id: i for i in initiatives},
        budget_file=place("budgets")[0],
        budget_sheet=place("budgets")[1],
        initiative_file=place("initiatives")[0],
        initiative_sheet=place("initiatives")[1],
        cost_years=tuple(cost_years),
        cost_file=place("costs")[0],
        cost_sheet=place("costs")[1],
        price_years=tuple(prices) if "prices" in tables and "costs" in tables else None,
        price_file=place("prices")[0],
        price_sheet=place("prices")[1],
    )
    data = None
    if not errors:
        data = DataSet(
            districts=tuple(districts),
            streams=tuple(streams),
            budgets=tuple(budgets),
            priorities=tuple(priorities),
            outcomes=tuple(outcomes),
            initiatives=tuple(initiatives),
            source=raw.source,
            costs=tuple(costs),
            prices=frozen_map(prices),
        )
    return CheckedData(data, tuple(errors), tuple(warnings), references)


def _rows(table: _Table | None, errors: list[Problem]) -> Iterable[_Cells]:
    if table is None:
        return
    for row in table.raw.rows:
        yield table.cells(row, errors)


_Demand = tuple[float, float, float, float]


def _districts(table: _Table | None, errors: list[Problem]) -> list[District]:
    out = []
    for c in _rows(table, errors):
        did = c.text("district_id")
        if did == COUNTY:
            c.problem(
                "district_id",
                f"'{COUNTY}' is reserved for county-wide services and cannot be a district",
                did,
            )
        name = c.text("name")
        locality = c.text("locality")
        children = c.integer("children", minimum=1)
        need = c.number("need_index", above=0)
        demand = tuple(c.number(col, minimum=0) for col in DEMAND_COLUMNS)
        if c.fine(*REQUIRED["districts"]) and children is not None:
            out.append(District(did, name, locality, children, need, cast(_Demand, demand)))
    return out


def _streams(table: _Table | None, errors: list[Problem]) -> list[FundingStream]:
    out = []
    for c in _rows(table, errors):
        sid, name, partner = c.text("stream_id"), c.text("name"), c.text("partner")
        ring_fenced = c.boolean("ring_fenced", default=False)
        if c.fine("stream_id", "name", "partner", "ring_fenced"):
            out.append(FundingStream(sid, name, partner, ring_fenced))
    return out


def _budgets(
    table: _Table | None, streams: tuple[str, ...] | None, errors: list[Problem]
) -> tuple[list[Budget], tuple[tuple[str, int, int | None], ...] | None]:
    """Budget rows, and the (stream, year, row) keys a scenario's coverage is checked on."""
    out: list[Budget] = []
    keys: list[tuple[str, int, int | None]] = []
    for c in _rows(table, errors):
        sid = c.text("stream_id")
        if sid and streams is not None and sid not in streams:
            c.problem("stream_id", _unknown("stream", sid, streams), sid)
        year = c.integer("year", minimum=YEARS[0], maximum=YEARS[1], what="year")
        amount = c.number("amount", minimum=0)
        if year is not None and c.fine("stream_id", "year"):
            keys.append((sid, year, c.row.number))
        if year is not None and c.fine("stream_id", "year", "amount"):
            out.append(Budget(sid, year, amount, row=c.row.number))
    usable = table is not None and streams is not None
    return out, (tuple(keys) if usable else None)


def _priorities(table: _Table | None, errors: list[Problem]) -> list[Priority]:
    out = []
    total = 0.0
    for c in _rows(table, errors):
        pid, name = c.text("priority_id"), c.text("name")
        weight = c.number("weight", above=0)
        min_share = c.number("min_share", minimum=0, below=1)
        if c.fine("min_share"):
            total += min_share
        if c.fine(*REQUIRED["priorities"]):
            out.append(Priority(pid, name, weight, min_share))
    if table is not None and total >= 1:
        errors.append(
            table.raw.problem(
                f"min_share adds up to {total:.4g} over all priorities; the sum must be "
                "below 1, or no spending could meet every minimum",
                column="min_share",
            )
        )
    return out


def _outcomes(table: _Table | None, errors: list[Problem]) -> list[Outcome]:
    out = []
    for c in _rows(table, errors):
        oid, name = c.text("outcome_id"), c.text("name")
        if c.fine("outcome_id", "name"):
            out.append(Outcome(oid, name))
    return out


def _costs(
    table: _Table | None,
    streams: tuple[str, ...] | None,
    errors: list[Problem],
    warnings: list[Problem],
) -> tuple[list[Cost], list[tuple[int, int | None]]]:
    """The cost library, and (price_year, row) of each cost with a readable year."""
    out: list[Cost] = []
    years: list[tuple[int, int | None]] = []
    for c in _rows(table, errors):
        cid, name, source = c.text("cost_id"), c.text("name"), c.text("source")
        level = c.integer("level", minimum=LEVELS[0], maximum=LEVELS[-1], what="level 1-4")
        probability = c.number("probability", above=0, maximum=1)
        annual = c.number("annual_cost", above=0)
        n_years = c.integer("years", minimum=1, what="whole number of years")
        lag = c.integer("lag", minimum=0, what="whole number of years")
        price_year = c.integer("price_year", minimum=YEARS[0], maximum=YEARS[1], what="year")
        sid = c.raw("stream_id") if "stream_id" not in c.missing else ""
        if sid and streams is not None and sid not in streams:
            c.problem("stream_id", _unknown("stream", sid, streams), sid)
        cashable_text = c.raw("cashable") if "cashable" not in c.missing else ""
        cashable = c.number("cashable", minimum=0, maximum=1, default=0.0)
        if not sid and c.fine("cashable") and cashable > 0:
            c.problem(
                "cashable",
                f"{cashable_text} of this cost is cashable but no stream_id says whose money "
                "it would save: name the stream, or make cashable 0",
                cashable_text,
            )
        if sid and not cashable_text and c.fine("stream_id"):
            warnings.append(
                c.table.problem(
                    f"cost {cid} is paid by stream {sid} but its cashable share is blank, so "
                    "it is taken as 0 and no savings from it return to the stream",
                    c.row.number,
                    "cashable",
                    "",
                    severity="warning",
                )
            )
        if price_year is not None and c.fine("price_year"):
            years.append((price_year, c.row.number))
        if not c.bad and level is not None and n_years is not None and lag is not None:
            assert price_year is not None
            out.append(
                Cost(
                    cost_id=cid,
                    name=name,
                    level=level,
                    probability=probability,
                    annual_cost=annual,
                    years=n_years,
                    lag=lag,
                    stream_id=sid or None,
                    cashable=cashable,
                    price_year=price_year,
                    source=source,
                )
            )
    return out, years


def _prices(table: _Table | None, errors: list[Problem]) -> dict[int, float]:
    out: dict[int, float] = {}
    first: dict[int, int] = {}
    for c in _rows(table, errors):
        year = c.integer("year", minimum=YEARS[0], maximum=YEARS[1], what="year")
        index = c.number("index", above=0)
        if year is not None and c.fine("year"):
            if year in first:
                c.problem(
                    "year", f"a second row for {year} (first at row {first[year]})", str(year)
                )
                continue
            first[year] = c.row.number
        if year is not None and c.fine("year", "index"):
            out[year] = index
    return out


def _levels_without_costs(
    table: _Table, initiatives: Sequence[Initiative], costs: Sequence[Cost], warnings: list[Problem]
) -> None:
    """A level with services but no cost row: its outcomes are worth £0 unless the scenario
    values them."""
    costed = {c.level for c in costs}
    for level in sorted({i.level for i in initiatives} - costed):
        n = sum(1 for i in initiatives if i.level == level)
        warnings.append(
            table.raw.problem(
                f"no cost row for level {level}, so the outcomes of its {n} service"
                f"{'s' if n != 1 else ''} are worth £0 unless the scenario sets outcome_value "
                f"for level {level}",
                column="level",
                severity="warning",
            )
        )


def _ranges(c: _Cells, effect: float, unit_cost: float) -> tuple[float | None, ...]:
    """effect_low/high and unit_cost_low/high (model.md section 5), each optional."""
    e_low = c.optional_number("effect_low", above=0, maximum=1)
    e_high = c.optional_number("effect_high", above=0, maximum=1)
    u_low = c.optional_number("unit_cost_low", above=0)
    u_high = c.optional_number("unit_cost_high", above=0)
    checks = (
        ("effect_low", e_low, "effect", effect, "effect", "<="),
        ("effect_high", e_high, "effect", effect, "effect", ">="),
        ("unit_cost_low", u_low, "unit_cost", unit_cost, "unit cost", "<="),
        ("unit_cost_high", u_high, "unit_cost", unit_cost, "unit cost", ">="),
    )
    for column, bound, base, value, what, sense in checks:
        if bound is None or not c.fine(base):
            continue
        if sense == "<=" and bound > value:
            c.problem(
                column,
                f"{_show(bound)} is above the {what} {_show(value)}: the low end of a range "
                f"must be at most the estimate",
                c.raw(column),
            )
        if sense == ">=" and bound < value:
            c.problem(
                column,
                f"{_show(bound)} is below the {what} {_show(value)}: the high end of a range "
                f"must be at least the estimate",
                c.raw(column),
            )
    return e_low, e_high, u_low, u_high


def _evidence(c: _Cells) -> str:
    """An EIF evidence level, with the published '4+' and '3*' forms explained."""
    text = c.text("evidence_level")
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
    c.problem("evidence_level", f"'{text}' is not an evidence level: use one of {levels}{hint}")
    return text


def _initiatives(
    table: _Table | None,
    *,
    districts: tuple[str, ...] | None,
    priorities: tuple[str, ...] | None,
    streams: tuple[str, ...] | None,
    outcomes: tuple[str, ...] | None,
    errors: list[Problem],
    warnings: list[Problem],
) -> list[Initiative]:
    out: list[Initiative] = []
    if table is None:
        return out
    district_known = (*districts, COUNTY) if districts is not None else None
    for c in _rows(table, errors):
        iid = c.text("initiative_id")
        name, provider = c.text("name"), c.text("provider")
        sector = c.choice("sector", SECTORS, "sector")
        did = c.text("district_id")
        if did and district_known is not None and did not in district_known:
            c.problem("district_id", _unknown("district", did, district_known), did)
        level = c.integer("level", minimum=LEVELS[0], maximum=LEVELS[-1], what="level 1-4")
        pid = c.text("priority_id")
        if pid and priorities is not None and pid not in priorities:
            c.problem("priority_id", _unknown("priority", pid, priorities), pid)
        targets = c.ids("outcomes", outcomes, "outcome")
        status = c.choice("status", STATUSES, "status")
        current = c.number("current_budget", minimum=0)
        unit_cost = c.number("unit_cost", above=0)
        effect = c.number("effect", above=0, maximum=1)
        evidence = _evidence(c)
        mixed = c.boolean("mixed_findings", default=False)
        min_budget = c.number("min_budget", minimum=0, default=0.0)
        max_budget = c.number("max_budget", above=0)
        min_viable = c.number("min_viable", minimum=0, default=0.0)
        contract_end = c.integer(
            "contract_end",
            minimum=YEARS[0],
            maximum=YEARS[1],
            optional=True,
            what="year",
            hint="; leave it blank when there is no contract",
        )
        funding = c.ids("funding", streams, "stream")
        e_low, e_high, u_low, u_high = _ranges(c, effect, unit_cost)

        _initiative_rules(c, status, current, min_budget, max_budget, min_viable)
        _initiative_warnings(c, table.raw, status, current, evidence, contract_end, warnings)

        extra = {col: c.row.cells[k] for col, k in table.extras.items()}
        if not c.bad and c.fine(*REQUIRED["initiatives"]) and level is not None:
            out.append(
                Initiative(
                    initiative_id=iid,
                    name=name,
                    provider=provider,
                    sector=sector,
                    district_id=did,
                    level=level,
                    priority_id=pid,
                    outcomes=targets,
                    status=cast(Status, status),
                    current_budget=current,
                    unit_cost=unit_cost,
                    effect=effect,
                    evidence_level=evidence,
                    mixed_findings=mixed,
                    min_budget=min_budget,
                    max_budget=max_budget,
                    min_viable=min_viable,
                    contract_end=contract_end,
                    funding=funding,
                    extra=frozen_map(extra),
                    effect_low=e_low,
                    effect_high=e_high,
                    unit_cost_low=u_low,
                    unit_cost_high=u_high,
                    row=c.row.number,
                )
            )
    return out


def _initiative_rules(
    c: _Cells,
    status: str,
    current: float,
    min_budget: float,
    max_budget: float,
    min_viable: float,
) -> None:
    """The rules between columns of one initiative (model.md section 1)."""

    def money(x: float) -> str:
        return format_money(x) if float(x).is_integer() else f"£{x:,.2f}"

    over_max = (
        ("min_budget", min_budget),
        ("current_budget", current),
        ("min_viable", min_viable),
    )
    for column, amount in over_max:
        if c.fine(column, "max_budget") and amount > max_budget:
            c.problem(
                column,
                f"{money(amount)} is above max_budget {money(max_budget)}",
                c.raw(column),
                bad=False,
            )
    if c.fine("status", "current_budget") and status == "candidate" and current != 0:
        c.problem(
            "current_budget",
            f"a candidate has no budget yet: current_budget must be 0 (got {money(current)})",
            c.raw("current_budget"),
            bad=False,
        )
    for column, amount in (("min_budget", min_budget), ("current_budget", current)):
        if c.fine(column, "min_viable") and 0 < amount < min_viable:
            c.problem(
                column,
                f"{money(amount)} is below min_viable {money(min_viable)}: it must be 0 or "
                "at least min_viable, since a contract below that is not viable",
                c.raw(column),
                bad=False,
            )


def _initiative_warnings(
    c: _Cells,
    raw: RawTable,
    status: str,
    current: float,
    evidence: str,
    contract_end: int | None,
    warnings: list[Problem],
) -> None:
    if not c.fine("status", "current_budget") or status != "existing" or current <= 0:
        return
    iid = c.raw("initiative_id")
    if "contract_end" not in c.bad and contract_end is None:  # blank or no such column
        warnings.append(
            raw.problem(
                f"existing service {iid} is funded ({format_money(current)} a year) but has "
                "no contract_end, so it counts as having no contract and may change from the "
                "first planning year",
                c.row.number,
                "contract_end",
                "",
                severity="warning",
            )
        )
    if c.fine("evidence_level") and evidence == "NE":
        warnings.append(
            raw.problem(
                f"service {iid} is rated NE (found not effective) but is currently funded "
                f"({format_money(current)} a year)",
                c.row.number,
                "evidence_level",
                evidence,
                severity="warning",
            )
        )


def _districts_without_initiatives(
    districts: _Table, initiatives: _Table, warnings: list[Problem]
) -> None:
    if "district_id" in districts.missing or "district_id" in initiatives.missing:
        return
    k = initiatives.index["district_id"]
    own = {row.cells[k] for row in initiatives.raw.rows}
    kd = districts.index["district_id"]
    for row in districts.raw.rows:
        did = row.cells[kd]
        if did and did not in own and did != COUNTY:
            warnings.append(
                districts.raw.problem(
                    f"district {did} has no initiative of its own, so it is left out of the "
                    "district rule (its need still counts in the county's demand)",
                    row.number,
                    "district_id",
                    did,
                    severity="warning",
                )
            )


# --------------------------------------------------------------------------- scenario


@dataclass(frozen=True)
class CheckedScenario:
    scenario: Scenario | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


class _Keys:
    """Reads a scenario mapping key by key, recording problems with their lines."""

    def __init__(
        self, raw: Mapping[str, object], file: str, lines: Mapping[tuple[object, ...], int]
    ) -> None:
        self.raw = raw
        self.file = file
        self.lines = lines
        self.errors: list[Problem] = []
        self.bad: set[str] = set()

    def problem(self, key: str, message: str, value: object = None, sub: object = None) -> None:
        self.bad.add(key)
        line = self.lines.get((key, sub)) if sub is not None else None
        line = line or self.lines.get((key,))
        shown = None if value is None else str(value)
        self.errors.append(Problem(self.file, message, line, key, shown))

    def number(
        self,
        key: str,
        value: object,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        below: float | None = None,
        above: float | None = None,
        sub: object = None,
        what: str = "",
    ) -> float | None:
        label = what or key
        if not _is_number(value):
            self.problem(key, f"{label} must be a number (got {value!r})", value, sub)
            return None
        x = float(cast(float, value))
        if not _in_range(x, minimum, above, maximum, below):
            rule = _range_text(minimum, above, maximum, below)
            hint = _fraction_hint(x, maximum, below)
            self.problem(key, f"{label} must be {rule} (got {_show(x)}){hint}", value, sub)
            return None
        return x

    def integer(self, key: str, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw.get(key)
        if value is None:
            self.problem(key, f"{key} is required")
            return 0
        if not _is_number(value) or not float(cast(float, value)).is_integer():
            self.problem(key, f"{key} must be a whole number (got {value!r})", value)
            return 0
        n = int(cast(float, value))
        if not _in_range(n, minimum, None, maximum, None):
            rule = _range_text(minimum, None, maximum, None)
            self.problem(key, f"{key} must be {rule} (got {n})", value)
        return n

    def optional_number(
        self, key: str, default: float, minimum: float, maximum: float | None = None
    ) -> float:
        if key not in self.raw or self.raw[key] is None:
            return default
        x = self.number(key, self.raw[key], minimum=minimum, maximum=maximum)
        return default if x is None else x

    def mapping(self, key: str) -> Mapping[object, object]:
        value = self.raw.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem(key, f"{key} must be a mapping of keys to values (got {value!r})", value)
            return {}
        return value

    def id_list(self, key: str, known: tuple[str, ...] | None) -> tuple[str, ...]:
        """Initiative ids, compared as text (YAML 1001 is the id "1001")."""
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            hint = f"; write [{value}]" if _id_text(value) else ""
            self.problem(key, f"{key} must be a list of initiative ids{hint}", value)
            return ()
        out: list[str] = []
        for k, item in enumerate(value):
            iid = _id_text(item)
            if iid is None:
                self.problem(key, f"{item!r} is not an initiative id", item, k)
                continue
            if iid in out:
                self.problem(key, f"initiative {iid} is listed twice", iid, k)
                continue
            if known is not None and iid not in known:
                self.problem(key, _unknown("initiative", iid, known), iid, k)
                continue
            out.append(iid)
        return tuple(out)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _id_text(value: object) -> str | None:
    """An id from YAML or the app: text as is, a whole number as its digits."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def check_scenario(
    raw: Mapping[str, object],
    references: References,
    file: str = "scenario.yaml",
    lines: Mapping[tuple[object, ...], int] | None = None,
) -> CheckedScenario:
    """Validate a scenario mapping (model.md section 2) against the data it will run on."""
    keys = _Keys(raw, file, lines or {})
    warnings: list[Problem] = []
    for key in raw:
        if str(key) not in SCENARIO_KEYS:
            close = difflib.get_close_matches(str(key), SCENARIO_KEYS, n=1, cutoff=0.7)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            keys.problem(
                str(key),
                f"unknown key '{key}' (known: {', '.join(SCENARIO_KEYS)}){hint}",
                key,
            )

    name_value = raw.get("name")
    name = ""
    if name_value is None or (isinstance(name_value, str) and not name_value.strip()):
        keys.problem("name", "name is required")
    elif isinstance(name_value, str | int | float) and not isinstance(name_value, bool):
        name = str(name_value).strip()
    else:
        keys.problem("name", f"name must be text (got {name_value!r})", name_value)
    description_value = raw.get("description")
    description = ""
    if isinstance(description_value, str):
        description = description_value.strip()
    elif description_value is not None:
        keys.problem("description", "description must be text", description_value)

    start_year = keys.integer("start_year", *YEARS)
    horizon = keys.integer("horizon", minimum=1, maximum=MAX_HORIZON)
    years_ok = not ({"start_year", "horizon"} & keys.bad)

    shares = _prevention_share(keys, horizon if years_ok else None)
    max_growth = keys.optional_number("max_growth", 0.25, minimum=0)
    ramp = keys.optional_number("ramp", 0.5, minimum=0)
    district_floor = keys.optional_number("district_floor", 0.8, minimum=0, maximum=1)
    mixed_factor = keys.optional_number("mixed_findings_factor", 0.75, minimum=0, maximum=1)
    multipliers = _merged(
        keys,
        "evidence_multiplier",
        DEFAULT_EVIDENCE_MULTIPLIER,
        {e.lower(): e for e in EVIDENCE_LEVELS},
        "an evidence level",
    )
    outcome_value = _merged(
        keys,
        "outcome_value",
        {str(k): v for k, v in DEFAULT_OUTCOME_VALUE.items()},
        {str(k): str(k) for k in LEVELS},
        "a level",
    )
    named_levels = tuple(
        sorted(
            int(level)
            for k in keys.mapping("outcome_value")
            if (level := _id_text(k)) is not None and level in {str(v) for v in LEVELS}
        )
    )
    discount_rate = keys.optional_number("discount_rate", DEFAULT_DISCOUNT_RATE, minimum=0)
    reinvest = keys.optional_number("reinvest", 0.0, minimum=0, maximum=1)
    uncertainty = _merged(
        keys,
        "uncertainty",
        DEFAULT_UNCERTAINTY,
        {e.lower(): e for e in EVIDENCE_LEVELS},
        "an evidence level",
        maximum=1.0,
    )
    cost_uncertainty = keys.optional_number("unit_cost_uncertainty", 0.1, minimum=0, maximum=0.99)
    budget_change = _budget_change(keys, references.stream_ids, horizon if years_ok else None)
    weights = _priority_weights(keys, references.priority_ids)
    lock = keys.id_list("lock", references.initiative_ids)
    exclude = keys.id_list("exclude", references.initiative_ids)

    for iid in exclude:
        if iid in lock:
            keys.problem(
                "exclude",
                f"initiative {iid} is both locked and excluded; it can only be one",
                iid,
            )
        i = references.initiatives.get(iid)
        if i is not None and i.min_budget > 0:
            keys.problem(
                "exclude",
                f"initiative {iid} has a protected min_budget of {format_money(i.min_budget)} "
                "a year, so it cannot be excluded",
                iid,
            )

    if years_ok:
        years = tuple(range(start_year, start_year + horizon))
        keys.errors += _budget_coverage(references, years, name)
        _price_years(references, start_year, keys.errors, warnings)
    if "max_growth" not in keys.bad:
        keys.errors += _floors_within_growth(references, max_growth)

    if not keys.errors and not ({"evidence_multiplier", "mixed_findings_factor"} & keys.bad):
        for iid in lock:
            i = references.initiatives.get(iid)
            if i is None:
                continue
            m = multipliers[i.evidence_level] * (mixed_factor if i.mixed_findings else 1.0)
            if m == 0:
                warnings.append(
                    Problem(
                        file,
                        f"initiative {iid} is locked although its evidence multiplier is 0 "
                        f"(evidence level {i.evidence_level}): it is held at "
                        f"{format_money(i.current_budget)} a year but adds no value",
                        keys.lines.get(("lock",)),
                        "lock",
                        iid,
                        "warning",
                    )
                )

    keys.errors += scenario_limit_problems(raw, file, keys.lines)
    if keys.errors:
        return CheckedScenario(None, tuple(keys.errors), tuple(warnings))
    scenario = Scenario(
        name=name,
        description=description,
        start_year=start_year,
        horizon=horizon,
        prevention_share=shares,
        max_growth=max_growth,
        ramp=ramp,
        district_floor=district_floor,
        evidence_multiplier=frozen_map({e: multipliers[e] for e in EVIDENCE_LEVELS}),
        mixed_findings_factor=mixed_factor,
        outcome_value=frozen_map({k: outcome_value[str(k)] for k in LEVELS}),
        priority_weights=frozen_map(weights),
        lock=lock,
        exclude=exclude,
        outcome_value_named=named_levels,
        discount_rate=discount_rate,
        reinvest=reinvest,
        uncertainty=frozen_map({e: uncertainty[e] for e in EVIDENCE_LEVELS}),
        unit_cost_uncertainty=cost_uncertainty,
        budget_change=frozen_map(budget_change),
    )
    return CheckedScenario(scenario, (), tuple(warnings))


def _prevention_share(keys: _Keys, horizon: int | None) -> tuple[float, ...]:
    value = keys.raw.get("prevention_share", 0.0)
    n = horizon or 1
    if value is None:
        value = 0.0
    if isinstance(value, list | tuple):
        if horizon is not None and len(value) != horizon:
            keys.problem(
                "prevention_share",
                f"prevention_share lists {len(value)} shares but the horizon is {horizon} "
                "years: give one number, or exactly one per planning year",
                value,
            )
            return ()
        got = [
            keys.number("prevention_share", v, minimum=0, below=1, sub=k)
            for k, v in enumerate(value)
        ]
        return tuple(x for x in got if x is not None)
    x = keys.number("prevention_share", value, minimum=0, below=1)
    return (x,) * n if x is not None else ()


def _merged(
    keys: _Keys,
    key: str,
    defaults: Mapping[str, float],
    allowed: Mapping[str, str],
    kind: str,
    maximum: float | None = None,
) -> dict[str, float]:
    """Values given by key, merged over the defaults; keys matched as text, any case."""
    out = dict(defaults)
    for k, v in keys.mapping(key).items():
        text = _id_text(k)
        name = allowed.get(text.lower()) if text is not None else None
        if name is None:
            keys.problem(
                key,
                f"'{k}' is not {kind} (allowed: {', '.join(allowed.values())})",
                k,
                str(k),
            )
            continue
        x = keys.number(key, v, minimum=0, maximum=maximum, sub=str(k), what=f"{key} of {name}")
        if x is not None:
            out[name] = x
    return out


def _priority_weights(keys: _Keys, known: tuple[str, ...] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in keys.mapping("priority_weights").items():
        pid = _id_text(k)
        if pid is None or (known is not None and pid not in known):
            keys.problem("priority_weights", _unknown("priority", str(k), known or ()), k, str(k))
            continue
        x = keys.number(
            "priority_weights", v, above=0, sub=str(k), what=f"weight of priority {pid}"
        )
        if x is not None:
            out[pid] = x
    return out


def _budget_change(
    keys: _Keys, streams: tuple[str, ...] | None, horizon: int | None
) -> dict[str, tuple[float, ...]]:
    """By stream: a fraction > -1, or one per planning year, as one per planning year."""
    out: dict[str, tuple[float, ...]] = {}
    for k, v in keys.mapping("budget_change").items():
        sid = _id_text(k)
        if sid is None or (streams is not None and sid not in streams):
            keys.problem("budget_change", _unknown("stream", str(k), streams or ()), k, str(k))
            continue
        what = f"budget change of stream {sid}"
        if isinstance(v, list | tuple):
            if horizon is not None and len(v) != horizon:
                keys.problem(
                    "budget_change",
                    f"the {what} lists {len(v)} changes but the horizon is {horizon} years: "
                    "give one number, or exactly one per planning year",
                    v,
                    str(k),
                )
                continue
            got = [keys.number("budget_change", x, above=-1, sub=str(k), what=what) for x in v]
            if all(x is not None for x in got):
                out[sid] = tuple(cast(float, x) for x in got)
            continue
        x = keys.number("budget_change", v, above=-1, sub=str(k), what=what)
        if x is not None:
            out[sid] = (x,) * (horizon or 1)
    return out


def _price_years(
    references: References, start_year: int, errors: list[Problem], warnings: list[Problem]
) -> None:
    """Costs are re-priced to the start year: the index must cover every year involved."""
    if not references.cost_years:
        return
    if references.price_years is None:
        for year, row in references.cost_years:
            if year != start_year:
                warnings.append(
                    Problem(
                        references.cost_file,
                        f"this cost is in {year} prices and there is no price index "
                        f"(prices.csv), so it is used as written in the plan's {start_year} "
                        "prices",
                        row,
                        "price_year",
                        str(year),
                        "warning",
                        references.cost_sheet,
                    )
                )
        return
    have = set(references.price_years)
    if start_year not in have:
        errors.append(
            Problem(
                references.price_file,
                f"the price index has no row for {start_year}, the plan's start year, so "
                "costs cannot be brought to the plan's prices",
                column="year",
                sheet=references.price_sheet,
            )
        )
    for year, row in references.cost_years:
        if year not in have:
            errors.append(
                Problem(
                    references.cost_file,
                    f"the price index (prices.csv) has no row for {year}, the price year "
                    "of this cost",
                    row,
                    "price_year",
                    str(year),
                    sheet=references.cost_sheet,
                )
            )


def _floors_within_growth(references: References, max_growth: float) -> list[Problem]:
    """A running service cannot be raised to its protected floor in more than one year's
    growth: the floor would make the first year infeasible (model.md section 1)."""
    problems = []
    for i in references.initiatives.values():
        reach = (1 + max_growth) * i.current_budget
        if i.is_running and i.min_budget > reach + 1e-9:
            problems.append(
                Problem(
                    references.initiative_file,
                    f"the protected floor of {format_money(i.min_budget)} is more than this "
                    f"running service can grow to in one year ({format_money(reach)}: its "
                    f"budget of {format_money(i.current_budget)} plus the scenario's growth "
                    f"limit of {max_growth:.0%}); lower the floor or raise max_growth",
                    i.row,
                    "min_budget",
                    _show(i.min_budget),
                    sheet=references.initiative_sheet,
                )
            )
    return problems


def _budget_coverage(references: References, years: Sequence[int], scenario: str) -> list[Problem]:
    """Every stream has exactly one budget row in every planning year."""
    if references.budget_keys is None or references.stream_ids is None:
        return []
    problems: list[Problem] = []
    file, sheet = references.budget_file, references.budget_sheet
    wanted = set(years)
    first: dict[tuple[str, int], int | None] = {}
    for sid, year, row in references.budget_keys:
        if year not in wanted:
            continue
        if (sid, year) in first:
            where = first[(sid, year)]
            also = f" (first at row {where})" if where is not None else ""
            problems.append(
                Problem(
                    file,
                    f"a second row for stream {sid} in {year}{also}; each stream needs "
                    "exactly one row per planning year",
                    row,
                    "year",
                    str(year),
                    sheet=sheet,
                )
            )
        else:
            first[(sid, year)] = row
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    for sid in references.stream_ids:
        absent = [y for y in years if (sid, y) not in first]
        if absent:
            listed = ", ".join(str(y) for y in absent)
            problems.append(
                Problem(
                    file,
                    f"stream {sid} has no budget row for {listed} (scenario "
                    f"'{scenario}' plans {span}); add one row per stream and planning year",
                    column="year",
                    sheet=sheet,
                )
            )
    return problems


# --------------------------------------------------------------------------- together


def is_table_problem(problem: Problem) -> bool:
    """Whether a problem is about the tables (a CSV file or a sheet), not the scenario."""
    return problem.sheet is not None or problem.file.lower().endswith(".csv")


def combine(
    checked: CheckedData, scenario: CheckedScenario | None, extra: Sequence[Problem] = ()
) -> Inputs:
    """Inputs from checked data and scenario, or InputError with every problem found."""
    errors = [*checked.errors, *extra]
    warnings = list(checked.warnings)
    if scenario is not None:
        errors += scenario.errors
        warnings += scenario.warnings
    if errors or checked.data is None or scenario is None or scenario.scenario is None:
        raise InputError(tuple(errors), tuple(warnings))
    return Inputs(checked.data, scenario.scenario, tuple(warnings))


__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "SCENARIO_KEYS",
    "CheckedData",
    "CheckedScenario",
    "References",
    "check_scenario",
    "combine",
    "is_table_problem",
    "validate_tables",
]


# --------------------------------------------------------------------------- solver limits

MIN_UNIT_COST = 1.0
"""The smallest unit cost planned with: £1 per participant a year. Below it, the demand
rows' coefficients (1 / unit cost) outgrow what the solvers compute reliably."""
MAX_UNIT_COST = 1_000_000.0
MIN_EFFECT = 0.001
"""The smallest effect planned with: 0.1% of participants."""
MAX_MONEY = 10_000_000_000.0
"""The largest amount of money planned with: £10,000,000,000 a year."""
MIN_MONEY = 1.0
"""An amount that is not 0 is at least £1: pennies only add noise at the solvers' tolerances."""

_AMOUNT = "amount of money"
_LIMITS: Mapping[str, Mapping[str, tuple[float | None, float | None, str]]] = {
    "initiatives": {
        "unit_cost": (MIN_UNIT_COST, MAX_UNIT_COST, "unit cost"),
        "effect": (MIN_EFFECT, None, "effect"),
        "current_budget": (MIN_MONEY, MAX_MONEY, _AMOUNT),
        "min_budget": (MIN_MONEY, MAX_MONEY, _AMOUNT),
        "max_budget": (MIN_MONEY, MAX_MONEY, _AMOUNT),
        "min_viable": (MIN_MONEY, MAX_MONEY, _AMOUNT),
    },
    "budgets": {"amount": (MIN_MONEY, MAX_MONEY, _AMOUNT)},
    "districts": {
        "need_index": (0.01, 100.0, "need index"),
        **{column: (None, 1e9, "number of children or families") for column in DEMAND_COLUMNS},
    },
    "priorities": {"weight": (0.001, 1000.0, "priority weight")},
    "costs": {
        "annual_cost": (MIN_MONEY, MAX_MONEY, _AMOUNT),
        "probability": (1e-6, None, "probability"),
    },
    "prices": {"index": (0.001, 1e6, "price index")},
}
"""Per table and column: the smallest value other than 0, the largest, and what it is.
Within these, HiGHS and CBC find the same optimum (tests/allocator/test_limits.py)."""


def solver_limit_problems(tables: Mapping[str, _Table]) -> list[Problem]:
    """Numbers that pass their column's own rule but lie outside what the model is solved
    reliably with: each named as an input error, so that no plan rests on solver noise.

    Only values the column's rule accepts are judged here (a negative amount, say, is
    already reported), so no cell gets two messages.
    """
    problems: list[Problem] = []
    for name, limits in _LIMITS.items():
        table = tables.get(name)
        if table is None:
            continue
        for column, (low, high, what) in limits.items():
            k = table.index.get(column)
            if k is None:
                continue
            for row in table.raw.rows:
                text = row.cells[k]
                x = _parse_number(text) if text else None
                if x is None or x <= 0:
                    continue
                message = _limit_message(text, x, low, high, what)
                if message:
                    problems.append(table.raw.problem(message, row.number, column, text))
    return problems


def _limit_message(text: str, x: float, low: float | None, high: float | None, what: str) -> str:
    """What is wrong with `x` (as written: `text`), or "" when it is within the limits."""

    def shown(v: float) -> str:
        if what not in (_AMOUNT, "unit cost"):
            return f"{v:,.10g}"
        return format_money(v) if float(v).is_integer() else f"£{v:,.6g}"

    if low is not None and x < low:
        other = " other than 0" if what == _AMOUNT else ""
        return (
            f"{text} is below {shown(low)}, the smallest {what}{other} that the toolkit "
            "plans with reliably (the limits are in docs/limits.md)"
        )
    if high is not None and x > high:
        return (
            f"{text} is above {shown(high)}, the largest {what} that the toolkit plans "
            "with reliably (the limits are in docs/limits.md)"
        )
    return ""


_SCENARIO_LIMITS: Mapping[str, tuple[float | None, float, str]] = {
    # read as £ (start-year prices) when the data has a cost library: a level can be
    # worth hundreds of thousands of pounds
    "outcome_value": (0.001, 10_000_000.0, "outcome value"),
    "evidence_multiplier": (0.001, 1000.0, "evidence multiplier"),
    "priority_weights": (0.001, 1000.0, "priority weight"),
    "max_growth": (None, 100.0, "yearly growth"),
    "ramp": (None, 100.0, "ramp"),
}
"""The scenario's numbers that enter the model's coefficients: smallest other than 0,
largest, and what each is (docs/limits.md)."""


def scenario_limit_problems(
    raw: Mapping[str, object], file: str, lines: Mapping[tuple[object, ...], int]
) -> list[Problem]:
    """The scenario's numbers that pass their own rule but lie outside what the model is
    solved reliably with (see `solver_limit_problems`)."""
    problems: list[Problem] = []
    for key, (low, high, what) in _SCENARIO_LIMITS.items():
        value = raw.get(key)
        items = list(value.items()) if isinstance(value, Mapping) else [(None, value)]
        for sub, x in items:
            if not _is_number(x) or float(cast(float, x)) <= 0:
                continue
            message = _limit_message(
                _show(float(cast(float, x))), float(cast(float, x)), low, high, what
            )
            if message:
                line = lines.get((key, sub)) or lines.get((key,))
                label = f"{key} of {sub}: " if sub is not None else ""
                problems.append(Problem(file, f"{label}{message}", line, key, str(x)))
    return problems
