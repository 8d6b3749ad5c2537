"""Monitor: providers' returns against the plan in use, the RAG scorecard, the reports.

Thin: the package reads and checks the returns (`inputs.returns`), scores them
(`monitor.scorecard`), updates the data (`monitor.update`) and writes the reports
(`documents.monitoring`); this page uploads, picks and shows.
"""

from __future__ import annotations

import io
import zipfile

import altair as alt
import pandas as pd
import streamlit as st

from commissioning.app import state, widgets
from commissioning.app.markup import escape_markdown
from commissioning.inputs import InputError
from commissioning.inputs.returns import RETURNS_FILE, Returns, load_returns
from commissioning.monitor.scorecard import RollUp, Scorecard, plan_of, scorecard
from commissioning.monitor.update import changes, updated_files

UPLOADED = "monitor_returns"
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_COLOURS = {"Green": "#2E7D32", "Amber": "#E69F00", "Red": "#C62828"}


def _returns(
    plan: state.Plan, content: bytes, name: str
) -> tuple[Returns, None] | tuple[None, InputError]:
    """The returns checked against the plan: (returns, None) or (None, the InputError)."""
    assert plan.inputs is not None and plan.result is not None
    try:
        return load_returns(content, plan.inputs.data, plan_of(plan.result), name=name), None
    except InputError as exc:
        return None, exc


def _rollup_frame(groups: tuple[RollUp, ...], what: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                what: g.name,
                "Services": len(g.services),
                "Green": g.count("green"),
                "Amber": g.count("amber"),
                "Red": g.count("red"),
                "Spend planned": g.figures.planned_spend,
                "Spend reported": g.figures.actual_spend,
                "Participants planned": round(g.figures.planned_participants),
                "Participants reported": round(g.figures.actual_participants),
                "Outcomes expected": round(g.figures.expected_outcomes),
                "Outcomes achieved": round(g.figures.actual_outcomes),
                "Spend rating": RAG_LABELS[g.spend_rag],
                "Participants rating": RAG_LABELS[g.participants_rag],
                "Outcomes rating": RAG_LABELS[g.outcomes_rag],
            }
            for g in groups
        ]
    )


def _services_frame(card: Scorecard, district: str) -> pd.DataFrame:
    rows = []
    for s in card.services:
        if district != "all" and s.initiative.district_id != district:
            continue
        f = s.figures
        rows.append(
            {
                "ID": s.initiative_id,
                "Service": s.initiative.name,
                "Rating": RAG_LABELS[s.rag],
                "Spend planned": f.planned_spend,
                "Spend reported": f.actual_spend,
                "Participants planned": round(f.planned_participants),
                "Participants reported": round(f.actual_participants),
                "Outcomes expected": round(f.expected_outcomes),
                "Outcomes achieved": round(f.actual_outcomes),
                "No return for": ", ".join(f"Q{q}" for q in s.missing_quarters) or "–",
                "Provider's latest note": (" ".join(s.notes[-1][1].split()) if s.notes else "–"),
            }
        )
    return pd.DataFrame(rows)


def _trend(card: Scorecard, district: str) -> alt.Chart:
    rows = []
    for s in card.services:
        if district != "all" and s.initiative.district_id != district:
            continue
        for q in s.quarters:
            f = q.figures
            for which, people in (
                ("Participants planned", f.planned_participants),
                ("Participants reported", f.actual_participants),
                ("Outcomes expected", f.expected_outcomes),
                ("Outcomes achieved", f.actual_outcomes),
            ):
                rows.append({"Quarter": f"Q{q.quarter}", "Which": which, "People": people})
    frame = pd.DataFrame(rows).groupby(["Quarter", "Which"], as_index=False)["People"].sum()
    frame["People"] = frame["People"].round()
    series = [
        "Participants planned",
        "Participants reported",
        "Outcomes expected",
        "Outcomes achieved",
    ]
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("Quarter:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("Which:N", sort=series),
            y=alt.Y("People:Q", title="Children and families"),
            color=alt.Color(
                "Which:N",
                sort=series,
                scale=alt.Scale(range=["#A5A5A5", "#2E75B6", "#D9C9A8", "#ED7D31"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["Quarter:N", "Which:N", alt.Tooltip("People:Q", format=",.0f")],
        )
        .properties(height=300)
    )
    return chart


@st.cache_resource(max_entries=8, show_spinner=False)
def _report(
    key: tuple[object, ...], _plan: state.Plan, _card: Scorecard, district: str | None
) -> bytes:
    """One district's quarterly report (or the partnership report) as a PDF."""
    from commissioning.documents.monitoring import (
        partnership_context,
        quarterly_context,
    )
    from commissioning.documents.render import html_to_pdf, render_html
    from commissioning.monitor.value import value_card
    from commissioning.usecases import prepare_documents

    assert _plan.inputs is not None and _plan.result is not None
    doc_plan = prepare_documents(_plan.inputs, _plan.result)
    if district is None:
        value = value_card(_plan.inputs, _plan.result, _card)
        html = render_html("partnership_report.html", partnership_context(doc_plan, _card, value))
    else:
        html = render_html("quarterly_report.html", quarterly_context(doc_plan, _card, district))
    return html_to_pdf(html, ".")


def _updated_zip(loaded: state.Loaded, card: Scorecard) -> tuple[bytes, int]:
    """The data folder with effects and unit costs updated from the returns, as a zip."""
    found = changes(card)
    files = dict(loaded.source.files)
    if loaded.source.scenario is not None:
        files[loaded.source.scenario_name] = loaded.source.scenario
    new = updated_files(files, card, found, loaded.source.label)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in new.items():
            z.writestr(f"updated-data/{name}", content)
    return buffer.getvalue(), len(found)


def render() -> None:
    st.title("Monitor")
    loaded, plan = state.current_plan()
    widgets.data_caption(loaded)
    if widgets.no_data(loaded) or plan is None:
        return
    if plan.status != "optimal":
        st.warning("The current scenario has no plan to monitor. Open the Plan page to see why.")
        widgets.plan_unavailable(plan, where="the current scenario")
        return
    assert plan.result is not None and plan.inputs is not None and loaded.data is not None
    data = loaded.data
    st.caption(
        "Providers' quarterly returns (spend, children and families starting, outcomes "
        "achieved) against the plan in use. Green: at least 95% of plan (spend within 5%); "
        "amber: at least 80% (spend within 15%); red: below that, or no return."
    )

    left, right = st.columns([3, 2], gap="large")
    with left:
        upload = st.file_uploader(
            "Providers' returns (returns.csv, or a workbook with a 'returns' sheet)",
            type=["csv", "xlsx"],
            key="monitor_upload",
        )
    bundled = loaded.source.files.get(RETURNS_FILE)
    with right:
        use_bundled = False
        if bundled is not None and upload is None:
            use_bundled = st.toggle(
                f"Use the {RETURNS_FILE} in the data folder", value=True, key="monitor_bundled"
            )
    if upload is not None:
        content, name = upload.getvalue(), upload.name
    elif use_bundled and bundled is not None:
        content, name = bundled, RETURNS_FILE
    else:
        st.info("Upload the providers' returns to see the scorecard.")
        return

    returns, error = _returns(plan, content, name)
    if error is not None:
        n = len(error.problems)
        st.error(f"The returns cannot be used: {n} problem{'s' if n != 1 else ''}. Fix them "
                 "and upload the file again.")  # fmt: skip
        widgets.problems_table([*error.problems, *error.warnings], key="monitor_problems")
        return
    assert returns is not None
    if returns.warnings:
        with st.expander(f"{len(returns.warnings)} warning(s) about the returns"):
            widgets.problems_table(list(returns.warnings), key="monitor_warnings")
    if st.button("Keep these returns in the store", key="monitor_keep"):
        _keep(plan, returns, name)

    latest = returns.latest() or (plan.result.years[0], 1)
    quarters = [(y, q) for y in plan.result.years for q in (1, 2, 3, 4) if (y, q) <= latest]
    to = st.selectbox(
        "Report up to",
        quarters,
        index=len(quarters) - 1,
        key="monitor_to",
        format_func=lambda yq: f"{yq[0]} quarter {yq[1]}",
    )
    card = scorecard(data, plan_of(plan.result), returns, to)

    t = card.total
    red = sum(1 for s in card.services if s.rag == "red")
    amber = sum(1 for s in card.services if s.rag == "amber")
    cols = st.columns(4)
    widgets.metric(cols[0], "Services off track", f"{red} red, {amber} amber",
                   f"of {len(card.services)} funded or reporting")  # fmt: skip
    widgets.metric(cols[1], "Spend to date", widgets.money(t.actual_spend),
                   f"of {widgets.money(t.planned_spend)} planned")  # fmt: skip
    widgets.metric(cols[2], "Children and families starting", f"{t.actual_participants:,.0f}",
                   f"of {t.planned_participants:,.0f} planned")  # fmt: skip
    widgets.metric(cols[3], "Outcomes achieved", f"{t.actual_outcomes:,.0f}",
                   f"{t.expected_outcomes:,.0f} expected of those who started")  # fmt: skip

    money = ["Spend planned", "Spend reported"]
    tab_d, tab_o, tab_s = st.tabs(["By district", "By outcome", "Services"])
    with tab_d:
        widgets.show_table(_rollup_frame(card.districts, "District"), money_columns=money,
                           key="monitor_districts")  # fmt: skip
    with tab_o:
        st.caption("A service counts under every outcome it works towards, so the rows overlap.")
        widgets.show_table(_rollup_frame(card.outcomes, "Outcome"), money_columns=money,
                           key="monitor_outcomes")  # fmt: skip
    with tab_s:
        names = {d.district_id: d.name for d in data.districts}
        keys = [d.key for d in card.districts]
        district = st.selectbox(
            "District",
            ["all", *keys],
            key="monitor_district",
            format_func=lambda k: "Every district" if k == "all" else names.get(k, "County-wide"),
        )
        st.altair_chart(_trend(card, district), width="stretch")
        widgets.show_table(_services_frame(card, district), money_columns=money,
                           key="monitor_services")  # fmt: skip

    off = [s for s in card.services if s.off_track]
    st.subheader(f"Services off track ({len(off)})")
    if not off:
        st.success("Every service is on track.")
    for s in off:
        title = escape_markdown(f"{s.initiative.name} ({s.initiative_id})")
        with st.expander(f"{RAG_LABELS[s.rag]}: {title}"):
            f = s.figures
            st.markdown(
                f"Spent **{widgets.money(f.actual_spend)}** of {widgets.money(f.planned_spend)} "
                f"planned; **{f.actual_participants:,.0f}** of {f.planned_participants:,.0f} "
                f"children and families started; **{f.actual_outcomes:,.0f}** outcomes achieved "
                f"of {f.expected_outcomes:,.0f} expected."
                + (
                    f" No return for {', '.join(f'quarter {q}' for q in s.missing_quarters)}."
                    if s.missing_quarters
                    else ""
                )
            )
            for q, note in s.notes:
                st.text(f"Quarter {q}: {' '.join(note.split())}")

    st.subheader("Reports and the updated data")
    report_keys = [d.key for d in card.districts]
    names = {d.district_id: d.name for d in data.districts}
    c1, c2, c3 = st.columns(3)
    with c1:
        which = st.selectbox(
            "District report",
            report_keys,
            key="monitor_report_district",
            format_func=lambda k: names.get(k, "County-wide services"),
        )
        key = (plan.key, returns_key(content), to)
        if st.button("Prepare the district's report (PDF)", key="monitor_make_report"):
            st.session_state["monitor_report"] = (key, which)
        made = st.session_state.get("monitor_report")
        if made is not None and made[0] == key:
            with st.spinner("Laying out the report…"):
                pdf = _report((*key, made[1]), plan, card, made[1])
            _pdf_button(f"quarterly-{made[1]}.pdf", pdf, "monitor_download_report")
    with c2:
        key = (plan.key, returns_key(content), to)
        if st.button("Prepare the partnership report (PDF)", key="monitor_make_partnership"):
            st.session_state["monitor_partnership"] = key
        if st.session_state.get("monitor_partnership") == key:
            with st.spinner("Laying out the report…"):
                pdf = _report((*key, "partnership"), plan, card, None)
            _pdf_button("partnership-report.pdf", pdf, "monitor_download_partnership")
    with c3:
        content_zip, n = _updated_zip(loaded, card)
        st.download_button(
            "Download the updated data folder (zip)",
            data=content_zip,
            file_name="updated-data.zip",
            mime="application/zip",
            on_click="ignore",
            key="monitor_download_data",
            icon=":material/download:",
            help=f"The data with the effect and unit cost of {n} reporting services updated from "
            "their returns; its README.md lists every change.",
        )

    st.subheader("What the evidence changes")
    st.caption(
        "Each reporting service's effect and unit cost updated from its returns, weighting "
        "the data's figures by the strength of their evidence (docs/monitoring.md), then the "
        "same scenario planned again."
    )
    if st.toggle("Plan again on the updated data", key="monitor_replan"):
        with st.spinner("Planning again…"):
            _replanned(loaded, plan, card)


def _updated_source(loaded: state.Loaded, card: Scorecard) -> state.Source:
    """The data in use with effects and unit costs updated from the returns, as a source."""
    new = updated_files(dict(loaded.source.files), card, changes(card), loaded.source.label)
    tables = {n: c for n, c in new.items() if n.lower().endswith(state.TABLE_SUFFIXES)}
    label = f"{loaded.source.label}, updated from returns to {card.year} quarter {card.quarter}"
    return state.Source(label, tables, loaded.source.scenario, loaded.source.scenario_name)


def _replanned(loaded: state.Loaded, plan: state.Plan, card: Scorecard) -> None:
    """The same scenario planned again on the updated data: what the evidence changed."""
    from commissioning.app import tables

    source = _updated_source(loaded, card)
    new_loaded = state.load(source)
    if not new_loaded.ok or new_loaded.data is None:
        st.error("The updated data cannot be used.")
        widgets.problems_table(list(new_loaded.all_problems()), key="monitor_replan_problems")
        return
    again = state.solve(new_loaded, plan.scenario)
    if again.status != "optimal" or again.result is None or plan.result is None:
        st.warning("The scenario has no plan on the updated data.")
        widgets.plan_unavailable(again, where="the updated data")
        return
    names = ("Plan in use", "On the updated data")
    frame = tables.compare_initiatives(new_loaded.data, plan.result, again.result, names)
    moved = frame[frame["Difference"].abs() >= 1]
    st.write(
        f"Planned again on the updated data, the same scenario changes the final-year budget "
        f"of **{len(moved)}** of {len(frame)} services."
    )
    if len(moved):
        widgets.show_table(
            moved.sort_values("Difference", key=abs, ascending=False),
            money_columns=["Today", *names],
            change_columns=["Difference"],
            key="monitor_replan_table",
        )
    if st.button("Plan on the updated data from now on", key="monitor_use_updated"):
        state.use(source)
        st.rerun()


def _pdf_button(file_name: str, pdf: bytes, key: str) -> None:
    st.download_button(
        f"Download {file_name}",
        data=pdf,
        file_name=file_name,
        mime="application/pdf",
        on_click="ignore",
        key=key,
        icon=":material/download:",
    )


def _keep(plan: state.Plan, returns: Returns, name: str) -> None:
    """Keep the returns in the store, linked to the run of the plan in use."""
    from commissioning.store.returns import record_returns
    from commissioning.store.store import open_store

    kept = state.stored(plan)
    if kept is None or kept.run_id is None:
        st.warning("The plan is not kept in the store, so the returns cannot be linked to it.")
        return
    try:
        record, saved = record_returns(
            open_store(state.store_url()), kept.run_id, returns, source=name
        )
    except Exception as exc:  # the page carries on: the store is a record, not the scorecard
        widgets.store_unavailable(exc, "Keeping the returns")
        return
    if saved:
        st.success(f"Kept as returns number {record.id}, for run {record.run_id}.")
    else:
        st.info(f"These returns are already kept as number {record.id}, for run {record.run_id}.")


def returns_key(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


if __name__ == "__main__":
    render()
