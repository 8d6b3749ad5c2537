"""Compare: two scenarios side by side, and how their plans differ."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from commissioning.allocator.wording import outcomes as outcome_words
from commissioning.app import compare_tables, state, widgets
from commissioning.explain import summarise_plan

CURRENT = "Current plan (from the Plan page)"
OWN = "The data's own scenario"
NO_SHARE = "Without a prevention share"


def _choices(loaded: state.Loaded) -> dict[str, Mapping[str, object]]:
    own = dict(loaded.scenario or {})
    current = state.scenario(loaded) or own
    without = dict(own)
    without["prevention_share"] = 0.0
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

    c1, c2, c3, c4 = st.columns(4)
    widgets.metric(c1, "Weighted outcomes, A", outcome_words(sa.objective), a_name)
    widgets.metric(
        c2,
        "Weighted outcomes, B",
        outcome_words(sb.objective),
        f"{sb.objective - sa.objective:+,.1f} on A",
        tone="normal",
    )
    share_a = sa.prevention_final / sa.total_proposed[final_a] if sa.total_proposed[final_a] else 0
    share_b = sb.prevention_final / sb.total_proposed[final_b] if sb.total_proposed[final_b] else 0
    widgets.metric(
        c3,
        f"Prevention share {final_b}, B",
        widgets.percent(share_b, 1),
        f"{(share_b - share_a) * 100:+.1f} points on A",
        tone="normal",
    )
    moved = sum(
        1
        for i in data.initiatives
        if abs(
            ra.initiatives_by_id[i.initiative_id].final
            - rb.initiatives_by_id[i.initiative_id].final
        )
        >= 1
    )
    widgets.metric(c4, "Services funded differently", str(moved), f"of {len(data.initiatives)}")
    st.caption(
        "Tables compare the final year of each plan. A positive difference means B gives "
        "more than A."
    )

    tabs = st.tabs(
        ["By initiative", "By district", "By level", "By stream", "By priority", "Outcomes"]
    )
    with tabs[0]:
        frame = compare_tables.compare_initiatives(data, ra, rb, short)
        show_all = st.toggle("Show every initiative", key="compare_all")
        if not show_all:
            frame = frame[frame["Difference"].abs() >= 1]
        frame = frame.reindex(frame["Difference"].abs().sort_values(ascending=False).index)
        if frame.empty:
            st.write("Every initiative gets the same in both plans.")
        else:
            widgets.show_table(
                frame,
                money_columns=["Today", "A", "B"],
                change_columns=["Difference"],
                height=460,
                column_config={"Name": st.column_config.TextColumn(width="medium")},
            )
    for tab, group, rows_a, rows_b in (
        (tabs[1], "District", sa.by_district, sb.by_district),
        (tabs[2], "Level", sa.by_level, sb.by_level),
        (tabs[3], "Stream", sa.by_stream, sb.by_stream),
        (tabs[4], "Priority", sa.by_priority, sb.by_priority),
    ):
        with tab:
            widgets.show_table(
                compare_tables.compare_spend(rows_a, rows_b, group, short),
                money_columns=["Today", "A", "B"],
                change_columns=["Difference"],
            )
    with tabs[5]:
        st.markdown(
            f"**Weighted outcomes over the plan**: A {outcome_words(sa.objective)}, "
            f"B {outcome_words(sb.objective)} "
            f"({sb.objective - sa.objective:+,.1f})."
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


if __name__ == "__main__":
    render()
