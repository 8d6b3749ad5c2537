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
