"""Two plans side by side, as tables and as chart data: what the Compare page lays out.

Nothing here decides anything: it lays out two results of the package on the same data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import pandas as pd

from commissioning.allocator import Result
from commissioning.app.tables import DECISION_LABELS, district_label
from commissioning.explain import LEVEL_LABELS, SpendRow
from commissioning.inputs import LEVELS, DataSet


def participants_by(data: DataSet, result: Result, key: str) -> dict[str, tuple[float, float]]:
    """Final-year participants reached and outcomes achieved, by level or by outcome.

    A service is counted once for each outcome it targets.
    """
    final = result.years[-1]
    reached: dict[str, float] = defaultdict(float)
    achieved: dict[str, float] = defaultdict(float)
    outcome_names = {o.outcome_id: o.name for o in data.outcomes}
    for i in data.initiatives:
        x = result.initiatives_by_id[i.initiative_id].proposed[final]
        n = x / i.unit_cost
        keys = (
            [LEVEL_LABELS[i.level]]
            if key == "level"
            else [outcome_names.get(o, o) for o in i.outcomes]
        )
        for k in keys:
            reached[k] += n
            achieved[k] += n * i.effect
    return {k: (reached[k], achieved[k]) for k in reached}


def compare_spend(
    a: Sequence[SpendRow], b: Sequence[SpendRow], group: str, names: tuple[str, str]
) -> pd.DataFrame:
    """Final-year spend of each group under two plans, and the difference."""
    fa = {r.label: r for r in a}
    fb = {r.label: r for r in b}
    labels = list(fa) + [k for k in fb if k not in fa]
    rows = []
    for k in labels:
        x = fa[k].final if k in fa else 0.0
        y = fb[k].final if k in fb else 0.0
        today = fa[k].today if k in fa else fb[k].today
        rows.append({group: k, "Today": today, names[0]: x, names[1]: y, "Difference": y - x})
    return pd.DataFrame(rows)


def compare_initiatives(
    data: DataSet, a: Result, b: Result, names: tuple[str, str]
) -> pd.DataFrame:
    rows = []
    for i in data.initiatives:
        ra = a.initiatives_by_id[i.initiative_id]
        rb = b.initiatives_by_id[i.initiative_id]
        rows.append(
            {
                "ID": i.initiative_id,
                "Name": i.name,
                "District": district_label(data, i.district_id),
                "Level": i.level,
                "Today": i.current_budget,
                names[0]: ra.final,
                names[1]: rb.final,
                "Difference": rb.final - ra.final,
                f"Decision ({names[0]})": DECISION_LABELS[ra.decision],
                f"Decision ({names[1]})": DECISION_LABELS[rb.decision],
            }
        )
    return pd.DataFrame(rows)


def compare_outcomes(
    data: DataSet, a: Result, b: Result, key: str, names: tuple[str, str]
) -> pd.DataFrame:
    pa = participants_by(data, a, key)
    pb = participants_by(data, b, key)
    labels = list(pa) + [k for k in pb if k not in pa]
    if key == "level":
        labels = [LEVEL_LABELS[k] for k in LEVELS if LEVEL_LABELS[k] in labels]
    rows = []
    for k in labels:
        ra, aa = pa.get(k, (0.0, 0.0))
        rb, ab = pb.get(k, (0.0, 0.0))
        rows.append(
            {
                "Group": k,
                f"Reached ({names[0]})": ra,
                f"Reached ({names[1]})": rb,
                f"Outcomes achieved ({names[0]})": aa,
                f"Outcomes achieved ({names[1]})": ab,
                "Difference in outcomes achieved": ab - aa,
            }
        )
    return pd.DataFrame(rows)


PERCENT_SETTINGS = frozenset(
    (
        "prevention_share",
        "district_floor",
        "max_growth",
        "ramp",
        "reinvest",
        "discount_rate",
        "budget_change",
    )
)
"""Settings that are fractions, shown as percentages."""


def scenario_differences(
    a: Mapping[str, object], b: Mapping[str, object], names: tuple[str, str]
) -> pd.DataFrame:
    """The settings in which two scenarios differ, shown as text."""

    def shown(value: object, percent: bool = False) -> str:
        if percent and isinstance(value, int | float):
            return f"{value * 100:.4g}%"
        if percent and isinstance(value, list | tuple):
            return ", ".join(shown(v, True) for v in value) or "none"
        if percent and isinstance(value, Mapping):
            return ", ".join(f"{k}: {shown(v, True)}" for k, v in value.items()) or "none"
        if isinstance(value, Mapping):
            return ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value) or "none"
        return str(value)

    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        if key == "description":
            continue
        va, vb = a.get(key), b.get(key)
        if va != vb:
            pct = key in PERCENT_SETTINGS
            rows.append(
                {
                    "Setting": key.replace("_", " "),
                    names[0]: shown(va, pct),
                    names[1]: shown(vb, pct),
                }
            )
    return pd.DataFrame(rows, columns=["Setting", names[0], names[1]])
