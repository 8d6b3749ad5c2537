"""The allocate command end to end on the sample data: result file, workbook, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from commissioning.cli import main
from commissioning.inputs import load
from tests.allocator.checker import check_plan

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan")
    code = main(
        [
            "allocate",
            str(SAMPLE),
            "--out",
            str(out / "result.json"),
            "--xlsx",
            str(out / "plan.xlsx"),
        ]
    )
    return code, out


def test_sample_plan_is_optimal_and_obeys_every_rule(solved):
    code, out = solved
    assert code == 0
    doc = json.loads((out / "result.json").read_text())
    assert doc["status"] == "optimal"
    assert set(doc) >= {
        "status",
        "objective",
        "years",
        "allocations",
        "initiatives",
        "constraints",
        "diagnosis",
        "provenance",
    }
    assert doc["years"] == [2027, 2028, 2029]
    inputs = load(SAMPLE)
    assert len(doc["initiatives"]) == len(inputs.data.initiatives)
    assert check_plan(inputs, doc) == []
    names = [c["name"] for c in doc["constraints"]]
    assert len(names) == len(set(names))
    assert all(a["amount"] > 0.005 for a in doc["allocations"])
    for c in doc["constraints"]:
        assert c["slack"] >= -1e-6 * max(1.0, abs(c["bound"]))
        if c["shadow_price"] is not None and c["family"] != "lock":
            assert c["shadow_price"] >= 0
    assert len(doc["provenance"]["inputs_sha256"]) == 64
    decisions = {r["decision"] for r in doc["initiatives"]}
    assert {"commission", "decommission", "grow"} <= decisions


def test_sample_plan_moves_money_towards_prevention(solved, capsys):
    _, out = solved
    doc = json.loads((out / "result.json").read_text())
    inputs = load(SAMPLE)
    level = {i.initiative_id: i.level for i in inputs.data.initiatives}
    today = sum(i.current_budget for i in inputs.data.initiatives if i.level <= 2)
    final = sum(r["proposed"]["2029"] for r in doc["initiatives"] if level[r["initiative_id"]] <= 2)
    assert final > today * 1.1


def test_workbook_has_the_plan_and_summaries(solved):
    _, out = solved
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    assert wb.sheetnames == [
        "Plan",
        "By district",
        "By level",
        "By priority",
        "By stream",
        "Binding rules",
        "Allocations",
        "About",
        "Cost library",
        "Value of an outcome",
        "Invest to save",
        "Columns",
    ]
    plan = wb["Plan"]
    assert plan.auto_filter.ref == f"A1:{plan.cell(1, plan.max_column).column_letter}{plan.max_row}"
    described = {(r[0].value, r[1].value): r[2].value for r in wb["Columns"].iter_rows(min_row=2)}
    for ws in wb.worksheets[:-1]:
        for cell in ws[1]:
            assert described[(ws.title, cell.value)], (ws.title, cell.value)
    assert described[("Plan", "£ of late-intervention cost avoided per £1 (weighted)")].startswith(
        "The plan's value"
    )
    # one type per column: the value per £ column holds numbers only
    column = [c.value for c in plan[1]].index(
        "£ of late-intervention cost avoided per £1 (weighted)"
    )
    assert all(isinstance(r[column].value, int | float) for r in plan.iter_rows(min_row=2))
    header = [c.value for c in plan[1]]
    assert header[:3] == ["Initiative", "Name", "Provider"]
    assert "Decision" in header and "2029" in header
    assert plan.max_row == len(load(SAMPLE).data.initiatives) + 1


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "initiatives.csv"
    lines = path.read_text().splitlines()
    first = lines[1].split(",")
    first[1] = '=HYPERLINK("http://example.org";"click")'.replace(",", ";")
    lines[1] = ",".join(first)
    path.write_text("\n".join(lines) + "\n")
    assert main(["allocate", str(data), "--xlsx", str(tmp_path / "plan.xlsx")]) == 0
    cell = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Plan"]["B2"]
    assert cell.value.startswith("=HYPERLINK")
    assert cell.data_type == "s"


def test_infeasible_scenario_exits_3_with_a_diagnosis(tmp_path, capsys):
    scenario = yaml.safe_load((SAMPLE / "scenario.yaml").read_text())
    scenario["prevention_share"] = 0.95
    (tmp_path / "hard.yaml").write_text(yaml.safe_dump(scenario))
    code = main(
        [
            "allocate",
            str(SAMPLE),
            "--scenario",
            str(tmp_path / "hard.yaml"),
            "--out",
            str(tmp_path / "result.json"),
        ]
    )
    assert code == 3
    doc = json.loads((tmp_path / "result.json").read_text())
    assert doc["status"] == "infeasible" and doc["objective"] is None
    assert any(d["family"] == "prevention" for d in doc["diagnosis"])
    err = capsys.readouterr().err
    assert "cannot all hold" in err and "Levels 1-2 would need" in err


def test_invalid_input_exits_2_and_writes_nothing(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    path = data / "initiatives.csv"
    path.write_text(path.read_text().replace(",LCC;PH\n", ",LCC;PHX\n", 1))
    before["initiatives.csv"] = path.read_bytes()
    code = main(["allocate", str(data), "--out", str(tmp_path / "result.json")])
    assert code == 2
    assert not (tmp_path / "result.json").exists()
    err = capsys.readouterr().err
    assert "initiatives.csv row 2, column funding" in err
    assert "PHX" in err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_the_terminal_summary_names_budgets_that_turn():
    from commissioning.allocator import allocate
    from commissioning.explain.summary import find_journeys
    from commissioning.export.text import plan_text

    inputs = load(SAMPLE)
    result = allocate(inputs)
    text = plan_text(inputs, result)
    journeys = find_journeys(inputs, result)
    assert f"Budgets that turn within the plan: {len(journeys)} services" in text
    assert f"{journeys[0].name} ({journeys[0].initiative_id}): {journeys[0].brief}" in text
    assert "pause" not in text.lower()
