"""A rule of the model as plain data, and the rules' arrays as they are written.

Kept apart from the formulation so that the code writing rows (layout.py) and the code
handing them to a solver (solvers.py) share them without importing each other.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from commissioning.allocator.registry import Sense


class Row(NamedTuple):
    """One named constraint: sum(coefs[k] * column cols[k]) <sense> rhs.

    A named tuple rather than a frozen dataclass: a national model writes about 100,000
    rows, and a tuple is made in a third of the time (change one with `_replace`). Its
    `index` field hides the tuple's own `index()` method, which nothing here calls."""

    name: str
    family: str
    index: tuple[str, ...]  # type: ignore[assignment]  # the field, not tuple.index()
    cols: tuple[int, ...]
    coefs: tuple[float, ...]
    sense: Sense
    rhs: float
    year: int | None = None
    initiative_id: str | None = None


class RuleTerms(NamedTuple):
    """The rules' arrays as written (`solvers.rule_arrays` adds the definitions)."""

    lengths: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int32]
    coefs: npt.NDArray[np.float64]
    rhs: npt.NDArray[np.float64]
    le: npt.NDArray[np.bool_]
    ge: npt.NDArray[np.bool_]


def ranges(first: npt.NDArray[np.int64], length: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """first[0], first[0]+1, ..., first[0]+length[0]-1, then the same for each next pair."""
    before = np.repeat(np.cumsum(length) - length, length)
    return np.repeat(first, length) + np.arange(int(length.sum())) - before
