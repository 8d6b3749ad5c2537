"""A draw solved warm (the plan's basis, branching on the warm model where a service has a
minimum viable size) has the optimum of the same draw solved from scratch."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from commissioning.allocator.formulation import formulate
from commissioning.allocator.whatif import optimum_without
from commissioning.inputs import load, with_scenario
from commissioning.inputs.model import Inputs
from commissioning.robustness.draws import Triangles, draw_inputs
from commissioning.robustness.solve import DrawSolver
from commissioning.synthetic import synthetic_inputs
from tests.allocator.fixtures import viability

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def wide(inputs: Inputs) -> Triangles:
    """Ranges of -/+30% effect and -/+20% cost for every initiative, whatever the data say."""
    ins = inputs.data.initiatives
    e = np.array([i.effect for i in ins])
    c = np.array([i.unit_cost for i in ins])
    return Triangles(
        tuple(i.initiative_id for i in ins),
        (e * 0.7, e, np.minimum(1.0, e * 1.3)),
        (c * 0.8, c, c * 1.2),
    )


@pytest.mark.parametrize(("build", "draws"), [(lambda: load(SAMPLE), 12), (viability, 20)])
def test_warm_draws_have_the_cold_optimum(build, draws):
    inputs = build()
    assert DrawSolver(inputs).warm.f.is_mip  # both need the branching
    solver = DrawSolver(inputs)
    tri = wide(inputs)
    warm_answers = 0
    for k in range(draws):
        variant = draw_inputs(inputs, *tri.draw(9, k))
        warm = solver._warm(variant)
        cold = optimum_without(variant, lambda r: False)
        if warm is None:
            continue
        warm_answers += 1
        assert warm.feasible == cold.feasible
        if cold.feasible:
            assert math.isclose(warm.objective, cold.objective, rel_tol=1e-6)
    assert warm_answers == draws


def test_with_reinvested_savings_a_draw_is_compared_row_by_row_and_solved_exactly():
    """Savings put effects and costs into the envelopes: the draw is formulated and
    compared with the plan (the direct path is not used), and still solved warm."""
    inputs = synthetic_inputs(4, 40, cost_library=True, reinvest=0.5, mip=True)
    solver = DrawSolver(inputs)
    assert solver.direct is None and solver.warm.f.kappa
    for k in range(6):
        variant = draw_inputs(inputs, *solver.triangles.draw(1, k))
        warm = solver._warm(variant)
        cold = optimum_without(variant, lambda r: False)
        assert warm is not None and warm.feasible and cold.feasible
        assert math.isclose(warm.objective, cold.objective, rel_tol=1e-6)


def test_a_draw_does_not_depend_on_the_draws_solved_before():
    inputs = load(SAMPLE)
    tri = wide(inputs)
    first, second = DrawSolver(inputs), DrawSolver(inputs)
    first.triangles = second.triangles = tri
    for k in range(4):
        first.solve(9, k)
    assert first.solve(9, 7) == second.solve(9, 7)


def test_changing_the_figures_directly_equals_formulating_the_draw():
    # Without reinvestment: reinvested savings put the figures into the envelopes too,
    # and such draws take the row-by-row comparison (tested above).
    sample = load(SAMPLE)
    inputs = with_scenario(sample, {**sample.scenario.to_dict(), "reinvest": 0.0})
    direct, compared = DrawSolver(inputs), DrawSolver(inputs)
    assert direct.direct is not None
    compared.direct = None  # formulate each draw and compare it with the plan row by row
    tri = wide(inputs)
    for k in range(6):
        variant = draw_inputs(inputs, *tri.draw(2, k))
        changes, g = direct.direct.changes(variant)
        assert g.objective == formulate(variant).objective
        assert len(changes) == len(compared.warm._differences(formulate(variant)) or [])
        a, b = direct._warm(variant), compared._warm(variant)
        assert a is not None and b is not None
        assert a.objective == pytest.approx(b.objective, rel=1e-9)
        for iid, years in b.proposed.items():
            for y, amount in years.items():
                assert a.proposed[iid][y] == pytest.approx(amount, rel=1e-7, abs=1e-4)
