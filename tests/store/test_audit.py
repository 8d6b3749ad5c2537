"""Tampering with the audit log or the records it covers is detected, and the entry named."""

from __future__ import annotations

import json

import pytest

from commissioning.cli import main
from commissioning.store import Store
from commissioning.store.audit import entry_hash
from tests.store.helpers import execute, scalar, unprotect


@pytest.fixture
def filled(store_url, small):
    """A store with schema entries 1-4, a snapshot (5), two runs (6, 7) and a decision (8)."""
    inputs, result = small
    store = Store.open(store_url)
    first = store.record_allocation(inputs, result)
    store.record_allocation(inputs, result)
    target = result.initiatives[0].initiative_id
    store.record_decision(first, target, "accept", "Jo", "Agreed at the board")
    assert [e.seq for e in store.audit_log()] == [8, 7, 6, 5, 4, 3, 2, 1]
    assert store.verify().ok
    store.close()
    return store_url, first


def verify(url):
    store = Store.open(url)
    try:
        return store.verify()
    finally:
        store.close()


def cli_verify(url, capsys):
    code = main(["audit", "verify", "--database", url])
    return code, capsys.readouterr().out


def test_an_intact_trail_verifies(filled, capsys):
    url, _ = filled
    code, out = cli_verify(url, capsys)
    assert code == 0
    assert "intact: 8 entries" in out


def test_an_edited_entry_is_named(filled, capsys):
    url, _ = filled
    execute(
        url, *unprotect(url, "audit_log"), "UPDATE audit_log SET actor = 'mallory' WHERE seq = 6"
    )
    checked = verify(url)
    assert not checked.ok and checked.first_broken == 6
    code, out = cli_verify(url, capsys)
    assert code == 1
    assert "BROKEN at entry 6" in out
    assert "entry 6 (run" in out and "altered" in out


def test_an_edited_detail_is_named(filled):
    url, _ = filled
    [(detail,)] = execute(url, "SELECT detail FROM audit_log WHERE seq = 8")[0]
    changed = json.loads(detail)
    changed["row"]["reason"] = "Something else"
    execute(
        url,
        *unprotect(url, "audit_log"),
        f"UPDATE audit_log SET detail = '{json.dumps(changed)}' WHERE seq = 8",
    )
    checked = verify(url)
    assert checked.first_broken == 8
    assert any("entry 8" in f.message and "altered" in f.message for f in checked.findings)


def test_a_deleted_entry_is_named(filled, capsys):
    url, _ = filled
    execute(url, *unprotect(url, "audit_log"), "DELETE FROM audit_log WHERE seq = 5")
    checked = verify(url)
    assert checked.first_broken == 5
    code, out = cli_verify(url, capsys)
    assert code == 1
    assert "BROKEN at entry 5" in out and "entry 5 missing" in out


def test_a_deleted_last_entry_is_named(filled, capsys):
    url, _ = filled
    execute(url, *unprotect(url, "audit_log"), "DELETE FROM audit_log WHERE seq = 8")
    code, out = cli_verify(url, capsys)
    assert code == 1
    assert "BROKEN at entry 8" in out


def test_a_rewritten_and_rehashed_entry_is_named(filled):
    """A careful tamperer recomputes the entry's own hash: the next entry's link catches it."""
    url, _ = filled
    [(seq, at, _actor, action, subject, detail, prev)] = execute(
        url,
        "SELECT seq, at, actor, action, subject, detail, prev_hash FROM audit_log WHERE seq = 6",
    )[0]
    forged = entry_hash(prev, seq, at, "mallory", action, subject, detail)
    execute(
        url,
        *unprotect(url, "audit_log"),
        f"UPDATE audit_log SET actor = 'mallory', hash = '{forged}' WHERE seq = 6",
    )
    checked = verify(url)
    assert checked.first_broken == 6
    assert any("entry 7 does not follow entry 6" in f.message for f in checked.findings)


def test_an_edited_run_is_caught_by_its_entry(filled):
    url, run_id = filled
    seq = scalar(url, f"SELECT audit_seq FROM runs WHERE run_id = '{run_id}'")
    execute(
        url,
        *unprotect(url, "runs"),
        "UPDATE runs SET result = REPLACE(result, 'decommission', 'maintain') "
        f"WHERE run_id = '{run_id}'",
    )
    checked = verify(url)
    assert checked.first_broken == seq
    assert any(
        f"run {run_id} was changed" in f.message and "sha256(result)" in f.message
        for f in checked.findings
    )


def test_a_deleted_decision_is_caught(filled):
    url, _ = filled
    execute(url, *unprotect(url, "decisions"), "DELETE FROM decisions")
    checked = verify(url)
    assert checked.first_broken == 8
    assert any("deleted from the store" in f.message for f in checked.findings)


def test_verifying_does_not_write(filled):
    url, _ = filled
    before = scalar(url, "SELECT COUNT(*) FROM audit_log")
    assert verify(url).ok
    assert scalar(url, "SELECT COUNT(*) FROM audit_log") == before
