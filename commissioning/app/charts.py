"""Altair charts in the workbench's style: pounds on the axes, plain labels, muted colours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from commissioning.formatting import format_money

MONEY_AXIS = (
    "(datum.value < 0 ? '-' : '') + '£' + "
    "(abs(datum.value) >= 1e6 ? format(abs(datum.value) / 1e6, ',.1~f') + 'm' "
    ": format(abs(datum.value), ',.0f'))"
)
"""Axis labels as £12.5m (or £250,000 below a million)."""
LEVEL_COLOURS = ["#5B9BD5", "#2E75B6", "#ED7D31", "#C00000"]
EVIDENCE_COLOURS = ["#1B7837", "#5AAE61", "#A6DBA0", "#F4A582", "#B2182B"]
UP, DOWN = "#2E7D32", "#C62828"


def _money(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(format_money)


def money_axis(title: str | None = None) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=MONEY_AXIS, grid=True)


def bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    sort: Sequence[str] | None = None,
    colour: str = "#2E75B6",
    colours: Sequence[str] | None = None,
    height: int | None = None,
) -> alt.Chart:
    """Horizontal bars of money by category, labelled in pounds."""
    data = frame.copy()
    data["Amount (£)"] = _money(frame, value)
    order = list(sort) if sort is not None else list(frame[category])
    colour_enc: Any = alt.value(colour)
    if colours is not None:
        colour_enc = alt.Color(
            f"{category}:N", scale=alt.Scale(domain=order, range=list(colours)), legend=None
        )
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{category}:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            x=alt.X(f"{value}:Q", axis=money_axis()),
            color=colour_enc,
            tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("Amount (£):N")],
        )
    )
    return chart.properties(height=height or max(140, 40 * len(order)))


def change_bars(frame: pd.DataFrame, category: str, value: str = "Change") -> alt.Chart:
    """Diverging bars: money gained (green) or lost (red) by each group."""
    data = frame.copy()
    data["Change (£)"] = _money(frame, value)
    data["Direction"] = ["More" if v >= 0 else "Less" for v in frame[value]]
    order = list(frame[category])
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{category}:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            x=alt.X(f"{value}:Q", axis=money_axis()),
            color=alt.Color(
                "Direction:N",
                scale=alt.Scale(domain=["More", "Less"], range=[UP, DOWN]),
                legend=None,
            ),
            tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("Change (£):N")],
        )
        .properties(height=max(140, 40 * len(order)))
    )
    return chart


def slope(frame: pd.DataFrame, group: str, colours: Sequence[str] | None = None) -> alt.LayerChart:
    """Money in each group today and in each plan year: the shift between levels at a glance."""
    data = frame.copy()
    data["Amount (£)"] = _money(frame, "Amount")
    order = list(dict.fromkeys(frame[group]))
    whens = list(dict.fromkeys(frame["When"]))
    colour = alt.Color(
        f"{group}:N",
        sort=order,
        scale=alt.Scale(domain=order, range=list(colours)) if colours else alt.Undefined,
        legend=alt.Legend(orient="bottom", columns=2, title=None, labelLimit=400),
    )
    base = alt.Chart(data).encode(
        x=alt.X("When:N", sort=whens, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Amount:Q", axis=money_axis()),
        color=colour,
        tooltip=[
            alt.Tooltip(f"{group}:N"),
            alt.Tooltip("When:N"),
            alt.Tooltip("Amount (£):N"),
        ],
    )
    lines = base.mark_line(strokeWidth=3)
    points = base.mark_circle(size=90, opacity=1)
    layered: alt.LayerChart = (lines + points).properties(height=360)
    return layered


def grouped_bars(frame: pd.DataFrame, category: str, series: Sequence[str]) -> alt.Chart:
    """Two or more amounts per category side by side (e.g. envelope and committed)."""
    long = frame.melt(id_vars=[category], value_vars=list(series), var_name="Which", value_name="£")
    long["Amount (£)"] = long["£"].map(format_money)
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(f"{category}:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("Which:N", sort=list(series)),
            y=alt.Y("£:Q", axis=money_axis()),
            color=alt.Color(
                "Which:N",
                sort=list(series),
                scale=alt.Scale(range=["#2E75B6", "#ED7D31", "#A5A5A5"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip(f"{category}:N"),
                alt.Tooltip("Which:N"),
                alt.Tooltip("Amount (£):N"),
            ],
        )
        .properties(height=300)
    )
    return chart


def side_by_side(frame: pd.DataFrame, category: str, series: Sequence[str]) -> alt.Chart:
    """Two plans' money per category as paired horizontal bars (long names stay readable)."""
    long = frame.melt(id_vars=[category], value_vars=list(series), var_name="Plan", value_name="£")
    long["Amount (£)"] = long["£"].map(format_money)
    order = list(frame[category])
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{category}:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            ),
            yOffset=alt.YOffset("Plan:N", sort=list(series)),
            x=alt.X("£:Q", axis=money_axis()),
            color=alt.Color(
                "Plan:N",
                sort=list(series),
                scale=alt.Scale(range=["#A5A5A5", "#2E75B6"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip(f"{category}:N"),
                alt.Tooltip("Plan:N"),
                alt.Tooltip("Amount (£):N"),
            ],
        )
        .properties(height=max(200, 56 * len(order)))
    )
    return chart
