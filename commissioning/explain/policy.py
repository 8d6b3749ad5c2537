"""The price of each policy rule: what it costs (in pounds of late-intervention cost avoided,
or weighted outcomes without a cost library) and what it buys.

Policy is a choice; the toolkit shows its cost rather than hiding it. Each rule is priced
by re-solving the model without it (all its years together) and comparing optima.
"""

from __future__ import annotations

from dataclasses import dataclass

from commissioning.allocator.families import PricedRule
from commissioning.allocator.formulation import Formulation, Row, formulate
from commissioning.allocator.registry import FAMILIES, PRICING_ORDER
from commissioning.allocator.result import Result
from commissioning.allocator.solvers import SolverName
from commissioning.allocator.whatif import optimum_dropping
from commissioning.allocator.wording import money
from commissioning.inputs.model import Inputs


@dataclass(frozen=True)
class RulePrice:
    """One policy rule (all its years), its cost and what it buys."""

    key: str
    """e.g. `district[PEN]`: the rule's family and index without the year."""
    family: str
    label: str
    cost: float
    """Weighted outcomes over the plan given up to keep the rule (>= 0)."""
    binds: bool
    buys: float
    """£ over the plan that the rule moves to (or, for an exclusion, keeps from) its subject."""
    sentence: str


def _spend(proposed: dict[str, dict[int, float]], ids: set[str]) -> float:
    return sum(v for iid in ids for v in proposed.get(iid, {}).values())


def price_of_rules(
    inputs: Inputs, result: Result, solver: SolverName = "highs"
) -> tuple[RulePrice, ...]:
    """Every policy rule in force, priced by re-solving without it (each policy family says
    in the registry which rules it has in force and how their price reads)."""
    if result.objective is None:
        return ()
    unit = result.unit
    f: Formulation = formulate(inputs)
    with_rule = {r.initiative_id: dict(r.proposed) for r in result.initiatives}
    binding_names = {c.name for c in result.constraints if c.binding}
    out: list[RulePrice] = []

    def price(family: str, rule: PricedRule) -> None:
        def drop(r: Row) -> bool:
            if r.family != family:
                return False
            return rule.index is None or r.index[: len(rule.index)] == rule.index

        rows = [r for r in f.rows if drop(r)]
        if not rows:
            return
        binds = any(r.name in binding_names for r in rows)
        if not binds and not f.is_mip:
            # An LP optimum that leaves a rule slack is still optimal without it.
            cost, without = 0.0, with_rule
        else:
            alt = optimum_dropping(inputs, drop, solver)
            cost = alt.objective - (result.objective or 0.0)
            # Below a millionth of the plan's outcomes the difference is solver tolerance.
            if cost < 1e-6 * max(1.0, abs(result.objective or 0.0)):
                cost = 0.0
            without = alt.proposed
        subject_ids = set(rule.subject_ids)
        moved = _spend(with_rule, subject_ids) - _spend(without, subject_ids)
        worth = unit.amount(cost)
        label = rule.label
        if not binds:
            sentence = f"The {label} does not hold the plan back: it costs nothing in this plan."
        elif rule.buys_what is None:
            sentence = f"The {label} costs {worth} over the plan."
        elif rule.keeps_from:
            sentence = (
                f"The {label} costs {worth} over the plan and keeps {money(-moved)} from "
                f"{rule.buys_what}."
            )
        else:
            sentence = (
                f"The {label} costs {worth} over the plan and keeps {money(moved)} in "
                f"{rule.buys_what}."
            )
        out.append(RulePrice(rule.key, family, label, cost, binds, moved, sentence))

    for family in PRICING_ORDER:
        fam = FAMILIES[family]
        if fam.price is not None:
            for rule in fam.price(inputs, fam):
                price(family, rule)
    return tuple(out)
