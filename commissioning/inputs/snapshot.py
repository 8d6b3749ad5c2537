"""Validated inputs as plain JSON data and back, so a stored plan can be re-solved later.

Unlike the fingerprint's canonical form, a snapshot keeps everything, in the order it was
read: where the tables came from, extra columns, budget rows of every year, spreadsheet
rows and warnings. `from_snapshot(to_snapshot(x)) == x`, and the rebuilt inputs have the
same fingerprint, without the original files. Nothing here validates again: a snapshot is
only ever made from inputs that were already valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from commissioning.inputs.model import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_UNCERTAINTY,
    Budget,
    Cost,
    DataSet,
    District,
    FundingStream,
    Initiative,
    Inputs,
    Outcome,
    Priority,
    Problem,
    Scenario,
    Status,
    frozen_map,
)

FORMAT = 2
"""Bumped whenever the layout changes; `from_snapshot` refuses formats it does not know."""
READABLE = (1, 2)
"""Format 1 (model version 2) has no cost library, ranges or version-3 scenario keys."""


class SnapshotError(ValueError):
    """A document that is not a snapshot this version can read."""


def to_snapshot(inputs: Inputs) -> dict[str, Any]:
    """The inputs as JSON-ready data (dicts, lists, str, int, float, bool, None)."""
    data, sc = inputs.data, inputs.scenario
    return {
        "format": FORMAT,
        "source": data.source,
        "districts": [
            {
                "district_id": d.district_id,
                "name": d.name,
                "locality": d.locality,
                "children": d.children,
                "need_index": d.need_index,
                "demand": list(d.demand),
            }
            for d in data.districts
        ],
        "funding_streams": [
            {
                "stream_id": s.stream_id,
                "name": s.name,
                "partner": s.partner,
                "ring_fenced": s.ring_fenced,
            }
            for s in data.streams
        ],
        "budgets": [
            {"stream_id": b.stream_id, "year": b.year, "amount": b.amount, "row": b.row}
            for b in data.budgets
        ],
        "priorities": [
            {
                "priority_id": p.priority_id,
                "name": p.name,
                "weight": p.weight,
                "min_share": p.min_share,
            }
            for p in data.priorities
        ],
        "outcomes": [{"outcome_id": o.outcome_id, "name": o.name} for o in data.outcomes],
        "initiatives": [
            {
                "initiative_id": i.initiative_id,
                "name": i.name,
                "provider": i.provider,
                "sector": i.sector,
                "district_id": i.district_id,
                "level": i.level,
                "priority_id": i.priority_id,
                "outcomes": list(i.outcomes),
                "status": i.status,
                "current_budget": i.current_budget,
                "unit_cost": i.unit_cost,
                "effect": i.effect,
                "evidence_level": i.evidence_level,
                "mixed_findings": i.mixed_findings,
                "min_budget": i.min_budget,
                "max_budget": i.max_budget,
                "min_viable": i.min_viable,
                "contract_end": i.contract_end,
                "funding": list(i.funding),
                "extra": dict(i.extra),
                "effect_low": i.effect_low,
                "effect_high": i.effect_high,
                "unit_cost_low": i.unit_cost_low,
                "unit_cost_high": i.unit_cost_high,
                "row": i.row,
            }
            for i in data.initiatives
        ],
        "costs": [
            {
                "cost_id": c.cost_id,
                "name": c.name,
                "level": c.level,
                "probability": c.probability,
                "annual_cost": c.annual_cost,
                "years": c.years,
                "lag": c.lag,
                "stream_id": c.stream_id,
                "cashable": c.cashable,
                "price_year": c.price_year,
                "source": c.source,
            }
            for c in data.costs
        ],
        "prices": [[y, x] for y, x in data.prices.items()],
        "scenario": {
            "name": sc.name,
            "description": sc.description,
            "start_year": sc.start_year,
            "horizon": sc.horizon,
            # Always the full list, and every mapping as pairs: JSON object keys are text,
            # and the outcome levels are integers.
            "prevention_share": list(sc.prevention_share),
            "max_growth": sc.max_growth,
            "ramp": sc.ramp,
            "district_floor": sc.district_floor,
            "evidence_multiplier": [[k, v] for k, v in sc.evidence_multiplier.items()],
            "mixed_findings_factor": sc.mixed_findings_factor,
            "outcome_value": [[k, v] for k, v in sc.outcome_value.items()],
            "priority_weights": [[k, v] for k, v in sc.priority_weights.items()],
            "lock": list(sc.lock),
            "exclude": list(sc.exclude),
            "outcome_value_named": list(sc.outcome_value_named),
            "discount_rate": sc.discount_rate,
            "reinvest": sc.reinvest,
            "uncertainty": [[k, v] for k, v in sc.uncertainty.items()],
            "unit_cost_uncertainty": sc.unit_cost_uncertainty,
            "budget_change": [[k, list(v)] for k, v in sc.budget_change.items()],
        },
        "warnings": [
            {
                "file": w.file,
                "message": w.message,
                "row": w.row,
                "column": w.column,
                "value": w.value,
                "severity": w.severity,
                "sheet": w.sheet,
            }
            for w in inputs.warnings
        ],
    }


def from_snapshot(doc: Mapping[str, Any]) -> Inputs:
    """The inputs a snapshot was made from, equal to the originals."""
    fmt = doc.get("format") if isinstance(doc, Mapping) else None
    if fmt not in READABLE:
        raise SnapshotError(f"not a snapshot of format {FORMAT} (format: {fmt!r})")
    try:
        return _inputs(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"the snapshot is incomplete or damaged: {exc!r}") from exc


def _inputs(doc: Mapping[str, Any]) -> Inputs:
    data = DataSet(
        districts=tuple(
            District(
                district_id=d["district_id"],
                name=d["name"],
                locality=d["locality"],
                children=int(d["children"]),
                need_index=float(d["need_index"]),
                demand=cast(tuple[float, float, float, float], _floats(d["demand"], 4)),
            )
            for d in doc["districts"]
        ),
        streams=tuple(
            FundingStream(s["stream_id"], s["name"], s["partner"], bool(s["ring_fenced"]))
            for s in doc["funding_streams"]
        ),
        budgets=tuple(
            Budget(b["stream_id"], int(b["year"]), float(b["amount"]), _int_or_none(b["row"]))
            for b in doc["budgets"]
        ),
        priorities=tuple(
            Priority(p["priority_id"], p["name"], float(p["weight"]), float(p["min_share"]))
            for p in doc["priorities"]
        ),
        outcomes=tuple(Outcome(o["outcome_id"], o["name"]) for o in doc["outcomes"]),
        initiatives=tuple(_initiative(i) for i in doc["initiatives"]),
        source=str(doc["source"]),
        costs=tuple(
            Cost(
                cost_id=c["cost_id"],
                name=c["name"],
                level=int(c["level"]),
                probability=float(c["probability"]),
                annual_cost=float(c["annual_cost"]),
                years=int(c["years"]),
                lag=int(c["lag"]),
                stream_id=c["stream_id"],
                cashable=float(c["cashable"]),
                price_year=int(c["price_year"]),
                source=c["source"],
            )
            for c in doc.get("costs", ())
        ),
        prices=frozen_map({int(y): float(x) for y, x in doc.get("prices", ())}),
    )
    return Inputs(
        data=data,
        scenario=_scenario(doc["scenario"]),
        warnings=tuple(
            Problem(
                file=w["file"],
                message=w["message"],
                row=_int_or_none(w["row"]),
                column=w["column"],
                value=w["value"],
                severity=w["severity"],
                sheet=w["sheet"],
            )
            for w in doc["warnings"]
        ),
    )


def _initiative(i: Mapping[str, Any]) -> Initiative:
    return Initiative(
        initiative_id=i["initiative_id"],
        name=i["name"],
        provider=i["provider"],
        sector=i["sector"],
        district_id=i["district_id"],
        level=int(i["level"]),
        priority_id=i["priority_id"],
        outcomes=tuple(i["outcomes"]),
        status=cast(Status, i["status"]),
        current_budget=float(i["current_budget"]),
        unit_cost=float(i["unit_cost"]),
        effect=float(i["effect"]),
        evidence_level=i["evidence_level"],
        mixed_findings=bool(i["mixed_findings"]),
        min_budget=float(i["min_budget"]),
        max_budget=float(i["max_budget"]),
        min_viable=float(i["min_viable"]),
        contract_end=_int_or_none(i["contract_end"]),
        funding=tuple(i["funding"]),
        extra=frozen_map({str(k): str(v) for k, v in i["extra"].items()}),
        effect_low=_float_or_none(i.get("effect_low")),
        effect_high=_float_or_none(i.get("effect_high")),
        unit_cost_low=_float_or_none(i.get("unit_cost_low")),
        unit_cost_high=_float_or_none(i.get("unit_cost_high")),
        row=_int_or_none(i.get("row")),
    )


def _scenario(s: Mapping[str, Any]) -> Scenario:
    return Scenario(
        name=s["name"],
        description=s["description"],
        start_year=int(s["start_year"]),
        horizon=int(s["horizon"]),
        prevention_share=_floats(s["prevention_share"]),
        max_growth=float(s["max_growth"]),
        ramp=float(s["ramp"]),
        district_floor=float(s["district_floor"]),
        evidence_multiplier=frozen_map({str(k): float(v) for k, v in s["evidence_multiplier"]}),
        mixed_findings_factor=float(s["mixed_findings_factor"]),
        outcome_value=frozen_map({int(k): float(v) for k, v in s["outcome_value"]}),
        priority_weights=frozen_map({str(k): float(v) for k, v in s["priority_weights"]}),
        lock=tuple(str(x) for x in s["lock"]),
        exclude=tuple(str(x) for x in s["exclude"]),
        # A format-1 snapshot named every level (version 2 had no cost library to defer to).
        outcome_value_named=tuple(
            int(k) for k in s.get("outcome_value_named", [k for k, _ in s["outcome_value"]])
        ),
        discount_rate=float(s.get("discount_rate", DEFAULT_DISCOUNT_RATE)),
        reinvest=float(s.get("reinvest", 0.0)),
        uncertainty=frozen_map(
            {str(k): float(v) for k, v in s.get("uncertainty", DEFAULT_UNCERTAINTY.items())}
        ),
        unit_cost_uncertainty=float(s.get("unit_cost_uncertainty", 0.1)),
        budget_change=frozen_map({str(k): _floats(v) for k, v in s.get("budget_change", ())}),
    )


def _floats(values: Sequence[Any], n: int | None = None) -> tuple[float, ...]:
    out = tuple(float(v) for v in values)
    if n is not None and len(out) != n:
        raise ValueError(f"expected {n} numbers, got {len(out)}")
    return out


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
