"""The robustness summary and CSV for people: plain words, names never run as formulas."""

from __future__ import annotations

import csv
from dataclasses import replace

from commissioning.export.robustness import robustness_text, write_robustness_csv
from commissioning.robustness import robustness
from tests.robustness.fixtures import flip


def hostile():
    inputs = flip()
    a, b = inputs.data.initiatives
    named = (replace(a, name='=HYPERLINK("http://x","y")'), replace(b, name="+1 <b>bold</b>"))
    return replace(inputs, data=replace(inputs.data, initiatives=named))


def test_csv_quotes_names_that_a_spreadsheet_would_run(tmp_path):
    inputs = hostile()
    r = robustness(inputs, 20, seed=1, mode="process")
    path = tmp_path / "r.csv"
    write_robustness_csv(path, inputs, r)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [row["name"] for row in rows] == ['\'=HYPERLINK("http://x","y")', "'+1 <b>bold</b>"]
    assert all(row["stability"] for row in rows)


def test_summary_names_fragile_decisions_and_what_they_turn_on():
    inputs = flip()
    r = robustness(inputs, 60, seed=1, mode="process")
    text = robustness_text(inputs, r)
    assert "Fragile decisions (holding in fewer than 80% of futures): 2" in text
    assert "it turns most on the effect of Service A (A)" in text
    for word in ("nan", "None", "stability", "initiative_id", "infeasible"):
        assert word not in text
