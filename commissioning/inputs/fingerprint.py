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

from commissioning.inputs.model import Inputs
from commissioning.inputs.schema import SCHEMA, Column, Table

FORMAT = 2
"""Bumped whenever the canonical form changes, so old and new hashes never collide."""


def canonical(inputs: Inputs) -> dict[str, object]:
    """The inputs as plain, sorted JSON-ready data: the thing that is hashed.

    Each table the schema fingerprints is listed by its key, with the columns the schema
    marks; the columns it marks as ranges are listed apart (format 2 added them so, and
    data without ranges kept its fingerprint).
    """
    data, sc = inputs.data, inputs.scenario
    years = set(sc.years)
    scenario = sc.to_dict()
    scenario["prevention_share"] = [float(x) for x in sc.prevention_share]
    scenario["lock"] = sorted(sc.lock)
    scenario["exclude"] = sorted(sc.exclude)
    scenario["outcome_value"] = {str(k): v for k, v in sorted(sc.outcome_value.items())}
    scenario["outcome_value_named"] = sorted(sc.outcome_value_named)
    scenario["budget_change"] = {s: list(c) for s, c in sorted(sc.budget_change.items())}
    out: dict[str, object] = {"format": FORMAT}
    ranges: list[list[object]] = []
    for table in SCHEMA.values():
        if not table.fingerprinted:
            continue
        held = getattr(data, table.dataset)
        if table.mapping:
            out[table.name] = [[k, float(v)] for k, v in sorted(held.items())]
            continue
        rows = sorted(held, key=lambda o, t=table: _key(t, o))  # type: ignore[misc]
        if table.name == "budgets":  # rows of years outside the plan change nothing
            rows = [b for b in rows if b.year in years]
        out[table.name] = [_record(table, o, "yes") for o in rows]
        apart = table.group("ranges")
        for o in rows if apart else ():
            values = [_canonical(c, getattr(o, c.field)) for c in apart]
            if any(v is not None for v in values):
                ranges.append([*_key(table, o), *values])
    out["ranges"] = ranges
    out["scenario"] = _floats(scenario)
    return out


def _key(table: Table, obj: object) -> tuple[object, ...]:
    return tuple(getattr(obj, table.column(name).field) for name in table.key)


def _record(table: Table, obj: object, which: str) -> dict[str, object]:
    """The fingerprinted fields of one object (a tuple field once, as a list)."""
    out: dict[str, object] = {}
    for column in table.columns:
        if column.fingerprint == which and column.field not in out:
            out[column.field] = _canonical(column, getattr(obj, column.field))
    return out


def _canonical(column: Column, value: object) -> object:
    """A value in the form that is hashed: numbers as floats, lists of ids sorted."""
    if value is None:
        return None
    if column.kind == "ids":
        return sorted(str(v) for v in value)  # type: ignore[attr-defined]
    if column.part is not None:
        return [float(v) for v in value]  # type: ignore[attr-defined]
    if column.kind == "number":
        return float(value)  # type: ignore[arg-type]
    return value


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
