"""Run names say what differs from the data's own scenario."""

from __future__ import annotations

from commissioning.app.naming import changes, named, run_name

BASE = {
    "name": "Refocus towards prevention",
    "start_year": 2027,
    "horizon": 3,
    "prevention_share": [0.45, 0.5, 0.55],
    "district_floor": 0.8,
    "max_growth": 0.25,
    "evidence_multiplier": {"4": 1.0, "3": 0.8, "2": 0.5, "NL2": 0.2, "NE": 0.0},
    "priority_weights": {},
    "outcome_value": {},
    "lock": ["YJS-CTY-01"],
    "exclude": [],
    "budget_change": {},
}


def test_the_data_s_own_scenario_keeps_its_name():
    assert changes(BASE, dict(BASE)) == []
    assert run_name(BASE, dict(BASE)) == "Refocus towards prevention"


def test_a_year_s_share_and_a_stream_s_cut_are_named():
    chosen = {**BASE, "prevention_share": [0.45, 0.5, 0.58], "budget_change": {"PH": -0.1}}
    assert run_name(BASE, chosen) == "Refocus towards prevention: prevention 2029 58%, PH -10%"


def test_a_share_moved_in_every_year_to_one_figure_is_said_once():
    chosen = {**BASE, "prevention_share": 0.4, "district_floor": 0.7}
    assert changes(BASE, chosen) == ["prevention 40%", "district floor 70%"]


def test_a_stream_changed_in_one_year_and_services_locked():
    chosen = {
        **BASE,
        "budget_change": {"PH": [0, 0, -0.2]},
        "lock": ["A", "B", "C", "YJS-CTY-01"],
        "priority_weights": {"P2": 2.0},
    }
    assert changes(BASE, chosen) == ["PH 2029 -20%", "weight P2 2", "locked A, B and 1 more"]


def test_long_lists_are_counted_and_a_person_s_name_is_kept():
    chosen = {
        **BASE,
        "prevention_share": 0.6,
        "district_floor": 0.5,
        "max_growth": 0.5,
        "ramp": 0.2,
        "reinvest": 1.0,
        "exclude": ["X"],
    }
    assert run_name(BASE, chosen) == (
        "Refocus towards prevention: prevention 60%, district floor 50%, growth 50%, ramp 20% "
        "and 2 more"
    )
    assert named(BASE, {**chosen, "name": "Option B"})["name"] == "Option B"
    renamed = named(BASE, {**chosen, "name": "Refocus towards prevention: old"})
    assert renamed["name"] == run_name(BASE, chosen)
