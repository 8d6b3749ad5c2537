"""Every document's control block shows the audit trail's head the plan was stored at, so
a trail rewritten after the document was issued can be shown not to hold it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commissioning.documents.contexts import index_context
from commissioning.documents.render import render_html
from commissioning.documents.writing import RENDERERS
from tests.documents.htmlcheck import check_complete

HEAD = "5e3c" + "0123456789abcdef" * 3 + "a1b2c3d4e5f6"


def _stamped(plan, head):
    provenance = replace(plan.result.provenance, audit_head=head)
    return replace(plan, result=replace(plan.result, provenance=provenance))


def _documents(plan):
    return [
        render_html(d.template, d.build())
        for kind in RENDERERS
        for d in RENDERERS[kind](plan, None)
    ] + [render_html("index.html", index_context(plan, ()))]


@pytest.mark.parametrize("sealed", [True, False])
def test_every_document_shows_the_head_it_was_made_at(small_plan, sealed):
    assert len(HEAD) == 64
    plan = _stamped(small_plan, {"entry": 41, "hash": HEAD, "sealed": sealed})
    pages = _documents(plan)
    assert len(pages) >= 5  # specifications, terms, SLAs, summary, rationale, index
    for html in pages[:-1]:  # the documents (the index has no sections to check)
        check_complete(html)
    for html in pages:
        assert f"Audit trail: entry 41, hash {HEAD}" in html
        # plain words for providers and boards: the command is in the auditor's pack only
        assert "auditor can show the record has not been rewritten" in html
        assert ("sealed with the partnership" in html) is sealed


def test_a_plan_never_stored_says_so(small_plan):
    assert small_plan.result.provenance.audit_head is None
    for html in _documents(small_plan):
        assert "Audit trail: not recorded (the plan was not kept in a store" in html
