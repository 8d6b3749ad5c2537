"""The append-only, hash-chained audit log, and the check that nothing in the store was changed.

Each entry's hash is sha256(previous hash + its own content), so changing, re-hashing or
removing any entry breaks the chain at that entry. Every stored record (snapshot,
scenario version, run, decision) is written in the same transaction as an entry whose
detail holds a digest of the whole row, so editing or deleting a record is caught as well.
A plain SHA-256 chain can be rewritten whole by whoever can write the database, so when
COMMISSIONING_AUDIT_KEY is set every new entry is sealed with HMAC-SHA256 under that key
instead: without the key, no one can recompute a sealed entry. Older stores, written
before a key was set, keep their plain entries and still verify. And the head (last entry
number and hash) is printed into every result file and document, so a trail recomputed
after something was issued no longer contains the head that was issued
(`audit verify --expect HASH`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, select, update

from commissioning.store import schema
from commissioning.store.errors import StoreError

GENESIS = "0" * 64
"""The 'previous hash' of the first entry."""

RECORD_TABLES: dict[str, Table] = {
    "snapshot": schema.snapshots,
    "scenario": schema.scenarios,
    "run": schema.runs,
    "decision": schema.decisions,
    "returns": schema.provider_returns,
    "robustness": schema.robustness_checks,
}
"""The audit action that records a row of each table."""

DOCUMENT_COLUMNS = frozenset({"document", "result"})
"""Columns digested by their sha256 rather than copied into the audit entry."""

KEY_VARIABLE = "COMMISSIONING_AUDIT_KEY"
"""The environment variable holding the key that seals the audit trail (docs/store.md)."""
MIN_KEY_LENGTH = 16
"""Characters a key needs at least: a short key could be guessed by trying them all."""
KEY_ID = "audit_key_id"
"""The store_info row naming which key seals the trail (a hash of it, never the key).

Only a hint for clear messages and for refusing a write without the key: verification
never trusts it, since whoever can write the database could change it."""


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
    keyed: int = 0
    """How many entries are sealed with the audit key (checked with it)."""
    key_set: bool = False
    """Whether the audit key was set when the trail was checked."""
    expected_at: int | None = None
    """The entry whose hash is the head asked for with `--expect`, when found."""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def sealing(self) -> str:
        """How the trail is protected, in words: sealed with the key, partly, or not at all."""
        if not self.key_set:
            return (
                f"No audit key is set ({KEY_VARIABLE}): the entries were checked as a plain "
                "SHA-256 chain, which anyone able to write to the database could recompute. "
                "Set a key (docs/store.md) to seal new entries, and compare this head with "
                "one printed in a result file or document (--expect HEAD)."
            )
        if self.keyed == self.entries:
            return f"All {self.entries} entries are sealed with the audit key (HMAC-SHA256)."
        plain = self.entries - self.keyed
        return (
            f"Entries 1 to {plain} were written before the audit key was set (plain "
            f"SHA-256); the {self.keyed} after them are sealed with the key (HMAC-SHA256)."
        )

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


def configured_key() -> bytes | None:
    """The audit key from the environment, or None when none is set (plain SHA-256)."""
    raw = os.environ.get(KEY_VARIABLE, "").strip()
    if not raw:
        return None
    if len(raw) < MIN_KEY_LENGTH:
        raise StoreError(
            f"the audit key ({KEY_VARIABLE}) is too short: it needs at least "
            f'{MIN_KEY_LENGTH} characters (make one with: python -c "import secrets; '
            'print(secrets.token_hex(32))")'
        )
    return raw.encode("utf-8")


def key_id(key: bytes) -> str:
    """A short name for a key that gives nothing of it away (to tell two keys apart)."""
    return hmac.new(key, b"commissioning audit key id", hashlib.sha256).hexdigest()[:16]


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    subject: str,
    detail: str,
    key: bytes | None = None,
) -> str:
    """The hash of an entry: its whole content, chained to the previous entry's hash;
    HMAC-SHA256 under the audit key when there is one, else plain SHA-256."""
    content = json.dumps(
        [seq, at, actor, action, subject, detail], ensure_ascii=False, separators=(",", ":")
    )
    message = f"{prev_hash}\n{content}"
    if key is None:
        return sha256(message)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def recorded_key_id(conn: Connection) -> str | None:
    """The key id the store says its trail is sealed with (None: never sealed)."""
    value = conn.execute(
        select(schema.store_info.c.value).where(schema.store_info.c.key == KEY_ID)
    ).scalar()
    return None if value is None else str(value)


def _check_key(conn: Connection, key: bytes | None) -> None:
    """Refuse to add plain entries to a sealed trail, or entries sealed with another key
    (either would make the trail fail verification); note the key on its first use."""
    recorded = recorded_key_id(conn)
    if recorded is None:
        if key is not None:
            conn.execute(schema.store_info.insert().values(key=KEY_ID, value=key_id(key)))
        return
    if key is None:
        raise StoreError(
            f"this store's audit trail is sealed with a key, and {KEY_VARIABLE} is not set "
            "here: set it to the store's key to write to the store. Nothing was written."
        )
    if key_id(key) != recorded:
        raise StoreError(
            f"{KEY_VARIABLE} is not the key this store's audit trail is sealed with (key "
            f"{key_id(key)}, the store's is {recorded}). Nothing was written."
        )


def head(conn: Connection) -> tuple[int, str]:
    """The last entry's number and hash, as the store recorded them."""
    row = conn.execute(
        select(schema.audit_head.c.seq, schema.audit_head.c.hash).where(schema.audit_head.c.id == 1)
    ).one()
    return int(row.seq), str(row.hash)


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
    conn: Connection,
    action: str,
    subject: str,
    detail: Mapping[str, Any],
    actor: str,
    key: bytes | None = None,
) -> AuditEntry:
    """Add an entry at the end of the chain, sealed with `key` when there is one.

    The caller holds the store's write lock."""
    _check_key(conn, key)
    last_seq, last_hash = head(conn)
    seq, at, text = last_seq + 1, now(), canonical(dict(detail))
    digest = entry_hash(last_hash, seq, at, actor, action, subject, text, key)
    conn.execute(
        schema.audit_log.insert().values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            detail=text,
            prev_hash=last_hash,
            hash=digest,
        )
    )
    conn.execute(
        update(schema.audit_head).where(schema.audit_head.c.id == 1).values(seq=seq, hash=digest)
    )
    return AuditEntry(seq, at, actor, action, subject, json.loads(text), last_hash, digest)


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


def verify(conn: Connection, key: bytes | None = None, expect: str | None = None) -> Verification:
    """Check the chain, the head, and that every record matches the entry that logged it.

    With `key`, sealed entries are checked with it, and a plain entry after a sealed one
    (a rewrite by someone without the key) is a finding, as is a trail with no sealed
    entry at all. `expect` is a head printed earlier (in a result file or a document): it
    must still be the hash of an entry of the chain.
    """
    findings: list[Finding] = []
    prev_seq, prev_hash = 0, GENESIS
    logged: dict[int, tuple[str, str, Mapping[str, Any]]] = {}
    recorded = recorded_key_id(conn)
    wrong_key = key is not None and recorded is not None and key_id(key) != recorded
    checking_key = None if wrong_key else key
    last_sealed: int | None = None
    sealed_before: int | None = None
    unsealed_after: list[int] = []
    unchecked: list[int] = []
    keyed = 0
    expected = (expect or "").strip().lower() or None
    expected_at: int | None = None
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
        content = (row.prev_hash, seq, row.at, row.actor, row.action, row.subject, row.detail)
        if entry_hash(*content) == row.hash:
            if last_sealed is not None:
                unsealed_after.append(seq)
                sealed_before = sealed_before or last_sealed
        elif checking_key is not None and entry_hash(*content, checking_key) == row.hash:
            keyed += 1
            last_sealed = seq
        elif checking_key is None and recorded is not None:
            unchecked.append(seq)  # sealed with a key not at hand, or altered: cannot tell
        else:
            findings.append(
                Finding(
                    seq,
                    f"entry {seq} ({row.action} {row.subject}) was "
                    "altered: its content no longer matches its hash",
                )
            )
        if expected is not None and row.hash == expected:
            expected_at = seq
        entry = entry_of(row)
        logged[seq] = (entry.action, entry.subject, entry.detail)
        prev_seq, prev_hash = seq, row.hash

    findings.extend(
        _key_findings(key, recorded, wrong_key, prev_seq, keyed, sealed_before, unsealed_after)
    )
    if unchecked and not wrong_key:
        findings.append(
            Finding(
                None,
                f"{_entries(unchecked)} sealed with an audit key, which is not set here: "
                f"set {KEY_VARIABLE} to the store's key to check them",
            )
        )
    if expected is not None and expected_at is None:
        findings.append(
            Finding(
                None,
                f"the head {expected} is not in this trail: the trail was rewritten after "
                "a result file or document printed that head, or the head comes from "
                "another store",
            )
        )

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
    return Verification(prev_seq, prev_hash, tuple(findings), keyed, key is not None, expected_at)


def _key_findings(
    key: bytes | None,
    recorded: str | None,
    wrong_key: bool,
    entries: int,
    keyed: int,
    sealed_before: int | None,
    unsealed_after: list[int],
) -> Iterator[Finding]:
    """What the audit key says about the trail (nothing when no key is set)."""
    if key is None:
        return
    if wrong_key:
        yield Finding(
            None,
            f"{KEY_VARIABLE} is not the key this store's trail is sealed with (key "
            f"{key_id(key)}, the store's is {recorded}): its sealed entries cannot be checked",
        )
        return
    if entries and not keyed:
        yield Finding(
            None,
            f"none of the {entries} entries is sealed with the audit key: the trail was "
            f"written before {KEY_VARIABLE} was set, or rewritten by someone without the key "
            f"(check it without the key, and against a head printed earlier, with --expect)",
        )
    if unsealed_after:
        yield Finding(
            unsealed_after[0],
            f"{_entries(unsealed_after)} not sealed with the audit key, though entry "
            f"{sealed_before} before them is: rewritten by someone without the key",
        )


def _entries(seqs: list[int]) -> str:
    """'entry 7 is' or 'entries 7 to 12 (6) are', for a finding."""
    if len(seqs) == 1:
        return f"entry {seqs[0]} is"
    return f"entries {seqs[0]} to {seqs[-1]} ({len(seqs)}) are"


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
    if action == "robustness":
        return f"robustness check {values['id']} of run {values['run_id']}"
    return f"decision on {values['initiative_id']} in run {values['run_id']}"


def _differences(recorded: object, actual: Mapping[str, Any]) -> list[str]:
    if not isinstance(recorded, Mapping):
        return ["the whole record"]
    keys = sorted(set(recorded) | set(actual))
    return [k for k in keys if recorded.get(k) != actual.get(k)] or ["the whole record"]


def _stream(conn: Connection, query: Any) -> Iterator[Row[Any]]:
    """Rows in batches, so verifying a large store does not load every result at once."""
    yield from conn.execute(query.execution_options(yield_per=200))
