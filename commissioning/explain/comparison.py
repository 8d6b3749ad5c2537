"""Why two plans score differently, in words a board can follow.

A plan's score (its objective) is the value of each £1 spent on a service, summed over the
services and years: so the difference between two plans is where their money went. A plan
that reaches more children and families can score lower, when it moves money to services
that reach many people cheaply but achieve less for each £1 (weighted by evidence, level
of need, priority and the district's need); this says so with the figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from commissioning.allocator.result import Result
from commissioning.allocator.wording import ValueUnit
from commissioning.explain.summary import LEVEL_LABELS
from commissioning.formatting import board_money
from commissioning.inputs.model import DataSet

SAME = 1e-6
"""Scores within this share of each other are the same."""


@dataclass(frozen=True)
class LevelMoney:
    """One level of need in one plan: spend over the plan years and the value it brings."""

    level: int
    spend: float
    value: float

    @property
    def per_pound(self) -> float:
        return self.value / self.spend if self.spend > 0 else 0.0


def by_level(data: DataSet, result: Result) -> dict[int, LevelMoney]:
    """Spend over every plan year and its share of the score, by level of need."""
    spend: dict[int, float] = defaultdict(float)
    value: dict[int, float] = defaultdict(float)
    for i in data.initiatives:
        r = result.initiatives_by_id[i.initiative_id]
        total = sum(r.proposed.values())
        spend[i.level] += total
        value[i.level] += r.value_per_pound * total
    return {lv: LevelMoney(lv, spend[lv], value[lv]) for lv in sorted(spend)}


def reached(data: DataSet, result: Result) -> float:
    """Children and families reached in the final year (budget / unit cost)."""
    final = result.years[-1]
    return sum(
        result.initiatives_by_id[i.initiative_id].proposed[final] / i.unit_cost
        for i in data.initiatives
    )


def why_scores_differ(
    data: DataSet,
    a: Result,
    b: Result,
    names: tuple[str, str] = ("A", "B"),
    settings: Sequence[str] = (),
) -> str:
    """A few sentences: how much higher or lower `b` scores than `a`, what the scenarios
    change (`settings`, already in words), where the money moved between levels of need
    with what each £1 achieves there, and, when reach and score part ways, why."""
    if a.objective is None or b.objective is None:
        return ""
    unit = a.unit
    na, nb = names
    dv = b.objective - a.objective
    dr = reached(data, b) - reached(data, a)
    final = b.years[-1]
    people = f"{abs(dr):,.0f} {'more' if dr >= 0 else 'fewer'} children and families"
    if abs(dv) <= SAME * max(1.0, abs(a.objective)) and abs(dr) < 0.5:
        out = [f"{na} and {nb} score the same and reach as many children and families."]
    elif abs(dv) <= SAME * max(1.0, abs(a.objective)):
        out = [f"{nb} scores the same as {na} and reaches {people} in {final}."]
    else:
        out = [
            f"{nb} scores {_figure(unit, abs(dv))} "
            f"{'higher' if dv > 0 else 'lower'} than {na} "
            f"({unit.name}, over the plan) and reaches {people} in {final}."
        ]
    if settings:
        out.append(f"The scenarios differ in: {', '.join(settings)}.")
    levels_a, levels_b = by_level(data, a), by_level(data, b)
    moved = {
        lv: levels_b[lv].spend - levels_a[lv].spend for lv in levels_b.keys() & levels_a.keys()
    }
    if moved:
        up = max(moved, key=lambda lv: moved[lv])
        down = min(moved, key=lambda lv: moved[lv])
        if moved[up] >= 1 and moved[down] <= -1:
            out.append(
                f"{nb} puts {board_money(moved[up])} more over the plan into "
                f"{_level(up)} services, where {_rate(unit, levels_b[up].per_pound)}, and "
                f"{board_money(-moved[down])} less into {_level(down)} services, where "
                f"{_rate(unit, levels_b[down].per_pound)}."
            )
    if abs(dr) >= 0.5 and abs(dv) > SAME * max(1.0, abs(a.objective)) and (dr > 0) != (dv > 0):
        what = "avoids" if unit.pounds else "achieves"
        out.append(
            f"So reaching {'more' if dr > 0 else 'fewer'} people does not mean a "
            f"{'higher' if dr > 0 else 'lower'} score: the score counts what each £1 {what} "
            "for children and families, weighted by the strength of the evidence, the level "
            "of need, the priority and the district's need, not how many people are reached."
        )
    return " ".join(out)


def _figure(unit: ValueUnit, x: float) -> str:
    """A plan's worth as a board reads it: pounds rounded (`board_step`), weighted outcomes
    as they are."""
    return board_money(x) if unit.pounds else unit.figure(x)


def _level(level: int) -> str:
    """'level 1 (universal)'."""
    label = LEVEL_LABELS[level]
    number, _, words = label.partition(": ")
    return f"{number.lower()} ({words})"


def _rate(unit: ValueUnit, per_pound: float) -> str:
    """'each £1 avoids £2.10 of later costs' or 'each £1,000 buys 5.00 weighted outcomes'."""
    text = unit.buys(per_pound)
    return text[0].lower() + text[1:]
