"""Plan-level figures: where the money is today and where the plan moves it.

Every view (terminal, workbook, documents, app) reads these tables instead of summing the
result again, so they all agree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.result import DECISIONS, ConstraintResult, Result
from commissioning.allocator.vocabulary import BAND, FUNDED
from commissioning.allocator.wording import money
from commissioning.inputs.model import COUNTY, Initiative, Inputs
from commissioning.inputs.vocabulary import LEVEL_LABELS as LEVEL_LABELS


@dataclass(frozen=True)
class SpendRow:
    """Spend of one group (a level, priority, district or stream): today and each plan year."""

    key: str
    label: str
    today: float
    proposed: Mapping[int, float]

    @property
    def final(self) -> float:
        return self.proposed[max(self.proposed)] if self.proposed else 0.0

    @property
    def change(self) -> float:
        return self.final - self.today


@dataclass(frozen=True)
class Journey:
    """A service whose budget turns within the plan: it rises and then falls back (or falls
    and then recovers) by the final year.

    The decision reads the final year only, so "reduce" can hide a year of growth and
    "maintain" a year of cuts; every view that shows decisions names the journey. (A running
    service is never stopped and funded again: model version 3's growth rule.)
    """

    initiative_id: str
    name: str
    today: float
    turn: float
    """The budget at the turning point: the peak, or the low."""
    turn_year: int
    final: float
    final_year: int
    rises_first: bool

    @property
    def sentence(self) -> str:
        """'From £1,000,000 today, it grows to £1,250,000 in 2028, then stops in 2029.'"""
        return self.words(money)

    def words(self, money_text: Callable[[float], str]) -> str:
        """The sentence with pounds written by `money_text`: the documents round to £100 where
        the app and the terminal show the plan's exact figures."""
        first = (
            f"grows to {money_text(self.turn)} in {self.turn_year}"
            if self.rises_first
            else (
                f"stops in {self.turn_year}"
                if self.turn < FUNDED
                else f"falls to {money_text(self.turn)} in {self.turn_year}"
            )
        )
        if self.final < FUNDED:
            then = f"stops in {self.final_year}"
        elif self.rises_first:
            then = f"falls back to {money_text(self.final)} in {self.final_year}"
        else:
            then = f"recovers to {money_text(self.final)} in {self.final_year}"
        return f"From {money_text(self.today)} today, it {first}, then {then}."

    @property
    def brief(self) -> str:
        """The same, without the opening: 'grows to £1,250,000 in 2028, then stops in 2029'."""
        text = self.sentence
        return text[text.index("it ") + 3 : -1]


def journey_of(
    i: Initiative, proposed: Mapping[int, float], years: tuple[int, ...]
) -> Journey | None:
    """The turning point of a service's budget within the plan, if it has one: a middle
    year more than 5% (and £1) above, or below, both today and the final year."""
    if len(years) < 2:
        return None
    today, final = i.current_budget, proposed[years[-1]]
    middle = [(proposed[y], y) for y in years[:-1]]
    peak, peak_year = max(middle, key=lambda t: t[0])
    low, low_year = min(middle, key=lambda t: t[0])
    top = max(today, final)
    if peak > top * (1 + BAND) and peak - top >= FUNDED:
        return Journey(i.initiative_id, i.name, today, peak, peak_year, final, years[-1], True)
    bottom = min(today, final)
    if low < bottom * (1 - BAND) and bottom - low >= FUNDED:
        return Journey(i.initiative_id, i.name, today, low, low_year, final, years[-1], False)
    return None


def find_journeys(inputs: Inputs, result: Result) -> tuple[Journey, ...]:
    """Every service whose budget turns within the plan, in the order of the data."""
    by_id = result.initiatives_by_id
    found = (
        journey_of(i, by_id[i.initiative_id].proposed, result.years)
        for i in inputs.data.initiatives
    )
    return tuple(j for j in found if j is not None)


@dataclass(frozen=True)
class PlanSummary:
    years: tuple[int, ...]
    by_level: tuple[SpendRow, ...]
    by_priority: tuple[SpendRow, ...]
    by_district: tuple[SpendRow, ...]
    by_stream: tuple[SpendRow, ...]
    decisions: Mapping[str, int]
    total_today: float
    total_proposed: Mapping[int, float]
    prevention_today: float
    """Spend at levels 1-2 today."""
    prevention_final: float
    objective: float
    objective_today: float
    """Weighted outcomes a year of today's budgets, times the number of plan years."""
    binding: tuple[ConstraintResult, ...]
    """Binding rules in pounds with a positive price, highest first."""
    journeys: tuple[Journey, ...] = ()
    """Services whose budget turns within the plan (see `Journey`)."""

    @property
    def prevention_moved(self) -> float:
        return self.prevention_final - self.prevention_today


def _group(
    inputs: Inputs,
    result: Result,
    key: Callable[[Initiative], str],
    labels: Mapping[str, str],
) -> tuple[SpendRow, ...]:
    today: dict[str, float] = defaultdict(float)
    planned: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(result.years, 0.0))
    by_id = result.initiatives_by_id
    for i in inputs.data.initiatives:
        k = key(i)
        today[k] += i.current_budget
        for y, v in by_id[i.initiative_id].proposed.items():
            planned[k][y] += v
    return tuple(SpendRow(k, labels.get(k, k), today[k], planned[k]) for k in labels if k in today)


def summarise_plan(inputs: Inputs, result: Result) -> PlanSummary:
    """The plan's headline figures by level, priority, district and stream."""
    data = inputs.data
    years = result.years
    by_level = _group(
        inputs, result, lambda i: str(i.level), {str(k): v for k, v in LEVEL_LABELS.items()}
    )
    by_priority = _group(
        inputs, result, lambda i: i.priority_id, {p.priority_id: p.name for p in data.priorities}
    )
    district_labels = {d.district_id: d.name for d in data.districts}
    district_labels[COUNTY] = "County-wide"
    by_district = _group(inputs, result, lambda i: i.district_id, district_labels)

    # Streams: the plan says which stream pays; today's budgets are split evenly over the
    # streams allowed to fund a service (the mapping does not record today's split).
    stream_today: dict[str, float] = defaultdict(float)
    for i in data.initiatives:
        for s in i.funding:
            stream_today[s] += i.current_budget / len(i.funding)
    stream_plan: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for a in result.allocations:
        stream_plan[a.stream_id][a.year] += a.amount
    by_stream = tuple(
        SpendRow(s.stream_id, s.name, stream_today[s.stream_id], stream_plan[s.stream_id])
        for s in data.streams
    )

    counted = Counter(r.decision for r in result.initiatives)
    totals = {y: sum(r.proposed[y] for r in result.initiatives) for y in years}
    prevention_today = sum(r.today for r in by_level if r.key in ("1", "2"))
    prevention_final = sum(r.final for r in by_level if r.key in ("1", "2"))
    vpp = {r.initiative_id: r.value_per_pound for r in result.initiatives}
    objective_today = len(years) * sum(
        vpp[i.initiative_id] * i.current_budget for i in data.initiatives
    )
    binding = tuple(
        sorted(
            (
                c
                for c in result.constraints
                if c.binding
                and c.shadow_price is not None
                and c.shadow_price > 0
                and FAMILIES[c.family].unit == "pounds"
            ),
            key=lambda c: (-(c.shadow_price or 0.0), c.name),
        )
    )
    return PlanSummary(
        years=years,
        by_level=by_level,
        by_priority=by_priority,
        by_district=by_district,
        by_stream=by_stream,
        decisions={d: counted.get(d, 0) for d in DECISIONS},
        total_today=sum(i.current_budget for i in data.initiatives),
        total_proposed=totals,
        prevention_today=prevention_today,
        prevention_final=prevention_final,
        objective=result.objective or 0.0,
        objective_today=objective_today,
        binding=binding,
        journeys=find_journeys(inputs, result),
    )
