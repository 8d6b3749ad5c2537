"""The cost of late intervention in pounds: the cost library, and the plan's invest-to-save case.

With a cost library (costs.csv, model version 3) the value of an outcome is the late cost
it avoids; this module turns the library into the figures a board reads: what each cost is
worth in the plan's prices, what an outcome at each level is worth, and for a plan, the
late costs it avoids, the cash it saves each partner, what comes back to the streams, the
return on each £1 and when the money moved to prevention pays back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from commissioning.allocator.formulation import (
    evidence_multiplier,
    outcome_values,
    present_value,
    price_uplift,
)
from commissioning.allocator.result import Result
from commissioning.inputs.model import LEVELS, Inputs, Problem

PAYBACK_YEARS = 30
"""How far ahead the payback of money moved to prevention is looked for."""


@dataclass(frozen=True)
class CostLine:
    """One row of the cost library as a board reads it."""

    cost_id: str
    name: str
    level: int
    payer: str
    """The partner and stream that would bear it, or 'outside the plan'."""
    price_year: int
    annual_cost: float
    """£ a year in its own price year."""
    annual_cost_plan: float
    """£ a year in the plan's prices (start year)."""
    probability: float
    years: int
    lag: int
    cashable: float
    present_value: float
    """Expected £ avoided per successful outcome, discounted, in the plan's prices."""
    source: str


@dataclass(frozen=True)
class CostLibrary:
    """The library, the value of an outcome at each level, and what the data warns of."""

    lines: tuple[CostLine, ...]
    level_values: Mapping[int, float]
    """V(l): £ of late cost one outcome at each level avoids (or the scenario's figure)."""
    named_levels: tuple[int, ...]
    """Levels whose value the scenario sets instead of the library."""
    start_year: int
    discount_rate: float
    warnings: tuple[Problem, ...]

    def groups(self) -> tuple[CostGroup, ...]:
        """Costs named alike ('Bromley family: care', 'Bromley family: ...'), added up: a
        worked example from a source reads back as the source's own total."""
        by_label: dict[str, list[CostLine]] = defaultdict(list)
        for c in self.lines:
            label, sep, _ = c.name.partition(": ")
            if sep:
                by_label[label].append(c)
        return tuple(
            CostGroup(
                label,
                tuple(rows),
                tuple(sorted({c.price_year for c in rows})),
                sum(c.annual_cost for c in rows),
                sum(c.annual_cost_plan for c in rows),
            )
            for label, rows in by_label.items()
            if len(rows) > 1
        )


@dataclass(frozen=True)
class CostGroup:
    """Costs whose names share a label before ': ', and their yearly total."""

    label: str
    lines: tuple[CostLine, ...]
    price_years: tuple[int, ...]
    annual_cost: float
    """£ a year as written (in its price year, when the rows share one)."""
    annual_cost_plan: float
    """£ a year in the plan's prices."""


def cost_library(inputs: Inputs) -> CostLibrary:
    """The cost library of the inputs (empty without costs.csv)."""
    data, sc = inputs.data, inputs.scenario
    streams = data.streams_by_id
    lines = []
    for c in data.costs:
        s = streams.get(c.stream_id) if c.stream_id else None
        payer = f"{s.partner} ({s.name})" if s is not None else "outside the plan"
        lines.append(
            CostLine(
                cost_id=c.cost_id,
                name=c.name,
                level=c.level,
                payer=payer,
                price_year=c.price_year,
                annual_cost=c.annual_cost,
                annual_cost_plan=c.annual_cost * price_uplift(inputs, c),
                probability=c.probability,
                years=c.years,
                lag=c.lag,
                cashable=c.cashable,
                present_value=present_value(inputs, c),
                source=c.source,
            )
        )
    warnings = tuple(w for w in inputs.warnings if w.file.startswith(("costs", "prices")))
    return CostLibrary(
        lines=tuple(lines),
        level_values=outcome_values(inputs),
        named_levels=sc.outcome_value_named if data.has_costs else (),
        start_year=sc.start_year,
        discount_rate=sc.discount_rate,
        warnings=warnings,
    )


@dataclass(frozen=True)
class InvestToSave:
    """The plan's case in pounds: late costs avoided, cash saved, money returned, payback."""

    avoided: float
    """£ of late-intervention cost the plan's spending avoids (present value, unweighted)."""
    avoided_today: float
    """The same for today's budgets held over the plan's years."""
    spend: float
    """Total spend over the plan."""
    spend_today: float
    """Today's budgets held over the plan's years."""
    cashable_by_partner: Mapping[str, Mapping[int, float]]
    """Partner -> calendar year -> cash saved by the plan's changes against today (plan years
    and the years after, undiscounted), from costs with a cashable share."""
    reinvested: Mapping[int, float]
    """Plan year -> savings returned to the streams' envelopes (R summed over streams)."""
    prevention_moved: float
    """Extra £ at levels 1-2 over the plan against today's budgets held."""
    prevention_return: float | None
    """£ of late cost avoided per extra £1 at levels 1-2 (None when none was moved)."""
    payback_year: int | None
    """The first year in which the late costs avoided by the extra prevention spend (all
    payers, undiscounted) add up to the extra spend; None if not within PAYBACK_YEARS."""
    cash_payback_year: int | None
    """The same, counting only cashable savings."""

    @property
    def return_per_pound(self) -> float:
        """£ of late cost avoided per £1 the plan spends."""
        return self.avoided / self.spend if self.spend > 0 else 0.0

    @property
    def return_per_pound_today(self) -> float:
        return self.avoided_today / self.spend_today if self.spend_today > 0 else 0.0


def invest_to_save(inputs: Inputs, result: Result) -> InvestToSave | None:
    """The invest-to-save case of a plan, or None without a cost library."""
    data, sc = inputs.data, inputs.scenario
    if not data.has_costs or result.status != "optimal":
        return None
    V = outcome_values(inputs)
    years = result.years
    by_id = result.initiatives_by_id
    per_pound = {
        i.initiative_id: evidence_multiplier(inputs, i) * i.effect / i.unit_cost
        for i in data.initiatives
    }
    avoided = avoided_today = spend = spend_today = moved = 0.0
    for i in data.initiatives:
        r = by_id[i.initiative_id]
        bcr = per_pound[i.initiative_id] * V[i.level]
        total = sum(r.proposed[y] for y in years)
        avoided += bcr * total
        avoided_today += bcr * i.current_budget * len(years)
        spend += total
        spend_today += i.current_budget * len(years)
        if i.level <= 2:
            moved += total - i.current_budget * len(years)

    # Late costs by level and year offset, per successful outcome (undiscounted), and the
    # cashable part by payer.
    flow: dict[int, dict[int, float]] = {lv: defaultdict(float) for lv in LEVELS}
    cash_flow: dict[int, dict[int, float]] = {lv: defaultdict(float) for lv in LEVELS}
    cash_by: dict[tuple[int, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    streams = data.streams_by_id
    for c in data.costs:
        if c.level in sc.outcome_value_named:
            continue
        yearly = c.probability * c.annual_cost * price_uplift(inputs, c)
        for k in range(c.lag, c.lag + c.years):
            flow[c.level][k] += yearly
            if c.stream_id and c.cashable > 0:
                cash_flow[c.level][k] += yearly * c.cashable
                cash_by[(c.level, streams[c.stream_id].partner)][k] += yearly * c.cashable

    cashable: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    invest: dict[int, float] = defaultdict(float)
    back: dict[int, float] = defaultdict(float)
    cash_back: dict[int, float] = defaultdict(float)
    for i in data.initiatives:
        r = by_id[i.initiative_id]
        for y in years:
            change = r.proposed[y] - i.current_budget
            outcomes = per_pound[i.initiative_id] * change
            for (level, partner), by_k in cash_by.items():
                if level == i.level:
                    for k, amount in by_k.items():
                        cashable[partner][y + k] += outcomes * amount
            if i.level <= 2:
                invest[y] += change
                for k, amount in flow[i.level].items():
                    back[y + k] += outcomes * amount
                for k, amount in cash_flow[i.level].items():
                    cash_back[y + k] += outcomes * amount

    reinvested: dict[int, float] = dict.fromkeys(years, 0.0)
    for s in result.savings:
        reinvested[s.year] += s.amount
    prevention_return = None
    if moved > 0:
        prevention_return = (
            sum(
                per_pound[i.initiative_id]
                * V[i.level]
                * sum(by_id[i.initiative_id].proposed[y] - i.current_budget for y in years)
                for i in data.initiatives
                if i.level <= 2
            )
            / moved
        )
    return InvestToSave(
        avoided=avoided,
        avoided_today=avoided_today,
        spend=spend,
        spend_today=spend_today,
        cashable_by_partner={p: dict(sorted(v.items())) for p, v in sorted(cashable.items())},
        reinvested=reinvested,
        prevention_moved=moved,
        prevention_return=prevention_return,
        payback_year=_payback(invest, back, years[0]) if moved > 0 else None,
        cash_payback_year=_payback(invest, cash_back, years[0]) if moved > 0 else None,
    )


def _payback(invest: Mapping[int, float], back: Mapping[int, float], start: int) -> int | None:
    """The first year whose cumulative returns reach the cumulative investment."""
    paid = returned = 0.0
    for year in range(start, start + PAYBACK_YEARS):
        paid += invest.get(year, 0.0)
        returned += back.get(year, 0.0)
        if paid > 0 and returned >= paid:
            return year
    return None
