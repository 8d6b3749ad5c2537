"""The plan, prepared once for every document: inputs, result, summary, content and the
standard terms together, with the lookups and the cover metadata every builder shares."""

from __future__ import annotations

import base64
import functools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Concatenate, ParamSpec, TypeVar

from commissioning.allocator.result import ConstraintResult, InitiativeResult, Result
from commissioning.allocator.vocabulary import DECISION_LABELS
from commissioning.documents.content import LOGO_TYPES, Content, DocumentText
from commissioning.documents.contexts.blocks import Branding, Meta, Section
from commissioning.documents.contexts.format import (
    NOT_RECORDED,
    DocumentError,
    data_texts_allowed,
    long_date,
    money,
    parse_day,
)
from commissioning.documents.contexts.governance import Governance, control_facts, status_of
from commissioning.documents.contexts.wording import (
    StandardTerms,
    Wording,
    document_wording,
    plan_fields,
    standard_terms,
)
from commissioning.documents.phrases import Words
from commissioning.explain.summary import PlanSummary, summarise_plan
from commissioning.inputs.model import Initiative, Inputs
from commissioning.robustness.summary import Robustness

SPEC_DECISIONS: tuple[str, ...] = ("commission", "grow", "maintain")
"""Services that get a specification: those the plan commissions, grows or maintains."""


@dataclass(frozen=True)
class Plan:
    """Inputs, result, summary and content together, with lookups every builder needs."""

    inputs: Inputs
    result: Result
    summary: PlanSummary
    content: Content
    issued: date
    terms: StandardTerms = field(repr=False)
    """The standard terms, built once for every specification of the plan."""
    by_initiative: Mapping[str, tuple[tuple[str, int, float], ...]] = field(repr=False)
    """Allocations of each initiative: (stream_id, year, amount)."""
    robustness: Robustness | None = field(default=None, repr=False)
    """How sure each decision is over plausible figures, when a check was run for it."""
    governance: Governance = field(default_factory=Governance, repr=False)
    """Decisions recorded in the store, the issue number and the consultation record."""

    @property
    def years(self) -> tuple[int, ...]:
        return self.result.years

    @property
    def final_year(self) -> int:
        return self.result.years[-1]

    @property
    def words(self) -> Words:
        """The wording every document shares (`specs/common.yaml`), filled for the plan."""
        return Words(self.content.wording, plan_fields(self.content, self.years))

    def outcome_of(self, initiative_id: str) -> InitiativeResult:
        return self.result.initiatives_by_id[initiative_id]

    def wording(
        self, kind: str, document: str, district: str, sub_group: str, **more: str
    ) -> Wording:
        """The wording of one of the plan's documents, filled in for it."""
        return document_wording(
            self.content, self.years, kind, document, district, sub_group, **more
        )

    def binding_rules(self) -> tuple[ConstraintResult, ...]:
        """The rules that hold the plan back: binding, with a positive price (relaxing them
        would add value). The plan summary and the rationale pack both count these, so they
        agree."""
        return tuple(
            sorted(
                (
                    c
                    for c in self.result.constraints
                    if c.binding and c.shadow_price is not None and c.shadow_price > 0
                ),
                key=lambda c: (-(c.shadow_price or 0.0), c.name),
            )
        )

    def district_summary(self, district_id: str) -> PlanSummary:
        """The plan summary of one district's own services (summarise_plan on that subset)."""
        data = self.inputs.data
        ids = {i.initiative_id for i in data.initiatives if i.district_id == district_id}
        sub_inputs = replace(
            self.inputs,
            data=replace(
                data, initiatives=tuple(i for i in data.initiatives if i.initiative_id in ids)
            ),
        )
        sub_result = replace(
            self.result,
            initiatives=tuple(r for r in self.result.initiatives if r.initiative_id in ids),
            allocations=tuple(a for a in self.result.allocations if a.initiative_id in ids),
            constraints=(),
        )
        return summarise_plan(sub_inputs, sub_result)

    def spec_initiatives(self, district_id: str | None = None) -> list[Initiative]:
        """The services that get a specification, in the order of the mapping."""
        return [
            i
            for i in self.inputs.data.initiatives
            if self.outcome_of(i.initiative_id).decision in SPEC_DECISIONS
            and (district_id is None or i.district_id == district_id)
        ]

    # --- names

    def outcome_name(self, outcome_id: str) -> str:
        o = self.inputs.data.outcomes_by_id.get(outcome_id)
        return f"{o.name} ({outcome_id})" if o else outcome_id

    def glance_decision(self, i: Initiative, r: InitiativeResult) -> str:
        final = money(r.final)
        y = self.final_year
        if r.decision == "commission":
            return f"Commission (new): {final} in {y}"
        verb = DECISION_LABELS[r.decision]
        return f"{verb}: {money(i.current_budget)} today, {final} in {y}"

    # --- dates of the plan's years

    def year_start(self, year: int) -> date:
        p = self.content.partnership
        return date(year, p.year_start_month, p.year_start_day)

    def year_end(self, year: int) -> date:
        return self.year_start(year + 1) - timedelta(days=1)

    def quarter_end(self, year: int, quarter: int) -> date:
        """The last day of quarter 0-3 of plan year `year`."""
        start = self.year_start(year)
        months = start.month - 1 + 3 * (quarter + 1)
        return date(start.year + months // 12, months % 12 + 1, start.day) - timedelta(days=1)

    def period_text(self, first: int, last: int) -> str:
        """'1 April 2027 to 31 March 2030 (plan years 2027 to 2029)'."""
        years = f"plan year {first}" if first == last else f"plan years {first} to {last}"
        start, end = long_date(self.year_start(first)), long_date(self.year_end(last))
        return f"{start} to {end} ({years})"

    # --- the cover, header and footer

    def short_sha(self) -> str:
        return self.result.provenance.inputs_sha256[:12]

    def plan_line(self) -> str:
        prov = self.result.provenance
        made = parse_day(prov.created)
        when = f", solved {long_date(made)}" if made else ""
        solver = prov.solver_version or prov.solver or NOT_RECORDED
        return (
            f"plan {prov.inputs_sha256[:12]} (scenario \u201c{prov.scenario}\u201d{when}; {solver})"
        )

    def audit_line(self) -> str:
        """Where the plan stands in the store's audit trail, for the control block: the head
        (entry and full hash) when it was stored, or that it was not kept in a store."""
        head = self.result.provenance.audit_head
        if head is None:
            return self.words["audit_none"]
        sealed = " " + self.words["audit_sealed"] if head.get("sealed") else ""
        return self.words.say(
            "audit_recorded", entry=head["entry"], hash=head["hash"], sealed=sealed
        )

    def make_meta(
        self,
        kind: str,
        text: DocumentText,
        subject_: str,
        running: str,
        sections: Mapping[str, Section],
        covers: Sequence[str] = (),
    ) -> Meta:
        """What a document shows on its cover and in its running header and footer;
        `covers`: the services whose proposals it sets out (agreed once each has an accepted
        decision)."""
        status = status_of(self.governance, covers, text.status, self.words)
        return Meta(
            branding=branding(self.content),
            kind=kind,
            doc_title=text.title,
            subject=subject_,
            running_title=running,
            status=status,
            issued=long_date(self.issued),
            period=self.period_text(self.years[0], self.final_year),
            plan=self.plan_line(),
            audit=self.audit_line(),
            footer=f"{self.content.partnership.name} \u00b7 plan {self.short_sha()}",
            sections=tuple(sections.values()),
            control=control_facts(
                self.governance,
                self.issued,
                status,
                self.result.provenance.inputs_sha256,
                text.version,
            ),
        )


def prepare(
    inputs: Inputs,
    result: Result,
    content: Content,
    issued: date | None = None,
    robustness: Robustness | None = None,
    governance: Governance | None = None,
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
    day = issued or date.today()
    return Plan(
        inputs=inputs,
        result=result,
        summary=summarise_plan(inputs, result),
        content=content,
        issued=day,
        terms=standard_terms(content, result.years, day),
        by_initiative=MappingProxyType({k: tuple(v) for k, v in allocations.items()}),
        robustness=_robustness_for(result, robustness),
        governance=governance or Governance(),
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


_P = ParamSpec("_P")
_R = TypeVar("_R")


def builds_from_data(
    build: Callable[Concatenate[Plan, _P], _R],
) -> Callable[Concatenate[Plan, _P], _R]:
    """Let a document builder's checks accept the plan's own odd-looking texts, for the
    length of the call only (so one plan's data never loosens the checks of another)."""

    @functools.wraps(build)
    def wrapped(plan: Plan, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with data_texts_allowed(plan.inputs):
            return build(plan, *args, **kwargs)

    return wrapped


# --- the cover, header and footer -------------------------------------------------------------


def branding(content: Content) -> Branding:
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
