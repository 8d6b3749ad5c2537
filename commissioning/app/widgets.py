"""Reusable pieces of the workbench: tables in pounds, problem lists, the scenario controls.

Controls only return the user's choices (a scenario in the YAML file's vocabulary); what
the choices mean is for the package to work out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from commissioning.allocator.formulation import outcome_values
from commissioning.app import state
from commissioning.app.markup import escape_markdown
from commissioning.app.tables import DECISION_LABELS, initiative_label, problems_frame
from commissioning.formatting import format_money
from commissioning.formatting import signed_money as signed_money
from commissioning.inputs import DataSet, InputError, Problem, with_scenario

P = state.CONTROL_PREFIX


# --------------------------------------------------------------------------- formatting


def money(x: float) -> str:
    """£1,234,567 (whole pounds)."""
    return format_money(x)


def millions(x: float) -> str:
    """£170.3m for a headline (whole pounds below £1m)."""
    if abs(x) < 1_000_000:
        return format_money(x)
    return f"{'-' if x < 0 else ''}£{abs(x) / 1_000_000:,.1f}m"


def metric(
    where: Any,
    label: str,
    value: str,
    note: str | None = None,
    *,
    tone: Literal["normal", "inverse", "off"] = "off",
    help: str | None = None,
) -> None:
    """A headline figure; `note` under it is coloured by its sign unless `tone` is "off"."""
    where.metric(label, value, note, delta_color=tone, delta_arrow="off", help=help, border=True)


BADGE_COLOURS: Mapping[str, str] = {
    "commission": "green",
    "grow": "green",
    "maintain": "blue",
    "reduce": "orange",
    "decommission": "red",
    "not_commissioned": "gray",
}


def decision_badge(decision: str) -> str:
    """Markdown for a coloured badge naming a decision."""
    label = DECISION_LABELS.get(decision, decision)
    return f":{BADGE_COLOURS.get(decision, 'gray')}-badge[{label}]"


def percent(x: float, places: int = 0) -> str:
    return f"{x * 100:.{places}f}%"


def outcomes(x: float) -> str:
    """Weighted outcomes to a sensible precision."""
    if not math.isfinite(x):
        return "not known"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.1f}"
    return f"{x:.3g}"


def _safe(fmt: Any) -> Any:
    def apply(v: object) -> str:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return "–"
        return str(fmt(v))

    return apply


def show_table(
    frame: pd.DataFrame,
    *,
    money_columns: Iterable[str] = (),
    change_columns: Iterable[str] = (),
    percent_columns: Iterable[str] = (),
    number_columns: Mapping[str, str] | None = None,
    height: int | Literal["auto"] = "auto",
    key: str | None = None,
    column_config: Mapping[str, Any] | None = None,
    cell_colours: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """A read-only table with pounds as £1,234,567 (sorting still uses the numbers).

    `cell_colours`: for a column, one CSS background colour per row ("" for none), to
    colour cells by a band whose words are also in the table (colour is never the only sign).
    """
    formats: dict[str, Any] = {}
    for c in money_columns:
        if c in frame:
            formats[c] = _safe(format_money)
    for c in change_columns:
        if c in frame:
            formats[c] = _safe(signed_money)
    for c in percent_columns:
        if c in frame:
            formats[c] = _safe(lambda v: f"{float(v) * 100:.1f}%")
    for c, spec in (number_columns or {}).items():
        if c in frame:
            formats[c] = _safe(lambda v, spec=spec: format(float(v), spec))
    styled: Any = frame.style.format(formats) if formats else frame
    for column, colours in (cell_colours or {}).items():
        if column in frame:
            if styled is frame:
                styled = frame.style
            css = [f"background-color: {c}" if c else "" for c in colours]
            styled = styled.apply(lambda _col, css=css: css, subset=[column])
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=height,
        key=key,
        column_config=dict(column_config or {}),
    )


def problems_table(problems: Sequence[Problem], *, key: str | None = None) -> None:
    """Every problem with file, row and column, errors first."""
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    frame = problems_frame(ordered)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=key,
        height=min(420, 38 + 35 * len(frame)),
        column_config={
            "Problem": st.column_config.TextColumn(width="large"),
            "Severity": st.column_config.TextColumn(width="small"),
            "Row": st.column_config.TextColumn(width="small"),
        },
    )


def data_caption(loaded: state.Loaded) -> None:
    """Which data is in use, in one line."""
    if loaded.data is None:
        st.caption(
            f"Data: {escape_markdown(loaded.source.label)} (cannot be used: see the Register page)"
        )
        return
    d = loaded.data
    st.caption(
        f"Data: {escape_markdown(loaded.source.label)} · {len(d.initiatives)} initiatives · "
        f"{len(d.districts)} districts · {len(d.streams)} funding streams"
    )


def no_data(loaded: state.Loaded) -> bool:
    """Say plainly when there is nothing to plan on; True when the page should stop."""
    if loaded.data is None:
        st.error("The data in use cannot be read. Open the Register page to see every problem.")
        problems_table(loaded.errors)
        return True
    if loaded.scenario is None:
        st.error(
            "There is no usable scenario for this data: every funding stream needs a budget row "
            "for each planning year. Load a scenario file on the Register page."
        )
        problems_table(loaded.scenario_problems)
        return True
    return False


def store_unavailable(exc: BaseException, what: str = "This page") -> None:
    """A quiet note that the store cannot be used (never a traceback); the rest works."""
    st.warning(
        f"{what} needs the store, which cannot be used just now: "
        f"{escape_markdown(state.store_problem(exc))}",
        icon=":material/cloud_off:",
    )


def pager(total: int, size: int, key: str, noun: str = "entries") -> tuple[int, int]:
    """Which slice [start, stop) of `total` items to show; a page control when there are more
    than `size`. Changes only what is shown."""
    pages = max(1, -(-total // size))
    page = 1
    if pages > 1:
        left, _ = st.columns([1, 4])
        page = int(left.number_input(f"Page (of {pages})", min_value=1, max_value=pages, key=key))
    start, stop = (page - 1) * size, min(total, page * size)
    if total:
        st.caption(f"{noun.capitalize()} {start + 1}-{stop} of {total}, newest first.")
    return start, stop


SHOWN = 8
"""Rules of a diagnosis listed before the rest are folded away."""


def _relaxation_line(name: str, message: str) -> str:
    """'- **prevention[2027]**: levels 1-2 would need ...' (the name said once)."""
    text = message.removeprefix(f"{name}: ") if message.startswith(f"{name}: ") else message
    return f"- **{escape_markdown(name)}**: {escape_markdown(text)}"


def plan_unavailable(plan: state.Plan, *, where: str = "this scenario") -> None:
    """The plain-English reason there is no plan: never a traceback."""
    if plan.status == "invalid":
        st.error(f"The settings of {where} cannot be used:")
        problems_table(plan.problems)
    elif plan.status == "infeasible":
        st.error(
            f"No plan meets every rule of {where}. To find one, at least these rules would "
            "have to give way (the smallest total change that makes the plan possible):"
        )
        lines = [_relaxation_line(r.name, r.message) for r in plan.diagnosis]
        if not lines:
            st.write("The solver found the rules contradictory but could not say which gave way.")
        st.markdown("\n".join(lines[:SHOWN]))
        if len(lines) > SHOWN:
            with st.expander(f"{len(lines) - SHOWN} more"):
                st.markdown("\n".join(lines[SHOWN:]))
        st.info(
            "Try a lower prevention share or district floor, more growth, or unlock services. "
            "Everything else on this page appears once the plan is possible again."
        )
    else:
        st.error(plan.error or "The plan could not be made.")


# --------------------------------------------------------------------------- scenario controls


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _pct_slider(
    label: str, key: str, stored: float, *, top: int = 100, step: int = 1, help: str | None = None
) -> float:
    """A 0-100% slider for a fraction; an untouched value keeps its exact stored figure."""
    _seed(key, min(top, max(0, round(stored * 100))))
    chosen = st.slider(label, 0, top, step=step, format="%d%%", key=key, help=help)
    return stored if round(stored * 100) == chosen else chosen / 100


def _number(
    label: str,
    key: str,
    stored: float,
    *,
    low: float,
    high: float,
    step: float,
    slider: bool = True,
    help: str | None = None,
) -> float:
    _seed(key, float(min(high, max(low, round(stored / step) * step))))
    if slider:
        chosen = float(st.slider(label, low, high, step=step, key=key, help=help))
    else:
        chosen = float(
            st.number_input(label, min_value=low, max_value=high, step=step, key=key, help=help)
        )
    return stored if abs(chosen - stored) < step / 2 else round(chosen, 6)


def _library_values(data: DataSet, scenario: Mapping[str, Any]) -> dict[int, float] | None:
    """The value of an outcome at each level from the cost library (None without one, or
    when the scenario cannot be read)."""
    if not data.has_costs:
        return None
    try:
        inputs = with_scenario(data, {**scenario, "outcome_value": {}})
    except InputError:
        return None
    return outcome_values(inputs)


EVIDENCE_CONTROL_LABELS: Mapping[str, str] = {
    "4": "Rated 4 (established)",
    "3": "Rated 3",
    "2": "Rated 2 (preliminary)",
    "NL2": "Not yet level 2 (NL2)",
    "NE": "Found not effective (NE)",
}


def scenario_controls(data: DataSet, scenario: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario's policy choices as widgets (call inside the sidebar); returns the choices."""
    out: dict[str, Any] = dict(scenario)
    start, horizon = int(scenario["start_year"]), int(scenario["horizon"])
    years = list(range(start, start + horizon))
    shares = scenario.get("prevention_share", 0.0)
    share_list = list(shares) if isinstance(shares, list | tuple) else [shares] * horizon

    with st.expander("Prevention and fairness", expanded=True):
        chosen_shares = [
            _pct_slider(
                f"Prevention share {y}",
                f"{P}prevention_{y}",
                float(share_list[k]),
                top=95,
                help="The least share of all spend that goes to levels 1-2 "
                "(universal and early help) in this year.",
            )
            for k, y in enumerate(years)
        ]
        out["prevention_share"] = (
            chosen_shares[0] if len(set(chosen_shares)) == 1 else chosen_shares
        )
        out["district_floor"] = _pct_slider(
            "District floor",
            f"{P}district_floor",
            float(scenario.get("district_floor", 0.8)),
            help="Each district receives at least this share of its need-weighted fair "
            "share of spend on district services.",
        )
    with st.expander("Growth and ramp"):
        out["max_growth"] = _pct_slider(
            "Growth a year (share of last year's budget)",
            f"{P}max_growth",
            float(scenario.get("max_growth", 0.25)),
            top=200,
            step=5,
        )
        out["ramp"] = _pct_slider(
            "Ramp a year (share of capacity)",
            f"{P}ramp",
            float(scenario.get("ramp", 0.5)),
            step=5,
            help="A service may also grow by this share of its maximum budget each year.",
        )
    with st.expander("Priority weights"):
        overrides = dict(scenario.get("priority_weights") or {})
        weights = {}
        for p in data.priorities:
            stored = float(overrides.get(p.priority_id, p.weight))
            chosen = _number(
                f"{p.priority_id}: {p.name}",
                f"{P}weight_{p.priority_id}",
                stored,
                low=0.1,
                high=5.0,
                step=0.1,
            )
            if chosen != p.weight:
                weights[p.priority_id] = chosen
        out["priority_weights"] = weights
    with st.expander("Evidence"):
        st.caption("What an outcome counts for, by the service's EIF evidence rating.")
        multipliers = dict(scenario.get("evidence_multiplier") or {})
        out["evidence_multiplier"] = {
            level: _number(
                label,
                f"{P}evidence_{level}",
                float(multipliers.get(level, 0.0)),
                low=0.0,
                high=1.0,
                step=0.05,
            )
            for level, label in EVIDENCE_CONTROL_LABELS.items()
        }
        out["mixed_findings_factor"] = _number(
            "Factor for mixed findings",
            f"{P}mixed",
            float(scenario.get("mixed_findings_factor", 0.75)),
            low=0.0,
            high=1.0,
            step=0.05,
        )
    with st.expander("Value of an outcome by level"):
        values = {str(k): v for k, v in dict(scenario.get("outcome_value") or {}).items()}
        library = _library_values(data, scenario)
        if library is None:
            out["outcome_value"] = {
                str(level): _number(
                    f"Level {level}",
                    f"{P}value_{level}",
                    float(values.get(str(level), 1.0)),
                    low=0.0,
                    high=100.0,
                    step=0.5,
                    slider=False,
                )
                for level in (1, 2, 3, 4)
            }
        else:
            st.caption(
                "In pounds: the late-intervention cost an outcome at each level avoids, from "
                "the cost library. A level you change is valued at your figure instead."
            )
            named: dict[str, float] = {}
            for level in (1, 2, 3, 4):
                x = _number(
                    f"Level {level} (£)",
                    f"{P}value_{level}",
                    float(values.get(str(level), library[level])),
                    low=0.0,
                    high=10_000_000.0,
                    step=100.0,
                    slider=False,
                )
                # only a level the scenario names, or one the user moves, overrides the library
                if str(level) in values or x != library[level]:
                    named[str(level)] = x
            out["outcome_value"] = named
    with st.expander("Lock and exclude"):
        ids = [i.initiative_id for i in data.initiatives]
        _seed(f"{P}lock", [i for i in scenario.get("lock", []) if i in ids])
        _seed(f"{P}exclude", [i for i in scenario.get("exclude", []) if i in ids])
        out["lock"] = st.multiselect(
            "Hold at today's budget",
            ids,
            key=f"{P}lock",
            format_func=lambda i: initiative_label(data, i),
            placeholder="Choose services",
        )
        out["exclude"] = st.multiselect(
            "Stop funding after the contract ends",
            ids,
            key=f"{P}exclude",
            format_func=lambda i: initiative_label(data, i),
            placeholder="Choose services",
        )
    return out
