"""Rendered HTML of each document: the required sections, complete tables, nothing blank."""

from __future__ import annotations

import re

import pytest

from commissioning.documents.contexts import (
    DocumentError,
    Table,
    money,
    sla_context,
    spec_context,
    summary_context,
)
from commissioning.documents.render import render_html
from commissioning.documents.writing import RENDERERS
from tests.documents.htmlcheck import check_complete

SLA_SECTIONS = {
    "parties": "Parties and period",
    "needs": "Needs summary",
    "priorities": "The district's priorities",
    "resources": "Resources aligned",
    "services": "Services commissioned, grown, maintained, reduced and decommissioned",
    "targets": "Measurable targets by priority and outcome",
    "scorecard": "Scorecard",
    "reporting": "Reporting and escalation",
    "local-targets": "Local targets",
    "equality": "Equality impact",
    "consultation": "Consultation",
    "sign-off": "Sign-off",
}
SPEC_SECTIONS = {
    "details": "Service details",
    "purpose": "Purpose and strategic fit",
    "population": "Target population and expected participants",
    "outcomes": "Outcomes, indicators and targets",
    "evidence": "Evidence base",
    "standards": "Service standards",
    "monitoring": "Monitoring and reporting",
    "review": "Review and exit",
    "sign-off": "Agreement and signatures",
}
SUMMARY_SECTIONS = {
    "headlines": "The plan at a glance",
    "levels": "Money moved between levels of need",
    "priorities": "Money moved between priorities",
    "districts": "Money moved between districts",
    "streams": "Money by funding stream",
    "outcomes": "Outcomes gained",
    "decisions": "Decisions",
    "rules": "The rules that bind and what they cost",
    "equality": "Equality impact",
    "consultation": "Consultation",
    "decision": "Decision of the board",
}


def headings(reader, expected):
    for n, (sid, title) in enumerate(expected.items(), 1):
        assert reader.sections.get(sid, "").strip() == f"{n}. {title}", (
            sid,
            reader.sections.get(sid),
        )


def test_district_sla_has_every_section_and_complete_tables(sample_plan):
    html = render_html("district_sla.html", sla_context(sample_plan, "PEN"))
    r = check_complete(html)
    headings(r, SLA_SECTIONS)
    ids = {t.table_id for t in r.tables}
    assert {"needs", "priorities", "resources-streams", "resources-levels", "targets"} <= ids
    assert {"services", "scorecard"} <= ids
    # One table each, grouped: by decision, and by outcome of the framework.
    assert {
        f"services-{d}" for d in ("commission", "grow", "maintain", "reduce", "decommission")
    } <= r.ids
    assert {f"scorecard-{o}" for o in ("HEALTHY", "SAFE", "ENJOY", "CONTRIB", "ECON")} <= r.ids
    text = r.all_text
    row = next(x for x in sample_plan.summary.by_district if x.key == "PEN")
    # Pendle spends millions: its sums are said to the nearest £1,000, as its tables say them
    assert f"{money(row.today, 1000)} today, {money(row.final, 1000)} in 2029" in text
    assert "Pendle Prevention and Early Intervention Sub-Group" in text
    assert "1 April 2027 to 31 March 2030" in text
    # Every decommissioned Pendle service is listed with its id.
    for i in sample_plan.inputs.data.initiatives:
        if (
            i.district_id == "PEN"
            and sample_plan.outcome_of(i.initiative_id).decision == "decommission"
        ):
            assert f"({i.initiative_id})" in text


def test_service_specification_has_every_section_and_targets_from_the_plan(sample_plan):
    ctx = spec_context(sample_plan, "FS-PEN-01")
    r = check_complete(render_html("service_specification.html", ctx))
    headings(r, SPEC_SECTIONS)
    i = sample_plan.inputs.data.initiative("FS-PEN-01")
    res = sample_plan.outcome_of("FS-PEN-01")
    # Target = participants (budget / unit cost) x effect, per outcome and year.
    targets = next(t for t in r.tables if t.table_id == "targets")
    assert [c for c, _ in targets.rows[0]][2:-1] == [
        f"{round(res.proposed[y] / i.unit_cost * i.effect):,}" for y in sample_plan.years
    ]
    assert len(targets.rows) == len(i.outcomes)
    budget = next(t for t in r.tables if t.table_id == "budget")
    assert budget.rows[-1][0][0] == "Total"
    for clause in (
        "Safeguarding",
        'Information sharing and "tell us once"',
        "Lead professional",
        "Involving children and families",
        "Equality, diversity and inclusion",
        "Data protection",
        "Compliments and complaints",
        "Review and exit",
    ):
        assert clause in r.all_text
    assert "Stay safe (SAFE)" in r.all_text


def test_plan_summary_has_every_section_charts_and_rule_prices(sample_plan):
    html = render_html("plan_summary.html", summary_context(sample_plan))
    r = check_complete(html)
    headings(r, SUMMARY_SECTIONS)
    assert html.count("<svg") == 4
    assert {"chart-levels", "chart-priorities", "chart-districts", "chart-streams"} <= r.ids
    families = next(t for t in r.tables if t.table_id == "rule-families")
    assert families.rows and all(len(row) == 5 for row in families.rows)
    s = sample_plan.summary
    assert money(s.total_today) in r.all_text
    assert f"{s.decisions['decommission']}" in r.all_text


def test_every_sample_document_renders_complete(sample_plan):
    docs = [d for kind in RENDERERS for d in RENDERERS[kind](sample_plan, None)]
    assert sum(d.kind == "sla" for d in docs) == 12
    assert sum(d.kind == "spec" for d in docs) == sum(
        sample_plan.summary.decisions[k] for k in ("commission", "grow", "maintain")
    )
    for d in docs:
        check_complete(render_html(d.template, d.build()))


def test_small_plan_escapes_text_and_shows_the_indicator_fallback(small_plan):
    html = render_html("service_specification.html", spec_context(small_plan, "GROW-1"))
    r = check_complete(html)
    assert "Family hub &lt;A &amp; B&gt;" in html
    assert "<A & B>" not in html and "<Sons>" not in html
    assert "Indicators not recorded" in r.all_text
    assert "31 March 2028" in r.all_text  # the current contract ends with plan year 2027
    county = check_complete(
        render_html("service_specification.html", spec_context(small_plan, "CTY-1"))
    )
    assert "County-wide" in county.all_text
    for did in ("A", "B", "C"):
        check_complete(render_html("district_sla.html", sla_context(small_plan, did)))
    empty = check_complete(render_html("district_sla.html", sla_context(small_plan, "C")))
    assert "£0 today, £0 in 2028" in empty.all_text
    assert "No service in this plan." in empty.all_text
    check_complete(render_html("plan_summary.html", summary_context(small_plan)))


def test_a_blank_or_missing_value_is_an_error_not_a_blank_cell():
    with pytest.raises(DocumentError, match="blank"):
        Table("t", "caption", ("a", "b"), (("x", " "),))
    with pytest.raises(DocumentError, match="None"):
        Table("t", "caption", ("a", "b"), (("x", "None"),))
    with pytest.raises(DocumentError, match="2 cells for 3 columns"):
        Table("t", "caption", ("a", "b", "c"), (("x", "y"),))
    with pytest.raises(DocumentError):
        Table("t", "caption", ("a",), ())  # no rows and no message for the empty table
    with pytest.raises(DocumentError):
        money(float("nan"))


@pytest.mark.parametrize(
    ("districts", "initiatives", "years", "mip", "seed"),
    [(5, 60, 2, True, 0), (3, 24, 5, True, 2), (4, 40, 1, False, 3)],
)
def test_documents_for_generated_plans_render_complete(districts, initiatives, years, mip, seed):
    """Other shapes of data than the sample (one to five years, a mixed-integer plan, few
    districts): every document of every kind still renders with nothing blank or unfinished."""
    from commissioning.allocator import allocate
    from commissioning.documents.content import load_content
    from commissioning.documents.contexts import prepare
    from commissioning.synthetic import synthetic_inputs

    inputs = synthetic_inputs(districts, initiatives, years=years, seed=seed, mip=mip)
    plan = prepare(inputs, allocate(inputs), load_content())
    docs = [d for kind in RENDERERS for d in RENDERERS[kind](plan, None)]
    assert {d.kind for d in docs} >= {"sla", "spec", "summary", "terms"}
    for d in docs:
        check_complete(render_html(d.template, d.build()))


def test_budgets_that_turn_are_named_in_the_summary_the_sla_and_the_specification(
    sample_plan,
):
    journeys = sample_plan.summary.journeys
    assert journeys
    summary = check_complete(render_html("plan_summary.html", summary_context(sample_plan)))
    table = next(t for t in summary.tables if t.table_id == "journeys")
    cells = [[text for text, _ in row] for row in table.rows]
    assert len(cells) == len(journeys)
    j = journeys[0]
    assert [
        f"{j.name} ({j.initiative_id})",
        money(j.today),
        f"{money(j.turn)} in {j.turn_year}",
        f"{money(j.final)} in {j.final_year}",
    ] in cells

    district_id = sample_plan.inputs.data.initiative(j.initiative_id).district_id
    sla = check_complete(render_html("district_sla.html", sla_context(sample_plan, district_id)))
    rows = [
        [text for text, _ in row]
        for row in next(t for t in sla.tables if t.table_id == "journeys").rows
    ]
    ids = {k.initiative_id for k in journeys}
    local = {
        i.initiative_id for i in sample_plan.inputs.data.initiatives if i.district_id == district_id
    }
    assert len(rows) == len(ids & local) >= 1

    specified = {i.initiative_id for i in sample_plan.spec_initiatives(None)}
    turning = next(k for k in journeys if k.initiative_id in specified)
    spec = check_complete(
        render_html("service_specification.html", spec_context(sample_plan, turning.initiative_id))
    )
    assert "Budget over the plan" in spec.all_text
    assert turning.sentence in spec.all_text
    steady = next(i for i in sample_plan.spec_initiatives(None) if i.initiative_id not in ids)
    kept = check_complete(
        render_html("service_specification.html", spec_context(sample_plan, steady.initiative_id))
    )
    assert "Budget over the plan" not in kept.all_text


def test_documents_for_every_fixture_model_render_complete():
    """The smallest plans (one district, two services, one stream, a rule binding in each):
    every document still has every section and nothing blank."""
    from commissioning.allocator import allocate
    from commissioning.documents.content import load_content
    from commissioning.documents.contexts import prepare
    from tests.allocator.fixtures import FIXTURES

    content = load_content()
    for fx in FIXTURES:
        inputs = fx.build()
        plan = prepare(inputs, allocate(inputs), content)
        for kind in RENDERERS:
            for d in RENDERERS[kind](plan, None):
                check_complete(render_html(d.template, d.build()))


def test_the_summary_says_each_sum_as_its_tables_do(sample_plan):
    """The headline, the chart and the table beside them round a sum alike (to £1,000 when
    the figures run into millions), so a board never reads two figures for one sum."""
    ctx = summary_context(sample_plan)
    s, years = sample_plan.summary, sample_plan.years
    total = dict(zip(ctx.levels.headers, ctx.levels.total, strict=True))
    spend = next(f.value for f in ctx.headlines if f.label == "Spend")
    assert spend.startswith(f"{total['Today']} a year today; ")
    for y in years:
        assert f"{total[str(y)]} in {y}" in spend
    assert total["Today"] == money(s.total_today, 1000)
    tables = {"chart-levels": ctx.levels, "chart-streams": ctx.streams}
    for chart in (ctx.levels_chart, ctx.streams_chart):
        table = tables[chart.chart_id]
        for row, cells in zip(chart.rows, table.rows, strict=True):
            today, final = (bar.value for bar in row.bars)
            assert (today, final) == (cells[1], cells[len(years) + 1])
            assert today in chart.description and final in chart.description


def test_the_summary_rounds_every_plan_wide_sum_alike(sample_plan):
    """The cover, the headlines, the outcomes and the invest-to-save case give the plan's
    totals (spend, late-intervention cost avoided, money moved) to the same £1,000 as the
    spend tables, and the gain reads in words, not as a sign that can break from its sum."""
    ctx = summary_context(sample_plan)
    s, final = sample_plan.summary, sample_plan.final_year
    glance = {f.label: f.value for f in ctx.glance}
    assert glance["Spend"] == (
        f"{money(s.total_today, 1000)} today, {money(s.total_proposed[final], 1000)} in {final}"
    )
    facts = [*ctx.glance, *ctx.headlines, *ctx.outcome_facts, *ctx.invest_facts]
    sums = re.findall(r"£\d(?:[\d,]*\d)?(?:\.\d+)?", " ".join(f.value for f in facts))
    rates = [x for x in sums if "." in x or x == "£1"]  # return on each £1, in pence
    assert len(sums) - len(rates) >= 12
    assert [x for x in sums if x not in rates and not x.endswith(",000")] == []
    value = next(f.value for f in ctx.headlines if f.label.startswith("Late-intervention"))
    assert ", a gain of £" in value and "(+" not in value


def test_each_district_sla_says_its_spend_as_its_tables_do(sample_plan):
    """The cover's district spend, the spend by level and the funding by stream give one
    figure for one sum in every district's SLA."""
    years = sample_plan.years
    for d in sample_plan.inputs.data.districts:
        ctx = sla_context(sample_plan, d.district_id)
        levels = dict(zip(ctx.resources_levels.headers, ctx.resources_levels.total, strict=True))
        streams = ctx.resources_streams.total
        assert streams[2 : 2 + len(years)] == tuple(levels[str(y)] for y in years)
        spend = next(f.value for f in ctx.glance if f.label == "District spend")
        final = str(years[-1])
        change = levels[f"Change to {final}"]
        assert spend == f"{levels['Today']} today, {levels[final]} in {final} ({change})"
