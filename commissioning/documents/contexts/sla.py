"""The service level agreement of one district, built section by section from the plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from commissioning.allocator.result import InitiativeResult
from commissioning.allocator.vocabulary import DECISION_TITLES
from commissioning.documents.content import fill
from commissioning.documents.contexts import blocks, governance
from commissioning.documents.contexts import format as fmt
from commissioning.documents.contexts.blocks import DocumentContext, Fact, Table
from commissioning.documents.contexts.plan import Plan, builds_from_data
from commissioning.documents.contexts.targets import (
    baseline,
    baseline_text,
    held_targets,
    population_targets,
    reductions,
)
from commissioning.documents.contexts.wording import quarters_line, reporting_table
from commissioning.explain.summary import PlanSummary, SpendRow
from commissioning.formatting import format_percent
from commissioning.inputs.model import COUNTY, District, Initiative
from commissioning.inputs.vocabulary import level_label


@dataclass(frozen=True)
class SlaContext(DocumentContext):
    """A district service level agreement."""

    template: ClassVar[str] = "district_sla.html"
    glance: tuple[Fact, ...]
    parties: tuple[Fact, ...]
    needs_facts: tuple[Fact, ...]
    needs: Table
    priorities: Table
    priority_objectives: tuple[blocks.PriorityObjectives, ...]
    resources_streams: Table
    resources_levels: Table
    services: Table
    """Every service of the district, grouped by decision."""
    journeys: Table
    """The district's services the plan stops and later funds again."""
    targets: Table
    scorecard: Table
    """Grouped by outcome: the plan's target, then the library's population measures."""
    scorecard_method: str
    reporting: Table
    quarters: str
    escalation: tuple[str, ...]
    local_targets: Table
    equality: Table
    """Participants a year by level, today and in the final year."""
    screening: Table
    consultation: Table
    approval: Table
    """The decisions recorded on the district's proposals, or lines to record them."""
    sign_off: Table


@dataclass(frozen=True)
class _District:
    """What every section of one agreement draws on, worked out once."""

    plan: Plan
    d: District
    sub_group: str
    summary: PlanSummary
    """The plan summary of the district's own services."""
    services: tuple[Initiative, ...]
    results: Mapping[str, InitiativeResult]
    spend: SpendRow
    """The district's line of the county's spend by district."""
    part_year: Mapping[tuple[int, int], float]
    """Participants by (level, year)."""
    words: Mapping[str, str]
    """The agreement's standard wording from specs/, filled for the district."""


@builds_from_data
def sla_context(plan: Plan, district_id: str) -> SlaContext:
    """The service level agreement of one district."""
    data = plan.inputs.data
    d = data.district(district_id)
    years = plan.years
    sub_group = plan.content.partnership.sub_group.format(district=d.name)
    wording = plan.wording("sla", "agreement", d.name, sub_group)
    text, fields, sections = wording.text, wording.fields, wording.sections
    services = tuple(i for i in data.initiatives if i.district_id == district_id)
    results = {i.initiative_id: plan.outcome_of(i.initiative_id) for i in services}
    part_year: dict[tuple[int, int], float] = defaultdict(float)
    for i in services:
        for y in years:
            part_year[(i.level, y)] += i.participants(results[i.initiative_id].proposed.get(y, 0.0))
    s = _District(
        plan=plan,
        d=d,
        sub_group=sub_group,
        summary=plan.district_summary(district_id),
        services=services,
        results=results,
        spend=next(
            (r for r in plan.summary.by_district if r.key == district_id),
            # A district with no services of its own still gets its agreement, at £0.
            SpendRow(district_id, d.name, 0.0, dict.fromkeys(years, 0.0)),
        ),
        part_year=part_year,
        words=wording.words,
    )
    service_table = _services(s)
    return SlaContext(
        meta=plan.make_meta(
            "sla",
            text,
            d.name,
            f"District SLA: {d.name}",
            sections,
            covers=tuple(i.initiative_id for i in services),
        ),
        sections=sections,
        glance=_glance(s, service_table),
        parties=_parties(s),
        needs_facts=_needs_facts(s),
        needs=_needs(s),
        priorities=blocks.spend_table(
            "priorities",
            s.words["spend_priorities"],
            "Priority",
            s.summary.by_priority,
            years,
            with_key=True,
        ),
        priority_objectives=tuple(
            blocks.PriorityObjectives(
                f"{p.priority_id} {p.name}",
                plan.content.framework.objectives.get(p.priority_id)
                or (plan.content.framework.objectives_fallback,),
            )
            for p in data.priorities
        ),
        resources_streams=_resources_streams(s),
        resources_levels=blocks.spend_table(
            "resources-levels",
            s.words["spend_levels"],
            "Level of need",
            s.summary.by_level,
            years,
        ),
        services=service_table,
        journeys=blocks.journeys_table(
            [
                j
                for j in plan.summary.journeys
                if data.initiative(j.initiative_id).district_id == district_id
            ],
            plan.words,
            f" in {d.name}",
        ),
        targets=_targets(s),
        scorecard=_district_scorecard(s),
        scorecard_method=s.words["scorecard_method"],
        reporting=reporting_table(plan.content, fields, "reporting"),
        quarters=quarters_line(plan.content),
        escalation=tuple(fill(e, fields) for e in plan.content.reporting.escalation),
        local_targets=Table(
            "local-targets",
            s.words["local_targets_table"],
            (
                "No.",
                "Local target",
                "Measure and data source",
                "Baseline",
                "Target",
                "Lead partner",
            ),
            tuple((f"L{n}", *(("to be agreed",) * 5)) for n in range(1, 5)),
            numeric=(False,) * 6,
            style="write-in",
        ),
        equality=_equality(s),
        screening=governance.screening_table(
            plan.content.clauses["equality_screening"].points, plan.words
        ),
        consultation=governance.consultation_table(plan.governance, plan.words),
        approval=governance.approval_table(
            "approval",
            plan.governance,
            tuple(i.initiative_id for i in services),
            {i.initiative_id: i.label for i in services},
            plan.words,
        ),
        sign_off=_sign_off(s),
    )


# --- at a glance, parties ---------------------------------------------------------------------


def _glance(s: _District, services: Table) -> tuple[Fact, ...]:
    plan, d, spend = s.plan, s.d, s.spend
    y1 = plan.final_year
    prevention_today = sum(r.today for r in s.summary.by_level if r.key in ("1", "2"))
    prevention_final = sum(r.final for r in s.summary.by_level if r.key in ("1", "2"))
    counts = {g.group_id.removeprefix("services-"): g.size for g in services.groups}
    step = _spend_step(s)
    return (
        Fact("District", f"{d.name} ({d.district_id}), {d.locality} locality"),
        Fact("Parties", f"{s.sub_group} and the {plan.content.partnership.strategic_lead}"),
        Fact("Period", plan.period_text(plan.years[0], y1)),
        Fact(
            "District spend",
            f"{fmt.money(spend.today, step)} today, {fmt.money(spend.final, step)} in {y1} "
            f"({fmt.money_change(spend.change, step)})",
        ),
        Fact(
            "Prevention and early help (levels 1-2)",
            f"{fmt.share(prevention_today, spend.today)} of district spend today, "
            f"{fmt.share(prevention_final, spend.final)} in {y1}",
        ),
        Fact(
            "Services",
            ", ".join(
                f"{counts[k]} {DECISION_TITLES[k].split(' (')[0].lower()}"
                for k in ("commission", "grow", "maintain", "reduce", "decommission")
            ),
        ),
        Fact(
            f"Participants in {y1}",
            fmt.number(sum(s.part_year[(lv, y1)] for lv in (1, 2, 3, 4))),
        ),
    )


def _parties(s: _District) -> tuple[Fact, ...]:
    plan, d = s.plan, s.d
    sc = plan.inputs.scenario
    partnership = plan.content.partnership
    return (
        Fact("Between", f"the {s.sub_group}"),
        Fact("And", f"the {partnership.strategic_lead}, on behalf of {partnership.name}"),
        Fact("District", f"{d.name} ({d.district_id})"),
        Fact("Period", plan.period_text(plan.years[0], plan.final_year)),
        Fact("Scenario", sc.name + (f": {sc.description}" if sc.description else "")),
        Fact("Made from", f"the {plan.plan_line()}"),
    )


# --- needs and resources ----------------------------------------------------------------------


def _needs_facts(s: _District) -> tuple[Fact, ...]:
    plan, d, spend = s.plan, s.d, s.spend
    data, sc, y1 = plan.inputs.data, plan.inputs.scenario, plan.final_year
    # Need-weighted fair share among districts with services of their own.
    active = [
        x for x in data.districts if any(i.district_id == x.district_id for i in data.initiatives)
    ]
    weight_all = sum(x.need_index * x.children for x in active)
    fair = d.need_index * d.children / weight_all if weight_all > 0 and d in active else 0.0
    total_final = sum(r.final for r in plan.summary.by_district if r.key != COUNTY)
    total_today = sum(r.today for r in plan.summary.by_district if r.key != COUNTY)
    return (
        Fact("Children and young people aged 0-19", fmt.number(d.children)),
        Fact("Need index (1.00 = county average)", fmt.decimal(d.need_index)),
        Fact("Locality", d.locality),
        Fact(
            "Share of spend on district services",
            f"{fmt.share(spend.today, total_today)} today, "
            f"{fmt.share(spend.final, total_final)} in {y1}; "
            f"need-weighted fair share {format_percent(fair, 1)}",
        ),
        Fact(
            "District floor",
            f"at least {format_percent(sc.district_floor)} of the fair share, "
            f"{format_percent(sc.district_floor * fair, 1)} of spend on district services",
        ),
    )


def _needs(s: _District) -> Table:
    """Need and participants by level: budget / unit cost of the district's services."""
    d, years, y1 = s.d, s.plan.years, s.plan.final_year
    part_today: dict[int, float] = defaultdict(float)
    for i in s.services:
        part_today[i.level] += i.participants(i.current_budget)
    return Table(
        "needs",
        s.words["needs_table"],
        (
            "Level of need",
            "Needing support",
            "Participants today",
            *(f"Participants {y}" for y in years),
            f"Need met in {y1}",
        ),
        tuple(
            (
                level_label(level),
                fmt.number(d.demand_at(level)),
                fmt.number(part_today[level]),
                *(fmt.number(s.part_year[(level, y)]) for y in years),
                format_percent(s.part_year[(level, y1)] / d.demand_at(level), 1)
                if d.demand_at(level) > 0
                else fmt.NOT_RECORDED,
            )
            for level in (1, 2, 3, 4)
        ),
    )


def _spend_step(s: _District) -> int:
    """The district's sums are rounded as its spend tables round them (to £1,000 when the
    district spends millions), so its cover and tables give one figure for one sum."""
    return fmt.money_step((s.spend.today, *s.spend.proposed.values()))


def _resources_streams(s: _District) -> Table:
    data, years = s.plan.inputs.data, s.plan.years
    step = _spend_step(s)
    streams = [r for r in s.summary.by_stream if any(v > 0 for v in r.proposed.values())]
    return Table(
        "resources-streams",
        s.words["resources_table"],
        ("Funding stream", "Partner", *(str(y) for y in years), "Total over the plan"),
        tuple(
            (
                r.label,
                data.streams_by_id[r.key].partner,
                *(fmt.money(r.proposed.get(y, 0.0), step) for y in years),
                fmt.money(sum(r.proposed.values()), step),
            )
            for r in streams
        ),
        numeric=(False, False, *(True,) * (len(years) + 1)),
        total=(
            "Total",
            "all partners",
            *(fmt.money(s.spend.proposed.get(y, 0.0), step) for y in years),
            fmt.money(sum(s.spend.proposed.values()), step),
        ),
        empty=s.words["resources_empty"],
    )


# --- services, targets, scorecard, sign-off ---------------------------------------------------


def _services(s: _District) -> Table:
    service_rows: list[tuple[str, ...]] = []
    groups = []
    for decision in (
        "commission",
        "grow",
        "maintain",
        "reduce",
        "decommission",
        "not_commissioned",
    ):
        chosen = [i for i in s.services if s.results[i.initiative_id].decision == decision]
        service_rows.extend(
            (
                i.label,
                i.provider,
                str(i.level),
                i.priority_id,
                fmt.money(i.current_budget),
                fmt.money(s.results[i.initiative_id].final),
                fmt.money_change(s.results[i.initiative_id].final - i.current_budget),
            )
            for i in chosen
        )
        groups.append(
            blocks.RowGroup(
                f"services-{decision}",
                DECISION_TITLES[decision],
                len(chosen),
                s.words["services_empty"],
            )
        )
    return Table(
        "services",
        s.words["services_table"],
        ("Service", "Provider", "Level", "Priority", "Today", str(s.plan.final_year), "Change"),
        tuple(service_rows),
        numeric=(False, False, True, False, True, True, True),
        style="compact",
        fixed_widths=(30.0, 24.0, 6.0, 8.0, 11.0, 10.5, 10.5),
        groups=tuple(groups),
    )


def _achieved(
    s: _District,
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str, int], float]]:
    """Children and families achieving each outcome (participants x effect), by (priority,
    outcome) today and by (priority, outcome, year) in the plan."""
    today: dict[tuple[str, str], float] = defaultdict(float)
    planned: dict[tuple[str, str, int], float] = defaultdict(float)
    for i in s.services:
        res = s.results[i.initiative_id]
        for o in i.outcomes:
            today[(i.priority_id, o)] += i.participants(i.current_budget) * i.effect
            for y in s.plan.years:
                v = i.participants(res.proposed.get(y, 0.0)) * i.effect
                planned[(i.priority_id, o, y)] += v
    return today, planned


def _targets(s: _District) -> Table:
    """Targets: participants x effect, by priority and outcome, per year."""
    plan, years = s.plan, s.plan.years
    data = plan.inputs.data
    today, planned = _achieved(s)
    target_rows = []
    for p in data.priorities:
        for outcome in data.outcomes:
            key = (p.priority_id, outcome.outcome_id)
            if key not in today:
                continue
            target_rows.append(
                (
                    f"{p.priority_id} {p.name}",
                    plan.outcome_name(outcome.outcome_id),
                    fmt.number(today[key]),
                    *(fmt.number(planned[(*key, y)]) for y in years),
                )
            )
    return Table(
        "targets",
        s.words["targets_table"],
        ("Priority", "Outcome", "Baseline (today)", *(f"Target {y}" for y in years)),
        tuple(target_rows),
        numeric=(False, False, *(True,) * (len(years) + 1)),
        empty=s.words["targets_empty"],
    )


def _district_scorecard(s: _District) -> Table:
    """The scorecard, grouped by outcome of the framework: the plan's own target (children
    and families achieving the outcome), then the library's population measures, each
    with its baseline from the data and yearly targets derived from the plan."""
    plan, years, d = s.plan, s.plan.years, s.d
    data = plan.inputs.data
    today, planned = _achieved(s)
    by_today: dict[str, float] = defaultdict(float)
    by_year: dict[tuple[str, int], float] = defaultdict(float)
    for (_, outcome_id), v in today.items():
        by_today[outcome_id] += v
    for (_, outcome_id, y), v in planned.items():
        by_year[(outcome_id, y)] += v
    names = {x.district_id: x.name for x in data.districts}
    lib = plan.content.indicators
    rows: list[tuple[str, ...]] = []
    groups = []
    for oid in (x.outcome_id for x in data.outcomes):
        why = reductions(
            [
                (
                    i.label,
                    s.results[i.initiative_id].decision,
                    i.current_budget,
                    s.results[i.initiative_id].final,
                )
                for i in s.services
                if oid in i.outcomes
            ],
            s.words["fewer_reached"],
        )
        final = by_year[(oid, years[-1])]
        plan_text = "; ".join(f"{fmt.number(by_year[(oid, y)])} in {y}" for y in years)
        if round(final) < round(by_today[oid]):
            plan_text += f" (below today's {fmt.number(by_today[oid])} because {why})"
        rows.append(
            (
                "Children and families achieving the outcome",
                s.words["scorecard_plan_measure"],
                "children and families a year",
                "higher is better",
                fmt.number(by_today[oid]),
                plan_text,
                "Provider quarterly returns",
            )
        )
        found = [ind for ind in lib.for_outcome(oid) if ind.measure == "population"]
        for ind in found:
            base = baseline(data, ind.indicator_id, d.district_id)
            change = {y: by_year[(oid, y)] - by_today[oid] for y in years}
            targets = (
                population_targets(ind, base, change, d.children, why)
                or held_targets(ind, base, years)
                if base is not None
                else None
            )
            rows.append(
                (
                    ind.name,
                    ind.definition,
                    ind.unit,
                    ind.direction_text,
                    baseline_text(base, ind, names),
                    targets.text if targets else "set when a baseline is recorded",
                    # The series, as the library names it: the baseline's own source is
                    # in the indicator values file, and a long one would fill the page.
                    ind.source,
                )
            )
        groups.append(
            blocks.RowGroup(
                f"scorecard-{oid}",
                plan.outcome_name(oid),
                1 + len(found),
                note="" if lib.for_outcome(oid) else lib.fallback,
            )
        )
    return Table(
        "scorecard",
        "Scorecard by outcome",
        (
            "Measure",
            "Definition",
            "Unit",
            "Good is",
            "Baseline",
            f"Targets {plan.years[0]}-{plan.final_year}",
            "Data source",
        ),
        tuple(rows),
        numeric=(False,) * 7,
        style="compact",
        fixed_widths=(14.0, 22.0, 9.0, 8.0, 11.0, 22.0, 14.0),
        groups=tuple(groups),
    )


def _equality(s: _District) -> Table:
    return governance.equality_table(
        ((s.d.district_id, i, s.results[i.initiative_id].final) for i in s.services),
        {s.d.district_id: s.d.name},
        s.plan.final_year,
        s.plan.words,
    )


def _sign_off(s: _District) -> Table:
    """The sub-group's chair, the strategic lead, and every partner whose money the
    agreement aligns to the district."""
    partnership = s.plan.content.partnership
    data = s.plan.inputs.data
    partners = sorted(
        {
            data.streams_by_id[stream_id].partner
            for i in s.services
            for stream_id, _, amount in s.plan.by_initiative.get(i.initiative_id, ())
            if amount >= 1.0
        }
    )
    return governance.signature_table(
        "sign-off",
        (
            (s.sub_group, "Chair of the sub-group"),
            (partnership.name, partnership.strategic_lead),
            *((p, "Funding partner") for p in partners),
        ),
    )
