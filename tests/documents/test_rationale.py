"""The decommissioning rationale pack: structure, and break-evens confirmed by re-solving."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.documents.contexts import prepare
from commissioning.documents.contexts.format import money
from commissioning.documents.contexts.rationale import explain_all, rationale_context, rationale_ids
from commissioning.documents.render import render_html
from tests.documents.conftest import pdf_of

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FIELD = {"unit cost": "unit_cost", "effect": "effect", "evidence rating": "evidence_level"}


@pytest.fixture(scope="module")
def plan(sample_solved, content):
    """The sample's plan (solved once for the session), issued today."""
    inputs, result = sample_solved
    return prepare(inputs, result, content)


@pytest.fixture(scope="module")
def pendle(plan):
    ctx = rationale_context(plan, "PEN")
    return ctx, render_html("rationale.html", ctx)


def test_pack_has_method_prices_services_and_provenance(plan, pendle):
    ctx, html = pendle
    ids = rationale_ids(plan, "PEN")
    assert ids and len(ctx.services) == len(ids)
    for section in ("method", "rules", "services", "provenance"):
        assert f'id="{ctx.sections[section].section_id}"' in html
    for iid in ids:
        assert f'id="service-{iid}"' in html
    assert 'id="table-rule-prices"' in html and "Prevention share" in html
    assert plan.result.provenance.inputs_sha256 in html
    for bad in (">None<", "{{", "}}", "<td></td>"):
        assert bad not in html
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S))
    assert not re.search(r"\b(None|nan|NaN)\b", text)


def test_every_break_even_in_the_pack_is_confirmed_by_an_independent_resolve(plan, pendle):
    _, html = pendle
    inputs = plan.inputs
    checked = 0
    for e in explain_all(plan, rationale_ids(plan, "PEN")):
        for b in e.break_even:
            if not b.confirmed:
                continue
            assert b.needed is not None and b.needed in html
            iid = e.initiative.initiative_id
            changed = replace(e.initiative, **{FIELD[b.figure]: b.value})
            data = replace(
                inputs.data,
                initiatives=tuple(
                    changed if i.initiative_id == iid else i for i in inputs.data.initiatives
                ),
            )
            again = allocate(replace(inputs, data=data)).initiatives_by_id[iid]
            if e.decision == "reduce":
                assert again.final >= 0.95 * e.current_budget, b.sentence
            else:
                assert again.final >= 1.0, b.sentence
            assert again.final == pytest.approx(b.amount, rel=1e-6, abs=0.01)
            checked += 1
    assert checked > 0


def test_rationale_pdf_renders(plan, pendle, tmp_path):
    from pypdf import PdfReader

    _, html = pendle
    pdf = tmp_path / "rationale.pdf"
    pdf.write_bytes(pdf_of(html, tmp_path))
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Decommissioning rationale" in text.replace(
        "DECOMMISSIONING RATIONALE", "Decommissioning rationale"
    )
    assert "What would have changed the decision" in text
    assert "Provenance" in text


def test_value_table_shows_what_the_money_buys_elsewhere_in_every_year(plan):
    ctx = rationale_context(plan, "FYL")
    part = next(s for s in ctx.services if s.anchor == "service-PAR-FYL-01")
    labels = [row[0] for row in part.value.rows]
    for y in plan.years:
        assert f"The same money elsewhere in the plan in {y}" in labels
    assert f"Value it lacks in {plan.years[-1]}" in labels
    row = next(r for r in plan.result.initiatives if r.initiative_id == "PAR-FYL-01")
    # rounded to £100 as every document rounds money (issue 13), not the plan's exact pounds
    dip = f"In 2028 it receives {money(row.proposed[2028])}"
    assert any(n.startswith(dip) for n in part.value_notes)
    # the rule that held it, in the registry's words (its name stays in the result file)
    assert any("growth limit" in r and "2029" in r for r in part.rules), part.rules
    assert not any(re.search(r"\b[a-z_]+\[[^\]]*\]", r) for r in part.rules)
    html = render_html("rationale.html", ctx)
    assert dip in html


def test_a_service_whose_budget_turns_says_so(plan):
    turning = {j.initiative_id: j for j in plan.summary.journeys}
    for district in ("BUR", "FYL"):
        ctx = rationale_context(plan, district)
        for part in ctx.services:
            iid = part.anchor.removeprefix("service-")
            said = [f.value for f in part.facts if f.label == "Budget over the plan"]
            assert said == ([turning[iid].words(money)] if iid in turning else []), iid


POUNDS = re.compile(r"£([\d,]+)(?![\d,.])")


def test_sentences_from_the_explanation_show_money_to_the_nearest_100(plan):
    """Issue 13: the plan does not know a budget to the pound, so the service's summary line,
    its journey and its lean years print pounds rounded to £100 (the workbook, the app and
    the terminal keep the exact figures)."""
    seen = 0
    for district in ("BUR", "FYL", "PEN"):
        for part in rationale_context(plan, district).services:
            said = [f.value for f in part.facts if f.label == "Budget over the plan"]
            for text in (part.summary, *said, *part.value_notes):
                for figure in POUNDS.findall(text):
                    assert int(figure.replace(",", "")) % 100 == 0, text
                    seen += 1
    assert seen


def test_break_evens_say_what_was_confirmed_and_notice_follows_the_contract(plan, pendle):
    ctx, _ = pendle
    y = plan.final_year
    confirmed = [n for s in ctx.services for n in s.change_notes if n.startswith("Confirmed")]
    assert confirmed
    for note in confirmed:
        assert re.fullmatch(
            rf"Confirmed by solving the plan again: at an? [a-z ]+ of .+ \(now .+\) the plan "
            rf"keeps it at £[\d,]+00 in {y}(, \d+% of today's)?\.",
            note,
        ), note
    for s in ctx.services:
        for note in s.change_notes:
            assert "would be funded" not in note and "best possible figure" not in note
    data = plan.inputs.data
    for s in ctx.services:
        i = data.initiative(s.anchor.removeprefix("service-"))
        notice = {f.label: f.value for f in s.facts}["Notice"]
        if i.contract_end is not None and i.contract_end >= plan.years[0]:
            # the plan year ends on 31 March: notice three months before the next 1 April
            assert notice.startswith(f"the contract ends on 31 March {i.contract_end + 1}")
            assert f"give notice by 1 January {i.contract_end + 1}" in notice
        else:
            assert "give notice by" in notice or notice.startswith("none needed")
