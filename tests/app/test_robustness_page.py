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
