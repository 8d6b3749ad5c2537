"""Sums over numpy arrays that add in the order a Python loop adds.

numpy's own sums add pairwise, which is more accurate but rounds differently from the
loops the results were first written with; these keep every figure bit for bit (a
slack, a price, a pre-check's amount), so vectorising changes no output.
"""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import Any

import numpy as np
import numpy.typing as npt

LONG = 32
"""Segments longer than this are added one term at a time in Python: a vectorised step
per term would cost a numpy call for each term of the longest segment (an envelope row of
a national model has thousands)."""


def _left_to_right(terms: npt.NDArray[np.float64]) -> float:
    """0.0 + terms[0] + terms[1] + ..., exactly in that order (as a loop adds them)."""
    return float(reduce(add, terms.tolist(), 0.0))


def sequential_sums(starts: npt.NDArray[np.int64], terms: npt.NDArray[np.float64]) -> Any:
    """Per segment terms[starts[k]:starts[k+1]], the sum added left to right.

    The same additions in the same order as a loop over each segment: segments up to
    `LONG` terms are sorted longest first and the j-th term of every segment at least
    j+1 long is added in one step; longer ones are added term by term.
    """
    lengths = np.diff(starts)
    n = len(lengths)
    total = np.zeros(n)
    long = np.flatnonzero(lengths > LONG).tolist()
    for k in long:
        total[k] = _left_to_right(terms[starts[k] : starts[k + 1]])
    if long:
        lengths = np.where(lengths > LONG, 0, lengths)
    if n == 0 or not lengths.any():
        return total
    order = np.argsort(-lengths, kind="stable")
    longest = -lengths[order]
    first = starts[:-1][order]
    counts = np.searchsorted(longest, -np.arange(int(-longest[0])), side="left")
    acc = np.zeros(n)
    for j, m in enumerate(counts.tolist()):
        acc[:m] += terms[first[:m] + j]
    short = lengths[order] > 0
    total[order[short]] = acc[short]
    return total


def grouped_sums(keys: npt.NDArray[np.integer[Any]], terms: npt.NDArray[np.float64], n: int) -> Any:
    """For each key 0..n-1, its terms added in the order given (as a loop would)."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return sequential_sums(starts, terms[order])


def ordered_sum(terms: npt.NDArray[np.float64]) -> float:
    """The terms added left to right, as a loop adds them."""
    return _left_to_right(terms)
