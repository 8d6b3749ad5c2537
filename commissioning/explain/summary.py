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
from commissioning.allocator.wording import money
from commissioning.inputs.model import COUNTY, Initiative, Inputs

LEVEL_LABELS: Mapping[int, str] = {
    1: "Level 1: universal",
    2: "Level 2: early help",
    3: "Level 3: targeted and complex",
    4: "Level 4: specialist and statutory",
}


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


FUNDED = 1.0
"""£ a year below which a service counts as not funded (the decision rule's threshold)."""


@dataclass(frozen=True)
class Pause:
    """A running service the plan stops for a year or more and then funds again.

    The model puts no price on a pause, so a service whose money buys more elsewhere in a
    lean year can be stopped and restarted. Commissioners rarely can do that (staff, premises,
    families mid-way through support), so every view names pauses for a human to judge.
    """

    initiative_id: str
    name: str
    before: float
    """The budget in the year before the pause (today's, for a pause from the first year)."""
    stops: int
    """The first plan year without funding."""
    resumes: int
    """The first later plan year with funding again."""
    resumed_at: float

    @property
    def gap(self) -> str:
        """The plan years without funding: `2027` or `2027 to 2028`."""
        last = self.resumes - 1
        return str(self.stops) if last == self.stops else f"{self.stops} to {last}"

    @property
    def detail(self) -> str:
        return (
            f"No funding in {self.gap}, then {money(self.resumed_at)} from {self.resumes}. The "
            f"model puts no price on a pause; if the service cannot stop and restart, give it "
            f"a minimum budget (min_budget) or lock it in the scenario."
        )

    @property
    def sentence(self) -> str:
        return f"The plan pauses it. {self.detail}"


def pause_of(i: Initiative, proposed: Mapping[int, float], years: tuple[int, ...]) -> Pause | None:
    """The first pause of one service: funded, then unfunded, then funded again."""
    amounts = [i.current_budget, *(proposed[y] for y in years)]
    for k in range(1, len(amounts)):
        if amounts[k] >= FUNDED or amounts[k - 1] < FUNDED:
            continue
        later = next((j for j in range(k + 1, len(amounts)) if amounts[j] >= FUNDED), None)
        if later is not None:
            return Pause(
                i.initiative_id,
                i.name,
                amounts[k - 1],
                years[k - 1],
                years[later - 1],
                amounts[later],
            )
    return None


def find_pauses(inputs: Inputs, result: Result) -> tuple[Pause, ...]:
    """Every service the plan stops and later funds again, in the order of the data."""
    by_id = result.initiatives_by_id
    found = (
        pause_of(i, by_id[i.initiative_id].proposed, result.years) for i in inputs.data.initiatives
    )
    return tuple(p for p in found if p is not None)


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
    pauses: tuple[Pause, ...] = ()
    """Services stopped and later restarted within the plan (see `Pause`)."""

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
        pauses=find_pauses(inputs, result),
    )
