"""Synthetic inputs at any scale, for benchmarks and solver-agreement tests.

The real sample folder has 185 initiatives; the allocator must also be measured, and its
two solvers compared, at region (thousands) and national (tens of thousands) scale, where
no real data can be published. `synthetic_inputs` builds typed `Inputs` directly (no
files), deterministically from a seed, shaped like the sample: levels 1-4, county-wide
services, one to three funding streams per initiative, contracts, statutory floors,
candidates, a few services rated not effective, demand caps that sometimes bind, budgets
about 100-105% of today's spend (so money has to move to reach better services), a
district floor of 0.8.

Feasible by construction. A *reference plan* is built first: every service at its current
budget, except that what the scenario must cut is cut (services rated NE fall to their
floor, excluded services to 0, each after its contract). The figures the rules compare
against are then derived from that plan with a margin: stream envelopes cover its spend
on a fixed split across each service's streams, the prevention and priority shares sit
below its shares, the need indices give each district a fair share that phi times is
below what it gets, and demand is above the participants it reaches. So the reference
plan satisfies every rule of model.md section 3 and the optimum exists.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from commissioning.inputs.model import (
    COUNTY,
    DEFAULT_EVIDENCE_MULTIPLIER,
    DEFAULT_OUTCOME_VALUE,
    Budget,
    Cost,
    DataSet,
    District,
    FundingStream,
    Initiative,
    Inputs,
    Outcome,
    Priority,
    Scenario,
    Status,
    frozen_map,
)

K = TypeVar("K")

START_YEAR = 2027
DISTRICT_FLOOR = 0.8
MIP_SHARE = 0.03
"""Share of initiatives given a minimum viable size when `mip=True`."""
MARGIN = 0.02
"""Relative slack kept between the reference plan and every share rule it must satisfy."""

# Streams named like the sample's (weight = how often a service draws on it); more streams
# than these get generic names.
_STREAMS: tuple[tuple[str, str, str, bool, float], ...] = (
    ("LCC", "County council children's services core budget", "Council", False, 0.45),
    ("PH", "Public Health grant", "Public Health", True, 0.15),
    ("ICB", "NHS integrated care board children's budget", "NHS", False, 0.12),
    ("PCC", "Police and Crime Commissioner prevention fund", "Police", True, 0.08),
    ("SF", "Supporting Families grant", "Council (DfE grant)", True, 0.12),
    ("DSG", "Schools Forum (Dedicated Schools Grant)", "Schools", True, 0.08),
)
_PRIORITIES: tuple[tuple[str, str, float], ...] = (
    ("P1", "Best start in life", 1.2),
    ("P2", "Positive transition to adulthood", 1.0),
    ("P3", "Resilient, self-sufficient families", 1.1),
    ("P4", "Safe from harm and exploitation", 0.9),
)
_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("HEALTHY", "Be healthy"),
    ("SAFE", "Stay safe"),
    ("ENJOY", "Enjoy and achieve"),
    ("CONTRIB", "Make a positive contribution"),
    ("ECON", "Achieve economic well-being"),
)
_OUTCOME_VALUE = frozen_map({1: 1.0, 2: 3.0, 3: 6.0, 4: 10.0})
"""As in the sample scenario: an outcome for a child with complex needs is worth more."""


@dataclass(frozen=True)
class _Level:
    """How services at one level of the continuum of need look."""

    weight: float
    budget: float
    """Median current budget, £ a year."""
    unit_cost: tuple[float, float]
    effect: tuple[float, float]
    kinds: tuple[str, ...]
    sectors: tuple[str, ...]


_LEVEL_FIGURES: dict[int, tuple[float, float, tuple[float, float], tuple[float, float]]] = {
    # level: share of services, median budget (£ a year), unit cost range, effect range
    1: (0.20, 150_000, (80, 300), (0.03, 0.12)),
    2: (0.40, 280_000, (600, 3_000), (0.08, 0.30)),
    3: (0.23, 400_000, (2_500, 9_000), (0.15, 0.40)),
    4: (0.17, 650_000, (8_000, 30_000), (0.20, 0.50)),
}
_LEVEL_KINDS: dict[int, tuple[str, ...]] = {
    1: ("Children's centre universal offer", "Open-access youth club", "Stay and play"),
    2: ("Early help family support", "Parenting programme", "School-based mentoring"),
    3: ("Targeted youth support", "Domestic abuse recovery", "Family therapy"),
    4: ("Edge-of-care intensive support", "Youth justice intervention", "Short breaks"),
}
_LEVEL_SECTORS: dict[int, tuple[str, ...]] = {
    1: ("council", "schools", "voluntary", "health"),
    2: ("council", "voluntary", "schools", "health"),
    3: ("council", "health", "voluntary", "police"),
    4: ("council", "health", "police", "private"),
}
_LEVELS: dict[int, _Level] = {
    level: _Level(*figures, _LEVEL_KINDS[level], _LEVEL_SECTORS[level])
    for level, figures in _LEVEL_FIGURES.items()
}
"""How services look at each level, one table row per level and column."""
_EVIDENCE_EXISTING = {"4": 0.06, "3": 0.08, "2": 0.42, "NL2": 0.38, "NE": 0.06}
_EVIDENCE_CANDIDATE = {"4": 0.35, "3": 0.35, "2": 0.25, "NL2": 0.05, "NE": 0.0}


def _choice(rng: random.Random, weights: Mapping[K, float]) -> K:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _generic_stream(k: int) -> tuple[str, str, str, bool, float]:
    return (f"S{k + 1:02d}", f"Grant {k + 1}", "Other", True, 0.05)


def _down(x: float, unit: float = 1000.0) -> float:
    return float(math.floor(x / unit) * unit)


def _up(x: float, unit: float = 1000.0) -> float:
    return float(math.ceil(x / unit) * unit)


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder), at least 1 each."""
    n = len(weights)
    extra = total - n
    exact = [extra * w / sum(weights) for w in weights]
    counts = [int(e) for e in exact]
    order = sorted(range(n), key=lambda k: counts[k] - exact[k])
    for k in order[: extra - sum(counts)]:
        counts[k] += 1
    return [c + 1 for c in counts]


def synthetic_inputs(
    districts: int,
    initiatives: int,
    streams: int = 6,
    years: int = 3,
    seed: int = 0,
    mip: bool = False,
    prevention_share: float = 0.3,
    cost_library: bool = False,
    reinvest: float = 0.0,
) -> Inputs:
    """Valid, feasible inputs with about `initiatives` services over `districts` districts.

    The same arguments always give the same inputs. `mip=True` gives about 3% of the
    initiatives a minimum viable size, making the model a mixed-integer program.
    `prevention_share` is the scenario's share for levels 1-2; should the generated spend
    fall short of it, it is lowered to just below the reference plan's share.
    `cost_library=True` adds a cost library and price index (value in pounds, model v3) and
    `reinvest` the share of cashable savings returned to the streams; the envelopes then
    also cover the late costs that the reference plan's cuts bring back.
    """
    if districts < 1 or streams < 1 or years < 1:
        raise ValueError("districts, streams and years must each be at least 1")
    if initiatives < districts + 1:
        raise ValueError("need at least one initiative per district and one county-wide")
    if not 0.0 <= prevention_share < 1.0:
        raise ValueError("prevention_share must be in [0, 1)")
    rng = random.Random(seed)
    plan_years = tuple(range(START_YEAR, START_YEAR + years))

    stream_rows = [_STREAMS[k] if k < len(_STREAMS) else _generic_stream(k) for k in range(streams)]
    stream_weight = {s[0]: s[4] for s in stream_rows}
    stream_ids = [s[0] for s in stream_rows]

    width = len(str(districts))
    dids = [f"D{k + 1:0{width}d}" for k in range(districts)]
    children = {d: int(_down(rng.lognormvariate(math.log(25_000), 0.35), 100)) + 100 for d in dids}
    true_need = {d: rng.lognormvariate(0.0, 0.25) for d in dids}

    n_county = max(1, round(0.08 * initiatives))
    counts = _apportion(initiatives - n_county, [children[d] * true_need[d] for d in dids])
    places = [(COUNTY, k) for k in range(n_county)]
    places += [(d, k) for d, c in zip(dids, counts, strict=True) for k in range(c)]

    priority_ids = [p[0] for p in _PRIORITIES]
    outcome_ids = [o[0] for o in _OUTCOMES]
    level_weights = {lv: spec.weight for lv, spec in _LEVELS.items()}
    # A separate stream of random numbers for the viability sizes, so that mip=True gives
    # the same services, budgets and rules as mip=False, plus the minimum viable sizes.
    mip_rng = random.Random(f"mip-{seed}")
    mip_ids = set(mip_rng.sample(range(len(places)), round(MIP_SHARE * len(places))))
    mip_ids = mip_ids if mip else set()

    inits: list[Initiative] = []
    anchors: set[str] = set()
    for n, (did, k) in enumerate(places):
        # A district's first service is an ordinary running one, so every district keeps
        # spend in the reference plan (its fair share is derived from that spend).
        anchor = did != COUNTY and k == 0
        level = _choice(rng, level_weights)
        spec = _LEVELS[level]
        status: Status = "candidate" if not anchor and rng.random() < 0.12 else "existing"
        evidence = _choice(
            rng, _EVIDENCE_CANDIDATE if status == "candidate" else _EVIDENCE_EXISTING
        )
        if anchor and evidence == "NE":
            evidence = "NL2"
        size = spec.budget * (3.0 if did == COUNTY else 1.0)
        if status == "existing":
            current = max(10_000.0, _down(rng.lognormvariate(math.log(size), 0.6)))
            max_budget = _up(current * rng.uniform(1.1, 2.0))
            contract_end = (
                None if rng.random() < 0.4 else rng.randint(START_YEAR - 1, START_YEAR + years)
            )
            p_floor = {1: 0.02, 2: 0.04, 3: 0.10, 4: 0.25}[level]
            min_budget = (
                max(1000.0, _down(current * rng.uniform(0.5, 1.0)))
                if rng.random() < p_floor
                else 0.0
            )
        else:
            current, min_budget, contract_end = 0.0, 0.0, None
            max_budget = max(20_000.0, _down(rng.lognormvariate(math.log(0.8 * size), 0.5)))
        min_viable = 0.0
        if n in mip_ids:
            base = current if current > 0 else max_budget * mip_rng.uniform(0.5, 1.0)
            min_viable = max(1000.0, _down(base * mip_rng.uniform(0.3, 0.8)))
            if 0 < min_budget < min_viable:
                min_budget = min_viable
        primary = _choice(rng, stream_weight)
        others = [s for s in stream_ids if s != primary]
        n_more = min(len(others), _choice(rng, {0: 0.3, 1: 0.5, 2: 0.2}))
        funding = (primary, *rng.sample(others, n_more))
        n_out = rng.randint(1, 3)
        low, high = (math.log(c) for c in spec.unit_cost)
        place = "County-wide" if did == COUNTY else did
        iid = f"{did}-{k + 1:04d}"
        if anchor:
            anchors.add(iid)
        inits.append(
            Initiative(
                initiative_id=iid,
                name=f"{rng.choice(spec.kinds)} - {place}",
                provider=f"Provider {rng.randint(1, max(5, initiatives // 4))}",
                sector=rng.choice(spec.sectors),
                district_id=did,
                level=level,
                priority_id=rng.choice(priority_ids),
                outcomes=tuple(rng.sample(outcome_ids, n_out)),
                status=status,
                current_budget=current,
                unit_cost=float(round(math.exp(rng.uniform(low, high)))),
                effect=round(rng.uniform(*spec.effect), 2),
                evidence_level=evidence,
                mixed_findings=evidence in ("4", "3") and rng.random() < 0.15,
                min_budget=min_budget,
                max_budget=max_budget,
                min_viable=min_viable,
                contract_end=contract_end,
                funding=funding,
            )
        )

    # Policy: lock a few statutory services, exclude a few weakly evidenced ones.
    running = [i for i in inits if i.current_budget > 0]
    n_pick = max(1, len(inits) // 200)
    lockable = [i.initiative_id for i in running if i.level == 4 and i.min_budget > 0]
    lock = tuple(sorted(rng.sample(lockable, min(n_pick, len(lockable)))))
    excludable = [
        i.initiative_id
        for i in running
        if i.min_budget == 0
        and i.evidence_level in ("NL2", "NE")
        and i.initiative_id not in lock
        and i.initiative_id not in anchors
    ]
    exclude = tuple(sorted(rng.sample(excludable, min(n_pick, len(excludable)))))

    ref = _reference_plan(inits, plan_years, set(lock), set(exclude))
    costs, prices = _cost_library(stream_ids, seed) if cost_library else ((), {})
    scenario = Scenario(
        name=f"Synthetic {districts}x{initiatives} (seed {seed})",
        start_year=START_YEAR,
        horizon=years,
        prevention_share=(prevention_share,) * years,
        district_floor=DISTRICT_FLOOR,
        evidence_multiplier=DEFAULT_EVIDENCE_MULTIPLIER,
        outcome_value=DEFAULT_OUTCOME_VALUE if cost_library else _OUTCOME_VALUE,
        outcome_value_named=() if cost_library else (1, 2, 3, 4),
        reinvest=reinvest if cost_library else 0.0,
        lock=lock,
        exclude=exclude,
        description="Generated by commissioning.synthetic for benchmarks and tests.",
    )
    returned = _reference_savings(inits, costs, prices, scenario, ref)

    # Envelopes: today's spend per stream (on a fixed split of each service across its
    # streams) plus 0-5% growth, and never below what the reference plan needs.
    cur_load: dict[str, float] = defaultdict(float)
    ref_load: dict[tuple[str, int], float] = defaultdict(float)
    for i in inits:
        w = [rng.random() + 0.2 for _ in i.funding]
        for s, ws in zip(i.funding, w, strict=True):
            cur_load[s] += i.current_budget * ws / sum(w)
            for y in plan_years:
                ref_load[(s, y)] += ref[(i.initiative_id, y)] * ws / sum(w)
    budgets = []
    for s in stream_ids:
        g = rng.uniform(0.0, 0.03)
        for t, y in enumerate(plan_years):
            need = max(
                cur_load[s] * (1 + g + 0.01 * t), ref_load[(s, y)] - returned.get((s, y), 0.0)
            )
            budgets.append(Budget(s, y, _up(need)))

    # Shares of the reference plan, every year.
    total = {y: sum(ref[(i.initiative_id, y)] for i in inits) for y in plan_years}
    prevention = min(
        sum(ref[(i.initiative_id, y)] for i in inits if i.level <= 2) / total[y] for y in plan_years
    )
    share = min(prevention_share, math.floor(100 * prevention * (1 - MARGIN)) / 100)
    priorities = []
    for pid, name, weight in _PRIORITIES:
        least = min(
            sum(ref[(i.initiative_id, y)] for i in inits if i.priority_id == pid) / total[y]
            for y in plan_years
        )
        min_share = math.floor(100 * 0.6 * least) / 100 if pid != "P4" else 0.0
        priorities.append(Priority(pid, name, weight, min_share))

    need_index = _need_indices(inits, ref, plan_years, dids, children, rng)
    district_rows = _districts(inits, ref, plan_years, dids, children, need_index, rng)

    data = DataSet(
        districts=tuple(district_rows),
        streams=tuple(FundingStream(s[0], s[1], s[2], s[3]) for s in stream_rows),
        budgets=tuple(budgets),
        priorities=tuple(priorities),
        outcomes=tuple(Outcome(o, name) for o, name in _OUTCOMES),
        initiatives=tuple(inits),
        source=f"synthetic(districts={districts}, initiatives={initiatives}, seed={seed})",
        costs=tuple(costs),
        prices=frozen_map(prices),
    )
    return Inputs(data=data, scenario=replace(scenario, prevention_share=(share,) * years))


_COST_KINDS: dict[int, tuple[tuple[str, float, float, int], ...]] = {
    1: (("School exclusion", 12_000, 0.02, 1), ("Referral to early help", 3_000, 0.08, 0)),
    2: (("Child protection plan", 9_000, 0.05, 1), ("CAMHS treatment", 2_500, 0.10, 0)),
    3: (
        ("Youth justice supervision", 11_000, 0.10, 1),
        ("Not in education or work", 6_000, 0.12, 2),
    ),
    4: (("Child in foster care", 30_000, 0.15, 0), ("Residential placement", 170_000, 0.04, 1)),
}
"""Per level: name, annual cost (£), probability and lag of a late cost, shaped like the
sample's cost library (the figures are round, for tests and benchmarks only)."""


def _cost_library(stream_ids: Sequence[str], seed: int) -> tuple[list[Cost], dict[int, float]]:
    """A cost library with payers among the streams (some outside the plan) and a price index
    (its own random numbers, so the rest of the inputs do not change)."""
    rng = random.Random(f"costs-{seed}")
    prices = {2015: 80.0, 2020: 88.5, START_YEAR: 100.0}
    out = []
    for level, kinds in _COST_KINDS.items():
        for k, (name, annual, probability, lag) in enumerate(kinds):
            payer = rng.choice([*stream_ids, None])
            out.append(
                Cost(
                    cost_id=f"C{level}-{k + 1}",
                    name=name,
                    level=level,
                    probability=probability * rng.uniform(0.7, 1.3),
                    annual_cost=_down(annual * rng.uniform(0.8, 1.2), 10),
                    years=rng.randint(1, 3),
                    lag=lag,
                    stream_id=payer,
                    cashable=round(rng.uniform(0.2, 0.8), 2) if payer else 0.0,
                    price_year=rng.choice(tuple(prices)),
                    source="Synthetic, for tests and benchmarks",
                )
            )
    return out, prices


def _reference_savings(
    inits: Sequence[Initiative],
    costs: Sequence[Cost],
    prices: Mapping[int, float],
    scenario: Scenario,
    ref: dict[tuple[str, int], float],
) -> dict[tuple[str, int], float]:
    """R[s,y] of the reference plan (negative where its cuts bring late costs back)."""
    from commissioning.allocator.formulation import reinvested

    data = DataSet((), (), (), (), (), tuple(inits), costs=tuple(costs), prices=frozen_map(prices))
    return reinvested(
        Inputs(data, scenario),
        lambda iid, y: ref[(iid, y)] - data.initiative(iid).current_budget,
    )


def _reference_plan(
    inits: Sequence[Initiative], years: Sequence[int], lock: set[str], exclude: set[str]
) -> dict[tuple[str, int], float]:
    """Today's budgets, less what the scenario forces out: a plan meeting every rule."""
    ref: dict[tuple[str, int], float] = {}
    for i in inits:
        for y in years:
            contracted = i.contract_end is not None and y <= i.contract_end
            amount = i.current_budget
            if i.initiative_id in lock:
                pass
            elif i.initiative_id in exclude and not contracted:
                amount = 0.0
            elif DEFAULT_EVIDENCE_MULTIPLIER[i.evidence_level] == 0.0:
                amount = max(i.min_budget, i.current_budget if contracted else 0.0)
            ref[(i.initiative_id, y)] = amount
    return ref


def _need_indices(
    inits: Sequence[Initiative],
    ref: dict[tuple[str, int], float],
    years: Sequence[int],
    dids: Sequence[str],
    children: dict[str, int],
    rng: random.Random,
) -> dict[str, float]:
    """Need indices whose fair shares, times the floor, stay below each district's spend.

    Each district's need-weighted weight is its least share of district spend over the
    plan, with noise; the noise is damped until phi * share(d) <= (1 - margin) * spend share.
    """
    spend: dict[tuple[str, int], float] = defaultdict(float)
    for i in inits:
        if i.district_id != COUNTY:
            for y in years:
                spend[(i.district_id, y)] += ref[(i.initiative_id, y)]
    totals = {y: sum(spend[(d, y)] for d in dids) for y in years}
    least = {d: min(spend[(d, y)] / totals[y] for y in years) for d in dids}
    noise = {d: rng.uniform(-0.1, 0.12) for d in dids}
    kids = sum(children.values())
    for damp in (1.0, 0.5, 0.25, 0.1, 0.0):
        weight = {d: least[d] * (1 + damp * noise[d]) for d in dids}
        raw = {d: weight[d] / children[d] for d in dids}
        mean = sum(raw[d] * children[d] for d in dids) / kids
        need = {d: round(raw[d] / mean, 4) for d in dids}
        norm = sum(need[d] * children[d] for d in dids)
        if all(
            DISTRICT_FLOOR * need[d] * children[d] / norm <= (1 - MARGIN) * least[d] for d in dids
        ):
            return need
    raise AssertionError("district spend varies too much across years for a feasible floor")


def _districts(
    inits: Sequence[Initiative],
    ref: dict[tuple[str, int], float],
    years: Sequence[int],
    dids: Sequence[str],
    children: dict[str, int],
    need: dict[str, float],
    rng: random.Random,
) -> list[District]:
    """Districts whose demand exceeds the participants the reference plan reaches.

    A district and level with services gets 2-150% headroom (tight for about a third, so
    demand caps bind sometimes); county-wide participants are spread by children, so the
    county's cap (the sum over districts) covers them too.
    """
    reach: dict[tuple[str, int, int], float] = defaultdict(float)
    for i in inits:
        for y in years:
            reach[(i.district_id, i.level, y)] += ref[(i.initiative_id, y)] / i.unit_cost
    kids = sum(children.values())
    base_rate = {1: 0.8, 2: 0.12, 3: 0.04, 4: 0.02}
    out = []
    for n, d in enumerate(dids):
        demand = []
        for level in (1, 2, 3, 4):
            own = max(reach[(d, level, y)] for y in years)
            county = max(reach[(COUNTY, level, y)] for y in years) * children[d] / kids
            tight = rng.random() < 0.35
            headroom = rng.uniform(1.02, 1.3) if tight else rng.uniform(1.3, 2.5)
            amount = own * headroom + county * rng.uniform(1.02, 1.5)
            if own == 0:
                amount += children[d] * need[d] * base_rate[level] * rng.uniform(0.05, 0.2)
            demand.append(float(math.ceil(amount)))
        out.append(
            District(
                district_id=d,
                name=f"District {d[1:]}",
                locality=f"Locality {n // 6 + 1}",
                children=children[d],
                need_index=need[d],
                demand=(demand[0], demand[1], demand[2], demand[3]),
            )
        )
    return out
