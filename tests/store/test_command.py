"""The store's commands end to end, and `allocate` storing every plan it makes."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
import yaml

from commissioning.cli import main
from commissioning.store import Store
from tests.store.conftest import SAMPLE, SMALL


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_allocate_stores_the_run_and_it_reproduces(store_url, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store_url)
    code, out, _ = run(capsys, "allocate", str(SAMPLE), "--out", str(tmp_path / "r.json"))
    assert code == 0
    assert "Stored as run " in out
    run_id = out.split("Stored as run ")[1].split()[0]

    code, out, _ = run(capsys, "runs", "list", "--database", store_url)
    assert code == 0 and run_id in out and "Refocus towards prevention" in out

    code, out, _ = run(capsys, "runs", "show", run_id[:15], "--database", store_url)
    assert code == 0 and f"Run {run_id}" in out and "highs" in out
    code, out, _ = run(capsys, "runs", "show", run_id, "--json")  # DATABASE_URL is honoured
    assert json.loads(out) == json.loads((tmp_path / "r.json").read_text())

    code, out, _ = run(capsys, "runs", "reproduce", run_id, "--database", store_url)
    assert code == 0, out
    assert f"Run {run_id} reproduces" in out and "same decision for all" in out
    code, out, _ = run(capsys, "audit", "verify", "--database", store_url)
    assert code == 0 and "intact" in out


def test_reproduce_says_exactly_what_differs(store_url, small, capsys):
    inputs, result = small
    target = result.initiatives[0]
    forged = dataclasses.replace(
        result,
        objective=result.objective * 1.001,
        initiatives=(dataclasses.replace(target, decision="reduce"), *result.initiatives[1:]),
    )
    store = Store.open(store_url)
    good = store.record_allocation(inputs, result)
    bad = store.record_allocation(inputs, forged)
    store.close()

    code, out, _ = run(capsys, "runs", "reproduce", good, "--database", store_url)
    assert code == 0
    code, out, _ = run(capsys, "runs", "reproduce", bad, "--database", store_url)
    assert code == 1
    assert "does NOT reproduce" in out and "2 difference(s)" in out
    assert "objective: stored" in out and "relative difference 9.99e-04, more than 1e-06" in out
    assert (
        f"initiative {target.initiative_id}: stored decision reduce, now {target.decision}" in out
    )
    # The same, through the API, with CBC as a second opinion.
    store = Store.open(store_url)
    assert store.reproduce(good, solver="cbc").same
    assert [e.action for e in store.audit_log(3)] == ["reproduce"] * 3
    store.close()


def test_scenarios_commands(store_url, capsys, tmp_path):
    code, out, _ = run(
        capsys, "scenarios", "save", str(SMALL / "scenario.yaml"), "--database", store_url
    )
    assert code == 0 and "Saved scenario 'Small test plan' as version 1" in out
    code, out, _ = run(
        capsys, "scenarios", "save", str(SMALL / "scenario.yaml"), "--database", store_url
    )
    assert code == 0 and "unchanged" in out
    code, out, _ = run(
        capsys,
        "scenarios",
        "save",
        str(SAMPLE / "scenario.yaml"),
        "--name",
        "Small test plan",
        "--data",
        str(SAMPLE),
        "--database",
        store_url,
    )
    assert code == 0 and "version 2" in out

    code, out, _ = run(capsys, "scenarios", "list", "--database", store_url)
    assert code == 0 and "Small test plan" in out
    code, out, _ = run(
        capsys, "scenarios", "show", "Small test plan", "--version", "1", "--database", store_url
    )
    assert code == 0
    shown = yaml.safe_load(out)
    assert shown["lock"] == [1003] and shown["priority_weights"] == {"P2": 1.5}
    # What is shown is a scenario file allocate takes.
    (tmp_path / "s.yaml").write_text(out)
    assert main(["validate", str(SMALL), "--scenario", str(tmp_path / "s.yaml")]) == 0
    capsys.readouterr()

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    code, _, err = run(capsys, "scenarios", "save", str(bad), "--database", store_url)
    assert code == 2 and "bad.yaml" in err
    bad.write_text("name: x\nstart_year: 2027\nhorizon: 3\nlock: [NOPE]\n")
    code, _, err = run(
        capsys, "scenarios", "save", str(bad), "--data", str(SMALL), "--database", store_url
    )
    assert code == 2 and "NOPE" in err
    code, _, err = run(capsys, "scenarios", "show", "missing", "--database", store_url)
    assert code == 1 and "no scenario named 'missing'" in err


def test_decisions_commands(store_url, small, capsys):
    inputs, result = small
    store = Store.open(store_url)
    run_id = store.record_allocation(inputs, result)
    store.close()
    iid = next(r.initiative_id for r in result.initiatives if r.decision == "decommission")
    code, out, _ = run(
        capsys,
        "decisions",
        "record",
        run_id,
        iid,
        "--override",
        "--by",
        "Jo Bloggs",
        "--reason",
        "Only provider in the district",
        "--database",
        store_url,
    )
    assert code == 0
    assert f"Jo Bloggs overrode the proposal to decommission {iid}" in out
    code, out, _ = run(capsys, "decisions", "list", run_id, "--database", store_url)
    assert code == 0 and "Only provider in the district" in out and "override" in out
    code, _, err = run(
        capsys,
        "decisions",
        "record",
        "nope",
        iid,
        "--accept",
        "--by",
        "x",
        "--reason",
        "y",
        "--database",
        store_url,
    )
    assert code == 1 and "no run 'nope'" in err
    with pytest.raises(SystemExit):  # --accept or --override is required
        main(["decisions", "record", run_id, iid, "--by", "x", "--reason", "y"])


def test_allocate_still_succeeds_when_the_store_fails(capsys, monkeypatch, tmp_path):
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("not a database")
    monkeypatch.setenv("DATABASE_URL", str(not_a_store))
    out_file = tmp_path / "r.json"
    code, _, err = run(capsys, "allocate", str(SMALL), "--out", str(out_file))
    assert code == 0
    assert json.loads(out_file.read_text())["status"] == "optimal"
    assert "warning: the plan was not stored as a run" in err
    assert not_a_store.read_text() == "not a database"


def test_allocate_of_an_infeasible_scenario_is_stored(capsys, monkeypatch, tmp_path):
    scenario = yaml.safe_load((SMALL / "scenario.yaml").read_text())
    scenario["prevention_share"] = 0.99
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scenario))
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    code, out, _ = run(capsys, "allocate", str(SMALL), "--scenario", str(tmp_path / "s.yaml"))
    assert code == 3
    store = Store.open(str(db))
    [summary] = store.list_runs()
    assert summary.status == "infeasible" and f"Stored as run {summary.run_id}" in out
    store.close()


def test_the_test_suite_never_uses_the_users_store():
    home = os.environ["COMMISSIONING_HOME"]
    assert "commissioning-test-home-" in home
    assert "DATABASE_URL" not in os.environ
