"""Explaining a plan: headline figures, and why each service got what it got."""

from commissioning.explain.summary import (
    LEVEL_LABELS,
    Pause,
    PlanSummary,
    SpendRow,
    find_pauses,
    summarise_plan,
)

__all__ = ["LEVEL_LABELS", "Pause", "PlanSummary", "SpendRow", "find_pauses", "summarise_plan"]
