"""The Plan page's How sure tab runs a robustness check; Plan and Explain then show it."""

from __future__ import annotations

import pytest

from tests.app.conftest import frame_with, no_exception, open_page, texts


@pytest.mark.slow
def test_how_sure_runs_a_check_and_every_page_shows_it():
    at = open_page("plan")
    at.session_state["plan_tab"] = "How sure"
    at.run()
    no_exception(at)
    assert "Check it" not in texts(at)
    at.number_input(key="robust_draws").set_value(20).run()
    at.button(key="robust_run").click().run()
    no_exception(at)
    frame = frame_with(at, "Holds in", "Verdict", "Turns most on")
    assert len(frame) == 185
    assert frame["Holds in"].between(0, 100).all()
    assert list(frame["Holds in"]) == sorted(frame["Holds in"])  # least sure first
    assert set(frame["Verdict"]) <= {"fragile", "robust"}
    assert "Over **20** plausible futures" in texts(at)
    # The decisions table now shows how often each decision holds.
    at.session_state["plan_tab"] = "Decisions"
    at.run()
    assert "Holds in" in frame_with(at, "Decision", "Change").columns
    # And the Explain page says it in words.
    at.switch_page("commissioning/app/explain.py").run()
    no_exception(at)
    assert "of 20 plausible futures" in texts(at)


def _styled_cells(at, *columns: str) -> str:
    """The styling (CSS text) sent with the first table holding these columns."""
    for d in at.dataframe:
        if all(c in d.value.columns for c in columns):
            return str(d.proto.arrow_data.styler.styles)
    raise AssertionError(f"no table with columns {columns}")


@pytest.mark.slow
def test_a_check_is_stored_with_the_run_and_shown_in_a_new_session(store_url):
    """The check made on the How sure tab is kept with the plan's run; a later session opens
    on the stored check, and the Decisions table colours each decision by its band."""
    from commissioning.store import Store
    from commissioning.store.robustness import list_checks

    at = open_page("plan")
    at.session_state["plan_tab"] = "How sure"
    at.run()
    at.number_input(key="robust_draws").set_value(20).run()
    at.button(key="robust_run").click().run()
    no_exception(at)
    assert "as check number 1" in texts(at)
    store = Store.open(store_url)
    [kept] = list_checks(store)
    [run] = store.list_runs()
    assert (kept.run_id, kept.draws, kept.origin) == (run.run_id, 20, "app")
    assert store.verify().ok
    store.close()

    later = open_page("plan")  # a new session: nothing checked in it yet
    later.session_state["plan_tab"] = "How sure"
    later.run()
    no_exception(later)
    assert f"The check stored with run `{run.run_id}` (number 1" in texts(later)
    assert "Over **20** plausible futures" in texts(later)
    later.session_state["plan_tab"] = "Decisions"
    later.run()
    no_exception(later)
    frame = frame_with(later, "Decision", "Holds in", "Stability")
    robust = frame["Holds in"] >= 80
    assert set(frame.loc[robust, "Stability"]) <= {"Robust"}
    assert set(frame.loc[~robust, "Stability"]) <= {"Fragile"}
    assert robust.any() and (~robust).any()  # the sample has both bands in 20 futures
    styles = _styled_cells(later, "Decision", "Holds in", "Stability")
    assert "#dcefdc" in styles and "#fde3c4" in styles
    assert "robust (holding in at least 80%) or fragile" in texts(later)
