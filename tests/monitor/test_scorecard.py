"""The scorecard of the hand-worked fixture, figure by figure, and the RAG rule's boundaries.

Fixture (tests/monitor/conftest.py, tests/data/returns_small): to 2027 quarter 2, so every
planned figure is half the year's.
"""

from __future__ import annotations

import pytest

from commissioning.inputs import DataSet
from commissioning.inputs.returns import Returns
from commissioning.monitor.scorecard import (
    Scorecard,
    delivery_rag,
    parse_quarter,
    scorecard,
    spend_rag,
    wilson,
    worst,
)

Plan = dict[str, dict[int, float]]


@pytest.fixture(scope="module")
def card(data: DataSet, plan: Plan, returns: Returns) -> Scorecard:
    return scorecard(data, plan, returns, (2027, 2))


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("actual", "planned", "rag"),
    [
        (95, 100, "green"),  # exactly 95%
        (94.99, 100, "amber"),  # just below
        (190, 200, "green"),
        (189, 200, "amber"),
        (80, 100, "amber"),  # exactly 80%
        (79.99, 100, "red"),  # just below
        (640, 800, "amber"),
        (639, 800, "red"),
        (150, 100, "green"),  # more than planned is fine
        (0, 100, "red"),
        (0, 0, "green"),  # nothing was planned
    ],
)
def test_delivery_rag_boundaries(actual: float, planned: float, rag: str) -> None:
    assert delivery_rag(actual, planned) == rag


@pytest.mark.parametrize(
    ("actual", "planned", "rag"),
    [
        (105, 100, "green"),  # 5% over
        (105.01, 100, "amber"),
        (95, 100, "green"),  # 5% under
        (94.99, 100, "amber"),
        (115, 100, "amber"),  # 15% over
        (115.01, 100, "red"),
        (85, 100, "amber"),  # 15% under
        (84.99, 100, "red"),
        (63_000, 60_000, "green"),
        (50_401, 48_000, "amber"),
        (102_000, 120_000, "amber"),
        (101_999, 120_000, "red"),
        (0, 0, "green"),
        (10, 0, "red"),  # spent where nothing was planned
    ],
)
def test_spend_rag_boundaries(actual: float, planned: float, rag: str) -> None:
    assert spend_rag(actual, planned) == rag


def test_worst() -> None:
    assert worst(["green", "amber", "green"]) == "amber"
    assert worst(["green", "red", "amber"]) == "red"
    assert worst([]) == "green"


def test_wilson_interval_by_hand() -> None:
    # 5 of 20, z = 1.6449 (90%): p = 0.25, z^2/n = 0.135277,
    # centre = (0.25 + 0.067639) / 1.135277 = 0.279789,
    # half = 1.644854 / 1.135277 * sqrt(0.009375 + 0.001691) = 0.152412.
    low, high = wilson(5, 20)
    assert low == pytest.approx(0.127377, abs=1e-6)
    assert high == pytest.approx(0.432202, abs=1e-6)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        wilson(0, 0)


@pytest.mark.parametrize("text", ["2027Q2", "2027q2", "2027-Q2", "2027 Q2"])
def test_parse_quarter(text: str) -> None:
    assert parse_quarter(text) == (2027, 2)


@pytest.mark.parametrize("text", ["2027Q5", "2027Q0", "27Q2", "2027", "Q2", "2027Q2x"])
def test_parse_quarter_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="2027Q2"):
        parse_quarter(text)


# --------------------------------------------------------------------------- the fixture


def test_services_in_the_scorecard(card: Scorecard) -> None:
    # Funded in 2027, plus 0110 which reported though the plan gives it nothing; 1007,
    # 1008 and 1009 are unfunded and silent.
    assert [s.initiative_id for s in card.services] == [
        "1001",
        "1002",
        "1003",
        "1004",
        "1005",
        "1006",
        "0110",
    ]
    assert (card.year, card.quarter) == (2027, 2)


def test_service_on_every_green_boundary(card: Scorecard) -> None:
    s = card.service("1001")
    f = s.figures
    assert f.planned_spend == 60_000  # 120,000 x 2/4
    assert f.actual_spend == 63_000  # 5% over: green
    assert f.planned_participants == pytest.approx(200)  # 120,000 / 300 x 2/4
    assert f.actual_participants == 190  # 95%: green
    assert f.expected_outcomes == pytest.approx(19)  # 190 x 10%
    assert f.actual_outcomes == 19
    assert f.target_outcomes == pytest.approx(20)  # 200 x 10%
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("green", "green", "green")
    assert s.realised_unit_cost == pytest.approx(63_000 / 190)
    assert s.realised_effect == pytest.approx(0.1)
    low, high = s.effect_interval or (0, 0)
    assert (low, high) == pytest.approx(wilson(19, 190))
    assert low < 0.1 < high
    assert s.notes == ((2, "Two extra sessions in the summer"),)
    assert not s.off_track


def test_service_just_past_green(card: Scorecard) -> None:
    s = card.service("1002")
    f = s.figures
    assert (f.planned_spend, f.actual_spend) == (48_000, 50_401)  # 5.002% over: amber
    assert (f.planned_participants, f.actual_participants) == (pytest.approx(40), 37)  # amber
    assert f.expected_outcomes == pytest.approx(9.25)  # 37 x 25%
    assert f.actual_outcomes == 9  # 97.3%: green
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("amber", "amber", "green")
    assert s.rag == "amber"


def test_service_on_every_amber_boundary(card: Scorecard) -> None:
    s = card.service("1003")
    f = s.figures
    assert (f.planned_spend, f.actual_spend) == (120_000, 102_000)  # exactly 15% under
    assert (f.planned_participants, f.actual_participants) == (pytest.approx(800), 640)  # 80%
    assert f.expected_outcomes == pytest.approx(32)
    assert f.actual_outcomes == 30  # 93.75%
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("amber", "amber", "amber")


def test_service_past_amber(card: Scorecard) -> None:
    s = card.service("1004")
    f = s.figures
    assert (f.planned_spend, f.actual_spend) == (40_000, 33_999)  # 15.0025% under: red
    assert (f.planned_participants, f.actual_participants) == (pytest.approx(20), 15)  # 75%
    assert (f.expected_outcomes, f.actual_outcomes) == (pytest.approx(3), 3)
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("red", "red", "green")
    assert s.realised_unit_cost == pytest.approx(33_999 / 15)


def test_missing_return_is_red(card: Scorecard) -> None:
    s = card.service("1005")
    assert s.missing_quarters == (2,)
    f = s.figures
    # Its quarter 1 alone would be on plan; the missing quarter 2 makes it red throughout.
    assert (f.planned_spend, f.actual_spend) == (180_000, 90_000)
    assert (f.actual_participants, f.actual_outcomes) == (10, 4)
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("red", "red", "red")
    q1, q2 = s.quarters
    assert q1.reported and q1.rags == ("green", "green", "green")
    assert not q2.reported and q2.rags == ("red", "red", "red")


def test_later_returns_are_left_out(card: Scorecard) -> None:
    s = card.service("1006")
    f = s.figures  # the 2028 return is not counted
    assert (f.actual_spend, f.actual_participants, f.actual_outcomes) == (32_000, 39, 11)
    assert f.expected_outcomes == pytest.approx(11.7)
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("green", "green", "amber")


def test_unfunded_service_that_reported(card: Scorecard) -> None:
    s = card.service("0110")
    assert s.proposed == 0
    assert s.missing_quarters == ()  # nothing was due from it
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("green", "green", "green")
    assert s.realised_effect is None and s.effect_interval is None
    assert s.realised_unit_cost is None


def test_district_roll_up(card: Scorecard) -> None:
    assert [d.key for d in card.districts] == ["NTH", "STH", "WST", "COUNTY"]
    nth = card.district("NTH")  # 1001 and 1006
    f = nth.figures
    assert (f.planned_spend, f.actual_spend) == (92_000, 95_000)
    assert (f.planned_participants, f.actual_participants) == (pytest.approx(240), 229)
    assert (f.expected_outcomes, f.actual_outcomes) == (pytest.approx(30.7), 30)
    assert (nth.spend_rag, nth.participants_rag, nth.outcomes_rag) == ("green",) * 3
    assert [s.initiative_id for s in nth.off_track] == ["1006"]
    county = card.district("COUNTY")
    assert county.name == "County-wide services"
    assert [s.initiative_id for s in county.services] == ["1003", "1005", "0110"]
    assert county.count("red") == 1 and county.count("amber") == 1


def test_outcome_roll_up(card: Scorecard) -> None:
    by = {o.key: o for o in card.outcomes}
    assert list(by) == ["SAFE", "HEALTH", "LEARN"]  # the framework's order
    safe = by["SAFE"]  # 1002, 1004, 1005
    assert [s.initiative_id for s in safe.services] == ["1002", "1004", "1005"]
    assert safe.figures.planned_participants == pytest.approx(80)
    assert safe.figures.actual_participants == 62  # 77.5%
    assert safe.participants_rag == "red"
    health = by["HEALTH"]  # 1001, 1003, 1006: a service counts under each of its outcomes
    assert health.figures.actual_participants == 190 + 640 + 39
    assert health.participants_rag == "amber"  # 869 / 1,040 = 83.6%
    learn = by["LEARN"]  # 1001, 1004, 1006, 0110
    assert [s.initiative_id for s in learn.services] == ["1001", "1004", "1006", "0110"]


def test_default_quarter_is_the_latest_reported(
    data: DataSet, plan: Plan, returns: Returns
) -> None:
    latest = scorecard(data, plan, returns)
    assert (latest.year, latest.quarter) == (2028, 1)  # 1006's 2028 return
    assert latest.service("1006").figures.actual_participants == 20
    assert latest.service("1001").missing_quarters == (1,)


def test_quarter_one_only(data: DataSet, plan: Plan, returns: Returns) -> None:
    q1 = scorecard(data, plan, returns, (2027, 1))
    s = q1.service("1005")
    assert s.missing_quarters == ()
    assert s.figures.planned_spend == 90_000
    assert (s.spend_rag, s.participants_rag, s.outcomes_rag) == ("green", "green", "green")
