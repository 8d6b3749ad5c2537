"""Providers' returns in the store: each set fingerprinted, linked to its run, audit-logged.

A set of returns is kept as a canonical JSON document of its rows (sorted by service, year
and quarter), so the same returns for the same run are kept once however the file was
laid out; the fingerprint is the sha256 of that document. Kept apart from `store.py`: it
uses the store's write transaction and audit machinery and adds nothing to them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from commissioning.allocator.result import Result
from commissioning.inputs.returns import Return, Returns
from commissioning.store import audit, schema
from commissioning.store.audit import canonical, sha256
from commissioning.store.errors import NotFound
from commissioning.store.store import Store, current_user

_FIELDS = ("initiative_id", "year", "quarter", "spend", "participants", "outcomes_achieved")


@dataclass(frozen=True)
class ReturnsRecord:
    """One stored set of returns."""

    id: int
    run_id: str
    sha256: str
    source: str
    rows: int
    first_quarter: str
    last_quarter: str
    created_at: str
    created_by: str
    audit_seq: int
    document: Sequence[Mapping[str, Any]]
    """The returns, one mapping per row, in the returns file's vocabulary."""

    def returns(self) -> Returns:
        """The stored returns, to score again against the run's plan."""
        return Returns(
            tuple(
                Return(
                    str(r["initiative_id"]),
                    int(r["year"]),
                    int(r["quarter"]),
                    float(r["spend"]),
                    int(r["participants"]),
                    int(r["outcomes_achieved"]),
                    str(r.get("notes", "")),
                )
                for r in self.document
            ),
            file=self.source,
        )


def document(returns: Returns) -> list[dict[str, Any]]:
    """The rows as plain data, in a fixed order: what is stored and fingerprinted."""
    rows = [
        {
            "initiative_id": r.initiative_id,
            "year": r.year,
            "quarter": r.quarter,
            "spend": float(r.spend),
            "participants": r.participants,
            "outcomes_achieved": r.outcomes_achieved,
            "notes": r.notes,
        }
        for r in returns.returns
    ]
    return sorted(rows, key=lambda r: (r["initiative_id"], r["year"], r["quarter"]))


def _quarter(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def _plan_text(doc: Mapping[str, Any]) -> str:
    """A result file's canonical text without the audit head the store stamps on it."""
    plain = dict(doc)
    provenance = dict(plain.get("provenance") or {})
    provenance.pop("audit_head", None)
    plain["provenance"] = provenance
    return canonical(plain)


def run_of_result(store: Store, result: Result) -> str | None:
    """The earliest run that holds this plan: the same result file, whether or not it
    carries the audit head the store stamped on it when it was kept."""
    want = _plan_text(result.to_json())
    r = schema.runs
    query = (
        select(r.c.run_id, r.c.result)
        .where(r.c.inputs_sha256 == result.provenance.inputs_sha256)
        .order_by(r.c.created_at, r.c.run_id)
    )
    with store._reading() as conn:
        for row in conn.execute(query):
            if _plan_text(json.loads(row.result)) == want:
                return str(row.run_id)
    return None


def record_returns(
    store: Store, run_id: str, returns: Returns, *, source: str, actor: str | None = None
) -> tuple[ReturnsRecord, bool]:
    """Keep a set of returns against a run; (record, saved). The same set for the same run
    is kept once (saved is False the second time)."""
    actor = actor or current_user()
    doc = document(returns)
    if not doc:
        raise ValueError("there are no returns to keep")
    text = canonical(doc)
    digest = sha256(text)
    t = schema.provider_returns
    with store._writing() as conn:
        run = store._find_run(conn, run_id)
        known = conn.execute(
            select(t).where(t.c.run_id == run.run_id, t.c.sha256 == digest)
        ).first()
        if known is not None:
            return _record(known._mapping), False
        values = {
            "run_id": run.run_id,
            "sha256": digest,
            "source": source[:400],
            "rows": len(doc),
            "first_quarter": _quarter(*min((r["year"], r["quarter"]) for r in doc)),
            "last_quarter": _quarter(*max((r["year"], r["quarter"]) for r in doc)),
            "document": text,
            "created_at": audit.now(),
            "created_by": actor,
        }
        seq = store._insert(conn, "returns", f"{run.run_id}/{digest[:12]}", actor, values)
        row = conn.execute(select(t).where(t.c.audit_seq == seq)).one()
        return _record(row._mapping), True


def list_returns(store: Store, run_id: str | None = None) -> list[ReturnsRecord]:
    """Stored sets of returns, newest first, for one run or all."""
    t = schema.provider_returns
    query = select(t).order_by(t.c.audit_seq.desc())
    with store._reading() as conn:
        if run_id is not None:
            query = query.where(t.c.run_id == store._find_run(conn, run_id).run_id)
        return [_record(row._mapping) for row in conn.execute(query)]


def get_returns(store: Store, returns_id: int) -> ReturnsRecord:
    t = schema.provider_returns
    with store._reading() as conn:
        row = conn.execute(select(t).where(t.c.id == returns_id)).first()
    if row is None:
        raise NotFound(
            f"no returns number {returns_id} in {store.label} (commissioning returns list)"
        )
    return _record(row._mapping)


def _record(row: Mapping[Any, Any]) -> ReturnsRecord:
    values = dict(row)
    values["document"] = json.loads(values["document"])
    return ReturnsRecord(**values)
