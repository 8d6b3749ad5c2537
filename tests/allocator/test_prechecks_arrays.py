"""The vectorised pre-checks find exactly what the loops over the services found.

`diagnose.prechecks` works on arrays of all services at once; `reference` below is the
loop it replaced, kept as the oracle. Every finding (rule, amount to the bit, message)
must agree, on the fixtures, the sample and generated data squeezed until rules conflict:
budgets cut, shares and floors raised, many services locked, priority shares demanded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from commissioning.allocator import diagnose
from commissioning.allocator.diagnose import (
    TOLERANCE,
    _share_check,
    fair_shares_of,
    lower_bound,
    modelled_districts,
    upper_bound,
)
from commissioning.allocator.registry import FAMILIES, constraint_name
from commissioning.allocator.result import Relaxation
from commissioning.allocator.wording import money, sentence
from commissioning.inputs import load
from commissioning.inputs.model import COUNTY, Inputs, frozen_map
from commissioning.synthetic import synthetic_inputs
from tests.allocator.fixtures import FIXTURES

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def reference(inputs: Inputs) -> list[Relaxation]:
    """The pre-checks as loops over the services, one year and one rule at a time."""
    data, sc = inputs.data, inputs.scenario
    out: list[Relaxation] = []

    def found(family: str, index: tuple[object, ...], amount: float, message: str) -> None:
        name = constraint_name(family, *index)
        unit = FAMILIES[family].unit
        out.append(Relaxation(name, family, amount, unit, sentence(message), "precheck"))

    most_returned = diagnose._most_returned(inputs)
    for y in sc.years:
        low = {i.initiative_id: lower_bound(inputs, i, y) for i in data.initiatives}
        high = {i.initiative_id: upper_bound(inputs, i, y) for i in data.initiatives}
        # Floors against the envelopes able to fund them (with the most that reinvested
        # savings could add).
        for s in data.streams:
            only = [i for i in data.initiatives if i.funding == (s.stream_id,)]
            need = sum(low[i.initiative_id] for i in only)
            have = inputs.amount(s.stream_id, y) + most_returned.get((s.stream_id, y), 0.0)
            if need > have + TOLERANCE:
                found(
                    "envelope",
                    (s.stream_id, y),
                    need - have,
                    f"floors of services that only {s.name} can fund come to {money(need)} "
                    f"in {y}, above its envelope of {money(have)}",
                )
        need = sum(low.values())
        have = sum(
            inputs.amount(s.stream_id, y) + most_returned.get((s.stream_id, y), 0.0)
            for s in data.streams
        )
        if len(data.streams) > 1 and need > have + TOLERANCE:
            out.append(
                Relaxation(
                    f"envelopes[{y}]",
                    "envelope",
                    need - have,
                    "pounds",
                    sentence(
                        f"committed contracts, statutory floors and locks come to "
                        f"{money(need)} in {y}, above all the envelopes together ({money(have)})"
                    ),
                    "precheck",
                )
            )
        # Floors against the needs analysis.
        groups: dict[tuple[str, int], float] = defaultdict(float)
        for i in data.initiatives:
            participants = low[i.initiative_id] / i.unit_cost
            groups[(COUNTY, i.level)] += participants
            if not i.is_county_wide:
                groups[(i.district_id, i.level)] += participants
        for (d, level), participants in groups.items():
            cap = (
                sum(x.demand_at(level) for x in data.districts)
                if d == COUNTY
                else data.district(d).demand_at(level)
            )
            if participants > cap + TOLERANCE:
                found(
                    "demand",
                    (d, level, y),
                    participants - cap,
                    f"floors alone reach {participants:,.0f} participants at level {level}, "
                    f"more than the {cap:,.0f} the needs analysis counts",
                )

        # Share rules: group once, then compare totals (the pools contain their groups).
        by_priority: dict[str, list[str]] = defaultdict(list)
        by_district: dict[str, list[str]] = defaultdict(list)
        for i in data.initiatives:
            by_priority[i.priority_id].append(i.initiative_id)
            by_district[i.district_id].append(i.initiative_id)
        low_all = sum(low.values())
        low_districts = low_all - sum(low[k] for k in by_district.get(COUNTY, []))
        levels12 = [i.initiative_id for i in data.initiatives if i.level <= 2]
        checks: list[tuple[str, tuple[object, ...], float, list[str], float]] = [
            ("prevention", (y,), sc.prevention_share_in(y), levels12, low_all)
        ]
        for p in data.priorities:
            checks.append(
                ("priority", (p.priority_id, y), p.min_share, by_priority[p.priority_id], low_all)
            )
        if sc.district_floor > 0:
            fair = fair_shares_of(inputs)
            for d in modelled_districts(inputs):
                required = sc.district_floor * fair[d]
                checks.append(("district", (d, y), required, by_district[d], low_districts))
        for family, index, required, favoured, pool_low in checks:
            most = sum(high[k] for k in favoured)
            others = pool_low - sum(low[k] for k in favoured)
            found_share = _share_check(data, family, index, required, most, others, y)
            if found_share is not None:
                out.append(found_share)
    return out


def _squeezed(inputs: Inputs) -> list[Inputs]:
    sc, data = inputs.scenario, inputs.data
    out = [inputs]
    for cut in (-0.3, -0.6, -0.9):
        change = {s.stream_id: (cut,) * sc.horizon for s in data.streams[:3]}
        out.append(replace(inputs, scenario=replace(sc, budget_change=frozen_map(change))))
    out.append(
        replace(
            inputs,
            scenario=replace(sc, prevention_share=(0.97,) * sc.horizon, district_floor=1.0),
        )
    )
    locked = tuple(i.initiative_id for i in data.initiatives[:60])
    out.append(replace(inputs, scenario=replace(sc, lock=locked)))
    shares = tuple(replace(p, min_share=0.6) for p in data.priorities)
    out.append(replace(inputs, data=replace(data, priorities=shares)))
    return out


GENERATED = [
    (seed, kw)
    for seed in range(3)
    for kw in ({}, {"cost_library": True, "reinvest": 0.5}, {"mip": True})
]


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_fixtures(fx) -> None:
    for inputs in _squeezed(fx.build()):
        assert diagnose.prechecks(inputs) == reference(inputs)


def test_the_sample() -> None:
    for inputs in _squeezed(load(SAMPLE)):
        assert diagnose.prechecks(inputs) == reference(inputs)


@pytest.mark.parametrize(("seed", "kw"), GENERATED)
def test_generated_data(seed, kw) -> None:
    found = 0
    for inputs in _squeezed(synthetic_inputs(6, 120, seed=seed, **kw)):
        expected = reference(inputs)
        assert diagnose.prechecks(inputs) == expected
        found += bool(expected)
    assert found  # the squeezes do make rules conflict: the comparison is not empty
