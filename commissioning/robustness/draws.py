"""Plausible futures: each initiative's range of effect and unit cost, and one draw from them.

model.md section 5. A range is the initiative's own (the optional columns effect_low,
effect_high, unit_cost_low, unit_cost_high) or, where a column is blank, the scenario's
`uncertainty` for its evidence rating and its `unit_cost_uncertainty`. A draw takes every
figure from the triangular distribution with minimum low, mode the estimate and maximum
high. Its random numbers come from a generator seeded with (seed, draw number) alone, so a
draw is the same whichever worker solves it and whatever else that worker solved before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from commissioning.inputs.model import Initiative, Inputs

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Range:
    """The plausible values of one figure: the triangle's minimum, mode and maximum."""

    low: float
    mode: float
    high: float

    @property
    def collapsed(self) -> bool:
        return self.low == self.high


def effect_range(inputs: Inputs, i: Initiative) -> Range:
    """effect x (1 -/+ u) for the evidence rating, clipped to (0, 1], unless given."""
    u = inputs.scenario.uncertainty[i.evidence_level]
    low, high = i.effect_low, i.effect_high
    return Range(
        low if low is not None else i.effect * (1.0 - u),
        i.effect,
        high if high is not None else min(1.0, i.effect * (1.0 + u)),
    )


def unit_cost_range(inputs: Inputs, i: Initiative) -> Range:
    """unit_cost x (1 -/+ the scenario's unit_cost_uncertainty), unless given."""
    u = inputs.scenario.unit_cost_uncertainty
    low, high = i.unit_cost_low, i.unit_cost_high
    return Range(
        low if low is not None else i.unit_cost * (1.0 - u),
        i.unit_cost,
        high if high is not None else i.unit_cost * (1.0 + u),
    )


@dataclass(frozen=True)
class Triangles:
    """The ranges of every initiative (in file order) as arrays, ready to draw from."""

    ids: tuple[str, ...]
    effect: tuple[Floats, Floats, Floats]
    unit_cost: tuple[Floats, Floats, Floats]

    @classmethod
    def of(cls, inputs: Inputs) -> Triangles:
        ins = inputs.data.initiatives
        eff = [effect_range(inputs, i) for i in ins]
        cost = [unit_cost_range(inputs, i) for i in ins]

        def arrays(rs: list[Range]) -> tuple[Floats, Floats, Floats]:
            return (
                np.array([r.low for r in rs], dtype=np.float64),
                np.array([r.mode for r in rs], dtype=np.float64),
                np.array([r.high for r in rs], dtype=np.float64),
            )

        return cls(tuple(i.initiative_id for i in ins), arrays(eff), arrays(cost))

    def draw(self, seed: int, k: int) -> tuple[Floats, Floats]:
        """Draw `k`'s effects and unit costs: uniforms from the generator seeded with
        (seed, k), effects first, then unit costs, one per initiative in file order."""
        u = np.random.default_rng([seed, k]).random((2, len(self.ids)))
        return triangular(u[0], *self.effect), triangular(u[1], *self.unit_cost)


def triangular(u: Floats, low: Floats, mode: Floats, high: Floats) -> Floats:
    """The triangular distribution's quantiles at `u` (its inverse distribution function).

    Written out rather than using `Generator.triangular`, which refuses a range of zero
    width: here a collapsed range (low = mode = high) simply gives the estimate.
    """
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.0)
        rising = low + np.sqrt(u * width * (mode - low))
        falling = high - np.sqrt((1.0 - u) * width * (high - mode))
    out: Floats = np.where(u < cut, rising, falling)
    return np.clip(out, low, high)


def draw_inputs(inputs: Inputs, effects: Floats, unit_costs: Floats) -> Inputs:
    """The inputs with every initiative's effect and unit cost replaced by a draw's."""
    initiatives = tuple(
        replace(i, effect=float(e), unit_cost=float(c))
        for i, e, c in zip(inputs.data.initiatives, effects, unit_costs, strict=True)
    )
    return replace(inputs, data=replace(inputs.data, initiatives=initiatives))
