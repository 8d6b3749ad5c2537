"""Saved scenarios, run history, decisions on proposals and a tamper-evident audit trail.

This layer sits after the core: it imports `inputs` and `allocator`, and they never import
it. The functions below are what the command line and the app call; each opens the store
named by `database`, else $DATABASE_URL, else the default SQLite file (see docs/store.md),
once per process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from commissioning.store.errors import NotAStore, NotFound, StoreError

if TYPE_CHECKING:
    from commissioning.allocator.result import Result
    from commissioning.inputs.model import Inputs, Scenario
    from commissioning.store.audit import AuditEntry, Finding, Verification
    from commissioning.store.store import (
        ACTIONS,
        Action,
        DecisionRecord,
        Reproduction,
        RunRecord,
        RunSummary,
        ScenarioRecord,
        Store,
        close_stores,
        default_path,
        open_store,
        resolve_url,
    )

_LAZY = {
    "AuditEntry": "audit",
    "Finding": "audit",
    "Verification": "audit",
    **dict.fromkeys(
        (
            "ACTIONS",
            "Action",
            "DecisionRecord",
            "Reproduction",
            "RunRecord",
            "RunSummary",
            "ScenarioRecord",
            "Store",
            "close_stores",
            "default_path",
            "open_store",
            "resolve_url",
        ),
        "store",
    ),
}


def __getattr__(name: str) -> Any:
    """Load SQLAlchemy only when the store is used, not whenever the command line starts."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def _open(database: str | None, create: bool = False) -> Store:
    """The store, opened once per process; only the writes that start a history (a plan, a
    scenario) may create it: everything else needs it to exist (a mistyped store is not an
    empty, intact one)."""
    from commissioning.store.store import open_store

    return open_store(database, create=create)


def record_allocation(
    inputs: Inputs,
    result: Result,
    *,
    database: str | None = None,
    origin: str = "cli",
    actor: str | None = None,
) -> str:
    """Store a plan (optimal or infeasible) and its inputs as a run; the run id."""
    return _open(database, create=True).record_allocation(
        inputs, result, origin=origin, actor=actor
    )


def save_scenario(
    scenario: Mapping[str, Any] | Scenario,
    *,
    name: str | None = None,
    actor: str | None = None,
    database: str | None = None,
) -> tuple[ScenarioRecord, bool]:
    """Save a scenario as the next version of its name; (record, whether anything changed)."""
    return _open(database, create=True).save_scenario(scenario, name=name, actor=actor)


def load_scenario(
    name: str, version: int | None = None, *, database: str | None = None
) -> ScenarioRecord:
    """A saved scenario (latest version unless asked); `.document` goes to with_scenario."""
    return _open(database).get_scenario(name, version)


def list_scenarios(*, database: str | None = None) -> list[ScenarioRecord]:
    return _open(database).list_scenarios()


def list_runs(limit: int | None = None, *, database: str | None = None) -> list[RunSummary]:
    return _open(database).list_runs(limit)


def get_run(run_id: str, *, database: str | None = None) -> RunRecord:
    return _open(database).get_run(run_id)


def record_decision(
    run_id: str,
    initiative_id: str,
    action: Action,
    by: str,
    reason: str,
    *,
    database: str | None = None,
) -> DecisionRecord:
    """A commissioner accepts or overrides one proposal of a stored run."""
    return _open(database).record_decision(run_id, initiative_id, action, by, reason)


def list_decisions(
    run_id: str | None = None, *, database: str | None = None
) -> list[DecisionRecord]:
    return _open(database).list_decisions(run_id)


def read_audit_log(limit: int | None = None, *, database: str | None = None) -> list[AuditEntry]:
    """Audit entries, newest first."""
    return _open(database).audit_log(limit)


def verify_audit(*, database: str | None = None, expect: str | None = None) -> Verification:
    """Check the audit trail (with the audit key when set; `expect`: a head issued earlier)."""
    return _open(database).verify(expect)


def reproduce_run(
    run_id: str, solver: str | None = None, *, database: str | None = None
) -> Reproduction:
    """Re-solve a stored run from its snapshot; `.same`, or `.differences` in words."""
    return _open(database).reproduce(run_id, solver)


__all__ = [
    "ACTIONS",
    "Action",
    "AuditEntry",
    "DecisionRecord",
    "Finding",
    "NotAStore",
    "NotFound",
    "Reproduction",
    "RunRecord",
    "RunSummary",
    "ScenarioRecord",
    "Store",
    "StoreError",
    "Verification",
    "close_stores",
    "default_path",
    "get_run",
    "list_decisions",
    "list_runs",
    "list_scenarios",
    "load_scenario",
    "open_store",
    "read_audit_log",
    "record_allocation",
    "record_decision",
    "reproduce_run",
    "resolve_url",
    "save_scenario",
    "verify_audit",
]
