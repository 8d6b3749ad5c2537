"""With a cost library: the late-intervention cost the services avoided, realised against planned.

Realised cost avoided = outcomes achieved x the value of one outcome at the service's level
(`outcome_values`, in pounds). The plan's expectation to date counts the same way, on the
outcomes the plan expects by now (planned participants x effect), so the two compare like
with like (the plan's own benefit-cost ratio also discounts each effect by the strength of
its evidence; the scorecard does not, since outcomes achieved are counted in full).
Cashable savings go to the partner whose stream would have paid the late cost: per outcome,
the present value of each such cost times its cashable share; planned on the plan's
outcomes to date, realised on the outcomes achieved. Without a cost library there is
nothing to reckon and `value_card` gives None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from commissioning.allocator.formulation import outcome_values, present_value
from commissioning.allocator.result import Result
from commissioning.inputs.model import Inputs
from commissioning.monitor.scorecard import Scorecard


@dataclass(frozen=True)
class Avoided:
    """£ of late-intervention cost avoided: the plan's expectation to date, and realised."""

    planned: float
    realised: float


@dataclass(frozen=True)
class ValueCard:
    """Cost avoided by service and in all, and cashable savings by partner."""

    services: Mapping[str, Avoided]
    total: Avoided
    cashable_by_partner: Mapping[str, Avoided]


def value_card(inputs: Inputs, result: Result, card: Scorecard) -> ValueCard | None:
    """The cost-library figures of a scorecard, or None when the data has no cost library."""
    if not inputs.data.has_costs:
        return None
    value = outcome_values(inputs)
    partner = {s.stream_id: s.partner for s in inputs.data.streams}
    cash_per_outcome: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in inputs.data.costs:
        if c.stream_id is not None and c.cashable > 0:
            cash_per_outcome[c.level][partner[c.stream_id]] += present_value(inputs, c) * c.cashable
    services: dict[str, Avoided] = {}
    cashable: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for s in card.services:
        i, f = s.initiative, s.figures
        planned_outcomes = f.target_outcomes
        services[i.initiative_id] = Avoided(
            planned_outcomes * value[i.level], f.actual_outcomes * value[i.level]
        )
        for who, per_outcome in cash_per_outcome[i.level].items():
            cashable[who][0] += planned_outcomes * per_outcome
            cashable[who][1] += f.actual_outcomes * per_outcome
    total = Avoided(
        sum(a.planned for a in services.values()), sum(a.realised for a in services.values())
    )
    order = list(dict.fromkeys(s.partner for s in inputs.data.streams))
    by_partner = {who: Avoided(*cashable[who]) for who in order if who in cashable}
    return ValueCard(services, total, by_partner)
