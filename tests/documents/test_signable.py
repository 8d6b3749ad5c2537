"""The sample's documents as their readers get them: no rule names or model terms outside
the rationale pack's glossary, numeric targets, no "not recorded" baseline where the data
has the indicator, page numbers in the pack's list, and binding-rule counts that agree
between the plan summary and the pack.

Every document's words are checked in the HTML its PDF is laid out from; one district's
documents (its SLA, its specifications, the plan summary and its rationale pack) are also
laid out and read back from the PDF (pypdf), where the page furniture the stylesheet adds
(running heads, page numbers) shows too. Laying out all ~120 took a minute of the suite."""

from __future__ import annotations

import dataclasses
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from commissioning.documents.contexts import prepare, sla_context
from commissioning.documents.contexts.rationale import rationale_ids
from commissioning.documents.render import render_html
from commissioning.documents.writing import RENDERERS, cores, write_documents
from commissioning.inputs.model import COUNTY, IndicatorValue

RULE_NAME = re.compile(r"\b[a-z_]+\[[^\]\s]*,\s?\d{4}\]")
"""A rule's name as the result file writes it: capacity[IY-BUR-01,2029]."""
MODEL_TERMS = re.compile(
    r"min_budget|\bslack\b|\bduals?\b|\bbinar(y|ies)\b|\bMIP\b|shadow price", re.IGNORECASE
)
"""Terms of the method: only the rationale pack's glossary may use them."""
LOCK = re.compile(r"\block(ed|s)?\b", re.IGNORECASE)
"""The scenario's word for holding a budget: defined in the glossary for the auditor, never
used in what a provider, sub-group or board reads."""


GLOSSARY = "Glossary The terms of the method"


def _text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def _html_text(html: str) -> str:
    """The words of an HTML document as its reader gets them: no markup, no stylesheet,
    entities decoded, white space as one space."""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S))
    return " ".join(unescape(text).split())


def _texts(paths: list[Path]) -> list[list[str]]:
    """`_text` of each file, read on every core: reading text back from ~120 PDFs costs
    about half as much as laying them out, and the layout already uses every core."""
    workers = min(cores(), len(paths))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_text(p) for p in paths]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_text, paths, chunksize=4))


DISTRICT = "PEN"
"""The district whose documents are laid out as PDFs (Pendle: every kind of decision)."""


@pytest.fixture(scope="module")
def plan(sample_plan):
    """The sample's plan with indicator values for every district, so every baseline is
    recorded."""
    lib = sample_plan.content.indicators
    ids = [ind.indicator_id for o in lib.by_outcome for ind in lib.for_outcome(o)]
    data = sample_plan.inputs.data
    values = tuple(
        IndicatorValue(iid, area, 2025, 40.0 + k, "Illustrative: for the test")
        for k, iid in enumerate(ids)
        for area in (COUNTY, *(d.district_id for d in data.districts))
    )
    inputs = dataclasses.replace(
        sample_plan.inputs, data=dataclasses.replace(data, indicators=values)
    )
    return prepare(inputs, sample_plan.result, sample_plan.content, sample_plan.issued)


@pytest.fixture(scope="module")
def every_html(plan):
    """Every SLA, specification, the standard terms and the plan summary of the sample, as
    the words of the HTML their PDFs are laid out from (stem -> text)."""
    return {
        d.stem: _html_text(render_html(d.template, d.build()))
        for kind in ("spec", "sla", "summary", "terms")
        for d in RENDERERS[kind](plan, None)
    }


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):
    """One district's documents and the plan summary as PDFs, as `commissioning documents`
    writes them, read back page by page (file name -> pages' text)."""
    out = tmp_path_factory.mktemp("signable")
    produced, failures = write_documents(
        plan, ["spec", "sla"], out, ("pdf",), DISTRICT, lambda *a: None
    )
    summary, more = write_documents(plan, ["summary"], out, ("pdf",), None, lambda *a: None)
    pack, most = write_documents(plan, ["rationale"], out, ("pdf",), DISTRICT, lambda *a: None)
    assert not failures and not more and not most
    names = [names[0] for _, names in (*produced, *summary, *pack)]
    docs = dict(zip(names, _texts([out / n for n in names]), strict=True))
    docs["rationale-pack.pdf"] = docs.pop(next(n for n in docs if n.startswith("rationale")))
    return plan, docs, out


def _plain(name: str, n: object, text: str) -> None:
    """No rule name, no term of the method, and (outside the pack) no 'lock'."""
    # the glossary (last, on pages of its own) is where the method's terms live
    text = text.split(GLOSSARY)[0]
    assert not RULE_NAME.search(text), (name, n, RULE_NAME.search(text))
    assert not MODEL_TERMS.search(text), (name, n, MODEL_TERMS.search(text))
    if not name.startswith("rationale"):
        assert not LOCK.search(text), (name, n, LOCK.search(text))


def test_no_rule_names_or_model_terms_outside_the_glossary(written, every_html):
    _, docs, _ = written
    assert sum(n.startswith("spec-") for n in docs) >= 5 and "plan-summary.pdf" in docs
    assert any(n.startswith("sla-") for n in docs)
    for name, pages in docs.items():
        for n, page in enumerate(pages, 1):
            _plain(name, n, page)
    assert len(every_html) >= 100
    for stem, text in every_html.items():
        _plain(stem, "HTML", text)


def test_a_document_with_a_rule_name_or_a_model_term_fails_the_check():
    """The check can fail: each kind of slip it looks for is caught."""
    for slip in ("capacity[IY-BUR-01,2029] binds", "the dual of", "a slack of £3", "locked"):
        with pytest.raises(AssertionError):
            _plain("sla-PEN.pdf", 1, f"Pendle's plan: {slip}.")
    _plain("rationale-pack.pdf", 1, "The budget is locked.")  # the pack defines the term
    _plain("sla-PEN.pdf", 1, f"The plan. {GLOSSARY}: a dual is a price.")


def test_every_target_is_a_number_and_every_baseline_recorded(written, every_html):
    plan, docs, _ = written
    texts = {**{n: " ".join(pages) for n, pages in docs.items()}, **every_html}
    for name, text in texts.items():
        assert "Baseline: not recorded" not in text, name
        assert "set when a baseline is recorded" not in text, name
        assert "above baseline" not in text and "below baseline" not in text, name
    for d in plan.inputs.data.districts:
        rows = sla_context(plan, d.district_id).scorecard.rows
        for row in rows:
            assert row[4] != "not recorded", (d.district_id, row)
            assert all(re.search(rf"\d[\d,.]*%? in {y}", row[5]) for y in plan.years), row


def test_the_rationale_list_gives_page_numbers_and_counts_agree(written):
    plan, docs, _ = written
    pack = docs["rationale-pack.pdf"]
    listed = re.findall(r"\(([A-Z0-9-]+)\), page (\d+): (?:decommissioned|reduced)", " ".join(pack))
    assert len(listed) == len(rationale_ids(plan, "PEN"))
    for iid, page in listed:
        assert f"({iid})" in pack[int(page) - 1], (iid, page)
    summary = " ".join(docs["plan-summary.pdf"])
    counted = re.search(r"Rules that hold the plan back (\d[\d,]*) \(see section", summary)
    total = re.search(r"Total every rule of the plan \d[\d,]* (\d[\d,]*)", " ".join(pack))
    assert counted and total and counted.group(1) == total.group(1)


def test_pdfs_bookmark_every_section_and_service(written):
    plan, _, out = written
    outline = PdfReader(next(out.glob("rationale-pack*.pdf"))).outline

    def titles(items):
        for x in items:
            yield from titles(x) if isinstance(x, list) else (x.title,)

    found = list(titles(outline))
    for section in plan.content.documents["rationale"].sections.values():
        assert any(t.endswith(section.title) for t in found), section.title
    for iid in rationale_ids(plan, "PEN"):
        assert any(t.endswith(f"({iid})") for t in found), iid


def test_generated_plans_speak_plainly_too():
    """Another shape of data: the documents of a generated plan hold no rule names or model
    terms either (read from their HTML, which the PDFs are made from)."""
    from commissioning.allocator import allocate
    from commissioning.documents.content import load_content
    from commissioning.synthetic import synthetic_inputs

    inputs = synthetic_inputs(4, 40, years=3, seed=5, mip=True)
    plan = prepare(inputs, allocate(inputs), load_content())
    for kind in ("spec", "sla", "summary", "terms"):
        for d in RENDERERS[kind](plan, None):
            _plain(d.stem, "HTML", _html_text(render_html(d.template, d.build())))
