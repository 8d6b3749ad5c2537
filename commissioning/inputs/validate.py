"""Turning raw tables into typed objects, checked against each other, collecting every problem.

Nothing here reads files (that is `read`). Each cell is read as the table's schema
(`schema`) declares it (`cells`); the rules between columns, rows and tables (model.md
section 1) are here, and take their column names from the schema. Objects are built only
from rows whose every cell passed. The scenario's checks are in `scenario_check`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from commissioning.formatting import format_money
from commissioning.inputs.cells import (
    Cells,
    PreparedTable,
    prepare,
    read_row,
    show_number,
    unique_ids,
)
from commissioning.inputs.limits import solver_limit_problems
from commissioning.inputs.model import (
    COUNTY,
    Budget,
    Cost,
    DataSet,
    District,
    FundingStream,
    IndicatorValue,
    Initiative,
    Outcome,
    Priority,
    Problem,
    frozen_map,
)
from commissioning.inputs.read import RawTable, RawTables
from commissioning.inputs.references import CheckedData, References
from commissioning.inputs.scenario_check import (
    SCENARIO_KEYS,
    CheckedScenario,
    check_scenario,
    combine,
    is_table_problem,
)
from commissioning.inputs.schema import SCHEMA, YEARS, Table

Known = Mapping[str, Sequence[str] | None]
"""The ids of each table, by table name; None when the table could not be read."""

_Rows = list[tuple[Cells, dict[str, object]]]


def validate_tables(raw: RawTables) -> CheckedData:
    """Validate every table, and the tables against each other, collecting all problems."""
    errors: list[Problem] = list(raw.problems)
    warnings: list[Problem] = []
    tables: dict[str, PreparedTable] = {}
    for name in SCHEMA:
        if name not in raw.tables:
            continue
        t = raw.tables[name]
        table = prepare(t, errors)
        tables[name] = table
        if not t.rows:
            errors.append(t.problem("has no data rows; at least one is required"))

    def ids(name: str) -> tuple[str, ...] | None:
        """Ids of a table, or None when it is missing or empty (so no cascade of 'unknown')."""
        column = SCHEMA[name].key[0]
        if name not in tables or not tables[name].raw.rows or column in tables[name].missing:
            return None
        return tuple(unique_ids(tables[name], column, errors))

    known: dict[str, Sequence[str] | None] = {
        name: ids(name)
        for name in ("districts", "funding_streams", "priorities", "outcomes", "initiatives")
    }
    district_ids = known["districts"]
    # every reference to a district may also be to the county as a whole
    known["districts"] = (*district_ids, COUNTY) if district_ids is not None else None

    def rows(name: str) -> _Rows:
        return _read(tables.get(name), known, errors)

    districts = _districts(rows("districts"), tables)
    streams: list[FundingStream] = _built(rows("funding_streams"), tables)
    budget_rows = rows("budgets")
    budgets: list[Budget] = _built(budget_rows, tables)
    budget_keys = _budget_keys(budget_rows) if "budgets" in tables else None
    if known["funding_streams"] is None:
        budget_keys = None
    priorities = _priorities(rows("priorities"), tables, errors)
    outcomes: list[Outcome] = _built(rows("outcomes"), tables)
    initiatives = _initiatives(rows("initiatives"), tables, warnings)
    if district_ids is not None and "initiatives" in tables:
        _districts_without_initiatives(tables["districts"], tables["initiatives"], warnings)
    ids("costs")
    costs, cost_years = _costs(rows("costs"), tables, warnings)
    prices = _prices(rows("prices"))
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
    indicators = _indicators(rows("indicators"), tables)

    def place(name: str) -> tuple[str, str | None]:
        t = tables.get(name)
        return (t.raw.file, t.raw.sheet) if t else (f"{name}.csv", None)

    errors += solver_limit_problems(tables)
    references = References(
        stream_ids=_tuple(known["funding_streams"]),
        priority_ids=_tuple(known["priorities"]),
        initiative_ids=_tuple(known["initiatives"]),
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
            indicators=tuple(indicators),
        )
    return CheckedData(data, tuple(errors), tuple(warnings), references)


def _tuple(ids: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if ids is None else tuple(ids)


def _read(table: PreparedTable | None, known: Known, errors: list[Problem]) -> _Rows:
    """Every row of a table read as its schema declares, with the row's cells."""
    if table is None:
        return []
    schema = SCHEMA[table.raw.name]
    out = []
    for row in table.raw.rows:
        c = table.cells(row, errors)
        out.append((c, read_row(c, schema, known)))
    return out


def _build(
    schema: Table, table: PreparedTable, c: Cells, values: Mapping[str, object]
) -> Any | None:
    """The typed object of a row whose every cell passed, else None."""
    if c.bad or not c.fine(*schema.required):
        return None
    fields = dict(values)
    if schema.keeps_row:
        fields["row"] = c.row.number
    if schema.keeps_extra:
        fields["extra"] = frozen_map({col: c.row.cells[k] for col, k in table.extras.items()})
    return schema.model(**fields)


def _built(rows: _Rows, tables: Mapping[str, PreparedTable]) -> list[Any]:
    """The typed objects of the rows that passed."""
    out = []
    for c, values in rows:
        table = tables[c.table.name]
        obj = _build(SCHEMA[c.table.name], table, c, values)
        if obj is not None:
            out.append(obj)
    return out


def _districts(rows: _Rows, tables: Mapping[str, PreparedTable]) -> list[District]:
    column = SCHEMA["districts"].key[0]
    for c, values in rows:
        if values[column] == COUNTY:
            c.problem(
                column,
                f"'{COUNTY}' is reserved for county-wide services and cannot be a district",
                COUNTY,
            )
    return _built(rows, tables)


def _budget_keys(rows: _Rows) -> tuple[tuple[str, int, int | None], ...]:
    """(stream, year, row) of each budget row with a known stream and a readable year: what
    a scenario's years are checked against."""
    stream, year = SCHEMA["budgets"].key
    return tuple(
        (str(v[stream]), int(str(v[year])), c.row.number)
        for c, v in rows
        if v[year] is not None and c.fine(stream, year)
    )


def _priorities(
    rows: _Rows, tables: Mapping[str, PreparedTable], errors: list[Problem]
) -> list[Priority]:
    total = sum(float(str(v["min_share"])) for c, v in rows if c.fine("min_share"))
    if rows and total >= 1:
        errors.append(
            rows[0][0].table.problem(
                f"min_share adds up to {total:.4g} over all priorities; the sum must be "
                "below 1, or no spending could meet every minimum",
                column="min_share",
            )
        )
    return _built(rows, tables)


def _costs(
    rows: _Rows, tables: Mapping[str, PreparedTable], warnings: list[Problem]
) -> tuple[list[Cost], list[tuple[int, int | None]]]:
    """The cost library, and (price_year, row) of each cost with a readable year."""
    years: list[tuple[int, int | None]] = []
    for c, v in rows:
        sid, cashable = v["stream_id"], float(str(v["cashable"]))
        cashable_text = c.raw("cashable") if "cashable" not in c.missing else ""
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
                    f"cost {v['cost_id']} is paid by stream {sid} but its cashable share is "
                    "blank, so it is taken as 0 and no savings from it return to the stream",
                    c.row.number,
                    "cashable",
                    "",
                    severity="warning",
                )
            )
        if v["price_year"] is not None and c.fine("price_year"):
            years.append((int(str(v["price_year"])), c.row.number))
    return _built(rows, tables), years


def _prices(rows: _Rows) -> dict[int, float]:
    """The price index by year; a year given twice is a problem."""
    year_column, index_column = SCHEMA["prices"].names
    out: dict[int, float] = {}
    first: dict[int, int] = {}
    for c, v in rows:
        year, index = v[year_column], v[index_column]
        if not isinstance(year, int):
            continue
        if c.fine(year_column):
            if year in first:
                c.problem(
                    year_column,
                    f"a second row for {year} (first at row {first[year]})",
                    str(year),
                )
                continue
            first[year] = c.row.number
        if c.fine(year_column, index_column):
            out[year] = float(str(index))
    return out


def _indicators(rows: _Rows, tables: Mapping[str, PreparedTable]) -> list[IndicatorValue]:
    """Indicator values, each (indicator, area, year) given once."""
    key = SCHEMA["indicators"].key
    first: dict[tuple[object, ...], int] = {}
    for c, v in rows:
        if not c.fine(*key):
            continue
        fields = tuple(v[SCHEMA["indicators"].column(k).field] for k in key)
        if fields in first:
            what = ", ".join(str(f) for f in fields)
            c.problem(
                key[0],
                f"a second value for {what} (first at row {first[fields]}); give each "
                "indicator one value an area and year",
                str(fields[0]),
            )
            continue
        first[fields] = c.row.number
    return _built(rows, tables)


def _initiatives(
    rows: _Rows, tables: Mapping[str, PreparedTable], warnings: list[Problem]
) -> list[Initiative]:
    for c, v in rows:
        status, current = str(v["status"]), float(str(v["current_budget"]))
        _ranges(c, v)
        _initiative_rules(
            c,
            status,
            current,
            float(str(v["min_budget"])),
            float(str(v["max_budget"])),
            float(str(v["min_viable"])),
        )
        contract_end = v["contract_end"]
        _initiative_warnings(
            c,
            c.table,
            status,
            current,
            str(v["evidence_level"]),
            contract_end if isinstance(contract_end, int) else None,
            warnings,
        )
    return _built(rows, tables)


def _ranges(c: Cells, v: Mapping[str, object]) -> None:
    """Each end of a plausible range (model.md section 5) on its side of the estimate."""
    for column in SCHEMA["initiatives"].group("ranges"):
        bound = v[column.field]
        base = column.name.rsplit("_", 1)[0]  # effect_low -> effect
        if bound is None or not c.fine(base):
            continue
        x, value, what = float(str(bound)), float(str(v[base])), base.replace("_", " ")
        if column.name.endswith("_low") and x > value:
            c.problem(
                column.name,
                f"{show_number(x)} is above the {what} {show_number(value)}: the low end of "
                "a range must be at most the estimate",
                c.raw(column.name),
            )
        if column.name.endswith("_high") and x < value:
            c.problem(
                column.name,
                f"{show_number(x)} is below the {what} {show_number(value)}: the high end of "
                "a range must be at least the estimate",
                c.raw(column.name),
            )


def _levels_without_costs(
    table: PreparedTable,
    initiatives: Sequence[Initiative],
    costs: Sequence[Cost],
    warnings: list[Problem],
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


def _initiative_rules(
    c: Cells,
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
    c: Cells,
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
    districts: PreparedTable, initiatives: PreparedTable, warnings: list[Problem]
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


__all__ = [
    "SCENARIO_KEYS",
    "YEARS",
    "CheckedData",
    "CheckedScenario",
    "RawTable",
    "References",
    "check_scenario",
    "combine",
    "is_table_problem",
    "validate_tables",
]
