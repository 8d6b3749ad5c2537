"""Register: the mapped initiatives, searchable; load, upload, edit and download the data.

Everything loaded or edited goes through the package's own validation; a source with
problems is shown with every problem (file, row, column) and never replaces the data the
plan is made on until it passes.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from commissioning.app import state, tables, widgets
from commissioning.app.glossary import help_for
from commissioning.app.markup import escape_markdown
from commissioning.inputs.read import ALL_TABLES, TABLES

FLASH = "register_flash"


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def _show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, ("", ""))
    if kind == "success":
        st.success(text)
    elif kind == "error":
        st.error(text)
    elif kind == "info":
        st.info(text)


def _take(source: state.Source, notes: list[str] | None = None) -> None:
    """Check a source; use it for planning if it passes, keep it for fixing if not."""
    loaded = state.set_draft(source)
    extra = (" " + escape_markdown(" ".join(notes)) + ".") if notes else ""
    if loaded.ok:
        state.use(source)
        scenario = "its own scenario" if loaded.source.scenario else "a default scenario"
        if loaded.scenario_problems:
            scenario = "a default scenario (its scenario file has problems, listed below)"
        _flash(
            "success",
            f"Loaded {escape_markdown(source.label)}: no problems. The plan now uses it, with "
            f"{scenario}.{extra}",
        )
    elif notes:
        _flash("info", escape_markdown(" ".join(notes)) + ".")


def _loaders() -> None:
    with st.expander("Load other data", expanded=False):
        left, middle, right = st.columns([2, 2, 1], gap="large")
        with left:
            st.markdown("**A data folder on this computer**")
            roots = " or ".join(label for label, _ in state.data_roots())
            folder = st.text_input(
                "Folder",
                key="folder_path",
                placeholder="e.g. sample",
                help="A folder with the six CSV files (or one .xlsx workbook) and, usually, "
                f"scenario.yaml, under {roots} (the folders this workbench may open).",
            )
            if st.button("Load folder", key="load_folder", disabled=not folder.strip()):
                try:
                    _take(state.source_from_allowed_folder(folder))
                except state.FolderRefused as e:
                    _flash("error", escape_markdown(e))
        with middle:
            st.markdown("**Upload a workbook or CSV files**")
            uploads = st.file_uploader(
                "Files",
                type=["csv", "xlsx", "yaml", "yml"],
                accept_multiple_files=True,
                key="uploads",
                help="One .xlsx workbook with a sheet per table, or the six CSV files; add "
                "scenario.yaml to plan with its scenario.",
                label_visibility="collapsed",
            )
            if st.button(
                "Check and load the uploaded files", key="load_uploads", disabled=not uploads
            ):
                files = list(uploads or [])
                size = sum(f.size for f in files)
                if size > state.MAX_UPLOAD_BYTES or len(files) > state.MAX_FILES:
                    _flash(
                        "error",
                        f"Not loaded: an upload may hold at most {state.MAX_FILES} files and "
                        f"{state.MAX_UPLOAD_BYTES // 2**20} MB together (these are "
                        f"{len(files)} files, {size / 2**20:.1f} MB).",
                    )
                else:
                    source, notes = state.source_from_uploads((f.name, f.getvalue()) for f in files)
                    _take(source, notes)
        with right:
            st.markdown("**The bundled sample**")
            if st.button("Back to the sample", key="load_sample"):
                _take(state.sample_source())
        st.divider()
        _replace_one_table()


TABLE_NAMES = {
    "initiatives": "Services (initiatives)",
    "districts": "Districts",
    "funding_streams": "Funding streams",
    "budgets": "Budgets",
    "priorities": "Priorities",
    "outcomes": "Outcomes",
    "costs": "Cost library (costs)",
    "prices": "Price index (prices)",
}


def _replace_one_table() -> None:
    """A partner sends one table: it replaces that table of the data in use, and is checked
    against all the others before the plan uses it."""
    st.markdown("**Replace one table of the data in use**")
    left, middle, right = st.columns([2, 3, 2], gap="large", vertical_alignment="bottom")
    table = left.selectbox(
        "Table",
        [t for t in ALL_TABLES if t in TABLE_NAMES],
        key="replace_table",
        format_func=lambda t: TABLE_NAMES.get(t, t),
    )
    upload = middle.file_uploader(
        "A CSV file, or a workbook with a sheet named after the table",
        type=["csv", "xlsx"],
        key="replace_upload",
    )
    if right.button(
        "Check and replace", key="replace_go", disabled=upload is None or table is None
    ):
        assert upload is not None and table is not None
        loaded = state.active()
        source, problems = state.with_table_replaced(
            loaded.source, loaded.tables, table, upload.name, upload.getvalue()
        )
        if source is None:
            st.session_state["replace_problems"] = problems
            _flash("error", f"Not replaced: {escape_markdown(upload.name)} cannot be read.")
        else:
            _take(source)
    problems = st.session_state.pop("replace_problems", ())
    if problems:
        widgets.problems_table(problems, key="replace_problems_table")


def _browse(loaded: state.Loaded) -> None:
    data = loaded.data
    if data is None:
        st.info("The data in use cannot be read.")
        return
    frame = tables.initiatives_frame(data)
    c1, c2, c3, c4, c5 = st.columns([3, 2, 2, 2, 2])
    search = c1.text_input(
        "Search",
        key="reg_search",
        placeholder="Name, provider or ID",
    )
    districts = c2.multiselect(
        "District", sorted(frame["District"].unique()), key="reg_district", placeholder="All"
    )
    levels = c3.multiselect(
        "Level", list(dict.fromkeys(sorted(frame["Level"]))), key="reg_level", placeholder="All"
    )
    evidence = c4.multiselect(
        "Evidence", ["4", "3", "2", "NL2", "NE"], key="reg_evidence", placeholder="All"
    )
    status = c5.multiselect(
        "Status", ["Existing", "Candidate"], key="reg_status", placeholder="All"
    )
    shown = frame
    if search:
        text = search.lower()
        hay = shown["ID"] + " " + shown["Name"] + " " + shown["Provider"]
        shown = shown[hay.str.lower().str.contains(text, regex=False)]
    if districts:
        shown = shown[shown["District"].isin(districts)]
    if levels:
        shown = shown[shown["Level"].isin(levels)]
    if evidence:
        shown = shown[shown["Evidence"].str.split(" ").str[0].isin(evidence)]
    if status:
        shown = shown[shown["Status"].isin(status)]
    st.caption(
        f"Showing {len(shown)} of {len(frame)} initiatives · "
        f"{widgets.money(float(shown['Budget today'].sum()))} a year today"
    )
    widgets.show_table(
        shown,
        money_columns=["Budget today", "Unit cost", "Floor", "Capacity", "Minimum viable"],
        percent_columns=["Effect"],
        height=520,
        key="register_table",
        # What people read first (money, cost per head, evidence) next to the pinned name.
        column_order=[
            "ID",
            "Name",
            "Budget today",
            "Unit cost",
            "Evidence",
            "Effect",
            "District",
            "Level",
            "Status",
            "Priority",
            "Provider",
            "Sector",
            "Outcomes",
            "Floor",
            "Capacity",
            "Minimum viable",
            "Contract ends",
            "Funding",
        ],
        column_config={
            "ID": st.column_config.TextColumn(width=110, pinned=True),
            "Name": st.column_config.TextColumn(width=260, pinned=True),
            "Budget today": st.column_config.Column(width=95),
            "Unit cost": st.column_config.Column(width=80),
            "Evidence": st.column_config.TextColumn(width=75, help=help_for("Evidence rating")),
            "Effect": st.column_config.Column(width=60),
            "District": st.column_config.TextColumn(width=100),
            "Level": st.column_config.TextColumn(width=130),
            "Priority": st.column_config.TextColumn(width="large"),
            "Provider": st.column_config.TextColumn(width="medium"),
        },
    )
    st.download_button(
        "Download this view (CSV)",
        data=tables.csv_bytes(shown),
        file_name="initiatives_view.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


def _first_problem_table(draft: state.Loaded) -> str:
    for p in draft.errors:
        for t in TABLES:
            if p.sheet == t or p.file.lower() == f"{t}.csv":
                return t
    return "initiatives"


def _edit(draft: state.Loaded) -> None:
    readable = [t for t in ALL_TABLES if t in draft.tables.tables]
    if not readable:
        st.info(
            "None of the tables could be read, so there is nothing to edit: load the files again."
        )
        return
    default = _first_problem_table(draft)
    table = st.selectbox(
        "Table",
        readable,
        index=readable.index(default) if default in readable else 0,
        key=f"edit_table_{draft.key[:12]}",
        format_func=lambda t: t.replace("_", " ").capitalize(),
    )
    columns, rows = state.raw_rows(draft.tables, table)
    numbers = [r.number for r in draft.tables.tables[table].rows]
    frame = pd.DataFrame(
        rows, columns=list(columns), index=pd.Index(numbers, name="Row"), dtype="string"
    )
    st.caption(
        "Edit cells in place, add rows at the bottom or delete them. The row numbers are the "
        "spreadsheet rows that problems refer to. Nothing changes until the edits pass the same "
        "checks as a loaded file."
    )
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
        width="stretch",
        height=460,
        key=f"editor_{table}_{draft.key[:12]}",
        column_config={
            "_index": st.column_config.NumberColumn("Row", disabled=True),
            **{c: st.column_config.TextColumn(c) for c in columns},
        },
    )
    if st.button("Check these edits and use them", key="apply_edits", type="primary"):
        _take(edited_source(draft, table, edited))
        st.rerun()


def edited_source(draft: state.Loaded, table: str, edited: pd.DataFrame) -> state.Source:
    """The draft's tables as CSV files, with `table` replaced by the edited rows."""
    readable = [t for t in ALL_TABLES if t in draft.tables.tables]
    tables_now = {t: state.raw_rows(draft.tables, t) for t in readable}
    header = {t: list(c) for t, (c, _) in tables_now.items()}
    body = {t: r for t, (_, r) in tables_now.items()}
    header[table] = [str(c) for c in edited.columns]
    body[table] = [
        ["" if pd.isna(v) else str(v) for v in row]
        for row in edited.itertuples(index=False, name=None)
    ]
    label = draft.source.label
    label = label if label.endswith("(edited)") else f"{label} (edited)"
    return state.source_from_tables(
        label, header, body, draft.source.scenario, draft.source.scenario_name
    )


def _download(draft: state.Loaded) -> None:
    readable = [t for t in ALL_TABLES if t in draft.tables.tables]

    def archive() -> bytes:
        header = {t: list(state.raw_rows(draft.tables, t)[0]) for t in readable}
        body = {t: state.raw_rows(draft.tables, t)[1] for t in readable}
        source = state.source_from_tables(draft.source.label, header, body, draft.source.scenario)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, content in source.files.items():
                z.writestr(name, content)
            if source.scenario is not None:
                z.writestr(source.scenario_name, source.scenario)
        return buffer.getvalue()

    st.write(
        f"The tables of **{escape_markdown(draft.source.label)}** as CSV files (with its "
        "scenario file, if any), "
        "ready to open in a spreadsheet or to load again."
    )
    st.download_button(
        "Download the data (zip)",
        data=archive,
        file_name="pei-data.zip",
        mime="application/zip",
        icon=":material/download:",
        on_click="ignore",
    )


def render() -> None:
    st.title("Register")
    loaded = state.active()
    _loaders()
    _show_flash()
    loaded = state.active()
    draft = state.load(state.draft())
    widgets.data_caption(loaded)

    if draft.key != loaded.key:
        problems = (*draft.errors, *draft.scenario_problems)
        st.warning(
            f"**{escape_markdown(draft.source.label)}** is not in use yet: {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''} to fix. Work down the table: fix each cell in "
            "the Edit tab (the row numbers match) and check again, or fix the files and load "
            f"them again. Until then the plan keeps using {escape_markdown(loaded.source.label)}."
        )
        widgets.problems_table((*problems, *draft.warnings), key="draft_problems")
    elif loaded.scenario_problems:
        st.warning("The data's scenario file could not be used, so a default scenario is planned:")
        widgets.problems_table(loaded.scenario_problems, key="scenario_problems")

    browse, edit, download = st.tabs(["Browse", "Edit", "Download"])
    with browse:
        if draft.key != loaded.key:
            st.caption(f"Showing the data in use ({escape_markdown(loaded.source.label)}).")
        _browse(loaded)
        if loaded.warnings and draft.key == loaded.key:
            with st.expander(f"Warnings ({len(loaded.warnings)})"):
                widgets.problems_table(loaded.warnings, key="warnings_table")
    with edit:
        _edit(draft)
    with download:
        _download(draft)


if __name__ == "__main__":
    render()
