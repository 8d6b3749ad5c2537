"""The decommissioning rationale pack: why each decommissioned or reduced service lost money.

Every sentence comes from the explanation (`commissioning.explain`), which is generated
from the rule registry and the numbers; nothing here is written per service. Break-even
figures are those the explanation confirmed by solving the plan again with them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from commissioning.allocator.formulation import outcome_values
from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.solvers import SolverName
from commissioning.allocator.vocabulary import DECISION_TITLES
from commissioning.allocator.wording import ValueUnit, pence
from commissioning.documents.contexts import format as fmt
from commissioning.documents.contexts.blocks import DocumentContext, Fact, Table
from commissioning.documents.contexts.plan import Plan, builds_from_data
from commissioning.documents.phrases import Words
from commissioning.explain.initiative import (
    Explanation,
    explain_initiative,
    holding_prose,
    summary_line,
)
from commissioning.explain.initiative import per_k as per_thousand
from commissioning.explain.policy import RulePrice, price_of_rules
from commissioning.formatting import format_percent
from commissioning.inputs.model import COUNTY
from commissioning.inputs.vocabulary import level_label
from commissioning.robustness.summary import FRAGILE_BELOW, sentence

RATIONALE_DECISIONS: tuple[str, ...] = ("decommission", "reduce")


@dataclass(frozen=True)
class ServiceRationale:
    """The rationale for one decommissioned or reduced service."""

    anchor: str
    title: str
    decision: str
    summary: str
    facts: tuple[Fact, ...]
    budget: Table
    evidence: tuple[Fact, ...]
    value: Table
    value_notes: tuple[str, ...]
    """Earlier years in which the money bought more elsewhere (why the budget dipped)."""
    change: Table
    change_notes: tuple[str, ...]
    rules: tuple[str, ...]
    duplicates: Table
    cohort: tuple[str, ...]
    destinations: Table
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class RationaleContext(DocumentContext):
    """The whole pack: method, the price of each rule, one part per service, provenance."""

    template: ClassVar[str] = "rationale.html"
    glance: tuple[Fact, ...]
    method: tuple[str, ...]
    rules_in_force: Table
    prices: Table
    services: tuple[ServiceRationale, ...]
    provenance: tuple[Fact, ...]
    glossary_intro: tuple[str, ...]
    glossary: tuple[Fact, ...]
    """The method's terms, for the auditor: the only page of any document that uses them."""


def rationale_ids(plan: Plan, district: str | None) -> list[str]:
    """Services the pack covers: decommissioned or reduced, optionally in one district."""
    return [
        r.initiative_id
        for r in plan.result.initiatives
        if r.decision in RATIONALE_DECISIONS
        and (
            district is None or plan.inputs.data.initiative(r.initiative_id).district_id == district
        )
    ]


_EXPLAINING = threading.Lock()
"""One run at a time per process: the app's sessions run in threads of one server."""
_PLAN: list[Plan] = []
"""The plan being explained, inherited by forked workers (a plan does not pickle)."""


def _explain_one(initiative_id: str) -> Explanation:
    plan = _PLAN[0]
    solver: SolverName = "cbc" if plan.result.provenance.solver == "cbc" else "highs"
    return explain_initiative(plan.inputs, plan.result, initiative_id, solver)


def explain_all(plan: Plan, ids: Sequence[str]) -> list[Explanation]:
    """Explanations with confirmed break-evens, on every core (each re-solves the plan)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    with _EXPLAINING:  # the plan lives in a module global for the forked workers
        _PLAN[:] = [plan]
        if cores < 2 or len(ids) < 4 or "fork" not in multiprocessing.get_all_start_methods():
            return [_explain_one(iid) for iid in ids]
        with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_explain_one, ids, chunksize=4))


def _service(plan: Plan, e: Explanation, words: Words) -> ServiceRationale:
    i = e.initiative
    data = plan.inputs.data
    unit = ValueUnit(data.has_costs)

    def per_k(value_per_pound: float) -> str:
        """A value per £: pounds avoided per £1, or weighted outcomes per £1,000."""
        return pence(value_per_pound) if unit.pounds else per_thousand(value_per_pound)

    years = plan.years
    district = "County-wide" if i.district_id == COUNTY else data.district(i.district_id).name
    final = e.proposed[years[-1]]
    timing = (
        f"funding stops from {e.funding_stops_year}"
        if e.funding_stops_year is not None
        else f"budget first changes in {e.first_change_year}"
        if e.first_change_year is not None
        else "no change within the plan"
    )
    facts = (
        Fact("Provider", i.provider),
        Fact("District", district),
        Fact("Level of need", level_label(i.level)),
        Fact("Priority", data.priority(i.priority_id).name),
        Fact("Decision", f"{DECISION_TITLES[e.decision]}: {timing}"),
        Fact("Contract end", str(i.contract_end) if i.contract_end else "no contract recorded"),
        Fact("Notice", _notice(plan, e, words)),
        Fact(
            "Budget",
            f"{fmt.money(e.current_budget)} a year today, {fmt.money(final)} in {years[-1]}",
        ),
        *(
            (Fact("Budget over the plan", e.journey.words(fmt.money)),)
            if e.journey is not None
            else ()
        ),
        Fact("How sure", _how_sure(plan, i.initiative_id)),
    )
    budget = Table(
        f"budget-{e.initiative.initiative_id}",
        "Budget by year",
        ("Year", "Today", *(str(y) for y in years)),
        (("Budget", fmt.money(e.current_budget), *(fmt.money(e.proposed[y]) for y in years)),),
    )
    evidence = (
        Fact("Evidence", e.evidence),
        Fact("Effect", f"{format_percent(i.effect)} of participants achieve the targeted outcome"),
        Fact("Unit cost", f"{fmt.money_exact(i.unit_cost)} per participant a year"),
    )
    rows = [("This service", per_k(e.value_per_pound))]
    if e.opportunity_costs:
        rows += [
            (f"The same money elsewhere in the plan in {y}", per_k(e.opportunity_costs[y]))
            for y in years
        ]
    rows.append(
        (
            f"Value it lacks in {years[-1]}",
            per_k(e.value_lacking) if e.value_lacking is not None else "none: it pays its way",
        )
    )
    rows += [
        (f"One more {unit.per_label} of {s.name} in {years[-1]}", per_k(s.price))
        for s in e.stream_prices
    ]
    if e.benefit_cost_ratio is not None:
        rows.insert(
            0, ("Late costs this service avoids per £1 (not weighted)", pence(e.benefit_cost_ratio))
        )
    measure = words["value_measure"] if unit.pounds else "Weighted outcomes per £1,000"
    value = Table(
        f"value-{i.initiative_id}",
        f"{measure}, a year",
        ("Measure", measure),
        tuple(rows),
    )
    confirmed = [b for b in e.break_even if b.confirmed]
    change = Table(
        f"change-{i.initiative_id}",
        words["change_table"],
        ("Figure", "Now", "Tried", f"The plan then gives it in {years[-1]}"),
        tuple(
            (
                b.figure.capitalize(),
                b.current,
                b.needed or fmt.NOT_RECORDED,
                fmt.money(b.amount) + _of_today(b.amount, e.current_budget),
            )
            for b in confirmed
        ),
        empty=words["change_empty"],
    )
    notes = (
        *(
            words.say(
                "change_confirmed",
                figure=f"{_article(b.figure)} {b.figure}",
                needed=b.needed,
                now=b.current,
                amount=fmt.money(b.amount),
                year=years[-1],
                of_today=_of_today(b.amount, e.current_budget),
            )
            for b in confirmed
        ),
        *(b.sentence for b in e.break_even if not b.confirmed),
    )
    duplicates = Table(
        f"duplicates-{i.initiative_id}",
        words["duplicates_table"],
        ("Service", f"Per {unit.per_label}", "Decision", f"Budget in {years[-1]}"),
        tuple(
            (
                p.label,
                per_k(p.value_per_pound),
                DECISION_TITLES[p.decision].split(" (")[0],
                fmt.money(p.final),
            )
            for p in e.duplicates
        ),
        empty=words["duplicates_empty"],
    )
    destinations = Table(
        f"destinations-{i.initiative_id}",
        "Services for the same district and level that grow or start",
        ("Service", "Today", f"{years[-1]}", "Change"),
        tuple(
            (
                p.label,
                fmt.money(p.service.current_budget),
                fmt.money(p.final),
                fmt.money_change(p.change),
            )
            for p in e.destinations
        ),
        empty="No service for the same district and level grows or starts.",
    )
    cohort = (
        words.say(
            "cohort",
            lost=fmt.number(e.participants_lost),
            gained=fmt.number(e.participants_gained_elsewhere),
        ),
    )
    rules = tuple(holding_prose(e, plan.inputs)) or (words["rules_none"],)
    return ServiceRationale(
        anchor=f"service-{i.initiative_id}",
        title=f"{i.name} ({i.initiative_id})",
        decision=DECISION_TITLES[e.decision],
        summary=summary_line(e, fmt.money),
        facts=facts,
        budget=budget,
        evidence=evidence,
        value=value,
        value_notes=tuple(lean.words(fmt.money) for lean in e.lean_years),
        change=change,
        change_notes=notes,
        rules=rules,
        duplicates=duplicates,
        cohort=cohort,
        destinations=destinations,
        warnings=e.warnings,
    )


NOTICE_MONTHS = 3
"""The least notice the standard terms' review and exit clause allows a provider."""


def _article(figure: str) -> str:
    return "an" if figure[:1] in "aeiou" else "a"


def _of_today(amount: float, today: float) -> str:
    return f", {format_percent(amount / today)} of today's" if today > 0 else ""


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, 28))


def _notice(plan: Plan, e: Explanation, words: Words) -> str:
    """When notice must be given for the decision to take effect as the plan has it, given
    the contract end date and the standard terms' least notice."""
    i = e.initiative
    when = e.funding_stops_year if e.funding_stops_year is not None else e.first_change_year
    if when is None:
        return "none needed: the budget does not change within the plan"
    change = plan.year_start(when)
    if i.contract_end is not None and i.contract_end >= plan.years[0]:
        ends = plan.year_end(i.contract_end)
        by = _months_before(ends + timedelta(days=1), NOTICE_MONTHS)
        return words.say(
            "notice_contract",
            ends=fmt.long_date(ends),
            by=fmt.long_date(by),
            months=NOTICE_MONTHS,
            change=fmt.long_date(change),
        )
    by = _months_before(change, NOTICE_MONTHS)
    return words.say(
        "notice_no_contract",
        by=fmt.long_date(by),
        months=NOTICE_MONTHS,
        change=fmt.long_date(change),
    )


def _robustness_method(plan: Plan, words: Words) -> tuple[str, ...]:
    r = plan.robustness
    if r is None:
        return ()
    return (
        words.say(
            "method_robustness",
            draws=f"{r.draws:,}",
            fragile_below=format_percent(FRAGILE_BELOW),
            seed=r.seed,
        ),
    )


def _fragile_glance(plan: Plan, explanations: Sequence[Explanation]) -> tuple[Fact, ...]:
    r = plan.robustness
    if r is None:
        return ()
    fragile = sum(1 for e in explanations if r.by_id[e.initiative.initiative_id].fragile)
    return (Fact("Fragile decisions", f"{fragile} of {len(explanations)}"),)


def _how_sure(plan: Plan, initiative_id: str) -> str:
    """The decision over plausible figures, or that it was not checked."""
    r = plan.robustness
    if r is None:
        return "not checked against the uncertainty in effects and costs"
    return sentence(r.by_id[initiative_id], r.draws, plan.inputs.data)


def _price_row(p: RulePrice, unit: ValueUnit) -> tuple[str, str, str, str]:
    moved = fmt.money(p.buys) if FAMILIES[p.family].moves_money else "not applicable"
    cost = fmt.value_figure(unit, p.cost)
    return (p.label[0].upper() + p.label[1:], "yes" if p.binds else "no", cost, moved)


_PROBLEM_KINDS: Mapping[str, str] = {"LP": "problem_lp", "MIP": "problem_mip"}
"""The wording key that names each kind of problem the solver was given."""


def _prices_note(note: str, words: Words) -> str:
    """How the prices of rules were read, in the glossary's words."""
    if not note:
        return fmt.NOT_RECORDED
    if note.startswith("not available"):
        return words["prices_unavailable"]
    if "binaries" in note:
        return words["prices_held"]
    return "read from the plan as solved (see the glossary)"


@builds_from_data
def rationale_context(plan: Plan, district: str | None = None) -> RationaleContext:
    """The pack for every decommissioned or reduced service (or one district's)."""
    data = plan.inputs.data
    sc = plan.inputs.scenario
    if district is None:
        where = "the county"
    elif district == COUNTY:
        where = "county-wide services"
    else:
        where = data.district(district).name
    wording = plan.wording(
        "rationale", "rationale", where, plan.content.partnership.county_sub_group
    )
    text, sections, words = wording.text, wording.sections, wording.words
    subject = "Services decommissioned or reduced" + (
        "" if district is None else f": {where}" if district == COUNTY else f" in {where}"
    )
    meta = plan.make_meta(
        "rationale", text, subject, f"Decommissioning rationale: {where}", sections
    )
    explanations = explain_all(plan, rationale_ids(plan, district))
    services = tuple(_service(plan, e, words) for e in explanations)
    counted = {d: sum(1 for s in explanations if s.decision == d) for d in RATIONALE_DECISIONS}
    glance = (
        Fact("Scenario", sc.name),
        Fact("Decommissioned", f"{counted['decommission']} services"),
        Fact("Reduced", f"{counted['reduce']} services"),
        *_fragile_glance(plan, explanations),
        Fact(
            "Money released",
            fmt.money(sum(e.current_budget - e.proposed[plan.final_year] for e in explanations))
            + f" a year by {plan.final_year}",
        ),
    )
    shares = ", ".join(
        f"{format_percent(s)} in {y}" for y, s in zip(plan.years, sc.prevention_share, strict=True)
    )
    unit = ValueUnit(data.has_costs)
    values = outcome_values(plan.inputs)
    method = (
        words.say("method_value", unit=unit.name),
        (
            words.say("method_costs", discount=format_percent(sc.discount_rate, 1)) + " "
            if unit.pounds
            else ""
        )
        + words.say(
            "method_values",
            values=", ".join(
                f"level {k} {fmt.money(v) if unit.pounds else f'{v:g}'}"
                for k, v in sorted(values.items())
            ),
            multipliers=", ".join(f"{k} {v:g}" for k, v in sc.evidence_multiplier.items()),
            mixed=f"{sc.mixed_findings_factor:g}",
        ),
        words.say(
            "method_settings",
            shares=shares,
            floor=format_percent(sc.district_floor),
            growth=format_percent(sc.max_growth),
            ramp=format_percent(sc.ramp),
            locked=len(sc.lock),
            excluded=len(sc.exclude),
        ),
        *_robustness_method(plan, words),
    )
    holding = {c.name for c in plan.binding_rules()}
    by_family: dict[str, list[int]] = {}
    for c in plan.result.constraints:
        counts = by_family.setdefault(c.family, [0, 0])
        counts[0] += 1
        counts[1] += int(c.name in holding)
    rules_in_force = Table(
        "rules-in-force",
        "The rules in force, and how many of them hold the plan back",
        ("Rule", "What it means", "Instances", "Holding back"),
        tuple(
            (FAMILIES[f].title, FAMILIES[f].rule, str(n), str(b)) for f, (n, b) in by_family.items()
        ),
        numeric=(False, False, True, True),
        total=(
            "Total",
            "every rule of the plan",
            str(sum(n for n, _ in by_family.values())),
            str(len(holding)),
        ),
    )
    prices = Table(
        "rule-prices",
        words.say(
            "prices_table",
            given_up="£ of late-intervention cost avoided" if unit.pounds else "weighted outcomes",
        ),
        (
            "Rule",
            "Binds",
            "Cost avoided given up" if unit.pounds else "Outcomes given up",
            "Money it keeps in place",
        ),
        tuple(_price_row(p, unit) for p in price_of_rules(plan.inputs, plan.result)),
        numeric=(False, False, True, True),
        empty="No policy rule is in force.",
    )
    prov = plan.result.provenance
    provenance = (
        Fact("Input fingerprint (SHA-256)", prov.inputs_sha256),
        Fact("Scenario", prov.scenario),
        Fact("Solver", prov.solver_version or prov.solver),
        Fact(
            "Kind of problem",
            words[_PROBLEM_KINDS[prov.problem_type]]
            if prov.problem_type in _PROBLEM_KINDS
            else prov.problem_type,
        ),
        Fact("Prices of rules", _prices_note(prov.prices, words)),
        Fact("Toolkit version", prov.version),
        Fact("Plan solved", prov.created or fmt.NOT_RECORDED),
        Fact("Pack issued", fmt.long_date(plan.issued)),
        Fact("Plan", plan.plan_line()),
        Fact("Audit trail head", plan.audit_line().removeprefix("Audit trail: ")),
        Fact(
            "Checking the audit trail",
            words["audit_check"],
        ),
    )
    return RationaleContext(
        meta=meta,
        sections=sections,
        glance=glance,
        method=method,
        rules_in_force=rules_in_force,
        prices=prices,
        services=services,
        provenance=provenance,
        glossary_intro=tuple(p for p in sections["glossary"].intro if not _term(p)),
        glossary=tuple(Fact(*t) for p in sections["glossary"].intro if (t := _term(p))),
    )


def _term(paragraph: str) -> tuple[str, str] | None:
    """'Slack: how far ...' as (term, definition); None for a paragraph that defines none."""
    term, sep, definition = paragraph.partition(": ")
    if not sep or len(term) > 60 or not definition.strip():
        return None
    return term, definition[:1].upper() + definition[1:]
