"""A fingerprint of validated inputs, so a plan can be traced to exactly what it came from.

The hash is taken over a canonical JSON of the typed objects, not over the files: the
same tables as CSV or as a workbook, in any row order, give the same fingerprint, and any
change to a value the toolkit uses gives a different one. Left out, because they change
nothing computed: where the files were (`DataSet.source`), extra columns, and budget rows
for years outside the scenario's plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from commissioning.inputs.model import Initiative, Inputs

FORMAT = 2
"""Bumped whenever the canonical form changes, so old and new hashes never collide."""


def canonical(inputs: Inputs) -> dict[str, object]:
    """The inputs as plain, sorted JSON-ready data: the thing that is hashed."""
    data, sc = inputs.data, inputs.scenario
    years = set(sc.years)
    scenario = sc.to_dict()
    scenario["prevention_share"] = [float(x) for x in sc.prevention_share]
    scenario["lock"] = sorted(sc.lock)
    scenario["exclude"] = sorted(sc.exclude)
    scenario["outcome_value"] = {str(k): v for k, v in sorted(sc.outcome_value.items())}
    scenario["outcome_value_named"] = sorted(sc.outcome_value_named)
    scenario["budget_change"] = {s: list(c) for s, c in sorted(sc.budget_change.items())}
    return {
        "format": FORMAT,
        "districts": [
            {
                "district_id": d.district_id,
                "name": d.name,
                "locality": d.locality,
                "children": d.children,
                "need_index": float(d.need_index),
                "demand": [float(x) for x in d.demand],
            }
            for d in sorted(data.districts, key=lambda d: d.district_id)
        ],
        "funding_streams": [
            {
                "stream_id": s.stream_id,
                "name": s.name,
                "partner": s.partner,
                "ring_fenced": s.ring_fenced,
            }
            for s in sorted(data.streams, key=lambda s: s.stream_id)
        ],
        "budgets": [
            {"stream_id": b.stream_id, "year": b.year, "amount": float(b.amount)}
            for b in sorted(data.budgets, key=lambda b: (b.stream_id, b.year))
            if b.year in years
        ],
        "priorities": [
            {
                "priority_id": p.priority_id,
                "name": p.name,
                "weight": float(p.weight),
                "min_share": float(p.min_share),
            }
            for p in sorted(data.priorities, key=lambda p: p.priority_id)
        ],
        "outcomes": [
            {"outcome_id": o.outcome_id, "name": o.name}
            for o in sorted(data.outcomes, key=lambda o: o.outcome_id)
        ],
        "initiatives": [
            {
                "initiative_id": i.initiative_id,
                "name": i.name,
                "provider": i.provider,
                "sector": i.sector,
                "district_id": i.district_id,
                "level": i.level,
                "priority_id": i.priority_id,
                "outcomes": sorted(i.outcomes),
                "status": i.status,
                "current_budget": float(i.current_budget),
                "unit_cost": float(i.unit_cost),
                "effect": float(i.effect),
                "evidence_level": i.evidence_level,
                "mixed_findings": i.mixed_findings,
                "min_budget": float(i.min_budget),
                "max_budget": float(i.max_budget),
                "min_viable": float(i.min_viable),
                "contract_end": i.contract_end,
                "funding": sorted(i.funding),
            }
            for i in sorted(data.initiatives, key=lambda i: i.initiative_id)
        ],
        "costs": [
            {
                "cost_id": c.cost_id,
                "name": c.name,
                "level": c.level,
                "probability": float(c.probability),
                "annual_cost": float(c.annual_cost),
                "years": c.years,
                "lag": c.lag,
                "stream_id": c.stream_id,
                "cashable": float(c.cashable),
                "price_year": c.price_year,
                "source": c.source,
            }
            for c in sorted(data.costs, key=lambda c: c.cost_id)
        ],
        "prices": [[y, float(x)] for y, x in sorted(data.prices.items())],
        "ranges": [
            [i.initiative_id, *(_num(r) for r in _ranges(i))]
            for i in sorted(data.initiatives, key=lambda i: i.initiative_id)
            if any(r is not None for r in _ranges(i))
        ],
        "scenario": _floats(scenario),
    }


def _ranges(i: Initiative) -> tuple[float | None, ...]:
    return (i.effect_low, i.effect_high, i.unit_cost_low, i.unit_cost_high)


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


def _floats(value: object) -> object:
    """Numbers in mappings of the scenario as floats, so 1 and 1.0 hash alike."""
    if isinstance(value, Mapping):
        return {str(k): _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def fingerprint(inputs: Inputs) -> str:
    """The sha256 (hex) of the canonical JSON of the inputs."""
    text = json.dumps(
        canonical(inputs),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
