"""Robustness checks in the store: each fingerprinted, linked to its run, audit-logged.

A check is kept as the canonical JSON of its robustness file (`Robustness.to_json`), so an
auditor reading a decision's stability later reads exactly what the board was shown; the
fingerprint is the sha256 of that text, and the same check of the same run is kept once
(the same seed and draws on the same inputs give the same check on any cluster). Kept
apart from `store.py`, as the returns are: it uses the store's write transaction and
audit machinery and adds nothing to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from commissioning.allocator.result import Result
from commissioning.robustness.summary import Robustness
from commissioning.store import attached, schema
from commissioning.store.audit import canonical
from commissioning.store.errors import StoreError
from commissioning.store.store import Store


@dataclass(frozen=True)
class CheckRecord:
    """One stored robustness check."""

    id: int
    run_id: str
    sha256: str
    draws: int
    seed: int
    infeasible: int
    fragile: int
    origin: str
    created_at: str
    created_by: str
    audit_seq: int
    document: Mapping[str, Any]
    """The robustness file, as `commissioning robustness --out` writes it."""

    def robustness(self) -> Robustness:
        """The stored check, to show or put in documents again."""
        return Robustness.from_json(self.document)


_CHECKS = attached.Kind(
    schema.robustness_checks,
    "robustness",
    CheckRecord,
    "no robustness check number {number} in {store} "
    "(commissioning robustness-checks list shows them)",
)


def runs_of_plan(store: Store, plan: Result) -> list[str]:
    """Every run that holds this plan, made at whatever time, earliest first: a check solves
    the plan again, and the same inputs give the same plan, which is the run it belongs to."""
    return attached.runs_holding(store, plan, any_time=True)


def run_of_plan(store: Store, plan: Result) -> str | None:
    """The earliest run that holds this plan (the run a check of it is kept with)."""
    runs = runs_of_plan(store, plan)
    return runs[0] if runs else None


def latest_check_of_plan(store: Store, plan: Result) -> CheckRecord | None:
    """The newest check kept with any run of this plan (the app and the command line each
    keep the plan they make as a run of their own)."""
    t, r = schema.robustness_checks, schema.runs
    # Most plans have no check: asked on every move of the workbench's sliders, say so from
    # the index before reading and comparing the text of every run of these inputs.
    any_check = (
        select(t.c.id)
        .join(r, r.c.run_id == t.c.run_id)
        .where(r.c.inputs_sha256 == plan.provenance.inputs_sha256)
        .limit(1)
    )
    with store._reading() as conn:
        if conn.execute(any_check).first() is None:
            return None
    runs = runs_of_plan(store, plan)
    if not runs:
        return None
    query = select(t).where(t.c.run_id.in_(runs)).order_by(t.c.audit_seq.desc()).limit(1)
    with store._reading() as conn:
        row = conn.execute(query).first()
    return None if row is None else _CHECKS.read(row._mapping)


def record_check(
    store: Store,
    run_id: str,
    check: Robustness,
    *,
    origin: str = "cli",
    actor: str | None = None,
) -> tuple[CheckRecord, bool]:
    """Keep a robustness check against the run whose plan it checks; (record, saved). The
    same check of the same run is kept once (saved is False the second time). Raises
    StoreError when the check was made from other inputs than the run's plan."""

    def values(run: Any) -> dict[str, Any]:
        if run.inputs_sha256 != check.inputs_sha256:
            raise StoreError(
                f"the robustness check was not made from the data of run {run.run_id} "
                f"(fingerprints {check.inputs_sha256[:12]} and {run.inputs_sha256[:12]} differ)"
            )
        return {
            "draws": check.draws,
            "seed": check.seed,
            "infeasible": check.infeasible,
            "fragile": sum(s.fragile for s in check.initiatives),
            "origin": origin[:20],
        }

    return _CHECKS.keep(store, run_id, canonical(check.to_json()), actor, values)


def list_checks(store: Store, run_id: str | None = None) -> list[CheckRecord]:
    """Stored robustness checks, newest first, for one run or all."""
    return _CHECKS.listed(store, run_id)


def latest_check(store: Store, run_id: str) -> CheckRecord | None:
    """The newest robustness check of a run, if it has one."""
    checks = list_checks(store, run_id)
    return checks[0] if checks else None


def get_check(store: Store, check_id: int) -> CheckRecord:
    return _CHECKS.numbered(store, check_id)
