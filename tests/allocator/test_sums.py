"""The ordered sums add exactly as a loop adds, bit for bit, short segments and long."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.allocator.sums import LONG, grouped_sums, ordered_sum, sequential_sums

FLOATS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_subnormal=False)


def _loop(terms: list[float]) -> float:
    acc = 0.0
    for t in terms:
        acc += t
    return acc


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(FLOATS, max_size=3 * LONG), max_size=12))
def test_sequential_sums_add_each_segment_as_a_loop_does(segments: list[list[float]]) -> None:
    starts = np.zeros(len(segments) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in segments], out=starts[1:])
    terms = np.array([t for s in segments for t in s], dtype=np.float64)
    assert sequential_sums(starts, terms).tolist() == [_loop(s) for s in segments]


@settings(max_examples=100, deadline=None)
@given(st.lists(FLOATS, max_size=5 * LONG))
def test_an_ordered_sum_is_a_loops_sum(terms: list[float]) -> None:
    assert ordered_sum(np.array(terms, dtype=np.float64)) == _loop(terms)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), FLOATS), max_size=4 * LONG))
def test_grouped_sums_add_each_keys_terms_in_the_order_given(
    pairs: list[tuple[int, float]],
) -> None:
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    terms = np.array([t for _, t in pairs], dtype=np.float64)
    expected = [_loop([t for k, t in pairs if k == key]) for key in range(5)]
    assert grouped_sums(keys, terms, 5).tolist() == expected


def test_a_long_row_and_short_rows_together() -> None:
    """Hand-checked: 0.1 added ten times in order is 0.9999999999999999 (not 1.0, which a
    pairwise sum gives), in a long segment beside short ones."""
    long = [0.1] * 10 + [0.0] * (LONG + 1)
    segments = [[1.0, 2.0], long, [], [0.5]]
    starts = np.array([0, 2, 2 + len(long), 2 + len(long), 3 + len(long)], dtype=np.int64)
    terms = np.array([t for s in segments for t in s])
    assert sequential_sums(starts, terms).tolist() == [3.0, 0.9999999999999999, 0.0, 0.5]
