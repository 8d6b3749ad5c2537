"""Writing the families' rows into a formulation: each builder in FAMILY_ORDER, and the
rows' arrays gathered as they are written.

A model or year builder writes rows one by one through an `add`; a per-service builder
gives a year's rows for every service as arrays (`families.Rows`), laid out here at once
in the order a loop over services, years and families would write them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from commissioning.allocator import families as fb
from commissioning.allocator.registry import FAMILIES, FAMILY_ORDER, Family, Sense
from commissioning.allocator.rows import Row, RuleTerms, ranges

if TYPE_CHECKING:
    from commissioning.allocator.formulation import Build


def _adder(family: Family, sink: Sink) -> fb.Add:
    """The `add` a builder of `family` writes its rows with: each row is appended to the
    sink's rows, its length, columns, coefficients and bound to the lists beside them."""
    prefix, name, sense = f"{family.name}[", family.name, family.sense
    rows, lengths, cols, coefs, rhs_of, senses = (
        sink.rows,
        sink.lengths,
        sink.cols,
        sink.coefs,
        sink.rhs,
        sink.senses,
    )

    def add(
        index: tuple[object, ...],
        terms: fb.Terms | fb.Split,
        rhs: float,
        year: int,
        initiative_id: str | None = None,
    ) -> None:
        row_cols: tuple[int, ...]
        row_coefs: tuple[float, ...]
        if isinstance(terms, tuple):
            row_cols, row_coefs = tuple(terms[0]), tuple(terms[1])
        else:
            row_cols, row_coefs = zip(*terms, strict=True) if terms else ((), ())
        parts = tuple(map(str, index))
        rows.append(
            Row(
                prefix + ",".join(parts) + "]",  # constraint_name, parts made once
                name,
                parts,
                row_cols,
                row_coefs,
                sense,
                rhs,
                year,
                initiative_id,
            )
        )
        lengths.append(len(row_cols))
        cols.extend(row_cols)
        coefs.extend(row_coefs)
        rhs_of.append(rhs)
        senses.append(sense)

    return add


class Sink:
    """Where `_write` puts rows: the rows, and their lengths, columns, coefficients,
    bounds and senses beside them, as lists (rows written one by one) and as arrays
    (rows written many at once), in the order written."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.lengths: list[int] = []
        self.cols: list[int] = []
        self.coefs: list[float] = []
        self.rhs: list[float] = []
        self.senses: list[Sense] = []
        self.chunks: list[RuleTerms] = []

    def adder(self, family: Family) -> fb.Add:
        return _adder(family, self)

    def _flush(self) -> None:
        if self.lengths:
            le = np.fromiter((s != ">=" for s in self.senses), dtype=np.bool_)
            ge = np.fromiter((s != "<=" for s in self.senses), dtype=np.bool_)
            self.chunks.append(
                RuleTerms(
                    np.asarray(self.lengths, dtype=np.int64),
                    np.asarray(self.cols, dtype=np.int32),
                    np.asarray(self.coefs, dtype=np.float64),
                    np.asarray(self.rhs, dtype=np.float64),
                    le,
                    ge,
                )
            )
            for pending in (self.lengths, self.cols, self.coefs, self.rhs, self.senses):
                pending.clear()

    def extend(self, terms: RuleTerms) -> None:
        """Rows written many at once (their Row objects already in `rows`)."""
        self._flush()
        self.chunks.append(terms)

    def terms(self) -> RuleTerms:
        """Everything written, as arrays."""
        self._flush()
        if not self.chunks:
            return RuleTerms(
                np.zeros(0, dtype=np.int64),
                np.zeros(0, dtype=np.int32),
                np.zeros(0),
                np.zeros(0),
                np.zeros(0, dtype=np.bool_),
                np.zeros(0, dtype=np.bool_),
            )
        return RuleTerms(*(np.concatenate(parts) for parts in zip(*self.chunks, strict=True)))


def write(b: Build, names: Sequence[str], sink: Sink) -> None:
    """Call the builders of the named families in FAMILY_ORDER, consecutive families of
    one scope together (so the rows of an initiative and year, or of a year, stay
    together, as warm starts and golden files expect)."""
    runs: list[list[Family]] = []
    for name in FAMILY_ORDER:
        if name not in names:
            continue
        fam = FAMILIES[name]
        if runs and runs[-1][0].scope == fam.scope:
            runs[-1].append(fam)
        else:
            runs.append([fam])
    years = b.years
    for run in runs:
        if run[0].scope == "initiative":
            write_per_initiative(b, [fam for fam in run if fam.build is not None], sink)
            continue
        steps = [(fam.build, sink.adder(fam)) for fam in run if fam.build is not None]
        scope = run[0].scope
        if scope == "model":
            for build, add in steps:
                build(b, add)
        else:
            for y in years:
                for build, add in steps:
                    build(b, add, y)


def write_per_initiative(b: Build, run: list[Family], sink: Sink) -> None:
    """The rows of consecutive per-initiative families, ordered by initiative, then year,
    then family (as a loop over them would write them): each family's builder gives a
    year's rows for all initiatives as arrays (`families.Rows`), and the rows' columns and
    coefficients are laid out for all of them at once."""
    v, years = b.per_initiative, b.years
    shape = (v.n, len(years), len(run))
    has = np.zeros(shape, dtype=np.bool_)
    rhs = np.zeros(shape)
    extra = np.zeros(shape)
    kind = np.zeros(shape[1:], dtype=np.int8)  # 1: over X[i,y-1], 2: over z[i,y]
    for position, y in enumerate(years):
        for f_at, fam in enumerate(run):
            assert fam.build is not None
            spec: fb.Rows | None = fam.build(b, position, y)
            if spec is None:  # no rows this year
                continue
            has[:, position, f_at], rhs[:, position, f_at] = spec.has, spec.rhs
            if spec.prev is not None:
                kind[position, f_at], extra[:, position, f_at] = 1, spec.prev
            elif spec.z is not None:
                kind[position, f_at], extra[:, position, f_at] = 2, spec.z
    at = np.flatnonzero(has)
    n, k, j = np.unravel_index(at, shape)
    width, which = v.width[n], kind[k, j]
    # Up to three runs of columns per row: X[i,y], then X[i,y-1] or z[i,y].
    run_length = np.stack(
        [width, np.where(which == 1, width, 0), (which == 2).astype(np.int64)], axis=1
    )
    z = b.z_columns()[n, k] if (kind == 2).any() else np.zeros(len(at), dtype=np.int64)
    first = np.stack([b.x_start[n, k], b.x_start[n, np.maximum(k - 1, 0)], z], axis=1)
    coef = np.stack([np.ones(len(at)), extra.reshape(-1)[at], extra.reshape(-1)[at]], axis=1)
    run_length, first, coef = run_length.ravel(), first.ravel(), coef.ravel()
    cols = ranges(first, run_length).tolist()
    coefs = np.repeat(coef, run_length).tolist()
    lengths = run_length.reshape(-1, 3).sum(axis=1).tolist()
    ends = np.cumsum(lengths).tolist()
    ids, named = v.ids, [str(y) for y in years]
    families = [(f"{fam.name}[", fam.name, fam.sense) for fam in run]
    rows = sink.rows
    start = 0
    for n_, k_, j_, end, bound in zip(
        n.tolist(), k.tolist(), j.tolist(), ends, rhs.reshape(-1)[at].tolist(), strict=True
    ):
        prefix, name, sense = families[j_]
        iid, year = ids[n_], named[k_]
        rows.append(
            Row(
                prefix + iid + "," + year + "]",
                name,
                (iid, year),
                tuple(cols[start:end]),
                tuple(coefs[start:end]),
                sense,
                bound,
                years[k_],
                iid,
            )
        )
        start = end
    sense_of = np.array([fam.sense for fam in run])[j]
    sink.extend(
        RuleTerms(
            np.asarray(lengths, dtype=np.int64),
            np.asarray(cols, dtype=np.int32),
            np.asarray(coefs, dtype=np.float64),
            rhs.reshape(-1)[at],
            sense_of != ">=",
            sense_of != "<=",
        )
    )
