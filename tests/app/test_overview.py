"""The Overview page: today's money, its evidence, duplication, envelope against commitments."""

from __future__ import annotations

import re

from tests.app.conftest import no_exception, open_page, texts

MONEY = re.compile(r"^-?£\d{1,3}(,\d{3})*$")


def test_overview_opens_on_the_sample_with_nothing_to_configure():
    at = open_page()
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert "bundled sample" in texts(at)
    labels = [m.label for m in at.metric]
    assert "Spend today, a year" in labels
    spend = next(m for m in at.metric if m.label == "Spend today, a year")
    assert MONEY.match(spend.value), spend.value
    assert spend.value == "£60,889,000"


def test_overview_has_every_section():
    at = open_page()
    headings = [s.value for s in at.subheader]
    for heading in (
        "Today's spend",
        "Evidence behind the money",
        "Possible duplication",
        "Budget envelope against committed spend",
    ):
        assert heading in headings
    body = texts(at)
    assert "groups of existing services serve the same district" in body
    assert "NL2" in body
    # Four breakdowns of today's spend, each with a chart and a table.
    assert len(at.tabs) >= 4
    assert len(at.dataframe) >= 6


def test_the_cost_of_late_intervention_is_shown_in_the_plan_s_prices():
    at = open_page()
    no_exception(at)
    assert "The cost of late intervention" in texts(at)
    said = texts(at)
    assert "Bromley family**: 5 costs adding up to £99,258 a year in 2015 prices" in said
    values = {m.label: m.value for m in at.metric if m.label.startswith("An outcome at level")}
    assert len(values) == 4 and all(v.startswith("£") for v in values.values())
