"""Robustness checks in the store: fingerprinted, linked to their run, audit-logged,
append-only, sealed with the audit key like every record, and shown by the commands."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

import commissioning.robustness as robustness_module
from commissioning.allocator import allocate
from commissioning.allocator.result import Result
from commissioning.cli import main
from commissioning.inputs import Inputs
from commissioning.robustness import Robustness, robustness
from commissioning.store import migrations
from commissioning.store.audit import KEY_VARIABLE
from commissioning.store.errors import NotFound, StoreError
from commissioning.store.robustness import (
    get_check,
    latest_check,
    latest_check_of_plan,
    list_checks,
    record_check,
    run_of_plan,
)
from commissioning.store.store import Store, _engine, resolve_url
from tests.store.conftest import SMALL
from tests.store.helpers import execute, scalar, unprotect

KEY = "k" * 20 + "-partnership-audit-key"


@pytest.fixture(scope="module")
def checked(small: tuple[Inputs, Result]) -> Robustness:
    """Twenty plausible futures of the small data, solved in this process."""
    inputs, result = small
    return robustness(inputs, 20, 7, mode="process", plan=result)


def test_a_check_is_kept_once_with_its_run(
    store_url: str, small: tuple[Inputs, Result], checked: Robustness
) -> None:
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    assert latest_check(store, run_id) is None
    record, saved = record_check(store, run_id[:12], checked, origin="app", actor="ann")
    assert saved
    fragile = sum(s.fragile for s in checked.initiatives)
    assert (record.run_id, record.draws, record.seed, record.origin) == (run_id, 20, 7, "app")
    assert (record.fragile, record.infeasible) == (fragile, checked.infeasible)
    assert record.robustness() == checked  # read back exactly as it was made
    again, saved = record_check(store, run_id, checked, actor="bob")
    assert not saved and again.id == record.id
    other = dataclasses.replace(checked, seed=8)
    newer, saved = record_check(store, run_id, other)
    assert saved and newer.id != record.id
    assert [c.id for c in list_checks(store)] == [newer.id, record.id]
    assert [c.id for c in list_checks(store, run_id)] == [newer.id, record.id]
    latest = latest_check(store, run_id)
    assert latest is not None and latest.id == newer.id
    assert get_check(store, record.id).document == checked.to_json()
    entry = store.audit_log(2)[1]
    assert (entry.action, entry.actor, entry.subject) == (
        "robustness",
        "ann",
        f"{run_id}/{record.sha256[:12]}",
    )
    assert store.verify().ok
    with pytest.raises(NotFound):
        get_check(store, 999)
    with pytest.raises(NotFound):
        record_check(store, "no-such-run", checked)
    store.close()


def test_a_check_of_other_data_is_refused(
    store_url: str, small: tuple[Inputs, Result], checked: Robustness
) -> None:
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    elsewhere = dataclasses.replace(checked, inputs_sha256="0" * 64)
    with pytest.raises(StoreError, match="not made from the data of run"):
        record_check(store, run_id, elsewhere)
    assert scalar(store_url, "SELECT COUNT(*) FROM robustness_checks") == 0
    store.close()


def test_the_plan_solved_again_finds_its_run(store_url: str, small: tuple[Inputs, Result]) -> None:
    """A check re-solves the plan: the same plan made later (another `created`) is the same run,
    and a plan on other settings is not."""
    inputs, result = small
    store = Store.open(store_url)
    assert run_of_plan(store, result) is None
    run_id = store.record_allocation(inputs, result)
    later = dataclasses.replace(
        result, provenance=dataclasses.replace(result.provenance, created="2099-01-01T00:00:00Z")
    )
    assert run_of_plan(store, later) == run_id
    changed = dataclasses.replace(result, objective=(result.objective or 0.0) + 1.0)
    assert run_of_plan(store, changed) is None
    store.close()


def test_the_latest_check_of_a_plan_is_found_from_any_of_its_runs(
    store_url: str, small: tuple[Inputs, Result], checked: Robustness
) -> None:
    """The app and the command line each keep the plan they make as a run of their own."""
    inputs, result = small
    store = Store.open(store_url)
    assert latest_check_of_plan(store, result) is None
    first = store.record_allocation(inputs, result, origin="cli")
    second = store.record_allocation(inputs, result, origin="app")
    assert latest_check_of_plan(store, result) is None
    older, _ = record_check(store, first, checked)
    newer, _ = record_check(store, second, dataclasses.replace(checked, seed=11))
    found = latest_check_of_plan(store, result)
    assert found is not None and (found.id, found.run_id) == (newer.id, second)
    assert older.run_id == first
    store.close()


def test_a_plan_with_no_check_is_answered_without_reading_its_runs(
    store_url: str,
    small: tuple[Inputs, Result],
    checked: Robustness,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Asked after every slider move in the workbench: runs of the same inputs are only
    read and compared when some check is kept against one of them."""
    import commissioning.store.robustness as kept

    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result, origin="app")

    def unread(*_: object, **__: object) -> list[str]:
        raise AssertionError("the runs were read although no check is kept")

    with monkeypatch.context() as m:
        m.setattr(kept, "runs_of_plan", unread)
        assert latest_check_of_plan(store, result) is None
    record, _ = record_check(store, run_id, checked)
    found = latest_check_of_plan(store, result)
    assert found is not None and found.id == record.id
    changed = dataclasses.replace(result, objective=(result.objective or 0.0) + 1.0)
    assert latest_check_of_plan(store, changed) is None  # same inputs, another plan
    store.close()


def test_stored_checks_are_append_only_and_tampering_is_found(
    store_url: str, small: tuple[Inputs, Result], checked: Robustness
) -> None:
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    record, _ = record_check(store, run_id, checked)
    for sql in ("UPDATE robustness_checks SET fragile = 0", "DELETE FROM robustness_checks"):
        with pytest.raises(DBAPIError, match="append-only"):
            execute(store_url, sql)
    execute(
        store_url,
        *unprotect(store_url, "robustness_checks"),
        "UPDATE robustness_checks SET fragile = fragile + 1",
    )
    found = store.verify()
    assert not found.ok
    assert any(
        f"robustness check {record.id} of run {run_id} was changed" in f.message
        and "fragile" in f.message
        for f in found.findings
    )
    execute(store_url, "DELETE FROM robustness_checks")
    gone = store.verify()
    assert any("robustness" in f.message and "deleted" in f.message for f in gone.findings)
    store.close()


def test_a_sealed_store_seals_the_check(
    store_url: str,
    small: tuple[Inputs, Result],
    checked: Robustness,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    record_check(store, run_id, checked)
    verified = store.verify()
    assert verified.ok
    assert verified.keyed == store.head()[0]  # every entry, the check's included, sealed
    store.close()
    monkeypatch.delenv(KEY_VARIABLE)
    store = Store.open(store_url)
    with pytest.raises(StoreError, match="sealed with a key"):
        record_check(store, run_id, dataclasses.replace(checked, seed=9))
    store.close()


def test_a_run_kept_at_version_3_gets_its_check_after_the_migration(
    store_url: str,
    small: tuple[Inputs, Result],
    checked: Robustness,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = _engine(resolve_url(store_url))
    with engine.begin() as conn:
        assert migrations.migrate(conn, "tester", upto=3) == [1, 2, 3]
    engine.dispose()
    inputs, result = small
    with monkeypatch.context() as m:  # a toolkit that knows version 3 only
        m.setattr(migrations, "LATEST", 3)
        old = Store.open(store_url)
        run_id = old.record_allocation(inputs, result)
        old.close()
    assert "robustness_checks" not in {r[0] for r in execute(store_url, _tables_sql(store_url))[0]}

    store = Store.open(store_url)  # this toolkit: version 4 is applied on opening
    versions = [r[0] for r in execute(store_url, "SELECT version FROM schema_version")[0]]
    assert sorted(versions) == [1, 2, 3, 4]
    assert store.audit_log(1)[0].subject == "version 4"
    record, saved = record_check(store, run_id, checked)
    assert saved and record.run_id == run_id
    assert store.verify().ok
    with pytest.raises(DBAPIError, match="append-only"):
        execute(store_url, "DELETE FROM robustness_checks")
    store.close()


def _tables_sql(url: str) -> str:
    if url.startswith("sqlite"):
        return "SELECT name FROM sqlite_master WHERE type = 'table'"
    return "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"


def test_robustness_stores_its_check_and_the_commands_show_it(
    small: tuple[Inputs, Result],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`robustness` stores the run of the plan it checks when the store lacks it, then the
    check; the same check again is kept once; `--no-store` keeps nothing."""

    def in_process(inputs: Inputs, draws: int, seed: int, **kw: Any) -> Robustness:
        kw.update(mode="process", scheduler=None, workers=None)
        return robustness(inputs, draws, seed, **kw)

    monkeypatch.setattr(robustness_module, "robustness", in_process)
    db = str(tmp_path / "store.sqlite")
    command = ["robustness", str(SMALL), "--draws", "20", "--seed", "3"]
    monkeypatch.setenv("DATABASE_URL", db)
    assert main(command) == 0
    out = capsys.readouterr().out
    assert "Stored the robustness check as number 1, for run" in out
    run_id = out.split("for run ")[-1].strip().rstrip(".")
    assert main(command) == 0
    assert f"already stored as number 1, for run {run_id}" in capsys.readouterr().out
    assert main([*command, "--no-store"]) == 0
    assert "Stored" not in capsys.readouterr().out
    # One run: the plan solved again each time is the same plan.
    assert scalar(f"sqlite:///{db}", "SELECT COUNT(*) FROM runs") == 1

    assert main(["robustness-checks", "list", "--database", db]) == 0
    listed = capsys.readouterr().out
    assert run_id in listed and "NUMBER" in listed and "20" in listed
    assert main(["robustness-checks", "show", "1", "--database", db]) == 0
    shown = capsys.readouterr().out
    assert f"Robustness check 1 of run {run_id}" in shown
    assert "over 20 plausible futures" in shown
    assert main(["runs", "show", run_id, "--database", db]) == 0
    assert "1 check; the latest, number 1:" in capsys.readouterr().out
    assert main(["robustness-checks", "show", "5", "--database", db]) == 1
    assert "no robustness check number 5" in capsys.readouterr().err
    assert main(["audit", "verify", "--database", db]) == 0


def test_a_run_not_checked_says_so(
    store_url: str, small: tuple[Inputs, Result], capsys: pytest.CaptureFixture[str]
) -> None:
    inputs, _ = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, allocate(inputs))
    store.close()
    assert main(["runs", "show", run_id, "--database", store_url]) == 0
    assert "robustness  not checked" in capsys.readouterr().out
    assert main(["robustness-checks", "list", "--database", store_url]) == 0
    assert "No robustness checks stored" in capsys.readouterr().out
    store = Store.open(store_url)
    assert list_checks(store) == []
    store.close()
