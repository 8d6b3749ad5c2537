"""Small hand-made inputs for allocator tests, built directly as typed objects."""

from __future__ import annotations

from typing import Any

from commissioning.inputs.model import (
    DEFAULT_EVIDENCE_MULTIPLIER,
    DEFAULT_OUTCOME_VALUE,
    Budget,
    Cost,
    DataSet,
    District,
    FundingStream,
    Initiative,
    Inputs,
    Outcome,
    Priority,
    Scenario,
    frozen_map,
)


def initiative(iid: str, **kw: Any) -> Initiative:
    base: dict[str, Any] = dict(
        initiative_id=iid,
        name=f"Service {iid}",
        provider="Provider",
        sector="council",
        district_id="A",
        level=1,
        priority_id="P1",
        outcomes=("O1",),
        status="existing",
        current_budget=0.0,
        unit_cost=1000.0,
        effect=0.5,
        evidence_level="4",
        mixed_findings=False,
        min_budget=0.0,
        max_budget=100_000.0,
        min_viable=0.0,
        contract_end=None,
        funding=("S1",),
    )
    base.update(kw)
    if isinstance(base["funding"], str):
        base["funding"] = tuple(base["funding"].split(";"))
    return Initiative(**base)


def cost(cid: str, **kw: Any) -> Cost:
    """A cost of late intervention: by default £1,000 a year at level 1, certain, for one
    year from the year after the service, paid outside the plan, in 2027 prices."""
    base: dict[str, Any] = dict(
        cost_id=cid,
        name=f"Cost {cid}",
        level=1,
        probability=1.0,
        annual_cost=1000.0,
        years=1,
        lag=1,
        stream_id=None,
        cashable=0.0,
        price_year=2027,
        source="Hand-made for a test",
    )
    base.update(kw)
    return Cost(**base)


def district(did: str, **kw: Any) -> District:
    base: dict[str, Any] = dict(
        district_id=did,
        name=f"District {did}",
        locality="North",
        children=1000,
        need_index=1.0,
        demand=(1e9, 1e9, 1e9, 1e9),
    )
    base.update(kw)
    return District(**base)


def make_inputs(
    initiatives: list[Initiative],
    *,
    districts: list[District] | None = None,
    budgets: dict[str, float | list[float]] | None = None,
    priorities: list[Priority] | None = None,
    horizon: int = 1,
    costs: list[Cost] | None = None,
    prices: dict[int, float] | None = None,
    **scenario: Any,
) -> Inputs:
    """Inputs with one stream per budget key; a scalar budget is the same every year."""
    budgets = budgets if budgets is not None else {"S1": 1e9}
    years = list(range(2027, 2027 + horizon))
    rows = []
    for s, amount in budgets.items():
        amounts = amount if isinstance(amount, list) else [amount] * horizon
        rows += [Budget(s, y, float(a)) for y, a in zip(years, amounts, strict=True)]
    share = scenario.pop("prevention_share", 0.0)
    shares = tuple(share) if isinstance(share, list) else (float(share),) * horizon
    sc_kw: dict[str, Any] = dict(district_floor=0.0)
    sc_kw.update(scenario)
    if "evidence_multiplier" in sc_kw:
        sc_kw["evidence_multiplier"] = frozen_map(
            {**DEFAULT_EVIDENCE_MULTIPLIER, **sc_kw["evidence_multiplier"]}
        )
    if "outcome_value" in sc_kw:
        sc_kw.setdefault("outcome_value_named", tuple(sorted(sc_kw["outcome_value"])))
        sc_kw["outcome_value"] = frozen_map({**DEFAULT_OUTCOME_VALUE, **sc_kw["outcome_value"]})
    if "budget_change" in sc_kw:
        sc_kw["budget_change"] = frozen_map(
            {
                k: tuple(v) if isinstance(v, list) else (float(v),) * horizon
                for k, v in sc_kw["budget_change"].items()
            }
        )
    if "priority_weights" in sc_kw:
        sc_kw["priority_weights"] = frozen_map(sc_kw["priority_weights"])
    for key in ("lock", "exclude"):
        if key in sc_kw:
            sc_kw[key] = tuple(sc_kw[key])
    data = DataSet(
        districts=tuple(districts or [district("A")]),
        streams=tuple(FundingStream(s, f"Stream {s}", "Council", False) for s in budgets),
        budgets=tuple(rows),
        priorities=tuple(priorities or [Priority("P1", "Priority one", 1.0, 0.0)]),
        outcomes=(Outcome("O1", "Outcome one"),),
        initiatives=tuple(initiatives),
        costs=tuple(costs or ()),
        prices=frozen_map(prices or {}),
    )
    sc = Scenario(name="test", start_year=2027, horizon=horizon, prevention_share=shares, **sc_kw)
    return Inputs(data=data, scenario=sc)
