"""Providers' returns in the store: fingerprinted, linked to a run, audit-logged, append-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from commissioning.allocator.result import Result
from commissioning.cli import main
from commissioning.inputs import Inputs
from commissioning.inputs.returns import Returns, load_returns
from commissioning.monitor.scorecard import plan_of
from commissioning.store import migrations
from commissioning.store.errors import NotFound
from commissioning.store.returns import get_returns, list_returns, record_returns, run_of_result
from commissioning.store.store import Store, _engine, resolve_url
from tests.store.conftest import ROOT
from tests.store.helpers import execute, unprotect

RETURNS = ROOT / "tests" / "data" / "returns_small" / "returns.csv"


def _returns(small: tuple[Inputs, Result]) -> Returns:
    inputs, result = small
    return load_returns(RETURNS, inputs.data, plan_of(result))


def test_returns_are_kept_once_per_run(store_url: str, small: tuple[Inputs, Result]) -> None:
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    assert run_of_result(store, result) == run_id
    returns = _returns(small)
    record, saved = record_returns(store, run_id, returns, source="returns.csv", actor="ann")
    assert saved
    assert (record.run_id, record.rows, record.first_quarter, record.last_quarter) == (
        run_id,
        13,
        "2027Q1",
        "2028Q1",
    )
    # The same rows in another order are the same returns: kept once.
    shuffled = Returns(tuple(reversed(returns.returns)), "again.csv")
    again, saved = record_returns(store, run_id, shuffled, source="again.csv", actor="bob")
    assert not saved and again.id == record.id
    assert [r.id for r in list_returns(store)] == [record.id]
    assert [r.id for r in list_returns(store, run_id[:12])] == [record.id]
    back = get_returns(store, record.id).returns()
    assert sorted(back.returns, key=repr) == sorted(returns.returns, key=repr)
    assert back.of("1003", 2027)[2].notes.startswith("Nurse vacancies")
    entry = store.audit_log(1)[0]
    assert (entry.action, entry.actor) == ("returns", "ann")
    assert store.verify().ok
    with pytest.raises(NotFound):
        get_returns(store, 999)
    with pytest.raises(NotFound):
        record_returns(store, "no-such-run", returns, source="x")
    store.close()


def test_stored_returns_are_append_only_and_tampering_is_found(
    store_url: str, small: tuple[Inputs, Result]
) -> None:
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    record_returns(store, run_id, _returns(small), source="returns.csv")
    with pytest.raises(DBAPIError, match="append-only"):
        execute(store_url, "UPDATE provider_returns SET rows = 1")
    execute(
        store_url,
        *unprotect(store_url, "provider_returns"),
        "UPDATE provider_returns SET source = 'elsewhere.csv'",
    )
    checked = store.verify()
    assert not checked.ok
    assert any("returns 2028Q1 for run" in f.message for f in checked.findings)
    store.close()


def test_a_version_2_store_gains_the_returns_table(
    store_url: str, small: tuple[Inputs, Result]
) -> None:
    engine = _engine(resolve_url(store_url))
    with engine.begin() as conn:
        assert migrations.migrate(conn, "tester", upto=2) == [1, 2]
    engine.dispose()
    store = Store.open(store_url)
    inputs, result = small
    run_id = store.record_allocation(inputs, result)
    record_returns(store, run_id, _returns(small), source="returns.csv")
    assert store.verify().ok
    store.close()


def test_monitor_stores_its_returns_and_the_commands_show_them(
    small: tuple[Inputs, Result],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`monitor` stores the run of a result file it has not seen, then the returns."""
    _, result = small
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result.to_json()))
    db = str(tmp_path / "store.sqlite")
    monitor = ["monitor", str(ROOT / "tests/data/valid_small"), "--result", str(path)]
    with monkeypatch.context() as m:
        m.setenv("DATABASE_URL", db)
        assert main([*monitor, "--returns", str(RETURNS)]) == 0
        out = capsys.readouterr().out
        assert "Stored the returns as number 1, for run" in out
        assert main([*monitor, "--returns", str(RETURNS)]) == 0
        assert "already stored as number 1" in capsys.readouterr().out
        assert main([*monitor, "--returns", str(RETURNS), "--no-store"]) == 0
        assert "Stored" not in capsys.readouterr().out
    assert main(["returns", "list", "--database", db]) == 0
    listed = capsys.readouterr().out
    assert "2027Q1-2028Q1" in listed and "13" in listed
    assert main(["returns", "show", "1", "--database", db]) == 0
    shown = capsys.readouterr().out
    assert "Returns 1: 13 rows, 2027Q1 to 2028Q1" in shown
    assert "£33,000" in shown and "Two extra sessions in the summer" in shown
    assert main(["returns", "show", "7", "--database", db]) == 1
    assert "no returns number 7" in capsys.readouterr().err
    assert main(["audit", "verify", "--database", db]) == 0


def test_returns_link_to_the_run_allocate_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The result file allocate writes is the run it stored: monitor links to it, no new run."""
    db = str(tmp_path / "store.sqlite")
    monkeypatch.setenv("DATABASE_URL", db)
    data = str(ROOT / "tests/data/valid_small")
    path = tmp_path / "result.json"
    assert main(["allocate", data, "--out", str(path)]) == 0
    run_id = capsys.readouterr().out.split("Stored as run ")[1].split()[0]
    assert main(["monitor", data, "--result", str(path), "--returns", str(RETURNS)]) == 0
    assert f"Stored the returns as number 1, for run {run_id}." in capsys.readouterr().out
    store = Store.open(db)
    assert [r.run_id for r in store.list_runs()] == [run_id]
    store.close()
