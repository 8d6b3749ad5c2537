"""Records kept against a run (providers' returns, robustness checks): the shared mechanics.

Each kind of record is a canonical JSON document in its own append-only table, linked to
the run it belongs to, fingerprinted (sha256 of the document) and kept once per run, and
written through the store's transaction and audit trail. The kinds differ only in their
columns and wording, so finding the run of a plan, keeping a record, listing and reading
one live here once, in `Kind`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from commissioning.allocator.result import Result
from commissioning.store import audit, schema
from commissioning.store.audit import canonical, sha256
from commissioning.store.errors import NotFound
from commissioning.store.store import Store, current_user

R = TypeVar("R")


def _plan_text(doc: Mapping[str, Any], *, any_time: bool) -> str:
    """A result file's canonical text without the audit head the store stamped on it (and,
    with `any_time`, without when it was made: the same plan solved again)."""
    plain = dict(doc)
    provenance = dict(plain.get("provenance") or {})
    provenance.pop("audit_head", None)
    if any_time:
        provenance.pop("created", None)
    plain["provenance"] = provenance
    return canonical(plain)


def runs_holding(store: Store, result: Result, *, any_time: bool = False) -> list[str]:
    """Every run that holds this plan, earliest first."""
    want = _plan_text(result.to_json(), any_time=any_time)
    r = schema.runs
    query = (
        select(r.c.run_id, r.c.result)
        .where(r.c.inputs_sha256 == result.provenance.inputs_sha256)
        .order_by(r.c.created_at, r.c.run_id)
    )
    with store._reading() as conn:
        return [
            str(row.run_id)
            for row in conn.execute(query)
            if _plan_text(json.loads(row.result), any_time=any_time) == want
        ]


@dataclass(frozen=True)
class Kind(Generic[R]):
    """One kind of record kept against a run: its table, the audit action that logs it,
    the record a stored row becomes, and what to say when a number names none."""

    table: Table
    action: str
    record: Callable[..., R]
    """Called with a stored row's columns, its document read back from JSON."""
    missing: str
    """The NotFound message, with {number} and {store} to fill in."""

    def read(self, row: Mapping[Any, Any]) -> R:
        """The record of a stored row."""
        values = dict(row)
        values["document"] = json.loads(values["document"])
        return self.record(**values)

    def keep(
        self,
        store: Store,
        run_id: str,
        text: str,
        actor: str | None,
        values: Callable[[Any], dict[str, Any]],
    ) -> tuple[R, bool]:
        """Keep a record (its canonical JSON `text`) against a run in one write transaction;
        (record, saved). The same document for the same run is kept once: saved is False
        the second time. `values` gives the row's own columns for the run's row found (it
        may raise to refuse the record)."""
        digest = sha256(text)
        who = actor or current_user()
        with store._writing() as conn:
            run = store._find_run(conn, run_id)
            row = self._known(conn, run.run_id, digest)
            if row is not None:
                return self.read(row), False
            columns = {
                "run_id": run.run_id,
                "sha256": digest,
                **values(run),
                "document": text,
                "created_at": audit.now(),
                "created_by": who,
            }
            seq = store._insert(conn, self.action, f"{run.run_id}/{digest[:12]}", who, columns)
            t = self.table
            return self.read(
                conn.execute(select(t).where(t.c.audit_seq == seq)).one()._mapping
            ), True

    def _known(self, conn: Connection, run_id: str, digest: str) -> Mapping[Any, Any] | None:
        t = self.table
        row = conn.execute(select(t).where(t.c.run_id == run_id, t.c.sha256 == digest)).first()
        return None if row is None else row._mapping

    def listed(self, store: Store, run_id: str | None = None) -> list[R]:
        """The records of one run (or of all), newest first."""
        query = select(self.table).order_by(self.table.c.audit_seq.desc())
        with store._reading() as conn:
            if run_id is not None:
                query = query.where(self.table.c.run_id == store._find_run(conn, run_id).run_id)
            return [self.read(row._mapping) for row in conn.execute(query)]

    def numbered(self, store: Store, number: int) -> R:
        """The record with this number; NotFound when there is none."""
        with store._reading() as conn:
            row = conn.execute(select(self.table).where(self.table.c.id == number)).first()
        if row is None:
            raise NotFound(self.missing.format(number=number, store=store.label))
        return self.read(row._mapping)
