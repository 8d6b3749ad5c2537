"""The append-only, hash-chained audit log, and the check that nothing in the store was changed.

Each entry's hash is sha256(previous hash + its own content), so changing, re-hashing or
removing any entry breaks the chain at that entry. Every stored record (snapshot,
scenario version, run, decision) is written in the same transaction as an entry whose
detail holds a digest of the whole row, so editing or deleting a record is caught as well.
What a chain alone cannot catch is the newest entries being cut off together with the
`audit_head` row that remembers them; `verify` prints the head hash so that it can be
written down elsewhere (board minutes, a ticket) and compared later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, select, update

from commissioning.store import schema

GENESIS = "0" * 64
"""The 'previous hash' of the first entry."""

RECORD_TABLES: dict[str, Table] = {
    "snapshot": schema.snapshots,
    "scenario": schema.scenarios,
    "run": schema.runs,
    "decision": schema.decisions,
    "returns": schema.provider_returns,
}
"""The audit action that records a row of each table."""

DOCUMENT_COLUMNS = frozenset({"document", "result"})
"""Columns digested by their sha256 rather than copied into the audit entry."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the store; `seq` is the audit entry it concerns, when known."""

    seq: int | None
    message: str


@dataclass(frozen=True)
class Verification:
    entries: int
    head_hash: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> int | None:
        """The first entry at which the trail is broken (None when intact or not located)."""
        seqs = [f.seq for f in self.findings if f.seq is not None]
        return min(seqs) if seqs else None


def now() -> str:
    """The time now, as the store writes it everywhere (ISO 8601, UTC, microseconds)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def canonical(doc: Any) -> str:
    """The one JSON text of a document that is stored and hashed."""
    return json.dumps(
        doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: str
) -> str:
    """The hash of an entry: its whole content, chained to the previous entry's hash."""
    content = json.dumps(
        [seq, at, actor, action, subject, detail], ensure_ascii=False, separators=(",", ":")
    )
    return sha256(f"{prev_hash}\n{content}")


def row_digest(table: Table, values: Mapping[Any, Any]) -> dict[str, Any]:
    """What an audit entry records of a row: every column, documents by their sha256."""
    out: dict[str, Any] = {}
    for column in table.columns:
        name = column.name
        if name in ("audit_seq", "id"):
            continue  # assigned by the store, and the entry itself is what they point at
        value = values[name]
        if name in DOCUMENT_COLUMNS:
            out[f"sha256({name})"] = sha256(value)
        else:
            out[name] = value
    return out


def append(
    conn: Connection, action: str, subject: str, detail: Mapping[str, Any], actor: str
) -> AuditEntry:
    """Add an entry at the end of the chain. The caller holds the store's write lock."""
    head = conn.execute(
        select(schema.audit_head.c.seq, schema.audit_head.c.hash).where(schema.audit_head.c.id == 1)
    ).one()
    seq, at, text = head.seq + 1, now(), canonical(dict(detail))
    digest = entry_hash(head.hash, seq, at, actor, action, subject, text)
    conn.execute(
        schema.audit_log.insert().values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            detail=text,
            prev_hash=head.hash,
            hash=digest,
        )
    )
    conn.execute(
        update(schema.audit_head).where(schema.audit_head.c.id == 1).values(seq=seq, hash=digest)
    )
    return AuditEntry(seq, at, actor, action, subject, json.loads(text), head.hash, digest)


def entry_of(row: Row[Any]) -> AuditEntry:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"unreadable": row.detail}
    if not isinstance(detail, dict):
        detail = {"unreadable": row.detail}
    return AuditEntry(
        row.seq, row.at, row.actor, row.action, row.subject, detail, row.prev_hash, row.hash
    )


def verify(conn: Connection) -> Verification:
    """Check the chain, the head, and that every record matches the entry that logged it."""
    findings: list[Finding] = []
    prev_seq, prev_hash = 0, GENESIS
    logged: dict[int, tuple[str, str, Mapping[str, Any]]] = {}
    for row in _stream(conn, select(schema.audit_log).order_by(schema.audit_log.c.seq)):
        seq = row.seq
        if seq != prev_seq + 1:
            gap = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1} to {seq - 1}"
            findings.append(
                Finding(
                    prev_seq + 1,
                    f"entry {gap} missing: the log jumps from "
                    f"entry {prev_seq} to entry {seq} (deleted)",
                )
            )
        elif row.prev_hash != prev_hash:
            where = prev_seq if prev_seq else seq
            findings.append(
                Finding(
                    where,
                    f"entry {seq} does not follow entry {prev_seq}: the "
                    f"hash it records for entry {prev_seq} differs (entry "
                    f"{prev_seq} was rewritten, or entry {seq} was changed)",
                )
            )
        if (
            entry_hash(row.prev_hash, seq, row.at, row.actor, row.action, row.subject, row.detail)
            != row.hash
        ):
            findings.append(
                Finding(
                    seq,
                    f"entry {seq} ({row.action} {row.subject}) was "
                    "altered: its content no longer matches its hash",
                )
            )
        entry = entry_of(row)
        logged[seq] = (entry.action, entry.subject, entry.detail)
        prev_seq, prev_hash = seq, row.hash

    head = conn.execute(select(schema.audit_head).where(schema.audit_head.c.id == 1)).first()
    if head is None:
        findings.append(Finding(None, "the audit head (last entry number and hash) is missing"))
    elif head.seq > prev_seq:
        gap = str(head.seq) if head.seq == prev_seq + 1 else f"{prev_seq + 1} to {head.seq}"
        findings.append(
            Finding(
                prev_seq + 1,
                f"entry {gap} missing from the end of the log "
                f"(the store recorded {head.seq} entries, {prev_seq} remain)",
            )
        )
    elif head.seq != prev_seq or head.hash != prev_hash:
        findings.append(
            Finding(
                prev_seq,
                f"the last entry ({prev_seq}) is not the one the store "
                f"recorded last (entry {head.seq}): the end of the log was "
                "rewritten",
            )
        )

    findings.extend(_check_records(conn, logged))
    findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    return Verification(prev_seq, prev_hash, tuple(findings))


def _check_records(
    conn: Connection, logged: Mapping[int, tuple[str, str, Mapping[str, Any]]]
) -> Iterator[Finding]:
    """Every record matches its entry, and every record entry still has its record."""
    claimed: dict[str, set[int]] = {action: set() for action in RECORD_TABLES}
    for action, table in RECORD_TABLES.items():
        for row in _stream(conn, select(table)):
            values = row._mapping
            seq = values["audit_seq"]
            label = _label(action, values)
            claimed[action].add(seq)
            got = logged.get(seq)
            if got is None:
                yield Finding(seq, f"{label} points at audit entry {seq}, which is missing")
                continue
            entry_action, _, detail = got
            if entry_action != action:
                yield Finding(
                    seq,
                    f"{label} points at audit entry {seq}, which records "
                    f"'{entry_action}', not '{action}'",
                )
                continue
            recorded = detail.get("row")
            actual = row_digest(table, values)
            if recorded != actual:
                fields = _differences(recorded, actual)
                yield Finding(
                    seq,
                    f"{label} was changed after it was logged in entry {seq} "
                    f"({', '.join(fields)} differ)",
                )
    for seq, (action, subject, _) in sorted(logged.items()):
        if action in RECORD_TABLES and seq not in claimed[action]:
            yield Finding(
                seq, f"the {action} {subject} logged in entry {seq} has been deleted from the store"
            )


def _label(action: str, values: Mapping[Any, Any]) -> str:
    if action == "run":
        return f"run {values['run_id']}"
    if action == "snapshot":
        return f"snapshot {values['snapshot_id'][:12]}"
    if action == "scenario":
        return f"scenario '{values['name']}' version {values['version']}"
    if action == "returns":
        return f"returns {values['last_quarter']} for run {values['run_id']}"
    return f"decision on {values['initiative_id']} in run {values['run_id']}"


def _differences(recorded: object, actual: Mapping[str, Any]) -> list[str]:
    if not isinstance(recorded, Mapping):
        return ["the whole record"]
    keys = sorted(set(recorded) | set(actual))
    return [k for k in keys if recorded.get(k) != actual.get(k)] or ["the whole record"]


def _stream(conn: Connection, query: Any) -> Iterator[Row[Any]]:
    """Rows in batches, so verifying a large store does not load every result at once."""
    yield from conn.execute(query.execution_options(yield_per=200))
