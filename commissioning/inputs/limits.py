"""The limits of what the toolkit plans with reliably (docs/limits.md).

Numbers that pass their column's own rule but lie outside what the solvers compute
reliably are input errors, so that no plan rests on solver noise. The limits of table
columns are declared with each column in `schema`; the scenario's are here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from commissioning.formatting import format_money
from commissioning.inputs.cells import is_number, parse_number, show_number
from commissioning.inputs.model import Problem
from commissioning.inputs.schema import SCHEMA

if TYPE_CHECKING:
    from commissioning.inputs.cells import PreparedTable


_AMOUNT = "amount of money"


def _limits() -> dict[str, dict[str, tuple[float | None, float | None, str]]]:
    """Per table and column: the smallest value other than 0, the largest, and what it is.
    Within these, HiGHS and CBC find the same optimum (tests/allocator/test_limits.py)."""
    return {
        table.name: {c.name: c.limit for c in table.columns if c.limit is not None}
        for table in SCHEMA.values()
    }


def solver_limit_problems(tables: Mapping[str, PreparedTable]) -> list[Problem]:
    """Numbers that pass their column's own rule but lie outside what the model is solved
    reliably with: each named as an input error, so that no plan rests on solver noise.

    Only values the column's rule accepts are judged here (a negative amount, say, is
    already reported), so no cell gets two messages.
    """
    problems: list[Problem] = []
    for name, limits in _limits().items():
        table = tables.get(name)
        if table is None:
            continue
        for column, (low, high, what) in limits.items():
            k = table.index.get(column)
            if k is None:
                continue
            for row in table.raw.rows:
                text = row.cells[k]
                x = parse_number(text) if text else None
                if x is None or x <= 0:
                    continue
                message = _limit_message(text, x, low, high, what)
                if message:
                    problems.append(table.raw.problem(message, row.number, column, text))
    return problems


def _limit_message(text: str, x: float, low: float | None, high: float | None, what: str) -> str:
    """What is wrong with `x` (as written: `text`), or "" when it is within the limits."""

    def shown(v: float) -> str:
        if what not in (_AMOUNT, "unit cost"):
            return f"{v:,.10g}"
        return format_money(v) if float(v).is_integer() else f"£{v:,.6g}"

    if low is not None and x < low:
        other = " other than 0" if what == _AMOUNT else ""
        return (
            f"{text} is below {shown(low)}, the smallest {what}{other} that the toolkit "
            "plans with reliably (the limits are in docs/limits.md)"
        )
    if high is not None and x > high:
        return (
            f"{text} is above {shown(high)}, the largest {what} that the toolkit plans "
            "with reliably (the limits are in docs/limits.md)"
        )
    return ""


_SCENARIO_LIMITS: Mapping[str, tuple[float | None, float, str]] = {
    # read as £ (start-year prices) when the data has a cost library: a level can be
    # worth hundreds of thousands of pounds
    "outcome_value": (0.001, 10_000_000.0, "outcome value"),
    "evidence_multiplier": (0.001, 1000.0, "evidence multiplier"),
    "priority_weights": (0.001, 1000.0, "priority weight"),
    "max_growth": (None, 100.0, "yearly growth"),
    "ramp": (None, 100.0, "ramp"),
}
"""The scenario's numbers that enter the model's coefficients: smallest other than 0,
largest, and what each is (docs/limits.md)."""


def scenario_limit_problems(
    raw: Mapping[str, object], file: str, lines: Mapping[tuple[object, ...], int]
) -> list[Problem]:
    """The scenario's numbers that pass their own rule but lie outside what the model is
    solved reliably with (see `solver_limit_problems`)."""
    problems: list[Problem] = []
    for key, (low, high, what) in _SCENARIO_LIMITS.items():
        value = raw.get(key)
        items = list(value.items()) if isinstance(value, Mapping) else [(None, value)]
        for sub, x in items:
            if not is_number(x) or float(cast(float, x)) <= 0:
                continue
            message = _limit_message(
                show_number(float(cast(float, x))), float(cast(float, x)), low, high, what
            )
            if message:
                line = lines.get((key, sub)) or lines.get((key,))
                label = f"{key} of {sub}: " if sub is not None else ""
                problems.append(Problem(file, f"{label}{message}", line, key, str(x)))
    return problems
