"""The standard terms document, printed once for every specification of a plan, and how a
specification cites its clauses by number."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from commissioning.documents.content import fill
from commissioning.documents.contexts.blocks import DocumentContext, Fact, Table, TermsCitation
from commissioning.documents.contexts.format import long_date
from commissioning.documents.contexts.plan import Plan, builds_from_data
from commissioning.documents.contexts.wording import (
    TERMS_ITEMS,
    StandardTerms,
    quarters_line,
    reporting_table,
)


@dataclass(frozen=True)
class TermsContext(DocumentContext):
    """The standard terms for PEI service specifications, printed once and cited by number;
    their sections' clauses are numbered: section 2's clauses are 2.1, 2.2, ..."""

    template: ClassVar[str] = "standard_terms.html"
    about: tuple[Fact, ...]
    reporting_heading: str
    """'3.1 Reporting cadence'."""
    reporting: Table
    quarters: str
    escalation_heading: str
    escalation: tuple[str, ...]


@builds_from_data
def terms_context(plan: Plan) -> TermsContext:
    """The standard terms document, printed once for every specification of the plan."""
    t = plan.terms
    reporting, escalation = TERMS_ITEMS["monitoring"]
    words = t.words
    about = (
        Fact("Version", f"{t.text.version}, issued {long_date(plan.issued)}"),
        Fact(
            "Text reference",
            words.say("about_reference", reference=t.reference),
        ),
        Fact(
            "Applies to",
            words.say("about_applies", plan=plan.plan_line()),
        ),
        Fact("Period", plan.period_text(plan.years[0], plan.final_year)),
    )
    meta = plan.make_meta("terms", t.text, t.text.title, t.text.title, t.sections)
    return TermsContext(
        meta=replace(meta, doc_title=f"Version {t.text.version}"),
        sections=t.sections,
        about=about,
        reporting_heading=f"{t.number_of('monitoring', reporting)} {reporting}",
        reporting=reporting_table(
            plan.content, t.fields, "reporting", "Who reports what, to whom and when"
        ),
        quarters=quarters_line(plan.content),
        escalation_heading=f"{t.number_of('monitoring', escalation)} {escalation}",
        escalation=tuple(fill(e, t.fields) for e in plan.content.reporting.escalation),
    )


def cite(terms: StandardTerms, section_id: str, full: bool) -> TermsCitation:
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
