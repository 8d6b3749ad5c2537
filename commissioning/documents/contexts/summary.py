"""The plan summary for the partnership board, built section by section from the plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from commissioning.allocator.formulation import outcome_values
from commissioning.allocator.registry import FAMILIES, LOCK
from commissioning.allocator.result import ConstraintResult
from commissioning.allocator.vocabulary import DECISION_MEANINGS, DECISION_TITLES
from commissioning.allocator.wording import ValueUnit, pence, subject
from commissioning.documents.contexts import blocks, governance
from commissioning.documents.contexts import format as fmt
from commissioning.documents.contexts.blocks import DocumentContext, Fact, Table
from commissioning.documents.contexts.plan import Plan, builds_from_data
from commissioning.documents.phrases import Words
from commissioning.explain.costs import invest_to_save
from commissioning.explain.summary import SpendRow
from commissioning.inputs.model import COUNTY


@dataclass(frozen=True)
class SummaryContext(DocumentContext):
    """The plan summary for the partnership board."""

    template: ClassVar[str] = "plan_summary.html"
    glance: tuple[Fact, ...]
    headlines: tuple[Fact, ...]
    levels: Table
    levels_chart: blocks.BarChart
    priorities: Table
    priorities_chart: blocks.BarChart
    districts: Table
    districts_chart: blocks.BarChart
    streams: Table
    streams_chart: blocks.BarChart
    outcome_facts: tuple[Fact, ...]
    invest_facts: tuple[Fact, ...]
    """The invest-to-save case (empty without a cost library)."""
    savings: Table
    """Cash saved by partner and year, and savings returned to the envelopes."""
    outcomes: Table
    decisions: Table
    journeys: Table
    """Services whose budget turns within the plan: for the board to judge."""
    rule_families: Table
    rules: Table
    equality: Table
    """Participants a year by district and level, today and in the final year."""
    screening: Table
    consultation: Table
    decisions_recorded: tuple[Fact, ...]
    """The decisions already recorded on the services' proposals, counted."""
    decision: Table
    """The board's decision box."""


@builds_from_data
def summary_context(plan: Plan) -> SummaryContext:
    """The plan summary for the partnership board."""
    s = plan.summary
    data = plan.inputs.data
    years = plan.years
    wording = plan.wording(
        "summary", "summary", "the county", plan.content.partnership.county_sub_group
    )
    text, sections, words = wording.text, wording.sections, wording.words

    def chart(
        chart_id: str, title: str, rows: Iterable[SpendRow], label: str = ""
    ) -> blocks.BarChart:
        return blocks.bar_chart(
            chart_id, title, [(label_of(r, label), r.today, r.final) for r in rows], years[-1]
        )

    def label_of(r: SpendRow, how: str) -> str:
        if how == "priority":
            return r.key
        if how == "stream":
            return f"{r.key} ({data.streams_by_id[r.key].partner})"
        return r.label

    invest_facts, savings = _invest_to_save(plan, words)
    return SummaryContext(
        meta=plan.make_meta(
            "summary",
            text,
            plan.inputs.scenario.name,
            "Plan summary",
            sections,
            covers=tuple(i.initiative_id for i in data.initiatives),
        ),
        sections=sections,
        glance=_glance(plan),
        headlines=_headlines(plan, sections),
        levels=blocks.spend_table(
            "levels", words["spend_levels"], "Level of need", s.by_level, years
        ),
        levels_chart=chart("chart-levels", words["spend_levels"], s.by_level),
        priorities=blocks.spend_table(
            "priorities", words["spend_priorities"], "Priority", s.by_priority, years, with_key=True
        ),
        priorities_chart=chart(
            "chart-priorities", words["spend_priorities"], s.by_priority, "priority"
        ),
        districts=blocks.spend_table(
            "districts", words["spend_districts"], "District", s.by_district, years
        ),
        districts_chart=chart("chart-districts", words["spend_districts"], s.by_district),
        streams=blocks.spend_table(
            "streams", words["spend_streams"], "Funding stream", s.by_stream, years
        ),
        streams_chart=chart("chart-streams", words["spend_streams"], s.by_stream, "stream"),
        outcome_facts=_outcome_facts(plan, words),
        invest_facts=invest_facts,
        savings=savings,
        outcomes=_outcomes(plan, words),
        decisions=_decisions(plan, words),
        journeys=blocks.journeys_table(s.journeys, plan.words),
        rule_families=_rule_families(plan, words),
        rules=_rules(plan, words),
        equality=_equality(plan),
        screening=governance.screening_table(
            plan.content.clauses["equality_screening"].points, plan.words
        ),
        consultation=governance.consultation_table(plan.governance, plan.words),
        decisions_recorded=_recorded(plan),
        decision=_decision_box(plan, words),
    )


# --- equality, and the board's decision --------------------------------------------------------


def _equality(plan: Plan) -> Table:
    data = plan.inputs.data
    names = {d.district_id: d.name for d in data.districts}
    names[COUNTY] = "County-wide services"
    return governance.equality_table(
        ((i.district_id, i, plan.outcome_of(i.initiative_id).final) for i in data.initiatives),
        names,
        plan.final_year,
        plan.words,
    )


def _recorded(plan: Plan) -> tuple[Fact, ...]:
    approvals = plan.governance.approvals
    ids = [i.initiative_id for i in plan.inputs.data.initiatives]
    found = [approvals[i] for i in ids if i in approvals]
    accepted = sum(1 for a in found if a.accepted)
    return (
        Fact("Proposals", f"{len(ids)} services and candidates"),
        Fact(
            "Decisions recorded",
            f"{len(found)}: {accepted} accepted as proposed, {len(found) - accepted} overridden"
            if found
            else "none yet",
        ),
        Fact("Awaiting a decision", str(len(ids) - len(found))),
    )


def _decision_box(plan: Plan, words: Mapping[str, str]) -> Table:
    board = plan.content.partnership.board
    return Table(
        "decision",
        f"Decision of the {board}",
        ("The board", "Decision", "Name", "Signature", "Date"),
        (
            *(
                (words[choice], "yes / no", "name", "signature", "date")
                for choice in (
                    "decision_approve",
                    "decision_approve_changes",
                    "decision_not_approve",
                )
            ),
            ("Minute reference", "reference", "name", "signature", "date"),
        ),
        numeric=(False,) * 5,
        style="write-in sign",
        fixed_widths=(34.0, 14.0, 18.0, 20.0, 14.0),
    )


def _gained(plan: Plan) -> float:
    return plan.summary.objective - plan.summary.objective_today


def _signed(gained: float) -> str:
    return "+" if gained >= 0 else "-"


# --- at a glance and headlines ----------------------------------------------------------------


def _step(plan: Plan) -> int:
    """How the summary rounds the plan's totals (spend, value, money moved): as its spend
    tables do, so the cover, the headlines and the tables say each sum the same way."""
    s = plan.summary
    return fmt.money_step((s.total_today, *s.total_proposed.values()))


def _glance(plan: Plan) -> tuple[Fact, ...]:
    s, y1 = plan.summary, plan.final_year
    total_final = s.total_proposed[y1]
    unit = ValueUnit(plan.inputs.data.has_costs)
    gained = _gained(plan)
    step = _step(plan)
    return (
        Fact("Scenario", plan.inputs.scenario.name),
        Fact("Period", plan.period_text(plan.years[0], y1)),
        Fact(
            "Spend",
            f"{fmt.money(s.total_today, step)} today, {fmt.money(total_final, step)} in {y1}",
        ),
        Fact(
            "Levels 1-2",
            f"{fmt.share(s.prevention_today, s.total_today)} today, "
            f"{fmt.share(s.prevention_final, total_final)} in {y1}",
        ),
        Fact(
            "Gained by the plan",
            f"{_signed(gained)}{fmt.value_amount(unit, abs(gained), step)} over the plan"
            + (" (weighted)" if unit.pounds else ""),
        ),
        Fact(
            "Decisions",
            ", ".join(
                f"{s.decisions.get(k, 0)} {DECISION_TITLES[k].split(' (')[0].lower()}"
                for k in ("commission", "grow", "maintain", "reduce", "decommission")
            ),
        ),
    )


def _headlines(plan: Plan, sections: Mapping[str, blocks.Section]) -> tuple[Fact, ...]:
    s, years, y1 = plan.summary, plan.years, plan.final_year
    total_final = s.total_proposed[y1]
    unit = ValueUnit(plan.inputs.data.has_costs)
    gained = _gained(plan)
    share_today = fmt.share(s.prevention_today, s.total_today)
    share_final = fmt.share(s.prevention_final, total_final)
    step = _step(plan)

    def money(amount: float) -> str:
        return fmt.money(amount, step)

    return (
        Fact(
            "Spend",
            f"{money(s.total_today)} a year today; "
            f"{', '.join(f'{money(s.total_proposed[y])} in {y}' for y in years)}",
        ),
        Fact(
            "Prevention and early help (levels 1-2)",
            f"{money(s.prevention_today)} ({share_today}) today, "
            f"{money(s.prevention_final)} ({share_final}) in {y1}: "
            f"{fmt.money_change(s.prevention_moved, step)} moved towards prevention",
        ),
        Fact(
            unit.title + " over the plan",
            f"{fmt.value_figure(unit, s.objective, step)}, against "
            f"{fmt.value_figure(unit, s.objective_today, step)} if today's budgets "
            f"were kept for {len(years)} years, {'a gain' if gained >= 0 else 'a loss'} of "
            f"{fmt.value_figure(unit, abs(gained), step)}",
        ),
        Fact(
            "Decisions",
            ", ".join(
                f"{s.decisions.get(k, 0)} {DECISION_TITLES[k].split(' (')[0].lower()}"
                for k in DECISION_TITLES
            ),
        ),
        Fact(
            "Rules that hold the plan back",
            f"{len(plan.binding_rules())} (see section {sections['rules'].number})",
        ),
    )


# --- outcomes and the invest-to-save case -----------------------------------------------------


def _outcomes(plan: Plan, words: Mapping[str, str]) -> Table:
    """Outcomes achieved by outcome of the framework (participants x effect), county-wide."""
    data, years, y1 = plan.inputs.data, plan.years, plan.final_year
    today_by: dict[str, float] = defaultdict(float)
    year_by: dict[tuple[str, int], float] = defaultdict(float)
    for i in data.initiatives:
        r = plan.outcome_of(i.initiative_id)
        for o in i.outcomes:
            today_by[o] += i.current_budget / i.unit_cost * i.effect
            for y in years:
                year_by[(o, y)] += r.proposed.get(y, 0.0) / i.unit_cost * i.effect
    return Table(
        "outcomes",
        words["outcomes_table"],
        ("Outcome", "Today", *(str(y) for y in years), f"Change to {y1}"),
        tuple(
            (
                plan.outcome_name(o.outcome_id),
                fmt.number(today_by[o.outcome_id]),
                *(fmt.number(year_by[(o.outcome_id, y)]) for y in years),
                f"{year_by[(o.outcome_id, y1)] - today_by[o.outcome_id]:+,.0f}",
            )
            for o in data.outcomes
        ),
    )


def _outcome_facts(plan: Plan, words: Words) -> tuple[Fact, ...]:
    s = plan.summary
    unit = ValueUnit(plan.inputs.data.has_costs)
    gained = _gained(plan)
    values = outcome_values(plan.inputs)
    ratio = values.get(4, 1.0) / (values.get(1, 1.0) or 1.0)
    step = _step(plan)
    return (
        Fact(unit.title + " over the plan", fmt.value_figure(unit, s.objective, step)),
        Fact(
            f"Today's budgets kept for {len(plan.years)} years",
            fmt.value_figure(unit, s.objective_today, step),
        ),
        Fact(
            "Gained by the plan",
            f"{_signed(gained)}{fmt.value_figure(unit, abs(gained), step)} "
            f"({_gain_share(gained, s.objective_today)})",
        ),
        Fact(
            "How outcomes are weighted",
            words.say("weighting", ratio=fmt.decimal(ratio, 1))
            + (" " + words["weighting_costs"] if unit.pounds else ""),
        ),
    )


def _gain_share(gained: float, base: float) -> str:
    return (
        f"{gained / base * 100:+.1f}% on today's budgets" if base > 0 else "no baseline to compare"
    )


def _invest_to_save(plan: Plan, words: Words) -> tuple[tuple[Fact, ...], Table]:
    """The invest-to-save case for the board: avoided, per £1, payback, savings by year."""
    case = invest_to_save(plan.inputs, plan.result)
    if case is None:
        return (), Table("savings", "Savings", ("Who",), (), empty="No cost library.")
    step = _step(plan)
    facts = [
        Fact(
            "Late-intervention cost avoided",
            f"{fmt.money(case.avoided, step)} over the plan (not weighted), against "
            f"{fmt.money(case.avoided_today, step)} with today's budgets",
        ),
        Fact(
            "Return on each £1",
            f"{pence(case.return_per_pound)} of later costs avoided per £1 the plan spends "
            f"(today {pence(case.return_per_pound_today)})",
        ),
    ]
    if case.prevention_return is not None:
        paid = (
            f"pays back by {case.payback_year}"
            if case.payback_year is not None
            else "does not pay back within 30 years"
        )
        cash = (
            f"; in cash (what partners can take out of budgets) by {case.cash_payback_year}"
            if case.cash_payback_year is not None
            else "; it does not pay back in cash within 30 years"
        )
        facts.append(
            Fact(
                "Money moved to prevention",
                words.say(
                    "prevention_moved",
                    moved=fmt.money(case.prevention_moved, step),
                    per_pound=pence(case.prevention_return),
                    payback=paid + cash,
                ),
            )
        )
    years = sorted({y for by in case.cashable_by_partner.values() for y in by})
    shown = [
        *(v for by in case.cashable_by_partner.values() for v in by.values()),
        *case.reinvested.values(),
    ]
    table_step = fmt.money_step(shown)  # one table, one rounding
    rows = [
        (f"Cash saved for {partner}", *(fmt.money(by.get(y, 0.0), table_step) for y in years))
        for partner, by in case.cashable_by_partner.items()
    ]
    if any(round(v) for v in case.reinvested.values()):
        rows.append(
            (
                "Returned to the funding envelopes",
                *(fmt.money(case.reinvested.get(y, 0.0), table_step) for y in years),
            )
        )
    table = Table(
        "savings",
        words["savings_table"],
        ("Who", *(str(y) for y in years)),
        tuple(rows),
        numeric=(False, *(True for _ in years)),
        empty=words["savings_empty"],
        style="compact",
    )
    return tuple(facts), table


# --- decisions and the rules that bind --------------------------------------------------------


def _decisions(plan: Plan, words: Mapping[str, str]) -> Table:
    s = plan.summary
    return Table(
        "decisions",
        words["decisions_table"],
        ("Decision", "Services", "Meaning"),
        tuple(
            (DECISION_TITLES[k], str(s.decisions.get(k, 0)), DECISION_MEANINGS[k])
            for k in DECISION_TITLES
        ),
        numeric=(False, True, False),
        total=("Total", str(sum(s.decisions.values())), words["decisions_total"]),
    )


def _about(family: str, index: tuple[str, ...], plan: Plan) -> str:
    """Who or what a rule is about, in words (the registry's wording, made whole)."""
    text = subject(family, index, plan.inputs.data)
    return f"all spend in {text}" if text.isdigit() else text


def _price(plan: Plan, c: ConstraintResult) -> str:
    """What one more unit of room in a rule would add, in the plan's one unit of value."""
    unit = ValueUnit(plan.inputs.data.has_costs)
    price = c.shadow_price or 0.0
    if FAMILIES[c.family].unit == "participants":
        return f"{fmt.value_figure(unit, price)} per participant"
    return unit.rate(price)


_BOARD_WORDS: Mapping[str, tuple[str, str]] = {LOCK: ("held_title", "held_rule")}
"""The wording keys of the board's words for a family whose registry title uses the
scenario's own term."""


def _title(family: str, words: Mapping[str, str]) -> str:
    title = words[_BOARD_WORDS[family][0]] if family in _BOARD_WORDS else FAMILIES[family].title
    return title + (" (policy)" if FAMILIES[family].policy else "")


def _rule_families(plan: Plan, words: Words) -> Table:
    unit = ValueUnit(plan.inputs.data.has_costs)
    by_family: dict[str, list[ConstraintResult]] = defaultdict(list)
    for c in plan.binding_rules():  # highest price first
        by_family[c.family].append(c)
    return Table(
        "rule-families",
        words.say("rule_families_table", per=unit.per_label, unit=unit.name),
        ("Rule", "What the rule says", "Holding back", "Highest price", "Where it holds hardest"),
        tuple(
            (
                _title(f, words),
                words[_BOARD_WORDS[f][1]] if f in _BOARD_WORDS else FAMILIES[f].rule,
                str(len(by_family[f])),
                _price(plan, by_family[f][0]),
                _about(f, by_family[f][0].index, plan),
            )
            for f in FAMILIES
            if f in by_family
        ),
        numeric=(False, False, True, True, False),
        empty=words["rules_empty"],
        style="compact",
    )


def _rules(plan: Plan, words: Mapping[str, str]) -> Table:
    unit = ValueUnit(plan.inputs.data.has_costs)
    # ranked by price in one unit (£ of room), so a price per participant is not compared
    top = [c for c in plan.binding_rules() if FAMILIES[c.family].unit == "pounds"][:12]
    return Table(
        "rules",
        f"The {len(top)} rules that hold the plan back most",
        ("Rule", "Who or what it is about", f"What {unit.per_label} more room would add"),
        tuple(
            (_title(c.family, words), _about(c.family, c.index, plan), _price(plan, c)) for c in top
        ),
        numeric=(False, False, True),
        empty=words["rules_empty"],
        style="compact",
    )
