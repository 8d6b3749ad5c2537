"""The quarterly scorecard as plain text for a person at a terminal (`commissioning monitor`)."""

from __future__ import annotations

from commissioning.formatting import format_money, one_line
from commissioning.monitor.scorecard import Scorecard, ServiceCard
from commissioning.monitor.value import ValueCard


def _counts(services: tuple[ServiceCard, ...]) -> str:
    n = {rag: sum(1 for s in services if s.rag == rag) for rag in ("green", "amber", "red")}
    return f"{n['green']} on track, {n['amber']} amber, {n['red']} red"


def scorecard_text(card: Scorecard, value: ValueCard | None) -> str:
    """The scorecard for a person at a terminal: totals, districts, services off track."""
    t = card.total
    lines = [
        f"Scorecard for {card.year}, quarters 1 to {card.quarter} "
        f"({len(card.services)} services: {_counts(card.services)})",
        f"  Spend {format_money(t.actual_spend)} of {format_money(t.planned_spend)} planned; "
        f"{t.actual_participants:,.0f} participants of {t.planned_participants:,.0f} planned; "
        f"{t.actual_outcomes:,.0f} outcomes achieved, {t.expected_outcomes:,.0f} expected.",
        *_value_lines(value),
        "",
        "By district (spend / participants / outcomes):",
    ]
    for d in card.districts:
        lines.append(
            f"  {d.name}: {d.spend_rag} / {d.participants_rag} / {d.outcomes_rag}"
            f" ({_counts(d.services)})"
        )
    lines += ["", "By outcome (participants / outcomes):"]
    for o in card.outcomes:
        lines.append(f"  {o.name}: {o.participants_rag} / {o.outcomes_rag}")
    off = [s for s in card.services if s.off_track]
    lines += ["", f"Services off track ({len(off)}):" if off else "No service is off track."]
    for s in off:
        f = s.figures
        why = (
            f"spent {format_money(f.actual_spend)} of {format_money(f.planned_spend)} planned; "
            f"{count(f.actual_participants)} participants of {count(f.planned_participants)} "
            f"planned; {count(f.actual_outcomes)} outcomes achieved of "
            f"{count(f.expected_outcomes)} expected"
        )
        if s.missing_quarters:
            why = f"no return for {quarters(s.missing_quarters)}; {why}"
        lines.append(f"  {s.rag}: {s.initiative.name} ({s.initiative_id}): {why}")
        for q, note in s.notes[-1:]:
            lines.append(f"      the provider's note for quarter {q}: {one_line(note)}")
    return "\n".join(lines)


def _value_lines(value: ValueCard | None) -> list[str]:
    if value is None:
        return [
            "  The data has no cost library, so the late-intervention cost avoided and the "
            "cashable savings are not reckoned."
        ]
    t = value.total
    lines = [
        f"  Late-intervention cost avoided: {format_money(t.realised)} realised, against "
        f"{format_money(t.planned)} expected to date (the outcomes the plan expects by now, "
        "valued alike)."
    ]
    for who, a in value.cashable_by_partner.items():
        lines.append(
            f"  Cashable savings to {who}: {format_money(a.realised)} realised, against "
            f"{format_money(a.planned)} planned to date."
        )
    return lines


def count(x: float) -> str:
    """People: whole numbers as such, a planned fraction to one decimal place when small."""
    return f"{x:,.0f}" if x >= 100 or abs(x - round(x)) < 0.05 else f"{x:,.1f}"


def quarters(qs: tuple[int, ...]) -> str:
    """(2,) -> 'quarter 2'; (1, 2) -> 'quarters 1 and 2'."""
    if len(qs) == 1:
        return f"quarter {qs[0]}"
    return "quarters " + ", ".join(map(str, qs[:-1])) + f" and {qs[-1]}"
