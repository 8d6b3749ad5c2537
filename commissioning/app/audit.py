"""Audit (read-only): the store's audit trail, whether it is intact, and the reasons for
each recorded decision. Nothing on this page changes the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from commissioning import store
from commissioning.app import state, tables, widgets
from commissioning.app.markup import escape_markdown as _plain

if TYPE_CHECKING:
    from commissioning.store import DecisionRecord, RunRecord, Verification

# (Comments, not docstrings: Streamlit would show a bare string on the page.)
LOG_PAGE = 50  # audit entries a page
DECISION_PAGE = 10  # decisions, each with its rationale, a page


def render() -> None:
    st.title("Audit")
    st.caption(
        f"Read-only: the audit trail of {state.store_label()}, checked now, and the reasons "
        "behind every decision on record. Nothing here changes the store."
    )
    url = state.store_url()
    try:
        checked = store.verify_audit(database=url)
    except Exception as exc:
        widgets.store_unavailable(exc, "The audit view")
        return
    _verification(checked)
    log, decisions = st.tabs(["Audit log", "Decisions and their rationale"])
    with log:
        _log(checked, url)
    with decisions:
        _decisions(url)


def _verification(checked: Verification) -> None:
    if checked.ok:
        st.success(
            f"**The audit trail is intact.** All {checked.entries} entries follow one another "
            "and match their hashes, and every run, data snapshot, scenario and decision still "
            f"matches the entry that logged it. Last entry's hash: `{checked.head_hash}` (note "
            "it somewhere else, such as the board minutes, to check later that it is still in "
            f"the chain). {_plain(checked.sealing)}",
            icon=":material/verified_user:",
        )
        return
    first = checked.first_broken
    headline = (
        f"**The audit trail is broken at entry {first}.**"
        if first is not None
        else "**The audit trail is broken.**"
    )
    st.error(
        f"{headline} The store was changed outside the toolkit: what it says from there on "
        "cannot be relied on. Restore the store from a backup and find out who had direct "
        "access to the database.",
        icon=":material/gpp_bad:",
    )
    st.markdown("\n".join(f"- {_plain(f.message)}" for f in checked.findings))


def _log(checked: Verification, url: str) -> None:
    start, stop = widgets.pager(checked.entries, LOG_PAGE, key="audit_page")
    try:
        entries = store.read_audit_log(stop, database=url)[start:stop]
    except Exception as exc:
        widgets.store_unavailable(exc, "The audit log")
        return
    if not entries:
        st.caption("The audit log is empty.")
        return
    broken = {f.seq for f in checked.findings if f.seq is not None}
    widgets.show_table(
        tables.audit_frame(entries, broken),
        height=min(38 + 35 * len(entries), 720),
        column_config={
            "Entry": st.column_config.NumberColumn(width=55),
            "Check": st.column_config.TextColumn(width=65),
            "When (UTC)": st.column_config.TextColumn(width=150),
            "Who": st.column_config.TextColumn(width=120),
            "Action": st.column_config.TextColumn(width=75),
            "Subject": st.column_config.TextColumn(width=160),
            "Detail": st.column_config.TextColumn(width=300),
            "Hash": st.column_config.TextColumn(
                width=100, help="The first characters of the entry's hash"
            ),
        },
    )
    st.caption(
        "Each entry's hash covers its content and the previous entry's hash, so changing, "
        "re-hashing or removing an entry breaks the chain there."
    )


def _decisions(url: str) -> None:
    try:
        decisions = sorted(store.list_decisions(database=url), key=lambda d: d.id, reverse=True)
    except Exception as exc:
        widgets.store_unavailable(exc, "The decisions")
        return
    if not decisions:
        st.caption("No decision has been recorded yet (the History page records them).")
        return
    stands = tables.standing(decisions)
    start, stop = widgets.pager(
        len(decisions), DECISION_PAGE, key="audit_decision_page", noun="decisions"
    )
    runs: dict[str, RunRecord | None] = {}
    for d in decisions[start:stop]:
        if d.run_id not in runs:
            try:
                runs[d.run_id] = store.get_run(d.run_id, database=url)
            except Exception as exc:
                runs[d.run_id] = None
                widgets.store_unavailable(exc, f"Run {d.run_id}")
        _decision(d, runs[d.run_id], stands[(d.run_id, d.initiative_id)] is d)


def _decision(d: DecisionRecord, run: RunRecord | None, current: bool) -> None:
    explained, source = (None, "") if run is None else state.run_explanation(run, d.initiative_id)
    name = f"{explained.initiative.name} ({d.initiative_id})" if explained else d.initiative_id
    action = tables.ACTION_LABELS.get(d.action, d.action)
    proposed = tables.DECISION_LABELS.get(d.proposed, d.proposed).lower()
    with st.container(border=True):
        st.markdown(f"**{action}: the proposal to {proposed} {_plain(name)}**")
        st.caption(
            _plain(
                f"By {d.decided_by} · {tables.moment(d.decided_at)} · run {d.run_id} · "
                + ("stands" if current else "superseded by a later decision on the same proposal")
            )
        )
        st.markdown(f"**Why (as recorded):** {_plain(d.reason)}")
        st.markdown("**Rationale of the plan**: why the run proposed this")
        if run is None:
            st.info("The run this decision was made on cannot be read from the store.")
        elif explained is None:
            st.info(source)
        else:
            st.markdown("\n".join(f"- {_plain(s)}" for s in explained.sentences))
            st.caption(f"Worked out from the stored result of run {d.run_id} and {source}.")


if __name__ == "__main__":
    render()
