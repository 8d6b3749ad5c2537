"""Explain: pick a service and read why the plan gives it what it gives it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from commissioning.allocator import FAMILIES
from commissioning.allocator.wording import ValueUnit, pence
from commissioning.app import state, tables, widgets
from commissioning.app.glossary import help_for
from commissioning.app.markup import escape_markdown
from commissioning.explain.initiative import Peer
from commissioning.robustness.summary import sentence as how_sure

ORDER = ["decommission", "reduce", "not_commissioned", "commission", "grow", "maintain"]


# What a peer's £1 is worth in the plan: late costs avoided weighted by priority and need
# (with a cost library), or weighted outcomes per £1,000.
PEER_COLUMN = {True: "£ per £1 (weighted)", False: "Outcomes per £1,000"}


def _peers(peers: tuple[Peer, ...], pounds: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "ID": p.service.initiative_id,
                "Name": p.service.name,
                "Decision": tables.DECISION_LABELS.get(p.decision, p.decision),
                "Today": p.service.current_budget,
                "Final year": p.final,
                "Change": p.change,
                PEER_COLUMN[pounds]: p.value_per_pound * (1.0 if pounds else tables.PER),
            }
            for p in peers
        ]
    )


MARKDOWN_PUNCTUATION = "\\`*_{}[]()<>#+-.!|$~"


def _plain(text: str) -> str:
    """Text shown as written: service names may hold Markdown's punctuation."""
    return "".join("\\" + c if c in MARKDOWN_PUNCTUATION else c for c in text)


def render() -> None:
    st.title("Explain")
    loaded, plan = state.current_plan()
    widgets.data_caption(loaded)
    if widgets.no_data(loaded) or plan is None:
        return
    if plan.status != "optimal":
        st.warning("The current scenario has no plan to explain. Open the Plan page to see why.")
        widgets.plan_unavailable(plan, where="the current scenario")
        return
    assert plan.result is not None and loaded.data is not None
    data, result = loaded.data, plan.result
    by_decision = {d: [r for r in result.initiatives if r.decision == d] for d in ORDER}

    left, right = st.columns([1, 2], gap="large")
    with left:
        present = [d for d in ORDER if by_decision[d]]
        decision = st.selectbox(
            "Decision",
            ["all", *present],
            key="explain_decision",
            format_func=lambda d: (
                "Any decision"
                if d == "all"
                else f"{tables.DECISION_LABELS[d]} ({len(by_decision[d])})"
            ),
        )
    ids = [r.initiative_id for d in ORDER for r in by_decision[d] if decision in ("all", d)]
    with right:
        initiative_id = st.selectbox(
            "Service",
            ids,
            key="explain_service",
            format_func=lambda i: tables.initiative_label(data, i),
        )
    if initiative_id is None:
        return
    confirm = st.toggle(
        "Work out what would change the decision (re-solves the plan: a few seconds)",
        key="explain_confirm",
    )
    with st.spinner("Working out the explanation…"):
        e, note = state.explanation(plan, initiative_id, confirm)
    if note is not None:
        st.warning(escape_markdown(note))
    i = e.initiative
    r = result.initiatives_by_id[initiative_id]

    st.subheader(escape_markdown(i.name))
    st.markdown(widgets.decision_badge(e.decision))
    sure = state.robustness_of(plan)
    if sure is not None:
        st.markdown(_plain(how_sure(sure.by_id[initiative_id], sure.draws, data)))
    else:
        st.caption("How sure is this decision? Check it on the Plan page's How sure tab.")
    st.caption(
        escape_markdown(
            f"{i.initiative_id} · {i.provider} · {tables.district_label(data, i.district_id)} · "
            f"level {i.level} · {tables.priority_label(data, i.priority_id)} · {e.evidence}"
        )
    )
    years = sorted(e.proposed)
    c1, c2, c3, c4 = st.columns(4)
    widgets.metric(c1, "Budget today", widgets.money(e.current_budget), f"{i.status} service")
    widgets.metric(
        c2,
        f"Budget in {years[-1]}",
        widgets.money(e.proposed[years[-1]]),
        f"{widgets.signed_money(e.proposed[years[-1]] - e.current_budget)} on today",
        tone="normal",
    )
    pounds = e.benefit_cost_ratio is not None
    unit = ValueUnit(pounds)
    # The service and the money elsewhere are compared on one footing: weighted, per £1
    # (or £1,000), in the same format as the paragraph below.
    widgets.metric(
        c3,
        f"Worth of {unit.per_label} here",
        unit.rate(e.value_per_pound),
        f"{pence(e.benefit_cost_ratio or 0.0)} before weighting" if pounds else "weighted outcomes",
        help=help_for("Late-intervention cost avoided" if pounds else "Weighted outcomes"),
    )
    if e.opportunity_cost is not None:
        widgets.metric(
            c4,
            f"The same {unit.per_label} elsewhere",
            unit.rate(e.opportunity_cost),
            "in other services",
            help=help_for("What the same money buys elsewhere"),
        )

    st.markdown("#### Why")
    # One paragraph a commissioner can read out at a board; the rules' names stay out.
    st.markdown(escape_markdown(" ".join(e.sentences)))
    if not confirm and e.decision in ("decommission", "reduce", "not_commissioned"):
        st.caption(
            "Turn on 'Work out what would change the decision' for the unit cost, effect and "
            "evidence rating at which it would be funded, each confirmed by re-solving."
        )

    budget = pd.DataFrame(
        [{"Year": "Today", "Budget": e.current_budget}]
        + [{"Year": str(y), "Budget": e.proposed[y]} for y in years]
    )
    left, right = st.columns([1, 3], gap="large")
    with left:
        st.markdown("**Budget by year**")
        widgets.show_table(budget, money_columns=["Budget"])
    with right:
        if e.holding_rules:
            st.markdown("**Rules that hold it where it is**")
            widgets.show_table(
                pd.DataFrame(
                    [
                        {
                            "Rule": FAMILIES[h.family].title,
                            "Year": str(c.year or ""),
                            "What the rule says": FAMILIES[h.family].rule,
                            tables.RELIEF_COLUMN[pounds]: (h.shadow_price or 0.0)
                            * (1.0 if pounds else tables.PER),
                        }
                        for h, c in zip(e.holding_rules, e.holding_constraints, strict=True)
                    ]
                ),
                number_columns={tables.RELIEF_COLUMN[pounds]: ".2f" if pounds else ".3f"},
                row_height=84,
                column_config={
                    "Rule": st.column_config.TextColumn(width=130, pinned=True),
                    "Year": st.column_config.TextColumn(width=50),
                    "What the rule says": st.column_config.TextColumn(width=360),
                    tables.RELIEF_COLUMN[pounds]: st.column_config.Column(
                        "Gain if eased",
                        width=90,
                        help="What the plan would gain if this rule gave this service "
                        + unit.per_label
                        + " more room.",
                    ),
                },
            )
        if e.break_even:
            st.markdown("**What would change the decision**")
            widgets.show_table(
                pd.DataFrame(
                    [
                        {
                            "Figure": b.figure.capitalize(),
                            "Now": b.current,
                            "Would need": b.needed or "out of reach",
                            "Confirmed by re-solving": "Yes" if b.confirmed else "No",
                            "Final-year budget then": b.amount,
                        }
                        for b in e.break_even
                    ]
                ),
                money_columns=["Final-year budget then"],
            )
    if e.duplicates:
        st.markdown("**Services for the same district, level and priority with shared outcomes**")
        widgets.show_table(
            _peers(e.duplicates, pounds),
            money_columns=["Today", "Final year"],
            change_columns=["Change"],
            number_columns={PEER_COLUMN[pounds]: ".2f" if pounds else ".3f"},
        )
    if e.destinations:
        st.markdown(
            "**Where families can go: services at the same level in the same place that grow "
            "or start**"
        )
        widgets.show_table(
            _peers(e.destinations, pounds),
            money_columns=["Today", "Final year"],
            change_columns=["Change"],
            number_columns={PEER_COLUMN[pounds]: ".2f" if pounds else ".3f"},
        )
    if r.decision == "maintain" and not e.holding_rules:
        st.caption("Nothing in the plan's rules pushes this service up or down.")


if __name__ == "__main__":
    render()
