"""The single registry of constraint families: what each policy rule means, in plain English.

Every explanation, rationale and diagnosis the toolkit writes about a rule is generated
from this registry and the numbers of a result; nothing is hand-written per service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sense = Literal["<=", ">=", "=="]
Unit = Literal["pounds", "participants"]


@dataclass(frozen=True)
class Family:
    """A family of constraints of the model (model.md section 3)."""

    name: str
    sense: Sense
    title: str
    """A short label for tables."""
    rule: str
    """The rule in plain English, as an auditor would read it."""
    binding: str
    """What it means when the rule binds, for explanations ('{subject}' is filled in)."""
    relax: str
    """What relaxing the rule by one unit means ('{subject}' is filled in)."""
    shortfall: str = "{subject} would have to give way by {amount}"
    """What an infeasible scenario needs of the rule ('{subject}', '{amount}' filled in)."""
    unit: Unit = "pounds"
    policy: bool = False
    """A partnership choice in the scenario (its price is worth showing), not a fact of the data."""
    per_initiative: bool = False
    """Indexed by initiative and year."""


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "envelope",
            "<=",
            "Funding envelope",
            "Money drawn from a funding stream in a year cannot exceed that stream's budget.",
            "the {subject} envelope is fully spent",
            "one more £1 in the {subject} envelope",
            shortfall="the {subject} envelope would need {amount} more",
        ),
        Family(
            "committed",
            ">=",
            "Committed contract",
            "A service under contract keeps at least its current budget until its contract ends.",
            "{subject} is held at its contracted budget until the contract ends",
            "£1 less owed under the {subject} contract",
            per_initiative=True,
            shortfall="{subject} would have to be paid {amount} less than its contract",
        ),
        Family(
            "statutory",
            ">=",
            "Statutory or protected floor",
            "A service with a statutory or protected floor receives at least that floor.",
            "{subject} is held at its statutory or protected floor",
            "£1 off the protected floor of {subject}",
            per_initiative=True,
            shortfall="{subject} would fall {amount} below its protected floor",
        ),
        Family(
            "capacity",
            "<=",
            "Capacity",
            "A service cannot usefully absorb more than its maximum budget in a year.",
            "{subject} is at the most it can usefully absorb",
            "£1 more capacity for {subject}",
            per_initiative=True,
            shortfall="{subject} would need {amount} more capacity than it has",
        ),
        Family(
            "growth",
            "<=",
            "Growth limit",
            "A service running today can grow each year by at most the scenario's growth "
            "fraction of last year's budget, and once stopped stays stopped; any other service "
            "may also ramp up by the ramp fraction of its capacity (or its minimum viable size) "
            "a year.",
            "{subject} is growing as fast as the growth limit allows",
            "£1 more growth allowed for {subject}",
            policy=True,
            per_initiative=True,
            shortfall="{subject} would have to grow {amount} more than the growth limit allows",
        ),
        Family(
            "continuity",
            ">=",
            "Continuity of new services",
            "A service commissioned in the plan is not cut again within the plan.",
            "{subject} cannot be cut after it is commissioned",
            "£1 of cut allowed to {subject} after it is commissioned",
            per_initiative=True,
            shortfall="{subject} would have to be cut by {amount} after being commissioned",
        ),
        Family(
            "ineffective",
            "<=",
            "No money for what does not work",
            "A service whose evidence multiplier is zero (found not effective) receives no "
            "money beyond its contracted or protected floor.",
            "{subject} receives nothing beyond its floor because the evidence says it does "
            "not work",
            "£1 more allowed to {subject} beyond its floor",
            policy=True,
            per_initiative=True,
            shortfall="{subject} would need {amount} beyond its floor although the evidence "
            "says it does not work",
        ),
        Family(
            "lock",
            "==",
            "Locked by the partnership",
            "A locked service is held at its current budget in every year.",
            "{subject} is locked at its current budget",
            "£1 more on the locked budget of {subject}",
            policy=True,
            per_initiative=True,
            shortfall="{subject} would have to move {amount} away from its locked budget",
        ),
        Family(
            "exclude",
            "<=",
            "Excluded by the partnership",
            "An excluded service receives nothing after its contract ends.",
            "{subject} is excluded by the partnership after its contract ends",
            "£1 allowed to the excluded {subject}",
            policy=True,
            per_initiative=True,
            shortfall="the excluded {subject} would need {amount}",
        ),
        Family(
            "viability_min",
            ">=",
            "Minimum viable contract",
            "A service is either not funded or funded at least at its minimum viable size.",
            "{subject} is at its minimum viable size",
            "£1 off the minimum viable size of {subject}",
            per_initiative=True,
            shortfall="{subject} would fall {amount} below its minimum viable size",
        ),
        Family(
            "viability_max",
            "<=",
            "Viable only if funded",
            "A service that is not funded receives nothing (the other side of the minimum "
            "viable contract).",
            "{subject} is not funded because it could not reach its minimum viable size",
            "£1 allowed to {subject} below its minimum viable size",
            per_initiative=True,
            shortfall="{subject} would need {amount} although it is not viable",
        ),
        Family(
            "prevention",
            ">=",
            "Prevention share",
            "At least the scenario's prevention share of all spend goes to services at levels "
            "1-2 (universal and early help).",
            "the prevention share of {subject} binds",
            "£1 less required at levels 1-2 in {subject}",
            policy=True,
            shortfall="levels 1-2 would need {amount} more in {subject} than the other rules allow",
        ),
        Family(
            "priority",
            ">=",
            "Priority minimum share",
            "Each strategic priority receives at least its minimum share of all spend.",
            "the minimum share of priority {subject} binds",
            "£1 less required for priority {subject}",
            policy=True,
            shortfall="priority {subject} would fall {amount} short of its minimum share",
        ),
        Family(
            "district",
            ">=",
            "District floor",
            "Each district receives at least the district floor times its need-weighted fair "
            "share of spend on district services.",
            "the district floor of {subject} binds",
            "£1 less required in district {subject}",
            policy=True,
            shortfall="district {subject} would fall {amount} short of its floor",
        ),
        Family(
            "demand",
            "<=",
            "Demand cap (no net-widening)",
            "Services at a level of need in a district cannot reach more children or families "
            "than the needs analysis says need support at that level.",
            "services for {subject} already reach every child or family the needs analysis counts",
            "one more participant of need counted for {subject}",
            unit="participants",
            shortfall="services for {subject} would have to reach {amount} more than the needs "
            "analysis counts",
        ),
    )
}

FAMILY_ORDER: tuple[str, ...] = tuple(FAMILIES)
POLICY_FAMILIES: tuple[str, ...] = tuple(f.name for f in FAMILIES.values() if f.policy)


def constraint_name(family: str, *index: object) -> str:
    """The name a rule has in results: `envelope[PH,2027]`."""
    return f"{family}[{','.join(str(i) for i in index)}]"


def split_name(name: str) -> tuple[str, tuple[str, ...]]:
    """`envelope[PH,2027]` -> ("envelope", ("PH", "2027")).

    Ids are free text, so an index part may itself contain a comma; callers that need
    exact parts should use the `index` kept on each constraint of a result instead.
    """
    family, _, rest = name.partition("[")
    return family, tuple(rest[:-1].split(",")) if rest else ()
