"""Branch-and-bound on the loaded relaxation (`allocator.branching`): the same optimum as
HiGHS's and CBC's own branch-and-bound wherever the relaxation is not viable, the model
left as it came, and the solver's search taking over when it gives up."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from commissioning.allocator import InfeasiblePlan, Planner, allocate, branching
from commissioning.allocator.exact import solve_exact, viable_binaries
from commissioning.allocator.formulation import Formulation, formulate, objective_scale
from commissioning.allocator.solvers import solve, solve_highs
from commissioning.inputs.model import Inputs
from commissioning.synthetic import synthetic_inputs
from tests.allocator.checker import check_plan

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _value(f: Formulation, values: tuple[float, ...]) -> float:
    return sum(f.objective[c] * values[c] for c in f.x.values())


def _sample(first_share: float) -> Inputs:
    from commissioning.inputs import load

    if not (SAMPLE / "initiatives.csv").is_file():
        pytest.skip("the sample data is not there")
    inputs = load(SAMPLE)
    shares = (first_share, *inputs.scenario.prevention_share[1:])
    return dataclasses.replace(
        inputs, scenario=dataclasses.replace(inputs.scenario, prevention_share=shares)
    )


def _candidates_with_minimums(seed: int, share: float) -> Inputs:
    """Generated data whose candidate services may run only at `share` of their maximum
    or not at all: relaxations that fund some between nothing and their minimum."""
    inputs = synthetic_inputs(5, 90, years=3, seed=seed, mip=True)
    data = inputs.data
    initiatives = tuple(
        dataclasses.replace(i, min_viable=share * i.max_budget)
        if i.current_budget == 0 and i.min_budget == 0
        else i
        for i in data.initiatives
    )
    return dataclasses.replace(inputs, data=dataclasses.replace(data, initiatives=initiatives))


@pytest.mark.parametrize("first_share", [0.51, 0.52, 0.53])
def test_the_sample_past_its_edge_has_the_solvers_optimum(first_share: float) -> None:
    """A prevention share of 51-53% in the first year leaves one or two services of the
    sample short of their minimum in the relaxation: the search finds HiGHS's and CBC's
    own mixed-integer optimum, in a few nodes, and the plan keeps every rule."""
    inputs = _sample(first_share)
    f = formulate(inputs)
    scale = objective_scale(f)
    relaxed, model = solve_highs(f, scale, relax=True)
    assert viable_binaries(f, relaxed) is None
    found = branching.branch_and_bound(f, model.h, model.column, 30.0)
    assert found is not None
    searched, nodes = found
    assert searched.status == "optimal" and nodes <= 12
    assert viable_binaries(f, searched) is not None
    cbc = solve(f, "cbc", scale)
    assert _value(f, searched.values) == pytest.approx(_value(f, cbc.values), rel=1e-6)
    if first_share == 0.52:  # HiGHS's own search takes 3 s: once is enough
        highs = solve(f, "highs", scale)
        assert _value(f, searched.values) == pytest.approx(_value(f, highs.values), rel=1e-9)
    result = allocate(inputs)
    assert result.objective == pytest.approx(_value(f, searched.values), rel=1e-9)
    assert result.provenance.problem_type == "MIP"
    assert check_plan(inputs, result.to_json()) == []


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("share", [0.3, 0.6, 0.9])
def test_generated_mixed_integer_plans_have_highs_own_optimum(seed: int, share: float) -> None:
    """Wherever the relaxation is not viable, the search's plan is viable and worth what
    HiGHS's own branch-and-bound finds; where the model has no plan, both say so."""
    f = formulate(_candidates_with_minimums(seed, share))
    scale = objective_scale(f)
    relaxed, model = solve_highs(f, scale, relax=True)
    if viable_binaries(f, relaxed) is not None:
        return
    found = branching.branch_and_bound(f, model.h, model.column, 30.0)
    assert found is not None
    searched, _ = found
    highs = solve(f, "highs", scale)
    assert searched.status == highs.status
    if highs.status == "optimal":
        assert viable_binaries(f, searched) is not None
        assert _value(f, searched.values) == pytest.approx(_value(f, highs.values), rel=1e-9)


def test_some_generated_relaxations_are_not_viable() -> None:
    """The generated cases above do exercise the search (not only the viable shortcut)."""
    short = 0
    for seed in range(6):
        for share in (0.3, 0.6, 0.9):
            f = formulate(_candidates_with_minimums(seed, share))
            relaxed, _ = solve_highs(f, objective_scale(f), relax=True)
            short += viable_binaries(f, relaxed) is None
    assert short >= 8


def test_the_model_is_left_as_the_relaxation_at_its_optimal_basis() -> None:
    """After the search the binaries' bounds are the relaxation's again and its basis
    is the relaxation's optimum: re-running it takes no simplex iteration."""
    f = formulate(_sample(0.52))
    _, model = solve_highs(f, objective_scale(f), relax=True)
    h = model.h
    objective = h.getInfo().objective_function_value
    z = np.sort(model.column[list(f.z.values())]).astype(np.int32)
    _, _, _, lower, upper, _ = h.getCols(len(z), z)
    before = (np.array(lower), np.array(upper))
    assert branching.branch_and_bound(f, model.h, model.column, 30.0) is not None
    _, _, _, lower, upper, _ = h.getCols(len(z), z)
    assert np.array_equal(lower, before[0]) and np.array_equal(upper, before[1])
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(objective, rel=1e-12)
    assert h.getInfo().simplex_iteration_count == 0


def test_when_the_search_gives_up_the_solvers_own_search_answers(monkeypatch) -> None:
    """Past its node limit the search returns None and solve_exact runs HiGHS's own
    branch-and-bound: the same optimum."""
    f = formulate(_candidates_with_minimums(3, 0.6))
    scale = objective_scale(f)
    searched, _ = solve_exact(f, "highs", scale)
    monkeypatch.setattr(branching, "NODE_LIMIT", 1)
    _, model = solve_highs(f, scale, relax=True)
    assert branching.branch_and_bound(f, model.h, model.column, 30.0) is None
    fallen_back, fixed = solve_exact(f, "highs", scale)
    assert viable_binaries(f, fallen_back) == fixed
    assert _value(f, fallen_back.values) == pytest.approx(_value(f, searched.values), rel=1e-9)


def test_a_search_with_no_plan_is_reported_as_no_plan() -> None:
    """Every leaf without a plan proves the model has none: allocate() gives its
    diagnosis, as when HiGHS's own search finds none."""
    for seed in range(10):
        inputs = synthetic_inputs(5, 90, years=3, seed=seed, mip=True)
        data = inputs.data
        initiatives = tuple(
            dataclasses.replace(i, min_viable=min(i.max_budget, 2.5 * i.min_viable))
            if i.min_viable > 0 and i.min_budget == 0
            else i
            for i in data.initiatives
        )
        inputs = dataclasses.replace(
            inputs, data=dataclasses.replace(data, initiatives=initiatives)
        )
        f = formulate(inputs)
        relaxed, model = solve_highs(f, objective_scale(f), relax=True)
        if relaxed.status != "optimal" or viable_binaries(f, relaxed) is not None:
            continue
        found = branching.branch_and_bound(f, model.h, model.column, 30.0)
        if found is None or found[0].status != "infeasible":
            continue
        assert solve(f, "highs", objective_scale(f)).status == "infeasible"
        with pytest.raises(InfeasiblePlan):
            allocate(inputs)
        return
    pytest.fail("no generated case without a plan")


def test_the_planner_re_plans_past_the_edge_warm() -> None:
    """In the app, moving the first year's prevention share past 50% keeps the plan warm
    (the search runs on the held model) and gives allocate()'s optimum and decisions."""
    planner = Planner()
    planner.plan(_sample(0.45))
    for share in (0.51, 0.52, 0.45, 0.53):
        moved = _sample(share)
        found, expected = planner.plan(moved), allocate(moved)
        assert planner.warm, share
        assert found.objective == pytest.approx(expected.objective, rel=1e-9)
        assert found.provenance.prices == expected.provenance.prices
        assert [(r.initiative_id, r.decision) for r in found.initiatives] == [
            (r.initiative_id, r.decision) for r in expected.initiatives
        ]
        assert check_plan(moved, found.to_json()) == []


def test_a_what_if_past_the_edge_is_branched_on_the_warm_model() -> None:
    """A what-if (break-even, price of a rule, a robustness draw) whose relaxation is not
    viable is answered on the warm model of the plan, with the plan's optimum; one with no
    plan is answered as such."""
    from commissioning.allocator.whatif import WarmStart, optimum_without

    warm = WarmStart(_sample(0.45))
    for share in (0.51, 0.53):
        moved = _sample(share)
        found = warm.optimum(moved)
        assert found is not None and found.feasible, share
        expected = optimum_without(moved, lambda r: False)
        assert found.objective == pytest.approx(expected.objective, rel=1e-9), share
    impossible = warm.optimum(_sample(0.60))
    assert impossible is not None and not impossible.feasible
    assert not optimum_without(_sample(0.60), lambda r: False).feasible
