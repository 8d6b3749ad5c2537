"""What makes a document signable: its control block (version, date, status, what it
supersedes, the inputs it was made from), the approval recorded in the store or signature
lines where none is, the equality impact of the plan and the record of consultation.

The store and the data folder are read by the command or the app, never here: they hand
`prepare` a `Governance` of plain values, so the documents work the same with no store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from commissioning.documents.contexts.blocks import Fact, Table
from commissioning.documents.contexts.format import long_date, number, parse_day
from commissioning.documents.phrases import Words
from commissioning.inputs.consultation import Consultation
from commissioning.inputs.model import Initiative


@dataclass(frozen=True)
class Approval:
    """A decision recorded in the store on one service's proposal."""

    initiative_id: str
    action: str
    """`accept` (the proposal stands) or `override` (the commissioner decided otherwise)."""
    decided_by: str
    decided_at: str
    reference: str
    """The store's reference of the decision, e.g. 'decision 12 on run 3f2a...'."""
    reason: str

    @property
    def when(self) -> str:
        day = parse_day(self.decided_at)
        return long_date(day) if day else self.decided_at

    @property
    def accepted(self) -> bool:
        return self.action == "accept"


@dataclass(frozen=True)
class Governance:
    """What the store and the data folder say about a plan's governance."""

    version: int = 1
    """The issue number: 1 plus the earlier plans of the same scenario in the store."""
    supersedes: str = ""
    """The plan this one replaces, in words ("" for a first issue)."""
    approvals: Mapping[str, Approval] = field(default_factory=lambda: MappingProxyType({}))
    """The latest decision on each service's proposal, by initiative id."""
    consultation: tuple[Consultation, ...] = ()


def status_of(governance: Governance, ids: Sequence[str], draft: str, words: Words) -> str:
    """'Agreed' when every service the document covers has an accepted decision on record;
    else the document's draft status from its wording file."""
    found = [governance.approvals.get(i) for i in ids]
    if ids and all(a is not None and a.accepted for a in found):
        return words["status_agreed"]
    return draft


def control_facts(
    governance: Governance, issued: date, status: str, fingerprint: str, version: str = ""
) -> tuple[Fact, ...]:
    """The document control block printed on every cover."""
    return (
        Fact("Version", version or f"{governance.version}.0"),
        Fact("Date", long_date(issued)),
        Fact("Status", status),
        Fact(
            "Supersedes",
            governance.supersedes or "nothing: the first issue made from this scenario",
        ),
        Fact("Input fingerprint", fingerprint),
    )


def approval_table(
    table_id: str,
    governance: Governance,
    ids: Sequence[str],
    names: Mapping[str, str],
    words: Words,
) -> Table:
    """The approval block: each recorded decision (who, when, reference), or lines to sign
    where none is recorded."""
    rows = []
    for iid in ids:
        a = governance.approvals.get(iid)
        if a is None:
            rows.append((names[iid], "not yet decided", "name", "date", "reference"))
        else:
            verdict = "Accepted as proposed" if a.accepted else "Overridden: " + a.reason
            rows.append((names[iid], verdict, a.decided_by, a.when, a.reference))
    recorded = any(iid in governance.approvals for iid in ids)
    return Table(
        table_id,
        words["approval_recorded" if recorded else "approval_none"],
        ("Proposal", "Decision", "Decision maker", "Date", "Reference"),
        tuple(rows),
        numeric=(False,) * 5,
        style="" if recorded else "write-in",
        fixed_widths=(30.0, 22.0, 18.0, 14.0, 16.0),
        empty="No proposal to approve.",
    )


def signature_table(table_id: str, parties: Sequence[tuple[str, str]]) -> Table:
    """Lines for each party to sign: (signed for, role)."""
    return Table(
        table_id,
        "Signatures",
        ("Signed for", "Role", "Name", "Signature", "Date"),
        tuple((who, role, "name", "signature", "date") for who, role in parties),
        numeric=(False,) * 5,
        style="write-in sign",
        fixed_widths=(30.0, 20.0, 18.0, 20.0, 12.0),
    )


def consultation_table(governance: Governance, words: Words, blank_lines: int = 4) -> Table:
    """The consultation record, or lines to fill in where none is recorded."""
    rows = tuple(
        (long_date(c.day), c.consulted, c.topic, c.outcome, c.reference or "none given")
        for c in governance.consultation
    )
    if not rows:
        rows = tuple(("date", "who", "topic", "outcome", "reference") for _ in range(blank_lines))
    return Table(
        "consultation",
        words["consultation_recorded" if governance.consultation else "consultation_none"],
        ("Date", "Who was consulted", "Topic", "Outcome", "Reference"),
        rows,
        numeric=(False,) * 5,
        style="" if governance.consultation else "write-in",
        fixed_widths=(14.0, 22.0, 22.0, 30.0, 12.0),
    )


def equality_table(
    services: Iterable[tuple[str, Initiative, float]],
    names: Mapping[str, str],
    final_year: int,
    words: Words,
) -> Table:
    """Who loses or gains a service: participants by place and level of need, today and in
    the final year, from (place, service, its budget in the final year); `names` names each
    place."""
    today, final = participants_by_place(
        [
            (place, i.level, i.participants(i.current_budget), i.participants(budget))
            for place, i, budget in services
        ]
    )
    keys = sorted({*today, *final}, key=lambda k: (names[k[0]], k[1]))
    rows = []
    for k in keys:
        before, after = today.get(k, 0.0), final.get(k, 0.0)
        if round(before) == 0 and round(after) == 0:
            continue
        change = after - before
        rows.append(
            (
                names[k[0]],
                f"Level {k[1]}",
                number(before),
                number(after),
                f"{change:+,.0f}" if round(change) else "no change",
            )
        )
    return Table(
        "equality",
        words["equality_table"],
        ("Where", "Level of need", "Today", str(final_year), "Change"),
        tuple(rows),
        numeric=(False, False, True, True, True),
        style="compact",
        empty="No service reaches anyone today or in the plan.",
    )


def participants_by_place(
    rows: Sequence[tuple[str, int, float, float]],
) -> tuple[dict[tuple[str, int], float], dict[tuple[str, int], float]]:
    """(place, level, participants today, participants in the final year) summed by place
    and level."""
    today: dict[tuple[str, int], float] = defaultdict(float)
    final: dict[tuple[str, int], float] = defaultdict(float)
    for place, level, before, after in rows:
        today[(place, level)] += before
        final[(place, level)] += after
    return today, final


def screening_table(questions: Sequence[str], words: Words) -> Table:
    """The equality screening questions, with room for the answers."""
    return Table(
        "screening",
        words["screening_table"],
        ("Question", "Answer"),
        tuple((q, "to be completed") for q in questions),
        numeric=(False, False),
        style="write-in",
        fixed_widths=(60.0, 40.0),
    )
