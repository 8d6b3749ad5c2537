"""The plain-text summary and the money format other layers reuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.formatting import format_money, signed_money
from commissioning.inputs import load
from commissioning.inputs.summary import committed, summarise
from tests.inputs.helpers import VALID, copy_valid, edit_cell


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0, "£0"),
        (0.4, "£0"),
        (-0.4, "£0"),
        (999, "£999"),
        (1234567, "£1,234,567"),
        (1234567.89, "£1,234,568"),
        (-1234, "-£1,234"),
    ],
)
def test_format_money(x: float, text: str) -> None:
    assert format_money(x) == text


@pytest.mark.parametrize(
    ("x", "text"), [(1234.4, "+£1,234"), (-1234.6, "-£1,235"), (0.4, "£0"), (-0.4, "£0")]
)
def test_signed_money(x: float, text: str) -> None:
    assert signed_money(x) == text


def test_format_money_refuses_nan() -> None:
    with pytest.raises(ValueError):
        format_money(float("nan"))


def test_committed_is_the_floor() -> None:
    data = load(VALID).data
    school_nursing = data.initiative("1003")  # min 200,000, current 250,000 to 2029
    assert committed(school_nursing, 2029) == 250000
    assert committed(school_nursing, 2030) == 200000
    assert committed(data.initiative("1008"), 2027) == 0  # candidate


def test_summary_says_what_a_commissioner_checks_first() -> None:
    text = summarise(load(VALID))
    for part in [
        "Scenario: Small test plan, 2027-2029 (3 years)",
        "Districts: 3 in 2 localities",
        "South: STH, WST",
        "Initiatives: 10 (7 existing, 3 candidate; 3 county-wide)",
        "Current spend: £990,000 a year",
        "P1 Best start in life",
        "shared (eligible for several streams)",
        "2027  £2,300,000   £990,000  £1,310,000",
        "2029  £2,290,000   £250,000  £2,040,000",
        "Warnings: none",
    ]:
        assert part in text, part
    assert "nan" not in text and "None" not in text


def test_summary_lists_warnings_and_overcommitment(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "initiatives", 3, "contract_end", "")
    edit_cell(folder, "budgets", 3, "amount", "0")
    edit_cell(folder, "budgets", 6, "amount", "0")
    edit_cell(folder, "budgets", 9, "amount", "0")
    text = summarise(load(folder))
    assert "Warnings (1):" in text
    assert "initiatives.csv row 3, column contract_end" in text
    assert "Committed spend exceeds the envelope" in text


def test_summary_groups_a_long_run_of_one_warning(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    for row in range(2, 9):  # every existing service loses its contract_end
        edit_cell(folder, "initiatives", row, "contract_end", "")
    edit_cell(folder, "priorities", 2, "name", "A priority with a very long name " * 3)
    inputs = load(folder)
    assert len(inputs.warnings) == 7
    text = summarise(inputs)
    assert text.count("column contract_end: existing service") == 3
    assert (
        "... and 4 more like these in initiatives.csv column contract_end (rows 5, 6, 7, 8)" in text
    )
    assert "P1 A priority with a very long name A priority…" in text
