"""Documents: specifications, district SLAs, the rationale pack and the plan summary.

The package builds, renders and writes every document (`commissioning.documents`, the same
code as the command line, PDFs on every core); this page picks which, shows a progress bar,
and offers one file or a zip with its index.
"""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from commissioning.app import state, widgets
from commissioning.app.markup import escape_markdown
from commissioning.inputs import COUNTY

ALL = "__all__"
# CPU seconds to lay out a specification or SLA as PDF, about (benchmarks/documents.py).
PDF_CPU_SECONDS = 0.3
BUNDLE = "documents_bundle"
KIND_ORDER = ("summary", "sla", "spec", "rationale")
KIND_HELP = {
    "summary": "for the partnership board: money moved, outcomes gained, decisions, the price "
    "of each rule",
    "sla": "one per district, between its PEI sub-group and the PEI strategic lead",
    "spec": "one per service the plan commissions, grows or maintains, with the standard "
    "terms they cite",
    "rationale": "one per decommissioned or reduced service, and the pack",
}


@dataclass(frozen=True)
class Bundle:
    """What the last 'Generate' produced, kept for download until the plan changes."""

    key: tuple[object, ...]
    file_name: str
    mime: str
    content: bytes
    count: int
    files: int
    seconds: float
    failures: tuple[str, ...]
    preview: str | None


def _package() -> Any:
    """The documents package, imported only on this page (it is large)."""
    from commissioning.documents import writing as command

    return command


@st.cache_resource(show_spinner=False)
def _content() -> Any:
    from commissioning.documents import load_content

    return load_content()


def consultation_file(source: state.Source) -> bytes | None:
    """The consultation record that came with the data (a folder's or an upload's
    consultation.csv), for the documents' consultation record; None when there is none."""
    from commissioning.inputs.consultation import CONSULTATION_FILE

    return source.files.get(CONSULTATION_FILE)


@st.cache_resource(max_entries=8, show_spinner=False)
def _prepared(
    key: tuple[str, ...], _plan: state.Plan, _result: Any, _consultation: bytes | None
) -> Any:
    from commissioning.usecases import prepare_documents

    assert _plan.inputs is not None and _result is not None
    return prepare_documents(_plan.inputs, _result, content=_content(), consultation=_consultation)


def _generate(
    doc_plan: Any,
    kinds: list[str],
    district: str | None,
    formats: tuple[str, ...],
    key: tuple[object, ...],
) -> Bundle:
    """Write the documents as the command line does (PDFs laid out on every core), into a
    temporary folder, and keep them in memory as one file or a zip with its index."""
    command = _package()
    started = time.perf_counter()
    bar = st.progress(0.0, text="Preparing the documents…")

    def step(done: int, total: int, doc: Any) -> None:
        bar.progress(done / total, text=f"{done} of {total}: {doc.title}")

    # HTML is written whatever the format: it is made on the way to a PDF anyway, and the
    # first document's is shown as a preview.
    written = ("html", *(f for f in formats if f != "html"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        produced, failures = command.write_documents(
            doc_plan, command.with_companions(kinds), out, written, district, progress=step
        )
        preview = next(
            (
                (out / n).read_text(encoding="utf-8")
                for _, names in produced
                for n in names
                if n.endswith(".html")
            ),
            None,
        )
        files = {
            n: (out / n).read_bytes()
            for _, names in produced
            for n in names
            if n.rsplit(".", 1)[-1] in formats
        }
        kept = [(doc, [n for n in names if n in files]) for doc, names in produced]
        index_html = (
            command.write_index(doc_plan, out, kept).read_bytes() if len(files) > 1 else None
        )
    bar.progress(1.0, text=f"Done: {len(produced)} documents.")
    seconds = time.perf_counter() - started
    if len(files) == 1:
        name, content = next(iter(files.items()))
        mime = "application/pdf" if name.endswith(".pdf") else "text/html"
        return Bundle(key, name, mime, content, len(produced), 1, seconds, tuple(failures), preview)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
        if index_html is not None:
            z.writestr("index.html", index_html)
    stem = "-".join(kinds) if len(kinds) < 3 else "documents"
    return Bundle(
        key,
        f"pei-{stem}.zip",
        "application/zip",
        buffer.getvalue(),
        len(produced),
        len(files),
        seconds,
        tuple(failures),
        preview,
    )


def render() -> None:
    st.title("Documents")
    loaded, plan = state.current_plan()
    widgets.data_caption(loaded)
    if widgets.no_data(loaded) or plan is None:
        return
    if plan.status != "optimal":
        st.warning("The current scenario has no plan, so there is nothing to document yet.")
        widgets.plan_unavailable(plan, where="the current scenario")
        return
    assert loaded.data is not None
    try:
        command = _package()
        result = state.issued(plan)
        head = result.provenance.audit_head if result is not None else None
        consultation = consultation_file(loaded.source)
        doc_plan = _prepared((*plan.key, str(head)), plan, result, consultation)
    except ImportError:
        st.info("Document generation is not installed in this copy of the toolkit.")
        return
    except Exception as exc:  # ContentError / DocumentError: the editable text has problems
        st.error(f"The documents cannot be prepared: {escape_markdown(exc)}")
        return

    st.caption(
        f"For the current plan ({escape_markdown(plan.scenario.get('name', ''))}). Change the "
        "plan on the Plan page first; documents always follow the plan in use."
    )
    if consultation is None:
        st.caption(
            "No consultation record came with this data, so the documents leave lines to fill "
            "in where it would go. To print one, add a consultation.csv file (date, who was "
            "consulted, topic, outcome) to the data folder or the upload."
        )
    # The standard terms come with the specifications that cite them, never on their own.
    available = [k for k in KIND_ORDER if k in command.RENDERERS]
    titles: dict[str, str] = command.KIND_TITLES
    # The kinds on a row of their own: in a column, "Decommissioning rationale" was cut off.
    kinds = st.pills(
        "Documents",
        available,
        selection_mode="multi",
        default=["summary"],
        key="doc_kinds",
        format_func=lambda k: titles.get(k, k),
    )
    for k in kinds:
        if k in KIND_HELP:
            st.caption(f"{titles.get(k, k)}: {KIND_HELP[k]}.")
    left, right = st.columns(2, gap="large")
    data = loaded.data
    districts = [ALL, *[d.district_id for d in data.districts], COUNTY]
    with left:
        district = st.selectbox(
            "District",
            districts,
            key="doc_district",
            format_func=lambda d: (
                "Every district"
                if d == ALL
                else ("County-wide services" if d == COUNTY else data.district(d).name)
            ),
            help="SLAs and specifications for one district only; the plan summary is county-wide.",
        )
    with right:
        fmt = (
            st.segmented_control(
                "Format", ["HTML", "PDF", "Both"], default="HTML", key="doc_format"
            )
            or "HTML"
        )
    chosen = list(kinds or [])
    where = None if district == ALL else district
    count = sum(len(command.RENDERERS[k](doc_plan, where)) for k in command.with_companions(chosen))
    formats = {"HTML": ("html",), "PDF": ("pdf",), "Both": ("html", "pdf")}[fmt]
    note = ""
    if "pdf" in formats and count > 3:
        cores = command.cores()
        about = max(1, round(count * PDF_CPU_SECONDS / cores))
        note = f" Laid out on {cores} core{'s' if cores != 1 else ''}: about {about} s" + (
            ", and more for the rationale pack, which re-solves the plan for every service"
            " it covers."
            if "rationale" in chosen
            else "."
        )
    st.write(f"**{count}** document{'s' if count != 1 else ''} to generate.{note}")
    key = (plan.key, tuple(chosen), district, formats)
    if st.button("Generate", type="primary", key="doc_generate", disabled=count == 0):
        st.session_state[BUNDLE] = _generate(doc_plan, chosen, where, formats, key)

    bundle: Bundle | None = st.session_state.get(BUNDLE)
    if bundle is None:
        return
    if bundle.key[0] != plan.key:
        st.info("The plan has changed since these documents were made: generate them again.")
        return
    if bundle.key != key:
        st.caption("These files were made with other choices; press Generate for the new ones.")
    st.success(
        f"{bundle.count} document{'s' if bundle.count != 1 else ''} ({bundle.files} file"
        f"{'s' if bundle.files != 1 else ''}) in {bundle.seconds:.1f} s."
    )
    for failure in bundle.failures:
        st.error(f"Not generated: {escape_markdown(failure)}")
    st.download_button(
        f"Download {bundle.file_name}",
        data=bundle.content,
        file_name=bundle.file_name,
        mime=bundle.mime,
        icon=":material/download:",
        type="primary",
        on_click="ignore",
        key="doc_download",
    )
    if bundle.preview:
        with st.expander("Preview of the first document"):
            # The documents' templates autoescape every value from the data (Jinja2).
            st.iframe(bundle.preview, height=700)


if __name__ == "__main__":
    render()
