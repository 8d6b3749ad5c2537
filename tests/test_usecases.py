"""The use cases both front ends call: a result file checked against its data, a run kept
(or why not), and files loaded as a folder is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commissioning.allocator import InfeasiblePlan, allocate
from commissioning.inputs.read import SCENARIO_FILE
from commissioning.usecases import (
    NoPlan,
    ResultMismatch,
    load,
    load_files,
    read_result,
    record_run,
)
from tests.allocator.builders import initiative, make_inputs

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _one_service(budget: float = 20_000.0, floor: float = 0.0):
    """One existing service of £10,000 in a stream of `budget`; a floor above the budget
    leaves no plan."""
    service = initiative("A1", current_budget=10_000.0, min_budget=floor, max_budget=30_000.0)
    return make_inputs([service], budgets={"S1": budget})


def _written(result, tmp_path: Path) -> Path:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result.to_json()), encoding="utf-8")
    return path


def test_a_result_file_is_read_back_for_its_own_data(tmp_path):
    inputs = _one_service()
    made = allocate(inputs)
    again = read_result(_written(made, tmp_path), inputs)
    assert again.made_from(inputs)
    assert again.initiatives_by_id["A1"].final == pytest.approx(made.initiatives_by_id["A1"].final)


def test_a_result_file_of_other_data_is_refused_naming_both_fingerprints(tmp_path):
    inputs, other = _one_service(20_000.0), _one_service(25_000.0)
    path = _written(allocate(inputs), tmp_path)
    with pytest.raises(ResultMismatch) as caught:
        read_result(path, other)
    assert caught.value.found != caught.value.expected
    assert str(caught.value).startswith(f"{path} was made from other inputs")
    assert not allocate(inputs).made_from(other)


def test_a_result_without_a_plan_is_refused_where_a_plan_is_needed(tmp_path):
    inputs = _one_service(20_000.0, floor=25_000.0)  # the floor is more than the money
    with pytest.raises(InfeasiblePlan) as caught:
        allocate(inputs)
    path = _written(caught.value.result, tmp_path)
    with pytest.raises(NoPlan, match="infeasible scenario"):
        read_result(path, inputs)
    assert read_result(path, inputs, need_plan=False).status == "infeasible"


def test_a_run_is_kept_and_its_result_carries_the_trail_head():
    inputs = _one_service()
    kept = record_run(inputs, allocate(inputs), origin="cli")
    assert kept.warning is None and kept.error is None and kept.value is not None
    run_id, issued = kept.value
    assert run_id and issued.provenance.audit_head is not None


def test_a_store_that_cannot_be_used_is_reported_not_raised(tmp_path):
    inputs = _one_service()
    folder = tmp_path / "a folder"
    folder.mkdir()
    kept = record_run(inputs, allocate(inputs), database=str(folder))
    assert kept.value is None and kept.error is not None
    assert kept.warning is not None
    assert kept.warning.startswith("the plan was not stored as a run in sqlite:///")


def test_files_load_as_their_folder_does():
    files = {p.name: p.read_bytes() for p in SAMPLE.glob("*.csv") if p.stem != "returns"}
    found = load_files(files, "sample", (SAMPLE / SCENARIO_FILE).read_bytes())
    folder = load(SAMPLE)
    assert found.errors == () and found.scenario_problems == ()
    assert found.data is not None
    assert found.data.initiatives == folder.data.initiatives
    assert found.data.budgets == folder.data.budgets
    assert found.scenario == folder.scenario.to_dict()


def test_files_without_a_scenario_get_the_default_over_the_years_every_stream_covers():
    files = {p.name: p.read_bytes() for p in SAMPLE.glob("*.csv") if p.stem != "returns"}
    found = load_files(files, "sample")
    assert found.scenario is not None and found.scenario_problems == ()
    # the sample's six streams each have a budget for 2027, 2028 and 2029
    assert found.scenario["name"] == "Default scenario"
    assert (found.scenario["start_year"], found.scenario["horizon"]) == (2027, 3)


def test_a_broken_scenario_is_reported_and_the_default_used():
    files = {p.name: p.read_bytes() for p in SAMPLE.glob("*.csv") if p.stem != "returns"}
    found = load_files(files, "sample", b"start_year: [not a year\n")
    assert found.scenario_problems, "the scenario's problem is named"
    assert found.scenario is not None and found.scenario["name"] == "Default scenario"
