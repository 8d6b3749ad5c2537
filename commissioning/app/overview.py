"""Overview: where the money goes today, how strong its evidence is, where services overlap,
and whether the budget envelope covers what is already committed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from commissioning.app import charts, state, tables, widgets
from commissioning.explain.costs import cost_library
from commissioning.formatting import format_percent
from commissioning.inputs import InputError, with_scenario
from commissioning.inputs.model import DataSet


def _cost_library(data: DataSet, scenario: Mapping[str, Any]) -> None:
    """The cost of late intervention: what each cost is worth in the plan's prices and what an
    outcome at each level avoids."""
    st.subheader("The cost of late intervention")
    try:
        inputs = with_scenario(data, scenario)
    except InputError:
        st.info("The scenario has problems (see the Register page), so costs are not priced.")
        return
    library = cost_library(inputs)
    y0 = library.start_year
    cols = st.columns(4)
    for col, (level, value) in zip(cols, sorted(library.level_values.items()), strict=False):
        widgets.metric(
            col,
            f"An outcome at level {level}",
            widgets.money(value),
            "set in the scenario" if level in library.named_levels else "late cost it avoids",
        )
    for g in library.groups():
        years = ", ".join(str(y) for y in g.price_years)
        st.write(
            f"**{g.label}**: {len(g.lines)} costs adding up to {widgets.money(g.annual_cost)} a "
            f"year in {years} prices ({widgets.money(g.annual_cost_plan)} in {y0} prices)."
        )
    frame = pd.DataFrame(
        [
            {
                "Cost": c.name,
                "Level": c.level,
                "Payer": c.payer,
                "Price year": str(c.price_year),
                "A year": c.annual_cost,
                f"A year ({y0})": c.annual_cost_plan,
                "Chance": c.probability,
                "Years": c.years,
                "Starts after (years)": c.lag,
                "Cashable": c.cashable,
                "Worth per outcome": c.present_value,
                "Source": c.source,
            }
            for c in library.lines
        ]
    )
    widgets.show_table(
        frame,
        money_columns=["A year", f"A year ({y0})", "Worth per outcome"],
        percent_columns=["Chance", "Cashable"],
        column_config={
            "Cost": st.column_config.TextColumn(width=250, pinned=True),
            "Payer": st.column_config.TextColumn(width=240),
            "Level": st.column_config.NumberColumn(width=45),
            "Source": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(
        f"Each cost is brought to {y0} prices with the price index and discounted at "
        f"{format_percent(library.discount_rate, 1)} a year (HM Treasury Green Book) from "
        "the year it would begin; its worth per outcome is chance x yearly cost x years, "
        "discounted."
    )


def render() -> None:
    st.title("Overview")
    loaded = state.active()
    widgets.data_caption(loaded)
    if widgets.no_data(loaded):
        return
    data = loaded.data
    scenario = state.scenario(loaded)
    assert data is not None and scenario is not None
    start, horizon = int(str(scenario["start_year"])), int(str(scenario["horizon"]))
    years = list(range(start, start + horizon))

    total = sum(i.current_budget for i in data.initiatives)
    prevention = sum(i.current_budget for i in data.initiatives if i.level <= 2)
    envelope = tables.envelope_against_committed(data, years)
    c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1.2])
    headroom = float(envelope["Headroom"].iloc[0])
    widgets.metric(c1, "Spend today, a year", widgets.money(total), f"{len(data.streams)} streams")
    widgets.metric(
        c2,
        "Prevention (levels 1-2)",
        format_percent(prevention / total if total else 0),
        f"{widgets.money(prevention)} a year",
    )
    widgets.metric(
        c3,
        "Services running",
        str(sum(1 for i in data.initiatives if not i.is_candidate)),
        f"and {sum(1 for i in data.initiatives if i.is_candidate)} candidates",
    )
    widgets.metric(
        c4,
        f"Envelope {years[0]}",
        widgets.money(float(envelope["Envelope"].iloc[0])),
        f"{widgets.money(headroom)} above committed"
        if headroom >= 0
        else f"-{widgets.money(-headroom)} short of committed",
        tone="normal",
    )

    st.subheader("Today's spend")
    tabs = st.tabs(["By level of need", "By priority", "By district", "By funding stream"])
    for tab, by in zip(tabs, ("level", "priority", "district", "stream"), strict=True):
        with tab:
            frame = tables.spend_today(data, by)
            left, right = st.columns([1, 1], gap="large")
            with left:
                st.altair_chart(
                    charts.bars(
                        frame,
                        "Group",
                        "Budget today",
                        colours=charts.LEVEL_COLOURS if by == "level" else None,
                    ),
                    width="stretch",
                )
            with right:
                widgets.show_table(
                    frame.rename(columns={"Group": by.capitalize()}),
                    money_columns=["Budget today"],
                    percent_columns=["Share"],
                )
            if by == "stream":
                st.caption(
                    "A service that several streams may fund is split evenly between them: the "
                    "mapping does not record today's split."
                )

    if data.has_costs:
        _cost_library(data, scenario)

    st.subheader("Evidence behind the money")
    profile = tables.evidence_profile(data)
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.altair_chart(
            charts.bars(
                profile,
                "Evidence",
                "Budget today",
                colours=charts.EVIDENCE_COLOURS,
            ),
            width="stretch",
        )
    with right:
        widgets.show_table(
            profile.drop(columns=["Rating"]),
            money_columns=["Budget today", "Mixed findings"],
            percent_columns=["Share"],
            column_config={
                "Evidence": st.column_config.TextColumn(width=140, pinned=True),
                "Services": st.column_config.NumberColumn(width=65),
                "Share": st.column_config.Column(width=60),
                "Budget today": st.column_config.Column(width=100),
                "Mixed findings": st.column_config.Column(
                    width=100, help="Of the budget, the services whose studies are mixed"
                ),
            },
        )
    weak = profile.loc[profile["Rating"].isin(["NL2", "NE"]), "Budget today"].sum()
    st.caption(
        f"{widgets.money(float(weak))} a year ({format_percent(weak / total if total else 0)}) "
        "goes to services with no robust evaluation (NL2) or found not effective (NE). Ratings "
        "follow the Early Intervention Foundation Guidebook; mixed findings: some rigorous "
        "studies found no effect."
    )

    st.subheader("Possible duplication")
    dup = tables.duplication(data)
    if dup.empty:
        st.success("No two existing services share a district, level, priority and outcome.")
    else:
        st.write(
            f"{len(dup)} groups of existing services serve the same district, level of need and "
            f"priority with outcomes in common, {widgets.money(float(dup['Budget today'].sum()))} "
            "a year in all. Each is worth a look before recommissioning."
        )
        # The services in each group are what people read: first after where, wrapped.
        config: dict[str, Any] = {
            "District": st.column_config.TextColumn(width=110, pinned=True),
            "Level": st.column_config.TextColumn(width=150),
            "Which": st.column_config.TextColumn("Services in the group", width=380),
            "Priority": st.column_config.TextColumn(width=200),
            "Shared outcomes": st.column_config.TextColumn(width=170),
            "Budget today": st.column_config.Column(width=110),
        }
        widgets.show_table(
            dup,
            money_columns=["Budget today"],
            height=min(460, 40 + 72 * len(dup)),
            row_height=72,
            column_order=[
                "District",
                "Level",
                "Which",
                "Priority",
                "Shared outcomes",
                "Budget today",
            ],
            column_config=config,
        )

    st.subheader("Budget envelope against committed spend")
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.altair_chart(
            charts.grouped_bars(envelope, "Year", ["Envelope", "Committed"]), width="stretch"
        )
    with right:
        widgets.show_table(
            envelope,
            money_columns=["Envelope", "Committed"],
            change_columns=["Headroom"],
            percent_columns=["Committed share"],
        )
        st.caption(
            "Committed: running contracts until they end, and statutory or protected floors. "
            "The headroom is what the plan can move."
        )
    if (envelope["Headroom"] < 0).any():
        st.error("Committed spend exceeds the envelope in some year: no plan can meet it.")
    with st.expander("Envelope by funding stream"):
        by_stream = tables.envelopes_by_stream(data, years)
        widgets.show_table(by_stream, money_columns=[str(y) for y in years])

    if loaded.warnings:
        with st.expander(f"Warnings from the data ({len(loaded.warnings)})"):
            widgets.problems_table(loaded.warnings)


if __name__ == "__main__":
    render()
