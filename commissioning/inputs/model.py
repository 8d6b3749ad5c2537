"""Validated, frozen, typed inputs: what every part of the toolkit downstream of reading takes.

Nothing here reads files. `commissioning.inputs.read` turns a data folder into these
objects, or raises `InputError` with every problem found.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, TypeVar

COUNTY = "COUNTY"
"""The reserved district id of county-wide services."""

LEVELS: tuple[int, ...] = (1, 2, 3, 4)
EVIDENCE_LEVELS: tuple[str, ...] = ("4", "3", "2", "NL2", "NE")
SECTORS: tuple[str, ...] = ("council", "health", "police", "schools", "voluntary", "private")
STATUSES: tuple[str, ...] = ("existing", "candidate")

DEFAULT_EVIDENCE_MULTIPLIER: Mapping[str, float] = MappingProxyType(
    {"4": 1.0, "3": 0.8, "2": 0.5, "NL2": 0.2, "NE": 0.0}
)
DEFAULT_OUTCOME_VALUE: Mapping[int, float] = MappingProxyType({1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0})
DEFAULT_UNCERTAINTY: Mapping[str, float] = MappingProxyType(
    {"4": 0.2, "3": 0.3, "2": 0.5, "NL2": 0.7, "NE": 0.0}
)
"""Half-width of each evidence level's plausible effect range, as a fraction (model.md 5)."""
DEFAULT_DISCOUNT_RATE = 0.035
"""HM Treasury Green Book social time preference rate."""

Status = Literal["existing", "candidate"]


K = TypeVar("K")
V = TypeVar("V")


def frozen_map(items: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """A read-only copy of a mapping, so frozen objects stay frozen all the way down."""
    return MappingProxyType(dict(items or {}))


def _reduce_mapping_proxy(m: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return frozen_map, (dict(m),)


# Frozen inputs hold read-only mappings; let them cross process boundaries (the documents
# layer explains services on every core).
copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)


@dataclass(frozen=True)
class District:
    """A Local Children's Trust Partnership area and its needs analysis."""

    district_id: str
    name: str
    locality: str
    children: int
    need_index: float
    demand: tuple[float, float, float, float]
    """Children or families a year needing support at levels 1..4."""

    def demand_at(self, level: int) -> float:
        return self.demand[level - 1]


@dataclass(frozen=True)
class FundingStream:
    stream_id: str
    name: str
    partner: str
    ring_fenced: bool


@dataclass(frozen=True)
class Budget:
    """The envelope of one stream in one year."""

    stream_id: str
    year: int
    amount: float
    row: int | None = field(default=None, compare=False, repr=False)
    """Its spreadsheet row, so a duplicate found against a scenario can be located."""


@dataclass(frozen=True)
class Priority:
    priority_id: str
    name: str
    weight: float
    min_share: float


@dataclass(frozen=True)
class Outcome:
    outcome_id: str
    name: str


@dataclass(frozen=True)
class Initiative:
    """One mapped service (existing) or programme that could be commissioned (candidate)."""

    initiative_id: str
    name: str
    provider: str
    sector: str
    district_id: str
    level: int
    priority_id: str
    outcomes: tuple[str, ...]
    status: Status
    current_budget: float
    unit_cost: float
    effect: float
    evidence_level: str
    mixed_findings: bool
    min_budget: float
    max_budget: float
    min_viable: float
    contract_end: int | None
    funding: tuple[str, ...]
    extra: Mapping[str, str] = field(default_factory=frozen_map)
    """Columns beyond the contract, kept for documents and ignored by the model."""
    effect_low: float | None = None
    effect_high: float | None = None
    unit_cost_low: float | None = None
    unit_cost_high: float | None = None
    """Plausible ranges for the robustness check (model.md section 5); None = from the scenario."""
    row: int | None = field(default=None, compare=False, repr=False)
    """Its spreadsheet row, so a check made against a scenario can be located."""

    @property
    def is_running(self) -> bool:
        """Funded today: the plan may keep, grow, reduce or stop it, but not restart it."""
        return self.status == "existing" and self.current_budget > 0

    @property
    def is_candidate(self) -> bool:
        return self.status == "candidate"

    @property
    def is_county_wide(self) -> bool:
        return self.district_id == COUNTY

    @property
    def label(self) -> str:
        """'Name (ID)': how a document or a table names the service."""
        return f"{self.name} ({self.initiative_id})"

    def participants(self, budget: float) -> float:
        """The participants a budget pays for at the service's unit cost."""
        return budget / self.unit_cost


@dataclass(frozen=True)
class Cost:
    """One late-intervention cost that a successful outcome at a level avoids (costs.csv)."""

    cost_id: str
    name: str
    level: int
    probability: float
    annual_cost: float
    """£ a year per child or family, in `price_year` prices."""
    years: int
    lag: int
    stream_id: str | None
    """The stream that would have paid it; None for a payer outside the plan."""
    cashable: float
    price_year: int
    source: str


@dataclass(frozen=True)
class IndicatorValue:
    """One recorded value of an indicator (indicators.csv): the baseline a target starts from.

    Indicators describe the population and the services' results, not the plan's inputs:
    they shape the documents' targets but never the allocation, so they stay out of the
    plan's fingerprint.
    """

    indicator_id: str
    """The indicator's id in the indicator library (specs/indicators.yaml)."""
    area: str
    """A district_id, or COUNTY for the whole partnership."""
    year: int
    value: float
    source: str
    """Where the figure comes from (publisher and series), or why it is illustrative."""


@dataclass(frozen=True)
class Scenario:
    """The policy choices of one plan (model.md section 2), with defaults filled in."""

    name: str
    start_year: int
    horizon: int
    prevention_share: tuple[float, ...]
    """One share per planning year (length = horizon)."""
    max_growth: float = 0.25
    ramp: float = 0.5
    district_floor: float = 0.8
    evidence_multiplier: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_EVIDENCE_MULTIPLIER
    )
    mixed_findings_factor: float = 0.75
    outcome_value: Mapping[int, float] = field(default_factory=lambda: DEFAULT_OUTCOME_VALUE)
    priority_weights: Mapping[str, float] = field(default_factory=frozen_map)
    lock: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    description: str = ""
    outcome_value_named: tuple[int, ...] = ()
    """Levels the scenario names in outcome_value: with a cost library they keep its figure."""
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    reinvest: float = 0.0
    uncertainty: Mapping[str, float] = field(default_factory=lambda: DEFAULT_UNCERTAINTY)
    unit_cost_uncertainty: float = 0.1
    budget_change: Mapping[str, tuple[float, ...]] = field(default_factory=frozen_map)
    """By stream: one fraction per planning year (length = horizon)."""

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start_year, self.start_year + self.horizon))

    def prevention_share_in(self, year: int) -> float:
        return self.prevention_share[year - self.start_year]

    def budget_factor(self, stream_id: str, year: int) -> float:
        """1 + the scenario's budget change for a stream in a year (1 when unchanged)."""
        change = self.budget_change.get(stream_id)
        return 1.0 if change is None else 1.0 + change[year - self.start_year]

    def to_dict(self) -> dict[str, object]:
        """The scenario as a plain mapping, in the YAML file's vocabulary."""
        shares = list(self.prevention_share)
        return {
            "name": self.name,
            "description": self.description,
            "start_year": self.start_year,
            "horizon": self.horizon,
            "prevention_share": shares[0] if len(set(shares)) == 1 else shares,
            "max_growth": self.max_growth,
            "ramp": self.ramp,
            "district_floor": self.district_floor,
            "evidence_multiplier": dict(self.evidence_multiplier),
            "mixed_findings_factor": self.mixed_findings_factor,
            # Only the levels the scenario names: with a cost library, a named level keeps
            # its figure and the others are valued in pounds from the library.
            "outcome_value": {str(k): self.outcome_value[k] for k in self.outcome_value_named},
            "priority_weights": dict(self.priority_weights),
            "lock": list(self.lock),
            "exclude": list(self.exclude),
            **self.v3_settings(),
        }

    def v3_settings(self) -> dict[str, object]:
        """The keys model version 3 added, in the YAML file's vocabulary."""
        changes = {
            s: (c[0] if len(set(c)) == 1 else list(c)) for s, c in self.budget_change.items()
        }
        return {
            "discount_rate": self.discount_rate,
            "reinvest": self.reinvest,
            "uncertainty": dict(self.uncertainty),
            "unit_cost_uncertainty": self.unit_cost_uncertainty,
            "budget_change": changes,
        }


@dataclass(frozen=True)
class DataSet:
    """The tables of a data folder, validated against each other (not against a scenario)."""

    districts: tuple[District, ...]
    streams: tuple[FundingStream, ...]
    budgets: tuple[Budget, ...]
    priorities: tuple[Priority, ...]
    outcomes: tuple[Outcome, ...]
    initiatives: tuple[Initiative, ...]
    source: str = ""
    """Where the tables came from, for people (not part of the fingerprint)."""
    costs: tuple[Cost, ...] = ()
    """The cost library (costs.csv); empty when the folder has none."""
    prices: Mapping[int, float] = field(default_factory=frozen_map)
    """The price index by year (prices.csv); empty when the folder has none."""
    indicators: tuple[IndicatorValue, ...] = ()
    """Baselines of the indicator library (indicators.csv); empty when the folder has none.
    Not part of the plan's fingerprint: they change documents, not the plan."""

    @property
    def has_costs(self) -> bool:
        """Whether value is counted in pounds of late-intervention cost avoided."""
        return bool(self.costs)

    @cached_property
    def districts_by_id(self) -> Mapping[str, District]:
        return frozen_map({d.district_id: d for d in self.districts})

    @cached_property
    def initiatives_by_id(self) -> Mapping[str, Initiative]:
        return frozen_map({i.initiative_id: i for i in self.initiatives})

    @cached_property
    def priorities_by_id(self) -> Mapping[str, Priority]:
        return frozen_map({p.priority_id: p for p in self.priorities})

    @cached_property
    def streams_by_id(self) -> Mapping[str, FundingStream]:
        return frozen_map({s.stream_id: s for s in self.streams})

    @cached_property
    def outcomes_by_id(self) -> Mapping[str, Outcome]:
        return frozen_map({o.outcome_id: o for o in self.outcomes})

    @cached_property
    def budget_by_key(self) -> Mapping[tuple[str, int], float]:
        return frozen_map({(b.stream_id, b.year): b.amount for b in self.budgets})

    def budget(self, stream_id: str, year: int) -> float:
        return self.budget_by_key[(stream_id, year)]

    def district(self, district_id: str) -> District:
        return self.districts_by_id[district_id]

    def initiative(self, initiative_id: str) -> Initiative:
        return self.initiatives_by_id[initiative_id]

    def priority(self, priority_id: str) -> Priority:
        return self.priorities_by_id[priority_id]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the inputs, located as the user sees it.

    `row` is the spreadsheet row number: the header is row 1, the first data row is row 2.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Literal["error", "warning"] = "error"
    sheet: str | None = None

    def where(self) -> str:
        place = self.file if self.sheet is None else f"{self.file} (sheet {self.sheet})"
        # In a YAML file the place is a line and a key, not a row and a column.
        yaml = self.sheet is None and self.file.lower().endswith((".yaml", ".yml"))
        row_word, column_word = ("line", "key") if yaml else ("row", "column")
        if self.row is not None:
            place += f" {row_word} {self.row}"
        if self.column is not None:
            sep = "," if self.row is not None else ""
            place += f"{sep} {column_word} {self.column}"
        return place

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def as_row(self) -> dict[str, object]:
        """A flat record, for a table the app can show."""
        return {
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet or "",
            "row": self.row,
            "column": self.column or "",
            "value": self.value if self.value is not None else "",
            "message": self.message,
        }


class InputError(Exception):
    """The inputs cannot be used: every problem found, reported together."""

    def __init__(self, problems: tuple[Problem, ...], warnings: tuple[Problem, ...] = ()):
        self.problems = problems
        self.warnings = warnings
        n = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the inputs:\n{lines}")

    def table(self) -> list[dict[str, object]]:
        return [p.as_row() for p in (*self.problems, *self.warnings)]


@dataclass(frozen=True)
class Inputs:
    """A data set and a scenario validated together: what the allocator takes."""

    data: DataSet
    scenario: Scenario
    warnings: tuple[Problem, ...] = ()

    def amount(self, stream_id: str, year: int) -> float:
        """amount(s,y): the stream's envelope after the scenario's budget change."""
        return self.data.budget(stream_id, year) * self.scenario.budget_factor(stream_id, year)
