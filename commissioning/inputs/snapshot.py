"""Validated inputs as plain JSON data and back, so a stored plan can be re-solved later.

Unlike the fingerprint's canonical form, a snapshot keeps everything, in the order it was
read: where the tables came from, extra columns, budget rows of every year, spreadsheet
rows and warnings. `from_snapshot(to_snapshot(x)) == x`, and the rebuilt inputs have the
same fingerprint, without the original files. Nothing here validates again: a snapshot is
only ever made from inputs that were already valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from commissioning.inputs.model import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_UNCERTAINTY,
    DataSet,
    Inputs,
    Problem,
    Scenario,
    frozen_map,
)
from commissioning.inputs.schema import SCHEMA, Column, Table

FORMAT = 2
"""Bumped whenever the layout changes; `from_snapshot` refuses formats it does not know."""
READABLE = (1, 2)
"""Format 1 (model version 2) has no cost library, ranges or version-3 scenario keys.
A table or column the schema marks optional may be absent from any format (indicators,
say, came later): it takes its default, so no format bump is needed for one."""


class SnapshotError(ValueError):
    """A document that is not a snapshot this version can read."""


def to_snapshot(inputs: Inputs) -> dict[str, Any]:
    """The inputs as JSON-ready data (dicts, lists, str, int, float, bool, None)."""
    data, sc = inputs.data, inputs.scenario
    doc: dict[str, Any] = {"format": FORMAT, "source": data.source}
    for table in SCHEMA.values():
        held = getattr(data, table.dataset)
        if table.mapping:
            doc[table.name] = [[k, v] for k, v in held.items()]
        else:
            doc[table.name] = [_record(table, o) for o in held]
    return doc | {
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
    tables: dict[str, Any] = {}
    for table in SCHEMA.values():
        records = doc.get(table.name, ()) if table.optional else doc[table.name]
        if table.mapping:
            key, value = table.columns
            tables[table.dataset] = frozen_map(
                {_value(key, k): _value(value, v) for k, v in records}
            )
        else:
            tables[table.dataset] = tuple(_object(table, r) for r in records)
    data = DataSet(**tables, source=str(doc["source"]))
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


def _record(table: Table, obj: Any) -> dict[str, Any]:
    """One object as JSON-ready data: every column's field (a tuple field once, as a
    list), and its row and extra columns when the table keeps them."""
    out: dict[str, Any] = {}
    for column in table.columns:
        value = getattr(obj, column.field)
        out[column.field] = list(value) if isinstance(value, tuple) else value
    if table.keeps_extra:
        out["extra"] = dict(obj.extra)
    if table.keeps_row:
        out["row"] = obj.row
    return out


def _object(table: Table, record: Mapping[str, Any]) -> Any:
    """The typed object of one snapshot record. A field an older format did not have
    (ranges, say) takes its column's default; a required one missing is damage."""
    fields: dict[str, Any] = {}
    for column in table.columns:
        if column.field in fields:
            continue
        if column.part is not None:
            n = sum(1 for c in table.columns if c.field == column.field)
            fields[column.field] = _floats(record[column.field], n)
        elif column.field in record:
            fields[column.field] = _value(column, record[column.field])
        elif column.required:
            raise KeyError(column.field)
        else:
            fields[column.field] = column.default
    if table.keeps_extra:
        fields["extra"] = frozen_map({str(k): str(v) for k, v in record["extra"].items()})
    if table.keeps_row:
        fields["row"] = _int_or_none(record.get("row"))
    return table.model(**fields)


def _value(column: Column, value: Any) -> Any:
    """A JSON value as the column's kind holds it."""
    if value is None:
        return None
    if column.kind == "integer":
        return int(value)
    if column.kind == "number":
        return float(value)
    if column.kind == "boolean":
        return bool(value)
    if column.kind == "ids":
        return tuple(value)
    return value


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
