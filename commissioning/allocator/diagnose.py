"""Saying what to do when the rules cannot all hold.

Two methods, both deterministic:

1. Pre-checks name the obvious conflicts before any solve: floors (contracts, statutory
   minimums, locks) that cannot fit the envelopes able to fund them, floors that already
   reach more participants than the needs analysis counts, and share rules that the
   capacity of the favoured services cannot meet even with every other service at its floor.
2. The elastic re-solve gives every rule (but the viability pair, which a service at 0
   always satisfies) a slack priced at £1 per £1 of relaxation (per participant, demand
   rules are priced at the mean unit cost of their services) and finds the smallest total
   relaxation. Every rule that must give way is reported with the amount in its own unit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from commissioning.allocator.formulation import (
    Formulation,
    Row,
    floor,
    modelled_districts,
    reinvested,
)
from commissioning.allocator.formulation import fair_shares as fair_shares_of
from commissioning.allocator.registry import (
    DEMAND,
    DISTRICT,
    ENVELOPE,
    FAMILIES,
    PREVENTION,
    PRIORITY,
    constraint_name,
)
from commissioning.allocator.result import Relaxation
from commissioning.allocator.solvers import SolverError, SolverName, solve
from commissioning.allocator.sums import grouped_sums, ordered_sum
from commissioning.allocator.wording import money, sentence, shortfall
from commissioning.inputs.model import COUNTY, DataSet, Initiative, Inputs

K = TypeVar("K")
TOLERANCE = 0.01
"""Relaxations below a penny (or a hundredth of a participant) are solver noise."""


def lower_bound(inputs: Inputs, i: Initiative, year: int) -> float:
    """The least i can receive in a year under the rules that fix a floor."""
    low = floor(i, year)
    if i.initiative_id in inputs.scenario.lock:
        low = max(low, i.current_budget)
    return low


def upper_bound(inputs: Inputs, i: Initiative, year: int) -> float:
    """The most i can receive in a year, ignoring envelopes and shares."""
    sc = inputs.scenario
    if i.initiative_id in sc.lock:
        return i.current_budget
    if i.initiative_id in sc.exclude and (i.contract_end is None or year > i.contract_end):
        return 0.0
    m = sc.evidence_multiplier[i.evidence_level]
    if i.mixed_findings:
        m *= sc.mixed_findings_factor
    if m == 0.0:
        return floor(i, year)
    return i.max_budget


@dataclass(frozen=True)
class _Bounds:
    """Each service's least and most in every year (`lower_bound`, `upper_bound`), for all
    services at once: arrays in the order of the initiatives."""

    current: npt.NDArray[np.float64]
    minimum: npt.NDArray[np.float64]
    maximum: npt.NDArray[np.float64]
    contract_end: npt.NDArray[np.float64]
    """The last contract year; -inf without a contract."""
    locked: npt.NDArray[np.bool_]
    excluded: npt.NDArray[np.bool_]
    ineffective: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, inputs: Inputs) -> _Bounds:
        sc, inits = inputs.scenario, inputs.data.initiatives
        n = len(inits)
        locked, excluded = set(sc.lock), set(sc.exclude)

        def column(values: Iterator[float]) -> npt.NDArray[np.float64]:
            return np.fromiter(values, dtype=np.float64, count=n)

        def flags(values: Iterator[bool]) -> npt.NDArray[np.bool_]:
            return np.fromiter(values, dtype=np.bool_, count=n)

        return cls(
            column(i.current_budget for i in inits),
            column(i.min_budget for i in inits),
            column(i.max_budget for i in inits),
            column(-math.inf if i.contract_end is None else i.contract_end for i in inits),
            flags(i.initiative_id in locked for i in inits),
            flags(i.initiative_id in excluded for i in inits),
            flags(_multiplier(inputs, i) == 0.0 for i in inits),
        )

    def low(self, year: int) -> npt.NDArray[np.float64]:
        """`lower_bound` of every service in `year`."""
        low = np.maximum(self.minimum, np.where(year <= self.contract_end, self.current, 0.0))
        return np.where(self.locked, np.maximum(low, self.current), low)

    def high(self, year: int) -> npt.NDArray[np.float64]:
        """`upper_bound` of every service in `year`."""
        floor_y = np.maximum(self.minimum, np.where(year <= self.contract_end, self.current, 0.0))
        high = np.where(self.ineffective, floor_y, self.maximum)
        high = np.where(self.excluded & (year > self.contract_end), 0.0, high)
        return np.where(self.locked, self.current, high)


def _multiplier(inputs: Inputs, i: Initiative) -> float:
    """The evidence multiplier as `upper_bound` computes it."""
    sc = inputs.scenario
    m = sc.evidence_multiplier[i.evidence_level]
    if i.mixed_findings:
        m *= sc.mixed_findings_factor
    return m


def _index(keys: list[K]) -> tuple[list[K], npt.NDArray[np.int64]]:
    """The distinct keys in order of first appearance, and each key's position among them."""
    order = list(dict.fromkeys(keys))
    at = {k: n for n, k in enumerate(order)}
    return order, np.fromiter((at[k] for k in keys), dtype=np.int64, count=len(keys))


def prechecks(inputs: Inputs) -> list[Relaxation]:
    """Obvious conflicts, found without a solver (necessary conditions for feasibility).

    Computed over arrays of all services at once; every sum adds in the order of the
    services, as the rules' own loops would (`sums`), so amounts are exact to the bit.
    """
    data, sc = inputs.data, inputs.scenario
    inits = data.initiatives
    out: list[Relaxation] = []

    def found(family: str, index: tuple[object, ...], amount: float, message: str) -> None:
        name = constraint_name(family, *index)
        unit = FAMILIES[family].unit
        out.append(Relaxation(name, family, amount, unit, sentence(message), "precheck"))

    most_returned = _most_returned(inputs)
    bounds = _Bounds.of(inputs)
    streams = [s.stream_id for s in data.streams]
    stream_at = {s: k for k, s in enumerate(streams)}
    # Services only one stream can fund, by that stream.
    single = np.fromiter(
        (len(i.funding) == 1 and i.funding[0] in stream_at for i in inits), dtype=np.bool_
    )
    single_stream = np.fromiter(
        (stream_at[i.funding[0]] for i, one in zip(inits, single.tolist(), strict=True) if one),
        dtype=np.int64,
    )
    unit_cost = np.fromiter((i.unit_cost for i in inits), dtype=np.float64, count=len(inits))
    county_wide = [i.is_county_wide for i in inits]
    # Demand groups (district or county, level), in the order the services reach them.
    group_keys: list[tuple[str, int]] = []
    for i, wide in zip(inits, county_wide, strict=True):
        group_keys.append((COUNTY, i.level))
        if not wide:
            group_keys.append((i.district_id, i.level))
    groups, group_of = _index(group_keys)
    per_service = np.fromiter((1 if wide else 2 for wide in county_wide), dtype=np.int64)
    caps = [
        sum(x.demand_at(level) for x in data.districts)
        if d == COUNTY
        else data.district(d).demand_at(level)
        for d, level in groups
    ]
    # Share rules: the services each favours, and the pool it is a share of.
    priority_ids, priority_of = _index([i.priority_id for i in inits])
    district_ids, district_of = _index([i.district_id for i in inits])
    levels12 = np.fromiter((i.level <= 2 for i in inits), dtype=np.bool_, count=len(inits))
    county = np.array(county_wide, dtype=np.bool_)
    fair = fair_shares_of(inputs) if sc.district_floor > 0 else {}
    modelled = modelled_districts(inputs) if sc.district_floor > 0 else []

    for y in sc.years:
        low, high = bounds.low(y), bounds.high(y)
        # Floors against the envelopes able to fund them (with the most that reinvested
        # savings could add).
        need_by_stream = grouped_sums(single_stream, low[single], len(streams))
        for k, s in enumerate(data.streams):
            need = float(need_by_stream[k])
            have = inputs.amount(s.stream_id, y) + most_returned.get((s.stream_id, y), 0.0)
            if need > have + TOLERANCE:
                found(
                    ENVELOPE,
                    (s.stream_id, y),
                    need - have,
                    f"floors of services that only {s.name} can fund come to {money(need)} "
                    f"in {y}, above its envelope of {money(have)}",
                )
        low_all = ordered_sum(low)
        have = sum(
            inputs.amount(s.stream_id, y) + most_returned.get((s.stream_id, y), 0.0)
            for s in data.streams
        )
        if len(data.streams) > 1 and low_all > have + TOLERANCE:
            out.append(
                Relaxation(
                    f"envelopes[{y}]",
                    ENVELOPE,
                    low_all - have,
                    "pounds",
                    sentence(
                        f"committed contracts, statutory floors and locks come to "
                        f"{money(low_all)} in {y}, above all the envelopes together "
                        f"({money(have)})"
                    ),
                    "precheck",
                )
            )
        # Floors against the needs analysis.
        participants = np.repeat(low / unit_cost, per_service)
        reached = grouped_sums(group_of, participants, len(groups)).tolist()
        for (d, level), count, cap in zip(groups, reached, caps, strict=True):
            if count > cap + TOLERANCE:
                found(
                    DEMAND,
                    (d, level, y),
                    count - cap,
                    f"floors alone reach {count:,.0f} participants at level {level}, "
                    f"more than the {cap:,.0f} the needs analysis counts",
                )

        # Share rules: group once, then compare totals (the pools contain their groups).
        low_districts = low_all - ordered_sum(low[county])
        most_p = grouped_sums(priority_of, high, len(priority_ids))
        low_p = grouped_sums(priority_of, low, len(priority_ids))
        most_d = grouped_sums(district_of, high, len(district_ids))
        low_d = grouped_sums(district_of, low, len(district_ids))
        p_at = {p: k for k, p in enumerate(priority_ids)}
        d_at = {d: k for k, d in enumerate(district_ids)}
        checks: list[tuple[str, tuple[object, ...], float, float, float, float]] = [
            (
                PREVENTION,
                (y,),
                sc.prevention_share_in(y),
                ordered_sum(high[levels12]),
                ordered_sum(low[levels12]),
                low_all,
            )
        ]
        for p in data.priorities:
            at = p_at.get(p.priority_id)
            most, held = (0.0, 0.0) if at is None else (float(most_p[at]), float(low_p[at]))
            checks.append((PRIORITY, (p.priority_id, y), p.min_share, most, held, low_all))
        for d in modelled:
            at = d_at[d]
            required = sc.district_floor * fair[d]
            checks.append(
                (DISTRICT, (d, y), required, float(most_d[at]), float(low_d[at]), low_districts)
            )
        for family, index, required, most, held, pool_low in checks:
            found_share = _share_check(data, family, index, required, most, pool_low - held, y)
            if found_share is not None:
                out.append(found_share)
    return out


def _most_returned(inputs: Inputs) -> dict[tuple[str, int], float]:
    """The most R[s,y] could be: every service at its most in earlier years (a bound, so the
    envelope pre-check stays a necessary condition with reinvestment)."""
    data = inputs.data
    return reinvested(
        inputs,
        lambda iid, y: max(
            0.0, upper_bound(inputs, data.initiative(iid), y) - data.initiative(iid).current_budget
        ),
    )


def _share_check(
    data: DataSet,
    family: str,
    index: tuple[object, ...],
    share: float,
    most: float,
    others: float,
    year: int,
) -> Relaxation | None:
    """A share rule that the favoured services cannot meet even at full capacity, while the
    other services in its pool hold `others` in floors."""
    if share <= 0 or most * (1 - share) >= share * others - TOLERANCE:
        return None
    gap = share * others / (1 - share) - most
    name = constraint_name(family, *index)
    fam = FAMILIES[family]
    message = (
        f"{fam.title} ({fam.subject(tuple(str(i) for i in index), data)}): even at full "
        f"capacity the services it favours reach {money(most)} in {year}, {money(gap)} short "
        f"of the required share while the other services hold {money(others)} in floors."
    )
    return Relaxation(name, family, gap, fam.unit, message, "precheck")


ELASTIC_FAMILIES = frozenset(name for name, fam in FAMILIES.items() if fam.elastic)


def elastic(inputs: Inputs, f: Formulation, solver: SolverName) -> list[Relaxation]:
    """The smallest total relaxation that makes the rules hold, rule by rule."""
    g = Formulation(
        names=list(f.names),
        lower=list(f.lower),
        upper=list(f.upper),
        integer=list(f.integer),
        objective=[0.0] * len(f.names),
        definitions=list(f.definitions),
        x=f.x,
        z=f.z,
    )
    slacks: list[tuple[Row, int, float]] = []
    rows: list[Row] = []
    for r in f.rows:
        if r.family not in ELASTIC_FAMILIES or not r.cols:
            rows.append(r)
            continue
        weight = 1.0
        if FAMILIES[r.family].unit == "participants":
            # coefficients are 1 / unit cost: price a participant at the mean unit cost
            weight = sum(1.0 / a for a in r.coefs) / len(r.coefs)
        signs = {"<=": (-1.0,), ">=": (1.0,), "==": (1.0, -1.0)}[r.sense]
        cols, coefs = list(r.cols), list(r.coefs)
        for sign in signs:
            c = g.add_column(f"relax[{r.name},{sign:+.0f}]", obj=-weight)
            cols.append(c)
            coefs.append(sign)
            slacks.append((r, c, sign))
        rows.append(r._replace(cols=tuple(cols), coefs=tuple(coefs)))
    sol = solve(g, solver, scale=1e-3, rows=rows)
    if sol.status != "optimal":
        raise SolverError("the elastic re-solve found no plan even with every rule relaxed")
    amounts: dict[str, tuple[Row, float]] = {}
    for r, c, _ in slacks:
        v = sol.values[c]
        if v > TOLERANCE:
            prev = amounts.get(r.name, (r, 0.0))[1]
            amounts[r.name] = (r, prev + v)
    return [
        Relaxation(
            r.name,
            r.family,
            amount,
            FAMILIES[r.family].unit,
            shortfall(r.family, r.index, amount, inputs.data),
            "elastic",
        )
        for r, amount in amounts.values()
    ]
