"""Draws: the triangular quantiles, ranges from columns and scenario, one draw's numbers."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from commissioning.robustness.draws import Triangles, triangular


def cdf(x: float, a: float, c: float, b: float) -> float:
    """The triangular distribution function, as textbooks write it."""
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


@given(
    st.floats(0.0, 1.0),
    st.floats(0.01, 10.0),
    st.floats(0.0, 1.0),
    st.floats(0.01, 10.0),
)
def test_quantile_inverts_the_distribution_function(u, low, where, width):
    high = low + width
    mode = low + where * width
    x = float(triangular(np.array([u]), np.array([low]), np.array([mode]), np.array([high]))[0])
    assert low <= x <= high
    assert math.isclose(cdf(x, low, mode, high), u, abs_tol=1e-9)


def test_a_collapsed_range_gives_the_estimate():
    u = np.array([0.0, 0.3, 1.0])
    same = np.full(3, 0.25)
    assert triangular(u, same, same, same).tolist() == [0.25, 0.25, 0.25]


def test_a_draw_depends_only_on_seed_and_number(monkeypatch):
    tri = Triangles(
        ("A", "B"),
        (np.array([0.1, 0.2]), np.array([0.2, 0.3]), np.array([0.5, 0.9])),
        (np.array([90.0, 10.0]), np.array([100.0, 20.0]), np.array([110.0, 30.0])),
    )
    first = tri.draw(7, 3)
    for k in (0, 1, 2, 4):
        tri.draw(7, k)  # other draws in between change nothing
    again = tri.draw(7, 3)
    assert [x.tolist() for x in first] == [x.tolist() for x in again]
    assert tri.draw(7, 4)[0].tolist() != first[0].tolist()
    assert tri.draw(8, 3)[0].tolist() != first[0].tolist()
