"""Loading the valid fixture: the typed objects, defaults, warnings and the entry points."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from commissioning.inputs import (
    InputError,
    Inputs,
    load,
    load_data,
    parse_scenario,
    read_tables,
    with_scenario,
)
from commissioning.inputs.model import DEFAULT_EVIDENCE_MULTIPLIER
from commissioning.inputs.validate import validate_tables
from tests.inputs.helpers import VALID, copy_valid, edit_cell, read_rows, write_rows


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return load(VALID)


def test_valid_fixture_loads_without_warnings(inputs: Inputs) -> None:
    data = inputs.data
    assert [d.district_id for d in data.districts] == ["NTH", "STH", "WST"]
    assert [s.stream_id for s in data.streams] == ["CORE", "PH", "NHS"]
    assert [p.priority_id for p in data.priorities] == ["P1", "P2"]
    assert len(data.outcomes) == 3
    assert len(data.initiatives) == 10
    assert inputs.warnings == ()
    assert data.source == str(VALID)


def test_values_are_typed(inputs: Inputs) -> None:
    data = inputs.data
    nth = data.district("NTH")
    assert nth.children == 24000 and nth.need_index == 1.2
    assert nth.demand == (6000.0, 1500.0, 400.0, 120.0)
    assert data.streams_by_id["PH"].ring_fenced is True
    assert data.streams_by_id["NHS"].ring_fenced is False  # written "no"
    assert data.budget("NHS", 2029) == 540000.0
    i = data.initiative("1005")
    assert i.level == 4 and i.status == "existing" and i.mixed_findings is True
    assert i.funding == ("CORE", "NHS") and i.outcomes == ("SAFE",)
    assert i.contract_end == 2028 and i.min_viable == 150000.0
    assert data.initiative("1008").contract_end is None


def test_ids_are_text_with_leading_zeros(inputs: Inputs) -> None:
    assert "0110" in inputs.data.initiatives_by_id
    assert inputs.data.initiative("1009").name == "Incredible Years, school age"


def test_extra_columns_are_kept(inputs: Inputs) -> None:
    assert inputs.data.initiative("1001").extra == {"notes": "Runs three hubs"}
    assert inputs.data.initiative("1002").extra == {"notes": ""}


def test_scenario_defaults_merged_and_ids_as_text(inputs: Inputs) -> None:
    sc = inputs.scenario
    assert sc.years == (2027, 2028, 2029)
    assert sc.prevention_share == (0.5, 0.5, 0.5)
    assert sc.lock == ("1003",)  # YAML `lock: [1003]` is the id "1003"
    assert dict(sc.outcome_value) == {1: 1.0, 2: 1.5, 3: 3.0, 4: 6.0}
    assert dict(sc.evidence_multiplier) == dict(DEFAULT_EVIDENCE_MULTIPLIER)
    assert dict(sc.priority_weights) == {"P2": 1.5}
    assert sc.description == "A tiny partnership used by the tests."


def test_optional_columns_take_defaults(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    path = folder / "initiatives.csv"
    rows = read_rows(path)
    drop = {rows[0].index(c) for c in ("mixed_findings", "min_budget", "min_viable")}
    write_rows(path, [[c for k, c in enumerate(r) if k not in drop] for r in rows])
    i = load(folder).data.initiative("1005")
    assert (i.mixed_findings, i.min_budget, i.min_viable) == (False, 0.0, 0.0)


def test_missing_contract_end_column_means_no_contracts(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    path = folder / "initiatives.csv"
    rows = read_rows(path)
    k = rows[0].index("contract_end")
    write_rows(path, [r[:k] + r[k + 1 :] for r in rows])
    inputs = load(folder)
    assert all(i.contract_end is None for i in inputs.data.initiatives)
    assert [w.row for w in inputs.warnings] == [2, 3, 4, 5, 6, 7, 8]  # the funded services


def test_headers_in_any_case_and_money_with_commas(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "initiatives", 2, "unit_cost", "£1,300")
    edit_cell(folder, "initiatives", 2, "mixed_findings", "YES")
    edit_cell(folder, "initiatives", 2, "sector", "Council")
    path = folder / "initiatives.csv"
    rows = read_rows(path)
    rows[0][rows[0].index("unit_cost")] = " Unit Cost "
    write_rows(path, rows)
    i = load(folder).data.initiative("1001")
    assert (i.unit_cost, i.mixed_findings, i.sector) == (1300.0, True, "council")


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    path = folder / "initiatives.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0], rows[1], [], *rows[2:], ["", "", ""]])
    edit_cell(folder, "initiatives", 5, "level", "9")  # row 5 is 1003 once the blank counts
    with pytest.raises(InputError) as e:
        load(folder)
    assert "initiatives.csv row 5, column level: 9 is out of range" in str(e.value)


def test_warnings_are_kept_apart(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    (folder / "districts.csv").write_text(
        (folder / "districts.csv").read_text() + "EST,Eastleigh,East,9000,1.1,1,1,1,1\n"
    )
    edit_cell(folder, "initiatives", 3, "contract_end", "")  # 1002, funded
    edit_cell(folder, "initiatives", 4, "evidence_level", "NE")  # 1003, funded and locked
    inputs = load(folder)
    text = [str(w) for w in inputs.warnings]
    assert all(w.severity == "warning" for w in inputs.warnings)
    expected = [
        "districts.csv row 5, column district_id: district EST has no initiative of its own",
        "initiatives.csv row 3, column contract_end: existing service 1002 is funded",
        "initiatives.csv row 4, column evidence_level: service 1003 is rated NE",
        "scenario.yaml line 13, key lock: initiative 1003 is locked although its evidence "
        "multiplier is 0",
    ]
    for e in expected:
        assert any(t.startswith(e) for t in text), (e, text)
    assert len(text) == 4


def test_warnings_travel_with_errors(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "initiatives", 3, "contract_end", "")
    edit_cell(folder, "initiatives", 5, "unit_cost", "zero")
    with pytest.raises(InputError) as e:
        load(folder)
    assert len(e.value.problems) == 1
    assert [w.column for w in e.value.warnings] == ["contract_end"]
    rows = e.value.table()
    assert rows[0] == {
        "severity": "error",
        "file": "initiatives.csv",
        "sheet": "",
        "row": 5,
        "column": "unit_cost",
        "value": "zero",
        "message": "'zero' is not a number",
    }
    assert rows[1]["severity"] == "warning"


def test_all_problems_in_all_files_at_once(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "districts", 2, "children", "-3")
    edit_cell(folder, "funding_streams", 2, "ring_fenced", "perhaps")
    edit_cell(folder, "budgets", 3, "amount", "lots")
    edit_cell(folder, "priorities", 3, "weight", "0")
    edit_cell(folder, "outcomes", 2, "name", "")
    edit_cell(folder, "initiatives", 11, "status", "planned")
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("horizon: 3", "horizon: two"))
    with pytest.raises(InputError) as e:
        load(folder)
    where = [p.where() for p in e.value.problems]
    assert where == [
        "districts.csv row 2, column children",
        "funding_streams.csv row 2, column ring_fenced",
        "budgets.csv row 3, column amount",
        "priorities.csv row 3, column weight",
        "outcomes.csv row 2, column name",
        "initiatives.csv row 11, column status",
        "scenario.yaml line 4, key horizon",
    ]


def test_scenario_path_overrides_folder_default(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("name: Other\nstart_year: 2027\nhorizon: 2\n")
    inputs = load(VALID, other)
    assert inputs.scenario.name == "Other" and inputs.scenario.horizon == 2
    assert inputs.scenario.lock == () and inputs.scenario.max_growth == 0.25


def test_missing_scenario_path_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load(VALID, tmp_path / "nope.yaml")
    assert "nope.yaml: no such file" in str(e.value)
    with pytest.raises(InputError) as e:
        load(tmp_path / "absent")
    assert [p.message for p in e.value.problems] == ["no such folder"]


def test_budgets_checked_against_the_chosen_scenario(tmp_path: Path) -> None:
    later = tmp_path / "later.yaml"
    later.write_text("name: Later\nstart_year: 2029\nhorizon: 2\n")
    with pytest.raises(InputError) as e:
        load(VALID, later)
    messages = [str(p) for p in e.value.problems]
    assert len(messages) == 3  # each stream lacks 2030
    assert all("has no budget row for 2030" in m for m in messages)


def test_load_data_alone() -> None:
    data, warnings = load_data(VALID)
    assert len(data.initiatives) == 10 and warnings == ()


def test_load_data_raises_with_every_problem(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "initiatives", 2, "level", "0")
    edit_cell(folder, "initiatives", 3, "level", "x")
    with pytest.raises(InputError) as e:
        load_data(folder)
    assert [p.row for p in e.value.problems] == [2, 3]


def test_uploaded_bytes_read_like_a_folder() -> None:
    files = {p.name: p.read_bytes() for p in VALID.iterdir()}
    from_upload = validate_tables(read_tables(files)).data
    from_folder = validate_tables(read_tables(VALID)).data
    assert from_upload is not None and from_folder is not None
    assert from_upload.initiatives == from_folder.initiatives
    assert from_upload.source == "uploaded files"


def test_parse_scenario_from_sliders(inputs: Inputs) -> None:
    raw = {
        "name": "Slider plan",
        "start_year": 2027,
        "horizon": 3,
        "prevention_share": [0.3, 0.4, 0.5],
        "outcome_value": {"3": 2.0},
        "evidence_multiplier": {"nl2": 0.1},
        "lock": ["1003", 1001],
        "exclude": [1009],
    }
    sc = parse_scenario(raw, inputs.data)
    assert sc.prevention_share == (0.3, 0.4, 0.5)
    assert sc.outcome_value[3] == 2.0 and sc.outcome_value[4] == 1.0
    assert sc.evidence_multiplier["NL2"] == 0.1
    assert sc.lock == ("1003", "1001") and sc.exclude == ("1009",)


def test_parse_scenario_reports_every_problem(inputs: Inputs) -> None:
    raw = {
        "name": "Bad",
        "start_year": 2027,
        "horizon": 1.5,
        "max_growth": -1,
        "ramp": "fast",
        "mixed_findings_factor": 2,
        "priority_weights": {"P9": 1.0},
        "lock": "1003",
        "extra": True,
    }
    with pytest.raises(InputError) as e:
        parse_scenario(raw, inputs.data, file="sliders")
    columns = [p.column for p in e.value.problems]
    assert columns == [
        "extra",
        "horizon",
        "max_growth",
        "ramp",
        "mixed_findings_factor",
        "priority_weights",
        "lock",
    ]
    assert "lock must be a list of initiative ids; write [1003]" in str(e.value)
    assert all(p.file == "sliders" for p in e.value.problems)


def test_with_scenario_keeps_data_warnings_and_replaces_scenario_ones(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "initiatives", 3, "contract_end", "")
    edit_cell(folder, "initiatives", 4, "evidence_level", "NE")
    inputs = load(folder)
    assert {w.column for w in inputs.warnings} == {"contract_end", "evidence_level", "lock"}
    again = with_scenario(inputs, {"name": "No lock", "start_year": 2027, "horizon": 2})
    assert {w.column for w in again.warnings} == {"contract_end", "evidence_level"}
    assert again.scenario.horizon == 2 and again.data is inputs.data
    bare = with_scenario(inputs.data, {"name": "x", "start_year": 2027, "horizon": 1})
    assert bare.warnings == ()
    with pytest.raises(InputError):
        with_scenario(inputs, {"name": "x", "start_year": 2027, "horizon": 9})


def test_loading_the_sample_size_is_fast(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    path = folder / "initiatives.csv"
    rows = read_rows(path)
    many = list(rows)
    for k in range(290):
        r = list(rows[1 + k % 10])
        r[0] = f"X{k:04d}"
        many.append(r)
    write_rows(path, many)
    start = time.perf_counter()
    inputs = load(folder)
    elapsed = time.perf_counter() - start
    assert len(inputs.data.initiatives) == 300
    assert elapsed < 0.5
