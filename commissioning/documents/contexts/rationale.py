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
from commissioning.allocator.wording import ValueUnit, pence
from commissioning.documents.contexts.blocks import Fact, Meta, Section, Table
from commissioning.documents.contexts.format import (
    NOT_RECORDED,
    long_date,
    money,
    money_change,
    money_exact,
    number,
    value_figure,
)
from commissioning.documents.contexts.plan import (
    DECISION_TITLES,
    Plan,
    audit_line,
    binding_rules,
    builds_from_data,
    level_label,
    make_meta,
    plan_line,
    year_end,
    year_start,
)
from commissioning.documents.contexts.wording import document_fields, document_sections
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
class RationaleContext:
    """The whole pack: method, the price of each rule, one part per service, provenance."""

    template: ClassVar[str] = "rationale.html"
    meta: Meta
    sections: Mapping[str, Section]
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


def _service(plan: Plan, e: Explanation) -> ServiceRationale:
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
        Fact("Notice", _notice(plan, e)),
        Fact("Budget", f"{money(e.current_budget)} a year today, {money(final)} in {years[-1]}"),
        *((Fact("Budget over the plan", e.journey.words(money)),) if e.journey is not None else ()),
        Fact("How sure", _how_sure(plan, i.initiative_id)),
    )
    budget = Table(
        f"budget-{e.initiative.initiative_id}",
        "Budget by year",
        ("Year", "Today", *(str(y) for y in years)),
        (("Budget", money(e.current_budget), *(money(e.proposed[y]) for y in years)),),
    )
    evidence = (
        Fact("Evidence", e.evidence),
        Fact("Effect", f"{format_percent(i.effect)} of participants achieve the targeted outcome"),
        Fact("Unit cost", f"{money_exact(i.unit_cost)} per participant a year"),
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
    measure = (
        "£ of late-intervention cost avoided per £1 (weighted by priority and need)"
        if unit.pounds
        else "Weighted outcomes per £1,000"
    )
    value = Table(
        f"value-{i.initiative_id}",
        f"{measure}, a year",
        ("Measure", measure),
        tuple(rows),
    )
    confirmed = [b for b in e.break_even if b.confirmed]
    change = Table(
        f"change-{i.initiative_id}",
        "What would have changed the decision: each figure below was tried by solving the "
        "plan again with it",
        ("Figure", "Now", "Tried", f"The plan then gives it in {years[-1]}"),
        tuple(
            (
                b.figure.capitalize(),
                b.current,
                b.needed or NOT_RECORDED,
                money(b.amount) + _of_today(b.amount, e.current_budget),
            )
            for b in confirmed
        ),
        empty="No single figure changes this decision: a rule of the partnership holds it "
        "(see below).",
    )
    notes = (
        *(
            f"Confirmed by solving the plan again: at {_article(b.figure)} {b.figure} of "
            f"{b.needed} (now {b.current}) the plan keeps it at {money(b.amount)} in "
            f"{years[-1]}{_of_today(b.amount, e.current_budget)}."
            for b in confirmed
        ),
        *(b.sentence for b in e.break_even if not b.confirmed),
    )
    duplicates = Table(
        f"duplicates-{i.initiative_id}",
        "Other services for the same district, level and priority with shared outcomes",
        ("Service", f"Per {unit.per_label}", "Decision", f"Budget in {years[-1]}"),
        tuple(
            (
                p.label,
                per_k(p.value_per_pound),
                DECISION_TITLES[p.decision].split(" (")[0],
                money(p.final),
            )
            for p in e.duplicates
        ),
        empty="No other service for the same district, level and priority shares its outcomes.",
    )
    destinations = Table(
        f"destinations-{i.initiative_id}",
        "Services for the same district and level that grow or start",
        ("Service", "Today", f"{years[-1]}", "Change"),
        tuple(
            (
                p.label,
                money(p.service.current_budget),
                money(p.final),
                money_change(p.change),
            )
            for p in e.destinations
        ),
        empty="No service for the same district and level grows or starts.",
    )
    cohort = (
        f"About {number(e.participants_lost)} participants a year lose this service; services "
        f"for the same district and level that grow or start reach about "
        f"{number(e.participants_gained_elsewhere)} more.",
    )
    rules = tuple(holding_prose(e, plan.inputs)) or (
        "No rule holds it: the decision follows from its value for money.",
    )
    return ServiceRationale(
        anchor=f"service-{i.initiative_id}",
        title=f"{i.name} ({i.initiative_id})",
        decision=DECISION_TITLES[e.decision],
        summary=summary_line(e, money),
        facts=facts,
        budget=budget,
        evidence=evidence,
        value=value,
        value_notes=tuple(lean.words(money) for lean in e.lean_years),
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


def _notice(plan: Plan, e: Explanation) -> str:
    """When notice must be given for the decision to take effect as the plan has it, given
    the contract end date and the standard terms' least notice."""
    i = e.initiative
    when = e.funding_stops_year if e.funding_stops_year is not None else e.first_change_year
    if when is None:
        return "none needed: the budget does not change within the plan"
    change = year_start(plan, when)
    if i.contract_end is not None and i.contract_end >= plan.years[0]:
        ends = year_end(plan, i.contract_end)
        by = _months_before(ends + timedelta(days=1), NOTICE_MONTHS)
        return (
            f"the contract ends on {long_date(ends)}: give notice by {long_date(by)} at the "
            f"latest (at least {NOTICE_MONTHS} months, or more if the contract requires it), "
            f"for the change from {long_date(change)}"
        )
    by = _months_before(change, NOTICE_MONTHS)
    return (
        f"no current contract end is recorded: give notice by {long_date(by)} at the latest "
        f"(at least {NOTICE_MONTHS} months) for the change from {long_date(change)}"
    )


def _robustness_method(plan: Plan) -> tuple[str, ...]:
    r = plan.robustness
    if r is None:
        return ()
    return (
        f"How sure: the plan was solved again for {r.draws:,} plausible futures, each drawing "
        "every service's effect and cost per participant from its plausible range (from the "
        "register, or by its strength of evidence), with the same rules and budgets. A "
        f"decision that holds in fewer than {format_percent(FRAGILE_BELOW)} of them is called "
        "fragile, "
        "with the figure whose range moves it most. Random seed "
        f"{r.seed}: the same seed gives the same figures.",
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
    moved = money(p.buys) if FAMILIES[p.family].moves_money else "not applicable"
    cost = value_figure(unit, p.cost)
    return (p.label[0].upper() + p.label[1:], "yes" if p.binds else "no", cost, moved)


_PROBLEM_KINDS: Mapping[str, str] = {
    "LP": "a linear programme: every budget can take any amount (see the glossary)",
    "MIP": "a linear programme in which some services are either funded at a viable size or "
    "not at all (see the glossary)",
}


def _prices_note(note: str) -> str:
    """How the prices of rules were read, in the glossary's words."""
    if not note:
        return NOT_RECORDED
    if note.startswith("not available"):
        return "not available: the plan could not be priced with its funded-or-not choices held"
    if "binaries" in note:
        return (
            "read from the plan with each service's funded-or-not choice held as found; a rule "
            "about a service the plan does not fund has no price (see the glossary)"
        )
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
    text = plan.content.documents["rationale"]
    fields = document_fields(
        plan.content, plan.years, "rationale", where, plan.content.partnership.county_sub_group
    )
    sections = document_sections(text, plan.content, fields)
    subject = "Services decommissioned or reduced" + (
        "" if district is None else f": {where}" if district == COUNTY else f" in {where}"
    )
    meta = make_meta(
        plan, "rationale", text, subject, f"Decommissioning rationale: {where}", sections
    )
    explanations = explain_all(plan, rationale_ids(plan, district))
    services = tuple(_service(plan, e) for e in explanations)
    counted = {d: sum(1 for s in explanations if s.decision == d) for d in RATIONALE_DECISIONS}
    glance = (
        Fact("Scenario", sc.name),
        Fact("Decommissioned", f"{counted['decommission']} services"),
        Fact("Reduced", f"{counted['reduce']} services"),
        *_fragile_glance(plan, explanations),
        Fact(
            "Money released",
            money(sum(e.current_budget - e.proposed[plan.final_year] for e in explanations))
            + f" a year by {plan.final_year}",
        ),
    )
    shares = ", ".join(
        f"{format_percent(s)} in {y}" for y, s in zip(plan.years, sc.prevention_share, strict=True)
    )
    unit = ValueUnit(data.has_costs)
    values = outcome_values(plan.inputs)
    method = (
        f"Each £1 spent on a service buys value, counted in {unit.name}: its evidence "
        "multiplier (by its "
        "EIF rating, discounted where findings are mixed) times its effect, times the value of "
        "an outcome at its level of need, times the weight of its priority, times the need "
        "index of its district, divided by its unit cost.",
        (
            "The value of an outcome at a level is the late-intervention cost it avoids: for "
            "each cost of the partnership's cost library at that level, the chance of it x its "
            "yearly cost in the plan's prices x its years, discounted at "
            f"{format_percent(sc.discount_rate, 1)} a year. "
            if unit.pounds
            else ""
        )
        + "Outcome values by level: "
        + ", ".join(
            f"level {k} {money(v) if unit.pounds else f'{v:g}'}" for k, v in sorted(values.items())
        )
        + ". Evidence multipliers: "
        + ", ".join(f"{k} {v:g}" for k, v in sc.evidence_multiplier.items())
        + f"; mixed findings multiply them by {sc.mixed_findings_factor:g}.",
        f"Scenario settings: prevention share {shares}; district floor "
        f"{format_percent(sc.district_floor)}; "
        f"growth of at most {format_percent(sc.max_growth)} of last year's budget plus "
        f"{format_percent(sc.ramp)} of capacity a year; {len(sc.lock)} services locked and "
        f"{len(sc.exclude)} excluded.",
        *_robustness_method(plan),
    )
    holding = {c.name for c in binding_rules(plan)}
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
        "Price of each policy rule over the plan ("
        + ("£ of late-intervention cost avoided" if unit.pounds else "weighted outcomes")
        + " given up to keep it)",
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
        Fact("Kind of problem", _PROBLEM_KINDS.get(prov.problem_type, prov.problem_type)),
        Fact("Prices of rules", _prices_note(prov.prices)),
        Fact("Toolkit version", prov.version),
        Fact("Plan solved", prov.created or NOT_RECORDED),
        Fact("Pack issued", long_date(plan.issued)),
        Fact("Plan", plan_line(plan)),
        Fact("Audit trail head", audit_line(plan).removeprefix("Audit trail: ")),
        Fact(
            "Checking the audit trail",
            "Run commissioning audit verify --expect HASH with the hash above on the "
            "partnership's store: it fails if any entry up to this one has been changed.",
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
