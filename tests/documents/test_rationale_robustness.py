"""The rationale pack says how sure each decision is, when a robustness check is given."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commissioning.documents.contexts import DocumentError, prepare
from commissioning.documents.contexts.rationale import rationale_context, rationale_ids
from commissioning.documents.render import render_html
from commissioning.robustness import robustness
from commissioning.robustness.summary import sentence


def test_each_service_says_how_sure_and_the_method_says_how(small_plan, content):
    inputs, result = small_plan.inputs, small_plan.result
    check = robustness(inputs, 20, seed=4, mode="process", plan=result)
    plan = prepare(inputs, result, content, small_plan.issued, robustness=check)
    ctx = rationale_context(plan)
    ids = rationale_ids(plan, None)
    assert ids
    for svc, iid in zip(ctx.services, ids, strict=True):
        facts = {f.label: f.value for f in svc.facts}
        expected = sentence(check.by_id[iid], 20, inputs.data)
        assert facts["How sure"] == expected
        assert "20 plausible futures" in expected
    assert any("plausible futures" in m for m in ctx.method)
    assert any(f.label == "Fragile decisions" for f in ctx.glance)
    html = render_html("rationale.html", ctx)
    assert "plausible futures" in html


def test_without_a_check_the_pack_says_it_was_not_checked(small_plan):
    ctx = rationale_context(small_plan)
    for svc in ctx.services:
        assert {f.label: f.value for f in svc.facts}["How sure"].startswith("not checked")


def test_a_check_of_other_data_is_refused(small_plan, content):
    inputs, result = small_plan.inputs, small_plan.result
    check = robustness(inputs, 5, seed=4, mode="process", plan=result)
    with pytest.raises(DocumentError):
        prepare(inputs, result, content, robustness=replace(check, inputs_sha256="0" * 64))


def test_a_check_missing_services_is_refused(small_plan, content):
    inputs, result = small_plan.inputs, small_plan.result
    check = robustness(inputs, 5, seed=4, mode="process", plan=result)
    with pytest.raises(DocumentError):
        prepare(inputs, result, content, robustness=replace(check, initiatives=()))
