"""Short plain-text summaries of a plan for the terminal."""

from __future__ import annotations

from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.result import Result
from commissioning.allocator.vocabulary import decision_words
from commissioning.allocator.wording import ValueUnit, money, pence, subject
from commissioning.explain.costs import CostLibrary, InvestToSave, invest_to_save
from commissioning.explain.summary import PlanSummary, summarise_plan
from commissioning.inputs.model import Inputs


def plan_text(
    inputs: Inputs, result: Result, top: int = 5, summary: PlanSummary | None = None
) -> str:
    """The objective, money moved towards levels 1-2, decisions, and the hardest rules
    (`summary`: the plan's summary when the caller has it already)."""
    s = summary if summary is not None else summarise_plan(inputs, result)
    unit = result.unit
    final = s.years[-1]
    gain = s.objective - s.objective_today
    sign = "+" if gain >= 0 else "-"
    lines = [
        f"Plan for '{inputs.scenario.name}', {s.years[0]}-{final}: optimal",
        f"  Value over the plan, in {unit.name}: {unit.figure(s.objective)} "
        f"({sign}{unit.figure(abs(gain))} against today's budgets held for {len(s.years)} years)",
        f"  Spend in {final}: {money(s.total_proposed[final])} (today {money(s.total_today)})",
        f"  Levels 1-2 (prevention and early help): {money(s.prevention_today)} today -> "
        f"{money(s.prevention_final)} in {final} ({'+' if s.prevention_moved >= 0 else ''}"
        f"{money(s.prevention_moved)})",
        "  Decisions: "
        + ", ".join(f"{n} {decision_words(d)}" for d, n in s.decisions.items() if n),
    ]
    if s.journeys:
        lines.append(
            f"  Budgets that turn within the plan: {len(s.journeys)} services (the decision "
            "reads the final year only):"
        )
        for j in s.journeys[:top]:
            lines.append(f"    {j.name} ({j.initiative_id}): {j.brief}")
        if len(s.journeys) > top:
            lines.append(f"    and {len(s.journeys) - top} more")
    case = invest_to_save(inputs, result)
    if case is not None:
        lines += invest_to_save_lines(case, unit)
    if s.binding:
        lines.append(f"  Rules that bind hardest (what {unit.per_label} more room would add):")
        for c in s.binding[:top]:
            fam = FAMILIES[c.family]
            lines.append(
                f"    {fam.title}: {subject(c.family, c.index, inputs.data)}"
                f" ({unit.rate(c.shadow_price or 0.0)})"
            )
    return "\n".join(lines)


def invest_to_save_lines(case: InvestToSave, unit: ValueUnit) -> list[str]:
    """The invest-to-save case in a few lines: avoided, cashable, reinvested, payback."""
    lines = [
        f"  Late-intervention cost avoided (unweighted): {money(case.avoided)} over the plan "
        f"({money(case.avoided_today)} with today's budgets); each £1 of the plan avoids "
        f"{pence(case.return_per_pound)} (today {pence(case.return_per_pound_today)})",
    ]
    if case.prevention_moved > 0 and case.prevention_return is not None:
        when = (
            f"pays back by {case.payback_year}"
            if case.payback_year is not None
            else "does not pay back within 30 years"
        )
        cash = (
            f", in cash by {case.cash_payback_year}"
            if case.cash_payback_year is not None
            else ", not in cash within 30 years"
        )
        lines.append(
            f"  Money moved to prevention and early help: {money(case.prevention_moved)}; "
            f"each extra £1 avoids {pence(case.prevention_return)} of later costs and "
            f"{when}{cash}"
        )
    for partner, by_year in case.cashable_by_partner.items():
        shown = ", ".join(f"{y} {money(v)}" for y, v in by_year.items() if round(v) != 0)
        if shown:
            lines.append(f"  Cash saved for {partner}: {shown}")
    if any(round(v) != 0 for v in case.reinvested.values()):
        shown = ", ".join(f"{y} {money(v)}" for y, v in case.reinvested.items())
        lines.append(f"  Savings returned to the funding envelopes: {shown}")
    return lines


def diagnosis_text(result: Result) -> str:
    lines = ["The rules of this scenario cannot all hold. What must give way:"]
    lines += [f"  {d.message}" for d in result.diagnosis]
    return "\n".join(lines)


def costs_text(library: CostLibrary) -> str:
    """The cost library as a table, the value of an outcome at each level, and warnings."""
    if not library.lines:
        return (
            "This data has no cost library (costs.csv), so value is counted in weighted "
            "outcomes. Add costs.csv to count it in pounds of late-intervention cost avoided."
        )
    y0 = library.start_year
    header = (
        f"{'Cost':<46} {'Level':>5} {'Payer':<28} {'A year (price year)':>21} "
        f"{f'A year ({y0})':>13} {'Chance':>7} {'Years':>5} {'Lag':>3} "
        f"{'Present value':>13}  Source"
    )
    lines = [
        f"The cost of late intervention: {len(library.lines)} costs, in {y0} prices, "
        f"discounted at {library.discount_rate:.1%} a year",
        "",
        header,
    ]
    for c in library.lines:
        lines.append(
            f"{_cut(c.name, 46):<46} {c.level:>5} {_cut(c.payer, 28):<28} "
            f"{f'{money(c.annual_cost)} ({c.price_year})':>21} {money(c.annual_cost_plan):>13} "
            f"{c.probability:>7.2%} {c.years:>5} {c.lag:>3} {money(c.present_value):>13}  "
            f"{c.source}"
        )
    for g in library.groups():
        years = ", ".join(str(y) for y in g.price_years)
        lines.append("")
        lines.append(
            f"{g.label}: {len(g.lines)} costs adding up to {money(g.annual_cost)} a year in "
            f"{years} prices ({money(g.annual_cost_plan)} in {y0} prices)"
        )
    lines += ["", "The value of one outcome achieved at each level (late cost it avoids):"]
    for level, value in sorted(library.level_values.items()):
        note = " (set in the scenario)" if level in library.named_levels else ""
        lines.append(f"  Level {level}: {money(value)}{note}")
    if library.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  {w}" for w in library.warnings]
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
