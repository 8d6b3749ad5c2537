"""Short plain-text summaries of a plan for the terminal."""

from __future__ import annotations

from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.result import Result
from commissioning.allocator.wording import money, subject
from commissioning.explain.summary import summarise_plan
from commissioning.inputs.model import Inputs


def plan_text(inputs: Inputs, result: Result, top: int = 5) -> str:
    """The objective, money moved towards levels 1-2, decisions, and the hardest rules."""
    s = summarise_plan(inputs, result)
    final = s.years[-1]
    gain = s.objective - s.objective_today
    lines = [
        f"Plan for '{inputs.scenario.name}', {s.years[0]}-{final}: optimal",
        f"  Weighted outcomes over the plan: {s.objective:,.2f} "
        f"({gain:+,.2f} against today's budgets held for {len(s.years)} years)",
        f"  Spend in {final}: {money(s.total_proposed[final])} (today {money(s.total_today)})",
        f"  Levels 1-2 (prevention and early help): {money(s.prevention_today)} today -> "
        f"{money(s.prevention_final)} in {final} ({'+' if s.prevention_moved >= 0 else ''}"
        f"{money(s.prevention_moved)})",
        "  Decisions: "
        + ", ".join(f"{n} {d.replace('_', ' ')}" for d, n in s.decisions.items() if n),
    ]
    if s.pauses:
        lines.append(
            f"  Stopped and funded again later: {len(s.pauses)} services (the model puts no "
            "price on a pause; check each can stop and restart):"
        )
        shown = "; ".join(f"{p.initiative_id} none in {p.gap}" for p in s.pauses[:top])
        more = f"; and {len(s.pauses) - top} more" if len(s.pauses) > top else ""
        lines.append(f"    {shown}{more}")
    if s.binding:
        lines.append("  Rules that bind hardest (weighted outcomes per £1 relaxed):")
        for c in s.binding[:top]:
            fam = FAMILIES[c.family]
            lines.append(
                f"    {c.name}: {fam.title.lower()}, {subject(c.family, c.index, inputs.data)}"
                f" ({c.shadow_price:.3g})"
            )
    return "\n".join(lines)


def diagnosis_text(result: Result) -> str:
    lines = ["The rules of this scenario cannot all hold. What must give way:"]
    lines += [f"  {d.message}" for d in result.diagnosis]
    return "\n".join(lines)
