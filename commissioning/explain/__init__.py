"""Explaining a plan: headline figures, and why each service got what it got."""

from commissioning.explain.summary import (
    LEVEL_LABELS,
    Journey,
    PlanSummary,
    SpendRow,
    find_journeys,
    summarise_plan,
)

__all__ = ["LEVEL_LABELS", "Journey", "PlanSummary", "SpendRow", "find_journeys", "summarise_plan"]
