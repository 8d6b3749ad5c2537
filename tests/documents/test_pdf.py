"""PDFs: the text pypdf extracts holds the sections and the right figures."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from commissioning.documents.contexts import money, sla_context, spec_context, summary_context
from commissioning.documents.render import render_html
from tests.documents.conftest import pdf_of


def pdf_text(html: str, tmp_path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf_of(html, tmp_path)))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


@pytest.fixture(scope="module")
def sla_pdf(sample_plan, tmp_path_factory):
    return pdf_text(
        render_html("district_sla.html", sla_context(sample_plan, "PEN")),
        tmp_path_factory.mktemp("pdf"),
    )


def test_sla_pdf_has_sections_figures_and_page_numbers(sla_pdf, sample_plan):
    text, pages = sla_pdf
    for heading in (
        "1. Parties and period",
        "2. Needs summary",
        "6. Measurable targets by priority",
        "7. Scorecard",
        "8. Reporting and escalation",
        "9. Local targets",
        "12. Sign-off",
    ):
        assert heading in text, heading
    row = next(x for x in sample_plan.summary.by_district if x.key == "PEN")
    # Pendle spends millions: its sums are said to the nearest £1,000, as its tables say them
    assert money(row.today, 1000) in text and money(row.final, 1000) in text
    assert "20,600" in text  # Pendle's level 1 need, from districts.csv
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "District SLA: Pendle" in text  # the running header
    assert not re.search(r"\bNone\b|\bnan\b|\{\{", text)


def test_spec_and_summary_pdfs(sample_plan, tmp_path):
    spec, _ = pdf_text(
        render_html("service_specification.html", spec_context(sample_plan, "FS-PEN-01")), tmp_path
    )
    for heading in (
        "1. Service details",
        "4. Outcomes, indicators and targets",
        "6. Service standards",
        "8. Review and exit",
    ):
        assert heading in spec
    assert "County Council Children and Family Wellbeing Service" in spec
    res = sample_plan.outcome_of("FS-PEN-01")
    assert money(res.final) in spec
    summary, _ = pdf_text(render_html("plan_summary.html", summary_context(sample_plan)), tmp_path)
    assert "Money moved between levels of need" in summary
    assert money(sample_plan.summary.total_today) in summary
    assert "Today" in summary and "2029" in summary  # the charts' legends are text


def test_pdfs_are_tagged_for_screen_readers_with_title_and_language(sample_plan, tmp_path):
    """Councils publish these documents: PDF/UA-1, with a structure tree (headings, tables,
    reading order), the document's language and its title shown in the window."""
    html = render_html("district_sla.html", sla_context(sample_plan, "PEN"))
    reader = PdfReader(io.BytesIO(pdf_of(html, tmp_path)))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None
    assert reader.metadata.title == "District SLA: Pendle | Lancashire Children's Trust Partnership"
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()  # type: ignore[union-attr]
