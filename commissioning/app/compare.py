"""Compare: two scenarios side by side, and how their plans differ."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from commissioning.app import charts, compare_tables, naming, state, widgets
from commissioning.app.glossary import help_for
from commissioning.app.markup import escape_markdown
from commissioning.explain import summarise_plan
from commissioning.explain.comparison import why_scores_differ
from commissioning.formatting import format_percent

CURRENT = "Current plan (from the Plan page)"
OWN = "The data's own scenario"
NO_SHARE = "Without a prevention share"


def _choices(loaded: state.Loaded) -> dict[str, Mapping[str, object]]:
    own = dict(loaded.scenario or {})
    current = state.scenario(loaded) or own
    # Named after what it changes, so its stored run says so ("...: prevention 0%").
    without = naming.named(own, {**own, "prevention_share": 0.0})
    choices: dict[str, Mapping[str, object]] = {CURRENT: current, OWN: own, NO_SHARE: without}
    for name, kept in state.saved_scenarios().items():
        choices[f"Kept: {name}"] = kept
    return choices


def render() -> None:
    st.title("Compare")
    loaded = state.active()
    widgets.data_caption(loaded)
    if widgets.no_data(loaded):
        return
    assert loaded.data is not None
    data = loaded.data
    choices = _choices(loaded)
    names = list(choices)
    left, right = st.columns(2, gap="large")
    a_name = left.selectbox("Scenario A", names, index=names.index(OWN), key="compare_a")
    b_name = right.selectbox("Scenario B", names, index=names.index(CURRENT), key="compare_b")
    st.caption(
        'Keep a scenario from the Plan page ("Keep this scenario for Compare") to add it here.'
    )
    short = ("A", "B")
    a_sc, b_sc = choices[a_name], choices[b_name]
    with st.spinner("Solving both scenarios…"):
        plan_a = state.solve(loaded, a_sc)
        plan_b = state.solve(loaded, b_sc)

    differences = compare_tables.scenario_differences(a_sc, b_sc, short)
    if differences.empty:
        st.info(
            "The two scenarios have the same settings, so their plans are the same. Move a "
            "control on the Plan page, or choose another scenario."
        )
    else:
        with st.expander(f"How the settings differ ({len(differences)})", expanded=True):
            widgets.show_table(differences)

    broken = False
    for label, plan in (("A", plan_a), ("B", plan_b)):
        if plan.status != "optimal":
            broken = True
            st.subheader(f"Scenario {label} has no plan")
            widgets.plan_unavailable(plan, where=f"scenario {label}")
    if broken:
        return
    assert plan_a.inputs is not None and plan_a.result is not None
    assert plan_b.inputs is not None and plan_b.result is not None
    ra, rb = plan_a.result, plan_b.result
    sa = summarise_plan(plan_a.inputs, ra)
    sb = summarise_plan(plan_b.inputs, rb)
    final_a, final_b = ra.years[-1], rb.years[-1]

    unit = ra.unit
    c1, c2, c3, c4 = st.columns(4)
    figure = widgets.millions if unit.pounds else unit.figure
    label = "Late costs avoided" if unit.pounds else "Weighted outcomes"
    widgets.metric(c1, f"{label}, A", figure(sa.objective), a_name, help=_score_help(unit.pounds))
    widgets.metric(
        c2,
        f"{label}, B",
        figure(sb.objective),
        f"{'+' if sb.objective >= sa.objective else '-'}"
        f"{figure(abs(sb.objective - sa.objective))} on A",
        tone="normal",
        help=_score_help(unit.pounds),
    )
    share_a = sa.prevention_final / sa.total_proposed[final_a] if sa.total_proposed[final_a] else 0
    share_b = sb.prevention_final / sb.total_proposed[final_b] if sb.total_proposed[final_b] else 0
    widgets.metric(
        c3,
        f"Prevention share {final_b}, B",
        format_percent(share_b, 1),
        f"{(share_b - share_a) * 100:+.1f} points on A",
        tone="normal",
    )
    differ = compare_tables.compare_initiatives(data, ra, rb, short)
    differ = differ[differ["Decision (A)"] != differ["Decision (B)"]]
    widgets.metric(
        c4, "Services decided differently", str(len(differ)), f"of {len(data.initiatives)}"
    )
    st.markdown(
        "**Why the scores differ.** "
        + escape_markdown(
            why_scores_differ(data, ra, rb, short, naming.changes(dict(a_sc), dict(b_sc)))
        )
    )
    st.caption(
        "Charts and tables compare the final year of each plan. A positive difference means "
        "B gives more than A."
    )

    tabs = st.tabs(
        [
            "Money by level",
            "By district",
            "By stream",
            "Decisions that differ",
            "Every service",
            "By priority",
            "Outcomes",
        ]
    )
    for tab, group, rows_a, rows_b in (
        (tabs[0], "Level", sa.by_level, sb.by_level),
        (tabs[1], "District", sa.by_district, sb.by_district),
        (tabs[2], "Stream", sa.by_stream, sb.by_stream),
        (tabs[5], "Priority", sa.by_priority, sb.by_priority),
    ):
        with tab:
            frame = compare_tables.compare_spend(rows_a, rows_b, group, short)
            st.altair_chart(charts.side_by_side(frame, group, short), width="stretch")
            widgets.show_table(
                frame,
                money_columns=["Today", "A", "B"],
                change_columns=["Difference"],
                column_config={group: st.column_config.TextColumn(width="large", pinned=True)},
            )
    with tabs[3]:
        if differ.empty:
            st.write("Every service gets the same decision in both plans.")
        else:
            counts = (
                differ.groupby(["Decision (A)", "Decision (B)"]).size().reset_index(name="Services")
            )
            st.markdown(
                " · ".join(
                    f"**{n}** {escape_markdown(x).lower()} in A, {escape_markdown(y).lower()} in B"
                    for x, y, n in counts.itertuples(index=False)
                )
            )
            widgets.show_table(
                differ.reindex(differ["Difference"].abs().sort_values(ascending=False).index),
                money_columns=["Today", "A", "B"],
                change_columns=["Difference"],
                height=420,
                column_config=_service_columns(),
            )
    with tabs[4]:
        frame = compare_tables.compare_initiatives(data, ra, rb, short)
        show_all = st.toggle("Show every service", key="compare_all")
        if not show_all:
            frame = frame[frame["Difference"].abs() >= 1]
        frame = frame.reindex(frame["Difference"].abs().sort_values(ascending=False).index)
        if frame.empty:
            st.write("Every service gets the same in both plans.")
        else:
            widgets.show_table(
                frame,
                money_columns=["Today", "A", "B"],
                change_columns=["Difference"],
                height=460,
                column_config=_service_columns(),
            )
    with tabs[6]:
        st.markdown(
            f"**{unit.title} over the plan**: A {unit.figure(sa.objective)}, "
            f"B {unit.figure(sb.objective)}."
        )
        numbers = {
            c: ",.0f"
            for c in (
                "Reached (A)",
                "Reached (B)",
                "Outcomes achieved (A)",
                "Outcomes achieved (B)",
                "Difference in outcomes achieved",
            )
        }
        st.markdown("**Children and families reached, and outcomes achieved, in the final year**")
        widgets.show_table(
            compare_tables.compare_outcomes(data, ra, rb, "level", short).rename(
                columns={"Group": "Level"}
            ),
            number_columns=numbers,
        )
        st.markdown("**By outcome in the framework**")
        widgets.show_table(
            compare_tables.compare_outcomes(data, ra, rb, "outcome", short).rename(
                columns={"Group": "Outcome"}
            ),
            number_columns=numbers,
        )
        st.caption(
            "Reached: budget ÷ unit cost. Outcomes achieved: reached × effect. A service is "
            "counted once for each outcome it targets, so the outcome rows overlap."
        )


def _score_help(pounds: bool) -> str:
    return help_for("Late-intervention cost avoided" if pounds else "Weighted outcomes")


def _service_columns() -> dict[str, object]:
    """IDs and names pinned; the money narrow, so a 1280-px screen shows the decisions."""
    return {
        "ID": st.column_config.TextColumn(width=95, pinned=True),
        "Name": st.column_config.TextColumn(width=220, pinned=True),
        "District": st.column_config.TextColumn(width=110),
        "Level": st.column_config.NumberColumn(width=50),
        **{c: st.column_config.Column(width=85) for c in ("Today", "A", "B", "Difference")},
    }


if __name__ == "__main__":
    render()
