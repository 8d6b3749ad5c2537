"""A record that cannot be rewritten quietly: the keyed (HMAC) trail, the head printed in
every result file, `audit verify --expect`, read-only commands that never create a store,
and `runs reproduce --data`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from commissioning.cli import main
from commissioning.store import Store, StoreError
from commissioning.store.audit import GENESIS, KEY_VARIABLE, canonical, entry_hash
from tests.store.conftest import SMALL
from tests.store.helpers import scalar, unprotect

KEY = "k" * 20 + "-partnership-audit-key"
OTHER_KEY = "x" * 40


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verify(url, expect=None):
    store = Store.open(url)
    try:
        return store.verify(expect)
    finally:
        store.close()


@pytest.fixture
def issued(store_url, small, monkeypatch):
    """A store sealed with KEY: run A (entries 5, 6: snapshot and run, after the four schema
    entries), a decision on it (7), then run B, issued with the head at entry 7 in its
    result, (8): (url, run A, B's result)."""
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    inputs, result = small
    store = Store.open(store_url)
    first = store.record_allocation(inputs, result)
    target = result.initiatives[0].initiative_id
    store.record_decision(first, target, "override", "Jo", "Keep it: the board said so")
    _, later = store.issue(inputs, result)
    assert store.verify().ok and store.verify().keyed == 8
    store.close()
    assert later.provenance.audit_head is not None
    assert later.provenance.audit_head["entry"] == 7
    assert later.provenance.audit_head["sealed"] is True
    return store_url, first, later


def forge_decision(url: str, reason: str, from_entry: int | None = None) -> None:
    """What someone with the database but not the key does: change the decision's reason,
    fix the digest its entry records, and recompute the plain SHA-256 chain and the head
    from `from_entry` (default: the decision's own entry) to the end."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for sql in (*unprotect(url, "decisions"), *unprotect(url, "audit_log")):
                conn.execute(text(sql))
            seq = conn.execute(text("SELECT audit_seq FROM decisions")).scalar_one()
            conn.execute(text("UPDATE decisions SET reason = :r"), {"r": reason})
            detail = json.loads(
                conn.execute(
                    text("SELECT detail FROM audit_log WHERE seq = :s"), {"s": seq}
                ).scalar_one()
            )
            detail["row"]["reason"] = reason
            conn.execute(
                text("UPDATE audit_log SET detail = :d WHERE seq = :s"),
                {"d": canonical(detail), "s": seq},
            )
            start = seq if from_entry is None else from_entry
            rows = conn.execute(
                text(
                    "SELECT seq, at, actor, action, subject, detail FROM audit_log "
                    "WHERE seq >= :s ORDER BY seq"
                ),
                {"s": start},
            ).all()
            prev = (
                GENESIS
                if start == 1
                else conn.execute(
                    text("SELECT hash FROM audit_log WHERE seq = :s"), {"s": start - 1}
                ).scalar_one()
            )
            for row in rows:
                digest = entry_hash(prev, *row)
                conn.execute(
                    text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s"),
                    {"p": prev, "h": digest, "s": row[0]},
                )
                prev = digest
            conn.execute(
                text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": rows[-1][0], "h": prev}
            )
    finally:
        engine.dispose()


def test_a_forged_decision_fails_against_the_key_and_the_issued_head(issued, monkeypatch, capsys):
    url, _, later = issued
    head = later.provenance.audit_head["hash"]
    forge_decision(url, "Cut it: nobody objected")
    assert scalar(url, "SELECT reason FROM decisions") == "Cut it: nobody objected"

    checked = verify(url)
    assert not checked.ok and checked.first_broken == 7
    [finding] = [f for f in checked.findings if f.seq == 7]
    assert "entries 7 to 8 (2) are not sealed with the audit key" in finding.message
    assert "entry 6 before them is" in finding.message

    code, out, _ = run(capsys, "audit", "verify", "--expect", head, "--database", url)
    assert code == 1 and "BROKEN at entry 7" in out
    assert f"the head {head} is not in this trail" in out

    # Without the key, the trail still cannot pass for intact: the store says it is sealed.
    monkeypatch.delenv(KEY_VARIABLE)
    code, out, _ = run(capsys, "audit", "verify", "--database", url)
    assert code == 1 and "sealed with an audit key, which is not set here" in out


def test_a_trail_recomputed_whole_without_the_key_fails(issued):
    url, _, later = issued
    forge_decision(url, "Cut it", from_entry=1)
    checked = verify(url, later.provenance.audit_head["hash"])
    assert not checked.ok
    messages = " ".join(f.message for f in checked.findings)
    assert "none of the 8 entries is sealed with the audit key" in messages
    assert "is not in this trail" in messages


def test_an_unkeyed_forgery_is_caught_by_the_head_of_an_earlier_result(
    store_url, small, capsys, monkeypatch, tmp_path
):
    """Without a key, a recomputed chain verifies; the head an earlier result printed does not."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    out_file = tmp_path / "first.json"
    assert run(capsys, "allocate", SMALL, "--out", out_file)[0] == 0
    first = json.loads(out_file.read_text())["provenance"]["audit_head"]
    assert first["sealed"] is False and first["entry"] == 4
    store = Store.open(store_url)
    run_id = store.list_runs()[0].run_id
    store.close()
    iid = small[1].initiatives[0].initiative_id
    code, *_ = run(
        capsys, "decisions", "record", run_id, iid, "--accept", "--by", "Jo", "--reason", "Agreed"
    )
    assert code == 0
    out_file2 = tmp_path / "second.json"
    assert run(capsys, "allocate", SMALL, "--out", out_file2)[0] == 0
    second = json.loads(out_file2.read_text())["provenance"]["audit_head"]
    assert second["entry"] == 7  # schema 1-4, snapshot 5, run 6, decision 7

    code, out, _ = run(capsys, "audit", "verify", "--expect", second["hash"])
    assert code == 0 and "The head asked for is entry 7 of the trail" in out
    assert "No audit key is set (COMMISSIONING_AUDIT_KEY)" in out

    forge_decision(url=store_url, reason="Cut it")
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0  # the known limit of an unkeyed chain: said plainly above
    code, out, _ = run(capsys, "audit", "verify", "--expect", second["hash"])
    assert code == 1 and "is not in this trail" in out
    # The first result's head precedes the forged entry, so it is still in the trail.
    code, out, _ = run(capsys, "audit", "verify", "--expect", first["hash"])
    assert code == 0


def test_an_old_unkeyed_store_verifies_and_says_what_it_is(store_url, small, monkeypatch, capsys):
    inputs, result = small
    store = Store.open(store_url)
    store.record_allocation(inputs, result)
    store.close()
    code, out, _ = run(capsys, "audit", "verify", "--database", store_url)
    assert code == 0 and "intact: 6 entries" in out and "plain SHA-256 chain" in out

    monkeypatch.setenv(KEY_VARIABLE, KEY)
    code, out, _ = run(capsys, "audit", "verify", "--database", store_url)
    assert code == 1 and "none of the 6 entries is sealed with the audit key" in out

    store = Store.open(store_url)  # the first write with the key seals what came before
    store.record_allocation(inputs, result)
    store.close()
    code, out, _ = run(capsys, "audit", "verify", "--database", store_url)
    assert code == 0
    assert "Entries 1 to 6 were written before the audit key was set" in out
    assert "the 1 after them are sealed" in out


def test_a_sealed_store_refuses_writes_without_its_key(issued, small, monkeypatch, capsys):
    url, _, _ = issued
    inputs, result = small
    before = scalar(url, "SELECT COUNT(*) FROM audit_log")
    monkeypatch.delenv(KEY_VARIABLE)
    store = Store.open(url)
    with pytest.raises(StoreError, match="sealed with a key, and COMMISSIONING_AUDIT_KEY"):
        store.record_allocation(inputs, result)
    store.close()
    monkeypatch.setenv(KEY_VARIABLE, OTHER_KEY)
    store = Store.open(url)
    with pytest.raises(StoreError, match="is not the key this store's audit trail is sealed"):
        store.record_allocation(inputs, result)
    checked = store.verify()
    store.close()
    assert scalar(url, "SELECT COUNT(*) FROM audit_log") == before
    assert not checked.ok
    assert [f.message for f in checked.findings] == [
        f.message for f in checked.findings if "is not the key this store's trail" in f.message
    ]


def test_a_short_key_is_refused(store_url, monkeypatch, capsys):
    monkeypatch.setenv(KEY_VARIABLE, "short")
    code, _, err = run(capsys, "scenarios", "list", "--database", store_url)
    assert code == 1 and "too short: it needs at least 16 characters" in err


READ_ONLY = (
    ("runs", "list"),
    ("runs", "show", "20260101-000000-abcdef"),
    ("audit", "verify"),
    ("audit", "log"),
    ("decisions", "list"),
    ("scenarios", "list"),
)


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_reading_commands_never_create_a_store(command, tmp_path, capsys):
    missing = tmp_path / "typo" / "store.sqlite"
    code, out, err = run(capsys, *command, "--database", missing)
    assert code == 1 and f"there is no commissioning store at {missing}" in err
    assert not missing.parent.exists()

    empty = tmp_path / "emptied.sqlite"
    empty.write_bytes(b"")
    code, out, err = run(capsys, *command, "--database", empty)
    assert code == 1 and "is empty (0 bytes)" in err and "intact" not in out
    assert empty.read_bytes() == b""


def test_reading_an_empty_database_is_an_error(store_url, capsys):
    """On PostgreSQL (and an SQLite file that holds no tables) too: nothing is created."""
    if store_url.startswith("sqlite"):
        path = Path(store_url.removeprefix("sqlite:///"))
        engine = create_engine(store_url)
        with engine.begin() as conn:
            conn.execute(text("PRAGMA user_version = 1"))  # a valid, empty database file
        engine.dispose()
        assert path.stat().st_size > 0
    code, _, err = run(capsys, "audit", "verify", "--database", store_url)
    assert code == 1 and "there is no commissioning store at" in err
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            if store_url.startswith("sqlite"):
                tables = conn.execute(text("SELECT name FROM sqlite_master")).all()
            else:
                tables = conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                ).all()
    finally:
        engine.dispose()
    assert tables == []


def test_reproduce_says_whether_the_folder_still_holds_the_runs_data(
    store_url, small, tmp_path, capsys
):
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    store.close()
    code, out, _ = run(
        capsys, "runs", "reproduce", run_id, "--data", SMALL, "--database", store_url
    )
    assert code == 0, out
    assert f"The data in {SMALL} is still the data run {run_id} was made from." in out

    changed = tmp_path / "today"
    shutil.copytree(SMALL, changed)
    lines = (changed / "initiatives.csv").read_text().splitlines()
    header = lines[0].split(",")
    cost = header.index("unit_cost")
    first = lines[1].split(",")
    first[cost] = str(float(first[cost]) + 1)
    (changed / "initiatives.csv").write_text("\n".join([lines[0], ",".join(first), *lines[2:]]))
    code, out, _ = run(
        capsys, "runs", "reproduce", run_id, "--data", changed, "--database", store_url
    )
    assert code == 1
    assert f"Run {run_id} reproduces" in out  # the stored run itself is fine
    assert f"The data in {changed} is NOT the data run {run_id} was made from:" in out
    assert f"  initiatives: 1 row changed ({first[0]})" in out
    assert "districts:" not in out and "budgets:" not in out
