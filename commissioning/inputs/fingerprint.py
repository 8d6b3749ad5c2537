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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from commissioning.inputs.model import DataSet, Inputs
from commissioning.inputs.schema import SCHEMA, Column, Table

FORMAT = 2
"""Bumped whenever the canonical form changes, so old and new hashes never collide."""


def canonical(inputs: Inputs) -> dict[str, object]:
    """The inputs as plain, sorted JSON-ready data: the thing that is hashed.

    Each table the schema fingerprints is listed by its key, with the columns the schema
    marks; the columns it marks as ranges are listed apart (format 2 added them so, and
    data without ranges kept its fingerprint).
    """
    return {**_data_part(inputs.data, inputs.scenario.years), "scenario": _scenario_part(inputs)}


def _scenario_part(inputs: Inputs) -> object:
    sc = inputs.scenario
    scenario = sc.to_dict()
    scenario["prevention_share"] = [float(x) for x in sc.prevention_share]
    scenario["lock"] = sorted(sc.lock)
    scenario["exclude"] = sorted(sc.exclude)
    scenario["outcome_value"] = {str(k): v for k, v in sorted(sc.outcome_value.items())}
    scenario["outcome_value_named"] = sorted(sc.outcome_value_named)
    scenario["budget_change"] = {s: list(c) for s, c in sorted(sc.budget_change.items())}
    return _floats(scenario)


def _data_part(data: DataSet, plan_years: tuple[int, ...]) -> dict[str, object]:
    """Everything `canonical` holds but the scenario: the tables (budgets of the plan's
    years only) and the ranges."""
    years = set(plan_years)
    out: dict[str, object] = {"format": FORMAT}
    ranges: list[list[object]] = []
    for table in SCHEMA.values():
        if not table.fingerprinted:
            continue
        held = getattr(data, table.dataset)
        if table.mapping:
            out[table.name] = [[k, float(v)] for k, v in sorted(held.items())]
            continue
        plan = _plan(table)
        rows = sorted(held, key=plan.key)
        if table.name == "budgets":  # rows of years outside the plan change nothing
            rows = [b for b in rows if b.year in years]
        out[table.name] = [plan.record(o) for o in rows]
        for o in rows if plan.apart else ():
            values = [convert(getattr(o, field)) for field, convert in plan.apart]
            if any(v is not None for v in values):
                ranges.append([*plan.key(o), *values])
    out["ranges"] = ranges
    return out


Convert = Callable[[Any], object]


@dataclass(frozen=True)
class _TablePlan:
    """What the canonical form reads of one table's objects, worked out once per table:
    a region's data has about 2,000 rows of a dozen fields each, and looking each column
    up in the schema again for every row was most of the fingerprint's time."""

    key: Callable[[Any], tuple[object, ...]]
    fields: tuple[tuple[str, Convert], ...]
    apart: tuple[tuple[str, Convert], ...]

    def record(self, obj: object) -> dict[str, object]:
        """The fingerprinted fields of one object (a tuple field once, as a list)."""
        return {
            field: None if (value := getattr(obj, field)) is None else convert(value)
            for field, convert in self.fields
        }


@cache
def _plan(table: Table) -> _TablePlan:
    fields: dict[str, Convert] = {}
    for column in table.columns:
        if column.fingerprint == "yes" and column.field not in fields:
            fields[column.field] = _converter(column)
    names = tuple(table.column(name).field for name in table.key)
    return _TablePlan(
        key=lambda obj: tuple(getattr(obj, n) for n in names),
        fields=tuple(fields.items()),
        apart=tuple((c.field, _optional(_converter(c))) for c in table.group("ranges")),
    )


def _converter(column: Column) -> Convert:
    """How a value of the column is hashed: numbers as floats, lists of ids sorted
    (None, for no value, is kept as None by the caller)."""
    if column.kind == "ids":
        return lambda value: sorted(str(v) for v in value)
    if column.part is not None:
        return lambda value: [float(v) for v in value]
    if column.kind == "number":
        return float
    return _same


def _same(value: object) -> object:
    return value


def _optional(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def _floats(value: object) -> object:
    """Numbers in mappings of the scenario as floats, so 1 and 1.0 hash alike."""
    if isinstance(value, Mapping):
        return {str(k): _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _json(value: object) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


_DATA_TEXTS: list[tuple[DataSet, tuple[int, ...], dict[str, str]]] = []
"""The JSON of `_data_part` of the last few data sets fingerprinted, each held (so that
`is` is a safe test of sameness: a data set is frozen). A warm re-plan after a slider
move fingerprints the same data with another scenario: at region scale the data's part
was two fifths of a warm re-plan."""
_DATA_TEXTS_KEPT = 4


def _data_texts(data: DataSet, years: tuple[int, ...]) -> dict[str, str]:
    """Each key of `_data_part` with its value's JSON, remembered for the same data set."""
    for held, held_years, texts in list(_DATA_TEXTS):
        if held is data and held_years == years:
            return texts
    texts = {k: _json(v) for k, v in _data_part(data, years).items()}
    _DATA_TEXTS[:] = [(data, years, texts), *_DATA_TEXTS[: _DATA_TEXTS_KEPT - 1]]
    return texts


def fingerprint(inputs: Inputs) -> str:
    """The sha256 (hex) of the canonical JSON of the inputs, keys sorted, no spaces.

    Written as the JSON of `canonical(inputs)` would be, key by key, so that the data's
    part is serialised once per data set (tests/inputs/test_fingerprint.py compares)."""
    texts = {**_data_texts(inputs.data, inputs.scenario.years)}
    texts["scenario"] = _json(_scenario_part(inputs))
    text = "{" + ",".join(f"{_json(k)}:{texts[k]}" for k in sorted(texts)) + "}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
