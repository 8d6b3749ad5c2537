"""The outcomes-based service specification of one commissioned, grown or maintained service,
built section by section from the plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from commissioning.allocator.result import InitiativeResult
from commissioning.allocator.wording import pence
from commissioning.documents.contexts import blocks, governance
from commissioning.documents.contexts import format as fmt
from commissioning.documents.contexts.blocks import DocumentContext, Fact, Table
from commissioning.documents.contexts.plan import Plan, builds_from_data
from commissioning.documents.contexts.targets import baseline, baseline_text, held_targets
from commissioning.documents.contexts.terms import cite
from commissioning.documents.contexts.wording import TERMS_ITEMS
from commissioning.documents.phrases import Words
from commissioning.formatting import format_outcomes, format_percent
from commissioning.inputs.model import Initiative
from commissioning.inputs.vocabulary import level_label


@dataclass(frozen=True)
class SpecContext(DocumentContext):
    """An outcomes-based service specification for one service."""

    template: ClassVar[str] = "service_specification.html"
    details: tuple[Fact, ...]
    objectives: tuple[str, ...]
    """The service's measurable objectives, from the plan."""
    priority_objectives: blocks.PriorityObjectives
    budget: Table
    purpose: tuple[str, ...]
    strategic_fit: tuple[str, ...]
    population: tuple[str, ...]
    participants: Table
    targets: Table
    provider_measures: Table
    """What the provider reports every quarter: participants, outcomes, cost per participant."""
    indicators: tuple[blocks.IndicatorGroup, ...]
    """The library's service measures that fit the service's level, with baselines and
    targets."""
    evidence: tuple[Fact, ...]
    evidence_text: tuple[str, ...]
    terms: Mapping[str, blocks.TermsCitation]
    """By section id: the clauses of the standard terms the section applies."""
    monitoring: tuple[Fact, ...]
    """This service's own reporting: its quarters, what it reports against, to whom."""
    review: tuple[Fact, ...]
    """This service's contract, review dates and exit arrangements."""
    approval: Table
    """The decision recorded on the proposal, or lines to record it."""
    signatures: Table
    """The provider's and the commissioners' signatures."""


@dataclass(frozen=True)
class _Service:
    """What every section of one specification draws on, worked out once."""

    plan: Plan
    i: Initiative
    r: InitiativeResult
    sections: Mapping[str, blocks.Section]
    sub_group: str
    where: str
    """'in Pendle' or 'across the county'."""
    funded: tuple[int, ...]
    """The plan years in which the service has a budget."""
    part: Mapping[int, float]
    """Expected participants by year (budget / unit cost)."""
    today_part: float
    demand: float
    """Children and families needing support at the service's level where it works."""
    names: Mapping[str, str]
    """The name of each outcome it targets."""
    words: Words
    """The specification's standard wording from specs/, filled for the service."""

    @property
    def last(self) -> int:
        return self.funded[-1]


@builds_from_data
def spec_context(plan: Plan, initiative_id: str) -> SpecContext:
    """The service specification of one commissioned, grown or maintained service."""
    data = plan.inputs.data
    i = data.initiative(initiative_id)
    r = plan.outcome_of(initiative_id)
    county = i.is_county_wide
    district_name = "the county" if county else data.district(i.district_id).name
    partnership = plan.content.partnership
    sub_group = (
        partnership.county_sub_group
        if county
        else partnership.sub_group.format(district=district_name)
    )
    wording = plan.wording(
        "spec",
        "specification",
        district_name,
        sub_group,
        service=i.name,
        service_id=i.initiative_id,
        provider=i.provider,
    )
    text = wording.text
    funded = tuple(y for y in plan.years if r.proposed.get(y, 0.0) >= 1.0)
    if not funded:
        raise fmt.DocumentError(
            f"{initiative_id} is not funded in any plan year: it has no specification"
        )
    s = _Service(
        plan=plan,
        i=i,
        r=r,
        sections=wording.sections,
        sub_group=sub_group,
        where="across the county" if county else f"in {district_name}",
        funded=funded,
        part={y: i.participants(r.proposed.get(y, 0.0)) for y in plan.years},
        today_part=i.participants(i.current_budget),
        demand=(
            sum(d.demand_at(i.level) for d in data.districts)
            if county
            else data.district(i.district_id).demand_at(i.level)
        ),
        names={o: plan.outcome_name(o) for o in i.outcomes},
        words=wording.words,
    )
    indicators = tuple(_indicator_group(s, o) for o in i.outcomes)
    priority = data.priority(i.priority_id)
    return SpecContext(
        meta=plan.make_meta(
            "spec",
            text,
            i.label,
            f"Service specification: {i.name}",
            s.sections,
            covers=(i.initiative_id,),
        ),
        sections=s.sections,
        details=_details(s),
        objectives=_objectives(s),
        priority_objectives=blocks.PriorityObjectives(
            f"{priority.priority_id} {priority.name}",
            plan.content.framework.objectives.get(priority.priority_id)
            or (plan.content.framework.objectives_fallback,),
        ),
        budget=_budget(s),
        purpose=(_decision_sentence(s),),
        strategic_fit=_strategic_fit(s),
        population=_population(s),
        participants=_participants_table(s),
        targets=_targets(s),
        provider_measures=_provider_measures(s),
        indicators=indicators,
        evidence=_evidence(s),
        evidence_text=(
            plan.content.framework.evidence[i.evidence_level],
            *((plan.content.framework.mixed_findings,) if i.mixed_findings else ()),
        ),
        terms=_citations(s),
        monitoring=_monitoring(s, sum(len(g.items) for g in indicators)),
        review=_review(s),
        approval=governance.approval_table(
            "approval",
            plan.governance,
            (i.initiative_id,),
            {i.initiative_id: i.label},
            plan.words,
        ),
        signatures=governance.signature_table(
            "signatures",
            (
                (i.provider, "Provider"),
                (partnership.name, partnership.strategic_lead),
            ),
        ),
    )


# --- 1. service details and objectives --------------------------------------------------------


def _details(s: _Service) -> tuple[Fact, ...]:
    plan, i = s.plan, s.i
    data = plan.inputs.data
    priority = data.priority(i.priority_id)
    if i.is_county_wide:
        district = "County-wide service"
    else:
        d = data.district(i.district_id)
        district = f"{d.name} ({i.district_id}), {d.locality} locality"
    return (
        Fact("Service", i.label),
        Fact("Provider", f"{i.provider}, {i.sector} sector"),
        Fact("District", district),
        Fact("Level of need", f"{level_label(i.level)}"),
        Fact("Priority", f"{priority.priority_id} {priority.name}"),
        Fact("Outcomes targeted", "; ".join(s.names[o] for o in i.outcomes)),
        Fact("Decision in the plan", plan.glance_decision(i, s.r)),
        *(
            Fact("Budget over the plan", j.words(fmt.money))
            for j in plan.summary.journeys
            if j.initiative_id == i.initiative_id
        ),
        Fact("Contract period", plan.period_text(s.funded[0], s.last)),
    )


def _objectives(s: _Service) -> tuple[str, ...]:
    i, last = s.i, s.last
    level = s.plan.content.framework.levels[i.level]
    return (
        s.words.say(
            "objective_reach",
            reach=fmt.number(s.part[last]),
            level=i.level,
            level_name=level.name,
            where=s.where,
            year=last,
            budget=fmt.money(s.r.proposed[last]),
        ),
        *(
            s.words.say(
                "objective_outcome",
                achieving=fmt.number(s.part[last] * i.effect),
                outcome=s.names[o],
                year=last,
            )
            for o in i.outcomes
        ),
        s.words.say(
            "objective_report",
            outcomes_section=s.sections["outcomes"].number,
            standards_section=s.sections["standards"].number,
        ),
    )


def _budget(s: _Service) -> Table:
    """Budget by stream and year (the allocations, as the solver returned them)."""
    plan, i, r, years = s.plan, s.i, s.r, s.plan.years
    data = plan.inputs.data
    by_stream: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for stream_id, year, amount in plan.by_initiative.get(i.initiative_id, ()):
        by_stream[stream_id][year] += amount
    stream_rows = tuple(
        (
            data.streams_by_id[sid].name,
            data.streams_by_id[sid].partner,
            *(fmt.money(by_stream[sid][y]) for y in years),
            fmt.money(sum(by_stream[sid].values())),
        )
        for sid in i.funding
        if sid in by_stream
    )
    return Table(
        "budget",
        s.words["budget_table"],
        ("Funding stream", "Partner", *(str(y) for y in years), "Total"),
        stream_rows,
        numeric=(False, False, *(True,) * (len(years) + 1)),
        total=(
            "Total",
            "all partners",
            *(fmt.money(r.proposed.get(y, 0.0)) for y in years),
            fmt.money(sum(r.proposed.get(y, 0.0) for y in years)),
        ),
        empty=s.words["budget_empty"],
    )


# --- 2. purpose and strategic fit, 3. population ----------------------------------------------


def _strategic_fit(s: _Service) -> tuple[str, ...]:
    plan, i, r = s.plan, s.i, s.r
    sc = plan.inputs.scenario
    priority = plan.inputs.data.priority(i.priority_id)
    weight = sc.priority_weights.get(i.priority_id, priority.weight)
    level = plan.content.framework.levels[i.level]
    share = sc.prevention_share_in(plan.final_year)
    words = s.words
    return (
        words.say(
            "fit_priority",
            priority_id=priority.priority_id,
            priority=priority.name,
            weight=fmt.decimal(weight),
        ),
        words.say(
            "fit_prevention",
            level=i.level,
            level_name=level.name,
            share=format_percent(share),
            year=plan.final_year,
        )
        if i.level <= 2
        else words.say("fit_late", level=i.level, level_name=level.name),
        words.say("fit_avoids", per_pound=pence(r.benefit_cost_ratio))
        if r.benefit_cost_ratio is not None
        else words.say("fit_value", outcomes=format_outcomes(r.value_per_pound * 1000)),
    )


def _population(s: _Service) -> tuple[str, ...]:
    i, last = s.i, s.last
    level = s.plan.content.framework.levels[i.level]
    return (
        s.words.say(
            "population_who", where=s.where, level=i.level, level_name=level.name, who=level.who
        ),
        s.words.say(
            "population_paid",
            participants=fmt.number(s.part[last]),
            year=last,
            unit_cost=fmt.money_exact(i.unit_cost),
            need=fmt.number(s.demand),
            where=s.where,
        )
        + (f" Today's budget pays for {fmt.number(s.today_part)}." if i.current_budget > 0 else ""),
    )


def _participants_table(s: _Service) -> Table:
    i, r, years = s.i, s.r, s.plan.years
    return Table(
        "participants",
        s.words.say(
            "participants_table",
            unit_cost=fmt.money_exact(i.unit_cost),
            need=fmt.number(s.demand),
            level=i.level,
            where=s.where,
        ),
        ("Year", "Budget", "Expected participants", "Share of need"),
        tuple(
            (
                str(y),
                fmt.money(r.proposed.get(y, 0.0)),
                fmt.number(s.part[y]) if s.part[y] > 0 else "not funded this year",
                format_percent(s.part[y] / s.demand, 1) if s.demand > 0 else fmt.NOT_RECORDED,
            )
            for y in years
        ),
        numeric=(False, True, True, True),
    )


# --- 4. outcomes, targets and indicators; 5. evidence -----------------------------------------


def _targets(s: _Service) -> Table:
    i, r, years = s.i, s.r, s.plan.years
    baseline = s.today_part * i.effect
    lowest = min(s.part[y] * i.effect for y in years)
    if i.current_budget <= 0:
        against = s.words["targets_new"]
    elif round(lowest) < round(baseline):
        low_year = min(years, key=lambda y: s.part[y])
        against = s.words.say(
            "targets_below",
            year=low_year,
            today=fmt.money(i.current_budget),
            then=fmt.money(r.proposed.get(low_year, 0.0)),
        )
    else:
        against = s.words["targets_held"]
    return Table(
        "targets",
        s.words["targets_table"],
        ("Outcome", "Baseline (today)", *(str(y) for y in years), "Against today"),
        tuple(
            (
                s.names[o],
                fmt.number(baseline)
                if i.current_budget > 0
                else ("new service" if i.is_candidate else "not funded today"),
                *(fmt.number(s.part[y] * i.effect) for y in years),
                against,
            )
            for o in i.outcomes
        ),
        numeric=(False, True, *(True,) * len(years), False),
    )


def _provider_measures(s: _Service) -> Table:
    """The provider's own measures, each with a number for every funded year."""
    i, years = s.i, s.plan.years
    return Table(
        "provider-measures",
        s.words["measures_table"],
        ("Measure", *(str(y) for y in years)),
        (
            ("Participants starting", *(fmt.number(s.part[y]) for y in years)),
            (
                "Participants achieving the targeted outcome",
                *(fmt.number(s.part[y] * i.effect) for y in years),
            ),
            (
                "Cost per participant, at most",
                *(fmt.money_exact(i.unit_cost) if s.part[y] > 0 else "not funded" for y in years),
            ),
        ),
    )


def _indicator_group(s: _Service, outcome_id: str) -> blocks.IndicatorGroup:
    """The library's service measures for an outcome that fit the service's level, as
    compact lines with the baseline from the data and a target every year."""
    plan, i = s.plan, s.i
    data = plan.inputs.data
    lib = plan.content.indicators
    names = {d.district_id: d.name for d in data.districts}
    items = []
    for ind in lib.for_outcome(outcome_id):
        if ind.measure != "service" or not ind.fits(i.level):
            continue
        base = baseline(data, ind.indicator_id, i.district_id)
        target = (
            held_targets(ind, base, s.funded).text
            if base is not None
            else "set when a baseline is recorded"
        )
        items.append(
            Fact(
                ind.name,
                f"{fmt.full_stop(ind.definition)} Unit: {ind.unit}; {ind.direction_text}. "
                f"Baseline: {baseline_text(base, ind, names)}. Target: {target}. "
                f"Source: {fmt.full_stop(ind.source)}",
            )
        )
    note = (
        ""
        if items
        else (
            s.words.say("indicators_none_at_level", level=i.level)
            if lib.for_outcome(outcome_id)
            else lib.fallback
        )
    )
    return blocks.IndicatorGroup(plan.outcome_name(outcome_id), tuple(items), note)


def _evidence(s: _Service) -> tuple[Fact, ...]:
    i, r = s.i, s.r
    sc = s.plan.inputs.scenario
    multiplier = sc.evidence_multiplier.get(i.evidence_level, 0.0) * (
        sc.mixed_findings_factor if i.mixed_findings else 1.0
    )
    return (
        Fact("Evidence rating", f"{i.evidence_level}{'*' if i.mixed_findings else ''} (EIF scale)"),
        Fact("Mixed findings", "yes" if i.mixed_findings else "no"),
        Fact(
            "Effect",
            s.words.say("effect", effect=format_percent(i.effect)),
        ),
        Fact("Evidence weight in the plan", fmt.decimal(multiplier)),
        Fact("Unit cost", f"{fmt.money_exact(i.unit_cost)} per participant a year"),
        Fact("Late costs avoided per £1", pence(r.benefit_cost_ratio))
        if r.benefit_cost_ratio is not None
        else Fact(
            "Value per £1,000", f"{format_outcomes(r.value_per_pound * 1000)} weighted outcomes"
        ),
    )


# --- 6. standards, 7. monitoring, 8. review: what the standard terms leave to the service -----


def _citations(s: _Service) -> Mapping[str, blocks.TermsCitation]:
    terms = s.plan.terms
    citing = [sid for sid in s.sections if terms.numbered.get(sid)]
    return MappingProxyType({sid: cite(terms, sid, full=n == 0) for n, sid in enumerate(citing)})


def _monitoring(s: _Service, n_indicators: int) -> tuple[Fact, ...]:
    plan, i, funded = s.plan, s.i, s.funded
    reporting_clause = plan.terms.number_of("monitoring", TERMS_ITEMS["monitoring"][0])
    escalation_clause = plan.terms.number_of("monitoring", TERMS_ITEMS["monitoring"][1])
    return (
        Fact(
            "Quarterly returns",
            s.words.say(
                "monitoring_returns",
                returns=4 * len(funded),
                first=fmt.long_date(plan.quarter_end(funded[0], 0)),
                last=fmt.long_date(plan.quarter_end(funded[-1], 3)),
                clause=reporting_clause,
            ),
        ),
        Fact(
            "Reported against",
            s.words.say(
                "monitoring_against",
                section=s.sections["outcomes"].number,
                start=funded[0],
                end=funded[-1],
                outcomes="; ".join(s.names[o] for o in i.outcomes),
            )
            + (
                " "
                + s.words.say(
                    "monitoring_indicators",
                    indicators=f"{n_indicators} indicator{'s' if n_indicators != 1 else ''}",
                )
                if n_indicators
                else ", " + s.words["monitoring_by_level"]
            ),
        ),
        Fact(
            "If a target is missed",
            s.words.say("monitoring_escalation", clause=escalation_clause),
        ),
    )


def _review(s: _Service) -> tuple[Fact, ...]:
    plan, i, funded = s.plan, s.i, s.funded
    review_dates = [fmt.long_date(plan.year_end(y)) for y in funded]
    exit_clauses = plan.terms.numbers("review") if plan.terms.numbered.get("review") else ""
    return (
        Fact("Current contract", _contract_note(s)),
        Fact(
            "Annual reviews",
            s.words.say(
                "review_dates",
                dates=(
                    ", ".join(review_dates[:-1]) + " and " + review_dates[-1]
                    if len(review_dates) > 1
                    else review_dates[0]
                ),
                section=s.sections["outcomes"].number,
                start=funded[0],
                end=funded[-1],
            ),
        ),
        Fact(
            "Exit arrangements",
            s.words.say(
                "review_exit",
                as_required=(
                    f" as clause {exit_clauses} of the standard terms requires"
                    if exit_clauses
                    else ""
                ),
                participants=fmt.number(s.part[s.last]),
                year=s.last,
                moving_to=(
                    "other services at the same level of need"
                    if i.level > 1
                    else "universal services"
                ),
                where=s.where,
            ),
        ),
    )


def _decision_sentence(s: _Service) -> str:
    plan, i, r = s.plan, s.i, s.r
    y0, y1 = plan.years[0], plan.final_year
    first, final = r.proposed.get(y0, 0.0), r.final
    if r.decision == "commission":
        start = next(y for y in plan.years if r.proposed.get(y, 0.0) >= 1.0)
        return s.words.say(
            "purpose_commission",
            start=start,
            first=fmt.money(r.proposed[start]),
            final=fmt.money(final),
            year=y1,
        )
    if r.decision == "grow":
        return s.words.say(
            "purpose_grow",
            today=fmt.money(i.current_budget),
            final=fmt.money(final),
            year=y1,
            change=fmt.percent_change(i.current_budget, final),
        )
    return s.words.say(
        "purpose_maintain",
        today=fmt.money(i.current_budget),
        first=fmt.money(first),
        start=y0,
        final=fmt.money(final),
        year=y1,
    )


def _contract_note(s: _Service) -> str:
    plan, i, funded = s.plan, s.i, s.funded
    start = fmt.long_date(plan.year_start(funded[0]))
    if i.is_candidate:
        return s.words.say("contract_new", start=start)
    if i.contract_end is None:
        return s.words["no_contract_end"]
    ends = fmt.long_date(plan.year_end(i.contract_end))
    if i.contract_end < plan.years[0]:
        return s.words.say("contract_ended", end=i.contract_end, ends=ends, start=start)
    if i.contract_end < funded[-1]:
        nxt = fmt.long_date(plan.year_start(i.contract_end + 1))
        return s.words.say(
            "contract_short", end=i.contract_end, ends=ends, start=nxt, until=funded[-1]
        )
    return s.words.say("contract_runs", end=i.contract_end, ends=ends)
