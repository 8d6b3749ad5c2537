"""Small inputs whose robustness is known by hand.

`flip` has two services competing for one £100 envelope at the same cost per head: the
one with the larger effect takes everything. B's effect is fixed at 0.5; A's is drawn
from the triangle (0.3, 0.45, 0.8), so A wins (is grown, B decommissioned) exactly when
its effect is above 0.5, with probability (0.8 - 0.5)^2 / ((0.8 - 0.3)(0.8 - 0.45))
= 0.09 / 0.175 = 0.5143. On the figures as given (0.45 < 0.5) the plan decommissions A
and grows B, so both decisions hold in 1 - 0.5143 = 0.4857 of draws.
"""

from __future__ import annotations

from typing import Any

from commissioning.inputs.model import Inputs
from tests.allocator.builders import district, initiative, make_inputs

FLIP_SHARE = 0.09 / 0.175
"""P(effect of A > 0.5) for the triangle (0.3, 0.45, 0.8)."""


def fixed(effect: float, unit_cost: float = 1000.0, **kw: Any) -> dict[str, Any]:
    """An initiative's figures with collapsed ranges: every draw takes them as given."""
    return dict(
        effect=effect,
        effect_low=effect,
        effect_high=effect,
        unit_cost=unit_cost,
        unit_cost_low=unit_cost,
        unit_cost_high=unit_cost,
        **kw,
    )


def flip() -> Inputs:
    a = fixed(0.45)
    a.update(effect_low=0.3, effect_high=0.8)
    return make_inputs(
        [
            initiative("A", current_budget=50, max_budget=100, **a),
            initiative("B", current_budget=50, max_budget=100, **fixed(0.5)),
        ],
        budgets={"S1": 100},
        max_growth=100.0,
        ramp=100.0,
    )


def sometimes_infeasible() -> Inputs:
    """A statutory £100,000 at £1,000 a head meets a district's demand of exactly 100; a
    cost per head drawn from (900, 1000, 1100) below £1,000 would serve more children than
    need support, so no plan exists: half the draws (P(cost < 1000) = 100/200) are
    infeasible. C, fixed, takes the rest of the money."""
    return make_inputs(
        [
            initiative(
                "S",
                current_budget=100_000,
                min_budget=100_000,
                max_budget=200_000,
                effect=0.2,
                effect_low=0.2,
                effect_high=0.2,
                unit_cost=1000.0,
                unit_cost_low=900.0,
                unit_cost_high=1100.0,
            ),
            initiative("C", level=2, current_budget=0, max_budget=1e6, **fixed(0.5)),
        ],
        districts=[district("A", demand=(100, 1e9, 1e9, 1e9))],
        budgets={"S1": 150_000},
        max_growth=100.0,
        ramp=100.0,
    )
