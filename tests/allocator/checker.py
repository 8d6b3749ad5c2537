"""An independent check of a returned plan against every rule of model.md section 3.

Written from the spec's text alone: it imports nothing of the allocator's model code, so a
mistake in the formulation cannot hide itself here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from commissioning.inputs.model import Inputs

TOL = 1e-5


def check_plan(inputs: Inputs, result: dict[str, Any]) -> list[str]:
    """Every violated rule of the plan in a result file (empty when the plan is valid)."""
    data, sc = inputs.data, inputs.scenario
    years = list(sc.years)
    bad: list[str] = []
    x: dict[tuple[str, str, int], float] = defaultdict(float)
    for a in result["allocations"]:
        x[(a["initiative_id"], a["stream_id"], a["year"])] += a["amount"]
    X: dict[tuple[str, int], float] = defaultdict(float)
    for (i, s, y), v in x.items():
        if s not in data.initiatives_by_id[i].funding:
            bad.append(f"{i} funded from {s}, which may not fund it")
        if v < -TOL:
            bad.append(f"negative allocation {i},{s},{y}")
        X[(i, y)] += v

    def le(name: str, lhs: float, rhs: float) -> None:
        if lhs > rhs + TOL * max(1.0, abs(rhs)) + 0.01:
            bad.append(f"{name}: {lhs} > {rhs}")

    def ge(name: str, lhs: float, rhs: float) -> None:
        if lhs < rhs - TOL * max(1.0, abs(rhs)) - 0.01:
            bad.append(f"{name}: {lhs} < {rhs}")

    for entry in result["initiatives"]:
        for y in years:
            if abs(entry["proposed"][str(y)] - X[(entry["initiative_id"], y)]) > 0.01:
                bad.append(f"proposed of {entry['initiative_id']} in {y} != sum of allocations")

    def M(i: Any) -> float:
        m = sc.evidence_multiplier[i.evidence_level]
        return m * sc.mixed_findings_factor if i.mixed_findings else m

    R = reinvested(inputs, {k: X[k] for k in X}) if sc.reinvest > 0 else {}
    for s in data.streams:
        for y in years:
            used = sum(v for (i, s2, y2), v in x.items() if s2 == s.stream_id and y2 == y)
            change = sc.budget_change.get(s.stream_id)
            amount = data.budget(s.stream_id, y) * (1 + (change[years.index(y)] if change else 0))
            le(f"envelope[{s.stream_id},{y}]", used, amount + R.get((s.stream_id, y), 0.0))
    if data.costs and sc.reinvest > 0:
        cashable = {c.stream_id for c in data.costs if c.stream_id and c.cashable > 0}
        want = {(s, y): R.get((s, y), 0.0) for s in cashable for y in years}
        got = {(v["stream_id"], v["year"]): v["amount"] for v in result.get("savings", [])}
        if set(got) != set(want):
            bad.append(f"savings listed for {sorted(got)}, expected {sorted(want)}")
        for key, amount in want.items():
            if abs(got.get(key, 0.0) - amount) > 0.01 + TOL * abs(amount):
                bad.append(f"savings {key}: {got.get(key)} != {amount}")
    elif result.get("savings"):
        bad.append("savings listed although nothing is reinvested")
    for i in data.initiatives:
        iid = i.initiative_id
        prev = i.current_budget
        running = i.status == "existing" and i.current_budget > 0
        for k, y in enumerate(years):
            v = X[(iid, y)]
            if i.contract_end is not None and y <= i.contract_end and i.current_budget > 0:
                ge(f"committed[{iid},{y}]", v, i.current_budget)
            if i.min_budget > 0:
                ge(f"statutory[{iid},{y}]", v, i.min_budget)
            le(f"capacity[{iid},{y}]", v, i.max_budget)
            le(
                f"growth[{iid},{y}]",
                v - (1 + sc.max_growth) * prev,
                0.0 if running else max(sc.ramp * i.max_budget, i.min_viable),
            )
            if not running and k >= 1:
                ge(f"continuity[{iid},{y}]", v - prev, 0.0)
            floor = max(
                i.min_budget,
                i.current_budget if i.contract_end is not None and y <= i.contract_end else 0.0,
            )
            if M(i) == 0 and iid not in sc.lock:
                le(f"ineffective[{iid},{y}]", v, floor)
            if iid in sc.lock and abs(v - i.current_budget) > 0.01:
                bad.append(f"lock[{iid},{y}]: {v} != {i.current_budget}")
            if iid in sc.exclude and (i.contract_end is None or y > i.contract_end):
                le(f"exclude[{iid},{y}]", v, 0.0)
            if i.min_viable > 0 and 0.01 < v < i.min_viable - 0.01:
                bad.append(f"viability[{iid},{y}]: {v} is neither 0 nor >= {i.min_viable}")
            prev = v
    own = {i.district_id for i in data.initiatives}
    D = [d for d in data.districts if d.district_id in own]
    weight = {d.district_id: d.need_index * d.children for d in D}
    for y in years:
        T = sum(X[(i.initiative_id, y)] for i in data.initiatives)
        TD = sum(X[(i.initiative_id, y)] for i in data.initiatives if i.district_id != "COUNTY")
        ps = sc.prevention_share[y - sc.start_year]
        if ps > 0:
            low = sum(X[(i.initiative_id, y)] for i in data.initiatives if i.level <= 2)
            ge(f"prevention[{y}]", low - ps * T, 0.0)
        for p in data.priorities:
            if p.min_share > 0:
                mine = sum(
                    X[(i.initiative_id, y)]
                    for i in data.initiatives
                    if i.priority_id == p.priority_id
                )
                ge(f"priority[{p.priority_id},{y}]", mine - p.min_share * T, 0.0)
        if sc.district_floor > 0:
            for d in D:
                share = weight[d.district_id] / sum(weight.values())
                mine = sum(
                    X[(i.initiative_id, y)]
                    for i in data.initiatives
                    if i.district_id == d.district_id
                )
                ge(f"district[{d.district_id},{y}]", mine - sc.district_floor * share * TD, 0.0)
        for level in (1, 2, 3, 4):
            for d in data.districts:
                reach = sum(
                    X[(i.initiative_id, y)] / i.unit_cost
                    for i in data.initiatives
                    if i.district_id == d.district_id and i.level == level
                )
                le(f"demand[{d.district_id},{level},{y}]", reach, d.demand[level - 1])
            reach = sum(
                X[(i.initiative_id, y)] / i.unit_cost for i in data.initiatives if i.level == level
            )
            le(
                f"demand[COUNTY,{level},{y}]",
                reach,
                sum(d.demand[level - 1] for d in data.districts),
            )
    return bad


def level_values(inputs: Inputs) -> dict[int, float]:
    """V(l) as section 3 defines it."""
    data, sc = inputs.data, inputs.scenario
    if not data.costs:
        return dict(sc.outcome_value)
    out = dict.fromkeys((1, 2, 3, 4), 0.0)
    for c in data.costs:
        u = data.prices[sc.start_year] / data.prices[c.price_year] if data.prices else 1.0
        years = range(c.lag, c.lag + c.years)
        out[c.level] += (
            c.probability * c.annual_cost * u * sum((1 + sc.discount_rate) ** -k for k in years)
        )
    for level in sc.outcome_value_named:
        out[level] = sc.outcome_value[level]
    return out


def _m(inputs: Inputs, i: Any) -> float:
    sc = inputs.scenario
    m = sc.evidence_multiplier[i.evidence_level]
    return m * sc.mixed_findings_factor if i.mixed_findings else m


def reinvested(inputs: Inputs, X: dict[tuple[str, int], float]) -> dict[tuple[str, int], float]:
    """R[s,y] for a plan's X[i,y], term by term as section 3 writes it."""
    data, sc = inputs.data, inputs.scenario
    years = list(sc.years)
    out: dict[tuple[str, int], float] = defaultdict(float)
    for i in data.initiatives:
        for c in data.costs:
            if c.level != i.level or not c.stream_id:
                continue
            u = data.prices[sc.start_year] / data.prices[c.price_year] if data.prices else 1.0
            for a, y0 in enumerate(years):
                for y in years[a + 1 :]:
                    k = y - y0
                    if c.lag <= k <= c.lag + c.years - 1:
                        kappa = (
                            _m(inputs, i)
                            * i.effect
                            / i.unit_cost
                            * c.probability
                            * c.annual_cost
                            * u
                            * c.cashable
                        )
                        change = X.get((i.initiative_id, y0), 0.0) - i.current_budget
                        out[(c.stream_id, y)] += sc.reinvest * kappa * change
    return out


def objective_of(inputs: Inputs, proposed: dict[str, dict[int, float]]) -> float:
    """The spec's objective for budgets by initiative and year, computed from the spec."""
    data, sc = inputs.data, inputs.scenario
    kids = sum(d.children for d in data.districts)
    n_county = sum(d.need_index * d.children for d in data.districts) / kids
    V = level_values(inputs)
    total = 0.0
    for i in data.initiatives:
        n = n_county if i.district_id == "COUNTY" else data.district(i.district_id).need_index
        w = sc.priority_weights.get(i.priority_id, data.priority(i.priority_id).weight)
        v = _m(inputs, i) * i.effect * V[i.level] * w * n / i.unit_cost
        total += v * sum(proposed[i.initiative_id].values())
    return total
