"""Writing a plan's documents: service specifications, district SLAs, the plan summary, the
standard terms and the rationale pack, with an index page (for `commissioning documents`
and the app's Documents page alike).

Each kind of document is one entry of `RENDERERS` (kind -> function listing the documents
of that kind); a new kind, such as the decommissioning rationale, is added there and
nowhere else. PDFs are laid out in a pool of processes, one per core; every file is
written atomically, and `index.html` links everything the run produced.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from commissioning.documents.cache import DocumentCache, cache_for
from commissioning.documents.contexts import (
    DECISION_TITLES,
    IndexContext,
    IndexGroup,
    IndexLink,
    Plan,
    SlaContext,
    SpecContext,
    SummaryContext,
    TermsContext,
    index_context,
    level_label,
    sla_context,
    spec_context,
    summary_context,
    terms_context,
)
from commissioning.export.files import Stopped, write_atomic
from commissioning.inputs.model import COUNTY

FORMATS: dict[str, tuple[str, ...]] = {"pdf": ("pdf",), "html": ("html",), "both": ("html", "pdf")}


@dataclass(frozen=True)
class Document:
    """One document to write: what it is, its file name stem, and how to build its context."""

    kind: str
    key: str
    title: str
    detail: str
    stem: str
    template: str
    build: Callable[[], object]


Renderer = Callable[[Plan, str | None], list[Document]]
"""Lists the documents of one kind for a plan, optionally for one district only."""


def safe_name(text: str) -> str:
    """An id made safe for a file name: anything but [A-Za-z0-9._-] becomes '_'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "_"


def spec_documents(plan: Plan, district: str | None) -> list[Document]:
    docs = []
    for i in plan.spec_initiatives(district):
        r = plan.outcome_of(i.initiative_id)
        where = "county-wide" if i.is_county_wide else plan.inputs.data.district(i.district_id).name
        docs.append(
            Document(
                "spec",
                i.initiative_id,
                f"{i.name} ({i.initiative_id})",
                f"{where}, {level_label(i.level).lower()}, "
                f"{DECISION_TITLES[r.decision].split(' (')[0].lower()}",
                f"spec-{safe_name(i.initiative_id)}",
                SpecContext.template,
                partial(spec_context, plan, i.initiative_id),
            )
        )
    return docs


def sla_documents(plan: Plan, district: str | None) -> list[Document]:
    data = plan.inputs.data
    ids = [d.district_id for d in data.districts if district is None or d.district_id == district]
    return [
        Document(
            "sla",
            did,
            f"{data.district(did).name} ({did})",
            f"{data.district(did).locality} locality",
            f"sla-{safe_name(did)}",
            SlaContext.template,
            partial(sla_context, plan, did),
        )
        for did in ids
    ]


def summary_documents(plan: Plan, district: str | None) -> list[Document]:
    return [
        Document(
            "summary",
            "plan-summary",
            "Plan summary for the partnership board",
            f"scenario {plan.inputs.scenario.name}",
            "plan-summary",
            SummaryContext.template,
            partial(summary_context, plan),
        )
    ]


def terms_documents(plan: Plan, district: str | None) -> list[Document]:
    """The standard terms every specification cites: written with the specifications."""
    if not plan.spec_initiatives(district):
        return []
    text = plan.content.documents["terms"]
    return [
        Document(
            "terms",
            "standard-terms",
            text.title,
            f"version {text.version}: the clauses every service specification cites by number",
            "standard-terms",
            TermsContext.template,
            partial(terms_context, plan),
        )
    ]


def rationale_documents(plan: Plan, district: str | None) -> list[Document]:
    from commissioning.documents.contexts.rationale import RationaleContext, rationale_context

    where = "" if district is None else f"-{district}"
    return [
        Document(
            "rationale",
            f"rationale-pack{where}",
            "Decommissioning rationale pack",
            "every decommissioned or reduced service"
            + (
                ""
                if district is None
                else " county-wide"
                if district == COUNTY
                else f" in {plan.inputs.data.district(district).name}"
            ),
            safe_name(f"rationale-pack{where}"),
            RationaleContext.template,
            partial(rationale_context, plan, district),
        )
    ]


RENDERERS: dict[str, Renderer] = {
    "summary": summary_documents,
    "sla": sla_documents,
    "spec": spec_documents,
    "terms": terms_documents,
    "rationale": rationale_documents,
}
"""Every kind of document that can be written, in the order `all` writes them."""

KIND_TITLES: dict[str, str] = {
    "summary": "Plan summary",
    "sla": "District service level agreements",
    "spec": "Service specifications",
    "terms": "Standard terms for service specifications",
    "rationale": "Decommissioning rationale",
}
WRITTEN_WITH: dict[str, tuple[str, ...]] = {"spec": ("terms",)}
"""Kinds written along with another: the specifications cite the standard terms."""
COST: dict[str, float] = {"spec": 1.0, "terms": 1.0, "summary": 3.0, "sla": 3.5}
"""Rough CPU cost of a document of each kind, relative to a specification; the pool lays
out the costliest first so that both cores stay busy to the end. A kind not listed (a
pack of many pages, such as the rationale) counts as the costliest of all."""
NOT_YET: dict[str, str] = {}
"""Kinds the command line accepts that have no renderer yet, and what to say."""
KINDS: tuple[str, ...] = ("spec", "sla", "summary", "rationale", "all")


# --- work shared with the pool's processes (inherited by fork, never pickled) -----------------

_WRITING = threading.Lock()
"""One run at a time per process: the app's sessions run in threads of one server."""
_JOBS: list[Document] = []
_OUT: Path = Path()
_FORMATS: tuple[str, ...] = ()
_CACHE: DocumentCache | None = None


def _produce(index: int) -> tuple[int, list[str]]:
    """Build, render and write one document; the file names written."""
    from commissioning.documents.cache import cached_pdf
    from commissioning.documents.render import render_html

    global _BUSY
    doc = _JOBS[index]
    _BUSY = True
    try:
        html = render_html(doc.template, doc.build())
        written = []
        if "html" in _FORMATS:
            path = _OUT / f"{doc.stem}.html"
            write_atomic(path, partial(_write_text, html))
            written.append(path.name)
        if "pdf" in _FORMATS:
            pdf = cached_pdf(_CACHE, html, _OUT)
            path = _OUT / f"{doc.stem}.pdf"
            write_atomic(path, partial(_write_bytes, pdf))
            written.append(path.name)
    except Stopped:
        if _IN_WORKER:  # the file being written is removed by now: end here, quietly
            os._exit(EXIT_STOPPED)
        raise
    finally:
        _BUSY = False
    return index, written


_PARENT = 0
"""The process that starts the pool: its workers end when it does."""
_IN_WORKER = False
_BUSY = False
"""Whether this process is writing a document (so a stop first removes the partial file)."""
EXIT_STOPPED = 128 + signal.SIGTERM
PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal a process receives when its parent ends."""


def _worker_init() -> None:
    """Bind a pool process's life to its parent's, and tune it for layout.

    A worker ends on SIGTERM or SIGINT (removing the file it is writing), and on Linux
    receives SIGTERM when its parent ends however it ends (even by SIGKILL), so no worker
    outlives the run. Its garbage collector is tuned for layout: WeasyPrint makes millions
    of short-lived objects, and fewer, larger young collections cost a fraction of the
    default.
    """
    global _IN_WORKER
    _IN_WORKER = True
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _worker_stop)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != _PARENT:  # the parent ended before the line above took effect
        os._exit(EXIT_STOPPED)
    gc.set_threshold(50_000, 20, 100)


def _worker_stop(signum: int, frame: object) -> None:
    if _BUSY:
        raise Stopped(signal.Signals(signum).name)  # `_produce` cleans up, then ends
    os._exit(EXIT_STOPPED)


def _write_text(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")


def _write_bytes(data: bytes, path: Path) -> None:
    path.write_bytes(data)


def cores() -> int:
    """The cores this process may run on: how many documents are laid out at once."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _workers(jobs: int) -> int:
    return max(1, min(cores(), jobs))


def _no_progress(done: int, total: int, doc: Document) -> None:
    """No progress bar: a caller that wants one passes `progress`."""


def with_companions(kinds: Sequence[str]) -> list[str]:
    """The kinds asked for and those written along with them (the standard terms the
    specifications cite), each once, in the order asked."""
    out: list[str] = []
    for kind in kinds:
        for k in (kind, *WRITTEN_WITH.get(kind, ())):
            if k not in out:
                out.append(k)
    return out


def write_documents(
    plan: Plan,
    kinds: Sequence[str],
    out: Path,
    formats: Sequence[str],
    district: str | None = None,
    progress: Callable[[int, int, Document], None] | None = None,
    cache: DocumentCache | None = None,
) -> tuple[list[tuple[Document, list[str]]], list[str]]:
    """Write every document of `kinds`; return (documents with files written, failures).

    `progress(done, total, document)` is called in this process as each document is
    finished (the command line and the app draw their progress bars with it).
    PDFs already laid out from the same HTML are taken from `cache` (default: the folder
    COMMISSIONING_DOCUMENT_CACHE names, if any; `documents.cache`).
    """
    global _CACHE
    with _WRITING:  # the jobs live in module globals for the forked workers
        _CACHE = cache if cache is not None else cache_for(None)
        try:
            return _write_documents(plan, kinds, out, formats, district, progress)
        finally:
            _CACHE = None


def _write_documents(
    plan: Plan,
    kinds: Sequence[str],
    out: Path,
    formats: Sequence[str],
    district: str | None,
    progress: Callable[[int, int, Document], None] | None,
) -> tuple[list[tuple[Document, list[str]]], list[str]]:
    global _JOBS, _OUT, _FORMATS
    jobs = [d for kind in kinds for d in RENDERERS[kind](plan, district)]
    _unique_stems(jobs)
    _JOBS, _OUT, _FORMATS = jobs, Path(out), tuple(formats)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or _no_progress
    finished = 0

    def step(n: int) -> None:
        nonlocal finished
        finished += 1
        report(finished, len(jobs), jobs[n])

    done: dict[int, list[str]] = {}
    failures: list[str] = []
    workers = _workers(len(jobs)) if "pdf" in formats else 1
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 1  # the workers inherit the jobs by fork; elsewhere, lay out one by one
    if workers == 1:
        for n in range(len(jobs)):
            try:
                done[n] = _produce(n)[1]
            except Exception as exc:  # reported together at the end
                failures.append(f"{jobs[n].stem}: {type(exc).__name__}: {exc}")
            step(n)
    else:
        from commissioning.documents.render import preload

        preload()  # once, before the fork, rather than once in every worker
        costliest_first = sorted(range(len(jobs)), key=lambda n: -COST.get(jobs[n].kind, 1e6))
        # What exists now (the plan, WeasyPrint's modules) lives as long as the workers: keep
        # it out of their garbage collections, which then only scan what a document makes.
        gc.collect()
        gc.freeze()
        global _PARENT
        _PARENT = os.getpid()
        pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init
        )
        try:
            futures = {pool.submit(_produce, n): n for n in costliest_first}
            for future in as_completed(futures):
                n = futures[future]
                try:
                    done[n] = future.result()[1]
                except Exception as exc:
                    failures.append(f"{jobs[n].stem}: {type(exc).__name__}: {exc}")
                step(n)
        except BaseException:  # stopped (or failed): the workers stop now, not after the queue
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()
    return [(jobs[n], done[n]) for n in sorted(done)], failures


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers (each removes its partial file)."""
    processes = dict(getattr(pool, "_processes", None) or {})  # shutdown forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list(processes.values()):
        if process.is_alive():
            process.terminate()
    for process in list(processes.values()):
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


def _unique_stems(jobs: list[Document]) -> None:
    """Two ids that sanitise alike get a short hash of the id, so no file overwrites another."""
    seen: set[str] = set()  # compared without case, for case-insensitive file systems
    for n, doc in enumerate(jobs):
        if doc.stem.lower() in seen:
            digest = hashlib.sha1(doc.key.encode()).hexdigest()[:8]
            jobs[n] = Document(
                doc.kind,
                doc.key,
                doc.title,
                doc.detail,
                f"{doc.stem}-{digest}",
                doc.template,
                doc.build,
            )
        seen.add(jobs[n].stem.lower())


def write_index(plan: Plan, out: Path, produced: Sequence[tuple[Document, list[str]]]) -> Path:
    """index.html linking every file written, grouped by kind."""
    from commissioning.documents.render import render_html

    groups = []
    for kind in RENDERERS:
        items = tuple(
            IndexLink(doc.title, doc.detail, tuple((Path(f).suffix[1:].upper(), f) for f in files))
            for doc, files in produced
            if doc.kind == kind and files
        )
        if items:
            groups.append(IndexGroup(KIND_TITLES.get(kind, kind), items))
    html = render_html(IndexContext.template, index_context(plan, groups))
    path = out / "index.html"
    write_atomic(path, partial(_write_text, html))
    return path
