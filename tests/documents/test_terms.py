"""The standard terms: printed once, every standard clause in full and numbered, and cited by
number (with their version) from every specification instead of being repeated in each."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from commissioning.cli import main
from commissioning.documents.content import REQUIRED_CLAUSES, SPECS_DIR, ContentError, load_content
from commissioning.documents.contexts import spec_context, terms_context
from commissioning.documents.render import render_html
from commissioning.documents.writing import RENDERERS, write_documents, write_index
from tests.documents.conftest import SAMPLE, pdf_of
from tests.documents.htmlcheck import check_complete

TERMS_SECTIONS = {
    "scope": "Scope",
    "standards": "Service standards",
    "monitoring": "Monitoring and reporting",
    "review": "Review and exit",
}
CLAUSE_TITLES = {
    "safeguarding": "Safeguarding",
    "information_sharing": 'Information sharing and "tell us once"',
    "lead_professional": "Lead professional",
    "involvement": "Involving children and families",
    "equality": "Equality, diversity and inclusion",
    "data_protection": "Data protection",
    "complaints": "Compliments and complaints",
    "review_and_exit": "Review and exit",
    "challenge_and_review": "Challenge and review of a decision",
}


def test_the_terms_print_every_standard_clause_in_full_and_numbered(sample_plan):
    ctx = terms_context(sample_plan)
    r = check_complete(render_html("standard_terms.html", ctx))
    for n, (sid, title) in enumerate(TERMS_SECTIONS.items(), 1):
        assert r.sections.get(sid, "").strip() == f"{n}. {title}"
    text = r.all_text
    numbered = [c for s in ctx.sections.values() for c in s.clauses]
    assert {c.clause_id for c in numbered} == set(REQUIRED_CLAUSES)
    for c in numbered:
        assert f"clause-{c.clause_id}" in r.ids
        assert f"{c.number} {CLAUSE_TITLES[c.clause_id]}" in text
        for paragraph in c.paragraphs:
            assert paragraph in text  # in full, not summarised
    assert [c.number for c in ctx.sections["standards"].clauses] == [f"2.{k}" for k in range(1, 8)]
    assert [c.number for c in ctx.sections["review"].clauses] == ["4.1", "4.2"]
    # The reporting cadence and the escalation route, numbered before any monitoring clause.
    assert "3.1 Reporting cadence" in text and "3.2 If targets are missed" in text
    cadence = next(t for t in r.tables if t.table_id == "reporting")
    assert [row[0][0] for row in cadence.rows] == [
        "Provider quarterly return",
        "Quarterly report to the sub-group",
        "Annual report",
    ]
    for step in ctx.escalation:
        assert step in text
    # No district of their own: the sub-group is named generically; no placeholder is left.
    assert "the district Prevention and Early Intervention Sub-Group" in text
    assert "{" not in text
    terms = sample_plan.terms
    assert "1.0, issued 22 November 2026" in text and terms.reference in text
    assert re.fullmatch(r"[0-9a-f]{8}", terms.reference)


def test_a_specification_cites_the_terms_by_number_instead_of_repeating_them(sample_plan):
    ctx = spec_context(sample_plan, "FS-PEN-01")
    r = check_complete(render_html("service_specification.html", ctx))
    terms = sample_plan.terms
    text = r.all_text
    # Every clause of the terms is cited, with its number, by the section it belongs to.
    for sid in ("standards", "monitoring", "review"):
        cite = ctx.terms[sid]
        assert cite.items == tuple(f"{n} {t}" for n, t in terms.numbered[sid])
        for item in cite.items:
            assert item in text
    # The first citation names the terms in full: version, issue date and text reference.
    assert terms.citation in ctx.terms["standards"].text
    assert "version 1.0, issued 22 November 2026" in text and terms.reference in text
    cited = {item.split(" ", 1)[1] for c in ctx.terms.values() for item in c.items}
    assert set(CLAUSE_TITLES.values()) <= cited
    # ... and the clauses' text is not repeated in the specification.
    for clause in (c for s in terms.sections.values() for c in s.clauses):
        for paragraph in clause.paragraphs:
            assert paragraph not in text
    # What the terms leave to the specification: this service's reporting and review.
    assert "12 returns, for the quarters ending 30 June 2027 to 31 March 2030" in text
    assert "Pendle Prevention and Early Intervention Sub-Group" in text
    assert "By 31 March 2028, 31 March 2029 and 31 March 2030" in text
    assert "County Council Children and Family Wellbeing Service agrees an exit plan" in text


def test_every_specification_of_the_sample_cites_the_same_terms(sample_plan):
    citation = sample_plan.terms.citation
    for i in sample_plan.spec_initiatives():
        assert citation in spec_context(sample_plan, i.initiative_id).terms["standards"].text


def test_the_terms_are_written_with_the_specifications_and_linked_from_the_index(
    small_plan, tmp_path
):
    assert "terms" in RENDERERS
    produced, failures = write_documents(small_plan, ["spec", "terms"], tmp_path, ["html"], "B")
    assert failures == []
    assert {f for _, files in produced for f in files} == {"spec-NEW_1.html", "standard-terms.html"}
    index = write_index(small_plan, tmp_path, produced).read_text(encoding="utf-8")
    assert 'href="standard-terms.html"' in index
    # A district with no specification gets no terms either.
    assert RENDERERS["terms"](small_plan, "C") == []


def test_kind_spec_writes_the_terms_too(sample_result_file, tmp_path, capsys):
    out = tmp_path / "pen"
    args = ["documents", str(SAMPLE), "--result", str(sample_result_file), "--out", str(out)]
    code = main([*args, "--kind", "spec", "--district", "ROS", "--format", "html"])
    assert code == 0, capsys.readouterr().err
    names = {p.name for p in out.iterdir()}
    assert "standard-terms.html" in names and "index.html" in names
    assert all(n.startswith("spec-") for n in names - {"standard-terms.html", "index.html"})


def test_the_terms_pdf(sample_plan, tmp_path):
    reader = PdfReader(
        io.BytesIO(pdf_of(render_html("standard_terms.html", terms_context(sample_plan)), tmp_path))
    )
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for heading in ("1. Scope", "2. Service standards", "2.1 Safeguarding", "4.1 Review and exit"):
        assert heading in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "Standard terms for PEI service specifications" in text  # the running header


@pytest.fixture()
def specs(tmp_path: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(SPECS_DIR, target)
    return target


def _problems(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(directory)
    return [str(p) for p in err.value.problems]


def test_the_terms_need_a_version_and_cannot_name_a_service_or_district(specs):
    path = specs / "standard_terms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('version: "1.0"\n', ""), encoding="utf-8")
    assert "standard_terms.yaml: version: missing (text)" in _problems(specs)
    clauses = specs / "clauses.yaml"
    clauses.write_text(
        clauses.read_text(encoding="utf-8").replace(
            "Every provider working under", "{provider}, like every provider working under"
        ),
        encoding="utf-8",
    )
    found = _problems(specs)
    assert any(
        p.startswith("standard_terms.yaml: sections.standards.clauses[1]") and "{provider}" in p
        for p in found
    ), found
    # A service specification may still use its own placeholders.
    assert not any(p.startswith("service_specification.yaml") for p in found), found


def test_only_the_terms_have_a_version(specs):
    path = specs / "service_specification.yaml"
    path.write_text('version: "2"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert any(
        p.startswith("service_specification.yaml: version: unknown key") for p in _problems(specs)
    )


def test_every_standard_clause_must_reach_the_specifications(specs):
    path = specs / "standard_terms.yaml"
    text = path.read_text(encoding="utf-8")
    assert "data_protection, complaints]" in text
    path.write_text(text.replace("data_protection, complaints]", "data_protection]"), "utf-8")
    assert any(
        p.startswith("standard_terms.yaml: sections: the standard clause 'complaints'")
        for p in _problems(specs)
    )
    # Printed in every specification instead, it is applied all the same.
    spec = specs / "service_specification.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "    title: Review and exit", "    title: Review and exit\n    clauses: [complaints]"
        ),
        encoding="utf-8",
    )
    assert load_content(specs).documents["spec"].sections["review"].clauses == ("complaints",)
