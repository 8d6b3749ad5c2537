"""The cost library (costs.csv) and its price index (prices.csv): model version 3."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from commissioning.allocator.formulation import outcome_values, present_value
from commissioning.explain.costs import cost_library
from commissioning.inputs import InputError, fingerprint, load
from commissioning.inputs.snapshot import from_snapshot, to_snapshot
from tests.inputs.helpers import DATA, to_workbook, workbook_bytes

COSTS = DATA / "valid_costs"


def test_costs_are_read_repriced_and_discounted() -> None:
    inputs = load(COSTS)
    care = next(c for c in inputs.data.costs if c.cost_id == "FAM-CARE")
    assert (care.level, care.stream_id, care.cashable, care.price_year) == (2, "CORE", 0.7, 2015)
    asb = next(c for c in inputs.data.costs if c.cost_id == "FAM-ASB")
    assert asb.stream_id is None and asb.cashable == 0.0
    # 5% of families, £73,306 a year in 2015 prices (x 100/80), for 2 years from the next
    pv = 0.05 * 73306 * 1.25 * (1.035**-1 + 1.035**-2)
    assert present_value(inputs, care) == pytest.approx(pv)
    values = outcome_values(inputs)
    drug = 0.3 * 4992 * 1.25 / 1.035
    assert values[2] == pytest.approx(pv + drug + 0.2 * 10000 * 1.25)
    assert values[4] == 6.0  # named in the scenario: its own figure, read as pounds
    assert values[1] == pytest.approx(0.01 * 2740 / 1.035)


def test_the_library_warns_of_blank_cashable_and_uncosted_levels() -> None:
    warnings = [str(w) for w in load(COSTS).warnings]
    assert any(
        "costs.csv row 5, column cashable: cost EXCL-3 is paid by stream CORE but its cashable "
        "share is blank" in w
        for w in warnings
    )
    assert any("no cost row for level 4" in w for w in warnings)


def test_without_prices_other_years_are_a_warning(tmp_path: Path) -> None:
    folder = shutil.copytree(COSTS, tmp_path / "data")
    (folder / "prices.csv").unlink()
    inputs = load(folder)
    said = [str(w) for w in inputs.warnings if w.column == "price_year"]
    assert len(said) == 4  # every row but the one in 2027 prices
    assert "costs.csv row 2, column price_year: this cost is in 2015 prices" in said[0]
    care = next(c for c in inputs.data.costs if c.cost_id == "FAM-CARE")
    assert present_value(inputs, care) == pytest.approx(0.05 * 73306 * (1.035**-1 + 1.035**-2))


def test_prices_without_costs_are_ignored_with_a_warning(tmp_path: Path) -> None:
    folder = shutil.copytree(COSTS, tmp_path / "data")
    (folder / "costs.csv").unlink()
    inputs = load(folder)
    assert not inputs.data.prices and not inputs.data.has_costs
    assert any(
        "prices.csv: there is a price index but no cost library" in str(w) for w in inputs.warnings
    )


def test_a_workbook_with_cost_sheets_equals_the_csv_folder(tmp_path: Path) -> None:
    from_csv = load(COSTS)
    from_xlsx = load(to_workbook(COSTS, tmp_path / "book"))
    assert dataclasses.replace(from_xlsx.data, source="") == dataclasses.replace(
        from_csv.data, source=""
    )
    assert fingerprint(from_xlsx) == fingerprint(from_csv)


def test_a_cost_sheet_mistake_is_located_in_the_workbook(tmp_path: Path) -> None:
    def break_it(wb):
        wb["costs"]["E3"] = -5  # annual_cost of FAM-DRUG
        wb["costs"]["H2"] = "LOTTERY"  # stream_id of FAM-CARE

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "plan.xlsx").write_bytes(workbook_bytes(COSTS, break_it))
    shutil.copy(COSTS / "scenario.yaml", folder)
    with pytest.raises(InputError) as e:
        load(folder)
    got = [str(p) for p in e.value.problems]
    assert any(
        g.startswith("plan.xlsx (sheet costs) row 3, column annual_cost: -5 is out of range")
        for g in got
    )
    assert any(
        g.startswith("plan.xlsx (sheet costs) row 2, column stream_id: unknown stream 'LOTTERY'")
        for g in got
    )


def test_the_library_travels_in_snapshots_and_fingerprints() -> None:
    inputs = load(COSTS)
    again = from_snapshot(to_snapshot(inputs))
    assert again == inputs and fingerprint(again) == fingerprint(inputs)
    cheaper = dataclasses.replace(
        inputs,
        data=dataclasses.replace(
            inputs.data,
            costs=tuple(
                dataclasses.replace(c, annual_cost=c.annual_cost - 1) for c in inputs.data.costs
            ),
        ),
    )
    assert fingerprint(cheaper) != fingerprint(inputs)


def test_the_costs_view_adds_up_a_worked_example() -> None:
    library = cost_library(load(COSTS))
    [family] = library.groups()
    assert family.label == "Example family" and len(family.lines) == 3
    assert family.annual_cost == 73306 + 4992 + 10000
    assert family.annual_cost_plan == pytest.approx((73306 + 4992 + 10000) * 1.25)
    assert library.named_levels == (4,)


def test_the_costs_command_prints_the_library(capsys) -> None:
    from commissioning.cli import main

    assert main(["costs", str(COSTS)]) == 0
    out = capsys.readouterr().out
    assert (
        "Example family: 3 costs adding up to £88,298 a year in 2015 prices "
        "(£110,372 in 2027 prices)" in out
    )
    assert "Level 4: £6 (set in the scenario)" in out
