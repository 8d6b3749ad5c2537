"""The Register page: browse, load other data (with every problem shown), edit, download."""

from __future__ import annotations

import pandas as pd

from commissioning.app import register, state
from tests.app.conftest import ROOT, frame_with, no_exception, open_page, texts

BAD = ROOT / "tests" / "data" / "bad"
VALID = ROOT / "tests" / "data" / "valid_small"


def test_register_lists_the_initiatives():
    at = open_page("register")
    no_exception(at)
    table = frame_with(at, "Provider", "Budget today")
    assert len(table) == 185
    assert {"District", "Level", "Evidence", "Status"} <= {m.label for m in at.multiselect}
    at.text_input(key="reg_search").input("Burnley").run()
    shown = frame_with(at, "Provider", "Budget today")
    assert 0 < len(shown) < 185
    assert "Showing" in texts(at)


def test_a_folder_with_problems_is_reported_and_not_used():
    bad = next(p for p in sorted(BAD.iterdir()) if p.name == "not_a_number")
    at = open_page("register")
    at.text_input(key="folder_path").input(str(bad)).run()
    at.button(key="load_folder").click().run()
    no_exception(at)
    assert "problems to fix" in " ".join(w.value for w in at.warning)
    problems = frame_with(at, "Severity", "Problem")
    assert {"Severity", "File", "Row", "Column", "Problem"} <= set(problems.columns)
    assert (problems["Severity"] == "Error").any()
    # The plan still runs on the data it had.
    assert "bundled sample" in texts(at)


def test_a_valid_folder_replaces_the_data_and_the_plan_follows():
    at = open_page("register")
    at.text_input(key="folder_path").input(str(VALID)).run()
    at.button(key="load_folder").click().run()
    no_exception(at)
    assert "no problems" in " ".join(s.value for s in at.success)
    at.switch_page("commissioning/app/plan.py").run()
    no_exception(at)
    assert "valid_small" in texts(at) or at.metric
    at.switch_page("commissioning/app/register.py").run()
    at.button(key="load_sample").click().run()
    assert "bundled sample" in texts(at)


def test_edits_pass_the_same_validation():
    loaded = state.load(state.sample_source())
    columns, rows = state.raw_rows(loaded.tables, "initiatives")
    frame = pd.DataFrame(rows, columns=list(columns), dtype="string")
    frame.loc[2, "effect"] = "1.5"
    edited = state.load(register.edited_source(loaded, "initiatives", frame))
    assert not edited.ok
    [problem] = edited.errors
    assert (problem.file, problem.row, problem.column) == ("initiatives.csv", 4, "effect")
    frame.loc[2, "effect"] = "0.06"
    fixed = state.load(register.edited_source(loaded, "initiatives", frame))
    assert fixed.ok and fixed.source.label.endswith("(edited)")
    assert fixed.data is not None
    assert fixed.data.initiative(rows[2][0]).effect == 0.06


def test_uploads_are_read_like_a_folder():
    sample = ROOT / "data" / "sample"
    files = [(p.name, p.read_bytes()) for p in sorted(sample.glob("*.*")) if p.suffix != ".md"]
    source, notes = state.source_from_uploads([*files, ("notes.txt", b"x")])
    assert notes == ["notes.txt was set aside: only .csv, .xlsx and .yaml files are read"]
    loaded = state.load(source)
    assert loaded.ok
    assert loaded.scenario is not None and loaded.scenario["name"] == "Refocus towards prevention"


def test_edit_and_download_tabs_render():
    at = open_page("register")
    assert at.selectbox[0].label == "Table"
    assert any(b.label == "Download the data (zip)" for b in at.get("download_button"))
