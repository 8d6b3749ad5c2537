"""Where plans are kept: data snapshots, named scenarios, runs, decisions and the audit log.

One SQLite file by default (nothing to set up), or a shared PostgreSQL database named by a
URL. Every write is one transaction holding the store's write lock (SQLite: BEGIN
IMMEDIATE with a busy timeout, in WAL mode; PostgreSQL: the audit head row locked FOR
UPDATE), and writes its record together with the audit entry that logs it, so concurrent
writers lose nothing and a failed write leaves nothing behind.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace as dataclass_replace
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from commissioning import __version__
from commissioning.allocator.result import Result
from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.model import Inputs, Scenario
from commissioning.inputs.snapshot import from_snapshot, to_snapshot
from commissioning.store import audit, migrations, schema
from commissioning.store.audit import AuditEntry, Verification, canonical, sha256
from commissioning.store.engine import (
    BUSY_TIMEOUT,
    SQLITE_HEADER,
    STORE_FILE,
    _check_exists,
    _check_sqlite_file,
    _create_sqlite_whole,
    _engine,
    _ensure_wal,
    _store_error,
    default_path,
    display_url,
    resolve_url,
)
from commissioning.store.errors import NotAStore, NotFound, StoreError
from commissioning.store.records import (
    TABLE_KEYS,
    DecisionRecord,
    Reproduction,
    RunRecord,
    RunSummary,
    ScenarioRecord,
    compare_data,
    compare_results,
    current_user,
    plain,
)

__all__ = [
    "ACTIONS",
    "BUSY_TIMEOUT",
    "SQLITE_HEADER",
    "STORE_FILE",
    "TABLE_KEYS",
    "Action",
    "DecisionRecord",
    "Reproduction",
    "RunRecord",
    "RunSummary",
    "ScenarioRecord",
    "Store",
    "_engine",
    "_ensure_wal",
    "close_stores",
    "compare_data",
    "compare_results",
    "current_user",
    "default_path",
    "display_url",
    "open_store",
    "plain",
    "resolve_url",
]

_MIGRATION_LOCK = 7_436_102_411
"""PostgreSQL advisory lock key held while a store's schema is checked and migrated."""

Action = Literal["accept", "override"]
ACTIONS: tuple[Action, ...] = ("accept", "override")


class Store:
    """One open store. Thread-safe; open one per process (`open_store` caches them)."""

    def __init__(self, engine: Engine, url: str, key: bytes | None = None):
        self.engine = engine
        self.url = url
        self.key = key
        """The audit key (COMMISSIONING_AUDIT_KEY) new entries are sealed with, if any."""

    @property
    def label(self) -> str:
        return display_url(self.url)

    @classmethod
    def open(
        cls, database: str | None = None, actor: str | None = None, *, create: bool = True
    ) -> Store:
        """Open (creating or migrating as needed) the store at `database` (see resolve_url).

        With `create=False` (the read-only commands and pages) a store that does not exist
        yet, or an empty database, is an error rather than a new store: a mistyped path must
        not look like an intact, empty trail. Raises NotAStore, without writing anything,
        for a file or database that is not a commissioning store, and StoreError when it
        cannot be reached.
        """
        url = resolve_url(database)
        key = audit.configured_key()
        if not create:
            _check_exists(url)
        else:
            _create_sqlite_whole(url, actor or current_user(), key)
        engine = _engine(url)
        store = cls(engine, url, key)
        try:
            store._prepare(actor or current_user(), create)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    # ----------------------------------------------------------------- writes

    def record_allocation(
        self, inputs: Inputs, result: Result, *, origin: str = "cli", actor: str | None = None
    ) -> str:
        """Keep a plan (optimal or infeasible) with the inputs it came from; its run id."""
        return self.issue(inputs, result, origin=origin, actor=actor)[0]

    def issue(
        self,
        inputs: Inputs,
        result: Result,
        *,
        origin: str = "cli",
        actor: str | None = None,
        inputs_sha256: str | None = None,
    ) -> tuple[str, Result]:
        """Keep a plan as a run; (its run id, the result as kept and to be issued).

        The result kept carries, in its provenance, the audit trail's head at the moment it
        was stored (`audit_head`: entry number and hash), so the result file and the
        documents made from it show a head that a trail rewritten later no longer holds.
        The snapshot is stored once per distinct inputs; the run, its snapshot and their
        audit entries are written in one transaction, or not at all. `inputs_sha256`: the
        inputs' fingerprint when the caller has just taken it (taken here otherwise; the
        workbench keeps a run after every slider move).
        """
        actor = actor or current_user()
        fp = fingerprint(inputs) if inputs_sha256 is None else inputs_sha256
        if result.provenance.inputs_sha256 != fp:  # `made_from`, fingerprinted once
            raise StoreError(
                "the result was not made from these inputs (fingerprints "
                f"{result.provenance.inputs_sha256[:12]} and {fp[:12]} differ)"
            )
        snapshot = to_snapshot(inputs)
        document = canonical(snapshot)
        # The same tables read from another folder are the same snapshot: the key leaves
        # out where they came from (the document kept is the first one stored).
        snapshot_id = sha256(canonical({**snapshot, "source": ""}))
        timings = result.timings
        with self._writing() as conn:
            seq, last = audit.head(conn)
            result = dataclass_replace(
                result,
                provenance=dataclass_replace(
                    result.provenance,
                    audit_head={"entry": seq, "hash": last, "sealed": self.key is not None},
                ),
            )
            result_text = canonical(result.to_json())
            known = conn.execute(
                select(schema.snapshots.c.snapshot_id).where(
                    schema.snapshots.c.snapshot_id == snapshot_id
                )
            ).first()
            if known is None:
                self._insert(
                    conn,
                    "snapshot",
                    snapshot_id[:12],
                    actor,
                    {
                        "snapshot_id": snapshot_id,
                        "inputs_sha256": fp,
                        "format": int(snapshot["format"]),
                        "document": document,
                        "created_at": audit.now(),
                    },
                )
            run_id = _new_run_id()
            self._insert(
                conn,
                "run",
                run_id,
                actor,
                {
                    "run_id": run_id,
                    "created_at": audit.now(),
                    "created_by": actor,
                    "origin": origin,
                    "status": result.status,
                    "objective": result.objective,
                    "inputs_sha256": fp,
                    "snapshot_id": snapshot_id,
                    "scenario_name": inputs.scenario.name,
                    "scenario_sha256": sha256(canonical(plain(inputs.scenario.to_dict()))),
                    "solver": result.provenance.solver,
                    "solver_version": result.provenance.solver_version,
                    "toolkit_version": result.provenance.version or __version__,
                    "build_seconds": float(timings.build),
                    "solve_seconds": float(timings.solve),
                    "extract_seconds": float(timings.extract),
                    "result": result_text,
                    "result_sha256": sha256(result_text),
                },
            )
        return run_id, result

    def save_scenario(
        self,
        scenario: Mapping[str, Any] | Scenario,
        *,
        name: str | None = None,
        actor: str | None = None,
    ) -> tuple[ScenarioRecord, bool]:
        """Save a scenario under its name (or `name`) as a new version; (record, saved).

        Saving what the latest version already holds saves nothing (saved is False).
        """
        actor = actor or current_user()
        doc = plain(scenario.to_dict() if isinstance(scenario, Scenario) else scenario)
        if not isinstance(doc, dict):
            raise StoreError("a scenario must be a mapping of keys to values")
        chosen = name if name is not None else doc.get("name")
        if not isinstance(chosen, str) or not chosen.strip():
            raise StoreError(
                "a scenario needs a name: give it a 'name' key, or a name to save it under"
            )
        chosen = chosen.strip()
        doc["name"] = chosen
        document = canonical(doc)
        digest = sha256(document)
        t = schema.scenarios
        with self._writing() as conn:
            latest = conn.execute(
                select(t).where(t.c.name == chosen).order_by(t.c.version.desc()).limit(1)
            ).first()
            if latest is not None and latest.sha256 == digest:
                return self._scenario_record(conn, latest._mapping), False
            version = 1 if latest is None else latest.version + 1
            created_at = audit.now()
            values = {
                "name": chosen,
                "version": version,
                "sha256": digest,
                "document": document,
                "created_at": created_at,
                "created_by": actor,
            }
            self._insert(conn, "scenario", f"{chosen} v{version}", actor, values)
            return ScenarioRecord(chosen, version, digest, doc, created_at, actor, version), True

    def record_decision(
        self,
        run_id: str,
        initiative_id: str,
        action: Action,
        by: str,
        reason: str,
    ) -> DecisionRecord:
        """A commissioner accepts or overrides the plan's proposal for one initiative.

        Decisions are never edited: a later one on the same proposal supersedes it, and
        both stay on the record.
        """
        if action not in ACTIONS:
            raise StoreError(f"the action must be accept or override, not {action!r}")
        by, reason = (by or "").strip(), (reason or "").strip()
        if not by:
            raise StoreError("say who made the decision (--by NAME)")
        if not reason:
            raise StoreError("give the reason for the decision (--reason TEXT)")
        with self._writing() as conn:
            run = self._find_run(conn, run_id)
            proposals = {
                str(r["initiative_id"]): str(r["decision"])
                for r in json.loads(run.result).get("initiatives", [])
            }
            if initiative_id not in proposals:
                raise NotFound(f"run {run.run_id} has no proposal for initiative {initiative_id!r}")
            values = {
                "run_id": run.run_id,
                "initiative_id": initiative_id,
                "proposed": proposals[initiative_id],
                "action": action,
                "decided_by": by,
                "reason": reason,
                "decided_at": audit.now(),
            }
            seq = self._insert(conn, "decision", f"{run.run_id}/{initiative_id}", by, values)
            new_id = conn.execute(
                select(schema.decisions.c.id).where(schema.decisions.c.audit_seq == seq)
            ).scalar_one()
        return DecisionRecord(id=int(new_id), **values)

    # ----------------------------------------------------------------- reads

    def list_runs(self, limit: int | None = None) -> list[RunSummary]:
        """Runs, newest first."""
        r = schema.runs
        query = select(
            r.c.run_id,
            r.c.created_at,
            r.c.created_by,
            r.c.origin,
            r.c.status,
            r.c.objective,
            r.c.inputs_sha256,
            r.c.scenario_name,
            r.c.solver,
            (r.c.build_seconds + r.c.solve_seconds + r.c.extract_seconds).label("seconds"),
        ).order_by(r.c.created_at.desc(), r.c.run_id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._reading() as conn:
            return [RunSummary(**row._mapping) for row in conn.execute(query)]

    def get_run(self, run_id: str) -> RunRecord:
        """A run by its id, or by a prefix of it that names one run only."""
        with self._reading() as conn:
            row = self._find_run(conn, run_id)
        values = dict(row._mapping)
        document = json.loads(values.pop("result"))
        seconds = values["build_seconds"] + values["solve_seconds"] + values["extract_seconds"]
        return RunRecord(document=document, seconds=seconds, **values)

    def run_inputs(self, run_id: str) -> Inputs:
        """The inputs a run was solved from, rebuilt from its snapshot (no files needed)."""
        run = self.get_run(run_id)
        with self._reading() as conn:
            document = conn.execute(
                select(schema.snapshots.c.document).where(
                    schema.snapshots.c.snapshot_id == run.snapshot_id
                )
            ).scalar()
        if document is None:
            raise NotFound(f"the data snapshot of run {run.run_id} is missing from the store")
        return from_snapshot(json.loads(document))

    def reproduce(self, run_id: str, solver: str | None = None) -> Reproduction:
        """Solve a stored run again from its snapshot and say exactly what differs, if anything.

        Same means: the same status, the objective within a relative 1e-6, and the same
        decision for every initiative (and, when infeasible, the same rules to relax).
        The outcome is logged in the audit trail.
        """
        from commissioning.allocator import SOLVERS, InfeasiblePlan, allocate

        run = self.get_run(run_id)
        inputs = self.run_inputs(run.run_id)
        name = solver or run.solver
        if name not in SOLVERS:
            raise StoreError(
                f"run {run.run_id} was solved with {name!r}, which this toolkit "
                f"cannot run; choose one of {', '.join(SOLVERS)}"
            )
        differences: list[str] = []
        fp = fingerprint(inputs)
        if fp != run.inputs_sha256:
            differences.append(
                f"the rebuilt inputs have fingerprint {fp[:12]}, not the run's "
                f"{run.inputs_sha256[:12]}"
            )
        try:
            again = allocate(inputs, name)
        except InfeasiblePlan as exc:
            again = exc.result
        stored = run.result
        differences.extend(compare_results(stored, again))
        outcome = Reproduction(
            run_id=run.run_id,
            solver=name,
            stored_status=stored.status,
            status=again.status,
            stored_objective=stored.objective,
            objective=again.objective,
            initiatives=len(stored.initiatives),
            differences=tuple(differences),
        )
        with self._writing() as conn:
            audit.append(
                conn,
                "reproduce",
                run.run_id,
                {
                    "solver": name,
                    "same": outcome.same,
                    "objective": again.objective,
                    "differences": list(outcome.differences[:20]),
                },
                current_user(),
                self.key,
            )
        return outcome

    def list_scenarios(self) -> list[ScenarioRecord]:
        """The latest version of each named scenario, by name."""
        t = schema.scenarios
        latest = (
            select(t.c.name, func.max(t.c.version).label("version")).group_by(t.c.name).subquery()
        )
        query = (
            select(t)
            .join(latest, (t.c.name == latest.c.name) & (t.c.version == latest.c.version))
            .order_by(t.c.name)
        )
        with self._reading() as conn:
            return [
                ScenarioRecord(
                    name=row.name,
                    version=row.version,
                    sha256=row.sha256,
                    document=json.loads(row.document),
                    created_at=row.created_at,
                    created_by=row.created_by,
                    versions=row.version,
                )
                for row in conn.execute(query)
            ]

    def get_scenario(self, name: str, version: int | None = None) -> ScenarioRecord:
        """A saved scenario: its latest version, or the one asked for."""
        t = schema.scenarios
        query = select(t).where(t.c.name == name)
        query = (
            query.where(t.c.version == version)
            if version is not None
            else query.order_by(t.c.version.desc()).limit(1)
        )
        with self._reading() as conn:
            row = conn.execute(query).first()
            if row is None:
                known = "" if version is None else f" version {version}"
                raise NotFound(f"no scenario named {name!r}{known} in {self.label}")
            return self._scenario_record(conn, row._mapping)

    def scenario_versions(self, name: str) -> list[ScenarioRecord]:
        t = schema.scenarios
        with self._reading() as conn:
            rows = conn.execute(select(t).where(t.c.name == name).order_by(t.c.version)).all()
        return [
            ScenarioRecord(
                r.name,
                r.version,
                r.sha256,
                json.loads(r.document),
                r.created_at,
                r.created_by,
                len(rows),
            )
            for r in rows
        ]

    def list_decisions(self, run_id: str | None = None) -> list[DecisionRecord]:
        """Decisions in the order they were made, for one run or all."""
        t = schema.decisions
        query = select(t).order_by(t.c.audit_seq)
        with self._reading() as conn:
            if run_id is not None:
                query = query.where(t.c.run_id == self._find_run(conn, run_id).run_id)
            return [
                DecisionRecord(
                    id=r.id,
                    run_id=r.run_id,
                    initiative_id=r.initiative_id,
                    proposed=r.proposed,
                    action=r.action,
                    decided_by=r.decided_by,
                    reason=r.reason,
                    decided_at=r.decided_at,
                )
                for r in conn.execute(query)
            ]

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """Audit entries, newest first."""
        t = schema.audit_log
        query = select(t).order_by(t.c.seq.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._reading() as conn:
            return [audit.entry_of(row) for row in conn.execute(query)]

    def head(self) -> tuple[int, str]:
        """The audit trail's last entry number and hash, as the store recorded them."""
        with self._reading() as conn:
            return audit.head(conn)

    def verify(self, expect: str | None = None) -> Verification:
        """Check the audit chain (with the audit key, when set) and every record against it,
        and the SQLite file itself; `expect` is a head printed earlier that must be in it."""
        with self._reading() as conn:
            checked = audit.verify(conn, self.key, expect)
            if self.engine.dialect.name == "sqlite":
                problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check")]
                if problems != ["ok"]:
                    damaged = audit.Finding(
                        None, "the database file is damaged: " + "; ".join(problems[:5])
                    )
                    checked = dataclass_replace(checked, findings=(*checked.findings, damaged))
        return checked

    # ----------------------------------------------------------------- internals

    def _insert(
        self, conn: Connection, action: str, subject: str, actor: str, values: dict[str, Any]
    ) -> int:
        """Insert a record and the audit entry that logs it (whose number it keeps)."""
        table = audit.RECORD_TABLES[action]
        entry = audit.append(
            conn, action, subject, {"row": audit.row_digest(table, values)}, actor, self.key
        )
        conn.execute(table.insert().values(**values, audit_seq=entry.seq))
        return entry.seq

    def _find_run(self, conn: Connection, run_id: str) -> Any:
        r = schema.runs
        run_id = run_id.strip()
        row = conn.execute(select(r).where(r.c.run_id == run_id)).first()
        if row is not None:
            return row
        if run_id:
            like = run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = conn.execute(select(r).where(r.c.run_id.like(like, escape="\\")).limit(2)).all()
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                raise NotFound(f"{run_id!r} names more than one run: give more of the id")
        raise NotFound(f"no run {run_id!r} in {self.label} (commissioning runs list shows them)")

    def _scenario_record(self, conn: Connection, row: Mapping[Any, Any]) -> ScenarioRecord:
        count = conn.execute(
            select(func.count()).where(schema.scenarios.c.name == row["name"])
        ).scalar_one()
        return ScenarioRecord(
            row["name"],
            row["version"],
            row["sha256"],
            json.loads(row["document"]),
            row["created_at"],
            row["created_by"],
            int(count),
        )

    def _prepare(self, actor: str, create: bool = True) -> None:
        """Refuse anything that is not a store; create (if allowed) or migrate it; turn on
        WAL (SQLite)."""
        sqlite = self.engine.dialect.name == "sqlite"
        if sqlite:
            _check_sqlite_file(self.engine.url)
        try:
            # A read first: a foreign or damaged database is refused before any write.
            with self._reading() as conn:
                version = migrations.current_version(conn)
            if version == 0 and not create:
                raise StoreError(
                    f"there is no commissioning store at {self.label} yet: the database is "
                    "empty (one is created when the first plan is stored; if one was "
                    "expected, check the store's URL)"
                )
            if version < migrations.LATEST:
                with self.engine.begin() as conn:
                    if not sqlite:
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                        )
                    migrations.migrate(conn, actor, key=self.key)
            if sqlite and self.engine.url.database not in (None, "", ":memory:"):
                with self.engine.connect() as conn:
                    raw = conn.connection.dbapi_connection
                    assert raw is not None
                    _ensure_wal(raw, self.label)
        except NotAStore as exc:
            raise NotAStore(
                f"{self.label} is not a commissioning store: {exc}. It has not been changed."
            ) from None
        except DBAPIError as exc:
            raise _store_error(self.label, exc, opening=True) from None

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction holding the store's write lock, committed or rolled back whole."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    select(schema.audit_head.c.seq)
                    .where(schema.audit_head.c.id == 1)
                    .with_for_update()
                ).one()
                yield conn
        except DBAPIError as exc:
            raise _store_error(self.label, exc) from None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One read transaction (a consistent view; on SQLite it does not block writers)."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(commissioning_read=True)
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            raise _store_error(self.label, exc) from None


def _new_run_id() -> str:
    """Sortable by time, readable, and unique across processes (48 random bits)."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


_OPEN: dict[str, Store] = {}
_OPEN_LOCK = threading.Lock()


def open_store(database: str | None = None, *, create: bool = True) -> Store:
    """The store at `database` (else $DATABASE_URL, else the default file), opened once per
    process and URL, so the app does not reconnect on every rerun. `create=False` for a
    read: a store that does not exist is an error, and is not created."""
    url = resolve_url(database)
    with _OPEN_LOCK:
        store = _OPEN.get(url)
        if store is None:
            store = _OPEN[url] = Store.open(url, create=create)
        return store


def close_stores() -> None:
    """Close every store `open_store` opened (tests, and before forking)."""
    with _OPEN_LOCK:
        for store in _OPEN.values():
            store.close()
        _OPEN.clear()
