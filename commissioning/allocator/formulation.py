"""The model of model.md section 3, written as plain data: columns, objective and named rows.

Keeping the formulation solver-neutral lets one description feed the PuLP problem, the
elastic (diagnosis) re-solve, the binaries-fixed re-solve of a MIP, and the benchmark's
pure-solver comparison, and lets slacks be computed from the rows exactly as the spec
writes them (everything with a variable on the left).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

from commissioning.allocator import families as fb
from commissioning.allocator.layout import Sink, write
from commissioning.allocator.registry import FAMILY_ORDER
from commissioning.allocator.rows import Row as Row  # re-exported: the model's rules
from commissioning.allocator.rows import ranges
from commissioning.inputs.model import COUNTY, LEVELS, Cost, Initiative, Inputs, Priority


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
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """Arrays derived from the finished rows, made once (`solvers.rule_arrays`), and the
    rules' lengths, columns and coefficients as `formulate` wrote them ("rule_terms")."""

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


class PerInitiative:
    """The initiatives' figures as arrays in the data's order, for the per-initiative
    families' builders (families.py), which write a year's rows for all at once."""

    def __init__(self, b: Build) -> None:
        inits = b.inputs.data.initiatives
        self.n = len(inits)
        self.ids = b.all_ids

        def numbers(values: Iterable[float]) -> npt.NDArray[np.float64]:
            return np.fromiter(values, dtype=np.float64, count=self.n)

        def flags(values: Iterable[bool]) -> npt.NDArray[np.bool_]:
            return np.fromiter(values, dtype=np.bool_, count=self.n)

        self.current = numbers(i.current_budget for i in inits)
        self.min_budget = numbers(i.min_budget for i in inits)
        self.max_budget = numbers(i.max_budget for i in inits)
        self.unit_cost = numbers(i.unit_cost for i in inits)
        self.min_viable = numbers(i.min_viable for i in inits)
        self.contract_end = numbers(
            -math.inf if i.contract_end is None else i.contract_end for i in inits
        )
        self.running = flags(i.is_running for i in inits)
        self.ineffective = flags(i.initiative_id in b.ineffective for i in inits)
        self.locked = flags(i.initiative_id in b.locked for i in inits)
        self.excluded = flags(i.initiative_id in b.excluded for i in inits)
        self.width = np.fromiter((len(i.funding) for i in inits), dtype=np.int64, count=self.n)
        """How many columns X[i,y] has (one per funding stream)."""

    def under_contract(self, year: int) -> npt.NDArray[np.bool_]:
        return self.contract_end >= year

    def floor(self, year: int) -> npt.NDArray[np.float64]:
        """L(i,y) of every initiative (`floor`)."""
        return np.maximum(self.min_budget, np.where(self.under_contract(year), self.current, 0.0))


class Build:
    """What a family's row builder reads (families.py): the inputs, the formulation being
    written, its columns x[i,s,y] grouped as X[i,y], and the sums several rows share."""

    def __init__(self, inputs: Inputs, f: Formulation, X: dict[tuple[str, int], list[int]]):
        data, sc = inputs.data, inputs.scenario
        self.inputs, self.f, self.X = inputs, f, X
        self.years = sc.years
        inits = data.initiatives
        self.locked, self.excluded = set(sc.lock), set(sc.exclude)
        self.ineffective = {
            i.initiative_id
            for i in inits
            if evidence_multiplier(inputs, i) == 0.0 and i.initiative_id not in self.locked
        }
        self.current = {i.initiative_id: i.current_budget for i in inits}
        self.all_ids = [i.initiative_id for i in inits]
        self._totals: dict[tuple[str, int], int] = {}
        self._z: npt.NDArray[np.int64] | None = None
        self._positions: dict[int, tuple[list[str], npt.NDArray[np.int64]]] = {}

    def xs(self, iid: str, y: int, a: float = 1.0) -> list[tuple[int, float]]:
        """a * X[i,y], as terms."""
        return [(c, a) for c in self.X[(iid, y)]]

    def positions(self, ids: list[str]) -> npt.NDArray[np.int64]:
        """Where the initiatives of `ids` are in the data, in the order of `ids` (made
        once per list: the builders' groups are lists kept by this Build)."""
        found = self._positions.get(id(ids))
        if found is None or found[0] is not ids:
            at = self.position
            found = (ids, np.fromiter((at[iid] for iid in ids), dtype=np.int64, count=len(ids)))
            self._positions[id(ids)] = found
        return found[1]

    def columns(self, at: npt.NDArray[np.int64], y: int) -> list[int]:
        """The columns of X[i,y] for the initiatives at positions `at`, in that order."""
        cols: list[int] = ranges(
            self.x_start[at, y - self.years[0]], self.per_initiative.width[at]
        ).tolist()
        return cols

    def total(self, ids: list[str], y: int, a: float = 1.0) -> fb.Split:
        """a * the sum of X[i,y] over ids, as columns and coefficients."""
        cols = self.columns(self.positions(ids), y)
        return cols, [a] * len(cols)

    def total_column(self, name: str, ids: list[str], y: int) -> int:
        """The auxiliary column name[y] = sum of X[i,y] over ids (defined once), so that
        share rows stay sparse."""
        key = (name, y)
        if key not in self._totals:
            f = self.f
            col = f.add_column(f"{name}[{y}]")
            cols, coefs = self.total(ids, y, -1.0)
            f.definitions.append(
                Row(
                    f"{name}[{y}]",
                    "total",
                    (str(y),),
                    (col, *cols),
                    (1.0, *coefs),
                    "==",
                    0.0,
                    y,
                )
            )
            self._totals[key] = col
        return self._totals[key]

    @cached_property
    def position(self) -> dict[str, int]:
        """Where each initiative is in the data."""
        return {iid: n for n, iid in enumerate(self.all_ids)}

    @cached_property
    def per_initiative(self) -> PerInitiative:
        return PerInitiative(self)

    @cached_property
    def x_start(self) -> npt.NDArray[np.int64]:
        """The first column of X[i,y], by initiative (data order) and plan year; X[i,y]'s
        columns are consecutive (one per funding stream, `formulate`)."""
        kept = self.f.memo.get("x_start")
        if isinstance(kept, np.ndarray):  # the model's columns are the same (`rescenario`)
            return kept
        out = np.zeros((self.per_initiative.n, len(self.years)), dtype=np.int64)
        for n, iid in enumerate(self.all_ids):
            for k, y in enumerate(self.years):
                cols = self.X[(iid, y)]
                if cols:
                    out[n, k] = cols[0]
        return out

    def z_columns(self) -> npt.NDArray[np.int64]:
        """The binary columns z[i,y] of the services with a minimum viable size (-1 for
        others), by initiative and plan year: made on first use, initiative by initiative."""
        if self._z is None:
            f, years = self.f, self.years
            z = np.full((self.per_initiative.n, len(years)), -1, dtype=np.int64)
            for n, i in enumerate(self.inputs.data.initiatives):
                if i.min_viable > 0:
                    for k, y in enumerate(years):
                        zc = f.add_column(f"z[{i.initiative_id},{y}]", upper=1.0, integer=True)
                        f.z[(i.initiative_id, y)] = zc
                        f.z_floor[zc] = i.min_viable
                        z[n, k] = zc
            self._z = z
        return self._z

    @cached_property
    def by_stream(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for i in self.inputs.data.initiatives:
            for s in i.funding:
                out[s].append(i.initiative_id)
        return out

    @cached_property
    def returned(self) -> dict[str, list[tuple[str, dict[int, float]]]]:
        """kappa by stream: the savings that return to each stream, by initiative."""
        out: dict[str, list[tuple[str, dict[int, float]]]] = defaultdict(list)
        for (iid, sid), by_k in self.f.kappa.items():
            out[sid].append((iid, by_k))
        return out

    @cached_property
    def share_priorities(self) -> list[Priority]:
        return [p for p in self.inputs.data.priorities if p.min_share > 0]

    @cached_property
    def need_total(self) -> bool:
        """Some share rule needs the total spend T[y]."""
        sc = self.inputs.scenario
        return any(sc.prevention_share_in(y) > 0 for y in self.years) or bool(self.share_priorities)

    @cached_property
    def prevention_ids(self) -> list[str]:
        return [i.initiative_id for i in self.inputs.data.initiatives if i.level <= 2]

    @cached_property
    def district_ids(self) -> list[str]:
        return [i.initiative_id for i in self.inputs.data.initiatives if not i.is_county_wide]

    @cached_property
    def by_priority(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for i in self.inputs.data.initiatives:
            out[i.priority_id].append(i.initiative_id)
        return out

    @cached_property
    def by_district(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for i in self.inputs.data.initiatives:
            out[i.district_id].append(i.initiative_id)
        return out

    @cached_property
    def fair(self) -> dict[str, float]:
        return fair_shares(self.inputs)


def formulate(inputs: Inputs) -> Formulation:
    """Write the model of model.md section 3 for these inputs: each family's builder in
    FAMILY_ORDER, consecutive families of one scope together (so the rows of an initiative
    and year, or of a year, stay together, as warm starts and golden files expect)."""
    data, sc = inputs.data, inputs.scenario
    years = sc.years
    f = Formulation()
    f.value_per_pound = values_per_pound(inputs)
    inits = data.initiatives

    # Columns x[i,s,y]; X[i,y] is kept as the list of its columns.
    # Written as `add_column` would, straight into the lists (12 per service at national).
    X: dict[tuple[str, int], list[int]] = {}
    names, objective, x = f.names, f.objective, f.x
    for i in inits:
        iid, funding = i.initiative_id, i.funding
        v = f.value_per_pound[iid]
        for y in years:
            first = len(names)
            X[(iid, y)] = cols = list(range(first, first + len(funding)))
            for s, c in zip(funding, cols, strict=True):
                names.append(f"x[{iid},{s},{y}]")
                x[(iid, s, y)] = c
            objective.extend([v] * len(funding))
    n = len(names)
    f.lower.extend([0.0] * n)
    f.upper.extend([None] * n)
    f.integer.extend([False] * n)
    # Reinvested savings: R[s,y] = reinvest * sum over i, y' < y of
    # kappa(i,s,y-y') * (X[i,y'] - current_budget(i)); the envelope rows carry it.
    if sc.reinvest > 0 and data.has_costs:
        f.kappa = cashable_savings(inputs)
        f.reinvest = sc.reinvest
    b = Build(inputs, f, X)
    f.memo["X"] = X  # what a slider move's rows are written over again (`rescenario`)

    # The rules' arrays (`solvers.rule_arrays`), gathered as the rows are written so that
    # the hand-over and the extraction need not walk 100,000 rows again.
    sink = Sink(f.rows)
    write(b, FAMILY_ORDER, sink)
    f.memo["rule_terms"] = (f.rows, sink.terms())
    f.memo["x_start"] = b.x_start
    return f


def reweighted(f: Formulation, inputs: Inputs) -> Formulation:
    """`f` with the objective of `inputs`, which differ from the inputs `f` was written
    for only in the priorities' weights.

    A weight enters the model only through v(i), the objective of the columns x[i,s,y]
    (`values_per_pound`); every other column has none, and no rule reads a weight. So the
    rows are shared and only the objective is made again: a warm re-plan after a weight
    move need not formulate (tests/allocator/test_planner.py checks this equals
    `formulate(inputs)` on every fixture and on generated data).
    """
    v = values_per_pound(inputs)
    objective = list(f.objective)
    for (iid, _, _), c in f.x.items():
        objective[c] = v[iid]
    return replace(f, objective=objective, value_per_pound=v, memo=dict(f.memo))


def objective_scale(f: Formulation) -> float:
    """A power of ten that brings the largest value per £ to between 1 and 10.

    Values per £ are tiny (1e-7 to 1e-2), near solvers' default tolerances, so the
    objective handed to a solver is multiplied by this and every dual divided by it.
    """
    biggest = max((abs(v) for v in f.objective), default=0.0)
    if biggest == 0.0:
        return 1.0
    return float(10 ** (-math.floor(math.log10(biggest))))
