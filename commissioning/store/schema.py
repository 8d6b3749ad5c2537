"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Documents (snapshots, results, scenarios, audit details) are kept as JSON *text*, not a
JSON column type: the exact bytes are what the audit trail hashes, and PostgreSQL's jsonb
would reorder them. Times are ISO 8601 UTC text for the same reason. Every table is
append-only (migration 2 adds triggers that refuse UPDATE and DELETE).

This module describes the current schema; `migrations.py` is what creates and changes it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

APPLICATION = "commissioning-store"
"""The value of store_info.application that marks a database as ours."""

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", String(40), nullable=False),
)

store_info = Table(
    "store_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("snapshot_id", String(64), primary_key=True, comment="sha256 of the document"),
    Column("inputs_sha256", String(64), nullable=False, index=True),
    Column("format", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("audit_seq", Integer, nullable=False),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("document", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("audit_seq", Integer, nullable=False),
    UniqueConstraint("name", "version", name="uq_scenarios_name_version"),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("origin", String(20), nullable=False, comment="cli, app, ..."),
    Column("status", String(20), nullable=False),
    Column("objective", Float, nullable=True),
    Column("inputs_sha256", String(64), nullable=False, index=True),
    Column("snapshot_id", String(64), ForeignKey("snapshots.snapshot_id"), nullable=False),
    Column("scenario_name", String(200), nullable=False),
    Column("scenario_sha256", String(64), nullable=False),
    Column("solver", String(40), nullable=False),
    Column("solver_version", String(80), nullable=False),
    Column("toolkit_version", String(40), nullable=False),
    Column("build_seconds", Float, nullable=False),
    Column("solve_seconds", Float, nullable=False),
    Column("extract_seconds", Float, nullable=False),
    Column("result", Text, nullable=False),
    Column("result_sha256", String(64), nullable=False),
    Column("audit_seq", Integer, nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), ForeignKey("runs.run_id"), nullable=False, index=True),
    Column("initiative_id", String(200), nullable=False),
    Column("proposed", String(40), nullable=False),
    Column("action", String(20), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("audit_seq", Integer, nullable=False),
    CheckConstraint("action IN ('accept', 'override')", name="ck_decisions_action"),
)


def _kept_against_run(name: str, fingerprint_of: str, *own: Column[Any]) -> Table:
    """A table of records kept against a run (store/attached.py keeps, lists and reads
    them): each a canonical JSON document, fingerprinted, kept once per run, audit-logged;
    `own` are the kind's own columns."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("run_id", String(40), ForeignKey("runs.run_id"), nullable=False, index=True),
        Column("sha256", String(64), nullable=False, comment=f"fingerprint of {fingerprint_of}"),
        *own,
        Column("document", Text, nullable=False),
        Column("created_at", String(40), nullable=False),
        Column("created_by", String(200), nullable=False),
        Column("audit_seq", Integer, nullable=False),
        UniqueConstraint("run_id", "sha256", name=f"uq_{name}_run_sha256"),
    )


provider_returns = _kept_against_run(
    "provider_returns",
    "the returns",
    Column("source", String(400), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("first_quarter", String(8), nullable=False),
    Column("last_quarter", String(8), nullable=False),
)
"""Providers' quarterly returns, each set linked to the run whose plan it reports on."""

robustness_checks = _kept_against_run(
    "robustness_checks",
    "the check",
    Column("draws", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("infeasible", Integer, nullable=False),
    Column("fragile", Integer, nullable=False, comment="decisions holding in under 80%"),
    Column("origin", String(20), nullable=False, comment="cli, app, ..."),
)
"""Robustness checks (the robustness file's document), each linked to the run whose plan
it checks."""

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    CheckConstraint("id = 1", name="ck_audit_head_single_row"),
)
"""One row: the last entry's number and hash. Every write transaction locks it first, which
serialises writers on PostgreSQL (SQLite's BEGIN IMMEDIATE does the same) and lets
`verify` notice entries cut from the end of the log."""

APPEND_ONLY = (
    "snapshots",
    "scenarios",
    "runs",
    "decisions",
    "audit_log",
    "provider_returns",
    "robustness_checks",
)
"""Tables whose rows are never changed or removed once written."""
