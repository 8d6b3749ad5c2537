"""Hand-solved fixtures: optimum, shadow prices, and an independent check of every rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commissioning.allocator import allocate
from commissioning.allocator.formulation import formulate, objective_scale
from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.solvers import solve
from tests.allocator.checker import check_plan, objective_of
from tests.allocator.fixtures import FIXTURES, Fixture

SOLVERS = ("highs", "cbc")


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_fixture_optimum_and_prices(fx: Fixture, solver: str) -> None:
    inputs = fx.build()
    result = allocate(inputs, solver)  # type: ignore[arg-type]
    assert result.status == "optimal"
    assert result.objective == pytest.approx(fx.objective, rel=1e-7)
    doc = result.to_json()
    assert check_plan(inputs, doc) == []
    proposed = {r.initiative_id: dict(r.proposed) for r in result.initiatives}
    assert objective_of(inputs, proposed) == pytest.approx(fx.objective, rel=1e-7)
    by_name = result.constraints_by_name
    for name, price in fx.prices.items():
        c = by_name[name]
        if price is None:
            assert c.shadow_price is None, name
        else:
            assert c.binding, name
            assert c.shadow_price == pytest.approx(price, rel=1e-6), name
    assert any(c.binding and c.family == fx.binds for c in result.constraints)


def test_every_family_has_a_binding_fixture() -> None:
    assert {f.binds for f in FIXTURES} == set(FAMILIES)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_prices_match_finite_differences(fx: Fixture, solver: str) -> None:
    """Move each binding rule's bound a small step both ways and re-solve.

    The optimum is concave in a bound, so a valid price lies between the gain per unit of
    relaxing and the loss per unit of tightening (they are equal away from degenerate
    corners, where the spec accepts any valid split of prices).
    """
    inputs = fx.build()
    result = allocate(inputs, solver)  # type: ignore[arg-type]
    assert result.objective is not None
    f = formulate(inputs)
    scale = objective_scale(f)
    fixed = None
    if f.is_mip:
        base = solve(f, solver, scale)  # type: ignore[arg-type]
        fixed = {c: float(round(base.values[c])) for c in f.z.values()}
    step = 0.01

    def optimum_with(k: int, rhs: float) -> float | None:
        rows = list(f.rows)
        rows[k] = f.rows[k]._replace(rhs=rhs)
        sol = solve(f, solver, scale, fixed=fixed, rows=rows)  # type: ignore[arg-type]
        if sol.status != "optimal":
            return None
        return sum(f.objective[col] * sol.values[col] for col in f.x.values())

    checked = 0
    for k, row in enumerate(f.rows):
        c = result.constraints[k]
        assert c.name == row.name
        if not c.binding or c.shadow_price is None:
            continue
        direction = 1.0 if row.sense in ("<=", "==") else -1.0
        relaxed = optimum_with(k, row.rhs + direction * step)
        tightened = optimum_with(k, row.rhs - direction * step)
        assert relaxed is not None, row.name
        gain = (relaxed - result.objective) / step
        # solvers report values to about 1e-8 of the objective: that noise over the step
        tol = 1e-6 * max(1.0, abs(c.shadow_price)) + 1e-9 + 1e-8 * abs(result.objective) / step
        assert c.shadow_price >= gain - tol, row.name
        if tightened is not None:
            loss = (result.objective - tightened) / step
            assert c.shadow_price <= loss + tol, row.name
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_opportunity_cost_and_value_lacking(solver: str) -> None:
    """D (1e-4 per £) loses to B (2e-4), whose use of the envelope sets the price of money:
    £1 for D would cost 2e-4 elsewhere, so D lacks 1e-4 per £. A (5e-4) is held back only by
    its own capacity, so its opportunity cost is the envelope's 2e-4 too."""
    from tests.allocator.builders import initiative, make_inputs

    inputs = make_inputs(
        [
            initiative("A", max_budget=100, effect=0.5),
            initiative("B", max_budget=200, effect=0.2),
            initiative("D", max_budget=200, effect=0.1),
        ],
        budgets={"S1": 150},
        max_growth=100.0,
        ramp=100.0,
    )
    result = allocate(inputs, solver)  # type: ignore[arg-type]
    by_id = result.initiatives_by_id
    assert by_id["D"].decision == "decommission"
    for iid in "ABD":
        cost = by_id[iid].opportunity_cost
        assert cost is not None
        assert cost[2027] == pytest.approx(2e-4, rel=1e-6)


def test_branch_and_bound_runs_only_when_the_relaxation_is_not_viable() -> None:
    """The viability fixture's relaxation funds C below its minimum (a fraction of z), so
    branch-and-bound must run; with C's minimum at 0 the relaxation would do."""
    from commissioning.allocator.exact import solve_exact, viable_binaries
    from tests.allocator.fixtures import viability

    f = formulate(viability())
    scale = objective_scale(f)
    relaxed = solve(f, "highs", scale, relax=True)
    assert viable_binaries(f, relaxed) is None
    sol, fixed = solve_exact(f, "highs", scale)
    assert sorted(fixed.values()) == [0.0, 1.0]
    objective = sum(f.objective[c] * sol.values[c] for c in f.x.values())
    assert objective == pytest.approx(0.058, rel=1e-7)
    relaxed_objective = sum(f.objective[c] * relaxed.values[c] for c in f.x.values())
    assert relaxed_objective > objective


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_direct_hand_over_solves_the_same_model_as_pulp(fx: Fixture) -> None:
    """What-if re-solves hand HiGHS the arrays directly: the same optimum as through PuLP,
    for the relaxation and the mixed-integer model, with every rule and with some left out."""
    from commissioning.allocator.exact import solve_exact
    from commissioning.allocator.solvers import solve_values

    f = formulate(fx.build())
    scale = objective_scale(f)

    def value(values: tuple[float, ...]) -> float:
        return sum(f.objective[c] * values[c] for c in f.x.values())

    for rows in (f.rows, [r for r in f.rows if r.family != fx.binds]):
        for relax in (True, False):
            via_pulp = solve(f, "highs", scale, rows=rows, relax=relax)
            direct = solve_values(f, "highs", scale, rows=rows, relax=relax)
            assert direct.status == via_pulp.status
            assert direct.duals is None
            if via_pulp.status == "optimal":
                assert value(direct.values) == pytest.approx(value(via_pulp.values), rel=1e-7)
        exact, _ = solve_exact(f, "highs", scale, rows=rows)
        values_only, _ = solve_exact(f, "highs", scale, rows=rows, values_only=True)
        assert value(values_only.values) == pytest.approx(value(exact.values), rel=1e-7)


def test_direct_hand_over_reports_an_impossible_model_as_infeasible() -> None:
    from commissioning.allocator.solvers import solve_values
    from tests.allocator.fixtures import viability

    f = formulate(viability())
    rows = list(f.rows)
    # Demand more money than exists: a row no plan can meet.
    x = next(iter(f.x.values()))
    impossible = rows[0]._replace(cols=(x,), coefs=(1.0,), sense=">=", rhs=1e15)
    sol = solve_values(f, "highs", objective_scale(f), rows=[*rows, impossible])
    assert sol.status == "infeasible"
    assert sol.values == ()


def test_reinvested_savings_and_ratios_of_the_v3_fixtures() -> None:
    """The result file's version-3 fields, worked by hand in the fixtures' docstrings."""
    from tests.allocator.fixtures import late_costs_return, reinvest, uprated, valued_in_scenario

    r = allocate(reinvest())
    assert r.value_unit == "weighted £ avoided"
    assert [(s.stream_id, s.year, pytest.approx(s.amount)) for s in r.savings] == [
        ("S2", 2027, pytest.approx(0.0)),
        ("S2", 2028, pytest.approx(5.0)),
    ]
    assert r.initiatives_by_id["A"].benefit_cost_ratio == pytest.approx(0.5)
    assert r.initiatives_by_id["B"].benefit_cost_ratio == pytest.approx(0.25)
    back = allocate(late_costs_return())
    assert {(s.stream_id, s.year): s.amount for s in back.savings}[("S1", 2028)] == (
        pytest.approx(0.05 * (100 / 21 - 100))
    )
    assert allocate(uprated()).initiatives[0].benefit_cost_ratio == pytest.approx(0.625)
    assert allocate(valued_in_scenario()).initiatives[0].benefit_cost_ratio == pytest.approx(1.0)
    plain = allocate(FIXTURES[0].build())
    assert plain.value_unit == "weighted outcomes" and plain.savings == ()
    assert all(i.benefit_cost_ratio is None for i in plain.initiatives)
    doc = plain.to_json()
    assert doc["value_unit"] == "weighted outcomes" and doc["savings"] == []
    assert doc["initiatives"][0]["benefit_cost_ratio"] is None


@pytest.mark.parametrize("solver", SOLVERS)
def test_reinvest_first_year_envelope_price_matches_finite_differences(solver: str) -> None:
    """The 2027 envelope price includes the saving that comes back in 2028 (0.5 + 0.0625)."""
    from tests.allocator.fixtures import reinvest

    base = reinvest()
    r = allocate(base, solver)  # type: ignore[arg-type]
    step = 1.0
    budgets = tuple(
        replace(b, amount=b.amount + step) if (b.stream_id, b.year) == ("S1", 2027) else b
        for b in base.data.budgets
    )
    more = replace(base, data=replace(base.data, budgets=budgets))
    r2 = allocate(more, solver)  # type: ignore[arg-type]
    assert r.objective is not None and r2.objective is not None
    fd = (r2.objective - r.objective) / step
    assert fd == pytest.approx(0.5625, rel=1e-6)
    assert r.constraints_by_name["envelope[S1,2027]"].shadow_price == pytest.approx(fd, rel=1e-6)
