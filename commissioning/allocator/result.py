"""The one result object an allocation returns, and its JSON form (model.md section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.vocabulary import DECISIONS as DECISIONS
from commissioning.allocator.vocabulary import Decision as Decision
from commissioning.allocator.vocabulary import decide as decide
from commissioning.allocator.wording import ValueUnit

if TYPE_CHECKING:
    from commissioning.inputs.model import Inputs


@dataclass(frozen=True)
class Allocation:
    """£ from one stream to one initiative in one year (x[i,s,y])."""

    initiative_id: str
    stream_id: str
    year: int
    amount: float


@dataclass(frozen=True)
class InitiativeResult:
    initiative_id: str
    current_budget: float
    proposed: Mapping[int, float]
    decision: Decision
    value_per_pound: float
    opportunity_cost: Mapping[int, float] | None = None
    """Per year: weighted outcomes that £1 more for this service would cost elsewhere, through
    the envelopes, share rules and demand caps it draws on (its own rules left out), on its
    cheapest stream. The value it lacks is opportunity_cost - value_per_pound when positive."""
    benefit_cost_ratio: float | None = None
    """£ of late-intervention cost avoided per £1 spent on it; None without a cost library."""

    @property
    def final(self) -> float:
        return self.proposed[max(self.proposed)]


VALUE_UNITS = ("weighted outcomes", "weighted £ avoided")
"""value_unit of a result: without, and with, a cost library."""


@dataclass(frozen=True)
class Saving:
    """R[s,y]: cashable savings (negative: late costs coming back) reinvested in a stream."""

    stream_id: str
    year: int
    amount: float


class ConstraintResult(NamedTuple):
    """One row of the model with its slack and shadow price, in the spec's sign convention.

    A named tuple rather than a frozen dataclass: a result holds one per rule (about
    100,000 at national scale), and a tuple is made in a third of the time. Its `index`
    field hides the tuple's own `index()` method, which nothing calls."""

    name: str
    family: str
    index: tuple[str, ...]  # type: ignore[assignment]  # the field, not tuple.index()
    sense: str
    bound: float
    slack: float
    binding: bool
    shadow_price: float | None
    year: int | None = None
    initiative_id: str | None = None


@dataclass(frozen=True)
class Relaxation:
    """One rule that must give way for an infeasible scenario, and by how much."""

    name: str
    family: str
    amount: float | None
    unit: str
    message: str
    method: Literal["precheck", "elastic"]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "family": self.family,
            "amount": self.amount,
            "unit": self.unit,
            "message": self.message,
            "method": self.method,
        }


@dataclass(frozen=True)
class Provenance:
    inputs_sha256: str
    scenario: str
    solver: str
    solver_version: str
    version: str
    created: str
    problem_type: Literal["LP", "MIP"]
    prices: str
    """How the shadow prices were obtained (for a MIP: the LP with binaries fixed)."""
    scenario_settings: Mapping[str, Any] = field(default_factory=dict)
    audit_head: Mapping[str, Any] | None = None
    """The store's audit trail head when the plan was stored (`entry`, `hash`, `sealed`):
    set by the store, printed in documents, checked with `audit verify --expect`."""

    def to_json(self) -> dict[str, Any]:
        extra = {} if self.audit_head is None else {"audit_head": dict(self.audit_head)}
        return {
            "inputs_sha256": self.inputs_sha256,
            "scenario": self.scenario,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "version": self.version,
            "created": self.created,
            "problem_type": self.problem_type,
            "prices": self.prices,
            "scenario_settings": dict(self.scenario_settings),
            **extra,
        }


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each stage, for the benchmark and the app's status line."""

    build: float = 0.0
    solve: float = 0.0
    extract: float = 0.0


@dataclass(frozen=True)
class Result:
    status: Literal["optimal", "infeasible"]
    objective: float | None
    years: tuple[int, ...]
    allocations: tuple[Allocation, ...]
    initiatives: tuple[InitiativeResult, ...]
    constraints: tuple[ConstraintResult, ...]
    diagnosis: tuple[Relaxation, ...]
    provenance: Provenance
    timings: Timings = field(default_factory=Timings, compare=False)
    value_unit: str = VALUE_UNITS[0]
    savings: tuple[Saving, ...] = ()

    @property
    def in_pounds(self) -> bool:
        """Whether value is counted in pounds of late-intervention cost avoided."""
        return self.value_unit == VALUE_UNITS[1]

    @property
    def unit(self) -> ValueUnit:
        """How this plan's value reads to people."""
        return ValueUnit(self.in_pounds)

    @cached_property
    def initiatives_by_id(self) -> Mapping[str, InitiativeResult]:
        return {r.initiative_id: r for r in self.initiatives}

    @cached_property
    def constraints_by_name(self) -> Mapping[str, ConstraintResult]:
        return {c.name: c for c in self.constraints}

    def binding(self) -> list[ConstraintResult]:
        return [c for c in self.constraints if c.binding]

    def made_from(self, inputs: Inputs) -> bool:
        """Whether this plan was made from these inputs (the same fingerprint): the one
        check before a result is explained, documented, monitored or stored."""
        from commissioning.inputs.fingerprint import fingerprint

        return self.provenance.inputs_sha256 == fingerprint(inputs)

    def to_json(self) -> dict[str, Any]:
        """The result file of model.md section 4 (extended compatibly)."""
        return {
            "status": self.status,
            "objective": self.objective,
            "years": list(self.years),
            "allocations": [
                {
                    "initiative_id": a.initiative_id,
                    "stream_id": a.stream_id,
                    "year": a.year,
                    "amount": a.amount,
                }
                for a in self.allocations
            ],
            "initiatives": [
                {
                    "initiative_id": r.initiative_id,
                    "current_budget": r.current_budget,
                    "proposed": {str(y): v for y, v in r.proposed.items()},
                    "decision": r.decision,
                    "value_per_pound": r.value_per_pound,
                    "opportunity_cost": None
                    if r.opportunity_cost is None
                    else {str(y): v for y, v in r.opportunity_cost.items()},
                    "benefit_cost_ratio": r.benefit_cost_ratio,
                }
                for r in self.initiatives
            ],
            "constraints": [
                {
                    "name": c.name,
                    "family": c.family,
                    "slack": c.slack,
                    "binding": c.binding,
                    "shadow_price": c.shadow_price,
                    "bound": c.bound,
                    "sense": c.sense,
                }
                for c in self.constraints
            ],
            "diagnosis": [d.to_json() for d in self.diagnosis],
            "value_unit": self.value_unit,
            "savings": [
                {"stream_id": v.stream_id, "year": v.year, "amount": v.amount} for v in self.savings
            ],
            "provenance": self.provenance.to_json(),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Result:
        """Read a result file back (for explanations and documents made later)."""
        years = tuple(int(y) for y in doc["years"])
        prov = doc["provenance"]
        return cls(
            status=doc["status"],
            objective=doc["objective"],
            years=years,
            allocations=tuple(
                Allocation(a["initiative_id"], a["stream_id"], int(a["year"]), float(a["amount"]))
                for a in doc["allocations"]
            ),
            initiatives=tuple(
                InitiativeResult(
                    r["initiative_id"],
                    float(r["current_budget"]),
                    {int(y): float(v) for y, v in r["proposed"].items()},
                    r["decision"],
                    float(r["value_per_pound"]),
                    None
                    if r.get("opportunity_cost") is None
                    else {int(y): float(v) for y, v in r["opportunity_cost"].items()},
                    None if r.get("benefit_cost_ratio") is None else float(r["benefit_cost_ratio"]),
                )
                for r in doc["initiatives"]
            ),
            constraints=tuple(_constraint_from_json(c) for c in doc["constraints"]),
            diagnosis=tuple(
                Relaxation(
                    d["name"],
                    d["family"],
                    d.get("amount"),
                    d.get("unit", "pounds"),
                    d["message"],
                    d.get("method", "elastic"),
                )
                for d in doc["diagnosis"]
            ),
            provenance=Provenance(
                inputs_sha256=prov["inputs_sha256"],
                scenario=prov["scenario"],
                solver=prov["solver"],
                solver_version=prov.get("solver_version", ""),
                version=prov["version"],
                created=prov.get("created", ""),
                problem_type=prov.get("problem_type", "LP"),
                prices=prov.get("prices", ""),
                scenario_settings=prov.get("scenario_settings", {}),
                audit_head=_audit_head(prov.get("audit_head")),
            ),
            value_unit=doc.get("value_unit", VALUE_UNITS[0]),
            savings=tuple(
                Saving(v["stream_id"], int(v["year"]), float(v["amount"]))
                for v in doc.get("savings", ())
            ),
        )


def _audit_head(value: Any) -> Mapping[str, Any] | None:
    """The audit head of a result file, when it holds a well-formed one (else None)."""
    if not isinstance(value, Mapping):
        return None
    entry, digest = value.get("entry"), value.get("hash")
    if not isinstance(entry, int) or isinstance(entry, bool) or not isinstance(digest, str):
        return None
    if len(digest) != 64 or digest.strip("0123456789abcdef"):
        return None
    return {"entry": entry, "hash": digest, "sealed": value.get("sealed") is True}


def _index_of(name: str, family: str | None = None) -> tuple[str, ...]:
    """The index parts of a rule's name; an initiative id may itself hold commas."""
    _, _, rest = name.partition("[")
    if not rest:
        return ()
    inner = rest[:-1]
    fam = FAMILIES.get(family or "")
    if fam is not None and fam.per_initiative:
        iid, _, year = inner.rpartition(",")
        return (iid, year)
    return tuple(inner.split(","))


def _constraint_from_json(c: Mapping[str, Any]) -> ConstraintResult:
    """One rule of a result file; a per-initiative rule (`growth[PAR-BUR-01,2029]`) gets its
    initiative back, so explanations made from a file find the rules holding each service."""
    index = _index_of(c["name"], c["family"])
    fam = FAMILIES.get(c["family"])
    return ConstraintResult(
        name=c["name"],
        family=c["family"],
        index=index,
        sense=c.get("sense", ""),
        bound=float(c.get("bound", 0.0)),
        slack=float(c["slack"]),
        binding=bool(c["binding"]),
        shadow_price=None if c["shadow_price"] is None else float(c["shadow_price"]),
        year=_year_of(c["name"]),
        initiative_id=index[0] if fam is not None and fam.per_initiative and index else None,
    )


def _year_of(name: str) -> int | None:
    last = _index_of(name)[-1:] or ("",)
    return int(last[0]) if last[0].isdigit() else None
