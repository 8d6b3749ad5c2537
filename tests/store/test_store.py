"""The store keeps runs, snapshots, scenarios and decisions, whole or not at all."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from commissioning.allocator import InfeasiblePlan, allocate
from commissioning.inputs import fingerprint, with_scenario
from commissioning.inputs.snapshot import to_snapshot
from commissioning.store import NotAStore, NotFound, Store, StoreError, audit, migrations
from commissioning.store.store import _engine, resolve_url
from tests.allocator.builders import initiative, make_inputs
from tests.store.helpers import execute, scalar


def test_a_run_is_kept_with_its_inputs_and_result(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result, origin="app", actor="alice")

    [summary] = store.list_runs()
    assert summary.run_id == run_id
    assert (summary.status, summary.origin, summary.created_by) == ("optimal", "app", "alice")
    assert summary.objective == pytest.approx(result.objective, rel=1e-12)
    assert summary.inputs_sha256 == fingerprint(inputs)

    run = store.get_run(run_id[:12])  # a unique prefix is enough
    assert run.run_id == run_id
    # Kept as given, plus the audit trail's head when it was stored (after the four schema
    # entries of a new store, before the snapshot and the run).
    kept = json.loads(json.dumps(result.to_json()))
    head = store.audit_log()[-4]
    assert head.seq == 4
    kept["provenance"]["audit_head"] = {"entry": 4, "hash": head.hash, "sealed": False}
    assert run.document == kept
    assert run.result.to_json() == kept
    assert run.provenance["inputs_sha256"] == fingerprint(inputs)
    assert run.solver == "highs" and run.solver_version
    assert run.build_seconds == pytest.approx(result.timings.build)
    assert run.solve_seconds == pytest.approx(result.timings.solve)
    # The inputs come back equal from the snapshot alone.
    assert store.run_inputs(run_id) == inputs
    store.close()


def test_a_snapshot_is_stored_once_per_inputs(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    first = store.record_allocation(inputs, result)
    moved = dataclasses.replace(inputs, data=dataclasses.replace(inputs.data, source="elsewhere"))
    second = store.record_allocation(moved, result)
    assert first != second
    assert scalar(store_url, "SELECT COUNT(*) FROM snapshots") == 1
    assert [e.action for e in store.audit_log()].count("snapshot") == 1
    other = with_scenario(inputs, {**inputs.scenario.to_dict(), "max_growth": 0.3})
    store.record_allocation(other, allocate(other))
    assert scalar(store_url, "SELECT COUNT(*) FROM snapshots") == 2
    assert store.verify().ok
    store.close()


def test_an_infeasible_plan_is_kept_too(store_url):
    inputs = make_inputs(
        [initiative("A", current_budget=200, contract_end=2027, max_budget=300)],
        budgets={"S1": 100},
        max_growth=100.0,
        ramp=100.0,
    )
    with pytest.raises(InfeasiblePlan) as caught:
        allocate(inputs)
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, caught.value.result)
    run = store.get_run(run_id)
    assert run.status == "infeasible" and run.objective is None
    assert run.result.diagnosis
    outcome = store.reproduce(run_id)
    assert outcome.same, outcome.differences
    store.close()


def test_a_result_from_other_inputs_is_refused(store_url, small):
    inputs, result = small
    other = with_scenario(inputs, {**inputs.scenario.to_dict(), "max_growth": 0.3})
    store = Store.open(store_url)
    with pytest.raises(StoreError, match="not made from these inputs"):
        store.record_allocation(other, result)
    assert store.list_runs() == []
    store.close()


def test_scenarios_are_named_and_versioned(store_url, small):
    inputs, _ = small
    store = Store.open(store_url)
    doc = inputs.scenario.to_dict()
    first, saved = store.save_scenario(doc, actor="alice")
    assert saved and (first.name, first.version, first.versions) == ("Small test plan", 1, 1)
    again, saved = store.save_scenario(inputs.scenario)  # the same content: nothing new
    assert not saved and again.version == 1
    second, saved = store.save_scenario({**doc, "max_growth": 0.3}, actor="bob")
    assert saved and second.version == 2
    store.save_scenario({**doc, "ramp": 0.1}, name="Other")

    assert [(s.name, s.version) for s in store.list_scenarios()] == [
        ("Other", 1),
        ("Small test plan", 2),
    ]
    latest = store.get_scenario("Small test plan")
    assert latest.document["max_growth"] == 0.3 and latest.created_by == "bob"
    assert latest.versions == 2
    assert store.get_scenario("Small test plan", 1).document == json.loads(json.dumps(doc))
    assert store.get_scenario("Other").document["name"] == "Other"
    # What is stored is a scenario the inputs layer reads back to the same thing.
    rebuilt = with_scenario(inputs, store.get_scenario("Small test plan", 1).document)
    assert rebuilt.scenario == inputs.scenario
    with pytest.raises(NotFound):
        store.get_scenario("nope")
    with pytest.raises(StoreError, match="needs a name"):
        store.save_scenario({"start_year": 2027})
    assert store.verify().ok
    store.close()


def test_decisions_record_who_when_why(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    decommissioned = next(
        r.initiative_id for r in result.initiatives if r.decision == "decommission"
    )
    d = store.record_decision(run_id, decommissioned, "accept", "Jo Bloggs", "No evidence")
    assert (d.proposed, d.action, d.decided_by, d.reason) == (
        "decommission",
        "accept",
        "Jo Bloggs",
        "No evidence",
    )
    store.record_decision(run_id, decommissioned, "override", "Board", "Keep one more year")
    assert [x.action for x in store.list_decisions(run_id)] == ["accept", "override"]
    assert [x.id for x in store.list_decisions()] == [x.id for x in store.list_decisions(run_id)]
    with pytest.raises(NotFound, match="no proposal"):
        store.record_decision(run_id, "NOT-AN-ID", "accept", "x", "y")
    with pytest.raises(NotFound, match="no run"):
        store.record_decision("19990101", decommissioned, "accept", "x", "y")
    with pytest.raises(StoreError, match="reason"):
        store.record_decision(run_id, decommissioned, "accept", "x", "  ")
    with pytest.raises(StoreError, match="accept or override"):
        store.record_decision(run_id, decommissioned, "maybe", "x", "y")  # type: ignore[arg-type]
    entry = store.audit_log(1)[0]
    assert (entry.action, entry.actor) == ("decision", "Board")
    assert store.verify().ok
    store.close()


def test_a_failed_write_leaves_nothing_behind(store_url, small, monkeypatch):
    inputs, result = small
    store = Store.open(store_url)
    before = store.audit_log()
    real = audit.append

    def crash_on_run(conn, action, *args, **kwargs):
        if action == "run":
            raise RuntimeError("power cut")
        return real(conn, action, *args, **kwargs)

    monkeypatch.setattr(audit, "append", crash_on_run)
    with pytest.raises(RuntimeError, match="power cut"):
        store.record_allocation(inputs, result)
    monkeypatch.setattr(audit, "append", real)
    # Nothing of the run, nor of the snapshot written before it in the same transaction.
    assert store.list_runs() == []
    assert scalar(store_url, "SELECT COUNT(*) FROM snapshots") == 0
    assert store.audit_log() == before

    # A failure in the database itself (a clashing run id) is rolled back the same way.
    run_id = store.record_allocation(inputs, result)
    monkeypatch.setattr("commissioning.store.store._new_run_id", lambda: run_id)
    with pytest.raises(StoreError):
        store.record_allocation(inputs, result)
    assert [r.run_id for r in store.list_runs()] == [run_id]
    assert store.verify().ok
    store.close()


def test_the_record_tables_are_append_only(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    store.record_allocation(inputs, result)
    store.close()
    for sql in (
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
        "UPDATE runs SET objective = 0",
        "DELETE FROM runs",
        "DELETE FROM snapshots",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            execute(store_url, sql)


def test_an_older_schema_is_migrated_forward(store_url, small):
    engine = _engine(resolve_url(store_url))
    with engine.begin() as conn:
        assert migrations.migrate(conn, "tester", upto=1) == [1]
    engine.dispose()
    execute(store_url, "UPDATE audit_log SET actor = 'allowed before version 2'")

    store = Store.open(store_url)
    versions = [r[0] for r in execute(store_url, "SELECT version FROM schema_version")[0]]
    assert sorted(versions) == [1, 2, 3, 4]
    assert [e.subject for e in reversed(store.audit_log())] == [
        "version 1",
        "version 2",
        "version 3",
        "version 4",
    ]
    # The edit made before version 2 is caught: entry 1 no longer matches its hash.
    assert store.verify().first_broken == 1
    with pytest.raises(DBAPIError, match="append-only"):
        execute(store_url, "DELETE FROM audit_log")
    store.close()


def test_a_store_from_a_newer_toolkit_is_refused(store_url):
    Store.open(store_url).close()
    execute(
        store_url,
        "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 'x')",
    )
    with pytest.raises(NotAStore, match="newer version"):
        Store.open(store_url)


def test_a_foreign_database_is_refused_and_left_alone(store_url):
    execute(
        store_url,
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
        "INSERT INTO customers (id, name) VALUES (1, 'Ada')",
    )
    with pytest.raises(NotAStore, match=r"not a commissioning store.*customers"):
        Store.open(store_url)
    tables = execute(store_url, "SELECT name FROM customers")[0]
    assert tables == [("Ada",)]
    if store_url.startswith("sqlite"):
        path = Path(store_url.removeprefix("sqlite:///"))
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_a_database_is_refused_and_not_overwritten(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("Minutes of the partnership board\n" * 200)
    before = _sha(path)
    with pytest.raises(NotAStore, match=r"not an SQLite database.*has not been changed"):
        Store.open(f"sqlite:///{path}")
    assert _sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_a_corrupted_store_gives_a_clear_error_and_is_not_overwritten(tmp_path, small):
    path = tmp_path / "store.sqlite"
    store = Store.open(str(path))  # a bare path is an SQLite file
    store.record_allocation(*small)
    store.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xde\xad\xbe\xef" * ((4096 - 100) // 4)  # the schema page
    path.write_bytes(bytes(data))
    before = _sha(path)
    with pytest.raises(NotAStore, match="damaged or not a commissioning store"):
        Store.open(str(path))
    assert _sha(path) == before


def test_damage_inside_the_file_is_reported_by_verify(tmp_path, small):
    path = tmp_path / "store.sqlite"
    store = Store.open(str(path))
    for _ in range(3):
        store.record_allocation(*small)
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    last = len(data) // page - 1
    data[last * page + 8 : (last + 1) * page] = b"\x07" * (page - 8)
    path.write_bytes(bytes(data))
    try:
        store = Store.open(str(path))
        checked = store.verify()
    except StoreError as exc:  # damage SQLite notices first is just as clear
        assert "damaged" in str(exc) or "failed" in str(exc)
    else:
        assert not checked.ok
        store.close()


def test_where_the_store_is(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COMMISSIONING_HOME", str(tmp_path / "home"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'home' / 'store.sqlite'}"
    monkeypatch.delenv("COMMISSIONING_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert resolve_url().endswith(".local/share/commissioning/store.sqlite")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
    with pytest.raises(StoreError, match="SQLite or PostgreSQL only"):
        Store.open("mysql://u@h/db")


def test_snapshot_document_is_what_to_snapshot_made(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    store.record_allocation(inputs, result)
    [(document,)] = execute(store_url, "SELECT document FROM snapshots")[0]
    assert json.loads(document) == json.loads(json.dumps(to_snapshot(inputs)))
    store.close()


def test_the_functions_the_app_calls(store_url, small):
    import commissioning.store as api

    inputs, result = small
    run_id = api.record_allocation(
        inputs, result, origin="app", actor="app user", database=store_url
    )
    assert api.open_store(store_url) is api.open_store(store_url)  # opened once per process
    assert [r.run_id for r in api.list_runs(database=store_url)] == [run_id]
    assert api.get_run(run_id, database=store_url).origin == "app"
    record, saved = api.save_scenario(inputs.scenario, name="Slider plan", database=store_url)
    assert saved and api.load_scenario("Slider plan", database=store_url) == record
    assert [s.name for s in api.list_scenarios(database=store_url)] == ["Slider plan"]
    iid = result.initiatives[0].initiative_id
    api.record_decision(run_id, iid, "accept", "Jo", "Agreed", database=store_url)
    assert len(api.list_decisions(run_id, database=store_url)) == 1
    assert api.read_audit_log(1, database=store_url)[0].action == "decision"
    assert api.verify_audit(database=store_url).ok
    assert api.reproduce_run(run_id, database=store_url).same
