"""The quarterly scorecard: what each service was planned to deliver to date, what it reported.

For the year of the reporting quarter, up to that quarter (Q of 4):
    planned spend          = proposed amount for the year x Q/4
    planned participants   = proposed / unit cost x Q/4
    expected outcomes      = actual participants x effect
and the actuals are the sums of the quarter's returns. Each figure gets a RAG rating
(`delivery_rag`, `spend_rag`); a service with no return for a quarter is red for it. The
realised effect comes with a 90% Wilson interval, so a handful of participants is not read
as proof. Everything is a pure function of the data, the plan and the returns.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Literal

from commissioning.allocator.vocabulary import FUNDED
from commissioning.inputs.model import COUNTY, DataSet, Initiative
from commissioning.inputs.returns import Plan, Return, Returns

if TYPE_CHECKING:
    from commissioning.allocator.result import Result

Rag = Literal["green", "amber", "red"]
RAGS: tuple[Rag, ...] = ("green", "amber", "red")

GREEN_AT = 0.95
"""Participants or outcomes at least 95% of plan are green."""
AMBER_AT = 0.80
"""... at least 80% amber, below that red."""
SPEND_GREEN = 0.05
"""Spend within 5% of plan, either way, is green."""
SPEND_AMBER = 0.15
"""... within 15% amber, further off red."""
CONFIDENCE = 0.90
"""The confidence of the interval around a realised effect."""
_TOLERANCE = 1e-9
"""Relative: a ratio computed as exactly 0.95 in decimal arithmetic counts as 0.95."""


def delivery_rag(actual: float, planned: float) -> Rag:
    """Green when actual / planned >= 0.95, amber >= 0.80, red below; nothing planned: green."""
    if planned <= 0:
        return "green"
    ratio = actual / planned
    if ratio >= GREEN_AT - _TOLERANCE:
        return "green"
    if ratio >= AMBER_AT - _TOLERANCE:
        return "amber"
    return "red"


def spend_rag(actual: float, planned: float) -> Rag:
    """Green within 5% of plan either way, amber within 15%, red otherwise.

    Nothing planned: green only when nothing was spent.
    """
    if planned <= 0:
        return "green" if actual <= 0 else "red"
    off = abs(actual - planned) / planned
    if off <= SPEND_GREEN + _TOLERANCE:
        return "green"
    if off <= SPEND_AMBER + _TOLERANCE:
        return "amber"
    return "red"


def worst(rags: Iterable[Rag]) -> Rag:
    """The worst of some ratings (green when there are none)."""
    return max(rags, key=RAGS.index, default="green")


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a proportion successes / n (n > 0).

    Chosen over the plain normal interval because it stays within [0, 1] and behaves for
    the small counts and the 0% or 100% rates a quarter's returns often give.
    """
    if n <= 0:
        raise ValueError("a proportion of nobody has no interval")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Figures:
    """Planned against actual, summed over some services and quarters."""

    planned_spend: float
    actual_spend: float
    planned_participants: float
    actual_participants: float
    expected_outcomes: float
    actual_outcomes: float
    target_outcomes: float
    """Planned participants x effect: the SLA's target to date."""

    @property
    def spend_rag(self) -> Rag:
        return spend_rag(self.actual_spend, self.planned_spend)

    @property
    def participants_rag(self) -> Rag:
        return delivery_rag(self.actual_participants, self.planned_participants)

    @property
    def outcomes_rag(self) -> Rag:
        return delivery_rag(self.actual_outcomes, self.expected_outcomes)

    @staticmethod
    def total(parts: Iterable[Figures]) -> Figures:
        parts = list(parts)
        return Figures(
            *(sum(getattr(f, name) for f in parts) for name in Figures.__dataclass_fields__)
        )


@dataclass(frozen=True)
class QuarterCard:
    """One service in one quarter: the quarter's own figures and ratings."""

    quarter: int
    figures: Figures
    reported: bool
    notes: str

    @property
    def rags(self) -> tuple[Rag, Rag, Rag]:
        """Spend, participants, outcomes; all red when a return was due and none came in."""
        if not self.reported and self.figures.planned_spend > 0:
            return ("red", "red", "red")
        f = self.figures
        return (f.spend_rag, f.participants_rag, f.outcomes_rag)


@dataclass(frozen=True)
class ServiceCard:
    """One service's scorecard for the year to date."""

    initiative: Initiative
    year: int
    quarter: int
    proposed: float
    """The plan's amount for the whole year."""
    figures: Figures
    quarters: tuple[QuarterCard, ...]

    @property
    def initiative_id(self) -> str:
        return self.initiative.initiative_id

    @property
    def missing_quarters(self) -> tuple[int, ...]:
        """Quarters without a return; only a service the plan funds owes one."""
        if self.proposed < FUNDED:
            return ()
        return tuple(q.quarter for q in self.quarters if not q.reported)

    def _rag(self, rag: Rag) -> Rag:
        return "red" if self.missing_quarters else rag

    @property
    def spend_rag(self) -> Rag:
        return self._rag(self.figures.spend_rag)

    @property
    def participants_rag(self) -> Rag:
        return self._rag(self.figures.participants_rag)

    @property
    def outcomes_rag(self) -> Rag:
        return self._rag(self.figures.outcomes_rag)

    @property
    def rag(self) -> Rag:
        """The worst of the three: how the service stands overall."""
        return worst((self.spend_rag, self.participants_rag, self.outcomes_rag))

    @property
    def off_track(self) -> bool:
        return self.rag != "green"

    @property
    def realised_unit_cost(self) -> float | None:
        f = self.figures
        return f.actual_spend / f.actual_participants if f.actual_participants > 0 else None

    @property
    def realised_effect(self) -> float | None:
        f = self.figures
        return f.actual_outcomes / f.actual_participants if f.actual_participants > 0 else None

    @property
    def effect_interval(self) -> tuple[float, float] | None:
        f = self.figures
        if f.actual_participants <= 0:
            return None
        return wilson(round(f.actual_outcomes), round(f.actual_participants))

    @property
    def notes(self) -> tuple[tuple[int, str], ...]:
        """The provider's own notes, by quarter."""
        return tuple((q.quarter, q.notes) for q in self.quarters if q.notes)


@dataclass(frozen=True)
class RollUp:
    """Services grouped (a district, or an outcome of the framework), summed."""

    key: str
    name: str
    figures: Figures
    services: tuple[ServiceCard, ...]

    @property
    def spend_rag(self) -> Rag:
        return self.figures.spend_rag

    @property
    def participants_rag(self) -> Rag:
        return self.figures.participants_rag

    @property
    def outcomes_rag(self) -> Rag:
        return self.figures.outcomes_rag

    @property
    def off_track(self) -> tuple[ServiceCard, ...]:
        return tuple(s for s in self.services if s.off_track)

    def count(self, rag: Rag) -> int:
        return sum(1 for s in self.services if s.rag == rag)


@dataclass(frozen=True)
class Scorecard:
    """Every funded or reporting service, and the roll-ups, for one year up to one quarter."""

    year: int
    quarter: int
    services: tuple[ServiceCard, ...]
    districts: tuple[RollUp, ...]
    outcomes: tuple[RollUp, ...]
    total: Figures

    @property
    def label(self) -> str:
        return f"{self.year} quarter {self.quarter}"

    def service(self, initiative_id: str) -> ServiceCard:
        return next(s for s in self.services if s.initiative_id == initiative_id)

    def district(self, district_id: str) -> RollUp:
        return next(d for d in self.districts if d.key == district_id)


def parse_quarter(text: str) -> tuple[int, int]:
    """'2027Q2' (also '2027-Q2', '2027 q2') -> (2027, 2); ValueError otherwise."""
    t = text.strip().upper().replace("-", "").replace(" ", "")
    year, sep, quarter = t.partition("Q")
    if not sep or not year.isdigit() or quarter not in ("1", "2", "3", "4") or len(year) != 4:
        raise ValueError(f"'{text}' is not a quarter; write it as 2027Q2 (a year, Q, then 1-4)")
    return int(year), int(quarter)


def service_figures(
    i: Initiative, proposed: float, returns: Mapping[int, Return], quarters: Iterable[int]
) -> tuple[Figures, tuple[QuarterCard, ...]]:
    """A service's figures for the given quarters of one year, and each quarter's own."""
    cards = []
    for q in quarters:
        r = returns.get(q)
        planned_participants = proposed / i.unit_cost / 4
        actual_participants = r.participants if r else 0
        cards.append(
            QuarterCard(
                q,
                Figures(
                    planned_spend=proposed / 4,
                    actual_spend=r.spend if r else 0.0,
                    planned_participants=planned_participants,
                    actual_participants=actual_participants,
                    expected_outcomes=actual_participants * i.effect,
                    actual_outcomes=r.outcomes_achieved if r else 0,
                    target_outcomes=planned_participants * i.effect,
                ),
                reported=r is not None,
                notes=r.notes if r else "",
            )
        )
    return Figures.total(c.figures for c in cards), tuple(cards)


def scorecard(
    data: DataSet, plan: Plan, returns: Returns, to: tuple[int, int] | None = None
) -> Scorecard:
    """The scorecard for the year of `to` up to its quarter (default: the latest reported).

    Services in it: those the plan funds that year, and any other that sent a return.
    """
    when = to or returns.latest()
    if when is None:
        raise ValueError("there are no returns, so no quarter to report on")
    year, quarter = when
    by_service: dict[str, dict[int, Return]] = {}
    for r in returns.returns:
        if r.year == year and r.quarter <= quarter:
            by_service.setdefault(r.initiative_id, {})[r.quarter] = r
    cards = []
    for i in data.initiatives:
        proposed = plan.get(i.initiative_id, {}).get(year, 0.0)
        own = by_service.get(i.initiative_id, {})
        if proposed < FUNDED and not own:
            continue
        figures, quarters = service_figures(i, proposed, own, range(1, quarter + 1))
        cards.append(ServiceCard(i, year, quarter, proposed, figures, quarters))
    services = tuple(cards)
    return Scorecard(
        year,
        quarter,
        services,
        districts=_by_district(data, services),
        outcomes=_by_outcome(data, services),
        total=Figures.total(s.figures for s in services),
    )


def _by_district(data: DataSet, services: Sequence[ServiceCard]) -> tuple[RollUp, ...]:
    groups: dict[str, list[ServiceCard]] = defaultdict(list)
    for s in services:
        groups[s.initiative.district_id].append(s)
    names = {d.district_id: d.name for d in data.districts}
    order = [*names, COUNTY]
    return tuple(
        RollUp(
            key,
            names.get(key, "County-wide services"),
            Figures.total(s.figures for s in groups[key]),
            tuple(groups[key]),
        )
        for key in order
        if key in groups
    )


def _by_outcome(data: DataSet, services: Sequence[ServiceCard]) -> tuple[RollUp, ...]:
    """Each service counts under every outcome it targets, as the SLA's targets do."""
    groups: dict[str, list[ServiceCard]] = defaultdict(list)
    for s in services:
        for o in s.initiative.outcomes:
            groups[o].append(s)
    return tuple(
        RollUp(
            o.outcome_id,
            o.name,
            Figures.total(s.figures for s in groups[o.outcome_id]),
            tuple(groups[o.outcome_id]),
        )
        for o in data.outcomes
        if o.outcome_id in groups
    )


def plan_of(result: Result) -> dict[str, dict[int, float]]:
    """The plan as plain amounts per service and year (what returns are checked against)."""
    return {r.initiative_id: dict(r.proposed) for r in result.initiatives}
