"""The price of each policy rule: what it costs (in pounds of late-intervention cost avoided,
or weighted outcomes without a cost library) and what it buys.

Policy is a choice; the toolkit shows its cost rather than hiding it. Each rule is priced
by re-solving the model without it (all its years together) and comparing optima.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commissioning.allocator.formulation import Formulation, Row, formulate
from commissioning.allocator.registry import FAMILIES
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
    """Every policy rule in force, priced by re-solving without it."""
    if result.objective is None:
        return ()
    data = inputs.data
    unit = result.unit
    f: Formulation = formulate(inputs)
    with_rule = {r.initiative_id: dict(r.proposed) for r in result.initiatives}
    binding_names = {c.name for c in result.constraints if c.binding}
    out: list[RulePrice] = []

    def price(
        key: str,
        family: str,
        label: str,
        drop: Callable[[Row], bool],
        subject_ids: set[str],
        buys_what: str | None,
    ) -> None:
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
        moved = _spend(with_rule, subject_ids) - _spend(without, subject_ids)
        worth = unit.amount(cost)
        if not binds:
            sentence = f"The {label} does not bind: it costs nothing in this plan."
        elif buys_what is None:
            sentence = f"The {label} costs {worth} over the plan."
        elif family == "exclude":
            sentence = (
                f"The {label} costs {worth} over the plan and keeps {money(-moved)} from "
                f"{buys_what}."
            )
        else:
            sentence = (
                f"The {label} costs {worth} over the plan and keeps {money(moved)} in {buys_what}."
            )
        out.append(RulePrice(key, family, label, cost, binds, moved, sentence))

    price(
        "prevention",
        "prevention",
        "prevention share",
        lambda r: r.family == "prevention",
        {i.initiative_id for i in data.initiatives if i.level <= 2},
        "services at levels 1-2",
    )
    for p in data.priorities:
        price(
            f"priority[{p.priority_id}]",
            "priority",
            f"minimum share for {p.name}",
            lambda r, p=p.priority_id: r.family == "priority" and r.index[0] == p,  # type: ignore[misc]
            {i.initiative_id for i in data.initiatives if i.priority_id == p.priority_id},
            f"services for {p.name}",
        )
    for d in data.districts:
        price(
            f"district[{d.district_id}]",
            "district",
            f"district floor for {d.name}",
            lambda r, d=d.district_id: r.family == "district" and r.index[0] == d,  # type: ignore[misc]
            {i.initiative_id for i in data.initiatives if i.district_id == d.district_id},
            d.name,
        )
    for family in ("lock", "exclude"):
        for iid in getattr(inputs.scenario, family):
            i = data.initiative(iid)
            verb = "lock on" if family == "lock" else "exclusion of"
            price(
                f"{family}[{iid}]",
                family,
                f"{verb} {i.name} ({iid})",
                lambda r, fam=family, iid=iid: r.family == fam and r.index[0] == iid,  # type: ignore[misc]
                {iid},
                f"{i.name}",
            )
    for family in ("growth", "ineffective"):
        price(
            family,
            family,
            f"rule \u201c{FAMILIES[family].title}\u201d",
            lambda r, fam=family: r.family == fam,  # type: ignore[misc]
            set(),
            None,
        )
    return tuple(out)
