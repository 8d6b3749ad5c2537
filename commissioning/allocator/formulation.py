"""The model of model.md section 3, written as plain data: columns, objective and named rows.

Keeping the formulation solver-neutral lets one description feed the PuLP problem, the
elastic (diagnosis) re-solve, the binaries-fixed re-solve of a MIP, and the benchmark's
pure-solver comparison, and lets slacks be computed from the rows exactly as the spec
writes them (everything with a variable on the left).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from commissioning.allocator.registry import FAMILIES, Sense, constraint_name
from commissioning.inputs.model import COUNTY, LEVELS, Cost, Initiative, Inputs


@dataclass(frozen=True)
class Row:
    """One named constraint: sum(coefs[k] * column cols[k]) <sense> rhs."""

    name: str
    family: str
    index: tuple[str, ...]
    cols: tuple[int, ...]
    coefs: tuple[float, ...]
    sense: Sense
    rhs: float
    year: int | None = None
    initiative_id: str | None = None


@dataclass
class Formulation:
    """Columns (with bounds, objective and kind) and rows of one allocation model."""

    names: list[str] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float | None] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    objective: list[float] = field(default_factory=list)
    """Weighted outcomes per unit of each column (unscaled, maximised)."""
    rows: list[Row] = field(default_factory=list)
    definitions: list[Row] = field(default_factory=list)
    """Rows that define auxiliary columns (totals): not rules, never reported."""
    x: dict[tuple[str, str, int], int] = field(default_factory=dict)
    z: dict[tuple[str, int], int] = field(default_factory=dict)
    z_floor: dict[int, float] = field(default_factory=dict)
    """The minimum viable size behind each binary column."""
    value_per_pound: dict[str, float] = field(default_factory=dict)
    kappa: dict[tuple[str, str], dict[int, float]] = field(default_factory=dict)
    """kappa(i,s,k): cash £1 more on i in one year saves stream s k years later (k >= 1),
    by (initiative, stream); only where some saving is reinvested (reinvest > 0)."""
    reinvest: float = 0.0

    def add_column(
        self, name: str, obj: float = 0.0, upper: float | None = None, integer: bool = False
    ) -> int:
        self.names.append(name)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(integer)
        self.objective.append(obj)
        return len(self.names) - 1

    @property
    def is_mip(self) -> bool:
        return bool(self.z)


def evidence_multiplier(inputs: Inputs, i: Initiative) -> float:
    """M(i): the evidence multiplier of i's rating, discounted for mixed findings."""
    sc = inputs.scenario
    m = sc.evidence_multiplier[i.evidence_level]
    return m * sc.mixed_findings_factor if i.mixed_findings else m


def price_uplift(inputs: Inputs, c: Cost) -> float:
    """u(c): the price index of the start year over that of the cost's price year."""
    prices = inputs.data.prices
    if not prices:
        return 1.0
    return prices[inputs.scenario.start_year] / prices[c.price_year]


def present_value(inputs: Inputs, c: Cost) -> float:
    """PV(c): the expected late cost one successful outcome avoids, discounted to the year of
    the service, in start-year prices."""
    r = inputs.scenario.discount_rate
    years = sum((1 + r) ** -k for k in range(c.lag, c.lag + c.years))
    return c.probability * c.annual_cost * price_uplift(inputs, c) * years


def outcome_values(inputs: Inputs) -> dict[int, float]:
    """V(l): the value of one outcome at each level; in pounds with a cost library, except
    the levels the scenario values explicitly."""
    sc = inputs.scenario
    if not inputs.data.has_costs:
        return dict(sc.outcome_value)
    out = dict.fromkeys(LEVELS, 0.0)
    for c in inputs.data.costs:
        out[c.level] += present_value(inputs, c)
    for level in sc.outcome_value_named:
        out[level] = sc.outcome_value[level]
    return out


def benefit_cost_ratios(inputs: Inputs) -> dict[str, float] | None:
    """£ of late-intervention cost avoided per £1 spent on each service (unweighted by
    priority and need); None without a cost library."""
    if not inputs.data.has_costs:
        return None
    V = outcome_values(inputs)
    return {
        i.initiative_id: evidence_multiplier(inputs, i) * i.effect * V[i.level] / i.unit_cost
        for i in inputs.data.initiatives
    }


def cashable_savings(inputs: Inputs) -> dict[tuple[str, str], dict[int, float]]:
    """kappa(i,s,k) for k = 1 .. horizon-1, where it is not zero, by (initiative, stream).

    Savings in the year of the spending (k = 0) are never reinvested, and a saving beyond
    the plan's last year cannot return within it.
    """
    horizon = inputs.scenario.horizon
    per_level: dict[tuple[int, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for c in inputs.data.costs:
        if c.stream_id is None or c.cashable <= 0:
            continue
        cash = c.probability * c.annual_cost * price_uplift(inputs, c) * c.cashable
        for k in range(max(c.lag, 1), min(c.lag + c.years - 1, horizon - 1) + 1):
            per_level[(c.level, c.stream_id)][k] += cash
    out: dict[tuple[str, str], dict[int, float]] = {}
    for i in inputs.data.initiatives:
        per_pound = evidence_multiplier(inputs, i) * i.effect / i.unit_cost
        if per_pound == 0:
            continue
        for (level, sid), by_k in per_level.items():
            if level == i.level:
                out[(i.initiative_id, sid)] = {k: per_pound * v for k, v in by_k.items()}
    return out


def reinvested(
    inputs: Inputs,
    change: Callable[[str, int], float],
    kappa: Mapping[tuple[str, str], Mapping[int, float]] | None = None,
) -> dict[tuple[str, int], float]:
    """R[s,y] = reinvest * sum over i, y' < y of kappa(i,s,y-y') * change(i,y'), where
    `change(i,y')` is X[i,y'] - current_budget(i) for a plan (or a bound on it), by
    (stream, plan year); empty when nothing is reinvested. The one place R is reckoned."""
    sc = inputs.scenario
    if sc.reinvest <= 0 or not inputs.data.has_costs:
        return {}
    out: dict[tuple[str, int], float] = defaultdict(float)
    years = sc.years
    for (iid, sid), by_k in (cashable_savings(inputs) if kappa is None else kappa).items():
        for y in years:
            for y0 in years:
                k = y - y0
                if k >= 1 and k in by_k:
                    out[(sid, y)] += sc.reinvest * by_k[k] * change(iid, y0)
    return out


def county_need_index(inputs: Inputs) -> float:
    """n(COUNTY): the children-weighted mean need index of all districts."""
    ds = inputs.data.districts
    return sum(d.need_index * d.children for d in ds) / sum(d.children for d in ds)


def values_per_pound(inputs: Inputs) -> dict[str, float]:
    """v(i) for every initiative: weighted value bought by £1 a year (weighted outcomes, or
    weighted £ of late-intervention cost avoided with a cost library)."""
    data, sc = inputs.data, inputs.scenario
    n_county = county_need_index(inputs)
    need = {d.district_id: d.need_index for d in data.districts}
    weights = {
        p.priority_id: sc.priority_weights.get(p.priority_id, p.weight) for p in data.priorities
    }
    value = outcome_values(inputs)
    out: dict[str, float] = {}
    for i in data.initiatives:
        n = n_county if i.district_id == COUNTY else need[i.district_id]
        out[i.initiative_id] = (
            evidence_multiplier(inputs, i)
            * i.effect
            * value[i.level]
            * weights[i.priority_id]
            * n
            / i.unit_cost
        )
    return out


def floor(i: Initiative, year: int) -> float:
    """L(i,y): the protected floor, and the current budget while under contract."""
    under_contract = i.contract_end is not None and year <= i.contract_end
    return max(i.min_budget, i.current_budget if under_contract else 0.0)


def modelled_districts(inputs: Inputs) -> list[str]:
    """D: districts with at least one initiative of their own, in file order."""
    own = {i.district_id for i in inputs.data.initiatives}
    return [d.district_id for d in inputs.data.districts if d.district_id in own]


def fair_shares(inputs: Inputs) -> dict[str, float]:
    """share(d) over D: need-weighted share of children."""
    ds = set(modelled_districts(inputs))
    weight = {
        d.district_id: d.need_index * d.children
        for d in inputs.data.districts
        if d.district_id in ds
    }
    total = sum(weight.values())
    return {d: w / total for d, w in weight.items()}


def formulate(inputs: Inputs) -> Formulation:
    """Write the model of model.md section 3 for these inputs."""
    data, sc = inputs.data, inputs.scenario
    years = sc.years
    f = Formulation()
    f.value_per_pound = values_per_pound(inputs)
    locked, excluded = set(sc.lock), set(sc.exclude)
    inits = data.initiatives

    # Columns x[i,s,y]; X[i,y] is kept as the list of its columns.
    X: dict[tuple[str, int], list[int]] = {}
    for i in inits:
        v = f.value_per_pound[i.initiative_id]
        for y in years:
            cols = []
            for s in i.funding:
                c = f.add_column(f"x[{i.initiative_id},{s},{y}]", obj=v)
                f.x[(i.initiative_id, s, y)] = c
                cols.append(c)
            X[(i.initiative_id, y)] = cols

    def add(
        family: str,
        index: tuple[object, ...],
        terms: list[tuple[int, float]],
        rhs: float,
        year: int,
        initiative_id: str | None = None,
    ) -> None:
        cols, coefs = zip(*terms, strict=True) if terms else ((), ())
        f.rows.append(
            Row(
                constraint_name(family, *index),
                family,
                tuple(str(k) for k in index),
                cols,
                coefs,
                FAMILIES[family].sense,
                rhs,
                year,
                initiative_id,
            )
        )

    def xs(iid: str, y: int, a: float = 1.0) -> list[tuple[int, float]]:
        return [(c, a) for c in X[(iid, y)]]

    # envelope[s,y]
    by_stream: dict[str, list[str]] = defaultdict(list)
    for i in inits:
        for s in i.funding:
            by_stream[s].append(i.initiative_id)
    # Reinvested savings: R[s,y] = reinvest * sum over i, y' < y of
    # kappa(i,s,y-y') * (X[i,y'] - current_budget(i)); its variable part moves to the left.
    if sc.reinvest > 0 and data.has_costs:
        f.kappa = cashable_savings(inputs)
        f.reinvest = sc.reinvest
    returned: dict[str, list[tuple[str, dict[int, float]]]] = defaultdict(list)
    for (iid, sid), by_k in f.kappa.items():
        returned[sid].append((iid, by_k))
    current = {i.initiative_id: i.current_budget for i in inits}
    for stream in data.streams:
        sid = stream.stream_id
        for y in years:
            terms = [(f.x[(iid, sid, y)], 1.0) for iid in by_stream[sid]]
            rhs = inputs.amount(sid, y)
            for iid, by_k in returned[sid]:
                for y_before in years:
                    k = y - y_before
                    if k < 1 or k not in by_k:
                        continue
                    a = sc.reinvest * by_k[k]
                    terms += xs(iid, y_before, -a)
                    rhs -= a * current[iid]
            add("envelope", (sid, y), terms, rhs, y)

    # Per-initiative rules.
    for i in inits:
        iid = i.initiative_id
        ineffective = evidence_multiplier(inputs, i) == 0.0 and iid not in locked
        for k, y in enumerate(years):
            if i.contract_end is not None and y <= i.contract_end and i.current_budget > 0:
                add("committed", (iid, y), xs(iid, y), i.current_budget, y, iid)
            if i.min_budget > 0:
                add("statutory", (iid, y), xs(iid, y), i.min_budget, y, iid)
            add("capacity", (iid, y), xs(iid, y), i.max_budget, y, iid)
            # A running service grows by at most max_growth and, once stopped, stays
            # stopped; any other service may also ramp up from nothing.
            step = 0.0 if i.is_running else max(sc.ramp * i.max_budget, i.min_viable)
            if k == 0:
                growth_rhs = (1 + sc.max_growth) * i.current_budget + step
                add("growth", (iid, y), xs(iid, y), growth_rhs, y, iid)
            else:
                terms = xs(iid, y) + xs(iid, years[k - 1], -(1 + sc.max_growth))
                add("growth", (iid, y), terms, step, y, iid)
            if not i.is_running and k >= 1:
                add("continuity", (iid, y), xs(iid, y) + xs(iid, years[k - 1], -1.0), 0.0, y, iid)
            if ineffective:
                add("ineffective", (iid, y), xs(iid, y), floor(i, y), y, iid)
            if iid in locked:
                add("lock", (iid, y), xs(iid, y), i.current_budget, y, iid)
            if iid in excluded and (i.contract_end is None or y > i.contract_end):
                add("exclude", (iid, y), xs(iid, y), 0.0, y, iid)
            if i.min_viable > 0:
                zc = f.add_column(f"z[{iid},{y}]", upper=1.0, integer=True)
                f.z[(iid, y)] = zc
                f.z_floor[zc] = i.min_viable
                add("viability_min", (iid, y), [*xs(iid, y), (zc, -i.min_viable)], 0.0, y, iid)
                add("viability_max", (iid, y), [*xs(iid, y), (zc, -i.max_budget)], 0.0, y, iid)

    # Share rules, written against auxiliary totals so that rows stay sparse.
    shares = {y: sc.prevention_share_in(y) for y in years}
    phi = sc.district_floor
    share_priorities = [p for p in data.priorities if p.min_share > 0]
    need_total = any(v > 0 for v in shares.values()) or bool(share_priorities)
    fair = fair_shares(inputs) if phi > 0 else {}
    by_priority: dict[str, list[str]] = defaultdict(list)
    by_district: dict[str, list[str]] = defaultdict(list)
    for i in inits:
        by_priority[i.priority_id].append(i.initiative_id)
        by_district[i.district_id].append(i.initiative_id)
    prevention_ids = [i.initiative_id for i in inits if i.level <= 2]
    district_ids = [i.initiative_id for i in inits if not i.is_county_wide]

    def total(ids: list[str], y: int, a: float = 1.0) -> list[tuple[int, float]]:
        return [(c, a) for iid in ids for c in X[(iid, y)]]

    def define(name: str, ids: list[str], y: int) -> int:
        col = f.add_column(f"{name}[{y}]")
        terms = total(ids, y, -1.0)
        f.definitions.append(
            Row(
                f"{name}[{y}]",
                "total",
                (str(y),),
                (col, *(c for c, _ in terms)),
                (1.0, *(a for _, a in terms)),
                "==",
                0.0,
                y,
            )
        )
        return col

    all_ids = [i.initiative_id for i in inits]
    for y in years:
        if need_total:
            T = define("T", all_ids, y)
            if shares[y] > 0:
                add("prevention", (y,), [*total(prevention_ids, y), (T, -shares[y])], 0.0, y)
            for p in share_priorities:
                terms = [*total(by_priority[p.priority_id], y), (T, -p.min_share)]
                add("priority", (p.priority_id, y), terms, 0.0, y)
        if phi > 0:
            TD = define("TD", district_ids, y)
            for d in fair:
                terms = [*total(by_district[d], y), (TD, -phi * fair[d])]
                add("district", (d, y), terms, 0.0, y)

    # demand[d,l,y] and demand[COUNTY,l,y], in participants.
    groups: dict[tuple[str, int], list[Initiative]] = defaultdict(list)
    levels: dict[int, list[Initiative]] = defaultdict(list)
    for i in inits:
        levels[i.level].append(i)
        if not i.is_county_wide:
            groups[(i.district_id, i.level)].append(i)
    for y in years:
        for dist in data.districts:
            for level in (1, 2, 3, 4):
                members = groups.get((dist.district_id, level))
                if members:
                    terms = [
                        (c, 1.0 / i.unit_cost) for i in members for c in X[(i.initiative_id, y)]
                    ]
                    add("demand", (dist.district_id, level, y), terms, dist.demand_at(level), y)
        for level in (1, 2, 3, 4):
            if levels.get(level):
                terms = [
                    (c, 1.0 / i.unit_cost) for i in levels[level] for c in X[(i.initiative_id, y)]
                ]
                cap = sum(dist.demand_at(level) for dist in data.districts)
                add("demand", (COUNTY, level, y), terms, cap, y)
    return f


def objective_scale(f: Formulation) -> float:
    """A power of ten that brings the largest value per £ to between 1 and 10.

    Values per £ are tiny (1e-7 to 1e-2), near solvers' default tolerances, so the
    objective handed to a solver is multiplied by this and every dual divided by it.
    """
    biggest = max((abs(v) for v in f.objective), default=0.0)
    if biggest == 0.0:
        return 1.0
    return float(10 ** (-math.floor(math.log10(biggest))))
