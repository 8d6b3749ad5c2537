"""The Plan page: controls re-plan at once; an impossible scenario is explained plainly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app.conftest import frame_with, no_exception, open_page, texts

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def objective(at) -> str:
    labels = ("Weighted outcomes", "Late costs avoided")
    return next(m.value for m in at.metric if m.label in labels)


def test_plan_has_its_controls_and_results():
    at = open_page("plan")
    no_exception(at)
    sliders = {s.label for s in at.sidebar.slider}
    for label in (
        "Prevention share 2027",
        "Prevention share 2028",
        "Prevention share 2029",
        "District floor",
        "Growth a year (share of last year's budget)",
        "Ramp a year (share of capacity)",
        "Rated 4 (established)",
        "Found not effective (NE)",
        "Factor for mixed findings",
    ):
        assert label in sliders
    # Priority weights by name, not code; a budget control for every funding stream.
    assert "Weight: Enabling children to have the best start in life" in sliders
    assert not any(s.label.startswith("P1") for s in at.sidebar.slider)
    assert {"Public Health grant", "Supporting Families grant"} <= sliders
    assert {m.label for m in at.sidebar.multiselect} == {
        "Hold at today's budget",
        "Stop funding after the contract ends",
    }
    assert len(at.sidebar.number_input) == 4  # value of an outcome by level
    assert at.sidebar.slider(key="ctl_prevention_2027").value == 45
    assert at.sidebar.multiselect(key="ctl_lock").value == ["YJS-CTY-01"]
    assert "optimal plan for 2027-2029" in texts(at)
    from commissioning.allocator import allocate
    from commissioning.inputs import load

    expected = allocate(load(SAMPLE)).objective
    assert expected is not None
    assert objective(at) == f"£{expected / 1e6:,.1f}m"  # the sample is valued in pounds
    decisions = frame_with(at, "Decision", "Change")
    assert len(decisions) == 185


def test_changing_a_control_changes_the_plan():
    at = open_page("plan")
    before = objective(at)
    started = time.perf_counter()
    at.sidebar.slider(key="ctl_prevention_2027").set_value(50).run()
    seconds = time.perf_counter() - started
    no_exception(at)
    assert objective(at) != before
    assert seconds < 10, f"re-planning took {seconds:.1f} s"
    at.sidebar.slider(key="ctl_prevention_2029").set_value(60).run()
    share = next(m.value for m in at.metric if m.label == "Prevention share 2029")
    assert share == "60.0%"
    # Back to the data's scenario: the first plan again, straight from the cache.
    at.sidebar.button(key="reset_scenario").click().run()
    assert at.sidebar.slider(key="ctl_prevention_2027").value == 45
    assert at.sidebar.slider(key="ctl_prevention_2029").value == 55
    assert objective(at) == before


def test_a_stream_s_budget_cut_re_plans_and_names_the_run(store_url):
    at = open_page("plan")
    before = objective(at)
    at.sidebar.slider(key="ctl_budget_PH").set_value(-10).run()
    no_exception(at)
    assert objective(at) != before
    from commissioning import store

    newest = store.list_runs(database=store_url)[0]
    assert newest.scenario_name == "Refocus towards prevention: PH -10%"
    assert "Refocus towards prevention: PH -10%" in texts(at)
    # Year by year: only 2029 cut by 20%.
    at.sidebar.toggle(key="ctl_budget_by_year").set_value(True).run()
    at.sidebar.slider(key="ctl_budget_PH_2027").set_value(0).run()
    at.sidebar.slider(key="ctl_budget_PH_2028").set_value(0).run()
    at.sidebar.slider(key="ctl_budget_PH_2029").set_value(-20).run()
    no_exception(at)
    assert store.list_runs(database=store_url)[0].scenario_name == (
        "Refocus towards prevention: PH 2029 -20%"
    )


def test_the_highest_prevention_share_is_shown_beside_the_slider():
    at = open_page("plan")
    assert "How high could each share go?" in " ".join(c.value for c in at.sidebar.caption)
    at.sidebar.button(key="find_limits").click().run()
    no_exception(at)
    notes = " ".join(c.value for c in at.sidebar.caption)
    # Hand-checked against allocate in tests/allocator/test_limits.py; here: on the sample,
    # 61.2% in 2029 (a plan exists at 61.2% and none at 61.3%).
    assert "Reachable: 0% to 61.2% with these rules." in notes
    body = " ".join(str(m.value) for m in at.sidebar.markdown)
    assert "The highest minimum share each priority could have" in body
    at.sidebar.slider(key="ctl_prevention_2029").set_value(62).run()
    warned = " ".join(w.value for w in at.sidebar.warning)
    assert "Above the highest share these rules allow in 2029 (61.2%)" in warned


@pytest.mark.parametrize(
    ("key", "value"),
    [("ctl_district_floor", 80), ("ctl_max_growth", 50), ("ctl_evidence_NL2", 0.5)],
)
def test_other_controls_also_re_plan(key, value):
    at = open_page("plan")
    before = objective(at)
    widget = at.sidebar.slider(key=key)
    widget.set_value(value if widget.value != value else 100 if key != "ctl_evidence_NL2" else 1.0)
    at.run()
    no_exception(at)
    assert objective(at) != before


def test_an_infeasible_scenario_shows_its_diagnosis():
    at = open_page("plan")
    at.sidebar.slider(key="ctl_prevention_2027").set_value(95).run()
    no_exception(at)
    errors = " ".join(e.value for e in at.error)
    assert "No plan meets every rule" in errors
    listed = texts(at)
    assert "- Levels 1-2 would need" in listed
    assert "prevention[" not in listed
    assert not [m for m in at.metric if m.label in ("Weighted outcomes", "Late costs avoided")]


def test_conflicting_settings_are_named_plainly():
    at = open_page("plan")
    at.sidebar.multiselect(key="ctl_exclude").select("YJS-CTY-01").run()
    no_exception(at)
    assert "cannot be used" in " ".join(e.value for e in at.error)
    problems = at.dataframe[0].value
    assert problems["Problem"].str.contains("YJS-CTY-01").any()


def test_every_result_tab_renders():
    at = open_page("plan")
    for tab in ("Levels of need", "Districts and streams", "What £1 more buys", "Download"):
        at.session_state["plan_tab"] = tab
        at.run()
        no_exception(at)
    body = texts(at)
    assert "reproduced" in body
    downloads = at.get("download_button")
    assert len(downloads) == 3
    at.session_state["plan_tab"] = "What £1 more buys"
    at.run()
    prices = frame_with(at, "Stream")
    assert len(prices) == 6


@pytest.mark.slow
def test_price_of_rules_on_demand():
    at = open_page("plan")
    at.session_state["plan_tab"] = "Price of each rule"
    at.run()
    assert "takes a few seconds" in texts(at)
    at.button(key="price_rules").click().run()
    no_exception(at)
    frame = frame_with(at, "Rule", "Value given up")
    assert "Prevention share" in set(frame["Rule"])
    assert (frame["Value given up"] >= 0).all()


def test_downloads_hold_the_result_and_the_workbook():
    import io
    import json

    import openpyxl

    from commissioning.app import plan as plan_page
    from commissioning.app import state

    loaded = state.load(state.sample_source())
    assert loaded.scenario is not None
    plan = state.solve(loaded, loaded.scenario)
    doc = json.loads(plan_page.result_json(plan))
    assert doc["status"] == "optimal" and doc["years"] == [2027, 2028, 2029]
    book = openpyxl.load_workbook(io.BytesIO(plan_page.workbook_bytes(plan)))
    assert book.sheetnames[0] == "Plan"


def test_services_whose_budget_turns_are_listed_above_the_results():
    at = open_page("plan")
    no_exception(at)
    [journeys] = [e for e in at.expander if "within the plan" in e.label]
    frame = next(d.value for d in journeys.dataframe)
    assert len(frame) >= 1 and f"{len(frame)} service" in journeys.label
    first = str(frame["ID"].iloc[0])
    # Holding the service at today's budget takes it off the list.
    at.sidebar.multiselect(key="ctl_lock").set_value(["YJS-CTY-01", first]).run()
    no_exception(at)
    listed = [e for e in at.expander if "within the plan" in e.label]
    ids = set(next(d.value for d in listed[0].dataframe)["ID"]) if listed else set()
    assert first not in ids


def test_the_plan_is_valued_in_pounds_with_its_invest_to_save_case():
    """The sample has a cost library: the objective reads in pounds, and the invest-to-save
    panel gives the return per £1, the payback and each partner's cash savings."""
    at = open_page("plan")
    no_exception(at)
    [headline] = [m for m in at.metric if m.label == "Late costs avoided"]
    assert headline.value.startswith("£")
    [closed] = [e for e in at.expander if e.label.endswith("what the plan saves, and when")]
    assert not closed.metric and not closed.dataframe  # drawn only when opened
    at.session_state["plan_invest_to_save"] = True
    at.run()
    no_exception(at)
    [panel] = [
        e for e in at.expander if e.label.endswith("Invest to save: what the plan saves, and when")
    ]
    labels = {m.label for m in panel.metric}
    assert {
        "Late costs avoided per £1",
        "Per extra £1 in prevention",
        "Prevention pays back",
    } <= labels
    frame = next(d.value for d in panel.dataframe)
    assert "Returned to the funding envelopes" in set(frame["Who"])


def test_the_data_s_warnings_are_listed_when_their_panel_is_opened():
    """The sample has warnings: their panel is drawn only while open (a slider move
    re-plans, and a closed panel should cost it nothing)."""
    at = open_page("plan")
    [closed] = [e for e in at.expander if e.label.startswith("Warnings (")]
    assert not closed.dataframe
    at.session_state["plan_warnings"] = True
    at.run()
    no_exception(at)
    [opened] = [e for e in at.expander if e.label.startswith("Warnings (")]
    frame = next(d.value for d in opened.dataframe)
    assert len(frame) == int(opened.label.removeprefix("Warnings (").removesuffix(")"))
