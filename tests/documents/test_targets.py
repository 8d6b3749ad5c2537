"""Baselines and measurable targets: from the data's indicator values (DataSet.indicators),
every target a number with its method, a target worse than its baseline saying why, and
each document listing only the indicators that fit it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from commissioning.documents.content import Indicator
from commissioning.documents.contexts import prepare, sla_context, spec_context
from commissioning.documents.contexts.targets import Baseline, baseline_text, population_targets
from commissioning.inputs.model import IndicatorValue

SOURCE = "Illustrative: invented for the test"


def _indicator(unit: str, direction: str) -> Indicator:
    return Indicator("SAFE-X", "X", "x", unit, direction, "s", "", (1, 2), "population")


def test_population_targets_by_hand():
    # 20,000 children; 400 more achieve the outcome = 2% of them: a rate that should fall
    # goes from 100.0 to 98.0.
    base = Baseline(100.0, 2025, "PEN", SOURCE, False)
    t = population_targets(
        _indicator("rate per 10,000", "decrease"), base, {2027: 400.0}, 20_000, ""
    )
    assert t is not None and t.by_year == {2027: pytest.approx(98.0)}
    assert t.text == "98.0 in 2027"
    # 200 fewer of 20,000 = 1% of them: a share that should rise falls from 40.0% to 39.6%,
    # and says why.
    base = Baseline(40.0, 2025, "PEN", SOURCE, False)
    t = population_targets(
        _indicator("% of children", "increase"),
        base,
        {2027: 0.0, 2028: -200.0},
        20_000,
        "the plan reduces or ends Hub (H-1)",
    )
    assert t is not None
    assert t.text == (
        "40.0% in 2027; 39.6% in 2028 (worse than the baseline in 2028 because the plan "
        "reduces or ends Hub (H-1))"
    )
    assert population_targets(_indicator("score", "increase"), base, {2027: 1.0}, 0, "") is None


@pytest.fixture(scope="module")
def measured_plan(sample_plan):
    """The sample with a value of every indicator of the library for Pendle, and a county
    figure only for breastfeeding."""
    lib = sample_plan.content.indicators
    values = [
        IndicatorValue(ind.indicator_id, "PEN", 2025, 50.0 + n, SOURCE)
        for n, ind in enumerate(ind for o in lib.by_outcome for ind in lib.for_outcome(o))
        if ind.indicator_id != "HEALTHY-BREASTFEEDING"
    ]
    values.append(IndicatorValue("HEALTHY-BREASTFEEDING", "COUNTY", 2025, 42.9, SOURCE))
    values.append(IndicatorValue("HEALTHY-BREASTFEEDING", "COUNTY", 2024, 41.0, SOURCE))
    inputs = sample_plan.inputs
    inputs = dataclasses.replace(
        inputs, data=dataclasses.replace(inputs.data, indicators=tuple(values))
    )
    return prepare(inputs, sample_plan.result, sample_plan.content, sample_plan.issued)


def test_sla_scorecard_has_numeric_baselines_and_targets(measured_plan):
    ctx = sla_context(measured_plan, "PEN")
    lib = measured_plan.content.indicators
    population = {
        ind.name: ind
        for o in lib.by_outcome
        for ind in lib.for_outcome(o)
        if ind.measure == "population"
    }
    service = {
        ind.name for o in lib.by_outcome for ind in lib.for_outcome(o) if ind.measure == "service"
    }
    rows = {r[0]: r for r in ctx.scorecard.rows}
    assert set(population) <= set(rows) and not service & set(rows)
    for name in population:
        row = rows[name]
        assert "not recorded" not in row[4], row
        for year in measured_plan.years:
            assert re.search(rf"\d[\d,.]*%? in {year}", row[5]), row
    # the test's values are illustrative, and the baseline says so where it is read
    assert rows["Breastfeeding at 6-8 weeks"][4] == "42.9% (county figure, 2025, illustrative)"
    assert (
        rows["Breastfeeding at 6-8 weeks"][6]
        == "Health visiting service data (Public Health Outcomes Framework)"
    )
    assert "Baselines are the latest figures" in ctx.scorecard_method


def test_without_indicator_values_the_baseline_is_not_recorded(sample_plan):
    inputs = sample_plan.inputs
    inputs = dataclasses.replace(inputs, data=dataclasses.replace(inputs.data, indicators=()))
    plan = prepare(inputs, sample_plan.result, sample_plan.content, sample_plan.issued)
    rows = {r[0]: r for r in sla_context(plan, "PEN").scorecard.rows}
    row = rows["Children becoming subject to a child protection plan"]
    assert row[4] == "not recorded" and row[5] == "set when a baseline is recorded"


def test_specifications_list_only_the_service_measures_that_fit(measured_plan):
    family_support = spec_context(measured_plan, "FS-PEN-01")  # level 2: SAFE, ENJOY, ECON
    listed = {f.label for g in family_support.indicators for f in g.items}
    assert listed == {"Early help plans closed with needs met", "Families moving into work"}
    assert "Good level of development at age 5" not in listed  # a population measure
    item = next(
        f for g in family_support.indicators for f in g.items if f.label.startswith("Early")
    )
    assert "Baseline: " in item.value and "(Pendle, 2025, illustrative)" in item.value
    assert "Target: at least" in item.value and "each year" in item.value
    measures = {r[0]: r for r in family_support.provider_measures.rows}
    assert set(measures) == {
        "Participants starting",
        "Participants achieving the targeted outcome",
        "Cost per participant, at most",
    }


def test_only_an_illustrative_baseline_is_marked_so():
    ind = Indicator("X-Y", "Rate", "A rate.", "rate per 10,000", "decrease", "OHID", "")
    published = Baseline(114.8, 2021, "COUNTY", "OHID Fingertips 2021/22", False)
    invented = dataclasses.replace(published, source="Illustrative: invented for the sample")
    names = {"COUNTY": "Lancashire"}
    assert baseline_text(published, ind, names) == "114.8 (Lancashire, 2021)"
    assert baseline_text(invented, ind, names) == "114.8 (Lancashire, 2021, illustrative)"
