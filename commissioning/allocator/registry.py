"""The single registry of constraint families: the one home of each rule of the model.

Each family carries its row builder (`formulate` calls them in FAMILY_ORDER), who its rule
is about (`wording.subject`), its plain-English wording (explanations, rationale,
diagnosis), whether the elastic re-solve may relax it (`diagnose.elastic`) and, for a
policy rule, how it is priced (`explain.policy.price_of_rules`). Every explanation,
rationale and diagnosis the toolkit writes about a rule is generated from this registry and
the numbers of a result; nothing is hand-written per service.

Family names are spelled only here and in families.py (the builders, subjects and pricers):
code elsewhere iterates FAMILIES, reads a family's fields, or refers to one family by its
constant below (ENVELOPE, DEMAND, ...). tests/allocator/test_registry.py checks this.

To add a rule: write its builder (and, if it is a policy rule, its pricer) in families.py,
add a Family here in the place its rows belong in FAMILY_ORDER, add a fixture and a golden
LP file in tests/allocator, and describe it in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from commissioning.allocator import families as fb

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
    scope: fb.Scope = "model"
    """How often `build` is called: once, once a year, or per initiative and year."""
    build: fb.Builder | None = None
    """Writes the family's rows (families.py)."""
    subject: fb.Subject = fb.initiative_subject
    """Who or what one of its rules is about, from its index and the data."""
    elastic: bool = True
    """The elastic re-solve may relax it (not the viability pair, which a service at 0
    always satisfies)."""
    price: fb.Pricer | None = None
    """For a policy rule: the rules in force to price, each by re-solving without it."""
    moves_money: bool = True
    """Its price can say how much money it moves to (or keeps from) its subject."""
    choice_about_service: bool = False
    """A partnership's choice about one named service (a lock, an exclusion): no break-even
    can change the decision it holds."""
    when_stopped: str | None = None
    """What the rule means when it holds a running service at nothing ('{years}' filled in);
    None: its binding wording serves."""


ENVELOPE = "envelope"
COMMITTED = "committed"
STATUTORY = "statutory"
CAPACITY = "capacity"
GROWTH = "growth"
CONTINUITY = "continuity"
INEFFECTIVE = "ineffective"
LOCK = "lock"
EXCLUDE = "exclude"
VIABILITY_MIN = "viability_min"
VIABILITY_MAX = "viability_max"
PREVENTION = "prevention"
PRIORITY = "priority"
DISTRICT = "district"
DEMAND = "demand"

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            ENVELOPE,
            "<=",
            "Funding envelope",
            "Money drawn from a funding stream in a year cannot exceed that stream's budget.",
            "the {subject} envelope is fully spent",
            "one more £1 in the {subject} envelope",
            shortfall="the {subject} envelope would need {amount} more",
            scope="model",
            build=fb.build_envelope,
            subject=fb.stream_subject,
        ),
        Family(
            COMMITTED,
            ">=",
            "Committed contract",
            "A service under contract keeps at least its current budget until its contract ends.",
            "{subject} is held at its contracted budget until the contract ends",
            "£1 less owed under the {subject} contract",
            per_initiative=True,
            shortfall="{subject} would have to be paid {amount} less than its contract",
            scope="initiative",
            build=fb.build_committed,
        ),
        Family(
            STATUTORY,
            ">=",
            "Statutory or protected floor",
            "A service with a statutory or protected floor receives at least that floor.",
            "{subject} is held at its statutory or protected floor",
            "£1 off the protected floor of {subject}",
            per_initiative=True,
            shortfall="{subject} would fall {amount} below its protected floor",
            scope="initiative",
            build=fb.build_statutory,
        ),
        Family(
            CAPACITY,
            "<=",
            "Capacity",
            "A service cannot usefully absorb more than its maximum budget in a year.",
            "{subject} is at the most it can usefully absorb",
            "£1 more capacity for {subject}",
            per_initiative=True,
            shortfall="{subject} would need {amount} more capacity than it has",
            scope="initiative",
            build=fb.build_capacity,
        ),
        Family(
            GROWTH,
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
            scope="initiative",
            build=fb.build_growth,
            price=fb.price_whole_rule,
            moves_money=False,
            when_stopped="Once stopped, it stays stopped: the plan does not fund a running "
            "service again after stopping it, so it receives nothing in {years}.",
        ),
        Family(
            CONTINUITY,
            ">=",
            "Continuity of new services",
            "A service commissioned in the plan is not cut again within the plan.",
            "{subject} cannot be cut after it is commissioned",
            "£1 of cut allowed to {subject} after it is commissioned",
            per_initiative=True,
            shortfall="{subject} would have to be cut by {amount} after being commissioned",
            scope="initiative",
            build=fb.build_continuity,
        ),
        Family(
            INEFFECTIVE,
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
            scope="initiative",
            build=fb.build_ineffective,
            price=fb.price_whole_rule,
            moves_money=False,
        ),
        Family(
            LOCK,
            "==",
            "Locked by the partnership",
            "A locked service is held at its current budget in every year.",
            "{subject} is locked at its current budget",
            "£1 more on the locked budget of {subject}",
            policy=True,
            per_initiative=True,
            shortfall="{subject} would have to move {amount} away from its locked budget",
            scope="initiative",
            build=fb.build_lock,
            price=fb.price_lock,
            choice_about_service=True,
        ),
        Family(
            EXCLUDE,
            "<=",
            "Excluded by the partnership",
            "An excluded service receives nothing after its contract ends.",
            "{subject} is excluded by the partnership after its contract ends",
            "£1 allowed to the excluded {subject}",
            policy=True,
            per_initiative=True,
            shortfall="the excluded {subject} would need {amount}",
            scope="initiative",
            build=fb.build_exclude,
            price=fb.price_exclude,
            choice_about_service=True,
        ),
        Family(
            VIABILITY_MIN,
            ">=",
            "Minimum viable contract",
            "A service is either not funded or funded at least at its minimum viable size.",
            "{subject} is at its minimum viable size",
            "£1 off the minimum viable size of {subject}",
            per_initiative=True,
            shortfall="{subject} would fall {amount} below its minimum viable size",
            scope="initiative",
            build=fb.build_viability_min,
            elastic=False,
        ),
        Family(
            VIABILITY_MAX,
            "<=",
            "Viable only if funded",
            "A service that is not funded receives nothing (the other side of the minimum "
            "viable contract).",
            "{subject} is not funded because it could not reach its minimum viable size",
            "£1 allowed to {subject} below its minimum viable size",
            per_initiative=True,
            shortfall="{subject} would need {amount} although it is not viable",
            scope="initiative",
            build=fb.build_viability_max,
            elastic=False,
        ),
        Family(
            PREVENTION,
            ">=",
            "Prevention share",
            "At least the scenario's prevention share of all spend goes to services at levels "
            "1-2 (universal and early help).",
            "the prevention share of {subject} binds",
            "£1 less required at levels 1-2 in {subject}",
            policy=True,
            shortfall="levels 1-2 would need {amount} more in {subject} than the other rules allow",
            scope="year",
            build=fb.build_prevention,
            subject=fb.year_subject,
            price=fb.price_prevention,
        ),
        Family(
            PRIORITY,
            ">=",
            "Priority minimum share",
            "Each strategic priority receives at least its minimum share of all spend.",
            "the minimum share of priority {subject} binds",
            "£1 less required for priority {subject}",
            policy=True,
            shortfall="priority {subject} would fall {amount} short of its minimum share",
            scope="year",
            build=fb.build_priority,
            subject=fb.priority_subject,
            price=fb.price_priority,
        ),
        Family(
            DISTRICT,
            ">=",
            "District floor",
            "Each district receives at least the district floor times its need-weighted fair "
            "share of spend on district services.",
            "the district floor of {subject} binds",
            "£1 less required in district {subject}",
            policy=True,
            shortfall="district {subject} would fall {amount} short of its floor",
            scope="year",
            build=fb.build_district,
            subject=fb.district_subject,
            price=fb.price_district,
        ),
        Family(
            DEMAND,
            "<=",
            "Demand cap (no net-widening)",
            "Services at a level of need in a district cannot reach more children or families "
            "than the needs analysis says need support at that level.",
            "services for {subject} already reach every child or family the needs analysis counts",
            "one more participant of need counted for {subject}",
            unit="participants",
            shortfall="services for {subject} would have to reach {amount} more than the needs "
            "analysis counts",
            scope="model",
            build=fb.build_demand,
            subject=fb.demand_subject,
        ),
    )
}

FAMILY_ORDER: tuple[str, ...] = tuple(FAMILIES)
POLICY_FAMILIES: tuple[str, ...] = tuple(f.name for f in FAMILIES.values() if f.policy)
PRICING_ORDER: tuple[str, ...] = (
    PREVENTION,
    PRIORITY,
    DISTRICT,
    LOCK,
    EXCLUDE,
    GROWTH,
    INEFFECTIVE,
)
"""The policy families in the order a board reads their prices: the strategy's shares, then
the partnership's choices about services, then the rules of the model it may set."""


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
