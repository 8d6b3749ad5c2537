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
        "Value per £ (weighted)",
        "Late cost avoided per £1",
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
                r.value_per_pound,
                r.benefit_cost_ratio if r.benefit_cost_ratio is not None else "no cost library",
            ]
        )
    _table(
        ws,
        header,
        rows,
        [None] * 8 + [MONEY] * (len(years) + 2) + [None, PRICE, PENCE],
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
                c.shadow_price if c.shadow_price is not None else "not priced",
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
    return wb


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
        [
            "Avoided per extra £1 at levels 1-2",
            case.prevention_return if case.prevention_return is not None else "none moved",
        ],
        [
            "Payback year (all late costs)",
            str(case.payback_year) if case.payback_year is not None else "not within 30 years",
        ],
        [
            "Payback year (cashable savings only)",
            str(case.cash_payback_year)
            if case.cash_payback_year is not None
            else "not within 30 years",
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
