"""The partnership's wording (specs/*.yaml) filled in for a document: its placeholders, its
numbered sections, the reporting cadence, and the standard terms every specification cites.

These depend on the content and the plan's years only, not on the plan's figures, so the
standard terms are built once, when a plan is prepared, and shared by every document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType

from commissioning.documents.content import Content, DocumentText, fill
from commissioning.documents.contexts.blocks import ClauseView, Section, Table
from commissioning.documents.contexts.format import DocumentError, long_date, upper_first
from commissioning.documents.phrases import Words


def plan_fields(content: Content, years: Sequence[int]) -> dict[str, str]:
    """The placeholders every document's wording may use: the partnership's and the plan's."""
    p = content.partnership
    return {
        "partnership": p.name,
        "strategic_lead": p.strategic_lead,
        "development_officer": p.development_officer,
        "board": p.board,
        "first_year": str(years[0]),
        "last_year": str(years[-1]),
    }


def document_fields(
    content: Content,
    years: Sequence[int],
    document: str,
    district: str,
    sub_group: str,
    **more: str,
) -> dict[str, str]:
    """The values of the placeholders a document's wording may use ({partnership}, ...)."""
    return {
        **plan_fields(content, years),
        "sub_group": sub_group,
        "district": district,
        "document": document,
        **more,
    }


def document_words(text: DocumentText, fields: Mapping[str, str]) -> Words:
    """A document's standard wording from `specs/` (headings, notes, empty-table words and
    sentences around figures), its placeholders filled."""
    return Words(text.wording, MappingProxyType(dict(fields)))


@dataclass(frozen=True)
class Wording:
    """A document's wording from `specs/`, filled in for one document: its text, the values
    of its placeholders, its numbered sections and its standard wording by key."""

    text: DocumentText
    fields: Mapping[str, str]
    sections: Mapping[str, Section]
    words: Words


def document_wording(
    content: Content,
    years: Sequence[int],
    kind: str,
    document: str,
    district: str,
    sub_group: str,
    **more: str,
) -> Wording:
    """The wording of a document of `kind` (a key of `content.documents`), filled in: every
    builder starts from it, so they fill their placeholders alike."""
    text = content.documents[kind]
    fields = document_fields(content, years, document, district, sub_group, **more)
    return Wording(
        text,
        MappingProxyType(fields),
        document_sections(text, content, fields),
        document_words(text, fields),
    )


def document_sections(
    text: DocumentText, content: Content, fields: Mapping[str, str]
) -> Mapping[str, Section]:
    """A document's sections, numbered in order, with their clauses filled in."""
    out: dict[str, Section] = {}
    for n, (sid, s) in enumerate(text.sections.items(), 1):
        clauses = tuple(
            ClauseView(
                c.clause_id,
                c.title,
                tuple(fill(p, fields) for p in c.paragraphs),
                tuple(fill(p, fields) for p in c.points),
            )
            for c in (content.clauses[cid] for cid in s.clauses)
        )
        out[sid] = Section(sid, n, s.title, tuple(fill(p, fields) for p in s.intro), clauses)
    return MappingProxyType(out)


def reporting_table(
    content: Content,
    fields: Mapping[str, str],
    table_id: str,
    caption: str = "Reporting cadence",
) -> Table:
    """Who reports what, to whom and when (specs/reporting.yaml)."""
    rows = tuple(
        tuple(upper_first(fill(t, fields)) for t in (r.title, r.by, r.to, r.when, r.contents))
        for r in content.reporting.returns
    )
    return Table(
        table_id,
        caption,
        ("Report", "Prepared by", "Received by", "When", "What it covers"),
        rows,
        numeric=(False,) * 5,
    )


def quarters_line(content: Content) -> str:
    """'Quarters: Q1 April to June; ...'."""
    q = content.reporting.quarters
    return "Quarters: " + "; ".join(f"Q{n} {name}" for n, name in enumerate(q, 1)) + "."


# --- the standard terms -----------------------------------------------------------------------

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
    words: Words
    """The wording of the terms' own page (its `wording:` block)."""
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


def standard_terms(content: Content, years: Sequence[int], issued: date) -> StandardTerms:
    """The standard terms of a plan's specifications (specs/standard_terms.yaml)."""
    p = content.partnership
    # No district: the sub-group is named generically, as "the district ... Sub-Group".
    wording = document_wording(
        content,
        years,
        "terms",
        "specification",
        "the district",
        p.sub_group.format(district="district"),
    )
    text, fields = wording.text, wording.fields
    sections: dict[str, Section] = {}
    numbered: dict[str, tuple[tuple[str, str], ...]] = {}
    for sid, sec in wording.sections.items():
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
        *(cell for row in reporting_table(content, fields, "reporting").rows for cell in row),
        quarters_line(content),
        *(fill(e, fields) for e in content.reporting.escalation),
    ):
        digest.update(part.encode() + b"\0")
    reference = digest.hexdigest()[:8]
    return StandardTerms(
        text=text,
        fields=fields,
        sections=MappingProxyType(sections),
        words=wording.words,
        numbered=MappingProxyType(numbered),
        reference=reference,
        citation=f"{text.title} (version {text.version}, issued {long_date(issued)}, "
        f"text reference {reference})",
    )
