"""Explaining a plan: headline figures, and why each service got what it got."""

from commissioning.explain.summary import LEVEL_LABELS, PlanSummary, SpendRow, summarise_plan

__all__ = ["LEVEL_LABELS", "PlanSummary", "SpendRow", "summarise_plan"]
