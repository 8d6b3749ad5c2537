"""A run's name says what differs from the data's own scenario: "prevention 2029 58%, PH -10%".

Pure functions over two scenarios in the YAML file's vocabulary (no Streamlit), so a
History list reads as the what-ifs people tried, not twenty runs with one name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

MAX_CHANGES = 4
"""Changes named before the rest are counted ("and 3 more")."""
SEPARATOR = ": "
"""Between the data's scenario name and what differs from it."""


def _per_year(value: Any, horizon: int) -> list[float]:
    """One number for every year, or a list of them, as one figure per year."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [float(v) for v in value]
    return [float(value or 0.0)] * horizon


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _signed_pct(x: float) -> str:
    return f"{x * 100:+.0f}%"


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _yearly(
    label: str, base: list[float], chosen: list[float], years: list[int], fmt: Any
) -> list[str]:
    """'prevention 58%' when every year moved to one figure, else one entry per year moved."""
    moved = [k for k in range(len(years)) if not _same(base[k], chosen[k])]
    if not moved:
        return []
    if len(moved) == len(years) and len(set(chosen)) == 1:
        return [f"{label} {fmt(chosen[0])}"]
    return [f"{label} {years[k]} {fmt(chosen[k])}" for k in moved]


def changes(base: Mapping[str, Any], chosen: Mapping[str, Any]) -> list[str]:
    """What `chosen` changes from `base`, briefly, in a fixed order (empty when nothing)."""
    start, horizon = int(chosen["start_year"]), int(chosen["horizon"])
    if (int(base["start_year"]), int(base["horizon"])) != (start, horizon):
        return [f"years {start}-{start + horizon - 1}"]
    years = list(range(start, start + horizon))
    out = _yearly(
        "prevention",
        _per_year(base.get("prevention_share", 0.0), horizon),
        _per_year(chosen.get("prevention_share", 0.0), horizon),
        years,
        _pct,
    )
    for key, label in (
        ("district_floor", "district floor"),
        ("max_growth", "growth"),
        ("ramp", "ramp"),
        ("reinvest", "reinvest"),
        ("discount_rate", "discount"),
    ):
        if key in chosen and not _same(base.get(key), chosen[key]):
            out.append(f"{label} {float(chosen[key]) * 100:.3g}%")
    if "mixed_findings_factor" in chosen and not _same(
        base.get("mixed_findings_factor"), chosen["mixed_findings_factor"]
    ):
        out.append(f"mixed findings x{float(chosen['mixed_findings_factor']):.2g}")
    base_changes = dict(base.get("budget_change") or {})
    for stream, value in sorted(dict(chosen.get("budget_change") or {}).items()):
        was = _per_year(base_changes.get(stream, 0.0), horizon)
        out += _yearly(stream, was, _per_year(value, horizon), years, _signed_pct)
    for stream, value in sorted(base_changes.items()):
        if stream not in dict(chosen.get("budget_change") or {}) and any(_per_year(value, horizon)):
            out.append(f"{stream} as budgeted")
    out += _mapping_changes(
        "weight", base.get("priority_weights"), chosen.get("priority_weights"), "{:.2g}"
    )
    out += _mapping_changes(
        "evidence", base.get("evidence_multiplier"), chosen.get("evidence_multiplier"), "{:.2g}"
    )
    out += _mapping_changes(
        "value level", base.get("outcome_value"), chosen.get("outcome_value"), "{:,.3g}", 1.0
    )
    out += _set_changes("locked", base.get("lock"), chosen.get("lock"))
    out += _set_changes("excluded", base.get("exclude"), chosen.get("exclude"))
    return out


def _mapping_changes(
    label: str, base: Any, chosen: Any, fmt: str, default: float | None = None
) -> list[str]:
    """Keys whose figure moved (a key absent on one side counts as `default`, if given)."""
    a = {str(k): v for k, v in dict(base or {}).items()}
    b = {str(k): v for k, v in dict(chosen or {}).items()}
    out = []
    for key in sorted({*a, *b}):
        was, now = a.get(key, default), b.get(key, default)
        if now is None:
            out.append(f"{label} {key} as in the data")
        elif not _same(was, now):
            out.append(f"{label} {key} {fmt.format(float(now))}")
    return out


def _set_changes(label: str, base: Any, chosen: Any) -> list[str]:
    a, b = set(base or ()), set(chosen or ())
    out = []
    for prefix, ids in ((label, sorted(b - a)), (f"not {label}", sorted(a - b))):
        if ids:
            more = f" and {len(ids) - 2} more" if len(ids) > 2 else ""
            out.append(f"{prefix} {', '.join(ids[:2])}{more}")
    return out


def run_name(base: Mapping[str, Any], chosen: Mapping[str, Any]) -> str:
    """The data's scenario name, followed by what differs from it (if anything)."""
    own = str(base.get("name") or "Scenario")
    found = changes(base, chosen)
    if not found:
        return own
    shown = found[:MAX_CHANGES]
    more = len(found) - len(shown)
    return own + SEPARATOR + ", ".join(shown) + (f" and {more} more" if more else "")


def named(base: Mapping[str, Any], chosen: Mapping[str, Any]) -> dict[str, Any]:
    """`chosen` named after what differs from `base`, unless a person named it (a scenario
    saved under its own name keeps that name)."""
    own = str(base.get("name") or "Scenario")
    current = str(chosen.get("name") or "")
    if current and current != own and not current.startswith(own + SEPARATOR):
        return dict(chosen)
    return {**chosen, "name": run_name(base, chosen)}
