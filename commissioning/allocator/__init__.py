"""The linear-programming allocator: build the model, solve it, return one result."""

from commissioning.allocator.planner import Planner
from commissioning.allocator.registry import FAMILIES, POLICY_FAMILIES, Family, constraint_name
from commissioning.allocator.result import (
    DECISIONS,
    Allocation,
    ConstraintResult,
    InitiativeResult,
    Provenance,
    Relaxation,
    Result,
)
from commissioning.allocator.solve import InfeasiblePlan, allocate
from commissioning.allocator.solvers import SOLVERS, SolverError, SolverName

__all__ = [
    "DECISIONS",
    "FAMILIES",
    "POLICY_FAMILIES",
    "SOLVERS",
    "Allocation",
    "ConstraintResult",
    "Family",
    "InfeasiblePlan",
    "InitiativeResult",
    "Planner",
    "Provenance",
    "Relaxation",
    "Result",
    "SolverError",
    "SolverName",
    "allocate",
    "constraint_name",
]
