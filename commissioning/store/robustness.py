"""Robustness checks in the store: each fingerprinted, linked to its run, audit-logged.

A check is kept as the canonical JSON of its robustness file (`Robustness.to_json`), so an
auditor reading a decision's stability later reads exactly what the board was shown; the
fingerprint is the sha256 of that text, and the same check of the same run is kept once
(the same seed and draws on the same inputs give the same check on any cluster). Kept
apart from `store.py`, as the returns are: it uses the store's write transaction and
audit machinery and adds nothing to them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from commissioning.allocator.result import Result
from commissioning.robustness.summary import Robustness
from commissioning.store import audit, schema
from commissioning.store.audit import canonical, sha256
from commissioning.store.errors import NotFound, StoreError
from commissioning.store.store import Store, current_user


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


def _plan_text(doc: Mapping[str, Any]) -> str:
    """A result file's canonical text without what differs between two solves of the same
    plan: when it was made, and the audit head the store stamped on it."""
    plain = dict(doc)
    provenance = dict(plain.get("provenance") or {})
    provenance.pop("audit_head", None)
    provenance.pop("created", None)
    plain["provenance"] = provenance
    return canonical(plain)


def runs_of_plan(store: Store, plan: Result) -> list[str]:
    """Every run that holds this plan, made at whatever time, earliest first: a check solves
    the plan again, and the same inputs give the same plan, which is the run it belongs to."""
    want = _plan_text(plan.to_json())
    r = schema.runs
    query = (
        select(r.c.run_id, r.c.result)
        .where(r.c.inputs_sha256 == plan.provenance.inputs_sha256)
        .order_by(r.c.created_at, r.c.run_id)
    )
    with store._reading() as conn:
        return [
            str(row.run_id)
            for row in conn.execute(query)
            if _plan_text(json.loads(row.result)) == want
        ]


def run_of_plan(store: Store, plan: Result) -> str | None:
    """The earliest run that holds this plan (the run a check of it is kept with)."""
    runs = runs_of_plan(store, plan)
    return runs[0] if runs else None


def latest_check_of_plan(store: Store, plan: Result) -> CheckRecord | None:
    """The newest check kept with any run of this plan (the app and the command line each
    keep the plan they make as a run of their own)."""
    runs = runs_of_plan(store, plan)
    if not runs:
        return None
    t = schema.robustness_checks
    query = select(t).where(t.c.run_id.in_(runs)).order_by(t.c.audit_seq.desc()).limit(1)
    with store._reading() as conn:
        row = conn.execute(query).first()
    return None if row is None else _record(row._mapping)


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
    actor = actor or current_user()
    doc = check.to_json()
    text = canonical(doc)
    digest = sha256(text)
    t = schema.robustness_checks
    with store._writing() as conn:
        run = store._find_run(conn, run_id)
        if run.inputs_sha256 != check.inputs_sha256:
            raise StoreError(
                f"the robustness check was not made from the data of run {run.run_id} "
                f"(fingerprints {check.inputs_sha256[:12]} and {run.inputs_sha256[:12]} differ)"
            )
        known = conn.execute(
            select(t).where(t.c.run_id == run.run_id, t.c.sha256 == digest)
        ).first()
        if known is not None:
            return _record(known._mapping), False
        values = {
            "run_id": run.run_id,
            "sha256": digest,
            "draws": check.draws,
            "seed": check.seed,
            "infeasible": check.infeasible,
            "fragile": sum(s.fragile for s in check.initiatives),
            "origin": origin[:20],
            "document": text,
            "created_at": audit.now(),
            "created_by": actor,
        }
        seq = store._insert(conn, "robustness", f"{run.run_id}/{digest[:12]}", actor, values)
        row = conn.execute(select(t).where(t.c.audit_seq == seq)).one()
        return _record(row._mapping), True


def list_checks(store: Store, run_id: str | None = None) -> list[CheckRecord]:
    """Stored robustness checks, newest first, for one run or all."""
    t = schema.robustness_checks
    query = select(t).order_by(t.c.audit_seq.desc())
    with store._reading() as conn:
        if run_id is not None:
            query = query.where(t.c.run_id == store._find_run(conn, run_id).run_id)
        return [_record(row._mapping) for row in conn.execute(query)]


def latest_check(store: Store, run_id: str) -> CheckRecord | None:
    """The newest robustness check of a run, if it has one."""
    checks = list_checks(store, run_id)
    return checks[0] if checks else None


def get_check(store: Store, check_id: int) -> CheckRecord:
    t = schema.robustness_checks
    with store._reading() as conn:
        row = conn.execute(select(t).where(t.c.id == check_id)).first()
    if row is None:
        raise NotFound(
            f"no robustness check number {check_id} in {store.label} "
            "(commissioning robustness-checks list shows them)"
        )
    return _record(row._mapping)


def _record(row: Mapping[Any, Any]) -> CheckRecord:
    values = dict(row)
    values["document"] = json.loads(values["document"])
    return CheckRecord(**values)
