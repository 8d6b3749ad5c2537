"""Scenarios saved in and loaded from the store, the run history, decisions and the audit view.

Each test has its own empty store (the autouse `store_url` fixture in conftest.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from commissioning import store
from commissioning.allocator import allocate
from commissioning.app import state
from commissioning.inputs import load
from tests.app.conftest import ROOT, frame_with, no_exception, open_page, texts

SMALL = ROOT / "tests" / "data" / "valid_small"


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_saving_then_loading_a_scenario_restores_its_settings(store_url):
    at = open_page("plan")
    floor = at.sidebar.slider(key="ctl_district_floor")
    assert floor.value == 80
    floor.set_value(60).run()
    at.sidebar.text_input(key="store_save_name").input("Lower floor")
    at.sidebar.text_area(key="store_save_note").input("Floor at 60% for the June board")
    at.sidebar.button(key="store_save").click().run()
    no_exception(at)
    assert "Saved 'Lower floor' as version 1." in texts(at)
    saved = store.load_scenario("Lower floor", database=store_url)
    assert saved.document["district_floor"] == 0.6
    assert saved.document["description"] == "Floor at 60% for the June board"

    # A second version, then back to the data's own scenario.
    at.sidebar.slider(key="ctl_district_floor").set_value(70).run()
    at.sidebar.button(key="store_save").click().run()
    assert "Saved 'Lower floor' as version 2." in texts(at)
    at.sidebar.button(key="reset_scenario").click().run()
    assert at.sidebar.slider(key="ctl_district_floor").value == 80

    # Load version 1: its settings come back, and the plan is re-made with them.
    assert at.sidebar.selectbox(key="store_load_name").value == "Lower floor"
    at.sidebar.selectbox(key="store_load_version_Lower floor").select(1).run()
    at.sidebar.button(key="store_load").click().run()
    no_exception(at)
    assert "Loaded 'Lower floor' version 1." in [s.value for s in at.success]
    assert at.sidebar.slider(key="ctl_district_floor").value == 60
    assert at.session_state["scenario"]["district_floor"] == 0.6
    assert "Lower floor · optimal plan" in texts(at)


def test_a_saved_scenario_that_does_not_fit_the_data_shows_every_problem(store_url):
    store.save_scenario(
        {
            "name": "Other county",
            "start_year": 2027,
            "horizon": 3,
            "prevention_share": 0.45,
            "lock": ["NOPE-01"],
        },
        database=store_url,
    )
    at = open_page("plan")
    at.sidebar.button(key="store_load").click().run()
    no_exception(at)
    assert "'Other county' version 1 cannot be used" in " ".join(e.value for e in at.error)
    problems = frame_with(at, "Problem", "Severity")
    assert problems["Problem"].str.contains("NOPE-01").any()
    assert at.sidebar.slider(key="ctl_district_floor").value == 80  # the plan is unchanged


def test_a_plan_made_in_the_app_is_stored_once_as_a_run(store_url):
    at = open_page("plan")
    [run] = store.list_runs(database=store_url)
    assert run.origin == "app" and run.status == "optimal"
    assert f"Stored as run `{run.run_id}`" in texts(at)
    at.run()  # a rerun with the same plan records nothing more
    at.session_state["plan_tab"] = "Levels of need"
    at.run()
    assert len(store.list_runs(database=store_url)) == 1
    at.sidebar.slider(key="ctl_district_floor").set_value(70).run()
    assert len(store.list_runs(database=store_url)) == 2
    newer = store.list_runs(database=store_url)[0]
    # Named after what differs from the data's scenario.
    assert newer.scenario_name == "Refocus towards prevention: district floor 70%"
    at.sidebar.slider(key="ctl_district_floor").set_value(80).run()
    assert len(store.list_runs(database=store_url)) == 2  # back again: the first run

    at.switch_page("commissioning/app/history.py").run()
    no_exception(at)
    runs = frame_with(at, "Run", "Scenario", "Decisions recorded")
    assert len(runs) == 2 and set(runs["Origin"]) == {"Workbench"}
    assert runs["Inputs"].str.len().eq(12).all()
    # The run on the user's screen (the first, not the newest) is the one shown, and
    # decisions say which run they apply to.
    assert at.selectbox(key="history_run").value == run.run_id
    assert f"Recorded against run {run.run_id} (the plan on your screen)" in texts(at)


def test_an_identical_plan_made_again_reuses_its_run(store_url):
    open_page("plan")
    [run] = store.list_runs(database=store_url)
    entries = len(store.read_audit_log(database=store_url))
    state._record.clear()  # as after a restart: only the store remembers
    again = open_page("plan")
    assert [r.run_id for r in store.list_runs(database=store_url)] == [run.run_id]
    assert len(store.read_audit_log(database=store_url)) == entries
    assert f"Stored as run `{run.run_id}`" in texts(again)


def test_a_store_that_cannot_be_used_leaves_the_app_working(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(tmp_path))  # a folder is not a store
    at = open_page("plan")
    no_exception(at)
    assert "optimal plan for 2027-2029" in texts(at)
    assert "This plan is not stored" in texts(at)
    at.switch_page("commissioning/app/history.py").run()
    no_exception(at)
    assert "cannot be used just now" in " ".join(w.value for w in at.warning)


def test_a_decision_appears_in_history_and_in_the_audit_log(store_url):
    at = open_page("plan")
    at.switch_page("commissioning/app/history.py").run()
    no_exception(at)
    proposals = frame_with(at, "Proposed", "Decision on record")
    assert set(proposals["Proposed"]) <= {"Decommission", "Reduce"}
    target = at.selectbox(key="decision_initiative").value
    assert target in set(proposals["ID"])

    # Who and why are required.
    at.button(key="decision_record").click().run()
    assert "Nothing recorded: say who decided and why." in [e.value for e in at.error]
    assert store.list_decisions(database=store_url) == []

    at.radio(key="decision_action").set_value("override")
    at.text_input(key="decision_by").input("Jo Bloggs, Head of Early Help")
    at.text_area(key="decision_reason").input("The only provision for this estate")
    at.button(key="decision_record").click().run()
    no_exception(at)
    assert any(s.value.startswith("Recorded: overridden") for s in at.success)
    [decision] = store.list_decisions(database=store_url)
    assert decision.initiative_id == target and decision.action == "override"
    [listed] = [t.value for t in at.table]
    assert listed.iloc[0]["Who"] == "Jo Bloggs, Head of Early Help"
    assert listed.iloc[0]["Why"] == "The only provision for this estate"
    assert listed.iloc[0]["Decision"] == "Overridden"
    assert frame_with(at, "Run", "Decisions recorded")["Decisions recorded"].iloc[0] == 1
    on_record = frame_with(at, "Proposed", "Decision on record").set_index("ID")
    assert (
        on_record.loc[target, "Decision on record"] == "Overridden by Jo Bloggs, Head of Early Help"
    )

    at.switch_page("commissioning/app/audit.py").run()
    no_exception(at)
    assert not at.button and not at.text_input and not at.text_area  # read-only
    log = frame_with(at, "Entry", "Action", "Hash")
    assert log.iloc[0]["Action"] == "decision"
    assert target in log.iloc[0]["Subject"] and "Jo Bloggs" in log.iloc[0]["Who"]
    body = texts(at)
    assert "The only provision for this estate" in body
    assert "Rationale of the plan" in body
    assert f"({target})" in body
    assert "is decommissioned" in body or "is reduced" in body
    assert "the data in use" in body


def test_the_audit_page_says_intact_then_names_the_broken_entry(store_url):
    inputs = load(SMALL)
    result = allocate(inputs)
    run_id = store.record_allocation(inputs, result, database=store_url, origin="cli")
    store.record_decision(run_id, "1004", "accept", "Sam", "Agreed at board", database=store_url)

    at = open_page("audit")
    no_exception(at)
    [ok] = at.success
    assert "The audit trail is intact." in ok.value and "All 7 entries" in ok.value
    body = texts(at)
    # The run's data is not the data in use: the rationale comes from the stored snapshot.
    assert "Agreed at board" in body and "the data snapshot stored with the run" in body

    # Someone with direct access edits the run's entry (6), bypassing the triggers.
    store.close_stores()
    with sqlite3.connect(_path(store_url)) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 6")
    at.run()
    no_exception(at)
    assert not at.success
    assert "The audit trail is broken at entry 6." in " ".join(e.value for e in at.error)
    assert "entry 6 (run" in texts(at)
    log = frame_with(at, "Entry", "Check").set_index("Entry")
    assert log.loc[6, "Check"] == "Broken" and log.loc[6, "Who"] == "mallory"
    assert log.loc[7, "Check"] == ""


def test_without_the_run_s_data_the_rationale_says_what_it_needs(store_url):
    inputs = load(SMALL)
    run_id = store.record_allocation(inputs, allocate(inputs), database=store_url)
    store.record_decision(run_id, "1004", "accept", "Sam", "Agreed", database=store_url)
    store.close_stores()
    with sqlite3.connect(_path(store_url)) as conn:
        conn.execute("DROP TRIGGER snapshots_no_delete")
        conn.execute("DELETE FROM snapshots")
    at = open_page("audit")
    no_exception(at)
    assert "broken" in " ".join(e.value for e in at.error)
    assert "The rationale needs the data this run was made from" in texts(at)
