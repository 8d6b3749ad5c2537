"""What-ifs beside the controls: the highest shares the rules allow, and a stream's budget.

The limits are worked out by the package (`allocator.limits`), on demand (a few seconds
of solving), and kept per data and settings, so moving one slider does not recompute
every figure; what a page shows is only the answer and where it stands.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import streamlit as st

from commissioning.allocator.limits import highest_prevention_share, highest_priority_share
from commissioning.app import state
from commissioning.inputs import DataSet, InputError, with_scenario


def _without_year(chosen: Mapping[str, Any], year: int) -> str:
    """The settings a year's limit depends on: all but that year's own prevention share."""
    start, horizon = int(chosen["start_year"]), int(chosen["horizon"])
    shares = chosen.get("prevention_share", 0.0)
    listed = list(shares) if isinstance(shares, list | tuple) else [shares] * horizon
    listed[year - start] = None
    plain = {k: v for k, v in chosen.items() if k not in ("name", "description")}
    return json.dumps({**plain, "prevention_share": listed}, sort_keys=True, default=list)


def _for_priorities(chosen: Mapping[str, Any]) -> str:
    plain = {k: v for k, v in chosen.items() if k not in ("name", "description")}
    return json.dumps(plain, sort_keys=True, default=list)


@st.cache_resource(max_entries=256, show_spinner=False)
def _prevention_limit(
    data_key: str, settings: str, year: int, _data: DataSet, _chosen: Mapping[str, Any]
) -> float | None:
    inputs = with_scenario(_data, _chosen)
    return highest_prevention_share(inputs, year)


@st.cache_resource(max_entries=64, show_spinner=False)
def _priority_limits(
    data_key: str, settings: str, _data: DataSet, _chosen: Mapping[str, Any]
) -> dict[str, float | None]:
    inputs = with_scenario(_data, _chosen)
    return {p.priority_id: highest_priority_share(inputs, p.priority_id) for p in _data.priorities}


def _known() -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = st.session_state.setdefault("limits_known", set())
    return found


def prevention_limits(
    loaded: state.Loaded, chosen: Mapping[str, Any], *, work_out: bool
) -> dict[int, float | None]:
    """Each plan year's highest prevention share under the other settings (None for a year
    where no plan meets them): every year, worked out now, when `work_out`; else the years
    already worked out for these settings (moving a year's own slider keeps its figure)."""
    assert loaded.data is not None
    start, horizon = int(chosen["start_year"]), int(chosen["horizon"])
    keys = {
        y: ("prevention", loaded.key, _without_year(chosen, y), str(y))
        for y in range(start, start + horizon)
    }
    wanted = [y for y, k in keys.items() if work_out or k in _known()]
    try:
        found = {
            y: _prevention_limit(loaded.key, keys[y][2], y, loaded.data, dict(chosen))
            for y in wanted
        }
    except InputError:
        return {}
    _known().update(keys[y] for y in wanted)
    return found


def priority_limits(
    loaded: state.Loaded, chosen: Mapping[str, Any], *, work_out: bool
) -> dict[str, float | None] | None:
    """Each priority's highest minimum share under these settings (as `prevention_limits`)."""
    assert loaded.data is not None
    key = ("priority", loaded.key, _for_priorities(chosen))
    if not work_out and key not in _known():
        return None
    try:
        found = _priority_limits(loaded.key, key[2], loaded.data, dict(chosen))
    except InputError:
        return None
    _known().add(key)
    return found
