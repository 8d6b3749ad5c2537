"""How sure is each decision? The plan re-solved over plausible effects and unit costs.

`robustness` draws effects and unit costs from their ranges (model.md section 5), solves
each draw warm on Dask workers (or in this process), and reads the draws against the plan
made on the data as given.
"""

from commissioning.robustness.draws import Range, Triangles, effect_range, unit_cost_range
from commissioning.robustness.run import MAX_DRAWS, batches, check_run, robustness
from commissioning.robustness.solve import DrawResult, DrawSolver
from commissioning.robustness.summary import (
    FRAGILE_BELOW,
    Robustness,
    ServiceRobustness,
    Spread,
    TurningFigure,
)

__all__ = [
    "FRAGILE_BELOW",
    "MAX_DRAWS",
    "DrawResult",
    "DrawSolver",
    "Range",
    "Robustness",
    "ServiceRobustness",
    "Spread",
    "Triangles",
    "TurningFigure",
    "batches",
    "check_run",
    "effect_range",
    "robustness",
    "unit_cost_range",
]
