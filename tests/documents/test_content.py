"""The editable content in specs/: it loads, and a broken file is named precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from commissioning.documents.content import (
    REQUIRED_CLAUSES,
    SPECS_DIR,
    ContentError,
    load_content,
)


@pytest.fixture()
def specs(tmp_path: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(SPECS_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(directory)
    return [str(p) for p in err.value.problems]


def test_the_shipped_content_loads_with_every_standard_clause_and_outcome(content):
    assert set(REQUIRED_CLAUSES) <= set(content.clauses)
    assert set(content.indicators.by_outcome) == {"HEALTHY", "SAFE", "ENJOY", "CONTRIB", "ECON"}
    assert all(content.indicators.for_outcome(o) for o in content.indicators.by_outcome)
    assert content.indicators.for_outcome("UNKNOWN") == ()
    assert "not recorded" in content.indicators.fallback
    assert content.partnership.logo is not None and content.partnership.logo.is_file()
    assert [r.title for r in content.reporting.returns][-2:] == [
        "Quarterly report to the sub-group",
        "Annual report",
    ]


def test_a_yaml_syntax_error_names_the_file_and_line(specs):
    edit(specs / "clauses.yaml", "  safeguarding:\n", "  safeguarding: [\n")
    found = problems(specs)
    assert any(p.startswith("clauses.yaml: line ") and "not valid YAML" in p for p in found), found


def test_a_missing_file_is_named(specs):
    (specs / "indicators.yaml").unlink()
    assert any(p.startswith("indicators.yaml: file not found") for p in problems(specs))


def test_every_problem_is_reported_with_file_key_and_what_is_wrong(specs):
    edit(specs / "partnership.yaml", '  primary: "#1F4E79"', '  primary: "navy"')
    edit(specs / "partnership.yaml", "logo: logo.svg", "logo: missing.png")
    edit(specs / "indicators.yaml", "      direction: decrease", "      direction: down")
    edit(specs / "district_sla.yaml", "  needs:\n", "  needz:\n")
    edit(specs / "clauses.yaml", "is everyone's responsibility.", "is {everyone}'s job.")
    edit(specs / "reporting.yaml", "quarters: [April to June, ", "quarters: [")
    found = problems(specs)
    expected = [
        "partnership.yaml: colours.primary: must be a colour like #1F4E79, not 'navy'",
        "partnership.yaml: logo: file not found",
        "indicators.yaml: outcomes.HEALTHY[2].direction: must be increase or decrease, not 'down'",
        "district_sla.yaml: sections.needs: missing",
        "district_sla.yaml: sections.needz: unknown section",
        "clauses.yaml: clauses.safeguarding.text: unknown placeholder {everyone}",
        "reporting.yaml: quarters: must list the 4 quarters, not 3",
    ]
    for e in expected:
        assert any(p.startswith(e) for p in found), (e, found)


def test_a_clause_a_document_cannot_fill_is_an_error(specs):
    # {service} exists in a specification, not in a district SLA that uses the same clause.
    edit(
        specs / "clauses.yaml",
        "The {document} is reviewed",
        "For {service}, the {document} is reviewed",
    )
    found = problems(specs)
    assert any(
        p.startswith("district_sla.yaml: sections.reporting.clauses[1]") and "{service}" in p
        for p in found
    ), found
    # Nor can the standard terms, which every specification cites.
    assert any(
        p.startswith("standard_terms.yaml: sections.review.clauses[1]") and "{service}" in p
        for p in found
    ), found
    assert not any(p.startswith("service_specification.yaml") for p in found)


def test_a_missing_standard_clause_and_unknown_keys_are_errors(specs):
    edit(specs / "clauses.yaml", "  complaints:\n", "  grievances:\n")
    edit(specs / "framework.yaml", "levels:\n", "levelz: {}\nlevels:\n")
    found = problems(specs)
    assert any(p.startswith("clauses.yaml: clauses.complaints: missing") for p in found), found
    assert any(p.startswith("framework.yaml: levelz: unknown key") for p in found), found
    assert any("unknown clause 'complaints'" in p for p in found), found


def test_an_empty_value_is_named(specs):
    edit(specs / "partnership.yaml", "strategic_lead: PEI Strategic Lead", 'strategic_lead: ""')
    assert "partnership.yaml: strategic_lead: is empty" in problems(specs)


def test_the_documents_standard_wording_is_checked_key_by_key(specs):
    """Issue 17: headings and notes live in specs/; a missing or misspelt key is named."""
    edit(specs / "plan_summary.yaml", "  savings_empty:", "  savings_emtpy:")
    edit(specs / "district_sla.yaml", "  services_empty: No service in this plan.\n", "")
    edit(specs / "district_sla.yaml", "  needs_table: Need", "  needs_table: Need in {county},")
    found = problems(specs)
    summary = "plan_summary.yaml: wording."
    assert f"{summary}savings_empty: missing: the document needs this wording" in found, found
    assert any(p.startswith(f"{summary}savings_emtpy: unknown key") for p in found), found
    sla = "district_sla.yaml: wording."
    assert f"{sla}services_empty: missing: the document needs this wording" in found, found
    assert any(p.startswith(f"{sla}needs_table: unknown placeholder {{county}}") for p in found)


def test_edited_wording_reaches_the_documents(specs, small_plan):
    import dataclasses

    from commissioning.documents.contexts import sla_context, summary_context

    edit(
        specs / "plan_summary.yaml",
        "decisions_table: Decisions by",
        "decisions_table: For the {board}, decisions by",
    )
    edit(specs / "district_sla.yaml", "needs_table: Need", "needs_table: The {district} need")
    plan = dataclasses.replace(small_plan, content=load_content(specs))
    board = plan.content.partnership.board
    assert summary_context(plan).decisions.caption == f"For the {board}, decisions by service"
    assert sla_context(plan, "A").needs.caption.startswith("The Alpha need and participants")


def test_a_sentence_around_figures_must_keep_them_and_name_no_other(specs):
    """Issue 17: the sentences of the documents live in specs/ too; the figures a sentence is
    written around are declared with its key, so an edit that drops one or names an unknown
    one is an error before any document is built."""
    edit(specs / "rationale.yaml", "reach about {gained} more.", "reach about as many more.")
    edit(specs / "service_specification.yaml", "from {start}.", "from {begin}.")
    edit(specs / "common.yaml", "  audit_none:", "  audit_missing:")
    found = problems(specs)
    assert (
        "rationale.yaml: wording.cohort: must say {gained}: the figure this wording is for" in found
    ), found
    unknown = "service_specification.yaml: wording.contract_new: unknown placeholder {begin}"
    assert any(p.startswith(unknown) for p in found), found
    assert "common.yaml: wording.audit_none: missing: the document needs this wording" in found
    assert any(p.startswith("common.yaml: wording.audit_missing: unknown key") for p in found)


def test_edited_sentences_reach_the_documents_with_their_figures(specs, small_plan):
    import dataclasses

    from commissioning.documents.contexts import spec_context, summary_context

    edit(
        specs / "common.yaml",
        "Consultation record: none is recorded in the data; to be completed",
        "Nobody has been consulted yet on the {first_year} to {last_year} plan",
    )
    edit(
        specs / "service_specification.yaml",
        "Report every quarter against the indicators of section {outcomes_section}",
        "Each quarter, {provider} reports on section {outcomes_section}",
    )
    plan = dataclasses.replace(small_plan, content=load_content(specs))
    first, last = plan.years[0], plan.years[-1]
    consultation = summary_context(plan).consultation.caption
    assert consultation == f"Nobody has been consulted yet on the {first} to {last} plan"
    spec = spec_context(plan, plan.inputs.data.initiatives[0].initiative_id)
    provider = plan.inputs.data.initiatives[0].provider
    assert spec.objectives[-1].startswith(f"Each quarter, {provider} reports on section 4")
