"""Small named models with hand-checked optima and shadow prices.

Each fixture says which rule binds and what relaxing it by one unit is worth, worked out
by hand in its docstring. Values per £ are effect / unit cost with every other factor 1,
so a service with effect 0.5 at £1,000 a head buys 5e-4 weighted outcomes per £.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commissioning.inputs.model import Inputs, Priority
from tests.allocator.builders import cost, district, initiative, make_inputs

GOOD = dict(effect=0.5)  # 5e-4 per £
FAIR = dict(effect=0.2)  # 2e-4 per £
FREE = dict(max_growth=100.0, ramp=100.0)


@dataclass(frozen=True)
class Fixture:
    name: str
    build: Callable[[], Inputs]
    objective: float
    prices: dict[str, float | None]
    """Shadow prices of named rules, as the spec defines them."""
    binds: str
    """The family this fixture makes bind."""


def envelope_and_capacity() -> Inputs:
    """A (5e-4) is capped at £100, B (2e-4) takes the rest of £150.

    Optimum 100*5e-4 + 50*2e-4 = 0.06. One more £ of S1 buys 2e-4 (B); one more £ of
    A's capacity swaps £1 of B for A: 3e-4.
    """
    return make_inputs(
        [
            initiative("A", max_budget=100, **GOOD),
            initiative("B", max_budget=200, **FAIR),
        ],
        budgets={"S1": 150},
        **FREE,
    )


def committed() -> Inputs:
    """B (2e-4) is under contract at £100 to 2027; A (5e-4, max £100) gets the other £50.

    Optimum 50*5e-4 + 100*2e-4 = 0.045; £1 less owed to B goes to A: 3e-4.
    """
    return make_inputs(
        [
            initiative("A", max_budget=100, **GOOD),
            initiative("B", current_budget=100, contract_end=2027, max_budget=200, **FAIR),
        ],
        budgets={"S1": 150},
        **FREE,
    )


def statutory() -> Inputs:
    """As `committed`, but B's £100 is a statutory floor: 0.045 and 3e-4."""
    return make_inputs(
        [
            initiative("A", max_budget=100, **GOOD),
            initiative("B", min_budget=100, max_budget=200, **FAIR),
        ],
        budgets={"S1": 150},
        **FREE,
    )


def growth() -> Inputs:
    """A (5e-4), running at £100 today, may grow by 10% to £110 (a running service does not
    ramp); B (2e-4, a candidate, which may reach 0.05*10,000 = £500) takes the other £390.

    Optimum 110*5e-4 + 390*2e-4 = 0.133; £1 more growth for A: 3e-4.
    """
    return make_inputs(
        [
            initiative("A", current_budget=100, max_budget=1000, **GOOD),
            initiative("B", max_budget=10_000, **FAIR),
        ],
        budgets={"S1": 500},
        max_growth=0.1,
        ramp=0.05,
    )


def stays_stopped() -> Inputs:
    """Budgets £100 then £200. B (5e-4, a candidate, max £100) takes 2027's £100, so A
    (2e-4, running at £100, no contract) gets nothing in 2027 and, once stopped, may not be
    funded again: 2028's spare £100 stays unspent. Giving A £a in 2027 costs 3e-4 a and lets
    it reach 1.1a in 2028 (2.2e-4 a): a net loss, so a = 0 and the optimum is
    2 * 100 * 5e-4 = 0.1.
    £1 more growth for A in 2028 buys 2e-4. (£1 more in 2027 is worth between 4.2e-4, given
    to A, and 5e-4, the loss of £1 less for B: a degenerate corner, so not asserted.)
    """
    return make_inputs(
        [
            initiative("A", current_budget=100, max_budget=1000, **FAIR),
            initiative("B", status="candidate", max_budget=100, **GOOD),
        ],
        budgets={"S1": [100, 200]},
        horizon=2,
        max_growth=0.1,
        ramp=1.0,
    )


def continuity_unfunded() -> Inputs:
    """As `continuity`, with C an existing service funded at £0 today: it counts as not
    running, so the continuity rule holds it like a candidate. Optimum 0.1, price 2e-4."""
    return make_inputs(
        [
            initiative("A", current_budget=100, max_budget=100, **GOOD),
            initiative("C", status="existing", max_budget=1000, **FAIR),
        ],
        budgets={"S1": [200, 100]},
        horizon=2,
        **FREE,
    )


def reinvest() -> Inputs:
    """A cashable saving from 2027 funds a 2028 service.

    A (level 1, effect 0.5 at £1,000; running at £80, may grow 50%) is paid from S1
    (£100 a year); B (level 3, a candidate) only from S2, which has £0 of its own. With no
    discounting, V(1) = £1,000 (one certain year of a £1,000 cost, the year after, paid by
    S2 and all cashable) and V(3) = £500 (in the same year, paid outside the plan), so
    v(A) = 0.5 and v(B) = 0.25 per £, and kappa(A,S2,1) = 0.5. Half is reinvested:
    R[S2,2028] = 0.5 * 0.5 * (X[A,2027] - 80).
    A takes S1's £100 both years; R[S2,2028] = £5 funds B in 2028.
    Optimum 0.5 * 200 + 0.25 * 5 = 101.25.
    £1 more of S1 in 2027: A +£1 (0.5) and £0.25 more for B in 2028 (0.0625): 0.5625.
    £1 more of S2 in 2028: 0.25.
    """
    return make_inputs(
        [
            initiative("A", level=1, current_budget=80, max_budget=1000, funding="S1", **GOOD),
            initiative("B", level=3, status="candidate", max_budget=1000, funding="S2", **GOOD),
        ],
        budgets={"S1": [100, 100], "S2": [0, 0]},
        horizon=2,
        costs=[
            cost("L1", level=1, stream_id="S2", cashable=1.0),
            cost("L3", level=3, annual_cost=500.0, lag=0),
        ],
        discount_rate=0.0,
        reinvest=0.5,
        max_growth=0.5,
        ramp=1.0,
    )


def late_costs_return() -> Inputs:
    """Cutting an effective service brings its late costs back (a negative R).

    A (level 1, effect 0.1 at £1,000, running at £100, no contract) saves S1 £1,000 a year
    per outcome the year after (cashable, all reinvested: kappa = 1e-4 ... times 1,000 =
    0.1, R[S1,2028] = 0.5 * 0.1 * (X[A,2027] - 100)). B (level 3, a candidate, effect 0.5,
    V(3) = £5,000 paid outside the plan) is worth 2.5 per £ against A's 0.1. S1 has £100 a
    year. Moving everything to B in 2027 would leave 2028 £5 short of B's £100, which B may
    not lose (continuity), so A keeps a with B at 100 - a in 2027 and 1.05a >= 5 in 2028:
    a = 100/21, B = 95 + 0.05a in 2028 (A stopped).
    Optimum 0.1a + 2.5(100 - a) + 2.5(95 + 0.05a) = 487.5 - 2.275 * 100/21 = 476.666...;
    R[S1,2028] = 0.05 * (100/21 - 100) = -4.7619.
    """
    return make_inputs(
        [
            initiative("A", level=1, current_budget=100, max_budget=1000, effect=0.1),
            initiative("B", level=3, status="candidate", max_budget=1000, effect=0.5),
        ],
        budgets={"S1": [100, 100]},
        horizon=2,
        costs=[
            cost("L1", level=1, stream_id="S1", cashable=1.0),
            cost("L3", level=3, annual_cost=5000.0, lag=0),
        ],
        discount_rate=0.0,
        reinvest=0.5,
        max_growth=0.25,
        ramp=10.0,
    )


def uprated() -> Inputs:
    """A cost of £1,000 in 2015 prices, certain, in the year of the service, brought to 2027
    prices by an index of 80 (2015) to 100 (2027): V(1) = £1,250, so A (effect 0.5 at
    £1,000) avoids £0.625 per £1. Optimum 100 * 0.625 = 62.5; £1 more of S1: 0.625."""
    return make_inputs(
        [initiative("A", level=1, status="candidate", max_budget=1000, **GOOD)],
        budgets={"S1": 100},
        costs=[cost("L1", lag=0, price_year=2015)],
        prices={2015: 80.0, 2027: 100.0},
        discount_rate=0.0,
        **FREE,
    )


def valued_in_scenario() -> Inputs:
    """As `uprated`, but the scenario values a level-1 outcome at £2,000 itself: that figure
    replaces the library's £1,250. Optimum 100 * 0.5 * 2000 / 1000 = 100; price 1.0."""
    return make_inputs(
        [initiative("A", level=1, status="candidate", max_budget=1000, **GOOD)],
        budgets={"S1": 100},
        costs=[cost("L1", lag=0, price_year=2015)],
        prices={2015: 80.0, 2027: 100.0},
        discount_rate=0.0,
        outcome_value={1: 2000.0},
        **FREE,
    )


def continuity() -> Inputs:
    """Budgets £200 then £100. A (5e-4, max £100) fills year 2; candidate C (2e-4) could use
    year 1's spare £100, but what C gets in 2027 it must keep in 2028, displacing A at a net
    loss (2e-4 + 2e-4 - 5e-4 < 0). So C gets nothing: optimum 2 * 100 * 5e-4 = 0.1.
    Allowing C a £1 cut after commissioning lets it take £1 in 2027: 2e-4.
    """
    return make_inputs(
        [
            initiative("A", current_budget=100, max_budget=100, **GOOD),
            initiative("C", status="candidate", max_budget=1000, **FAIR),
        ],
        budgets={"S1": [200, 100]},
        horizon=2,
        **FREE,
    )


def ineffective() -> Inputs:
    """N (level 1, rated NE) is under contract at £100 and may get no more; H (level 3,
    5e-4) can have at most as much as level 1 under a 50% prevention share: H = £100,
    optimum 0.05. £1 more for N lets H grow £1: 5e-4. A £1 lower prevention requirement
    (N - 0.5 T >= -1) lets H reach £102: 2 * 5e-4 = 1e-3.
    """
    return make_inputs(
        [
            initiative(
                "N",
                level=1,
                current_budget=100,
                contract_end=2027,
                evidence_level="NE",
                max_budget=1000,
                **GOOD,
            ),
            initiative("H", level=3, max_budget=1000, **GOOD),
        ],
        budgets={"S1": 1000},
        prevention_share=0.5,
        **FREE,
    )


def lock() -> Inputs:
    """A (2e-4) is locked at £100; B (5e-4) gets the other £50: 0.045. £1 more on the lock
    takes £1 from B: -3e-4 (signed)."""
    return make_inputs(
        [
            initiative("A", current_budget=100, max_budget=200, **FAIR),
            initiative("B", max_budget=1000, **GOOD),
        ],
        budgets={"S1": 150},
        lock=["A"],
        **FREE,
    )


def exclude() -> Inputs:
    """A (5e-4) is excluded (no contract), so B (2e-4) gets the £100: 0.02. £1 allowed to A
    replaces £1 of B: 3e-4."""
    return make_inputs(
        [
            initiative("A", current_budget=50, max_budget=1000, **GOOD),
            initiative("B", max_budget=1000, **FAIR),
        ],
        budgets={"S1": 100},
        exclude=["A"],
        **FREE,
    )


def viability() -> Inputs:
    """C (level 1, 1e-4, min viable £80) is the only level-1 service; H (level 3, 5e-4)
    needs C funded to meet a 30% prevention share. With £180, C sits at its £80 minimum and
    H takes £100: 80*1e-4 + 100*5e-4 = 0.058 (C at 0 would force H to 0). £1 off C's
    minimum goes to H: 4e-4. D (min viable £500) can only be funded from S2's £100, so it is
    held at 0 by viability and its rules report no price.
    """
    return make_inputs(
        [
            initiative(
                "C", level=1, status="candidate", min_viable=80, max_budget=1000, effect=0.1
            ),
            initiative("H", level=3, max_budget=1000, **GOOD),
            initiative(
                "D",
                level=3,
                status="candidate",
                min_viable=500,
                max_budget=1000,
                effect=0.01,
                funding="S2",
            ),
        ],
        budgets={"S1": 180, "S2": 100},
        prevention_share=0.3,
        **FREE,
    )


def prevention() -> Inputs:
    """L (level 1, 2e-4) and H (level 3, 5e-4) share £100 under a 50% prevention share:
    £50 each, 0.035. Requiring £1 less at levels 1-2 moves £1 to H: 3e-4."""
    return make_inputs(
        [
            initiative("L", level=1, max_budget=1000, **FAIR),
            initiative("H", level=3, max_budget=1000, **GOOD),
        ],
        budgets={"S1": 100},
        prevention_share=0.5,
        **FREE,
    )


def priority() -> Inputs:
    """As `prevention`, with P1 (L) holding a 50% minimum share instead: 0.035, 3e-4."""
    return make_inputs(
        [
            initiative("L", priority_id="P1", max_budget=1000, **FAIR),
            initiative("H", priority_id="P2", max_budget=1000, **GOOD),
        ],
        budgets={"S1": 100},
        priorities=[Priority("P1", "One", 1.0, 0.5), Priority("P2", "Two", 1.0, 0.0)],
        **FREE,
    )


def district_floor() -> Inputs:
    """Districts A and B have equal need; with a floor of 0.8 each gets at least 40% of
    district spend. SB (2e-4) in B gets £40, SA (5e-4) in A £60: 0.038. £1 less required in B
    moves £1 to A: 3e-4."""
    return make_inputs(
        [
            initiative("SA", district_id="A", max_budget=1000, **GOOD),
            initiative("SB", district_id="B", max_budget=1000, **FAIR),
        ],
        districts=[district("A"), district("B")],
        budgets={"S1": 100},
        district_floor=0.8,
        **FREE,
    )


def demand() -> Inputs:
    """District A counts 50 children in need at level 1; SA (5e-4, £1,000 a head) can reach
    them all for £50,000; SB (2e-4, in B) takes the other £50,000: 25 + 10 = 35. One more
    child counted in A moves £1,000 from SB to SA: 0.3 per participant."""
    return make_inputs(
        [
            initiative("SA", district_id="A", max_budget=100_000, **GOOD),
            initiative("SB", district_id="B", max_budget=100_000, **FAIR),
        ],
        districts=[district("A", demand=(50, 1e9, 1e9, 1e9)), district("B")],
        budgets={"S1": 100_000},
        **FREE,
    )


def demand_county() -> Inputs:
    """A county-wide level-2 service C (5e-4: both districts' need index is 1) can reach the
    30 + 20 = 50 children the districts count at level 2, for £50,000; SB (2e-4) takes the
    rest: 35, and 0.3 per participant for the county cap."""
    return make_inputs(
        [
            initiative("C", district_id="COUNTY", level=2, max_budget=100_000, **GOOD),
            initiative("SB", district_id="B", level=1, max_budget=100_000, **FAIR),
        ],
        districts=[
            district("A", demand=(1e9, 30, 1e9, 1e9)),
            district("B", demand=(1e9, 20, 1e9, 1e9)),
        ],
        budgets={"S1": 100_000},
        **FREE,
    )


FIXTURES: tuple[Fixture, ...] = (
    Fixture(
        "envelope_and_capacity",
        envelope_and_capacity,
        0.06,
        {"envelope[S1,2027]": 2e-4, "capacity[A,2027]": 3e-4},
        "envelope",
    ),
    Fixture("capacity", envelope_and_capacity, 0.06, {"capacity[A,2027]": 3e-4}, "capacity"),
    Fixture(
        "committed",
        committed,
        0.045,
        {"committed[B,2027]": 3e-4, "envelope[S1,2027]": 5e-4},
        "committed",
    ),
    Fixture("statutory", statutory, 0.045, {"statutory[B,2027]": 3e-4}, "statutory"),
    Fixture("growth", growth, 0.133, {"growth[A,2027]": 3e-4, "envelope[S1,2027]": 2e-4}, "growth"),
    Fixture(
        "stays_stopped",
        stays_stopped,
        0.1,
        {"growth[A,2028]": 2e-4},
        "growth",
    ),
    Fixture("continuity", continuity, 0.1, {"continuity[C,2028]": 2e-4}, "continuity"),
    Fixture(
        "continuity_unfunded",
        continuity_unfunded,
        0.1,
        {"continuity[C,2028]": 2e-4},
        "continuity",
    ),
    Fixture(
        "reinvest",
        reinvest,
        101.25,
        {"envelope[S1,2027]": 0.5625, "envelope[S2,2028]": 0.25, "envelope[S1,2028]": 0.5},
        "envelope",
    ),
    Fixture("late_costs_return", late_costs_return, 1430 / 3, {}, "envelope"),
    Fixture("uprated", uprated, 62.5, {"envelope[S1,2027]": 0.625}, "envelope"),
    Fixture(
        "valued_in_scenario", valued_in_scenario, 100.0, {"envelope[S1,2027]": 1.0}, "envelope"
    ),
    Fixture(
        "ineffective",
        ineffective,
        0.05,
        {"ineffective[N,2027]": 5e-4, "prevention[2027]": 1e-3},
        "ineffective",
    ),
    Fixture("lock", lock, 0.045, {"lock[A,2027]": -3e-4}, "lock"),
    Fixture("exclude", exclude, 0.02, {"exclude[A,2027]": 3e-4}, "exclude"),
    Fixture(
        "viability_min",
        viability,
        0.058,
        {"viability_min[C,2027]": 4e-4, "viability_max[D,2027]": None, "capacity[D,2027]": None},
        "viability_min",
    ),
    Fixture("viability_max", viability, 0.058, {"viability_max[D,2027]": None}, "viability_max"),
    Fixture("prevention", prevention, 0.035, {"prevention[2027]": 3e-4}, "prevention"),
    Fixture("priority", priority, 0.035, {"priority[P1,2027]": 3e-4}, "priority"),
    Fixture("district", district_floor, 0.038, {"district[B,2027]": 3e-4}, "district"),
    Fixture("demand", demand, 35.0, {"demand[A,1,2027]": 0.3}, "demand"),
    Fixture("demand_county", demand_county, 35.0, {"demand[COUNTY,2,2027]": 0.3}, "demand"),
)
