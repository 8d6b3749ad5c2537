"""The number formats people read: each written once in commissioning/formatting.py."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.formatting import format_outcomes, format_percent


@pytest.mark.parametrize(
    ("share", "places", "text"),
    [
        (0.0, 0, "0%"),
        (1.0, 0, "100%"),
        (0.5, 0, "50%"),
        (0.4183, 1, "41.8%"),
        (0.035, 1, "3.5%"),
        (0.2, 2, "20.00%"),
        (1.5, 0, "150%"),
        (-0.2, 0, "-20%"),
        (-0.0001, 0, "0%"),
        (0.004, 0, "less than 1%"),
        (0.996, 0, "more than 99%"),
        (0.0004, 1, "less than 0.1%"),
        (0.9996, 1, "more than 99.9%"),
    ],
)
def test_format_percent(share: float, places: int, text: str) -> None:
    assert format_percent(share, places) == text


@given(st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True))
def test_sometimes_never_reads_as_never_or_always(share: float) -> None:
    assert format_percent(share) not in ("0%", "100%")
    assert format_percent(share, 1) not in ("0.0%", "100.0%")


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1234.4, "1,234"),
        (100.0, "100"),
        (12.345, "12.35"),
        (3.2, "3.20"),
        (-3.2, "-3.20"),
        (0.5123, "0.512"),
        (0.0, "0"),
    ],
)
def test_format_outcomes(amount: float, text: str) -> None:
    assert format_outcomes(amount) == text


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_no_nan_is_ever_shown(bad: float) -> None:
    with pytest.raises(ValueError):
        format_percent(bad)
    with pytest.raises(ValueError):
        format_outcomes(bad)
