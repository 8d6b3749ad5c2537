"""History: every plan kept in the store, one run's details, and decisions on its proposals."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import streamlit as st

from commissioning import store
from commissioning.app import state, tables, widgets
from commissioning.app.markup import escape_markdown

if TYPE_CHECKING:
    from commissioning.allocator.result import InitiativeResult
    from commissioning.inputs import DataSet
    from commissioning.store import Action, DecisionRecord, RunRecord, RunSummary

# Runs listed, newest first; older ones stay in the store (`commissioning runs list`).
# (Comments, not docstrings: Streamlit would show a bare string on the page.)
LIMIT = 500
ACTION_CHOICES = {
    "accept": "Accept the proposal",
    "override": "Override it (the service is not cut as proposed)",
}


def _run_label(r: RunSummary, on_plan_page: str | None) -> str:
    here = " · on the Plan page" if r.run_id == on_plan_page else ""
    return f"{r.run_id} · {r.scenario_name} · {tables.moment(r.created_at)}{here}"


def render() -> None:
    st.title("History")
    try:
        runs = store.list_runs(LIMIT, database=state.store_url())
        decisions = store.list_decisions(database=state.store_url())
    except Exception as exc:
        widgets.store_unavailable(exc, "The history")
        return
    st.caption(
        f"Every plan made in the workbench or by `commissioning allocate` is kept in "
        f"{state.store_label()}, with the exact data it came from."
    )
    if not runs:
        st.info("No plan has been stored yet. Open the Plan page: each new plan is kept as a run.")
        return

    decided = Counter(d.run_id for d in decisions)
    st.subheader("Runs")
    widgets.show_table(
        tables.runs_frame(runs, decided),
        number_columns={"Weighted outcomes": ",.0f"},
        height=min(400, 38 + 35 * len(runs)),
        column_config={
            "When (UTC)": st.column_config.TextColumn(width=150),
            "Scenario": st.column_config.TextColumn(
                width=330, help="The data's scenario, and what this run changed from it"
            ),
            "Status": st.column_config.TextColumn(width=70),
            "Weighted outcomes": st.column_config.Column(
                "Value",
                width=90,
                help="What the plan achieves: £ of late-intervention cost avoided with a cost "
                "library, else weighted outcomes",
            ),
            "Decisions recorded": st.column_config.NumberColumn(
                "Decisions", width=75, help="Decisions recorded on the run's proposals"
            ),
            "Origin": st.column_config.TextColumn(width=100),
            "By": st.column_config.TextColumn(width=110),
            "Inputs": st.column_config.TextColumn(
                width=105, help="The first characters of the inputs' fingerprint (sha256)"
            ),
            "Run": st.column_config.TextColumn(width=175),
        },
    )
    if len(runs) == LIMIT:
        st.caption(f"The newest {LIMIT} runs; `commissioning runs list` shows them all.")

    # The run on this user's own screen, never simply the newest in a shared store.
    on_plan_page = state.on_screen_run()
    ids = [r.run_id for r in runs]
    summaries = {r.run_id: r for r in runs}
    if on_plan_page in ids and st.session_state.get("history_for") != on_plan_page:
        st.session_state["history_for"] = on_plan_page
        st.session_state["history_run"] = on_plan_page
    run_id = st.selectbox(
        "Run",
        ids,
        index=ids.index(on_plan_page) if on_plan_page in ids else None,
        key="history_run",
        format_func=lambda i: _run_label(summaries[i], on_plan_page),
        placeholder="Choose a run",
    )
    if run_id is None:
        st.info(
            "The plan on your screen is not kept as a run yet. Open the Plan page to make "
            "it, or choose a run above."
        )
        return
    if on_plan_page is not None and run_id != on_plan_page:
        st.warning(
            "This is not the plan on your screen (that is run "
            f"{on_plan_page}): decisions below are recorded against the run chosen here.",
            icon=":material/warning:",
        )
    try:
        run = store.get_run(run_id, database=state.store_url())
    except Exception as exc:
        widgets.store_unavailable(exc, "This run")
        return
    _details(run, [d for d in decisions if d.run_id == run.run_id], on_plan_page)


def _details(run: RunRecord, decisions: list[DecisionRecord], on_screen: str | None) -> None:
    with st.spinner("Reading the run…"):
        data = state.run_data(run)
    result = data.result
    inputs = data.inputs.data if data.inputs is not None else None
    cuts = [r for r in result.initiatives if r.decision in tables.CUTS]

    st.subheader(f"Run {run.run_id}")
    c1, c2, c3, c4 = st.columns(4)
    widgets.metric(c1, "Status", run.status.capitalize(), run.scenario_name)
    widgets.metric(
        c2,
        "Late costs avoided" if result.in_pounds else "Weighted outcomes",
        "none"
        if run.objective is None
        else widgets.millions(run.objective)
        if result.in_pounds
        else result.unit.figure(run.objective),
        f"plan for {result.years[0]}-{result.years[-1]}" if result.years else None,
    )
    widgets.metric(c3, "Cuts proposed", str(len(cuts)), "to decide on")
    widgets.metric(
        c4,
        "Decisions recorded",
        str(len(decisions)),
        f"on {len({d.initiative_id for d in decisions})} proposals",
    )
    st.caption(
        f"Made {tables.moment(run.created_at)} by {escape_markdown(run.created_by)} from the "
        f"{tables.ORIGIN_LABELS.get(run.origin, run.origin).lower()} · solved with "
        f"{run.solver} {run.solver_version} in {run.seconds:.2f} s · toolkit "
        f"{run.toolkit_version} · inputs `{run.inputs_sha256}` · audit entry {run.audit_seq}"
    )
    if inputs is None:
        st.caption(escape_markdown(data.source))

    st.markdown("**Proposed decommissions and reductions**")
    if not cuts:
        st.caption("This run proposes no decommission or reduction.")
        return
    widgets.show_table(
        tables.proposals_frame(result, inputs, decisions, run.run_id),
        money_columns=["Today", "Final year"],
        change_columns=["Change"],
        height=min(360, 38 + 35 * len(cuts)),
        column_config={
            "ID": st.column_config.TextColumn(width=95),
            "Name": st.column_config.TextColumn(width=250),
            "Proposed": st.column_config.TextColumn(width=105),
            **{c: st.column_config.Column(width=90) for c in ("Today", "Final year", "Change")},
            "Decision on record": st.column_config.TextColumn(width=250),
        },
    )
    _record_form(run, cuts, inputs, on_screen)

    st.markdown("**Decisions on this run**")
    if decisions:
        # A static table: the reasons are read in full, wrapped, not cut off.
        st.table(
            tables.recorded_decisions_frame(decisions, inputs),
            border="horizontal",
            hide_index=True,
        )
        st.caption(
            "Decisions are never edited: a later decision on the same proposal supersedes the "
            "earlier one, and both stay on the record (the Audit page shows the trail)."
        )
    else:
        st.caption("No decision has been recorded on this run yet.")


def _record_form(
    run: RunRecord, cuts: list[InitiativeResult], data: DataSet | None, on_screen: str | None
) -> None:
    """Accept or override one proposal of the run; who and why are required. Which run the
    decision applies to is said before it is recorded."""
    decision = {r.initiative_id: r.decision for r in cuts}
    with st.container(border=True):
        st.markdown("**Record a decision**")
        mine = " (the plan on your screen)" if run.run_id == on_screen else ""
        st.caption(
            f"Recorded against run {run.run_id}{mine}: "
            f"{escape_markdown(run.scenario_name)}, made {tables.moment(run.created_at)}."
        )
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.selectbox(
                "Proposal",
                list(decision),
                key="decision_initiative",
                format_func=lambda i: (
                    f"{tables.DECISION_LABELS[decision[i]]}: "
                    f"{tables.initiative_label(data, i) if data is not None else i}"
                ),
            )
            st.text_area(
                "Why (required)",
                key="decision_reason",
                placeholder="The reason, as it should stand on the record",
                height=100,
            )
        with right:
            st.radio(
                "Decision",
                list(ACTION_CHOICES),
                key="decision_action",
                format_func=ACTION_CHOICES.__getitem__,
            )
            st.text_input(
                "Who (required)", key="decision_by", placeholder="Name and role of who decides"
            )
            st.button(
                "Record the decision",
                key="decision_record",
                type="primary",
                on_click=_record,
                args=(run.run_id,),
            )
        outcome = st.session_state.pop("decision_outcome", None)
        if outcome is not None:
            ok, message = outcome
            if ok:
                st.success(message, icon=":material/check:")
            else:
                st.error(message)


def _record(run_id: str) -> None:
    """Callback: record the decision if who and why are given; say what happened."""
    initiative_id = st.session_state.get("decision_initiative")
    overriding = st.session_state.get("decision_action") == "override"
    action: Action = "override" if overriding else "accept"
    by = str(st.session_state.get("decision_by") or "").strip()
    reason = str(st.session_state.get("decision_reason") or "").strip()
    missing = [w for w, v in (("who decided", by), ("why", reason)) if not v]
    if not initiative_id or missing:
        st.session_state["decision_outcome"] = (
            False,
            "Nothing recorded: say " + " and ".join(missing or ["which proposal"]) + ".",
        )
        return
    try:
        record = store.record_decision(
            run_id, str(initiative_id), action, by, reason, database=state.store_url()
        )
    except Exception as exc:
        st.session_state["decision_outcome"] = (
            False,
            f"Not recorded: {escape_markdown(state.store_problem(exc))}",
        )
        return
    st.session_state["decision_reason"] = ""
    st.session_state["decision_outcome"] = (
        True,
        f"Recorded: {tables.ACTION_LABELS[record.action].lower()} the proposal to "
        f"{tables.DECISION_LABELS.get(record.proposed, record.proposed).lower()} "
        f"{escape_markdown(record.initiative_id)}, by {escape_markdown(record.decided_by)}.",
    )


if __name__ == "__main__":
    render()
