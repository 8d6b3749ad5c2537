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

from collections import defaultdict
from dataclasses import replace

from commissioning.allocator.formulation import (
    Formulation,
    Row,
    cashable_savings,
    floor,
    modelled_districts,
)
from commissioning.allocator.formulation import fair_shares as fair_shares_of
from commissioning.allocator.registry import FAMILIES, constraint_name
from commissioning.allocator.result import Relaxation
from commissioning.allocator.solvers import SolverError, SolverName, solve
from commissioning.allocator.wording import money, shortfall
from commissioning.inputs.model import COUNTY, Initiative, Inputs

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


def prechecks(inputs: Inputs) -> list[Relaxation]:
    """Obvious conflicts, found without a solver (necessary conditions for feasibility)."""
    data, sc = inputs.data, inputs.scenario
    out: list[Relaxation] = []

    def found(family: str, index: tuple[object, ...], amount: float, message: str) -> None:
        name = constraint_name(family, *index)
        unit = FAMILIES[family].unit
        out.append(Relaxation(name, family, amount, unit, f"{name}: {message}", "precheck"))

    most_returned = _most_returned(inputs)
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
                    f"envelopes[{y}]: committed contracts, statutory floors and locks come to "
                    f"{money(need)} in {y}, above all the envelopes together ({money(have)})",
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
            found_share = _share_check(family, index, required, most, others, y)
            if found_share is not None:
                out.append(found_share)
    return out


def _most_returned(inputs: Inputs) -> dict[tuple[str, int], float]:
    """The most R[s,y] could be: every service at its most in earlier years (a bound, so the
    envelope pre-check stays a necessary condition with reinvestment)."""
    sc = inputs.scenario
    if sc.reinvest <= 0 or not inputs.data.has_costs:
        return {}
    out: dict[tuple[str, int], float] = defaultdict(float)
    for (iid, sid), by_k in cashable_savings(inputs).items():
        i = inputs.data.initiative(iid)
        for y in sc.years:
            for y0 in sc.years:
                if y - y0 in by_k:
                    gain = max(0.0, upper_bound(inputs, i, y0) - i.current_budget)
                    out[(sid, y)] += sc.reinvest * by_k[y - y0] * gain
    return out


def _share_check(
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
    message = (
        f"{name}: even at full capacity the services it favours reach {money(most)} in "
        f"{year}, {money(gap)} short of the required share while the others hold "
        f"{money(others)} in floors"
    )
    return Relaxation(name, family, gap, FAMILIES[family].unit, message, "precheck")


ELASTIC_FAMILIES = frozenset(FAMILIES) - {"viability_min", "viability_max"}


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
        if r.family == "demand":
            # coefficients are 1 / unit cost: price a participant at the mean unit cost
            weight = sum(1.0 / a for a in r.coefs) / len(r.coefs)
        signs = {"<=": (-1.0,), ">=": (1.0,), "==": (1.0, -1.0)}[r.sense]
        cols, coefs = list(r.cols), list(r.coefs)
        for sign in signs:
            c = g.add_column(f"relax[{r.name},{sign:+.0f}]", obj=-weight)
            cols.append(c)
            coefs.append(sign)
            slacks.append((r, c, sign))
        rows.append(replace(r, cols=tuple(cols), coefs=tuple(coefs)))
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
            shortfall(r.name, r.family, r.index, amount, inputs.data),
            "elastic",
        )
        for r, amount in amounts.values()
    ]
