"""The quarterly report to a district sub-group and the partnership report, from a scorecard.

Same machinery and standards as the other documents: a typed context per template, every
figure formatted here (never blank, `None` or `nan`), the wording in `specs/`
(`quarterly_report.yaml`, `partnership_report.yaml`), the layout in `templates/`. The
figures are those of `commissioning.monitor.scorecard`; RAG ratings are written as words,
so they read the same in print, in grey and to a screen reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from commissioning.documents.content import fill
from commissioning.documents.contexts import (
    BarChart,
    DocumentError,
    Fact,
    Meta,
    Plan,
    Section,
    Table,
    bar_chart,
    branding,
    long_date,
    money,
    money_exact,
    number,
)
from commissioning.documents.contexts.blocks import DocumentContext
from commissioning.documents.phrases import Words
from commissioning.formatting import format_percent
from commissioning.inputs.model import COUNTY
from commissioning.monitor.scorecard import (
    Figures,
    Rag,
    RollUp,
    Scorecard,
    ServiceCard,
    delivery_rag,
)
from commissioning.monitor.value import ValueCard

RAG_WORDS: Mapping[str, str] = {"green": "Green", "amber": "Amber", "red": "Red"}


@dataclass(frozen=True)
class OffTrack:
    """One service rated amber or red: why, and what its provider said."""

    title: str
    rating: str
    facts: tuple[Fact, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class QuarterlyContext(DocumentContext):
    """The quarterly report of one district (or the county-wide services) to its sub-group."""

    template: ClassVar[str] = "quarterly_report.html"
    glance: tuple[Fact, ...]
    progress: Table
    targets: Table
    trend_participants: BarChart
    trend_outcomes: BarChart
    trend: Table
    services: Table
    off_track: tuple[OffTrack, ...]
    off_track_none: str
    reporting: tuple[str, ...]
    escalation: tuple[str, ...]


@dataclass(frozen=True)
class PartnershipContext(DocumentContext):
    """The partnership report: every district and every outcome of the framework."""

    template: ClassVar[str] = "partnership_report.html"
    glance: tuple[Fact, ...]
    headlines: tuple[Fact, ...]
    districts: Table
    outcomes: Table
    value: Table
    value_note: str
    off_track: Table


# --------------------------------------------------------------------------- pieces


def rag_word(rag: Rag) -> str:
    return RAG_WORDS[rag]


def _of(actual: float, planned: float) -> str:
    """'87.5% of plan', or a plain word when nothing was planned."""
    if planned <= 0:
        return "none planned"
    return f"{format_percent(actual / planned)} of plan"


def _period(card: Scorecard, quarters: Sequence[str]) -> str:
    """'plan year 2027, quarters 1 to 2 (April to June to July to September)'."""
    q = card.quarter
    if len(quarters) >= q:
        first, last = quarters[0].split(" to ")[0], quarters[q - 1].split(" to ")[-1]
        names = f" ({first} to {last})"
    else:
        names = ""
    which = "quarter 1" if q == 1 else f"quarters 1 to {q}"
    return f"plan year {card.year}, {which}{names}"


def _meta(
    plan: Plan,
    card: Scorecard,
    kind: str,
    subject: str,
    sections: Mapping[str, Section],
) -> Meta:
    text = plan.content.documents[kind]
    return Meta(
        branding=branding(plan.content),
        kind=kind,
        doc_title=text.title,
        subject=subject,
        running_title=f"{text.title}: {subject}",
        status=text.status,
        issued=long_date(plan.issued),
        period=_period(card, plan.content.reporting.quarters),
        plan=plan.plan_line(),
        audit=plan.audit_line(),
        footer=f"{plan.content.partnership.name} \u00b7 plan {plan.short_sha()} \u00b7 "
        f"returns to {card.year} Q{card.quarter}",
        sections=tuple(sections.values()),
    )


def _progress_rows(f: Figures, words: Words) -> tuple[tuple[str, ...], ...]:
    return (
        (
            "Spend",
            money(f.planned_spend),
            money(f.actual_spend),
            _of(f.actual_spend, f.planned_spend),
            rag_word(f.spend_rag),
        ),
        (
            "Children and families starting",
            number(f.planned_participants),
            number(f.actual_participants),
            _of(f.actual_participants, f.planned_participants),
            rag_word(f.participants_rag),
        ),
        (
            words["outcomes_row"],
            number(f.expected_outcomes),
            number(f.actual_outcomes),
            _of(f.actual_outcomes, f.expected_outcomes),
            rag_word(f.outcomes_rag),
        ),
    )


def _why(s: ServiceCard) -> str:
    f = s.figures
    parts = []
    if s.missing_quarters:
        qs = s.missing_quarters
        which = (
            f"quarter {qs[0]}"
            if len(qs) == 1
            else "quarters " + ", ".join(map(str, qs[:-1])) + f" and {qs[-1]}"
        )
        parts.append(f"no return for {which}")
    if s.figures.spend_rag != "green":
        parts.append(f"spend {_of(f.actual_spend, f.planned_spend)}")
    if s.figures.participants_rag != "green":
        parts.append(f"participants {_of(f.actual_participants, f.planned_participants)}")
    if s.figures.outcomes_rag != "green":
        parts.append(
            f"outcomes {_of(f.actual_outcomes, f.expected_outcomes).replace('plan', 'expected')}"
        )
    return "; ".join(parts) or "on track"


def _service_rows(services: Sequence[ServiceCard]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for s in services:
        f = s.figures
        rows.append(
            (
                f"{s.initiative.name} ({s.initiative_id})",
                f"{money(f.actual_spend)} of {money(f.planned_spend)}",
                f"{number(f.actual_participants)} of {number(f.planned_participants)}",
                f"{number(f.actual_outcomes)} of {number(f.expected_outcomes)}",
                rag_word(s.spend_rag),
                rag_word(s.participants_rag),
                rag_word(s.outcomes_rag),
            )
        )
    return tuple(rows)


SERVICE_HEADERS = (
    "Service",
    "Spend to date (of planned)",
    "Participants (of planned)",
    "Outcomes (of expected)",
    "Spend rating",
    "People rating",
    "Outcomes rating",
)


def _effect_text(s: ServiceCard) -> str:
    interval = s.effect_interval
    if s.realised_effect is None or interval is None:
        return "no participants yet"
    low, high = interval
    return (
        f"{format_percent(s.realised_effect, 1)} (90% interval {format_percent(low, 1)} to "
        f"{format_percent(high, 1)}), "
        f"against {format_percent(s.initiative.effect, 1)} planned"
    )


def _off_track(s: ServiceCard, quarters: Sequence[str]) -> OffTrack:
    f = s.figures
    cost = s.realised_unit_cost
    facts = (
        Fact("Provider", s.initiative.provider),
        Fact("Why", _why(s)),
        Fact("Spend to date", f"{money(f.actual_spend)} of {money(f.planned_spend)} planned"),
        Fact(
            "Children and families starting",
            f"{number(f.actual_participants)} of {number(f.planned_participants)} planned",
        ),
        Fact(
            "Outcomes achieved",
            f"{number(f.actual_outcomes)}; {number(f.expected_outcomes)} expected of those "
            f"participants; target to date {number(f.target_outcomes)}",
        ),
        Fact("Effect so far", _effect_text(s)),
        Fact(
            "Cost per participant so far",
            f"{money_exact(cost)} against {money_exact(s.initiative.unit_cost)} planned"
            if cost is not None
            else "no participants yet",
        ),
    )
    notes = tuple(
        f"Quarter {q}{_quarter_name(q, quarters)}: {' '.join(text.split())}" for q, text in s.notes
    )
    return OffTrack(f"{s.initiative.name} ({s.initiative_id})", rag_word(s.rag), facts, notes)


def _lower_first(text: str) -> str:
    """'Each provider' -> 'each provider', but 'PEI ...' stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _quarter_name(q: int, quarters: Sequence[str]) -> str:
    return f" ({quarters[q - 1]})" if len(quarters) >= q else ""


def trend_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float, float]]) -> BarChart:
    """Planned against reported, one pair of bars per quarter (people, not money)."""
    return bar_chart(
        chart_id,
        title,
        rows,
        0,
        ("Planned (expected)", "Reported"),
        value_format=number,
        description="; ".join(
            f"{label}: {number(a)} planned, {number(b)} reported" for label, a, b in rows
        ),
    )


# --------------------------------------------------------------------------- documents


def district_keys(card: Scorecard) -> tuple[str, ...]:
    """The districts (and COUNTY) with a service in the scorecard."""
    return tuple(d.key for d in card.districts)


def quarterly_context(plan: Plan, card: Scorecard, district_id: str) -> QuarterlyContext:
    """The quarterly report of one district's services (COUNTY: the county-wide ones)."""
    data = plan.inputs.data
    group = next((d for d in card.districts if d.key == district_id), None)
    if group is None:
        raise DocumentError(f"no service of {district_id} is in the scorecard")
    partnership = plan.content.partnership
    if district_id == COUNTY:
        name = "County-wide services"
        sub_group = partnership.county_sub_group
    else:
        name = data.district(district_id).name
        sub_group = partnership.sub_group.format(district=name)
    wording = plan.wording("quarterly", "agreement", name, sub_group)
    fields, sections, words = wording.fields, wording.sections, wording.words
    quarters = plan.content.reporting.quarters
    f = group.figures
    services = group.services
    off = [s for s in services if s.off_track]
    glance = (
        Fact("District", name),
        Fact("Reported to", sub_group),
        Fact("Period", _period(card, quarters)),
        Fact(
            "Services",
            f"{len(services)}: {group.count('green')} green, {group.count('amber')} amber, "
            f"{group.count('red')} red",
        ),
        Fact("Spend to date", f"{money(f.actual_spend)} of {money(f.planned_spend)} planned"),
        Fact(
            "Outcomes achieved",
            f"{number(f.actual_outcomes)} against a target to date of {number(f.target_outcomes)}",
        ),
    )
    progress = Table(
        "progress",
        words.say("progress_table", quarter=card.quarter, year=card.year),
        ("Measure", "Planned to date", "Reported", "Share", "Rating"),
        _progress_rows(f, words),
        numeric=(False, True, True, True, False),
        fixed_widths=(40.0, 18.0, 18.0, 14.0, 10.0),
    )
    by_outcome: dict[str, list[ServiceCard]] = {}
    for s in services:
        for oid in s.initiative.outcomes:
            by_outcome.setdefault(oid, []).append(s)
    target_rows = []
    for outcome in data.outcomes:
        members = by_outcome.get(outcome.outcome_id)
        if not members:
            continue
        t = Figures.total(s.figures for s in members)
        target_rows.append(
            (
                outcome.name,
                number(t.target_outcomes),
                number(t.expected_outcomes),
                number(t.actual_outcomes),
                _of(t.actual_outcomes, t.target_outcomes).replace("plan", "target"),
                rag_word(delivery_rag(t.actual_outcomes, t.target_outcomes)),
            )
        )
    targets = Table(
        "targets",
        words["targets_table"],
        (
            "Outcome",
            "Target to date",
            "Expected of those who started",
            "Achieved",
            "Against the target",
            "Rating against the target",
        ),
        tuple(target_rows),
        numeric=(False, True, True, True, True, False),
        empty=words["targets_empty"],
    )
    per_quarter = [
        (
            f"Q{c.quarter}",
            Figures.total(s.quarters[c.quarter - 1].figures for s in services),
            sum(1 for s in services if not s.quarters[c.quarter - 1].reported
                and s.quarters[c.quarter - 1].figures.planned_spend > 0),
        )
        for c in services[0].quarters
    ]  # fmt: skip
    trend = Table(
        "trend",
        words["trend_table"],
        (
            "Quarter",
            "Spend (planned)",
            "Spend (reported)",
            "Participants (planned)",
            "Participants (reported)",
            "Outcomes (expected)",
            "Outcomes (reported)",
            "Returns missing",
        ),
        tuple(
            (
                f"{label}{_quarter_name(int(label[1:]), quarters)}",
                money(q.planned_spend),
                money(q.actual_spend),
                number(q.planned_participants),
                number(q.actual_participants),
                number(q.expected_outcomes),
                number(q.actual_outcomes),
                number(missing),
            )
            for label, q, missing in per_quarter
        ),
    )
    trend_participants = trend_chart(
        "trend-participants",
        words["trend_participants"],
        [(label, q.planned_participants, q.actual_participants) for label, q, _ in per_quarter],
    )
    trend_outcomes = trend_chart(
        "trend-outcomes",
        words["trend_outcomes"],
        [(label, q.expected_outcomes, q.actual_outcomes) for label, q, _ in per_quarter],
    )
    service_table = Table(
        "services",
        words["services_table"],
        SERVICE_HEADERS,
        _service_rows(services),
        numeric=(False, True, True, True, False, False, False),
        fixed_widths=(31.0, 16.0, 13.0, 11.0, 9.0, 9.0, 11.0),
    )
    reporting = tuple(
        fill(f"{r.title}: {_lower_first(r.by)} to {r.to}, {_lower_first(r.when)}.", fields)
        for r in plan.content.reporting.returns
    )
    escalation = tuple(fill(e, fields) for e in plan.content.reporting.escalation)
    return QuarterlyContext(
        meta=_meta(plan, card, "quarterly", name, sections),
        sections=sections,
        glance=glance,
        progress=progress,
        targets=targets,
        trend_participants=trend_participants,
        trend_outcomes=trend_outcomes,
        trend=trend,
        services=service_table,
        off_track=tuple(_off_track(s, quarters) for s in off),
        off_track_none=words["off_track_none"],
        reporting=reporting,
        escalation=escalation,
    )


def _rollup_rows(groups: Sequence[RollUp]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            g.name,
            number(len(g.services)),
            f"{g.count('green')} / {g.count('amber')} / {g.count('red')}",
            f"{money(g.figures.actual_spend)} of {money(g.figures.planned_spend)}",
            f"{number(g.figures.actual_participants)} of {number(g.figures.planned_participants)}",
            f"{number(g.figures.actual_outcomes)} of {number(g.figures.expected_outcomes)}",
            rag_word(g.spend_rag),
            rag_word(g.participants_rag),
            rag_word(g.outcomes_rag),
        )
        for g in groups
    )


ROLLUP_HEADERS = (
    "Services",
    "Green / amber / red",
    "Spend to date (of planned)",
    "Participants (of planned)",
    "Outcomes (of expected)",
    "Spend rating",
    "People rating",
    "Outcomes rating",
)
ROLLUP_WIDTHS = (13.0, 9.0, 10.0, 16.0, 13.0, 11.0, 8.0, 9.0, 11.0)


def partnership_context(
    plan: Plan, card: Scorecard, value: ValueCard | None = None
) -> PartnershipContext:
    """The partnership report: the scorecard by district and by outcome, for the board."""
    wording = plan.wording("partnership", "report", "", "")
    sections, words = wording.sections, wording.words
    t = card.total
    services = card.services
    red = sum(1 for s in services if s.rag == "red")
    amber = sum(1 for s in services if s.rag == "amber")
    missing = sum(1 for s in services if s.missing_quarters)
    glance = (
        Fact("Period", _period(card, plan.content.reporting.quarters)),
        Fact("Services", f"{len(services)}: {len(services) - red - amber} green, "
             f"{amber} amber, {red} red"),
        Fact("Services with a return missing", number(missing)),
    )  # fmt: skip
    headlines = (
        Fact("Spend to date", f"{money(t.actual_spend)} of {money(t.planned_spend)} planned "
             f"({_of(t.actual_spend, t.planned_spend)})"),
        Fact("Children and families starting",
             f"{number(t.actual_participants)} of {number(t.planned_participants)} planned "
             f"({_of(t.actual_participants, t.planned_participants)})"),
        Fact("Outcomes achieved",
             f"{number(t.actual_outcomes)}; {number(t.expected_outcomes)} expected of those "
             f"who started; target to date {number(t.target_outcomes)}"),
        Fact("Services off track", f"{amber} amber, {red} red"),
    )  # fmt: skip
    districts = Table(
        "districts",
        words["districts_table"],
        ("District", *ROLLUP_HEADERS),
        _rollup_rows(card.districts),
        numeric=(False, True, False, True, True, True, False, False, False),
        fixed_widths=ROLLUP_WIDTHS,
    )
    outcomes = Table(
        "outcomes",
        words["outcomes_table"],
        ("Outcome", *ROLLUP_HEADERS),
        _rollup_rows(card.outcomes),
        numeric=(False, True, False, True, True, True, False, False, False),
        fixed_widths=ROLLUP_WIDTHS,
    )
    if value is None:
        value_table = Table(
            "value",
            words["value_table_empty"],
            ("Measure", "Planned to date", "Realised"),
            (),
            empty=words["value_empty"],
        )
        note = ""
    else:
        rows = [
            ("Late-intervention cost avoided", money(value.total.planned),
             money(value.total.realised)),
            *((f"Cashable savings to {who}", money(a.planned), money(a.realised))
              for who, a in value.cashable_by_partner.items()),
        ]  # fmt: skip
        value_table = Table(
            "value",
            words["value_table"],
            ("Measure", "Planned to date", "Realised"),
            tuple(rows),
        )
        note = words["value_note"]
    names = {d.district_id: d.name for d in plan.inputs.data.districts}
    off = [s for s in services if s.off_track]
    off_track = Table(
        "off-track",
        words["off_track_table"],
        ("Service", "District", "Rating", "Why"),
        tuple(
            (
                f"{s.initiative.name} ({s.initiative_id})",
                names.get(s.initiative.district_id, "County-wide"),
                rag_word(s.rag),
                _why(s),
            )
            for s in off
        ),
        numeric=(False, False, False, False),
        empty=words["off_track_empty"],
    )
    return PartnershipContext(
        meta=_meta(
            plan, card, "partnership", f"All districts, {card.year} Q{card.quarter}", sections
        ),
        sections=sections,
        glance=glance,
        headlines=headlines,
        districts=districts,
        outcomes=outcomes,
        value=value_table,
        value_note=note,
        off_track=off_track,
    )


# --------------------------------------------------------------------------- writing


def report_documents(
    plan: Plan, card: Scorecard, value: ValueCard | None, district: str | None = None
) -> list[tuple[str, DocumentContext]]:
    """(file stem, context) of every report: each district's, then the partnership's."""
    keys = [k for k in district_keys(card) if district is None or k == district]
    docs: list[tuple[str, DocumentContext]] = [
        (f"quarterly-{_safe(k)}", quarterly_context(plan, card, k)) for k in keys
    ]
    if district is None:
        docs.append(("partnership-report", partnership_context(plan, card, value)))
    return docs


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text) or "_"


def render_reports(
    plan: Plan,
    card: Scorecard,
    value: ValueCard | None,
    formats: Sequence[str] = ("pdf",),
    district: str | None = None,
) -> dict[str, bytes]:
    """Every report laid out, by file name, ready to be written as one set."""
    from commissioning.documents.render import html_to_pdf, render_html, templates_dir

    files: dict[str, bytes] = {}
    for stem, context in report_documents(plan, card, value, district):
        html = render_html(context.template, context)
        if "html" in formats:
            files[f"{stem}.html"] = html.encode("utf-8")
        if "pdf" in formats:
            files[f"{stem}.pdf"] = html_to_pdf(html, templates_dir())
    return files


def write_reports(
    plan: Plan,
    card: Scorecard,
    value: ValueCard | None,
    out: Path,
    formats: Sequence[str] = ("pdf",),
    district: str | None = None,
) -> list[Path]:
    """Write the reports to `out` as one set (all or none); the files written."""
    from commissioning.export.files import bytes_writer, write_set

    files = render_reports(plan, card, value, formats, district)
    write_set({out / name: bytes_writer(content) for name, content in files.items()})
    return [out / name for name in files]
