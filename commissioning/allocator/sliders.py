"""A slider move without formulating: the held model with only the rows the moved setting
reaches written again (`rescenario`), for the `Planner`'s warm re-plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import fields, replace

from commissioning.allocator.formulation import (
    Build,
    Formulation,
    cashable_savings,
    reweighted,
)
from commissioning.allocator.layout import Sink, write
from commissioning.allocator.registry import DISTRICT, ENVELOPE, GROWTH, PREVENTION
from commissioning.allocator.rows import Row
from commissioning.allocator.solvers import patched_arrays, rule_arrays
from commissioning.inputs.model import Inputs

MODEL_FREE: frozenset[str] = frozenset(
    {"name", "description", "uncertainty", "unit_cost_uncertainty"}
)
"""Scenario settings the model does not read (only the result file and the sweeps do)."""
SLIDERS: Mapping[str, tuple[str, ...]] = {
    "priority_weights": (),  # the objective only (`reweighted`)
    "prevention_share": (PREVENTION,),
    "district_floor": (DISTRICT,),
    "max_growth": (GROWTH,),
    "ramp": (GROWTH,),
    "budget_change": (ENVELOPE,),
    "reinvest": (ENVELOPE,),
}
"""The scenario settings a slider moves, and the families whose rows read each (families.py:
the shares read prevention_share and district_floor, growth max_growth and ramp, the
envelopes each stream's amount after its budget change and the reinvested savings)."""


def rescenario(f: Formulation, before: Inputs, after: Inputs) -> Formulation | None:
    """`f`, written for `before`, made into the model of `after` by writing again only the
    rows of the families the changed settings reach (`SLIDERS`); None when the inputs
    differ in anything else or the model changes shape (more or fewer rows, other
    columns in a row): then only `formulate(after)` will do.

    A slider moves a figure of the scenario; the families that do not read it are the
    same rows, so a warm re-plan after a share, floor, growth or budget move writes a few
    hundred rows (thousands for growth) instead of 100,000. The result equals
    `formulate(after)` (tests/allocator/test_planner.py, every fixture and generated data).
    """
    if not (before.data is after.data or before.data == after.data):
        return None
    old, new = before.scenario, after.scenario
    moved = [k.name for k in fields(old) if getattr(old, k.name) != getattr(new, k.name)]
    if any(name not in SLIDERS and name not in MODEL_FREE for name in moved):
        return None
    g = reweighted(f, after) if "priority_weights" in moved else replace(f, memo=dict(f.memo))
    families = {fam for name in moved for fam in SLIDERS.get(name, ())}
    if not families:
        return g
    sc, data = new, after.data
    if "reinvest" in moved:
        if sc.reinvest > 0 and data.has_costs:
            g.kappa = f.kappa or cashable_savings(after)
            g.reinvest = sc.reinvest
        else:
            g.kappa, g.reinvest = {}, 0.0
    kept = g.memo.get("X")
    X: dict[tuple[str, int], list[int]] = {}
    if isinstance(kept, dict):
        X = kept
    else:
        for (iid, _, y), c in g.x.items():
            X.setdefault((iid, y), []).append(c)
    # A scratch copy to build on: a builder that would add a column changes the shape.
    scratch = replace(g, names=list(g.names), definitions=list(g.definitions), rows=[])
    b = Build(after, scratch, X)
    for r in g.definitions:
        b._totals[(r.name.partition("[")[0], r.year or 0)] = r.cols[0]
    written: list[Row] = []
    sink = Sink(written)
    write(b, tuple(families), sink)
    if len(scratch.names) != len(g.names) or len(scratch.definitions) != len(g.definitions):
        return None
    at, by_family = _family_positions(f, families)
    if len(at) != len(written) or any(
        f.rows[k].name != r.name for k, r in zip(at, written, strict=True)
    ):
        return None
    arrays = patched_arrays(rule_arrays(f), at, written, sink.terms())
    if arrays is None:
        return None
    rows = list(f.rows)
    for k, r in zip(at, written, strict=True):
        rows[k] = r
    g.rows = rows
    g.memo.pop("rule_terms", None)
    g.memo["family_positions"] = (rows, by_family)  # the same shape: the same positions
    if "x_start" in b.__dict__:
        g.memo["x_start"] = b.x_start
    g.memo["rule_arrays"] = ((id(rows), len(rows), id(g.definitions), len(g.definitions)), arrays)
    return g


def _family_positions(f: Formulation, families: set[str]) -> tuple[list[int], dict[str, list[int]]]:
    """Where the rows of the named families are in `f.rows`, in order, and where the
    rows of every family are."""
    found = f.memo.get("family_positions")
    if not (isinstance(found, tuple) and found[0] is f.rows):
        positions: dict[str, list[int]] = defaultdict(list)
        for k, r in enumerate(f.rows):
            positions[r.family].append(k)
        found = (f.rows, positions)
        f.memo["family_positions"] = found
    by_family: dict[str, list[int]] = found[1]
    return sorted(k for fam in families for k in by_family.get(fam, ())), by_family
