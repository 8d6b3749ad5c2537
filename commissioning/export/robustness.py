"""The robustness of a plan for people: a terminal summary and a CSV table.

Names come from the mapping, so every text cell of the CSV goes through `export.cells`
(`formula_safe`): a spreadsheet shows it as text and never runs it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from commissioning.allocator.result import DECISIONS, VALUE_UNITS
from commissioning.allocator.vocabulary import DECISION_DONE
from commissioning.allocator.wording import ValueUnit, money
from commissioning.export.cells import formula_safe
from commissioning.export.files import write_atomic
from commissioning.inputs.model import Inputs
from commissioning.robustness.summary import (
    FRAGILE_BELOW,
    Robustness,
    percent,
    sentence,
)

CHANGES = ("commission", "decommission", "grow", "reduce")
"""Decisions that change a service: the robust ones are named one by one."""


def robustness_text(inputs: Inputs, r: Robustness, top: int = 15) -> str:
    """The summary: how often plans exist, the spread of the outcomes, then the fragile
    decisions one by one and the robust changes one by one."""
    n = r.draws
    lines = [f"Robustness of the plan for '{inputs.scenario.name}' over {n:,} plausible futures"]
    lines.append(
        f"  (effects and costs per participant drawn from their plausible ranges; seed {r.seed})"
    )
    if r.infeasible:
        lines.append(
            f"  In {r.infeasible:,} of {n:,} futures no plan meets every rule: they count "
            "against every decision below."
        )
    if r.objective is not None:
        o = r.objective
        unit = ValueUnit(r.value_unit == VALUE_UNITS[1])
        lines.append(
            f"  {unit.title}: {unit.figure(r.plan_objective)} on the figures as given; "
            f"{unit.figure(o.p50)} in the middle future, {unit.figure(o.p5)} to "
            f"{unit.figure(o.p95)} in 90% of futures"
        )
    fragile = sorted((s for s in r.initiatives if s.fragile), key=lambda s: s.stability)
    names = {i.initiative_id: i.name for i in inputs.data.initiatives}
    threshold = percent(FRAGILE_BELOW)
    if fragile:
        lines.append(
            f"  Fragile decisions (holding in fewer than {threshold} of futures): {len(fragile)}"
        )
        for s in fragile[:top]:
            lines.append(
                f"    {names[s.initiative_id]} ({s.initiative_id}): {sentence(s, n, inputs.data)}"
            )
        if len(fragile) > top:
            lines.append(f"    and {len(fragile) - top} more (see the CSV or JSON file)")
    else:
        lines.append(
            f"  No decision is fragile: every one holds in at least {threshold} of futures."
        )
    robust = [s for s in r.initiatives if not s.fragile]
    changes = sorted((s for s in robust if s.decision in CHANGES), key=lambda s: -s.stability)
    lines.append(f"  Robust decisions (holding in at least {threshold} of futures): {len(robust)}")
    for s in changes[:top]:
        b = s.budget
        budget = "" if b is None else f"; final-year budget {money(b.p50)} in the middle future"
        lines.append(
            f"    {names[s.initiative_id]} ({s.initiative_id}): {DECISION_DONE[s.decision]} in "
            f"{percent(s.stability)}{budget}"
        )
    if len(changes) > top:
        lines.append(f"    and {len(changes) - top} more changes")
    rest = len(robust) - len(changes)
    if rest:
        lines.append(f"    and {rest} services robustly maintained or not commissioned")
    return "\n".join(lines)


def write_robustness_csv(path: Path, inputs: Inputs, r: Robustness) -> None:
    """One row per service, written whole or not at all."""
    write_atomic(path, robustness_csv_writer(inputs, r))


def robustness_csv_writer(inputs: Inputs, r: Robustness) -> Callable[[Path], None]:
    """What `write_atomic` or `write_set` calls to write the CSV: one row per service."""
    names = {i.initiative_id: i.name for i in inputs.data.initiatives}
    header = [
        "initiative_id",
        "name",
        "decision",
        "stability",
        "funded_share",
        *(f"share_{d}" for d in DECISIONS),
        "budget_p5",
        "budget_p50",
        "budget_p95",
        "turns_on_initiative_id",
        "turns_on_figure",
    ]

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for s in r.initiatives:
                b, t = s.budget, s.turns_on
                w.writerow(
                    [
                        formula_safe(s.initiative_id),
                        formula_safe(names[s.initiative_id]),
                        s.decision,
                        s.stability,
                        s.funded_share,
                        *(s.decision_shares[d] for d in DECISIONS),
                        *(("", "", "") if b is None else (b.p5, b.p50, b.p95)),
                        "" if t is None else formula_safe(t.initiative_id),
                        "" if t is None else t.figure,
                    ]
                )

    return write
