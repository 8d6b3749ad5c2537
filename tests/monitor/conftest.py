"""The hand-worked monitoring fixture: the small valid data, a hand-made plan, hand returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.inputs import DataSet, load_data
from commissioning.inputs.returns import Returns, load_returns

DATA = Path(__file__).resolve().parent.parent / "data"
VALID = DATA / "valid_small"
RETURNS = DATA / "returns_small" / "returns.csv"

PLAN_2027 = {
    "1001": 120_000.0,  # unit cost £300: 100 participants a quarter, effect 10%
    "1002": 96_000.0,  # £1,200: 20 a quarter, 25%
    "1003": 240_000.0,  # £150: 400 a quarter, 5%
    "1004": 80_000.0,  # £2,000: 10 a quarter, 20%
    "1005": 360_000.0,  # £9,000: 10 a quarter, 40%
    "1006": 64_000.0,  # £800: 20 a quarter, 30%
}


@pytest.fixture(scope="session")
def data() -> DataSet:
    return load_data(VALID)[0]


@pytest.fixture(scope="session")
def plan(data: DataSet) -> dict[str, dict[int, float]]:
    """Every service, every year: the amounts above in 2027, the same in 2028, £0 otherwise."""
    return {
        i.initiative_id: {y: PLAN_2027.get(i.initiative_id, 0.0) for y in (2027, 2028, 2029)}
        for i in data.initiatives
    }


@pytest.fixture(scope="session")
def returns(data: DataSet, plan: dict[str, dict[int, float]]) -> Returns:
    return load_returns(RETURNS, data, plan)
