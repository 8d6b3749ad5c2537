"""Hypothesis strategies for valid data folders, reusable by any layer's tests.

`valid_folders()` draws small tables that satisfy every rule of model.md section 1 and a
scenario valid for them; `write_folder` writes them as a data folder. Values are written
in the varied ways people type them (booleans as yes/No/1, levels in any case, ids with
leading zeros), since the reader must accept all of those.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

Tables = dict[str, list[dict[str, str]]]

START_YEAR = 2027
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "districts": (
        "district_id",
        "name",
        "locality",
        "children",
        "need_index",
        "demand_1",
        "demand_2",
        "demand_3",
        "demand_4",
    ),
    "funding_streams": ("stream_id", "name", "partner", "ring_fenced"),
    "budgets": ("stream_id", "year", "amount"),
    "priorities": ("priority_id", "name", "weight", "min_share"),
    "outcomes": ("outcome_id", "name"),
    "initiatives": (
        "initiative_id",
        "name",
        "provider",
        "sector",
        "district_id",
        "level",
        "priority_id",
        "outcomes",
        "status",
        "current_budget",
        "unit_cost",
        "effect",
        "evidence_level",
        "mixed_findings",
        "min_budget",
        "max_budget",
        "min_viable",
        "contract_end",
        "funding",
        "notes",
    ),
}

_TRUE = ("true", "TRUE", "yes", "Yes", "1")
_FALSE = ("false", "False", "no", "NO", "0", "")
_LEVELS = ("4", "3", "2", "NL2", "nl2", "NE", "ne")
_SECTORS = ("council", "health", "police", "schools", "voluntary", "private", "Council")

_code = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ", min_size=2, max_size=4)
_name = st.text(alphabet="abcdefghij klmnop,'&-", min_size=1, max_size=12).map(
    lambda s: s.strip() or "x"
)


def _ids(prefix: str, n: int) -> st.SearchStrategy[list[str]]:
    return st.lists(_code, min_size=n, max_size=n, unique=True).map(
        lambda codes: [f"{prefix}{c}" for c in codes]
    )


def _decimal(x: float) -> str:
    """A share or index as people type it (a workbook keeps only 15 significant digits)."""
    return repr(round(x, 6))


def _money(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@st.composite
def _initiative(
    draw: st.DrawFn,
    iid: str,
    districts: Sequence[str],
    priorities: Sequence[str],
    outcomes: Sequence[str],
    streams: Sequence[str],
) -> dict[str, str]:
    status = draw(st.sampled_from(("existing", "candidate", "Existing")))
    max_budget = draw(_money(1_000, 500_000))
    min_viable = draw(st.sampled_from((0, 0, draw(_money(0, max_budget)))))
    min_budget = draw(st.sampled_from((0, 0, draw(_money(min_viable, max_budget)))))
    current = 0
    if status.lower() == "existing":
        current = draw(st.sampled_from((0, draw(_money(max(min_viable, 1), max_budget)))))
    if current > 0:
        # a running service's floor must be reachable within one year's growth
        min_budget = min(min_budget, current)
    return {
        "initiative_id": iid,
        "name": draw(_name),
        "provider": draw(_name),
        "sector": draw(st.sampled_from(_SECTORS)),
        "district_id": draw(st.sampled_from([*districts, "COUNTY"])),
        "level": str(draw(st.integers(1, 4))),
        "priority_id": draw(st.sampled_from(priorities)),
        "outcomes": ";".join(
            draw(st.lists(st.sampled_from(outcomes), min_size=1, max_size=3, unique=True))
        ),
        "status": status,
        "current_budget": str(current),
        "unit_cost": str(draw(st.integers(1, 20_000))),
        "effect": _decimal(draw(st.floats(0.01, 1.0))),
        "evidence_level": draw(st.sampled_from(_LEVELS)),
        "mixed_findings": draw(st.sampled_from(_TRUE + _FALSE)),
        "min_budget": draw(
            st.sampled_from((str(min_budget), "" if min_budget == 0 else str(min_budget)))
        ),
        "max_budget": f"{max_budget:,}" if draw(st.booleans()) else str(max_budget),
        "min_viable": str(min_viable),
        "contract_end": draw(st.sampled_from(("", "2026", "2027", "2028", "2030"))),
        "funding": ";".join(
            draw(st.lists(st.sampled_from(streams), min_size=1, max_size=3, unique=True))
        ),
        "notes": draw(st.sampled_from(("", "kept", "n/a"))),
    }


@st.composite
def valid_folders(draw: st.DrawFn) -> tuple[Tables, dict[str, Any]]:
    """Small valid tables and a scenario valid for them."""
    districts = draw(_ids("D", draw(st.integers(1, 4))))
    streams = draw(_ids("S", draw(st.integers(1, 3))))
    priorities = draw(_ids("P", draw(st.integers(1, 3))))
    outcomes = draw(_ids("O", draw(st.integers(1, 3))))
    n = draw(st.integers(1, 8))
    numbers = draw(st.lists(st.integers(1, 9999), min_size=n, max_size=n, unique=True))
    # Ids that look like numbers, some with leading zeros, stay text.
    iids = [f"{k:04d}" if k % 3 == 0 else str(k) for k in numbers]
    horizon = draw(st.integers(1, 3))
    years = list(range(START_YEAR, START_YEAR + horizon))

    tables: Tables = {
        "districts": [
            {
                "district_id": d,
                "name": draw(_name),
                "locality": draw(st.sampled_from(("North", "South", "East"))),
                "children": str(draw(st.integers(1, 100_000))),
                "need_index": _decimal(draw(st.floats(0.1, 3.0))),
                **{f"demand_{lvl}": str(draw(st.integers(0, 5_000))) for lvl in (1, 2, 3, 4)},
            }
            for d in districts
        ],
        "funding_streams": [
            {
                "stream_id": s,
                "name": draw(_name),
                "partner": draw(st.sampled_from(("Council", "NHS", "Police"))),
                "ring_fenced": draw(st.sampled_from(_TRUE + _FALSE)),
            }
            for s in streams
        ],
        "budgets": [
            {"stream_id": s, "year": str(y), "amount": str(draw(st.integers(0, 5_000_000)))}
            for s in streams
            for y in [*years, *([START_YEAR - 1] if draw(st.booleans()) else [])]
        ],
        "priorities": [
            {
                "priority_id": p,
                "name": draw(_name),
                "weight": _decimal(draw(st.floats(0.1, 5.0))),
                "min_share": _decimal(draw(st.floats(0.0, 0.3))),
            }
            for p in priorities
        ],
        "outcomes": [{"outcome_id": o, "name": draw(_name)} for o in outcomes],
        "initiatives": [
            draw(_initiative(i, districts, priorities, outcomes, streams)) for i in iids
        ],
    }
    draw(st.randoms()).shuffle(tables["initiatives"])

    protected = {
        r["initiative_id"] for r in tables["initiatives"] if r["min_budget"] not in ("", "0")
    }
    lock = draw(st.lists(st.sampled_from(iids), max_size=2, unique=True))
    free = [i for i in iids if i not in lock and i not in protected]
    exclude = draw(st.lists(st.sampled_from(free), max_size=2, unique=True)) if free else []
    share: object = draw(st.floats(0.0, 0.9))
    if draw(st.booleans()):
        share = [draw(st.floats(0.0, 0.9)) for _ in years]
    scenario: dict[str, Any] = {
        "name": "Generated",
        "start_year": START_YEAR,
        "horizon": horizon,
        "prevention_share": share,
        "district_floor": draw(st.floats(0.0, 1.0)),
        "outcome_value": {
            draw(st.sampled_from((1, "2", 3))): draw(
                st.one_of(st.just(0.0), st.floats(0.001, 10.0))
            )
        },
        "priority_weights": {draw(st.sampled_from(priorities)): draw(st.floats(0.1, 3.0))},
        # YAML writes a digit-only id without a leading zero as a number, as people do.
        "lock": [_yaml_id(i) for i in lock],
        "exclude": [_yaml_id(i) for i in exclude],
    }
    return tables, scenario


def _yaml_id(iid: str) -> int | str:
    return int(iid) if iid.isdigit() and not iid.startswith("0") else iid


def valid_tables() -> st.SearchStrategy[Tables]:
    """Valid tables alone (their budgets cover 2027 onwards; see `scenario_for`)."""
    return valid_folders().map(lambda folder: folder[0])


def scenario_for(tables: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, Any]:
    """The plainest scenario valid for `tables`: every budget year from 2027 planned."""
    years = {int(r["year"]) for r in tables["budgets"] if int(r["year"]) >= START_YEAR}
    return {"name": "Plain", "start_year": START_YEAR, "horizon": len(years)}


def write_folder(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    path: Path,
    scenario: Mapping[str, Any] | None = None,
) -> Path:
    """Write tables as CSV files (and scenario.yaml) into `path`, creating it."""
    path.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(COLUMNS.get(name, ())) or list(rows[0])
        with (path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    chosen = scenario if scenario is not None else scenario_for(tables)
    (path / "scenario.yaml").write_text(yaml.safe_dump(dict(chosen), sort_keys=False))
    return path
