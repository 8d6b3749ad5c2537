"""The index page of a documents folder, linking every document produced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from commissioning.documents.contexts.blocks import Branding
from commissioning.documents.contexts.format import long_date
from commissioning.documents.contexts.plan import Plan, branding, builds_from_data


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

    template: ClassVar[str] = "index.html"
    branding: Branding
    title: str
    plan: str
    audit: str
    issued: str
    groups: tuple[IndexGroup, ...]


@builds_from_data
def index_context(plan: Plan, groups: Sequence[IndexGroup]) -> IndexContext:
    """The index page of a documents folder."""
    return IndexContext(
        branding=branding(plan.content),
        title=f"Documents for the plan \u201c{plan.inputs.scenario.name}\u201d",
        plan=plan.plan_line(),
        audit=plan.audit_line(),
        issued=long_date(plan.issued),
        groups=tuple(groups),
    )
