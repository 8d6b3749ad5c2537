"""The Plan page's sidebar: the scenario's controls, the highest shares they allow, and
keeping, saving and loading scenarios. Returns the user's choices; the page plans them."""

from __future__ import annotations

import math
from contextlib import nullcontext
from typing import Any

import streamlit as st

from commissioning.app import naming, state, whatifs, widgets
from commissioning.app.markup import escape_markdown
from commissioning.formatting import format_percent


def controls(loaded: state.Loaded) -> dict[str, object] | None:
    current = state.scenario(loaded)
    if current is None or loaded.data is None:
        return None
    with st.sidebar:
        st.subheader("Scenario")
        name_slot = st.empty()
        slots = widgets.Slots()
        chosen = widgets.scenario_controls(loaded.data, current, slots)
        # Named after what differs from the data's scenario, so runs say what was tried.
        chosen = naming.named(loaded.scenario or {}, chosen)
        name_slot.caption(escape_markdown(str(chosen.get("name", ""))))
        _limits(loaded, chosen, slots)
        st.button(
            "Reset to the data's scenario",
            on_click=state.reset_scenario,
            args=(loaded,),
            width="stretch",
            key="reset_scenario",
        )
        _save_for_comparison(chosen)
        _save_in_store(chosen)
        _load_from_store(loaded)
    state.set_scenario(chosen)
    return chosen


def _limits(loaded: state.Loaded, chosen: dict[str, object], slots: widgets.Slots) -> None:
    """Beside the sliders: the highest prevention share each year, and the highest minimum
    share each priority could have, that the other rules allow (worked out on request)."""
    asked = slots.limits.button(
        "Find the highest shares these rules allow",
        key="find_limits",
        icon=":material/vertical_align_top:",
        width="stretch",
        help="Solves the plan a few times to find the most each share could be with every "
        "other setting as it is now (a few seconds).",
    )
    with st.spinner("Finding the highest shares…") if asked else nullcontext():
        limits = whatifs.prevention_limits(loaded, chosen, work_out=asked)
        priorities = whatifs.priority_limits(loaded, chosen, work_out=asked)
    if not limits:
        slots.limits.caption("How high could each share go? Find out with the button above.")
    shares = chosen.get("prevention_share", 0.0)
    start = int(chosen["start_year"])  # type: ignore[call-overload]
    for year, limit in limits.items():
        share = shares[year - start] if isinstance(shares, list) else shares
        _limit_note(slots.prevention[year], year, float(share), limit)  # type: ignore[arg-type]
    if priorities is not None and loaded.data is not None:
        lines = []
        for p in loaded.data.priorities:
            most = priorities.get(p.priority_id)
            reach = "no plan meets the other rules" if most is None else format_percent(most, 1)
            lines.append(
                f"- {escape_markdown(p.name)}: set at {format_percent(p.min_share)} of all "
                f"spend; these rules allow up to {reach}."
            )
        slots.priorities.markdown(
            "**The highest minimum share each priority could have**\n" + "\n".join(lines)
        )


def _limit_note(where: Any, year: int, share: float, limit: float | None) -> None:
    """The slider's reachable range, or a warning at or beyond its limit."""
    if limit is None:
        where.warning(f"No plan meets the other rules in {year}, whatever this share.")
    elif share > limit + 1e-9:
        where.warning(
            f"Above the highest share these rules allow in {year} "
            f"({format_percent(limit, 1)}): there is no plan. Move it to "
            f"{math.floor(limit * 100)}% or below, or ease another rule."
        )
    elif share >= limit - 0.005:
        where.info(f"At the limit: these rules allow at most {format_percent(limit, 1)}.")
    else:
        where.caption(f"Reachable: 0% to {format_percent(limit, 1)} with these rules.")


def _save_for_comparison(chosen: dict[str, object]) -> None:
    with st.popover("Keep this scenario for Compare", width="stretch"):
        name = st.text_input(
            "Name", value=f"Scenario {len(state.saved_scenarios()) + 1}", key="save_name"
        )
        if st.button("Keep it", key="save_scenario", type="primary"):
            kept = dict(chosen)
            kept["name"] = name.strip() or "Kept scenario"
            state.saved_scenarios()[kept["name"]] = kept  # type: ignore[index]
            st.toast(f"Kept '{escape_markdown(kept['name'])}' for the Compare page.")


def _save_in_store(chosen: dict[str, object]) -> None:
    """Save the scenario in the store, versioned by name, for anyone to load again."""
    with st.popover("Save scenario", icon=":material/save:", width="stretch"):
        name = st.text_input("Name", value=str(chosen.get("name", "")), key="store_save_name")
        note = st.text_area(
            "Note (optional)",
            key="store_save_note",
            placeholder="What this scenario is for, or what changed",
            height=80,
        )
        if st.button("Save", key="store_save", type="primary", disabled=not name.strip()):
            try:
                record, saved = state.save_scenario(chosen, name, note)
            except Exception as exc:
                st.warning(f"Not saved: {escape_markdown(state.store_problem(exc))}")
                return
            st.session_state["store_saved"] = (
                f"Saved '{escape_markdown(record.name)}' as version {record.version}."
                if saved
                else f"'{escape_markdown(record.name)}' version {record.version} already holds "
                "these settings: "
                "nothing new to save."
            )
        if "store_saved" in st.session_state:
            st.caption(st.session_state["store_saved"])
        st.caption("Saved scenarios are kept in the store; saving a name again adds a version.")


def _load_from_store(loaded: state.Loaded) -> None:
    """Pick a saved scenario and version; it is checked against the data before it is used."""
    with st.popover("Load scenario", icon=":material/folder_open:", width="stretch"):
        try:
            saved = state.saved_in_store()
        except Exception as exc:
            st.caption(
                f"The store cannot be used just now: {escape_markdown(state.store_problem(exc))}"
            )
            return
        if not saved:
            st.caption("No scenario has been saved yet.")
            return
        latest = {r.name: r for r in saved}
        name = st.selectbox("Saved scenario", list(latest), key="store_load_name")
        if name is None:
            return
        record = latest[name]
        version = st.selectbox(
            "Version",
            list(range(record.versions, 0, -1)),
            key=f"store_load_version_{name}",
            format_func=lambda v: f"{v} (latest)" if v == record.versions else str(v),
        )
        st.button(
            "Load",
            key="store_load",
            type="primary",
            on_click=_load,
            args=(loaded, name, int(version or record.versions)),
        )


def _load(loaded: state.Loaded, name: str, version: int) -> None:
    """Callback: check a saved scenario against the data and, if it fits, plan it."""
    try:
        settings, problems = state.load_saved(loaded, name, version)
    except Exception as exc:
        st.session_state["store_loaded"] = (
            f"'{escape_markdown(name)}' version {version} could not be loaded: "
            f"{escape_markdown(state.store_problem(exc))}",
            (),
        )
        return
    if settings is None:
        st.session_state["store_loaded"] = (
            f"'{name}' version {version} cannot be used with the data in use:",
            problems,
        )
        return
    state.apply_scenario(loaded, settings)
    st.session_state["store_loaded"] = (f"Loaded '{name}' version {version}.", ())


def load_outcome() -> None:
    """What the last Load did, said once: loaded, or every problem as a table."""
    outcome = st.session_state.pop("store_loaded", None)
    if outcome is None:
        return
    message, problems = outcome
    if problems:
        st.error(message)
        widgets.problems_table(problems, key="store_load_problems")
    elif message.startswith("Loaded"):
        st.success(message, icon=":material/check:")
    else:
        st.warning(message)
