"""What a scenario is checked against, and the outcome of checking the tables.

Kept apart from `validate` (the tables) and `scenario_check` (the scenario) because both
use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from commissioning.inputs.model import DataSet, Initiative, Problem


@dataclass(frozen=True)
class References:
    """What a scenario is checked against: known ids, budget rows and parsed initiatives.

    Built from raw tables when the data has errors too (so scenario problems are still
    reported, without cascading), or from a valid DataSet.
    """

    stream_ids: tuple[str, ...] | None
    priority_ids: tuple[str, ...] | None
    initiative_ids: tuple[str, ...] | None
    budget_keys: tuple[tuple[str, int, int | None], ...] | None
    """(stream_id, year, row) of every budget row with a known stream and a whole year."""
    initiatives: Mapping[str, Initiative] = field(default_factory=dict)
    budget_file: str = "budgets.csv"
    budget_sheet: str | None = None
    initiative_file: str = "initiatives.csv"
    initiative_sheet: str | None = None
    cost_years: tuple[tuple[int, int | None], ...] = ()
    """(price_year, row) of every cost row (checked against prices and the start year)."""
    cost_file: str = "costs.csv"
    cost_sheet: str | None = None
    price_years: tuple[int, ...] | None = None
    """Years of the price index; None when the folder has none (or it is ignored)."""
    price_file: str = "prices.csv"
    price_sheet: str | None = None

    @classmethod
    def of(cls, data: DataSet) -> References:
        """The references of a valid data set."""
        book = PurePath(data.source).name if data.source.lower().endswith(".xlsx") else None

        def where(table: str) -> tuple[str, str | None]:
            return (book, table) if book is not None else (f"{table}.csv", None)

        return cls(
            stream_ids=tuple(s.stream_id for s in data.streams),
            priority_ids=tuple(p.priority_id for p in data.priorities),
            initiative_ids=tuple(i.initiative_id for i in data.initiatives),
            budget_keys=tuple((b.stream_id, b.year, b.row) for b in data.budgets),
            initiatives=data.initiatives_by_id,
            budget_file=where("budgets")[0],
            budget_sheet=where("budgets")[1],
            initiative_file=where("initiatives")[0],
            initiative_sheet=where("initiatives")[1],
            cost_years=tuple((c.price_year, None) for c in data.costs),
            cost_file=where("costs")[0],
            cost_sheet=where("costs")[1],
            price_years=tuple(data.prices) if data.prices else None,
            price_file=where("prices")[0],
            price_sheet=where("prices")[1],
        )


@dataclass(frozen=True)
class CheckedData:
    """The outcome of validating the tables: a data set if they passed, and the problems."""

    data: DataSet | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    references: References
