"""The plan workbook for commissioners: the proposal as spreadsheet tables.

Text from the mapping (names, providers) is written as text, never as a formula: a cell
that begins with `=`, `+`, `-`, `@`, a tab or a carriage return (`export.cells`) is stored
as a string with Excel's quote prefix, so a spreadsheet shows it and never runs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.result import Result
from commissioning.allocator.vocabulary import decision_words
from commissioning.allocator.wording import ValueUnit
from commissioning.explain.costs import cost_library, invest_to_save
from commissioning.explain.summary import PlanSummary, SpendRow, summarise_plan
from commissioning.export.cells import FORMULA_LEADS
from commissioning.export.files import write_atomic
from commissioning.inputs.model import Inputs

MONEY = '"£"#,##0'
PRICE = "0.000000000"
PENCE = '"£"#,##0.00'
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def _put(ws: Worksheet, row: int, col: int, value: object, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if fmt is not None and isinstance(value, int | float):
        cell.number_format = fmt


def _table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    formats: Sequence[str | None] | None = None,
) -> None:
    for c, h in enumerate(header, start=1):
        _put(ws, 1, c, h)
        cell = ws.cell(row=1, column=c)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(h) for h in header]
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            fmt = formats[c - 1] if formats else None
            _put(ws, r, c, v, fmt)
            widths[c - 1] = max(
                widths[c - 1], min(60, len(str(v)) if not isinstance(v, float) else 12)
            )
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w + 2
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 2)}"


def _spend_sheet(wb: Workbook, title: str, rows: Sequence[SpendRow], years: Sequence[int]) -> None:
    ws = wb.create_sheet(title)
    header = ["Code", "Name", "Today", *[str(y) for y in years], "Change by final year"]
    _table(
        ws,
        header,
        ([r.key, r.label, r.today, *[r.proposed[y] for y in years], r.change] for r in rows),
        [None, None, *[MONEY] * (len(years) + 2)],
    )


def build_workbook(inputs: Inputs, result: Result, summary: PlanSummary | None = None) -> Workbook:
    """The plan as a workbook: by initiative, summaries, binding rules, provenance
    (`summary`: the plan's summary when the caller has it already)."""
    data = inputs.data
    years = list(result.years)
    summary = summary if summary is not None else summarise_plan(inputs, result)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Plan"
    by_id = result.initiatives_by_id
    # One unit for value per £ across workbook, app and documents: £ avoided per £1 with a
    # cost library, weighted outcomes per £1,000 without.
    unit = ValueUnit(data.has_costs)
    unit_header = (
        "£ of late-intervention cost avoided per £1 (weighted)"
        if unit.pounds
        else "Weighted outcomes per £1,000"
    )
    header = [
        "Initiative",
        "Name",
        "Provider",
        "District",
        "Level",
        "Priority",
        "Status",
        "Evidence",
        "Today",
        *[str(y) for y in years],
        "Change by final year",
        "Decision",
        unit_header,
        *(["Late cost avoided per £1 (not weighted)"] if data.has_costs else []),
    ]
    rows = []
    for i in data.initiatives:
        r = by_id[i.initiative_id]
        evidence = i.evidence_level + (" (mixed findings)" if i.mixed_findings else "")
        rows.append(
            [
                i.initiative_id,
                i.name,
                i.provider,
                i.district_id,
                i.level,
                i.priority_id,
                i.status,
                evidence,
                i.current_budget,
                *[r.proposed[y] for y in years],
                r.final - i.current_budget,
                decision_words(r.decision),
                r.value_per_pound * unit.per,
                *([r.benefit_cost_ratio] if data.has_costs else []),
            ]
        )
    _table(
        ws,
        header,
        rows,
        [None] * 8 + [MONEY] * (len(years) + 2) + [None, PENCE if unit.pounds else PRICE, PENCE],
    )
    _spend_sheet(wb, "By district", summary.by_district, years)
    _spend_sheet(wb, "By level", summary.by_level, years)
    _spend_sheet(wb, "By priority", summary.by_priority, years)
    _spend_sheet(wb, "By stream", summary.by_stream, years)

    rules = wb.create_sheet("Binding rules")
    _table(
        rules,
        ["Rule", "Family", "What it means", "Bound", "Slack", "Shadow price", "Per"],
        (
            [
                c.name,
                FAMILIES[c.family].title,
                FAMILIES[c.family].rule,
                c.bound,
                c.slack,
                c.shadow_price,
                "participant" if FAMILIES[c.family].unit == "participants" else "£1",
            ]
            for c in result.constraints
            if c.binding
        ),
        [None, None, None, "#,##0.00", "#,##0.00", PRICE, None],
    )
    alloc = wb.create_sheet("Allocations")
    _table(
        alloc,
        ["Initiative", "Stream", "Year", "Amount"],
        ([a.initiative_id, a.stream_id, a.year, a.amount] for a in result.allocations),
        [None, None, None, MONEY],
    )
    about = wb.create_sheet("About")
    prov = result.provenance
    _table(
        about,
        ["Item", "Value"],
        [
            ["Scenario", prov.scenario],
            [f"Objective ({result.unit.name}, over the plan)", result.objective],
            ["Value counted in", result.value_unit],
            ["Inputs fingerprint (SHA-256)", prov.inputs_sha256],
            ["Solver", prov.solver_version],
            ["Problem type", prov.problem_type],
            ["Shadow prices", prov.prices],
            ["Toolkit version", prov.version],
            ["Created (UTC)", prov.created],
        ],
    )
    if data.has_costs:
        _costs_sheets(wb, inputs, result)
    _dictionary(wb, unit_header)
    return wb


COLUMNS: dict[str, str] = {
    "Initiative": "The service's id in initiatives.csv.",
    "Name": "The service's (or row's) name.",
    "Provider": "Who runs the service.",
    "District": "The district's id, or COUNTY for a county-wide service.",
    "Level": "The level of need, 1 (universal) to 4 (specialist).",
    "Priority": "The priority's id in priorities.csv.",
    "Status": "existing (running today) or candidate (a new programme).",
    "Evidence": "The EIF evidence rating, noting mixed findings.",
    "Today": "Today's budget a year, in pounds, exact.",
    "Change by final year": "Final year's budget less today's, in pounds, exact.",
    "Decision": "grow, maintain, reduce, decommission, commission or not commissioned.",
    "Late cost avoided per £1 (not weighted)": "Late-intervention cost a £1 spent on the "
    "service avoids, from the cost library, in pounds.",
    "Code": "The id of the district, level, priority or funding stream.",
    "Rule": "The rule's name in the result file: family[who, year].",
    "Family": "The kind of rule, as the documents name it.",
    "What it means": "The rule in plain English.",
    "Bound": "The limit the rule holds the plan to.",
    "Slack": "How far the plan is from the limit (0 when the rule binds).",
    "Shadow price": "What relaxing the rule by one unit would add to the plan's value "
    "(empty when not priced).",
    "Per": "The unit the rule is relaxed by: £1 or one participant.",
    "Stream": "The funding stream's id.",
    "Year": "The plan year.",
    "Amount": "Money from the stream to the service in the year, in pounds, exact.",
    "Item": "What the row describes.",
    "Value": "Its value.",
}
"""What each column of the workbook holds: the `Columns` sheet."""


def _dictionary(wb: Workbook, unit_header: str) -> None:
    """A sheet describing every column of every other sheet."""
    described = {
        **COLUMNS,
        unit_header: "The plan's value a service buys per £ spent on it (weighted by evidence, "
        "level, priority and local need), in the same unit as the app and the documents.",
    }
    rows = []
    for ws in wb.worksheets:
        for cell in ws[1]:
            header = str(cell.value)
            if header.isdigit():
                what = f"The budget in plan year {header}, in pounds, exact."
            else:
                what = described.get(header, f"See the sheet {ws.title!r}.")
            rows.append([ws.title, header, what])
    _table(wb.create_sheet("Columns"), ["Sheet", "Column", "What it holds"], rows)


def _costs_sheets(wb: Workbook, inputs: Inputs, result: Result) -> None:
    """The cost library as a sheet, and the invest-to-save case with savings by year."""
    library = cost_library(inputs)
    y0 = library.start_year
    ws = wb.create_sheet("Cost library")
    _table(
        ws,
        [
            "Cost",
            "Name",
            "Level",
            "Payer",
            "Price year",
            "A year (price year £)",
            f"A year ({y0} £)",
            "Probability",
            "Years",
            "Lag (years)",
            "Cashable share",
            "Present value per outcome",
            "Source",
        ],
        (
            [
                c.cost_id,
                c.name,
                c.level,
                c.payer,
                c.price_year,
                c.annual_cost,
                c.annual_cost_plan,
                c.probability,
                c.years,
                c.lag,
                c.cashable,
                c.present_value,
                c.source,
            ]
            for c in library.lines
        ),
        [None, None, None, None, None, MONEY, MONEY, "0.00%", None, None, "0%", MONEY, None],
    )
    values = wb.create_sheet("Value of an outcome")
    _table(
        values,
        ["Level", f"Late cost one outcome avoids ({y0} £, present value)", "From"],
        (
            [
                level,
                v,
                "the scenario" if level in library.named_levels else "the cost library",
            ]
            for level, v in sorted(library.level_values.items())
        ),
        [None, MONEY, None],
    )
    case = invest_to_save(inputs, result)
    if case is None:
        return
    ws = wb.create_sheet("Invest to save")
    rows: list[list[object]] = [
        ["Late-intervention cost avoided over the plan (£, unweighted)", case.avoided],
        ["The same with today's budgets held", case.avoided_today],
        ["Avoided per £1 the plan spends", case.return_per_pound],
        ["Avoided per £1 of today's budgets", case.return_per_pound_today],
        ["Extra money at levels 1-2 over the plan", case.prevention_moved],
        # numbers only, so the column sorts and filters: empty where there is none
        ["Avoided per extra £1 at levels 1-2 (empty: none moved)", case.prevention_return],
        ["Payback year, all late costs (empty: not within 30 years)", case.payback_year],
        [
            "Payback year, cashable savings only (empty: not within 30 years)",
            case.cash_payback_year,
        ],
    ]
    rows += [
        [f"Savings returned to the envelopes in {y}", amount]
        for y, amount in case.reinvested.items()
    ]
    rows += [
        [f"Cash saved for {partner} in {y}", amount]
        for partner, by_year in case.cashable_by_partner.items()
        for y, amount in by_year.items()
    ]
    _table(ws, ["Item", "Value"], rows, [None, "#,##0.00"])


def write_workbook(path: Path, inputs: Inputs, result: Result) -> None:
    """Write the plan workbook atomically."""
    wb = build_workbook(inputs, result)
    write_atomic(path, lambda tmp: wb.save(tmp))
