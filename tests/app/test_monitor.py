"""The Monitor page: the sample's returns scored against the plan, problems shown, downloads."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.app.conftest import ROOT, frame_with, no_exception, open_page, texts

BAD_RETURNS = ROOT / "tests" / "data" / "bad_returns" / "every_problem_at_once" / "returns.csv"


def test_the_sample_returns_are_scored() -> None:
    at = open_page("monitor")
    no_exception(at)
    assert at.toggle(key="monitor_bundled").value is True
    labels = [m.label for m in at.metric]
    assert labels == [
        "Services off track",
        "Spend to date",
        "Children and families starting",
        "Outcomes achieved",
    ]
    districts = frame_with(at, "District", "Spend rating")
    assert "Burnley" in set(districts["District"]) and "County-wide services" in set(
        districts["District"]
    )
    assert set(districts["Spend rating"]) <= {"Green", "Amber", "Red"}
    outcomes = frame_with(at, "Outcome", "Outcomes rating")
    assert "Be healthy" in set(outcomes["Outcome"])
    services = frame_with(at, "Service", "No return for")
    assert (services["No return for"] == "Q1, Q2").sum() == 1  # the one that never reported
    body = texts(at)
    assert "Services off track (" in body
    assert at.selectbox(key="monitor_to").value == (2027, 2)
    # An earlier quarter: fewer quarters, so no service is missing a second return.
    at.selectbox(key="monitor_to").select((2027, 1)).run()
    no_exception(at)
    services = frame_with(at, "Service", "No return for")
    assert (services["No return for"] == "Q1").sum() == 1


def test_downloads_a_district_report_and_the_updated_data() -> None:
    at = open_page("monitor")
    at.selectbox(key="monitor_report_district").select("PEN").run()
    at.button(key="monitor_make_report").click().run()
    no_exception(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download quarterly-PEN.pdf", "Download the updated data folder (zip)"]
    at.button(key="monitor_make_partnership").click().run()
    no_exception(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download partnership-report.pdf" in labels


def test_the_updated_data_zip_is_a_complete_valid_folder(tmp_path: Path) -> None:
    from commissioning.allocator import allocate
    from commissioning.app import monitor, state
    from commissioning.inputs import load
    from commissioning.inputs.returns import load_returns
    from commissioning.monitor.scorecard import plan_of, scorecard

    loaded = state.load(state.sample_source())
    inputs = load(ROOT / "data" / "sample")
    plan = plan_of(allocate(inputs))
    returns = load_returns(ROOT / "data" / "sample" / "returns.csv", inputs.data, plan)
    content, n = monitor._updated_zip(loaded, scorecard(inputs.data, plan, returns))
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        z.extractall(tmp_path)
    folder = tmp_path / "updated-data"
    assert n > 100 and "README.md" in {p.name for p in folder.iterdir()}
    assert load(folder).data.initiatives  # valid, with its scenario


def test_bad_returns_are_listed_with_every_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", folder)
    monkeypatch.setenv("COMMISSIONING_DATA_ROOT", str(tmp_path))  # the folder box may open it
    text = BAD_RETURNS.read_text().replace("1001", "CC-BUR-01").replace("1002", "YW-BUR-01")
    (folder / "returns.csv").write_text(text.replace("1003", "SNP-BUR-01"))
    at = open_page("register")
    at.text_input(key="folder_path").input(str(folder)).run()
    at.button(key="load_folder").click().run()
    at.switch_page("commissioning/app/monitor.py").run()
    no_exception(at)
    assert "The returns cannot be used: 4 problems" in texts(at)
    problems = frame_with(at, "Severity", "Problem")
    assert list(problems["Row"].astype(str)) == ["2", "3", "4", "5"]


def test_returns_are_kept_in_the_store(store_url: str) -> None:
    at = open_page("monitor")
    at.button(key="monitor_keep").click().run()
    no_exception(at)
    assert "Kept as returns number 1, for run" in texts(at)
    at.button(key="monitor_keep").click().run()
    assert "already kept as number 1" in texts(at)


def test_planning_again_on_the_updated_data_shows_what_changed() -> None:
    at = open_page("monitor")
    at.toggle(key="monitor_replan").set_value(True).run()
    no_exception(at)
    body = " ".join(str(m.value) for m in at.markdown)
    assert "Planned again on the updated data, the same scenario changes the final-year" in body
    at.button(key="monitor_use_updated").click().run()
    no_exception(at)
    assert "updated from returns to 2027 quarter 2" in texts(at)
