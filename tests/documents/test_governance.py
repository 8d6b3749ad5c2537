"""Governance: a decision recorded in the store reaches the approval block; the document
control block, signature lines and the consultation record from the data folder."""

from __future__ import annotations

import dataclasses
import re

import pytest

from commissioning.documents.contexts import prepare, sla_context, spec_context, summary_context
from commissioning.documents.render import render_html
from commissioning.inputs.consultation import COLUMNS, load_consultation
from commissioning.inputs.model import InputError
from commissioning.usecases import document_governance as governance_for
from tests.documents.htmlcheck import check_complete


@pytest.fixture()
def store_home(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COMMISSIONING_HOME", str(tmp_path / "home"))
    return tmp_path


def _spec_id(plan) -> str:
    return next(
        r.initiative_id
        for r in plan.result.initiatives
        if r.decision in ("commission", "grow", "maintain")
    )


def test_a_recorded_decision_appears_in_the_approval_block(small_plan, store_home):
    from commissioning import store

    run_id = store.record_allocation(small_plan.inputs, small_plan.result)
    iid = _spec_id(small_plan)
    store.record_decision(run_id, iid, "accept", "Jo Bloggs", "agreed at the board of 3 March")
    governance = governance_for(store_home / "no-folder", small_plan.result)
    assert governance.version == 1 and iid in governance.approvals
    plan = prepare(
        small_plan.inputs,
        small_plan.result,
        small_plan.content,
        small_plan.issued,
        governance=governance,
    )
    ctx = spec_context(plan, iid)
    row = ctx.approval.rows[0]
    assert row[1] == "Accepted as proposed" and row[2] == "Jo Bloggs"
    assert re.fullmatch(rf"decision \d+, run {re.escape(run_id)}", row[4]), row[4]
    assert ctx.meta.status.startswith("Agreed")
    html = check_complete(render_html(ctx.template, ctx)).all_text
    assert "Jo Bloggs" in html and "Approval: decisions recorded" in html
    # A later decision on the same proposal supersedes the first.
    store.record_decision(run_id, iid, "override", "Sam Lee", "kept at today's budget")
    later = governance_for(store_home / "no-folder", small_plan.result)
    assert later.approvals[iid].decided_by == "Sam Lee" and not later.approvals[iid].accepted
    assert (
        "Overridden: kept at today's budget"
        in spec_context(dataclasses.replace(plan, governance=later), iid).approval.rows[0][1]
    )


def test_without_a_store_the_documents_have_signature_lines(small_plan, store_home):
    governance = governance_for(store_home / "no-folder", small_plan.result)
    assert governance.approvals == {} and governance.supersedes == ""
    ctx = spec_context(small_plan, _spec_id(small_plan))
    assert ctx.approval.style == "write-in"
    assert ctx.approval.rows[0][1:] == ("not yet decided", "name", "date", "reference")
    assert [r[1] for r in ctx.signatures.rows] == [
        "Provider",
        small_plan.content.partnership.strategic_lead,
    ]
    control = {f.label: f.value for f in ctx.meta.control}
    assert control["Version"] == "1.0"
    assert control["Supersedes"].startswith("nothing")
    assert control["Input fingerprint"] == small_plan.result.provenance.inputs_sha256
    assert not ctx.meta.status.startswith("Agreed")


def test_sla_and_summary_carry_equality_consultation_and_decision_box(small_plan):
    sla = sla_context(small_plan, "A")
    assert sla.consultation.style == "write-in" and len(sla.consultation.rows) == 4
    assert sla.screening.rows and all(r[1] == "to be completed" for r in sla.screening.rows)
    assert {r[1] for r in sla.sign_off.rows} >= {"Chair of the sub-group"}
    summary = summary_context(small_plan)
    assert summary.decision.rows[0][0] == "Approves the plan as proposed"
    assert {f.label: f.value for f in summary.decisions_recorded}[
        "Decisions recorded"
    ] == "none yet"
    # participants by district and level: every row's change is today -> final year
    assert summary.equality.rows
    for row in summary.equality.rows:
        before, after = (int(x.replace(",", "")) for x in row[2:4])
        assert row[4] == ("no change" if before == after else f"{after - before:+,}")
    html = check_complete(render_html(summary.template, summary)).all_text
    assert "Decision of the" in html and "Equality impact" in html


def test_consultation_record_is_read_and_validated(tmp_path, small_plan):
    assert load_consultation(tmp_path) == ()
    header = ",".join(c for c, _, _ in COLUMNS)
    (tmp_path / "consultation.csv").write_text(
        header + "\n"
        "2026-10-01,Parent carer forum,Family hubs,Supported with changes,Minute 12\n"
        "2026-09-15,Schools forum,Prevention share,Agreed,\n",
        encoding="utf-8",
    )
    entries = load_consultation(tmp_path)
    assert [e.consulted for e in entries] == ["Schools forum", "Parent carer forum"]
    governance = governance_for(tmp_path, small_plan.result)
    plan = dataclasses.replace(small_plan, governance=governance)
    table = sla_context(plan, "A").consultation
    assert table.rows[0] == (
        "15 September 2026",
        "Schools forum",
        "Prevention share",
        "Agreed",
        "none given",
    )
    assert table.style == ""
    (tmp_path / "consultation.csv").write_text(
        header + "\n15/09/2026,,Family hubs,Agreed,\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_consultation(tmp_path)
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {(2, "date"), (2, "consulted")}
    assert "YYYY-MM-DD" in str(err.value)


def test_an_uploaded_consultation_record_reaches_the_documents(small_plan, store_home):
    """The app holds its data as files' contents, not a folder: the record's bytes are read
    and validated as the folder's file is, and a bad one names its row and column."""
    from commissioning.app.documents import consultation_file
    from commissioning.app.sources import source_from_uploads
    from commissioning.usecases import prepare_documents

    header = ",".join(c for c, _, _ in COLUMNS)
    record = (header + "\n2026-10-01,Parent carer forum,Family hubs,Agreed,Minute 12\n").encode()
    source, _ = source_from_uploads([("consultation.csv", record), ("budgets.csv", b"x")])
    assert consultation_file(source) == record
    assert consultation_file(source_from_uploads([("budgets.csv", b"x")])[0]) is None
    plan = prepare_documents(small_plan.inputs, small_plan.result, consultation=record)
    assert [e.consulted for e in plan.governance.consultation] == ["Parent carer forum"]
    assert sla_context(plan, "A").consultation.rows[0][1] == "Parent carer forum"
    none = prepare_documents(small_plan.inputs, small_plan.result)
    assert none.governance.consultation == ()
    with pytest.raises(InputError) as err:
        prepare_documents(
            small_plan.inputs,
            small_plan.result,
            consultation=(header + "\n2026-10-01,,Family hubs,Agreed,\n").encode(),
        )
    assert {(p.row, p.column) for p in err.value.problems} == {(2, "consulted")}
