"""The quarterly and partnership reports: read back for a known district, escaped, complete."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from commissioning.allocator import allocate
from commissioning.documents.content import load_content
from commissioning.documents.contexts import Plan, money, prepare
from commissioning.documents.monitoring import (
    partnership_context,
    quarterly_context,
    write_reports,
)
from commissioning.documents.render import render_html
from commissioning.inputs import load
from commissioning.inputs.returns import load_returns
from commissioning.monitor.scorecard import Scorecard, plan_of, scorecard
from tests.documents.htmlcheck import check_complete
from tests.monitor.conftest import VALID

NOTE = 'Staff <b>vacancy</b> & "=HYPERLINK(1)"'


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Scorecard]:
    """The small data's plan; in Northbrook 1001 reports at plan for 2027 Q1 and Q2 and 1006
    starts half its participants, with a note that needs escaping; nobody else reports."""
    inputs = load(VALID)
    result = allocate(inputs)
    plan = plan_of(result)
    rows = ["initiative_id,year,quarter,spend,participants,outcomes_achieved,notes"]
    for iid, share in (("1001", 1.0), ("1006", 0.5)):
        i = inputs.data.initiative(iid)
        amount = plan[iid][2027]
        assert amount > 0, "the small plan funds both Northbrook services"
        people = round(amount / i.unit_cost / 4 * share)
        for q in (1, 2):
            note = f'"{NOTE.replace(chr(34), chr(34) * 2)}"' if iid == "1006" else ""
            rows.append(f"{iid},2027,{q},{amount / 4},{people},{round(people * i.effect)},{note}")
    path = tmp_path_factory.mktemp("returns") / "returns.csv"
    path.write_text("\n".join(rows) + "\n")
    card = scorecard(inputs.data, plan, load_returns(path, inputs.data, plan), (2027, 2))
    return prepare(inputs, result, load_content(), date(2027, 10, 20)), card


def test_quarterly_report_of_a_known_district(reported: tuple[Plan, Scorecard]) -> None:
    plan, card = reported
    html = render_html("quarterly_report.html", quarterly_context(plan, card, "NTH"))
    r = check_complete(html)
    sections = ("progress", "targets", "trend", "services", "off-track", "escalation")
    assert [r.sections[k].strip() for k in sections] == [
        "1. Progress against the agreement",
        "2. The agreement's targets to date",
        "3. Quarter by quarter",
        "4. Every service",
        "5. Services off track",
        "6. What happens next",
    ]
    text = r.all_text
    nth = card.district("NTH")
    assert f"{money(nth.figures.actual_spend)}" in text
    assert plan.content.partnership.sub_group.format(district="Northbrook") in text
    # 1006 started half its participants: red, with its note, escaped
    assert "Speech and language in the early years (1006): Red" in text
    assert "participants 51% of plan" in text  # 28 of 54.7: half, rounded to whole people
    assert NOTE in text  # the text reads back as written...
    assert "<b>vacancy</b>" not in html and "&lt;b&gt;vacancy&lt;/b&gt;" in html  # ...escaped
    assert "Family hub North (1001)" in text
    assert "If a target is missed" in text
    assert "plan year 2027, quarters 1 to 2" in text


def test_a_service_with_no_return_is_named(reported: tuple[Plan, Scorecard]) -> None:
    plan, card = reported
    funded = [d.key for d in card.districts if d.key != "NTH"]
    assert funded, "the small plan funds services outside Northbrook"
    r = check_complete(
        render_html("quarterly_report.html", quarterly_context(plan, card, funded[0]))
    )
    assert "no return for quarters 1 and 2" in r.all_text


def test_partnership_report(reported: tuple[Plan, Scorecard]) -> None:
    plan, card = reported
    r = check_complete(render_html("partnership_report.html", partnership_context(plan, card)))
    text = r.all_text
    for heading in (
        "1. The quarter at a glance",
        "2. By district",
        "3. The scorecard by outcome",
        "4. Late-intervention cost avoided",
        "5. Services off track",
    ):
        assert heading in text
    assert "Northbrook" in text and "County-wide services" in text
    assert "Stay safe" in text and "Be healthy" in text and "Enjoy and achieve" in text
    assert "The data has no cost library" in text


def test_pdfs_are_written_and_read_back(reported: tuple[Plan, Scorecard], tmp_path: Path) -> None:
    plan, card = reported
    written = write_reports(plan, card, None, tmp_path, ("pdf",), district="NTH")
    assert [p.name for p in written] == ["quarterly-NTH.pdf"]
    reader = PdfReader(io.BytesIO(written[0].read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    assert "Quarterly report to the sub-group" in text
    assert "1. Progress against the agreement" in text
    assert "Page 1 of" in text
    everything = write_reports(plan, card, None, tmp_path / "all", ("html",))
    assert sorted(p.name for p in everything) == sorted(
        [f"quarterly-{d.key}.html" for d in card.districts] + ["partnership-report.html"]
    )
