"""Numbers at the edges of what the model is solved with: refused beyond, agreed within.

Below the documented floors (a unit cost under £1, say) HiGHS and CBC disagree about the
optimum, or fail; such values are input errors. At the limits themselves, both solvers
find the same optimum (docs/limits.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.inputs import InputError, load
from tests.allocator.checker import check_plan
from tests.inputs.helpers import copy_valid, edit_cell


def _extreme(folder: Path) -> Path:
    """The small fixture with every number the limits allow at one end or the other."""
    edits = [
        ("initiatives", 3, "unit_cost", "1"),  # 1002: the smallest unit cost
        ("initiatives", 5, "unit_cost", "1000000"),  # 1004: the largest
        ("initiatives", 5, "effect", "0.001"),
        ("initiatives", 5, "current_budget", "1"),  # the smallest amount other than 0
        ("initiatives", 5, "max_budget", "80000"),
        ("initiatives", 10, "max_budget", "10000000000"),  # 1009: the largest amount
        ("initiatives", 7, "min_viable", "1"),
        ("districts", 3, "demand_2", "1000000000"),  # STH, where unit cost is £1
        ("districts", 2, "need_index", "100"),
        ("districts", 4, "need_index", "0.01"),
        ("priorities", 2, "weight", "0.001"),
        ("priorities", 3, "weight", "1000"),
        ("budgets", 3, "amount", "10000000000"),  # CORE 2027
    ]
    for table, row, column, value in edits:
        edit_cell(folder, table, row, column, value)
    return folder


def test_values_beyond_the_limits_are_input_errors(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    edit_cell(folder, "initiatives", 2, "unit_cost", "0.000001")
    edit_cell(folder, "initiatives", 3, "unit_cost", "1e-20")
    edit_cell(folder, "initiatives", 4, "effect", "0.0001")
    edit_cell(folder, "initiatives", 5, "max_budget", "20000000000")
    edit_cell(folder, "budgets", 2, "amount", "0.5")
    edit_cell(folder, "priorities", 2, "weight", "1e-9")
    with pytest.raises(InputError) as e:
        load(folder)
    limits = "the toolkit plans with reliably (the limits are in docs/limits.md)"
    assert sorted(str(p) for p in e.value.problems) == sorted(
        [
            f"budgets.csv row 2, column amount: 0.5 is below £1, the smallest amount of money "
            f"other than 0 that {limits}",
            f"priorities.csv row 2, column weight: 1e-9 is below 0.001, the smallest priority "
            f"weight that {limits}",
            f"initiatives.csv row 2, column unit_cost: 0.000001 is below £1, the smallest unit "
            f"cost that {limits}",
            f"initiatives.csv row 3, column unit_cost: 1e-20 is below £1, the smallest unit "
            f"cost that {limits}",
            f"initiatives.csv row 4, column effect: 0.0001 is below 0.001, the smallest effect "
            f"that {limits}",
            f"initiatives.csv row 5, column max_budget: 20000000000 is above "
            f"£10,000,000,000, the largest amount of money that {limits}",
        ]
    )


def test_scenario_values_beyond_the_limits_are_input_errors(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    path = folder / "scenario.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("max_growth: 0.25", "max_growth: 1.0e+300")
    text = text.replace("4: 6.0}", "4: 1.0e-300}")
    text = text.replace("priority_weights: {P2: 1.5}", "priority_weights: {P2: 5000}")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load(folder)
    limits = "the toolkit plans with reliably (the limits are in docs/limits.md)"
    assert sorted(str(p) for p in e.value.problems) == [
        f"scenario.yaml line 11, key outcome_value: outcome_value of 4: 1e-300 is below 0.001, "
        f"the smallest outcome value that {limits}",
        f"scenario.yaml line 12, key priority_weights: priority_weights of P2: 5000 is above "
        f"1,000, the largest priority weight that {limits}",
        f"scenario.yaml line 6, key max_growth: 1e+300 is above 100, the largest "
        f"yearly growth that {limits}",
    ]


def test_a_value_breaking_its_own_rule_gets_one_message_not_two(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "data")
    edit_cell(folder, "initiatives", 2, "unit_cost", "0")
    with pytest.raises(InputError) as e:
        load(folder)
    assert [str(p) for p in e.value.problems] == [
        "initiatives.csv row 2, column unit_cost: 0 is out of range: must be greater than 0"
    ]


def test_highs_and_cbc_agree_at_the_limits(tmp_path: Path) -> None:
    inputs = load(_extreme(copy_valid(tmp_path / "data")))
    plans = {solver: allocate(inputs, solver) for solver in ("highs", "cbc")}
    for result in plans.values():
        assert result.status == "optimal"
        assert check_plan(inputs, result.to_json()) == []
    assert plans["cbc"].objective == pytest.approx(plans["highs"].objective, rel=1e-6)
    # The £1 service really is planned with: its participants are its budget.
    proposed = {r.initiative_id: dict(r.proposed) for r in plans["highs"].initiatives}
    assert proposed["1002"][2027] > 0


def test_highs_and_cbc_agree_at_the_limits_in_pounds(tmp_path: Path) -> None:
    """A cost library at its limits, with everything reinvested and a level valued at the
    largest figure the scenario allows: still one optimum for both solvers."""
    import shutil

    from tests.inputs.helpers import DATA

    folder = _extreme(Path(shutil.copytree(DATA / "valid_costs", tmp_path / "data")))
    edit_cell(folder, "costs", 2, "annual_cost", "10000000000")
    edit_cell(folder, "costs", 3, "probability", "0.000001")
    path = folder / "scenario.yaml"
    text = path.read_text(encoding="utf-8").replace("{4: 6.0}", "{4: 10000000}")
    path.write_text(text.replace("reinvest: 0.5", "reinvest: 1.0"), encoding="utf-8")
    inputs = load(folder)
    plans = {solver: allocate(inputs, solver) for solver in ("highs", "cbc")}
    for result in plans.values():
        assert result.status == "optimal" and result.value_unit == "weighted £ avoided"
        assert check_plan(inputs, result.to_json()) == []
    assert plans["cbc"].objective == pytest.approx(plans["highs"].objective, rel=1e-6)
