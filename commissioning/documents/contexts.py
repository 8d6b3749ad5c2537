"""Typed, documented contexts of the documents, and the builders that make them.

Every figure and sentence a document shows is computed and formatted here, from the
inputs, the result, the plan summary (`summarise_plan`, never re-summed) and the editable
content; templates only lay the values out. A value that cannot be shown is an error
(`DocumentError`) or an explicit "not recorded", never blank, `None` or `nan`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Concatenate, ParamSpec, TypeVar

from commissioning.allocator.formulation import outcome_values
from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.result import InitiativeResult, Result
from commissioning.allocator.wording import ValueUnit, pence, subject
from commissioning.allocator.wording import outcomes as format_outcomes
from commissioning.explain.costs import invest_to_save
from commissioning.explain.summary import (
    LEVEL_LABELS,
    Journey,
    PlanSummary,
    SpendRow,
    summarise_plan,
)
from commissioning.inputs.model import COUNTY, District, Initiative, Inputs
from commissioning.robustness.summary import Robustness

try:  # the shared formatter, when present
    from commissioning.formatting import format_money as _money
except ImportError:  # pragma: no cover - older trees
    from commissioning.allocator.wording import money as _money

from commissioning.documents.content import LOGO_TYPES, Content, DocumentText, fill

NOT_RECORDED = "not recorded"
SPEC_DECISIONS: tuple[str, ...] = ("commission", "grow", "maintain")
"""Services that get a specification: those the plan commissions, grows or maintains."""
DECISION_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "commission": "Commissioned (new services)",
        "grow": "Grown",
        "maintain": "Maintained",
        "reduce": "Reduced",
        "decommission": "Decommissioned",
        "not_commissioned": "Considered and not commissioned",
    }
)
DECISION_MEANINGS: Mapping[str, str] = MappingProxyType(
    {
        "commission": "new programmes funded by the plan",
        "grow": "existing services growing by more than 5%",
        "maintain": "existing services kept within 5% of today's budget",
        "reduce": "existing services reduced by more than 5%",
        "decommission": "existing services whose funding ends within the plan",
        "not_commissioned": "candidate programmes the plan does not fund",
    }
)


class DocumentError(ValueError):
    """A value a document needs is missing or cannot be shown."""


# --- formatting: every document writes numbers the same way -------------------------------


def money(amount: float) -> str:
    """£1,234,567 in whole pounds (via the toolkit's shared formatter)."""
    if not math.isfinite(amount):
        raise DocumentError(f"cannot show {amount!r} as money")
    return _money(amount)


def money_change(amount: float) -> str:
    """+£1,234 / -£1,234 / £0."""
    text = money(amount)
    return "+" + text if text not in ("£0", "-£0") and not text.startswith("-") else text


def number(value: float) -> str:
    """A whole number with thousands separators: 1,234."""
    if not math.isfinite(value):
        raise DocumentError(f"cannot show {value!r} as a number")
    return f"{round(value):,}"


def decimal(value: float, places: int = 2) -> str:
    if not math.isfinite(value):
        raise DocumentError(f"cannot show {value!r} as a number")
    return f"{value:,.{places}f}"


def percent(share: float, places: int = 1) -> str:
    """A share as 41.8%."""
    if not math.isfinite(share):
        raise DocumentError(f"cannot show {share!r} as a percentage")
    return f"{share * 100:.{places}f}%"


def percent_change(before: float, after: float) -> str:
    if before <= 0:
        return "new" if after > 0 else "no change"
    return f"{(after - before) / before * 100:+.0f}%"


def long_date(day: date) -> str:
    """22 November 2026."""
    return f"{day.day} {day:%B %Y}"


def _parse_day(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except (TypeError, ValueError):
        return None


# --- building blocks ------------------------------------------------------------------------


_P = ParamSpec("_P")
_R = TypeVar("_R")
MISSING_WORDS = ("none", "nan", "null")
_DATA_TEXT: ContextVar[frozenset[str]] = ContextVar("data_text", default=frozenset())
"""While a document of a plan is built: the texts of its data (names, providers, ids) that
look like a missing value or a template expression. They are what the data says, shown as
written, so the checks below let them through (see `builds_from_data`)."""


def looks_unfilled(text: str) -> bool:
    """Whether a text looks like a formatting slip: "None", "nan", "null", or "{{"."""
    return text.strip().lower() in MISSING_WORDS or "{{" in text or "}}" in text


def data_text(inputs: Inputs) -> frozenset[str]:
    """The data's own texts that look like a missing value or a template expression (a
    service called "nan" or "{{ 7*7 }}"): documents show them as written."""
    d = inputs.data
    texts = [inputs.scenario.name]
    for i in d.initiatives:
        texts += [i.initiative_id, i.name, i.provider, i.sector]
    for x in d.districts:
        texts += [x.district_id, x.name, x.locality]
    for s in d.streams:
        texts += [s.stream_id, s.name, s.partner]
    for p in d.priorities:
        texts += [p.priority_id, p.name]
    for o in d.outcomes:
        texts += [o.outcome_id, o.name]
    return frozenset(t for t in texts if isinstance(t, str) and looks_unfilled(t))


def builds_from_data(
    build: Callable[Concatenate[Plan, _P], _R],
) -> Callable[Concatenate[Plan, _P], _R]:
    """Let a document builder's checks accept the plan's own odd-looking texts, for the
    length of the call only (so one plan's data never loosens the checks of another)."""

    @functools.wraps(build)
    def wrapped(plan: Plan, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        token = _DATA_TEXT.set(data_text(plan.inputs))
        try:
            return build(plan, *args, **kwargs)
        finally:
            _DATA_TEXT.reset(token)

    return wrapped


def _check_text(value: str, where: str) -> str:
    """A text fit to print: not blank, and not a formatting slip ("None", "nan", "{{"),
    unless the data itself says so."""
    if not isinstance(value, str) or not value.strip():
        raise DocumentError(f"{where} is blank")
    allowed = _DATA_TEXT.get()
    if not looks_unfilled(value) or value.strip() in allowed:
        return value
    rest = value
    for text in sorted(allowed, key=len, reverse=True):
        rest = rest.replace(text, "")
    if rest.strip().lower() in MISSING_WORDS or "{{" in rest or "}}" in rest:
        raise DocumentError(f"{where} would show {value!r}")
    return value


@dataclass(frozen=True)
class Fact:
    """A labelled value, for key-value lists."""

    label: str
    value: str

    def __post_init__(self) -> None:
        _check_text(self.label, "a fact's label")
        _check_text(self.value, f"the fact {self.label!r}")


@dataclass(frozen=True)
class RowGroup:
    """A titled group of rows in a table (its rows are also the table's `rows`, in order)."""

    group_id: str
    title: str
    size: int
    """How many of the table's rows, from where the previous group ended, belong to it."""
    empty: str = ""
    """Shown instead of rows when the group has none."""
    note: str = ""
    """An optional line after the group's rows."""


@dataclass(frozen=True)
class Table:
    """A table ready to lay out: headers, rows of formatted text, an optional total row.

    Every cell is checked on construction: none is blank, `None` or `nan`, and every row
    has one cell per header. A table without rows shows `empty` instead.
    """

    table_id: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    """Columns aligned right (figures); default: every column but the first."""
    total: tuple[str, ...] = ()
    empty: str = ""
    style: str = ""
    """An extra CSS class: `write-in` for space to fill in by hand, `compact`."""
    fixed_widths: tuple[float, ...] = ()
    """Column widths in per cent, where a layout is known in advance."""
    groups: tuple[RowGroup, ...] = ()
    """Titled groups of the rows, each under a full-width heading row: one table with one
    header instead of a table per group, which is much cheaper to lay out."""

    def __post_init__(self) -> None:
        n = len(self.headers)
        if not self.numeric:
            object.__setattr__(self, "numeric", (False,) + (True,) * (n - 1))
        if len(self.numeric) != n:
            raise DocumentError(
                f"table {self.table_id}: {len(self.numeric)} alignments for {n} columns"
            )
        for h in self.headers:
            _check_text(h, f"a header of table {self.table_id}")
        for r, row in enumerate((*self.rows, *((self.total,) if self.total else ())), 1):
            if len(row) != n:
                raise DocumentError(
                    f"table {self.table_id} row {r} has {len(row)} cells for {n} columns"
                )
            for header, cell in zip(self.headers, row, strict=True):
                _check_text(cell, f"table {self.table_id} row {r}, column {header!r}")
        if self.groups:
            if sum(g.size for g in self.groups) != len(self.rows):
                raise DocumentError(f"table {self.table_id}: its groups do not cover its rows")
            for g in self.groups:
                _check_text(g.title, f"a group title of table {self.table_id}")
                if not g.size:
                    _check_text(g.empty, f"the empty message of group {g.group_id}")
        elif not self.rows:
            _check_text(self.empty, f"the empty message of table {self.table_id}")
        if self.fixed_widths and len(self.fixed_widths) != n:
            raise DocumentError(
                f"table {self.table_id}: {len(self.fixed_widths)} widths for {n} columns"
            )

    @property
    def align(self) -> tuple[str, ...]:
        """The CSS class of each column: `num` (right-aligned figures, kept on one line when
        every cell is a single figure) or `text`."""
        rows = (*self.rows, *((self.total,) if self.total else ()))
        out = []
        for c, numeric in enumerate(self.numeric):
            if not numeric:
                out.append("text")
            elif all(" " not in row[c] for row in rows):
                out.append("num nw")
            else:
                out.append("num")
        return tuple(out)

    @property
    def classes(self) -> str:
        """CSS classes: the style, and `short` for a table small enough never to split."""
        short = len(self.rows) + len(self.groups) <= 8
        return " ".join(c for c in (self.style, "short" if short else "") if c)

    @property
    def grouped_rows(self) -> tuple[tuple[RowGroup, tuple[tuple[str, ...], ...]], ...]:
        """Each group with its rows."""
        out, start = [], 0
        for g in self.groups:
            out.append((g, self.rows[start : start + g.size]))
            start += g.size
        return tuple(out)

    @property
    def widths(self) -> tuple[float, ...]:
        """Column widths in per cent: `fixed_widths` if given, else estimated from the text.

        Tables are laid out with fixed widths, several times faster to typeset than
        automatic layout; the estimate gives figures their full length and text columns
        room in proportion to what they hold.
        """
        if self.fixed_widths:
            return self.fixed_widths
        rows = (*self.rows, *((self.total,) if self.total else ()))
        weights = []
        for c, header in enumerate(self.headers):
            cells = [row[c] for row in rows]
            longest_word = max((len(w) for t in (header, *cells) for w in t.split()), default=4)
            if self.numeric[c]:
                figures = [len(x) for x in cells if " " not in x]
                w = max([x * 1.3 for x in figures] + [longest_word * 1.1]) + 1
            else:
                mean = sum(len(x) for x in cells) / len(cells) if cells else len(header)
                w = max(longest_word * 1.1, min(mean * 0.7, 30))
            weights.append(w + 2)
        total = sum(weights)
        return tuple(round(w / total * 100, 2) for w in weights)


@dataclass(frozen=True)
class ClauseView:
    clause_id: str
    title: str
    paragraphs: tuple[str, ...]
    points: tuple[str, ...]
    number: str = ""
    """Its number where a document cites clauses by number (the standard terms: "2.1")."""

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Section:
    """A numbered section: its title and introduction from the content files."""

    section_id: str
    number: int
    title: str
    intro: tuple[str, ...]
    clauses: tuple[ClauseView, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class Bar:
    """One bar of an SVG chart, in the chart's own units."""

    x: float
    y: float
    width: float
    height: float
    series: str
    """`today` or `plan`: the CSS class that colours it."""
    value: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class LegendItem:
    series: str
    label: str
    x: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal grouped bar chart (today against the plan's final year)."""

    chart_id: str
    title: str
    description: str
    width: float
    height: float
    label_x: float
    """Where row labels end (they are right-aligned against the bars)."""
    axis_x: float
    rows: tuple[ChartRow, ...]
    legend: tuple[LegendItem, ...]
    legend_y: float


@dataclass(frozen=True)
class Branding:
    """The partnership's name, logo and colours, for every page."""

    partnership: str
    logo_uri: str
    """A data: URI of the logo, or "" for none (the template then leaves it out)."""
    primary: str
    accent: str
    light: str
    muted: str
    note: str


@dataclass(frozen=True)
class Meta:
    """What every document shows on its cover and in its running header and footer."""

    branding: Branding
    kind: str
    doc_title: str
    subject: str
    running_title: str
    status: str
    issued: str
    period: str
    plan: str
    """The plan the document was made from: fingerprint, scenario and solver."""
    audit: str
    """The audit trail's head when the plan was stored, so a trail rewritten after this
    document was issued can be shown not to hold it (`commissioning audit verify --expect`)."""
    footer: str
    sections: tuple[Section, ...]
    """In order, for the contents list."""


@dataclass(frozen=True)
class IndicatorGroup:
    """An outcome's indicators, one compact line each (name, then definition, unit, which way
    is better, baseline and source), or the library's fallback text when it records none."""

    outcome: str
    items: tuple[Fact, ...]
    note: str

    def __post_init__(self) -> None:
        if not self.items:
            _check_text(self.note, f"the fallback for {self.outcome}")


@dataclass(frozen=True)
class TermsCitation:
    """What a section of a specification applies from the standard terms, by clause number:
    a sentence naming the terms and their version, then each clause cited ("2.1 Safeguarding").
    """

    text: str
    items: tuple[str, ...]

    def __post_init__(self) -> None:
        _check_text(self.text, "a citation of the standard terms")
        for item in self.items:
            _check_text(item, "a clause cited from the standard terms")


@dataclass(frozen=True)
class PriorityObjectives:
    priority: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class SpecContext:
    """An outcomes-based service specification for one service."""

    meta: Meta
    sections: Mapping[str, Section]
    details: tuple[Fact, ...]
    objectives: tuple[str, ...]
    """The service's measurable objectives, from the plan."""
    priority_objectives: PriorityObjectives
    budget: Table
    purpose: tuple[str, ...]
    strategic_fit: tuple[str, ...]
    population: tuple[str, ...]
    participants: Table
    targets: Table
    indicators: tuple[IndicatorGroup, ...]
    evidence: tuple[Fact, ...]
    evidence_text: tuple[str, ...]
    terms: Mapping[str, TermsCitation]
    """By section id: the clauses of the standard terms the section applies."""
    monitoring: tuple[Fact, ...]
    """This service's own reporting: its quarters, what it reports against, to whom."""
    review: tuple[Fact, ...]
    """This service's contract, review dates and exit arrangements."""


@dataclass(frozen=True)
class TermsContext:
    """The standard terms for PEI service specifications, printed once and cited by number."""

    meta: Meta
    sections: Mapping[str, Section]
    """Numbered clauses: section 2's clauses are 2.1, 2.2, ..."""
    about: tuple[Fact, ...]
    reporting_heading: str
    """'3.1 Reporting cadence'."""
    reporting: Table
    quarters: str
    escalation_heading: str
    escalation: tuple[str, ...]


@dataclass(frozen=True)
class SlaContext:
    """A district service level agreement."""

    meta: Meta
    sections: Mapping[str, Section]
    glance: tuple[Fact, ...]
    parties: tuple[Fact, ...]
    needs_facts: tuple[Fact, ...]
    needs: Table
    priorities: Table
    priority_objectives: tuple[PriorityObjectives, ...]
    resources_streams: Table
    resources_levels: Table
    services: Table
    """Every service of the district, grouped by decision."""
    journeys: Table
    """The district's services the plan stops and later funds again."""
    targets: Table
    scorecard: Table
    """Grouped by outcome: the plan's target, then the library's indicators."""
    reporting: Table
    quarters: str
    escalation: tuple[str, ...]
    local_targets: Table
    sign_off: Table


@dataclass(frozen=True)
class SummaryContext:
    """The plan summary for the partnership board."""

    meta: Meta
    sections: Mapping[str, Section]
    glance: tuple[Fact, ...]
    headlines: tuple[Fact, ...]
    levels: Table
    levels_chart: BarChart
    priorities: Table
    priorities_chart: BarChart
    districts: Table
    districts_chart: BarChart
    streams: Table
    streams_chart: BarChart
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


@dataclass(frozen=True)
class IndexLink:
    title: str
    detail: str
    links: tuple[tuple[str, str], ...]
    """(label, relative file name), e.g. ("PDF", "sla-PEN.pdf")."""


@dataclass(frozen=True)
class IndexGroup:
    title: str
    items: tuple[IndexLink, ...]


@dataclass(frozen=True)
class IndexContext:
    """The index page linking every document produced."""

    branding: Branding
    title: str
    plan: str
    audit: str
    issued: str
    groups: tuple[IndexGroup, ...]


# --- the plan, prepared once for every document ----------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Inputs, result, summary and content together, with lookups every builder needs."""

    inputs: Inputs
    result: Result
    summary: PlanSummary
    content: Content
    issued: date
    by_initiative: Mapping[str, tuple[tuple[str, int, float], ...]] = field(repr=False)
    """Allocations of each initiative: (stream_id, year, amount)."""
    robustness: Robustness | None = field(default=None, repr=False)
    """How sure each decision is over plausible figures, when a check was run for it."""

    @property
    def years(self) -> tuple[int, ...]:
        return self.result.years

    @property
    def final_year(self) -> int:
        return self.result.years[-1]

    def outcome_of(self, initiative_id: str) -> InitiativeResult:
        return self.result.initiatives_by_id[initiative_id]


def prepare(
    inputs: Inputs,
    result: Result,
    content: Content,
    issued: date | None = None,
    robustness: Robustness | None = None,
) -> Plan:
    """Everything the builders share, checked once: an optimal plan for these inputs (and,
    when given, a robustness check of the same inputs)."""
    if result.status != "optimal" or result.objective is None:
        raise DocumentError("the result holds no plan (the scenario was infeasible)")
    if not result.years:
        raise DocumentError("the result has no plan years")
    missing = [
        i.initiative_id
        for i in inputs.data.initiatives
        if i.initiative_id not in result.initiatives_by_id
    ]
    if missing:
        raise DocumentError(f"the result has no decision for {', '.join(missing[:5])}")
    allocations: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for a in result.allocations:
        allocations[a.initiative_id].append((a.stream_id, a.year, a.amount))
    return Plan(
        inputs=inputs,
        result=result,
        summary=summarise_plan(inputs, result),
        content=content,
        issued=issued or date.today(),
        by_initiative=MappingProxyType({k: tuple(v) for k, v in allocations.items()}),
        robustness=_robustness_for(result, robustness),
    )


def _robustness_for(result: Result, robustness: Robustness | None) -> Robustness | None:
    """The robustness check, if it reads the same inputs as the plan."""
    if robustness is None:
        return None
    if robustness.inputs_sha256 != result.provenance.inputs_sha256:
        raise DocumentError(
            "the robustness check was made from other data than the plan: run it again"
        )
    missing = set(result.initiatives_by_id) - set(robustness.by_id)
    if missing:
        raise DocumentError(
            f"the robustness check says nothing of {', '.join(sorted(missing)[:5])}: run it again"
        )
    return robustness


def district_summary(plan: Plan, district_id: str) -> PlanSummary:
    """The plan summary of one district's own services (summarise_plan on that subset)."""
    data = plan.inputs.data
    ids = {i.initiative_id for i in data.initiatives if i.district_id == district_id}
    sub_inputs = replace(
        plan.inputs,
        data=replace(
            data, initiatives=tuple(i for i in data.initiatives if i.initiative_id in ids)
        ),
    )
    sub_result = replace(
        plan.result,
        initiatives=tuple(r for r in plan.result.initiatives if r.initiative_id in ids),
        allocations=tuple(a for a in plan.result.allocations if a.initiative_id in ids),
        constraints=(),
    )
    return summarise_plan(sub_inputs, sub_result)


# --- shared pieces ---------------------------------------------------------------------------


def _year_start(plan: Plan, year: int) -> date:
    p = plan.content.partnership
    return date(year, p.year_start_month, p.year_start_day)


def _year_end(plan: Plan, year: int) -> date:
    return _year_start(plan, year + 1) - timedelta(days=1)


def period_text(plan: Plan, first: int, last: int) -> str:
    """'1 April 2027 to 31 March 2030 (plan years 2027 to 2029)'."""
    years = f"plan year {first}" if first == last else f"plan years {first} to {last}"
    return f"{long_date(_year_start(plan, first))} to {long_date(_year_end(plan, last))} ({years})"


def _branding(content: Content) -> Branding:
    p = content.partnership
    uri = ""
    if p.logo is not None:
        try:
            raw = p.logo.read_bytes()
        except OSError as exc:
            raise DocumentError(f"the logo {p.logo} cannot be read: {exc}") from exc
        uri = f"data:{LOGO_TYPES[p.logo.suffix.lower()]};base64,{base64.b64encode(raw).decode()}"
    c = p.colours
    return Branding(p.name, uri, c.primary, c.accent, c.light, c.muted, p.note)


def _short_sha(plan: Plan) -> str:
    return plan.result.provenance.inputs_sha256[:12]


def _plan_line(plan: Plan) -> str:
    prov = plan.result.provenance
    made = _parse_day(prov.created)
    when = f", solved {long_date(made)}" if made else ""
    solver = prov.solver_version or prov.solver or NOT_RECORDED
    return f"plan {prov.inputs_sha256[:12]} (scenario \u201c{prov.scenario}\u201d{when}; {solver})"


def audit_line(plan: Plan) -> str:
    """Where the plan stands in the store's audit trail, for the control block: the head
    (entry and full hash) when it was stored, or that it was not kept in a store."""
    head = plan.result.provenance.audit_head
    if head is None:
        return "Audit trail: not recorded (the plan was not kept in a store when it was made)."
    sealed = " (sealed with the partnership\u2019s audit key)" if head.get("sealed") else ""
    return (
        f"Audit trail: entry {head['entry']}, hash {head['hash']}{sealed}. To check the "
        "record has not been rewritten since: commissioning audit verify --expect HASH."
    )


def _fields(
    plan: Plan, document: str, district: str, sub_group: str, **more: str
) -> dict[str, str]:
    p = plan.content.partnership
    return {
        "partnership": p.name,
        "strategic_lead": p.strategic_lead,
        "development_officer": p.development_officer,
        "board": p.board,
        "sub_group": sub_group,
        "district": district,
        "document": document,
        "first_year": str(plan.years[0]),
        "last_year": str(plan.final_year),
        **more,
    }


def _sections(text: DocumentText, plan: Plan, fields: Mapping[str, str]) -> Mapping[str, Section]:
    out: dict[str, Section] = {}
    for n, (sid, s) in enumerate(text.sections.items(), 1):
        clauses = tuple(
            ClauseView(
                c.clause_id,
                c.title,
                tuple(fill(p, fields) for p in c.paragraphs),
                tuple(fill(p, fields) for p in c.points),
            )
            for c in (plan.content.clauses[cid] for cid in s.clauses)
        )
        out[sid] = Section(sid, n, s.title, tuple(fill(p, fields) for p in s.intro), clauses)
    return MappingProxyType(out)


def _meta(
    plan: Plan,
    kind: str,
    text: DocumentText,
    subject_: str,
    running: str,
    sections: Mapping[str, Section],
) -> Meta:
    plan_line = _plan_line(plan)
    return Meta(
        branding=_branding(plan.content),
        kind=kind,
        doc_title=text.title,
        subject=subject_,
        running_title=running,
        status=text.status,
        issued=long_date(plan.issued),
        period=period_text(plan, plan.years[0], plan.final_year),
        plan=plan_line,
        audit=audit_line(plan),
        footer=f"{plan.content.partnership.name} \u00b7 plan {_short_sha(plan)}",
        sections=tuple(sections.values()),
    )


def _reporting_table(
    plan: Plan, fields: Mapping[str, str], table_id: str, caption: str = "Reporting cadence"
) -> Table:
    rows = tuple(
        tuple(_upper_first(fill(t, fields)) for t in (r.title, r.by, r.to, r.when, r.contents))
        for r in plan.content.reporting.returns
    )
    return Table(
        table_id,
        caption,
        ("Report", "Prepared by", "Received by", "When", "What it covers"),
        rows,
        numeric=(False,) * 5,
    )


def _sentence(text: str) -> str:
    """Text ending with a full stop (or the punctuation it already has)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _quarters(plan: Plan) -> str:
    q = plan.content.reporting.quarters
    return "Quarters: " + "; ".join(f"Q{n} {name}" for n, name in enumerate(q, 1)) + "."


def level_label(level: int) -> str:
    return LEVEL_LABELS[level]


def _district_name(plan: Plan, district_id: str) -> str:
    if district_id == COUNTY:
        return "County-wide"
    return plan.inputs.data.district(district_id).name


def _participants(amount: float, unit_cost: float) -> float:
    return amount / unit_cost


def _outcome_name(plan: Plan, outcome_id: str) -> str:
    o = plan.inputs.data.outcomes_by_id.get(outcome_id)
    return f"{o.name} ({outcome_id})" if o else outcome_id


def _service_label(i: Initiative) -> str:
    return f"{i.name} ({i.initiative_id})"


def _spend_table(
    table_id: str,
    caption: str,
    first: str,
    rows: Sequence[SpendRow],
    years: Sequence[int],
    *,
    total: bool = True,
    with_key: bool = False,
) -> Table:
    body = tuple(
        (
            f"{r.key} {r.label}" if with_key else r.label,
            money(r.today),
            *(money(r.proposed.get(y, 0.0)) for y in years),
            money_change(r.change),
            percent_change(r.today, r.final),
        )
        for r in rows
    )
    foot: tuple[str, ...] = ()
    if total and rows:
        today = sum(r.today for r in rows)
        per_year = [sum(r.proposed.get(y, 0.0) for r in rows) for y in years]
        foot = (
            "Total",
            money(today),
            *(money(v) for v in per_year),
            money_change(per_year[-1] - today),
            percent_change(today, per_year[-1]),
        )
    return Table(
        table_id,
        caption,
        (first, "Today", *(str(y) for y in years), f"Change to {years[-1]}", "Change (%)"),
        body,
        total=foot,
        empty="No spend in this plan.",
    )


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float, float]],
    final_year: int,
    colour_labels: tuple[str, str] = ("Today", ""),
    value_format: Callable[[float], str] | None = None,
    description: str | None = None,
) -> BarChart:
    """Geometry of a grouped horizontal bar chart: (label, today, final year) per row.

    Values are shown as money unless `value_format` says otherwise (e.g. people); the
    description read to screen readers defaults to "today against the final year"."""
    show = value_format or money
    width, label_w, value_w, bar_h, gap, top = 640.0, 200.0, 92.0, 11.0, 9.0, 6.0
    area = width - label_w - value_w
    biggest = max((max(a, b) for _, a, b in rows), default=0.0) or 1.0
    out: list[ChartRow] = []
    y = top
    for label, today, final in rows:
        bars = []
        for k, (series, value) in enumerate((("today", today), ("plan", final))):
            w = max(0.0, value / biggest * area)
            by = y + k * (bar_h + 1)
            bars.append(
                Bar(
                    x=label_w,
                    y=round(by, 1),
                    width=round(w, 1),
                    height=bar_h,
                    series=series,
                    value=show(value),
                    label_x=round(label_w + w + 4, 1),
                    label_y=round(by + bar_h - 2, 1),
                )
            )
        out.append(ChartRow(_shorten(label, 34), round(y + bar_h + 3, 1), tuple(bars)))
        y += 2 * bar_h + 1 + gap
    legend_y = y + 8
    legend = (
        LegendItem("today", colour_labels[0], label_w, label_w + 14),
        LegendItem("plan", colour_labels[1] or str(final_year), label_w + 120, label_w + 134),
    )
    if description is None:
        description = "; ".join(
            f"{label}: {money(a)} today, {money(b)} in {final_year}" for label, a, b in rows
        )
    return BarChart(
        chart_id,
        title,
        description,
        width,
        round(legend_y + 8, 1),
        label_w - 6,
        label_w,
        tuple(out),
        legend,
        round(legend_y, 1),
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _glance_decision(plan: Plan, i: Initiative, r: InitiativeResult) -> str:
    final = money(r.final)
    y = plan.final_year
    if r.decision == "commission":
        return f"Commission (new): {final} in {y}"
    verb = {
        "grow": "Grow",
        "maintain": "Maintain",
        "reduce": "Reduce",
        "decommission": "Decommission",
    }.get(r.decision, r.decision.replace("_", " ").capitalize())
    return f"{verb}: {money(i.current_budget)} today, {final} in {y}"


# --- standard terms ----------------------------------------------------------------------------

TERMS_ITEMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"monitoring": ("Reporting cadence", "If targets are missed")}
)
"""Numbered items of the standard terms that come from reporting.yaml, not from a clause: they
come first in their section (3.1, 3.2), before any clause the section lists."""


@dataclass(frozen=True)
class StandardTerms:
    """The standard terms, filled and numbered once, and how a specification cites them."""

    text: DocumentText
    fields: Mapping[str, str]
    sections: Mapping[str, Section]
    """Each section's clauses carry their numbers ("2.1")."""
    numbered: Mapping[str, tuple[tuple[str, str], ...]]
    """By section id: (number, title) of everything the section holds, in order."""
    reference: str
    """A short fingerprint of the filled text: it changes whenever the wording does."""
    citation: str
    """'Standard terms for PEI service specifications (version 1.0, issued ...)'."""

    def numbers(self, section_id: str) -> str:
        """'2.1 to 2.7', '3.1 and 3.2', or '4.1' for a section holding one item."""
        items = self.numbered.get(section_id, ())
        if not items:
            raise DocumentError(f"the standard terms have nothing in section {section_id!r}")
        first, last = items[0][0], items[-1][0]
        if len(items) == 1:
            return first
        return f"{first} {'and' if len(items) == 2 else 'to'} {last}"

    def number_of(self, section_id: str, title: str) -> str:
        for number, heading in self.numbered.get(section_id, ()):
            if heading == title:
                return number
        raise DocumentError(f"the standard terms have no {title!r} in section {section_id!r}")


def standard_terms(plan: Plan) -> StandardTerms:
    """The standard terms of this plan's specifications (specs/standard_terms.yaml)."""
    text = plan.content.documents["terms"]
    p = plan.content.partnership
    # No district: the sub-group is named generically, as "the district ... Sub-Group".
    fields = _fields(plan, "specification", "the district", p.sub_group.format(district="district"))
    sections: dict[str, Section] = {}
    numbered: dict[str, tuple[tuple[str, str], ...]] = {}
    for sid, sec in _sections(text, plan, fields).items():
        items = [
            (f"{sec.number}.{k}", title) for k, title in enumerate(TERMS_ITEMS.get(sid, ()), 1)
        ]
        clauses = []
        for c in sec.clauses:
            number = f"{sec.number}.{len(items) + 1}"
            clauses.append(replace(c, number=number))
            items.append((number, c.title))
        sections[sid] = replace(sec, clauses=tuple(clauses))
        numbered[sid] = tuple(items)
    digest = hashlib.sha256()
    for part in (
        text.title,
        text.version,
        *(x for sec in sections.values() for x in (sec.title, *sec.intro)),
        *(
            x
            for sec in sections.values()
            for c in sec.clauses
            for x in (c.number, c.title, *c.paragraphs, *c.points)
        ),
        *(cell for row in _reporting_table(plan, fields, "reporting").rows for cell in row),
        _quarters(plan),
        *(fill(e, fields) for e in plan.content.reporting.escalation),
    ):
        digest.update(part.encode() + b"\0")
    reference = digest.hexdigest()[:8]
    return StandardTerms(
        text=text,
        fields=MappingProxyType(fields),
        sections=MappingProxyType(sections),
        numbered=MappingProxyType(numbered),
        reference=reference,
        citation=f"{text.title} (version {text.version}, issued {long_date(plan.issued)}, "
        f"text reference {reference})",
    )


@builds_from_data
def terms_context(plan: Plan) -> TermsContext:
    """The standard terms document, printed once for every specification of the plan."""
    t = standard_terms(plan)
    reporting, escalation = TERMS_ITEMS["monitoring"]
    about = (
        Fact("Version", f"{t.text.version}, issued {long_date(plan.issued)}"),
        Fact(
            "Text reference",
            f"{t.reference}: a fingerprint of the wording below, cited by every specification "
            "with the version",
        ),
        Fact(
            "Applies to",
            "every outcomes-based service specification made from the "
            f"{_plan_line(plan)}; each cites these terms by clause number",
        ),
        Fact("Period", period_text(plan, plan.years[0], plan.final_year)),
    )
    meta = _meta(plan, "terms", t.text, t.text.title, t.text.title, t.sections)
    return TermsContext(
        meta=replace(meta, doc_title=f"Version {t.text.version}"),
        sections=t.sections,
        about=about,
        reporting_heading=f"{t.number_of('monitoring', reporting)} {reporting}",
        reporting=_reporting_table(
            plan, t.fields, "reporting", "Who reports what, to whom and when"
        ),
        quarters=_quarters(plan),
        escalation_heading=f"{t.number_of('monitoring', escalation)} {escalation}",
        escalation=tuple(fill(e, t.fields) for e in plan.content.reporting.escalation),
    )


def _cite(terms: StandardTerms, section_id: str, full: bool) -> TermsCitation:
    """The clauses of one section of the terms, cited by number: naming the terms in full
    (title, version, date, text reference) the first time, and as "the standard terms" after."""
    items = terms.numbered[section_id]
    name = terms.citation if full else f"standard terms (version {terms.text.version})"
    which = (
        f"Clause {items[0][0]} of the {name} applies"
        if len(items) == 1
        else f"Clauses {terms.numbers(section_id)} of the {name} apply"
    )
    return TermsCitation(
        f"{which} to this service in full:", tuple(f"{n} {title}" for n, title in items)
    )


def _quarter_end(plan: Plan, year: int, quarter: int) -> date:
    """The last day of quarter 0-3 of plan year `year`."""
    start = _year_start(plan, year)
    months = start.month - 1 + 3 * (quarter + 1)
    return date(start.year + months // 12, months % 12 + 1, start.day) - timedelta(days=1)


# --- service specification -------------------------------------------------------------------


@builds_from_data
def spec_context(plan: Plan, initiative_id: str) -> SpecContext:
    """The service specification of one commissioned, grown or maintained service."""
    data = plan.inputs.data
    sc = plan.inputs.scenario
    i = data.initiative(initiative_id)
    r = plan.outcome_of(initiative_id)
    years = plan.years
    text = plan.content.documents["spec"]
    partnership = plan.content.partnership
    county = i.is_county_wide
    district_name = "the county" if county else data.district(i.district_id).name
    sub_group = (
        partnership.county_sub_group
        if county
        else partnership.sub_group.format(district=district_name)
    )
    fields = _fields(
        plan,
        "specification",
        district_name,
        sub_group,
        service=i.name,
        service_id=i.initiative_id,
        provider=i.provider,
    )
    sections = _sections(text, plan, fields)
    priority = data.priority(i.priority_id)
    weight = sc.priority_weights.get(i.priority_id, priority.weight)
    locality = "" if county else data.district(i.district_id).locality
    level = plan.content.framework.levels[i.level]
    funded = [y for y in years if r.proposed.get(y, 0.0) >= 1.0]
    if not funded:
        raise DocumentError(
            f"{initiative_id} is not funded in any plan year: it has no specification"
        )
    period = period_text(plan, funded[0], funded[-1])
    total = sum(r.proposed.get(y, 0.0) for y in years)

    # Budget by stream and year (the allocations, as the solver returned them).
    by_stream: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for stream_id, year, amount in plan.by_initiative.get(initiative_id, ()):
        by_stream[stream_id][year] += amount
    stream_rows = tuple(
        (
            data.streams_by_id[s].name,
            data.streams_by_id[s].partner,
            *(money(by_stream[s][y]) for y in years),
            money(sum(by_stream[s].values())),
        )
        for s in i.funding
        if s in by_stream
    )
    budget = Table(
        "budget",
        "Budget by funding stream and year",
        ("Funding stream", "Partner", *(str(y) for y in years), "Total"),
        stream_rows,
        numeric=(False, False, *(True,) * (len(years) + 1)),
        total=(
            "Total",
            "all partners",
            *(money(r.proposed.get(y, 0.0)) for y in years),
            money(total),
        ),
        empty="No funding is allocated.",
    )

    part = {y: _participants(r.proposed.get(y, 0.0), i.unit_cost) for y in years}
    today_part = _participants(i.current_budget, i.unit_cost)
    demand = (
        sum(d.demand_at(i.level) for d in data.districts)
        if county
        else data.district(i.district_id).demand_at(i.level)
    )
    where = "across the county" if county else f"in {district_name}"
    participants = Table(
        "participants",
        f"Expected participants: budget \u00f7 unit cost of {money(i.unit_cost)}, against a need "
        f"of {number(demand)} a year at level {i.level} {where}",
        ("Year", "Budget", "Expected participants", "Share of need"),
        tuple(
            (
                str(y),
                money(r.proposed.get(y, 0.0)),
                number(part[y]) if part[y] > 0 else "not funded this year",
                percent(part[y] / demand) if demand > 0 else NOT_RECORDED,
            )
            for y in years
        ),
        numeric=(False, True, True, True),
    )

    names = {o: _outcome_name(plan, o) for o in i.outcomes}
    baseline = today_part * i.effect
    targets = Table(
        "targets",
        "Targets: children and families achieving each outcome a year (participants \u00d7 effect)",
        ("Outcome", "Baseline (today)", *(str(y) for y in years)),
        tuple(
            (
                names[o],
                number(baseline)
                if i.current_budget > 0
                else ("new service" if i.is_candidate else "not funded today"),
                *(number(part[y] * i.effect) for y in years),
            )
            for o in i.outcomes
        ),
    )
    indicators = tuple(_indicator_group(plan, o) for o in i.outcomes)

    objectives = (
        f"Reach {number(part[funded[-1]])} children and families a year at level {i.level} "
        f"({level.name}) {where} by {funded[-1]}, within a budget of "
        f"{money(r.proposed[funded[-1]])}.",
        *(
            f"{number(part[funded[-1]] * i.effect)} children and families a year achieve the "
            "outcome "
            f"\u201c{names[o]}\u201d by {funded[-1]}."
            for o in i.outcomes
        ),
        "Report every quarter against the indicators of section "
        f"{sections['outcomes'].number} and the standards of section "
        f"{sections['standards'].number}.",
    )
    prio_obj = PriorityObjectives(
        f"{priority.priority_id} {priority.name}",
        plan.content.framework.objectives.get(priority.priority_id)
        or (plan.content.framework.objectives_fallback,),
    )

    details = (
        Fact("Service", _service_label(i)),
        Fact("Provider", f"{i.provider}, {i.sector} sector"),
        Fact(
            "District",
            "County-wide service"
            if county
            else f"{district_name} ({i.district_id}), {locality} locality",
        ),
        Fact("Level of need", f"{level_label(i.level)}"),
        Fact("Priority", f"{priority.priority_id} {priority.name}"),
        Fact("Outcomes targeted", "; ".join(names[o] for o in i.outcomes)),
        Fact("Decision in the plan", _glance_decision(plan, i, r)),
        *(
            Fact("Budget over the plan", j.sentence)
            for j in plan.summary.journeys
            if j.initiative_id == i.initiative_id
        ),
        Fact("Contract period", period),
    )

    purpose = (_decision_sentence(plan, i, r),)
    share = sc.prevention_share_in(plan.final_year)
    fit = [
        f"The service serves priority {priority.priority_id}, \u201c{priority.name}\u201d, which "
        "the "
        f"partnership weights {decimal(weight)} in the plan.",
    ]
    if i.level <= 2:
        fit.append(
            f"As a level {i.level} ({level.name}) service it is part of the shift from crisis to "
            "prevention: "
            f"the scenario asks for at least {percent(share, 0)} of all spend at levels 1-2 by "
            f"{plan.final_year}."
        )
    else:
        fit.append(
            f"As a level {i.level} ({level.name}) service it meets needs that prevention and "
            "early help "
            "have not prevented; the plan funds it for the outcomes it buys against the "
            "alternatives."
        )
    if r.benefit_cost_ratio is not None:
        fit.append(
            f"Each £1 spent on it is expected to avoid {pence(r.benefit_cost_ratio)} of later "
            "late-intervention costs (care, custody, exclusion and the other costs of the "
            "partnership's cost library), taking its evidence and effect into account."
        )
    else:
        fit.append(
            f"Each £1,000 spent on it buys {format_outcomes(r.value_per_pound * 1000)} weighted "
            "outcomes in the plan's "
            "objective (evidence, effect, level, priority and local need taken into account)."
        )

    population = (
        f"Children, young people and families {where} at level {i.level} of the continuum of need "
        f"({level.name}). {level.who}",
        f"The plan pays for {number(part[funded[-1]])} participants in {funded[-1]} at a unit "
        "cost of "
        f"{money(i.unit_cost)}, against {number(demand)} children and families a year needing "
        "support "
        f"at this level {where}."
        + (f" Today's budget pays for {number(today_part)}." if i.current_budget > 0 else ""),
    )

    fw = plan.content.framework
    multiplier = sc.evidence_multiplier.get(i.evidence_level, 0.0) * (
        sc.mixed_findings_factor if i.mixed_findings else 1.0
    )
    evidence = (
        Fact("Evidence rating", f"{i.evidence_level}{'*' if i.mixed_findings else ''} (EIF scale)"),
        Fact("Mixed findings", "yes" if i.mixed_findings else "no"),
        Fact(
            "Effect",
            f"{percent(i.effect, 0)} of participants achieve the targeted outcome because of the "
            "service",
        ),
        Fact("Evidence weight in the plan", decimal(multiplier)),
        Fact("Unit cost", f"{money(i.unit_cost)} per participant a year"),
        Fact("Late costs avoided per £1", pence(r.benefit_cost_ratio))
        if r.benefit_cost_ratio is not None
        else Fact(
            "Value per £1,000", f"{format_outcomes(r.value_per_pound * 1000)} weighted outcomes"
        ),
    )
    evidence_text = (
        fw.evidence[i.evidence_level],
        *((fw.mixed_findings,) if i.mixed_findings else ()),
    )

    # What the standard terms leave to each specification: the service's own reporting
    # quarters, what it reports against, its review dates and its exit arrangements.
    terms = standard_terms(plan)
    citing = [sid for sid in sections if terms.numbered.get(sid)]
    cited = {sid: _cite(terms, sid, full=n == 0) for n, sid in enumerate(citing)}
    reporting_clause = terms.number_of("monitoring", TERMS_ITEMS["monitoring"][0])
    escalation_clause = terms.number_of("monitoring", TERMS_ITEMS["monitoring"][1])
    n_indicators = sum(len(g.items) for g in indicators)
    monitoring = (
        Fact(
            "Quarterly returns",
            f"{4 * len(funded)} returns, for the quarters ending "
            f"{long_date(_quarter_end(plan, funded[0], 0))} to "
            f"{long_date(_quarter_end(plan, funded[-1], 3))}, each due as clause "
            f"{reporting_clause} of the standard terms sets out.",
        ),
        Fact(
            "Reported against",
            f"The targets of section {sections['outcomes'].number} for each year from "
            f"{funded[0]} to {funded[-1]} ("
            + "; ".join(names[o] for o in i.outcomes)
            + ")"
            + (
                f" and the {n_indicators} indicator{'s' if n_indicators != 1 else ''} listed "
                "there, with the participants reached by level of need."
                if n_indicators
                else ", with the participants reached by level of need."
            ),
        ),
        Fact(
            "If a target is missed",
            f"The escalation route of clause {escalation_clause} of the standard terms applies, "
            f"through the {sub_group}.",
        ),
    )
    review_dates = [long_date(_year_end(plan, y)) for y in funded]
    exit_clauses = terms.numbers("review") if terms.numbered.get("review") else ""
    review = (
        Fact("Current contract", _contract_note(plan, i, funded)),
        Fact(
            "Annual reviews",
            "By "
            + (
                ", ".join(review_dates[:-1]) + " and " + review_dates[-1]
                if len(review_dates) > 1
                else review_dates[0]
            )
            + f", against the targets of section {sections['outcomes'].number}; the budget "
            f"from {funded[0]} to {funded[-1]} is set by the plan and reviewed with it.",
        ),
        Fact(
            "Exit arrangements",
            f"If the service is reduced or ends, {i.provider} agrees an exit plan"
            + (f" as clause {exit_clauses} of the standard terms requires" if exit_clauses else "")
            + f" for the {number(part[funded[-1]])} children and families a year the plan pays "
            f"for in {funded[-1]}: open cases move safely to "
            + ("other services at the same level of need" if i.level > 1 else "universal services")
            + f" {where}, and families are told in good time where their support will come "
            "from.",
        ),
    )
    return SpecContext(
        meta=_meta(
            plan, "spec", text, _service_label(i), f"Service specification: {i.name}", sections
        ),
        sections=sections,
        details=details,
        objectives=objectives,
        priority_objectives=prio_obj,
        budget=budget,
        purpose=purpose,
        strategic_fit=tuple(fit),
        population=population,
        participants=participants,
        targets=targets,
        indicators=indicators,
        evidence=evidence,
        evidence_text=evidence_text,
        terms=MappingProxyType(cited),
        monitoring=monitoring,
        review=review,
    )


def _decision_sentence(plan: Plan, i: Initiative, r: InitiativeResult) -> str:
    y0, y1 = plan.years[0], plan.final_year
    first, final = r.proposed.get(y0, 0.0), r.final
    if r.decision == "commission":
        start = next(y for y in plan.years if r.proposed.get(y, 0.0) >= 1.0)
        return (
            f"The plan commissions {i.name} as a new service from {start}, with "
            f"{money(r.proposed[start])} "
            f"in {start} rising to {money(final)} in {y1}."
        )
    if r.decision == "grow":
        return (
            f"The plan grows {i.name} from {money(i.current_budget)} a year today to "
            f"{money(final)} in {y1} "
            f"({percent_change(i.current_budget, final)}), because it buys more outcomes per "
            "pound than the "
            "alternatives its funding could pay for."
        )
    return (
        f"The plan maintains {i.name} at about its current budget of {money(i.current_budget)} a "
        "year "
        f"({money(first)} in {y0}, {money(final)} in {y1})."
    )


def _contract_note(plan: Plan, i: Initiative, funded: Sequence[int]) -> str:
    start = long_date(_year_start(plan, funded[0]))
    if i.is_candidate:
        return f"New service commissioned in this plan: a new contract is needed from {start}."
    if i.contract_end is None:
        return "No fixed contract end is recorded (in-house or rolling provision)."
    ends = long_date(_year_end(plan, i.contract_end))
    if i.contract_end < plan.years[0]:
        return (
            f"The current contract ended with {i.contract_end} ({ends}): a new contract or "
            f"extension is needed from {start}."
        )
    if i.contract_end < funded[-1]:
        nxt = long_date(_year_start(plan, i.contract_end + 1))
        return (
            f"The current contract runs to the end of {i.contract_end} ({ends}); a new contract or "
            f"extension is needed from {nxt} to continue to {funded[-1]}."
        )
    return (
        f"The current contract runs to the end of {i.contract_end} ({ends}), to the end of "
        "the plan or beyond."
    )


def _indicator_group(plan: Plan, outcome_id: str) -> IndicatorGroup:
    """An outcome's indicators as compact lines, for a service specification."""
    lib = plan.content.indicators
    items = tuple(
        Fact(
            ind.name,
            f"{_sentence(ind.definition)} Unit: {ind.unit}; {ind.direction_text}; baseline: "
            f"{ind.baseline or NOT_RECORDED}. Source: {_sentence(ind.source)}",
        )
        for ind in lib.for_outcome(outcome_id)
    )
    return IndicatorGroup(_outcome_name(plan, outcome_id), items, "" if items else lib.fallback)


def _scorecard(plan: Plan, plan_rows: Mapping[str, tuple[str, ...]]) -> Table:
    """The scorecard, grouped by outcome of the framework: the plan's own target first, then
    the library's indicators (whose target is to move the right way from their baseline)."""
    lib = plan.content.indicators
    rows: list[tuple[str, ...]] = []
    groups = []
    for outcome_id, plan_row in plan_rows.items():
        found = lib.for_outcome(outcome_id)
        rows.append(plan_row)
        for ind in found:
            aim = "above baseline" if ind.direction == "increase" else "below baseline"
            rows.append(
                (
                    ind.name,
                    ind.definition,
                    ind.unit,
                    ind.direction_text,
                    ind.baseline or NOT_RECORDED,
                    f"{aim}, every year",
                    ind.source,
                )
            )
        groups.append(
            RowGroup(
                f"scorecard-{outcome_id}",
                _outcome_name(plan, outcome_id),
                1 + len(found),
                note="" if found else lib.fallback,
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
        fixed_widths=(16.0, 27.0, 10.0, 8.5, 8.0, 16.5, 14.0),
        groups=tuple(groups),
    )


# --- district SLA ------------------------------------------------------------------------------


@builds_from_data
def sla_context(plan: Plan, district_id: str) -> SlaContext:
    """The service level agreement of one district."""
    data = plan.inputs.data
    sc = plan.inputs.scenario
    d: District = data.district(district_id)
    years = plan.years
    y1 = plan.final_year
    partnership = plan.content.partnership
    sub_group = partnership.sub_group.format(district=d.name)
    fields = _fields(plan, "agreement", d.name, sub_group)
    text = plan.content.documents["sla"]
    sections = _sections(text, plan, fields)
    summary = district_summary(plan, district_id)
    services = [i for i in data.initiatives if i.district_id == district_id]
    results = {i.initiative_id: plan.outcome_of(i.initiative_id) for i in services}
    county_row = next(
        (r for r in plan.summary.by_district if r.key == district_id),
        # A district with no services of its own still gets its agreement, at £0.
        SpendRow(district_id, d.name, 0.0, dict.fromkeys(years, 0.0)),
    )

    # Need-weighted fair share among districts with services of their own.
    active = [
        x for x in data.districts if any(i.district_id == x.district_id for i in data.initiatives)
    ]
    weight_all = sum(x.need_index * x.children for x in active)
    fair = d.need_index * d.children / weight_all if weight_all > 0 and d in active else 0.0
    district_total_final = sum(r.final for r in plan.summary.by_district if r.key != COUNTY)
    district_total_today = sum(r.today for r in plan.summary.by_district if r.key != COUNTY)

    # Participants by level: budget / unit cost of the district's services.
    part_today: dict[int, float] = defaultdict(float)
    part_year: dict[tuple[int, int], float] = defaultdict(float)
    for i in services:
        part_today[i.level] += _participants(i.current_budget, i.unit_cost)
        for y in years:
            part_year[(i.level, y)] += _participants(
                results[i.initiative_id].proposed.get(y, 0.0), i.unit_cost
            )
    needs = Table(
        "needs",
        "Need and participants by level (children and families a year)",
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
                number(d.demand_at(level)),
                number(part_today[level]),
                *(number(part_year[(level, y)]) for y in years),
                percent(part_year[(level, y1)] / d.demand_at(level))
                if d.demand_at(level) > 0
                else NOT_RECORDED,
            )
            for level in (1, 2, 3, 4)
        ),
    )
    prevention_today = sum(r.today for r in summary.by_level if r.key in ("1", "2"))
    prevention_final = sum(r.final for r in summary.by_level if r.key in ("1", "2"))
    needs_facts = (
        Fact("Children and young people aged 0-19", number(d.children)),
        Fact("Need index (1.00 = county average)", decimal(d.need_index)),
        Fact("Locality", d.locality),
        Fact(
            "Share of spend on district services",
            f"{_share(county_row.today, district_total_today)} today, "
            f"{_share(county_row.final, district_total_final)} in {y1}; "
            f"need-weighted fair share {percent(fair)}",
        ),
        Fact(
            "District floor",
            f"at least {percent(sc.district_floor, 0)} of the fair share, "
            f"{percent(sc.district_floor * fair)} of spend on district services",
        ),
    )

    priorities = _spend_table(
        "priorities",
        "District spend by priority",
        "Priority",
        summary.by_priority,
        years,
        with_key=True,
    )
    prio_obj = tuple(
        PriorityObjectives(
            f"{p.priority_id} {p.name}",
            plan.content.framework.objectives.get(p.priority_id)
            or (plan.content.framework.objectives_fallback,),
        )
        for p in data.priorities
    )

    streams = [r for r in summary.by_stream if any(v > 0 for v in r.proposed.values())]
    resources_streams = Table(
        "resources-streams",
        "Resources aligned by funding stream and year",
        ("Funding stream", "Partner", *(str(y) for y in years), "Total over the plan"),
        tuple(
            (
                r.label,
                data.streams_by_id[r.key].partner,
                *(money(r.proposed.get(y, 0.0)) for y in years),
                money(sum(r.proposed.values())),
            )
            for r in streams
        ),
        numeric=(False, False, *(True,) * (len(years) + 1)),
        total=(
            "Total",
            "all partners",
            *(money(county_row.proposed.get(y, 0.0)) for y in years),
            money(sum(county_row.proposed.values())),
        ),
        empty="No money is aligned to the district's services in this plan.",
    )
    resources_levels = _spend_table(
        "resources-levels",
        "District spend by level of need",
        "Level of need",
        summary.by_level,
        years,
    )

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
        chosen = [i for i in services if results[i.initiative_id].decision == decision]
        service_rows.extend(
            (
                _service_label(i),
                i.provider,
                str(i.level),
                i.priority_id,
                money(i.current_budget),
                money(results[i.initiative_id].final),
                money_change(results[i.initiative_id].final - i.current_budget),
            )
            for i in chosen
        )
        groups.append(
            RowGroup(
                f"services-{decision}",
                DECISION_TITLES[decision],
                len(chosen),
                "No service in this plan.",
            )
        )
    service_table = Table(
        "services",
        "The district's services by decision",
        ("Service", "Provider", "Level", "Priority", "Today", str(y1), "Change"),
        tuple(service_rows),
        numeric=(False, False, True, False, True, True, True),
        style="compact",
        fixed_widths=(30.0, 24.0, 6.0, 8.0, 11.0, 10.5, 10.5),
        groups=tuple(groups),
    )

    # Targets: participants x effect, by priority and outcome, per year.
    tgt_today: dict[tuple[str, str], float] = defaultdict(float)
    tgt_year: dict[tuple[str, str, int], float] = defaultdict(float)
    by_outcome_today: dict[str, float] = defaultdict(float)
    by_outcome_year: dict[tuple[str, int], float] = defaultdict(float)
    for i in services:
        res = results[i.initiative_id]
        for o in i.outcomes:
            now = _participants(i.current_budget, i.unit_cost) * i.effect
            tgt_today[(i.priority_id, o)] += now
            by_outcome_today[o] += now
            for y in years:
                v = _participants(res.proposed.get(y, 0.0), i.unit_cost) * i.effect
                tgt_year[(i.priority_id, o, y)] += v
                by_outcome_year[(o, y)] += v
    target_rows = []
    for p in data.priorities:
        for outcome in data.outcomes:
            key = (p.priority_id, outcome.outcome_id)
            if key not in tgt_today:
                continue
            target_rows.append(
                (
                    f"{p.priority_id} {p.name}",
                    _outcome_name(plan, outcome.outcome_id),
                    number(tgt_today[key]),
                    *(number(tgt_year[(*key, y)]) for y in years),
                )
            )
    targets = Table(
        "targets",
        "Children and families achieving each outcome a year, by priority (participants \u00d7 "
        "effect)",
        ("Priority", "Outcome", "Baseline (today)", *(f"Target {y}" for y in years)),
        tuple(target_rows),
        numeric=(False, False, *(True,) * (len(years) + 1)),
        empty="The district has no services in this plan.",
    )

    scorecard = _scorecard(
        plan,
        {
            o.outcome_id: (
                "Children and families achieving the outcome",
                "Through the district's commissioned services: participants (budget \u00f7 unit "
                "cost) \u00d7 effect",
                "children and families a year",
                "higher is better",
                number(by_outcome_today[o.outcome_id]),
                "; ".join(f"{number(by_outcome_year[(o.outcome_id, y)])} in {y}" for y in years),
                "Provider quarterly returns",
            )
            for o in data.outcomes
        },
    )
    local_targets = Table(
        "local-targets",
        "Local targets agreed by the sub-group",
        ("No.", "Local target", "Measure and data source", "Baseline", "Target", "Lead partner"),
        tuple((f"L{n}", *(("to be agreed",) * 5)) for n in range(1, 5)),
        numeric=(False,) * 6,
        style="write-in",
    )
    sign_off = Table(
        "sign-off",
        "Signatures",
        ("Signed for", "Role", "Name", "Signature", "Date"),
        (
            (sub_group, "Chair of the sub-group", "name", "signature", "date"),
            (partnership.name, partnership.strategic_lead, "name", "signature", "date"),
        ),
        numeric=(False,) * 5,
        style="write-in sign",
        fixed_widths=(30.0, 20.0, 18.0, 20.0, 12.0),
    )
    counts = {g.group_id.removeprefix("services-"): g.size for g in groups}
    glance = (
        Fact("District", f"{d.name} ({d.district_id}), {d.locality} locality"),
        Fact("Parties", f"{sub_group} and the {partnership.strategic_lead}"),
        Fact("Period", period_text(plan, years[0], y1)),
        Fact(
            "District spend",
            f"{money(county_row.today)} today, {money(county_row.final)} in {y1} "
            f"({money_change(county_row.change)})",
        ),
        Fact(
            "Prevention and early help (levels 1-2)",
            f"{_share(prevention_today, county_row.today)} of district spend today, "
            f"{_share(prevention_final, county_row.final)} in {y1}",
        ),
        Fact(
            "Services",
            ", ".join(
                f"{counts[k]} {DECISION_TITLES[k].split(' (')[0].lower()}"
                for k in ("commission", "grow", "maintain", "reduce", "decommission")
            ),
        ),
        Fact(f"Participants in {y1}", number(sum(part_year[(lv, y1)] for lv in (1, 2, 3, 4)))),
    )
    parties = (
        Fact("Between", f"the {sub_group}"),
        Fact("And", f"the {partnership.strategic_lead}, on behalf of {partnership.name}"),
        Fact("District", f"{d.name} ({d.district_id})"),
        Fact("Period", period_text(plan, years[0], y1)),
        Fact("Scenario", sc.name + (f": {sc.description}" if sc.description else "")),
        Fact("Made from", f"the {_plan_line(plan)}"),
    )
    return SlaContext(
        meta=_meta(plan, "sla", text, d.name, f"District SLA: {d.name}", sections),
        sections=sections,
        glance=glance,
        parties=parties,
        needs_facts=needs_facts,
        needs=needs,
        priorities=priorities,
        priority_objectives=prio_obj,
        resources_streams=resources_streams,
        resources_levels=resources_levels,
        services=service_table,
        journeys=journeys_table(
            [
                j
                for j in plan.summary.journeys
                if data.initiative(j.initiative_id).district_id == district_id
            ],
            f" in {d.name}",
        ),
        targets=targets,
        scorecard=scorecard,
        reporting=_reporting_table(plan, fields, "reporting"),
        quarters=_quarters(plan),
        escalation=tuple(fill(e, fields) for e in plan.content.reporting.escalation),
        local_targets=local_targets,
        sign_off=sign_off,
    )


def _share(part: float, whole: float) -> str:
    return percent(part / whole) if whole > 0 else NOT_RECORDED


# --- plan summary ----------------------------------------------------------------------------


def journeys_table(journeys: Sequence[Journey], where: str = "") -> Table:
    """Services whose budget turns within the plan: the decision reads the final year only,
    so every document that shows decisions names them."""
    return Table(
        "journeys",
        "Services whose budget rises and then falls (or falls and then recovers) within the "
        "plan: the decision reads the final year only",
        ("Service", "Today", "Turning point", "Final year"),
        tuple(
            (
                f"{j.name} ({j.initiative_id})",
                money(j.today),
                f"{money(j.turn)} in {j.turn_year}",
                f"{money(j.final)} in {j.final_year}",
            )
            for j in journeys
        ),
        numeric=(False, True, True, True),
        empty=f"No service{where} rises and then falls, or falls and then recovers, within "
        "the plan.",
        style="compact",
    )


@builds_from_data
def summary_context(plan: Plan) -> SummaryContext:
    """The plan summary for the partnership board."""
    s = plan.summary
    data = plan.inputs.data
    sc = plan.inputs.scenario
    years = plan.years
    y1 = plan.final_year
    text = plan.content.documents["summary"]
    fields = _fields(plan, "summary", "the county", plan.content.partnership.county_sub_group)
    sections = _sections(text, plan, fields)
    total_final = s.total_proposed[y1]
    gained = s.objective - s.objective_today
    unit = ValueUnit(data.has_costs)

    def chart(chart_id: str, title: str, rows: Iterable[SpendRow], label: str = "") -> BarChart:
        return bar_chart(
            chart_id, title, [(label_of(r, label), r.today, r.final) for r in rows], y1
        )

    def label_of(r: SpendRow, how: str) -> str:
        if how == "priority":
            return r.key
        if how == "stream":
            return f"{r.key} ({data.streams_by_id[r.key].partner})"
        return r.label

    headlines = (
        Fact(
            "Spend",
            f"{money(s.total_today)} a year today; "
            f"{', '.join(f'{money(s.total_proposed[y])} in {y}' for y in years)}",
        ),
        Fact(
            "Prevention and early help (levels 1-2)",
            f"{money(s.prevention_today)} ({_share(s.prevention_today, s.total_today)}) today, "
            f"{money(s.prevention_final)} ({_share(s.prevention_final, total_final)}) in {y1}: "
            f"{money_change(s.prevention_moved)} moved towards prevention",
        ),
        Fact(
            unit.title + " over the plan",
            f"{unit.figure(s.objective)}, against {unit.figure(s.objective_today)} if "
            "today's budgets "
            f"were kept for {len(years)} years "
            f"({'+' if gained >= 0 else '-'}{unit.figure(abs(gained))})",
        ),
        Fact(
            "Decisions",
            ", ".join(
                f"{s.decisions.get(k, 0)} {DECISION_TITLES[k].split(' (')[0].lower()}"
                for k in DECISION_TITLES
            ),
        ),
        Fact(
            "Rules binding with a price",
            f"{len(s.binding)} (in pounds; see section {sections['rules'].number})",
        ),
    )

    # Outcomes achieved by outcome of the framework (participants x effect), county-wide.
    today_by: dict[str, float] = defaultdict(float)
    year_by: dict[tuple[str, int], float] = defaultdict(float)
    for i in data.initiatives:
        r = plan.outcome_of(i.initiative_id)
        for o in i.outcomes:
            today_by[o] += i.current_budget / i.unit_cost * i.effect
            for y in years:
                year_by[(o, y)] += r.proposed.get(y, 0.0) / i.unit_cost * i.effect
    outcomes = Table(
        "outcomes",
        "Children and families achieving each outcome a year (participants \u00d7 effect, all "
        "services)",
        ("Outcome", "Today", *(str(y) for y in years), f"Change to {y1}"),
        tuple(
            (
                _outcome_name(plan, o.outcome_id),
                number(today_by[o.outcome_id]),
                *(number(year_by[(o.outcome_id, y)]) for y in years),
                f"{year_by[(o.outcome_id, y1)] - today_by[o.outcome_id]:+,.0f}",
            )
            for o in data.outcomes
        ),
    )
    values = outcome_values(plan.inputs)
    ratio = values.get(4, 1.0) / (values.get(1, 1.0) or 1.0)
    outcome_facts = (
        Fact(unit.title + " over the plan", unit.figure(s.objective)),
        Fact(f"Today's budgets kept for {len(years)} years", unit.figure(s.objective_today)),
        Fact(
            "Gained by the plan",
            f"{'+' if gained >= 0 else '-'}{unit.figure(abs(gained))} "
            f"({_gain_share(gained, s.objective_today)})",
        ),
        Fact(
            "How outcomes are weighted",
            "effect \u00d7 evidence weight \u00d7 value of an outcome at its level \u00d7 "
            "priority weight \u00d7 local need, "
            "per £ of unit cost; an outcome at level 4 counts "
            f"{decimal(ratio, 1)} times one at level 1"
            + (
                " (an outcome's value is the late-intervention cost it avoids, from the cost "
                "library)"
                if unit.pounds
                else ""
            ),
        ),
    )
    invest_facts, savings = _invest_to_save(plan)
    decisions = Table(
        "decisions",
        "Decisions by service",
        ("Decision", "Services", "Meaning"),
        tuple(
            (DECISION_TITLES[k], str(s.decisions.get(k, 0)), DECISION_MEANINGS[k])
            for k in DECISION_TITLES
        ),
        numeric=(False, True, False),
        total=("Total", str(sum(s.decisions.values())), "every mapped service and candidate"),
    )

    journeys = journeys_table(s.journeys)

    by_family: dict[str, list[float]] = defaultdict(list)
    hardest: dict[str, str] = {}
    for c in s.binding:
        if c.family not in hardest:
            hardest[c.family] = _about(c.family, c.index, plan)
        by_family[c.family].append(c.shadow_price or 0.0)
    rule_families = Table(
        "rule-families",
        f"Binding rules by family (what relaxing each by {unit.per_label} would add, in "
        f"{'£ of late-intervention cost avoided' if unit.pounds else 'weighted outcomes'})",
        ("Rule", "What the rule says", "Binding", "Highest price", "Where it binds hardest"),
        tuple(
            (
                FAMILIES[f].title + (" (policy)" if FAMILIES[f].policy else ""),
                FAMILIES[f].rule,
                str(len(by_family[f])),
                unit.rate(max(by_family[f]))
                if unit.pounds
                else format_outcomes(max(by_family[f]) * 1000),
                hardest[f],
            )
            for f in FAMILIES
            if f in by_family
        ),
        numeric=(False, False, True, True, False),
        empty="No rule in pounds binds with a positive price.",
        style="compact",
    )
    top = s.binding[:12]
    rules = Table(
        "rules",
        f"The {len(top)} rules with the highest shadow prices",
        ("Rule", "About", f"Price per {unit.per_label}"),
        tuple(
            (
                c.name,
                f"{FAMILIES[c.family].title}: {_about(c.family, c.index, plan)}",
                unit.rate(c.shadow_price or 0.0)
                if unit.pounds
                else format_outcomes((c.shadow_price or 0.0) * 1000),
            )
            for c in top
        ),
        numeric=(False, False, True),
        empty="No rule in pounds binds with a positive price.",
        style="compact",
    )
    glance = (
        Fact("Scenario", sc.name),
        Fact("Period", period_text(plan, years[0], y1)),
        Fact("Spend", f"{money(s.total_today)} today, {money(total_final)} in {y1}"),
        Fact(
            "Levels 1-2",
            f"{_share(s.prevention_today, s.total_today)} today, "
            f"{_share(s.prevention_final, total_final)} in {y1}",
        ),
        Fact(
            "Gained by the plan",
            f"{'+' if gained >= 0 else '-'}{unit.amount(abs(gained))} over the plan"
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
    return SummaryContext(
        meta=_meta(plan, "summary", text, sc.name, "Plan summary", sections),
        sections=sections,
        glance=glance,
        headlines=headlines,
        levels=_spend_table("levels", "Spend by level of need", "Level of need", s.by_level, years),
        levels_chart=chart("chart-levels", "Spend by level of need", s.by_level),
        priorities=_spend_table(
            "priorities", "Spend by priority", "Priority", s.by_priority, years, with_key=True
        ),
        priorities_chart=chart("chart-priorities", "Spend by priority", s.by_priority, "priority"),
        districts=_spend_table("districts", "Spend by district", "District", s.by_district, years),
        districts_chart=chart("chart-districts", "Spend by district", s.by_district),
        streams=_spend_table(
            "streams", "Spend by funding stream", "Funding stream", s.by_stream, years
        ),
        streams_chart=chart("chart-streams", "Spend by funding stream", s.by_stream, "stream"),
        outcome_facts=outcome_facts,
        invest_facts=invest_facts,
        savings=savings,
        outcomes=outcomes,
        decisions=decisions,
        journeys=journeys,
        rule_families=rule_families,
        rules=rules,
    )


def _invest_to_save(plan: Plan) -> tuple[tuple[Fact, ...], Table]:
    """The invest-to-save case for the board: avoided, per £1, payback, savings by year."""
    case = invest_to_save(plan.inputs, plan.result)
    if case is None:
        return (), Table("savings", "Savings", ("Who",), (), empty="No cost library.")
    facts = [
        Fact(
            "Late-intervention cost avoided",
            f"{money(case.avoided)} over the plan (not weighted), against "
            f"{money(case.avoided_today)} with today's budgets",
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
                f"{money(case.prevention_moved)} more at levels 1-2 over the plan; each extra "
                f"£1 avoids {pence(case.prevention_return)} of later costs and {paid}{cash}",
            )
        )
    years = sorted({y for by in case.cashable_by_partner.values() for y in by})
    rows = [
        (f"Cash saved for {partner}", *(money(by.get(y, 0.0)) for y in years))
        for partner, by in case.cashable_by_partner.items()
    ]
    if any(round(v) for v in case.reinvested.values()):
        rows.append(
            (
                "Returned to the funding envelopes",
                *(money(case.reinvested.get(y, 0.0)) for y in years),
            )
        )
    table = Table(
        "savings",
        "Cash saved by each partner, and savings returned to the envelopes, by year",
        ("Who", *(str(y) for y in years)),
        tuple(rows),
        numeric=(False, *(True for _ in years)),
        empty="No partner saves cash under this plan.",
        style="compact",
    )
    return tuple(facts), table


def _about(family: str, index: tuple[str, ...], plan: Plan) -> str:
    """Who or what a rule is about, in words (the registry's wording, made whole)."""
    text = subject(family, index, plan.inputs.data)
    return f"all spend in {text}" if text.isdigit() else text


def _gain_share(gained: float, base: float) -> str:
    return (
        f"{gained / base * 100:+.1f}% on today's budgets" if base > 0 else "no baseline to compare"
    )


@builds_from_data
def index_context(plan: Plan, groups: Sequence[IndexGroup]) -> IndexContext:
    """The index page of a documents folder."""
    return IndexContext(
        branding=_branding(plan.content),
        title=f"Documents for the plan \u201c{plan.inputs.scenario.name}\u201d",
        plan=_plan_line(plan),
        audit=audit_line(plan),
        issued=long_date(plan.issued),
        groups=tuple(groups),
    )


def spec_initiatives(plan: Plan, district_id: str | None = None) -> list[Initiative]:
    """The services that get a specification, in the order of the mapping."""
    return [
        i
        for i in plan.inputs.data.initiatives
        if plan.outcome_of(i.initiative_id).decision in SPEC_DECISIONS
        and (district_id is None or i.district_id == district_id)
    ]
