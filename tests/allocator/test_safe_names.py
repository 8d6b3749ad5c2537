"""LP names made for all columns or rules at once equal those made one name at a time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from commissioning.allocator.solvers import _safe_name, _safe_names


def one_at_a_time(names: list[str]) -> list[str]:
    """The names as the toolkit made them before: `_safe_name` each, `__k` for repeats."""
    seen: set[str] = set()
    out = []
    for n in names:
        base = _safe_name(n)
        safe, k = base, 1
        while safe in seen:
            k += 1
            safe = f"{base}__{k}"
        seen.add(safe)
        out.append(safe)
    return out


NAME = st.text(alphabet="ab1_.-[],é \n\t+=\"'/", max_size=8)


@given(st.lists(NAME, max_size=12))
def test_names_made_together_equal_names_made_one_at_a_time(names):
    assert _safe_names(names) == one_at_a_time(names)


def test_hand_checked_names():
    names = ["x[FS-PEN-01,S1,2027]", "capacity[A,2027]", "x[FS PEN 01,S1,2027]", "[]", "a\nb"]
    assert _safe_names(names) == [
        "x_FS_PEN_01_S1_2027",
        "capacity_A_2027",
        "x_FS_PEN_01_S1_2027__2",
        "r",
        "a_b",
    ]
    assert _safe_names([]) == []
