"""The records a store gives back (runs, scenarios, decisions, reproductions) and the
comparisons that say, in words, how a re-solved plan or a data folder differs from a run's.
"""

from __future__ import annotations

import getpass
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from typing import Any

from commissioning.allocator.result import Result
from commissioning.inputs.model import DataSet, Inputs
from commissioning.store.errors import StoreError


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    created_at: str
    created_by: str
    origin: str
    status: str
    objective: float | None
    inputs_sha256: str
    scenario_name: str
    solver: str
    seconds: float


@dataclass(frozen=True)
class RunRecord(RunSummary):
    snapshot_id: str
    scenario_sha256: str
    solver_version: str
    toolkit_version: str
    build_seconds: float
    solve_seconds: float
    extract_seconds: float
    document: Mapping[str, Any]
    """The full result file (model.md section 4) as stored."""
    result_sha256: str
    audit_seq: int

    @property
    def result(self) -> Result:
        return Result.from_json(self.document)

    @property
    def provenance(self) -> Mapping[str, Any]:
        prov = self.document.get("provenance", {})
        return prov if isinstance(prov, Mapping) else {}


@dataclass(frozen=True)
class ScenarioRecord:
    name: str
    version: int
    sha256: str
    document: Mapping[str, Any]
    """The scenario in the YAML file's vocabulary: give it to `inputs.with_scenario`."""
    created_at: str
    created_by: str
    versions: int
    """How many versions of this name there are."""


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    run_id: str
    initiative_id: str
    proposed: str
    action: str
    decided_by: str
    reason: str
    decided_at: str


@dataclass(frozen=True)
class Reproduction:
    """A stored run solved again from its snapshot: whether it came out the same."""

    run_id: str
    solver: str
    stored_status: str
    status: str
    stored_objective: float | None
    objective: float | None
    initiatives: int
    differences: tuple[str, ...]

    @property
    def same(self) -> bool:
        return not self.differences


# --------------------------------------------------------------------------- the store


# --------------------------------------------------------------------------- comparing


def compare_results(stored: Result, again: Result, rel: float = 1e-6) -> list[str]:
    """Every way a re-solved plan differs from a stored one, in words (empty: the same)."""
    out: list[str] = []
    if stored.status != again.status:
        out.append(f"status: stored {stored.status}, now {again.status}")
    a, b = stored.objective, again.objective
    if (a is None) != (b is None):
        out.append(f"objective: stored {a}, now {b}")
    elif a is not None and b is not None and not math.isclose(a, b, rel_tol=rel, abs_tol=1e-9):
        gap = abs(a - b) / max(abs(a), abs(b), 1e-300)
        out.append(
            f"objective: stored {a!r}, now {b!r} (relative difference {gap:.2e}, more than {rel:g})"
        )
    old = {r.initiative_id: r.decision for r in stored.initiatives}
    new = {r.initiative_id: r.decision for r in again.initiatives}
    for iid in sorted(set(old) | set(new)):
        if iid not in new:
            out.append(f"initiative {iid}: in the stored plan ({old[iid]}), not in the new one")
        elif iid not in old:
            out.append(f"initiative {iid}: in the new plan ({new[iid]}), not in the stored one")
        elif old[iid] != new[iid]:
            out.append(f"initiative {iid}: stored decision {old[iid]}, now {new[iid]}")
    if stored.status == again.status == "infeasible":
        was = sorted(d.name for d in stored.diagnosis)
        now_ = sorted(d.name for d in again.diagnosis)
        if was != now_:
            out.append(
                f"diagnosis: stored {', '.join(was) or 'none'}; now {', '.join(now_) or 'none'}"
            )
    return out


TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "districts": ("district_id",),
    "funding_streams": ("stream_id",),
    "budgets": ("stream_id", "year"),
    "priorities": ("priority_id",),
    "outcomes": ("outcome_id",),
    "initiatives": ("initiative_id",),
}
"""Each input table, and the columns that name one of its rows."""


def compare_data(stored: Inputs, data: DataSet) -> list[str]:
    """Each table of `data` that differs from the data a run was made from, in words, with
    the rows added, removed or changed (empty: the same data, as the fingerprint sees it:
    row order, extra columns and budgets of years outside the plan do not count)."""
    from commissioning.inputs.fingerprint import canonical as canonical_inputs

    was = canonical_inputs(stored)
    now_ = canonical_inputs(dataclass_replace(stored, data=data))
    out: list[str] = []
    for table, key in TABLE_KEYS.items():
        old = {tuple(r[k] for k in key): r for r in was[table]}  # type: ignore[attr-defined]
        new = {tuple(r[k] for k in key): r for r in now_[table]}  # type: ignore[attr-defined]
        if old == new:
            continue
        parts = []
        for word, ids in (
            ("added", [k for k in new if k not in old]),
            ("removed", [k for k in old if k not in new]),
            ("changed", [k for k in new if k in old and new[k] != old[k]]),
        ):
            if ids:
                names = ", ".join("/".join(str(p) for p in k) for k in ids[:5])
                more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
                parts.append(
                    f"{len(ids)} {'row' if len(ids) == 1 else 'rows'} {word} ({names}{more})"
                )
        out.append(f"{table}: " + "; ".join(parts))
    return out


# --------------------------------------------------------------------------- helpers


def current_user() -> str:
    """Who is acting: $COMMISSIONING_USER, else the login name."""
    name = os.environ.get("COMMISSIONING_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def plain(value: Any) -> Any:
    """A YAML-ish value as plain JSON data (text keys); anything else is refused."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StoreError(f"{value} cannot be stored: numbers must be finite")
        return value
    raise StoreError(f"{value!r} ({type(value).__name__}) cannot be stored in a scenario")
