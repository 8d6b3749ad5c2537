"""With a cost library (model v3): cost avoided and cashable savings, realised against planned."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.allocator.formulation import outcome_values
from commissioning.allocator.result import Result
from commissioning.inputs import Inputs, load
from commissioning.inputs.returns import load_returns
from commissioning.monitor.scorecard import Scorecard, plan_of, scorecard
from commissioning.monitor.table import VALUE_COLUMNS, partners_csv, services_csv
from commissioning.monitor.value import value_card
from tests.monitor.conftest import RETURNS, VALID

# One cost a level, for one year from the year of the service (so no discounting):
# the value of an outcome is probability x annual cost: £100, £1,000, £2,000, £5,000.
COSTS = """cost_id,name,level,probability,annual_cost,years,lag,stream_id,cashable,price_year,source
L1,Universal service use,1,0.5,200,1,0,PH,0.5,2027,Test figure
L2,Child in need plan,2,0.2,5000,1,0,CORE,1,2027,Test figure
L3,Youth justice order,3,0.25,8000,1,0,,0,2027,Test figure
L4,Care placement,4,0.1,50000,1,0,NHS,0.2,2027,Test figure
"""


@pytest.fixture(scope="module")
def costed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inputs, Scorecard, Result]:
    folder = tmp_path_factory.mktemp("costed") / "data"
    shutil.copytree(VALID, folder)
    (folder / "costs.csv").write_text(COSTS)
    scenario = (folder / "scenario.yaml").read_text()
    lines = [x for x in scenario.splitlines() if not x.startswith("outcome_value")]
    (folder / "scenario.yaml").write_text("\n".join(lines) + "\n")
    inputs = load(folder)
    result = allocate(inputs)
    plan = plan_of(result)
    returns = load_returns(RETURNS, inputs.data, plan)
    return inputs, scorecard(inputs.data, plan, returns, (2027, 2)), result


def test_outcome_values_are_the_hand_figures(costed: tuple[Inputs, Scorecard, Result]) -> None:
    inputs, _, _ = costed
    assert outcome_values(inputs) == pytest.approx({1: 100, 2: 1000, 3: 2000, 4: 5000})


def test_cost_avoided_by_hand(costed: tuple[Inputs, Scorecard, Result]) -> None:
    inputs, card, result = costed
    value = value_card(inputs, result, card)
    assert value is not None
    s = card.service("1001")  # level 1, effect 10%, unit cost £300
    a = value.services["1001"]
    assert a.realised == pytest.approx(19 * 100)  # 19 outcomes x £100
    # the outcomes the plan expects by now (planned participants x effect) x £100: like with
    # like, without the plan's discount for the strength of the evidence
    assert a.planned == pytest.approx(s.figures.planned_spend / 300 * 0.1 * 100)
    a = value.services["1003"]  # level 1: 30 outcomes
    assert a.realised == pytest.approx(30 * 100)
    assert value.total.realised == pytest.approx(
        sum(c.figures.actual_outcomes * {1: 100, 2: 1000, 3: 2000, 4: 5000}[c.initiative.level]
            for c in card.services)
    )  # fmt: skip
    # Cashable: £50 an outcome at level 1 and £1,000 at level 2 to the Council; £1,000 at
    # level 4 to the NHS (20% of £5,000); level 3's cost has no payer in the plan.
    by_level: dict[int, float] = {}
    for c in card.services:
        lvl = c.initiative.level
        by_level[lvl] = by_level.get(lvl, 0.0) + c.figures.actual_outcomes
    council = value.cashable_by_partner["Council"]
    assert council.realised == pytest.approx(by_level.get(1, 0) * 50 + by_level.get(2, 0) * 1000)
    nhs = value.cashable_by_partner["NHS"]
    assert nhs.realised == pytest.approx(by_level.get(4, 0) * 1000)
    assert list(value.cashable_by_partner) == ["Council", "NHS"]


def test_csv_gains_the_value_columns(costed: tuple[Inputs, Scorecard, Result]) -> None:
    inputs, card, result = costed
    value = value_card(inputs, result, card)
    rows = list(csv.DictReader(io.StringIO(services_csv(card, value).decode())))
    assert tuple(rows[0])[-2:] == VALUE_COLUMNS
    row = next(r for r in rows if r["initiative_id"] == "1001")
    assert float(row["cost_avoided_realised"]) == 1900
    assert value is not None
    partners = list(csv.DictReader(io.StringIO(partners_csv(value).decode())))
    assert [p["partner"] for p in partners] == ["Council", "NHS"]


def test_without_a_cost_library_there_is_nothing_to_reckon(tmp_path: Path) -> None:
    inputs = load(VALID)
    result = allocate(inputs)
    plan = plan_of(result)
    card = scorecard(inputs.data, plan, load_returns(RETURNS, inputs.data, plan), (2027, 2))
    assert value_card(inputs, result, card) is None
    header = services_csv(card).decode().splitlines()[0]
    assert "cost_avoided" not in header
