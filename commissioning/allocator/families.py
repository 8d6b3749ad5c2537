"""The behaviour of each constraint family, registered in `registry.FAMILIES`: its row
builder, who its rule is about, and how it is priced as a policy rule.

Builders write the rows of model.md section 3 exactly; they read the inputs and shared
sums through a `Build` (formulation.py) and write rows through the `add` it hands them, so
this module needs nothing of the formulation at run time (the registry imports it, and the
formulation imports the registry). Only this module and the registry spell family names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from commissioning.inputs.model import COUNTY, DataSet, Inputs
from commissioning.inputs.vocabulary import LEVEL_NAMES

if TYPE_CHECKING:
    from commissioning.allocator.formulation import Build
    from commissioning.allocator.registry import Family

Scope = Literal["model", "year", "initiative"]
"""How often a builder is called: once, once a year, or once per initiative and year."""

Terms = list[tuple[int, float]]
Split = tuple[list[int], list[float]]
"""Terms as their columns and their coefficients (long rows are gathered so)."""
Add = Callable[..., None]
"""add(index, terms, rhs, year, initiative_id=None): write one row of the builder's family."""
Builder = Callable[..., Any]
"""builder(build, add) for the model scope and (build, add, year) for a year, writing rows
with `add`; per initiative, builder(build, k, year) returning the year's `Rows` for every
initiative (None: no rows), k the position of the year in the plan."""
Subject = Callable[[tuple[str, ...], DataSet], str]
"""Who or what a rule is about, from its index (the year last) and the data."""


@dataclass(frozen=True)
class PricedRule:
    """One policy rule in force (all its years), as the price of rules re-solves without it."""

    key: str
    """e.g. `district[PEN]`: the family and the index without the year."""
    label: str
    """How the rule reads in a sentence: 'district floor for Pendle'."""
    index: tuple[str, ...] | None
    """The rows dropped are those whose index starts with this; None drops the whole family."""
    subject_ids: frozenset[str]
    """The services whose money the rule moves."""
    buys_what: str | None
    """Where the money it moves goes ('services at levels 1-2'); None: it moves no money."""
    keeps_from: bool = False
    """It keeps money from its subject (an exclusion) rather than in it."""


Pricer = Callable[["Inputs", "Family"], list[PricedRule]]


# Row builders, in the order of model.md section 3.


def build_envelope(b: Build, add: Add) -> None:
    """envelope[s,y], with the variable part of the reinvested savings R[s,y] on the left."""
    sc, f = b.inputs.scenario, b.f
    for stream in b.inputs.data.streams:
        sid = stream.stream_id
        for y in b.years:
            terms = [(f.x[(iid, sid, y)], 1.0) for iid in b.by_stream[sid]]
            rhs = b.inputs.amount(sid, y)
            for iid, by_k in b.returned[sid]:
                for y_before in b.years:
                    k = y - y_before
                    if k < 1 or k not in by_k:
                        continue
                    a = sc.reinvest * by_k[k]
                    terms += b.xs(iid, y_before, -a)
                    rhs -= a * b.current[iid]
            add((sid, y), terms, rhs, y)


@dataclass(frozen=True)
class Rows:
    """The rows one per-initiative family writes in one plan year, a slot per initiative
    (in the data's order): a row where `has`, over X[i,y] (each column coefficient 1),
    then X[i,y-1] with coefficient `prev`, or the binary z[i,y] with coefficient `z`.

    Arrays over all initiatives at once rather than a call per initiative and year: a
    region writes 16,000 such rows and the calls were most of formulating it."""

    has: npt.NDArray[np.bool_]
    rhs: npt.NDArray[np.float64]
    prev: npt.NDArray[np.float64] | None = None
    z: npt.NDArray[np.float64] | None = None


def _each(b: Build, value: float) -> npt.NDArray[np.float64]:
    return np.full(b.per_initiative.n, value)


def build_committed(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(v.under_contract(y) & (v.current > 0), v.current)


def build_statutory(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(v.min_budget > 0, v.min_budget)


def build_capacity(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(np.ones(v.n, dtype=np.bool_), v.max_budget)


def build_growth(b: Build, k: int, y: int) -> Rows:
    """A running service grows by at most max_growth and, once stopped, stays stopped; any
    other service may also ramp up from nothing."""
    sc, v = b.inputs.scenario, b.per_initiative
    step = np.where(v.running, 0.0, np.maximum(sc.ramp * v.max_budget, v.min_viable))
    everyone = np.ones(v.n, dtype=np.bool_)
    if k == 0:
        return Rows(everyone, (1 + sc.max_growth) * v.current + step)
    return Rows(everyone, step, prev=_each(b, -(1 + sc.max_growth)))


def build_continuity(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(~v.running & (k >= 1), _each(b, 0.0), prev=_each(b, -1.0))


def build_ineffective(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(v.ineffective, v.floor(y))


def build_lock(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(v.locked, v.current)


def build_exclude(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    return Rows(v.excluded & ~v.under_contract(y), _each(b, 0.0))


def build_viability_min(b: Build, k: int, y: int) -> Rows:
    """Over the binary column z[i,y] (`Build.z_columns`), which viability_max reads too."""
    v = b.per_initiative
    b.z_columns()
    return Rows(v.min_viable > 0, _each(b, 0.0), z=-v.min_viable)


def build_viability_max(b: Build, k: int, y: int) -> Rows:
    v = b.per_initiative
    b.z_columns()
    return Rows(v.min_viable > 0, _each(b, 0.0), z=-v.max_budget)


def build_prevention(b: Build, add: Add, y: int) -> None:
    """Also defines the total spend T[y], written in every year of a model with any share
    rule (the priority rows read it too)."""
    if not b.need_total:
        return
    T = b.total_column("T", b.all_ids, y)
    share = b.inputs.scenario.prevention_share_in(y)
    if share > 0:
        cols, coefs = b.total(b.prevention_ids, y)
        add((y,), ([*cols, T], [*coefs, -share]), 0.0, y)


def build_priority(b: Build, add: Add, y: int) -> None:
    for p in b.share_priorities:
        T = b.total_column("T", b.all_ids, y)
        cols, coefs = b.total(b.by_priority[p.priority_id], y)
        add((p.priority_id, y), ([*cols, T], [*coefs, -p.min_share]), 0.0, y)


def build_district(b: Build, add: Add, y: int) -> None:
    phi = b.inputs.scenario.district_floor
    if phi <= 0:
        return
    TD = b.total_column("TD", b.district_ids, y)
    for d, share in b.fair.items():
        cols, coefs = b.total(b.by_district[d], y)
        add((d, y), ([*cols, TD], [*coefs, -phi * share]), 0.0, y)


def build_demand(b: Build, add: Add) -> None:
    """demand[d,l,y] and demand[COUNTY,l,y], in participants: each column of X[i,y] with
    coefficient 1 / unit_cost(i)."""
    data, v = b.inputs.data, b.per_initiative
    groups: dict[tuple[str, int], list[int]] = {}
    levels: dict[int, list[int]] = {}
    for n, i in enumerate(data.initiatives):
        levels.setdefault(i.level, []).append(n)
        if not i.is_county_wide:
            groups.setdefault((i.district_id, i.level), []).append(n)
    # The rows of a year, in order: (index, members, cap); their columns are laid out for
    # all of them at once, year by year.
    rows: list[tuple[tuple[object, ...], list[int], float]] = []
    for dist in data.districts:
        for level in (1, 2, 3, 4):
            members = groups.get((dist.district_id, level))
            if members:
                rows.append(((dist.district_id, level), members, dist.demand_at(level)))
    for level in (1, 2, 3, 4):
        if levels.get(level):
            cap = sum(dist.demand_at(level) for dist in data.districts)
            rows.append(((COUNTY, level), levels[level], cap))
    at = np.fromiter((n for _, members, _ in rows for n in members), dtype=np.int64)
    coefs = np.repeat(1.0 / v.unit_cost[at], v.width[at]).tolist()
    ends = np.cumsum([int(v.width[members].sum()) for _, members, _ in rows]).tolist()
    for y in b.years:
        cols = b.columns(at, y)
        start = 0
        for (index, _, cap), end in zip(rows, ends, strict=True):
            add((*index, y), (cols[start:end], coefs[start:end]), cap, y)
            start = end


# Who a rule is about.


def initiative_subject(index: tuple[str, ...], data: DataSet) -> str:
    """'Pendle Family Support (FS-PEN-01) in 2027'."""
    i = data.initiatives_by_id.get(index[0])
    who = f"{i.name} ({i.initiative_id})" if i else index[0]
    return f"{who} in {index[-1]}"


def stream_subject(index: tuple[str, ...], data: DataSet) -> str:
    s = data.streams_by_id.get(index[0])
    return f"{s.name if s else index[0]} {index[-1]}"


def year_subject(index: tuple[str, ...], data: DataSet) -> str:
    return index[-1] if index else ""


def priority_subject(index: tuple[str, ...], data: DataSet) -> str:
    p = data.priorities_by_id.get(index[0])
    return f"{p.name if p else index[0]} in {index[-1]}"


def district_subject(index: tuple[str, ...], data: DataSet) -> str:
    return f"{_district_name(index[0], data)} in {index[-1]}"


def demand_subject(index: tuple[str, ...], data: DataSet) -> str:
    place = "the county as a whole" if index[0] == COUNTY else _district_name(index[0], data)
    level = int(index[1])
    return f"level {level} ({LEVEL_NAMES[level]}) in {place} in {index[-1]}"


def _district_name(district_id: str, data: DataSet) -> str:
    d = data.districts_by_id.get(district_id)
    return d.name if d else district_id


# How each policy rule is priced.


def price_prevention(inputs: Inputs, fam: Family) -> list[PricedRule]:
    ids = frozenset(i.initiative_id for i in inputs.data.initiatives if i.level <= 2)
    return [PricedRule(fam.name, "prevention share", None, ids, "services at levels 1-2")]


def price_priority(inputs: Inputs, fam: Family) -> list[PricedRule]:
    data = inputs.data
    return [
        PricedRule(
            f"{fam.name}[{p.priority_id}]",
            f"minimum share for {p.name}",
            (p.priority_id,),
            frozenset(i.initiative_id for i in data.initiatives if i.priority_id == p.priority_id),
            f"services for {p.name}",
        )
        for p in data.priorities
    ]


def price_district(inputs: Inputs, fam: Family) -> list[PricedRule]:
    data = inputs.data
    return [
        PricedRule(
            f"{fam.name}[{d.district_id}]",
            f"district floor for {d.name}",
            (d.district_id,),
            frozenset(i.initiative_id for i in data.initiatives if i.district_id == d.district_id),
            d.name,
        )
        for d in data.districts
    ]


def price_lock(inputs: Inputs, fam: Family) -> list[PricedRule]:
    return _per_service(inputs, fam, inputs.scenario.lock, "lock on", keeps_from=False)


def price_exclude(inputs: Inputs, fam: Family) -> list[PricedRule]:
    return _per_service(inputs, fam, inputs.scenario.exclude, "exclusion of", keeps_from=True)


def _per_service(
    inputs: Inputs, fam: Family, ids: tuple[str, ...], verb: str, keeps_from: bool
) -> list[PricedRule]:
    """A partnership's choice about named services (the scenario's list for the family)."""
    out = []
    for iid in ids:
        i = inputs.data.initiative(iid)
        out.append(
            PricedRule(
                f"{fam.name}[{iid}]",
                f"{verb} {i.name} ({iid})",
                (iid,),
                frozenset({iid}),
                i.name,
                keeps_from,
            )
        )
    return out


def price_whole_rule(inputs: Inputs, fam: Family) -> list[PricedRule]:
    """A rule of the model the scenario may set (all services and years together): it moves
    no money to anyone in particular."""
    return [PricedRule(fam.name, f"rule \u201c{fam.title}\u201d", None, frozenset(), None)]
