"""The document cache: a PDF is laid out again exactly when what it shows has changed.

A counting stand-in for WeasyPrint's layout records which documents were laid out; the
runs write the small plan's summary, SLAs, specifications and standard terms in one
process. Changing one document's text, one template or the plan must lay out exactly
the documents that show it, and nothing else; an unchanged run lays out nothing and
writes the same bytes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.documents import render, writing
from commissioning.documents.cache import (
    CACHE_VARIABLE,
    LIMIT_VARIABLE,
    DocumentCache,
    cache_for,
)
from commissioning.documents.contexts import Plan, prepare

KINDS = ("summary", "sla", "spec", "terms")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Lay out in this process (one core), recording the HTML of every document laid out."""
    monkeypatch.setattr(writing, "cores", lambda: 1)
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    seen: list[str] = []
    real = render.html_to_pdf

    def counting(html: str, base_url: str | Path) -> bytes:
        seen.append(html)
        return real(html, base_url)

    monkeypatch.setattr(render, "html_to_pdf", counting)
    return seen


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every document laid out (in this process: one core)."""
    return _counting(monkeypatch)


def _write(plan: Plan, out: Path, cache: DocumentCache) -> dict[str, bytes]:
    produced, failures = writing.write_documents(
        plan, KINDS, out, ("pdf",), progress=lambda *a: None, cache=cache
    )
    assert not failures
    return {f: (out / f).read_bytes() for _, files in produced for f in files}


def _stems(plan: Plan, htmls: list[str]) -> set[str]:
    """Which documents these HTMLs are (each document's own HTML, rendered again)."""
    jobs = [d for kind in KINDS for d in writing.RENDERERS[kind](plan, None)]
    by_html = {render.render_html(d.template, d.build()): d.stem for d in jobs}
    return {by_html[h] for h in htmls}


def _all(plan: Plan) -> set[str]:
    return {d.stem for kind in KINDS for d in writing.RENDERERS[kind](plan, None)}


@dataclass(frozen=True)
class ColdRun:
    """The small plan's documents written once into an empty cache."""

    cache: Path
    out: Path
    laid_out: list[str]
    """The HTML of every document laid out by that run."""
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def cold_run(small_plan, tmp_path_factory) -> ColdRun:
    """Laid out once for this module: the unchanged run's test checks this run, and the
    tests that change one thing start from a copy of its cache (`_primed`) rather than
    each laying the whole unchanged set out again."""
    folder = tmp_path_factory.mktemp("small-plan-cache")
    out = tmp_path_factory.mktemp("small-plan-out")
    with pytest.MonkeyPatch.context() as monkeypatch:
        seen = _counting(monkeypatch)
        files = _write(small_plan, out, DocumentCache(folder))
    return ColdRun(folder, out, list(seen), files)


def _primed(cold: ColdRun, tmp_path: Path) -> DocumentCache:
    """A cache of this test's own, holding every document of the unchanged small plan."""
    shutil.copytree(cold.cache, tmp_path / "cache")
    return DocumentCache(tmp_path / "cache")


def test_an_unchanged_run_lays_out_nothing_and_writes_the_same_bytes(
    small_plan, cold_run, tmp_path, laid_out
):
    first = cold_run.files
    assert _stems(small_plan, cold_run.laid_out) == _all(small_plan)
    assert len(cold_run.laid_out) == len(first)  # one layout per document, none twice
    cache = _primed(cold_run, tmp_path)
    again = _write(small_plan, cold_run.out, cache)
    assert laid_out == []
    assert again == first
    # Another output folder: these documents have no relative links, so the same entries.
    elsewhere = _write(small_plan, tmp_path / "two", cache)
    assert laid_out == []
    assert elsewhere == first


def test_one_documents_text_changed_lays_out_that_document_only(
    small_plan, cold_run, tmp_path, laid_out
):
    cache = _primed(cold_run, tmp_path)
    _write(small_plan, tmp_path / "out", cache)
    assert laid_out == []  # the unchanged plan: every document from the cache
    content = small_plan.content
    summary = replace(content.documents["summary"], title="Plan summary (revised)")
    changed = replace(
        small_plan, content=replace(content, documents={**content.documents, "summary": summary})
    )
    _write(changed, tmp_path / "out", cache)
    assert _stems(changed, laid_out) == {"plan-summary"}


def test_one_template_changed_lays_out_its_documents_only(
    small_plan, cold_run, tmp_path, laid_out, monkeypatch
):
    templates = tmp_path / "templates"
    shutil.copytree(render.templates_dir(), templates)
    monkeypatch.setenv("COMMISSIONING_TEMPLATES", str(templates))
    render.environment.cache_clear()
    try:
        cache = _primed(cold_run, tmp_path)
        _write(small_plan, tmp_path / "out", cache)
        assert laid_out == []  # the copied templates, unchanged: the same documents
        sla = templates / "district_sla.html"
        sla.write_text(
            sla.read_text(encoding="utf-8").replace(
                "{% block body %}", "{% block body %}<p>Agreed locally.</p>", 1
            ),
            encoding="utf-8",
        )
        render.environment.cache_clear()
        _write(small_plan, tmp_path / "out", cache)
        slas = {d.stem for d in writing.sla_documents(small_plan, None)}
        assert slas and _stems(small_plan, laid_out) == slas
        # A partial every document includes: every document again.
        laid_out.clear()
        styles = templates / "_styles.html"
        styles.write_text(
            styles.read_text(encoding="utf-8").replace("</style>", "p { orphans: 3; }</style>", 1),
            encoding="utf-8",
        )
        render.environment.cache_clear()
        _write(small_plan, tmp_path / "out", cache)
        assert _stems(small_plan, laid_out) == _all(small_plan)
    finally:
        render.environment.cache_clear()


def test_a_new_plan_lays_out_every_document_as_each_names_its_plan(
    small_plan, cold_run, tmp_path, laid_out
):
    """Every page's footer and control block name the plan (its inputs' fingerprint), so a
    plan made from other figures shows in every document and none may be reused."""
    cache = _primed(cold_run, tmp_path)
    _write(small_plan, tmp_path / "out", cache)
    assert laid_out == []  # every document of the unchanged plan is in the cache
    inputs = small_plan.inputs
    moved = replace(inputs, scenario=replace(inputs.scenario, district_floor=0.5))
    plan = prepare(moved, allocate(moved), small_plan.content, small_plan.issued)
    _write(plan, tmp_path / "out", cache)
    assert _stems(plan, laid_out) == _all(plan)


# ------------------------------------------------------------------------ the cache itself


PDF = b"%PDF-1.7\n...\n%%EOF\n"


def test_the_key_is_the_html_and_the_folder_only_for_relative_references(tmp_path):
    cache = DocumentCache(tmp_path)
    html = '<html><body><a href="#part-2">Part 2</a><img src="data:image/png;base64,AA"></body>'
    assert cache.key(html, tmp_path / "a") == cache.key(html, tmp_path / "b")
    assert cache.key(html, tmp_path) != cache.key(html.replace("Part 2", "Part 3"), tmp_path)
    for relative in ('<a href="standard-terms.pdf">', "<img src=logo.png>", "url('font.woff')"):
        linked = html.replace("<body>", f"<body>{relative}")
        assert cache.key(linked, tmp_path / "a") != cache.key(linked, tmp_path / "b"), relative
    absolute = html.replace("<body>", '<body><a href="https://example.org/x.pdf">')
    assert cache.key(absolute, tmp_path / "a") == cache.key(absolute, tmp_path / "b")


def test_an_entry_that_is_not_a_whole_pdf_is_dropped(tmp_path):
    cache = DocumentCache(tmp_path)
    cache.put("k", PDF)
    assert cache.get("k") == PDF
    (tmp_path / "k.pdf").write_bytes(PDF[:10])  # cut short
    assert cache.get("k") is None
    assert not (tmp_path / "k.pdf").exists()
    assert cache.get("never") is None


def test_the_least_recently_used_entries_go_first_past_the_limit(tmp_path):
    import os

    cache = DocumentCache(tmp_path, limit_bytes=3 * len(PDF))
    for n, key in enumerate(("a", "b", "c")):
        cache.put(key, PDF)
        os.utime(tmp_path / f"{key}.pdf", (1000 + n, 1000 + n))
    assert cache.get("a") == PDF  # used now: the most recent
    cache.put("d", PDF)  # one over the limit: the least recently used ("b") goes
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == ["a", "c", "d"]
    cache.put("huge", PDF * 4)  # larger than the whole cache: not kept, nothing dropped
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == ["a", "c", "d"]


def test_where_the_cache_is(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.delenv(LIMIT_VARIABLE, raising=False)
    found = cache_for(tmp_path / "out")
    assert found is not None and found.directory == tmp_path / ".out-document-cache"
    assert found.limit_bytes == 256 * 1024 * 1024
    assert cache_for(None) is None
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "shared"))
    monkeypatch.setenv(LIMIT_VARIABLE, "1.5")
    found = cache_for(tmp_path / "out")
    assert found is not None and found.directory == tmp_path / "shared"
    assert found.limit_bytes == int(1.5 * 1024 * 1024)
    assert cache_for(None) == found
    monkeypatch.setenv(LIMIT_VARIABLE, "lots")
    assert cache_for(None).limit_bytes == 256 * 1024 * 1024  # type: ignore[union-attr]
    monkeypatch.setenv(CACHE_VARIABLE, "off")
    assert cache_for(tmp_path / "out") is None
