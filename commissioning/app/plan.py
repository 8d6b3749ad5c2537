"""Plan: move the scenario's controls and see the plan re-solved at once."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

import pandas as pd
import streamlit as st
import yaml

from commissioning.allocator import Result
from commissioning.app import charts, scenario_panel, state, tables, widgets
from commissioning.app.glossary import help_for
from commissioning.app.markup import escape_markdown
from commissioning.explain import PlanSummary, summarise_plan
from commissioning.explain.costs import InvestToSave, invest_to_save
from commissioning.export.workbook import build_workbook
from commissioning.formatting import board_money, board_step, format_percent, signed_money
from commissioning.formatting import format_outcomes as outcome_words
from commissioning.inputs import DataSet
from commissioning.robustness import FRAGILE_BELOW, Robustness

DECISION_ORDER = ["commission", "grow", "maintain", "reduce", "decommission", "not_commissioned"]


def _stored_caption(plan: state.Plan) -> None:
    """Which run of the store holds the plan on screen (or, quietly, why none does)."""
    kept = state.stored(plan)
    if kept is None:
        return
    if kept.run_id is not None:
        st.session_state["plan_run"] = kept.run_id
        st.caption(
            f"Stored as run `{kept.run_id}` in {state.store_label()}: the History page "
            "lists it, and decisions on it are recorded there."
        )
    else:
        st.caption(f":material/warning: This plan is not stored: {escape_markdown(kept.problem)}")


def _invest_to_save(case: InvestToSave) -> None:
    """The invest-to-save case: late costs avoided, cash saved, money returned, payback.
    Drawn only while it is open (a slider move re-plans; a closed panel costs nothing)."""
    panel = st.expander(
        ":material/savings: Invest to save: what the plan saves, and when",
        key="plan_invest_to_save",
        on_change="rerun",
    )
    if not panel.open:
        return
    with panel:
        c1, c2, c3 = st.columns(3)
        widgets.metric(
            c1,
            "Late costs avoided per £1",
            f"£{case.return_per_pound:,.2f}",
            f"today £{case.return_per_pound_today:,.2f}",
            help="Late-intervention cost avoided (not weighted) for each £1 the plan spends, "
            "against today's budgets.",
        )
        if case.prevention_return is not None:
            widgets.metric(
                c2,
                "Per extra £1 in prevention",
                f"£{case.prevention_return:,.2f}",
                f"{widgets.money(case.prevention_moved)} more at levels 1-2 over the plan",
            )
            paid = (
                str(case.payback_year) if case.payback_year is not None else "not within 30 years"
            )
            cash = (
                f"in cash by {case.cash_payback_year}"
                if case.cash_payback_year is not None
                else "not in cash within 30 years"
            )
            widgets.metric(c3, "Prevention pays back", paid, cash)
        rows = [
            {"Who": partner, **{str(y): v for y, v in by_year.items()}}
            for partner, by_year in case.cashable_by_partner.items()
        ]
        if any(round(v) for v in case.reinvested.values()):
            rows.append(
                {
                    "Who": "Returned to the funding envelopes",
                    **{str(y): v for y, v in case.reinvested.items()},
                }
            )
        if rows:
            frame = pd.DataFrame(rows).fillna(0.0)
            frame = frame[["Who", *sorted(c for c in frame.columns if c != "Who")]]
            st.caption(
                "Cash saved by each partner, year by year (undiscounted, from the costs a "
                "partner would really save), and the savings the scenario returns to the "
                "envelopes."
            )
            widgets.show_table(frame, money_columns=[c for c in frame.columns if c != "Who"])


def render() -> None:
    st.title("Plan")
    loaded = state.active()
    if widgets.no_data(loaded):
        return
    chosen = scenario_panel.controls(loaded)
    assert chosen is not None and loaded.data is not None
    data = loaded.data
    scenario_panel.load_outcome()
    with st.spinner("Re-planning…"):
        plan = state.solve(loaded, chosen)

    if plan.status != "optimal":
        widgets.data_caption(loaded)
        widgets.plan_unavailable(plan)
        _stored_caption(plan)
        return
    assert plan.inputs is not None and plan.result is not None
    inputs, result = plan.inputs, plan.result
    summary = summarise_plan(inputs, result)
    years = list(result.years)
    final = years[-1]
    st.caption(
        f"{escape_markdown(chosen.get('name', ''))} · optimal plan for {years[0]}-{final} · "
        f"made in {plan.seconds:.1f} s"
    )
    _stored_caption(plan)

    share_today = summary.prevention_today / summary.total_today if summary.total_today else 0.0
    total_final = summary.total_proposed[final]
    share_final = summary.prevention_final / total_final if total_final else 0.0
    gain = summary.objective - summary.objective_today
    c1, c2, c3, c4 = st.columns([1.1, 0.9, 1.4, 0.8])
    unit = result.unit
    if unit.pounds:
        widgets.metric(
            c1,
            "Late costs avoided",
            widgets.millions(summary.objective),
            f"{signed_money(gain, board_step(gain))} on today",
            tone="normal",
            help="The objective: £ of late-intervention cost avoided (care, custody, exclusion "
            "and the rest of the cost library), weighted by priority and need, over every plan "
            "year; compared with keeping today's budgets for as long.",
        )
    else:
        widgets.metric(
            c1,
            "Weighted outcomes",
            outcome_words(summary.objective),
            f"+{outcome_words(gain)} on today"
            if gain >= 0
            else f"-{outcome_words(-gain)} on today",
            tone="normal",
            help="The objective: outcomes achieved, weighted by evidence, level, priority and "
            "need, over every plan year; compared with keeping today's budgets for as long.",
        )
    widgets.metric(
        c2,
        f"Prevention share {final}",
        format_percent(share_final, 1),
        f"{(share_final - share_today) * 100:+.1f} points",
        tone="normal",
    )
    widgets.metric(
        c3,
        "Moved to levels 1-2",
        signed_money(summary.prevention_moved, board_step(summary.prevention_moved)),
        f"of {board_money(total_final)} spent in {final}",
    )
    counts = summary.decisions
    widgets.metric(
        c4,
        "Services up / down",
        f"{counts['grow'] + counts['commission']} / {counts['reduce'] + counts['decommission']}",
        f"{counts['maintain']} maintained",
    )

    case = invest_to_save(inputs, result)
    if case is not None:
        _invest_to_save(case)

    if summary.journeys:
        n = len(summary.journeys)
        with st.expander(
            f":material/timeline: {n} service{'s' if n != 1 else ''} rise and then fall (or "
            "fall and then recover) within the plan",
        ):
            st.caption(
                "The decision reads the final year only, so these budgets turn on the way: "
                "check each journey is one a provider can deliver."
            )
            widgets.show_table(
                tables.journeys_frame(data, summary.journeys),
                money_columns=["Today", "Turning point", "Final year"],
                key="journeys_table",
            )

    tabs = st.tabs(
        [
            "Decisions",
            "Levels of need",
            "Districts and streams",
            "What £1 more buys",
            "Price of each rule",
            "How sure",
            "Download",
        ],
        key="plan_tab",
        on_change="rerun",
    )
    if tabs[0].open:
        with tabs[0]:
            _decisions(data, result, counts, state.robustness_of(plan))
    if tabs[1].open:
        with tabs[1]:
            _levels(summary, years)
    if tabs[2].open:
        with tabs[2]:
            _districts_and_streams(summary, years)
    if tabs[3].open:
        with tabs[3]:
            _marginal(data, result, summary)
    if tabs[4].open:
        with tabs[4]:
            _rule_prices(plan)
    if tabs[5].open:
        with tabs[5]:
            _how_sure(plan)
    if tabs[6].open:
        with tabs[6]:
            _downloads(plan, chosen)
    if plan.warnings:
        box = st.expander(
            f"Warnings ({len(plan.warnings)})", key="plan_warnings", on_change="rerun"
        )
        if box.open:
            with box:
                widgets.problems_table(plan.warnings)


def _decisions(
    data: DataSet, result: Result, counts: Mapping[str, int], sure: Robustness | None
) -> None:
    frame = tables.decisions_frame(data, result)
    if sure is not None:  # the check of the How sure tab, or the one stored with the run
        held = {s.initiative_id: round(s.stability * 100, 1) for s in sure.initiatives}
        band = {s.initiative_id: tables.stability_band(s) for s in sure.initiatives}
        at = list(frame.columns).index("Decision") + 1
        frame.insert(at, "Holds in", frame["ID"].map(held))
        frame.insert(at + 1, "Stability", frame["ID"].map(band))
    labels = [tables.DECISION_LABELS[d] for d in DECISION_ORDER]
    st.write(
        " · ".join(f"**{counts[d]}** {tables.DECISION_LABELS[d].lower()}" for d in DECISION_ORDER)
    )
    left, right, toggle = st.columns([5, 3, 2], vertical_alignment="center")
    with left:
        search = st.text_input(
            "Search",
            key="plan_search",
            placeholder="Name, ID or district",
            label_visibility="collapsed",
        )
    with right:
        picked = st.multiselect(
            "Decisions",
            labels,
            key="plan_decisions",
            placeholder="All decisions",
            label_visibility="collapsed",
        )
    if picked:
        frame = frame[frame["Decision"].isin(picked)]
    if search:
        text = search.lower()
        hay = frame["ID"] + " " + frame["Name"] + " " + frame["District"]
        frame = frame[hay.str.lower().str.contains(text, regex=False)]
    years = [str(y) for y in result.years]
    with toggle:
        every_year = st.toggle("Every plan year", key="plan_every_year")
    if not every_year:
        frame = frame.drop(columns=years[:-1])
    when = "each plan year" if every_year else years[-1]
    pounds = result.in_pounds
    value = tables.VALUE_COLUMN[pounds]
    st.caption(
        f"{len(frame)} services shown; amounts for today and {when}. "
        + (
            "Avoided per £1: the late-intervention cost each £1 spent on the service is "
            "expected to avoid, allowing for its evidence and effect."
            if pounds
            else "Outcomes per £1,000 are weighted by evidence, level, priority and need."
        )
    )
    if sure is not None:
        st.caption(
            f"Decisions coloured by how sure they are over {sure.draws:,} plausible futures: "
            f"robust (holding in at least {format_percent(FRAGILE_BELOW)}) or fragile."
        )
    colours = (
        {"Decision": [tables.BAND_COLOURS[b] for b in frame["Stability"]]}
        if "Stability" in frame
        else None
    )
    widgets.show_table(
        frame,
        money_columns=["Today", *years],
        change_columns=["Change"],
        number_columns={value: ".2f" if pounds else ".3f"},
        height=480,
        key="decisions_table",
        cell_colours=colours,
        column_config={
            "ID": st.column_config.TextColumn(width=105, pinned=True),
            "Name": st.column_config.TextColumn(width=198, pinned=True),
            "District": st.column_config.TextColumn(width=90),
            "Level": st.column_config.NumberColumn(width=45),
            "Evidence": st.column_config.TextColumn(width=65, help=help_for("Evidence rating")),
            "Decision": st.column_config.TextColumn(width=100),
            "Holds in": st.column_config.ProgressColumn(
                "Holds in",
                min_value=0,
                max_value=100,
                format="%.0f%%",
                width=80,
                help="Share of plausible futures in which the decision holds (How sure tab)",
            ),
            "Stability": st.column_config.TextColumn(
                width=75,
                help=(
                    f"Robust: holds in at least {format_percent(FRAGILE_BELOW)} "
                    "of plausible futures"
                ),
            ),
            **{c: st.column_config.Column(width=80) for c in ("Today", *years, "Change")},
            value: st.column_config.Column(
                "Per £1" if pounds else "Per £1,000",
                width=70,
                help="£ of late-intervention cost avoided per £1"
                if pounds
                else "Weighted outcomes per £1,000",
            ),
        },
    )


def _spend_tables(frame: pd.DataFrame, years: list[int], key: str) -> None:
    """Today, the final year and the change; every plan year behind a toggle."""
    every = st.toggle("Every plan year", key=f"every_year_{key}")
    shown = frame if every else frame.drop(columns=[str(y) for y in years[:-1]])
    widgets.show_table(
        shown, money_columns=["Today", *[str(y) for y in years]], change_columns=["Change"]
    )


def _levels(summary: PlanSummary, years: list[int]) -> None:
    left, right = st.columns([3, 2], gap="large")
    frame = tables.spend_frame(summary.by_level, years, "Level")
    with left:
        st.markdown("**Money by level of need, today and in each plan year**")
        st.altair_chart(
            charts.slope(
                tables.spend_long(summary.by_level, years, "Level"), "Level", charts.LEVEL_COLOURS
            ),
            width="stretch",
        )
    with right:
        st.markdown(f"**Change by {years[-1]}**")
        st.altair_chart(charts.change_bars(frame, "Level"), width="stretch")
        _spend_tables(frame, years, "level")
    st.markdown("**By strategic priority**")
    _spend_tables(tables.spend_frame(summary.by_priority, years, "Priority"), years, "priority")


def _districts_and_streams(summary: PlanSummary, years: list[int]) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"**By district: change by {years[-1]}**")
        frame = tables.spend_frame(summary.by_district, years, "District")
        st.altair_chart(charts.change_bars(frame, "District"), width="stretch")
        _spend_tables(frame, years, "district")
    with right:
        st.markdown(f"**By funding stream: change by {years[-1]}**")
        frame = tables.spend_frame(summary.by_stream, years, "Stream")
        st.altair_chart(charts.change_bars(frame, "Stream"), width="stretch")
        _spend_tables(frame, years, "stream")
        st.caption(
            "Today's spend of a service that several streams may fund is split evenly between "
            "them; the plan says which stream pays."
        )


def _marginal(data: DataSet, result: Result, summary: PlanSummary) -> None:
    pounds = result.in_pounds
    st.markdown(
        "**What one more £1 in each funding envelope would avoid**, in £ of late-intervention "
        "cost (weighted by priority and need), including any savings it returns to the "
        "envelopes later. A stream with money left unspent adds nothing."
        if pounds
        else "**What one more £1,000 in each funding envelope would buy**, in weighted "
        "outcomes. A stream with money left unspent buys nothing more."
    )
    frame = tables.envelope_prices(data, result)
    years = [str(y) for y in result.years]
    widgets.show_table(
        frame,
        number_columns={y: ".2f" if pounds else ".3f" for y in years},
        money_columns=["Unspent in final year"],
    )
    if summary.binding:
        st.markdown(
            "**Rules that hold the plan back most**: what the plan would gain if each were "
            f"eased by {'£1' if pounds else '£1,000'}"
        )
        relief = tables.RELIEF_COLUMN[pounds]
        widgets.show_table(
            tables.binding_frame(data, summary.binding[:15], pounds),
            number_columns={relief: ".2f" if pounds else ".3f"},
            row_height=60,
            column_config={
                "Rule": st.column_config.TextColumn(width=150, pinned=True),
                "About": st.column_config.TextColumn(width=220),
                relief: st.column_config.Column(width=110),
                "What it says": st.column_config.TextColumn(width=420),
            },
        )


def _rule_prices(plan: state.Plan) -> None:
    st.markdown(
        "Each policy rule is priced by solving the plan again without it: what it costs the "
        "plan, and the money it keeps where the partnership wants it."
    )
    if not state.has_rule_prices(plan):
        asked = st.button("Work out the price of each rule", key="price_rules", type="primary")
        if not asked:
            st.caption("This re-solves the plan once for each rule, so it takes a few seconds.")
            return
    with st.spinner("Solving the plan again without each rule…"):
        prices, problem = state.rule_prices(plan)
    if prices is None:
        st.warning(escape_markdown(problem or "The prices of the rules were not worked out."))
        return
    state.mark_priced(plan)
    frame = tables.rule_prices_frame(prices)
    pounds = plan.result is not None and plan.result.in_pounds
    widgets.show_table(
        frame,
        money_columns=[tables.VALUE_GIVEN_UP] if pounds else [],
        change_columns=["Money it moves"],
        number_columns={} if pounds else {tables.VALUE_GIVEN_UP: ",.2f"},
        row_height=84,
        column_config={
            "Rule": st.column_config.TextColumn(width=190, pinned=True),
            tables.VALUE_GIVEN_UP: st.column_config.Column(
                width=105,
                help="What the plan would gain if this rule were dropped, in "
                + plan_unit(plan)
                + " over the plan: the rule's price.",
            ),
            "Holds the plan back": st.column_config.TextColumn(
                "Holds back", width=80, help="Yes: without the rule, the plan would do better."
            ),
            "Money it moves": st.column_config.Column(width=105),
            "In plain English": st.column_config.TextColumn(width=400),
        },
    )


def plan_unit(plan: state.Plan) -> str:
    """What the plan's value counts, in words."""
    assert plan.result is not None
    return plan.result.unit.name


def _how_sure(plan: state.Plan) -> None:
    assert plan.result is not None and plan.inputs is not None
    st.markdown(
        "Effects and costs per participant are estimates. This solves the plan again for many "
        "plausible futures, drawing each figure from its plausible range (from the register, "
        "or by its strength of evidence), and counts how often each decision holds. A decision "
        f"holding in fewer than {format_percent(FRAGILE_BELOW)} of them is fragile."
    )
    left, middle, right = st.columns([1, 1, 2], vertical_alignment="bottom")
    draws = left.number_input("Plausible futures", 20, 2000, 200, step=20, key="robust_draws")
    seed = middle.number_input("Seed", 0, 1_000_000, 1, key="robust_seed")
    if right.button("Check how sure each decision is", key="robust_run", type="primary"):
        bar = st.progress(0.0, text="Solving plausible futures…")

        def moved(done: int, total: int) -> None:
            bar.progress(done / total, text=f"{done:,} of {total:,} plausible futures solved")

        state.check_robustness(plan, int(draws), int(seed), moved)
        bar.empty()
    check = state.check_of(plan)
    if check is None:
        st.caption("About a tenth of a second a future on the sample: 200 take under a minute.")
        return
    _check_caption(check)
    r = check.robustness
    fragile = sum(s.fragile for s in r.initiatives)
    st.write(
        f"Over **{r.draws:,}** plausible futures (seed {r.seed}): **{fragile}** fragile "
        f"decisions, **{len(r.initiatives) - fragile}** robust"
        + (f"; in {r.infeasible:,} futures no plan meets every rule" if r.infeasible else "")
        + "."
    )
    widgets.show_table(
        tables.robustness_frame(plan.inputs.data, r),
        money_columns=["Budget, low", "Budget, middle", "Budget, high"],
        height=480,
        key="robustness_table",
        column_config={
            "Holds in": st.column_config.ProgressColumn(
                "Holds in",
                min_value=0,
                max_value=100,
                format="%.0f%%",
                help="Share of plausible futures in which the plan's decision holds",
            ),
            "Funded in": st.column_config.NumberColumn(
                format="%.0f%%", help="Share of plausible futures funding it in the final year"
            ),
            "Budget, low": st.column_config.Column(help="Final-year budget, 5th percentile"),
            "Budget, high": st.column_config.Column(help="Final-year budget, 95th percentile"),
            "Turns most on": st.column_config.TextColumn(width="large"),
        },
    )


def _check_caption(check: state.Check) -> None:
    """Where the check on screen is kept: made now and stored, read from the store, or not
    kept (and why)."""
    if check.problem is not None:
        st.caption(f":material/warning: This check is not stored: {escape_markdown(check.problem)}")
    elif check.made:
        st.caption(
            f"The check stored with run `{check.run_id}` (number {check.number}, made by "
            f"{escape_markdown(check.made)}); run a new one to replace it on screen."
        )
    else:
        st.caption(
            f"Stored with run `{check.run_id}` in {state.store_label()} as check number "
            f"{check.number} (commissioning robustness-checks show {check.number})."
        )


def result_json(plan: state.Plan) -> str:
    """The result file (model.md section 4) of a plan, as issued: with the audit trail's
    head in its provenance when the plan is kept in the store."""
    result = state.issued(plan)
    assert result is not None
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False)


def workbook_bytes(plan: state.Plan) -> bytes:
    """The plan workbook, built by the package, as .xlsx bytes."""
    assert plan.inputs is not None and plan.result is not None
    buffer = io.BytesIO()
    build_workbook(plan.inputs, plan.result).save(buffer)
    return buffer.getvalue()


def _downloads(plan: state.Plan, chosen: dict[str, object]) -> None:
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Result (JSON)",
        data=lambda: result_json(plan),
        file_name="result.json",
        mime="application/json",
        icon=":material/download:",
        width="stretch",
        on_click="ignore",
    )
    c2.download_button(
        "Plan workbook (Excel)",
        data=lambda: workbook_bytes(plan),
        file_name="plan.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        width="stretch",
        on_click="ignore",
    )
    c3.download_button(
        "Scenario (YAML)",
        data=yaml.safe_dump(state.jsonable(chosen), sort_keys=False, allow_unicode=True),
        file_name="scenario.yaml",
        mime="application/x-yaml",
        icon=":material/download:",
        width="stretch",
        on_click="ignore",
    )
    st.caption(
        "The result file records the input fingerprint, scenario and solver, so the plan can "
        "be reproduced with `commissioning allocate`."
    )


if __name__ == "__main__":
    render()
