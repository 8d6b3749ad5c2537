"""The rows `formulate` lays out with numpy are the rows model.md section 3 writes.

The per-service families give a year's rows for every service as arrays, and long rows
take their columns as arrays (`formulation.ranges`); this compares them, on generated data
(linear and mixed-integer, with locks, exclusions and services rated not effective), with
rows written here one service and year at a time, straight from the model's text.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.allocator.formulation import (
    Formulation,
    evidence_multiplier,
    floor,
    formulate,
    ranges,
)
from commissioning.inputs.model import Inputs
from commissioning.synthetic import synthetic_inputs

Written = tuple[str, tuple[int, ...], tuple[float, ...], str, float]


def per_service_rows(inputs: Inputs, f: Formulation) -> list[Written]:
    """The per-service rules, in the order of services, years and families."""
    sc = inputs.scenario
    years = sc.years
    out: list[Written] = []

    def X(iid: str, y: int, a: float = 1.0) -> list[tuple[int, float]]:
        i = inputs.data.initiative(iid)
        return [(f.x[(iid, s, y)], a) for s in i.funding]

    def row(name: str, iid: str, y: int, terms: list[tuple[int, float]], sense: str, rhs: float):
        cols = tuple(c for c, _ in terms)
        coefs = tuple(a for _, a in terms)
        out.append((f"{name}[{iid},{y}]", cols, coefs, sense, rhs))

    for i in inputs.data.initiatives:
        iid = i.initiative_id
        ineffective = evidence_multiplier(inputs, i) == 0.0 and iid not in sc.lock
        for k, y in enumerate(years):
            under = i.contract_end is not None and y <= i.contract_end
            if under and i.current_budget > 0:
                row("committed", iid, y, X(iid, y), ">=", i.current_budget)
            if i.min_budget > 0:
                row("statutory", iid, y, X(iid, y), ">=", i.min_budget)
            row("capacity", iid, y, X(iid, y), "<=", i.max_budget)
            step = 0.0 if i.is_running else max(sc.ramp * i.max_budget, i.min_viable)
            if k == 0:
                row(
                    "growth", iid, y, X(iid, y), "<=", (1 + sc.max_growth) * i.current_budget + step
                )
            else:
                terms = X(iid, y) + X(iid, years[k - 1], -(1 + sc.max_growth))
                row("growth", iid, y, terms, "<=", step)
            if not i.is_running and k >= 1:
                row("continuity", iid, y, X(iid, y) + X(iid, years[k - 1], -1.0), ">=", 0.0)
            if ineffective:
                row("ineffective", iid, y, X(iid, y), "<=", floor(i, y))
            if iid in sc.lock:
                row("lock", iid, y, X(iid, y), "==", i.current_budget)
            if iid in sc.exclude and not under:
                row("exclude", iid, y, X(iid, y), "<=", 0.0)
            if i.min_viable > 0:
                z = f.z[(iid, y)]
                row("viability_min", iid, y, [*X(iid, y), (z, -i.min_viable)], ">=", 0.0)
                row("viability_max", iid, y, [*X(iid, y), (z, -i.max_budget)], "<=", 0.0)
    return out


def _with_choices(inputs: Inputs) -> Inputs:
    """A lock, an exclusion and a service rated not effective, so every family writes."""
    inits = inputs.data.initiatives
    rated = tuple(replace(i, evidence_level="NE") if n == 3 else i for n, i in enumerate(inits))
    sc = replace(inputs.scenario, lock=(inits[0].initiative_id,), exclude=(inits[1].initiative_id,))
    return replace(inputs, data=replace(inputs.data, initiatives=rated), scenario=sc)


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), mip=st.booleans(), choices=st.booleans())
def test_per_service_rows_are_the_models(seed: int, mip: bool, choices: bool) -> None:
    inputs = synthetic_inputs(4, 40, seed=seed, mip=mip)
    if choices:
        inputs = _with_choices(inputs)
    f = formulate(inputs)
    got = [(r.name, r.cols, r.coefs, r.sense, r.rhs) for r in f.rows if r.initiative_id]
    per_service = {r.family for r in f.rows if r.initiative_id}
    assert got == per_service_rows(inputs, f)
    # Not vacuous: the lock, the exclusion, the rating and (for a MIP) the binaries write.
    if choices:
        assert {"lock", "ineffective"} <= per_service
    if mip:
        assert "viability_min" in per_service


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 5)), max_size=30))
def test_ranges_lays_out_each_run_of_columns_in_turn(runs: list[tuple[int, int]]) -> None:
    first = np.array([a for a, _ in runs], dtype=np.int64)
    length = np.array([n for _, n in runs], dtype=np.int64)
    expected = [a + d for a, n in runs for d in range(n)]
    assert ranges(first, length).tolist() == expected
