"""What the draws say about the plan: how often each decision holds, and what moves it.

Shares are over every draw made. An infeasible draw (no plan satisfies every rule with its
figures) funds nothing, takes no decision and agrees with no decision of the plan: it is
counted in `infeasible` and lowers every share, rather than being dropped. Budget and
objective percentiles are over the feasible draws (there is no budget without a plan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from commissioning.allocator.result import DECISIONS, Decision, Result, decide
from commissioning.allocator.vocabulary import DECISION_DONE, FUNDED
from commissioning.formatting import format_percent
from commissioning.inputs.model import DataSet, Inputs
from commissioning.robustness.draws import Floats, Triangles
from commissioning.robustness.solve import DrawResult

FRAGILE_BELOW = 0.8
"""A decision that holds in fewer than this share of the draws is fragile (the issue's 80%)."""

Figure = Literal["effect", "unit_cost"]

FIGURES_AT_ONCE = 1024
"""Figures correlated with agreement in one block (memory: draws x this x 8 bytes)."""


@dataclass(frozen=True)
class Spread:
    """The 5th, 50th and 95th percentiles and the mean of a quantity over the draws."""

    p5: float
    p50: float
    p95: float
    mean: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread | None:
        if not values:
            return None
        p5, p50, p95 = (float(v) for v in np.percentile(np.asarray(values), [5, 50, 95]))
        return cls(p5, p50, p95, float(np.mean(values)))

    def to_json(self) -> dict[str, float]:
        return {"p5": self.p5, "p50": self.p50, "p95": self.p95, "mean": self.mean}


@dataclass(frozen=True)
class TurningFigure:
    """The drawn figure whose range moves a decision most: the one whose value, across
    the draws, is most strongly correlated with whether the plan's decision holds."""

    initiative_id: str
    figure: Figure
    correlation: float
    """Pearson correlation between the figure and agreement (1 when the decision holds):
    positive when a higher figure keeps the decision."""

    def to_json(self) -> dict[str, Any]:
        return {
            "initiative_id": self.initiative_id,
            "figure": self.figure,
            "correlation": self.correlation,
        }


@dataclass(frozen=True)
class ServiceRobustness:
    """How one initiative's decision fares over the draws."""

    initiative_id: str
    decision: Decision
    """The plan's decision, on the data as given."""
    funded_share: float
    decision_shares: Mapping[Decision, float]
    budget: Spread | None
    """The final-year budget over the feasible draws."""
    stability: float
    turns_on: TurningFigure | None

    @property
    def fragile(self) -> bool:
        return self.stability < FRAGILE_BELOW

    def to_json(self) -> dict[str, Any]:
        b = self.budget
        return {
            "initiative_id": self.initiative_id,
            "decision": self.decision,
            "funded_share": self.funded_share,
            "decision_shares": dict(self.decision_shares),
            "budget_p5": None if b is None else b.p5,
            "budget_p50": None if b is None else b.p50,
            "budget_p95": None if b is None else b.p95,
            "budget_mean": None if b is None else b.mean,
            "stability": self.stability,
            "turns_on": None if self.turns_on is None else self.turns_on.to_json(),
        }


@dataclass(frozen=True)
class Robustness:
    """The robustness of one plan over `draws` plausible futures (model.md section 5)."""

    draws: int
    seed: int
    infeasible: int
    plan_objective: float
    objective: Spread | None
    initiatives: tuple[ServiceRobustness, ...]
    value_unit: str
    """The objective's unit, as the plan's result gives it (weighted outcomes, or weighted £
    of late-intervention cost avoided)."""
    inputs_sha256: str
    """The fingerprint of the inputs, as in the plan's result file: which data it reads."""

    @property
    def by_id(self) -> Mapping[str, ServiceRobustness]:
        return {s.initiative_id: s for s in self.initiatives}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Robustness:
        """Read a robustness file back (for explanations and documents made later)."""

        def spread(d: Mapping[str, Any] | None) -> Spread | None:
            return None if d is None else Spread(d["p5"], d["p50"], d["p95"], d["mean"])

        def service(d: Mapping[str, Any]) -> ServiceRobustness:
            t = d.get("turns_on")
            budget = (
                None
                if d["budget_p50"] is None
                else Spread(d["budget_p5"], d["budget_p50"], d["budget_p95"], d["budget_mean"])
            )
            return ServiceRobustness(
                initiative_id=d["initiative_id"],
                decision=d["decision"],
                funded_share=float(d["funded_share"]),
                decision_shares={k: float(v) for k, v in d["decision_shares"].items()},
                budget=budget,
                stability=float(d["stability"]),
                turns_on=None
                if t is None
                else TurningFigure(t["initiative_id"], t["figure"], float(t["correlation"])),
            )

        return cls(
            draws=int(doc["draws"]),
            seed=int(doc["seed"]),
            infeasible=int(doc["infeasible"]),
            plan_objective=float(doc["plan_objective"]),
            objective=spread(doc["objective"]),
            initiatives=tuple(service(d) for d in doc["initiatives"]),
            value_unit=doc["value_unit"],
            inputs_sha256=doc["inputs_sha256"],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "infeasible": self.infeasible,
            "plan_objective": self.plan_objective,
            "objective": None if self.objective is None else self.objective.to_json(),
            "value_unit": self.value_unit,
            "inputs_sha256": self.inputs_sha256,
            "fragile_below": FRAGILE_BELOW,
            "initiatives": [s.to_json() for s in self.initiatives],
        }


def summarise(inputs: Inputs, plan: Result, seed: int, results: Sequence[DrawResult]) -> Robustness:
    """Read the draws against the plan; `results` may come in any order."""
    results = sorted(results, key=lambda r: r.draw)
    n = len(results)
    if n == 0:
        raise ValueError("no draws to summarise")
    feasible = [r for r in results if r.feasible]
    count = len(inputs.data.initiatives)
    finals = np.array([r.final for r in feasible], dtype=np.float64).reshape(-1, count)
    planned = plan.initiatives_by_id
    agree = np.zeros((n, count))
    where = {r.draw: k for k, r in enumerate(results)}
    services: list[ServiceRobustness] = []
    for j, i in enumerate(inputs.data.initiatives):
        column = finals[:, j]
        decisions = [decide(i.is_candidate, i.current_budget, float(a)) for a in column]
        ours = planned[i.initiative_id].decision
        for r, d in zip(feasible, decisions, strict=True):
            agree[where[r.draw], j] = float(d == ours)
        services.append(
            ServiceRobustness(
                initiative_id=i.initiative_id,
                decision=ours,
                funded_share=float(np.count_nonzero(column >= FUNDED)) / n,
                decision_shares={d: decisions.count(d) / n for d in DECISIONS},
                budget=Spread.of(column.tolist()),
                stability=float(agree[:, j].sum()) / n,
                turns_on=None,
            )
        )
    turning = _turning_figures(Triangles.of(inputs), seed, [r.draw for r in results], agree)
    services = [
        replace(s, turns_on=turning[j]) if j in turning else s for j, s in enumerate(services)
    ]
    objective = Spread.of([r.objective for r in feasible if r.objective is not None])
    return Robustness(
        draws=n,
        seed=seed,
        infeasible=n - len(feasible),
        plan_objective=float(plan.objective or 0.0),
        objective=objective,
        initiatives=tuple(services),
        value_unit=plan.value_unit,
        inputs_sha256=plan.provenance.inputs_sha256,
    )


def _turning_figures(
    tri: Triangles, seed: int, draws: Sequence[int], agree: Floats
) -> dict[int, TurningFigure]:
    """For each initiative whose decision sometimes holds and sometimes not, the drawn
    figure (any initiative's effect or unit cost) most correlated with agreement.

    The figures are drawn again here from (seed, draw): the same numbers the workers used,
    without sending them back.
    """
    varies = [j for j in range(agree.shape[1]) if 0.0 < agree[:, j].mean() < 1.0]
    if not varies or len(draws) < 3:
        return {}
    drawn = [tri.draw(seed, k) for k in draws]
    figures = np.hstack(
        [np.array([e for e, _ in drawn]), np.array([c for _, c in drawn])]
    )  # draws x (effects of every initiative, then unit costs)
    a = agree[:, varies] - agree[:, varies].mean(axis=0)
    a_spread = np.sqrt((a**2).sum(axis=0))
    best_at = np.zeros(len(varies), dtype=np.int64)
    best = np.zeros(len(varies))
    # In blocks of figures, so a national run (24,000 figures) never holds every
    # correlation at once.
    for start in range(0, figures.shape[1], FIGURES_AT_ONCE):
        block = figures[:, start : start + FIGURES_AT_ONCE]
        centred = block - block.mean(axis=0)
        spread = np.sqrt((centred**2).sum(axis=0))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = (centred.T @ a) / np.outer(spread, a_spread)
        corr = np.where(np.isfinite(corr), corr, 0.0)
        top = np.argmax(np.abs(corr), axis=0)
        value = corr[top, np.arange(len(varies))]
        better = np.abs(value) > np.abs(best)  # the first of equals is kept
        best_at = np.where(better, top + start, best_at)
        best = np.where(better, value, best)
    n = len(tri.ids)
    out: dict[int, TurningFigure] = {}
    for col, j in enumerate(varies):
        if best[col] == 0.0:
            continue
        at = int(best_at[col])
        figure: Figure = "effect" if at < n else "unit_cost"
        out[j] = TurningFigure(tri.ids[at % n], figure, float(best[col]))
    return out


def figure_words(t: TurningFigure, data: DataSet) -> str:
    """The figure a decision turns on, in words: "the effect of Family Nurse Partnership"."""
    what = "effect" if t.figure == "effect" else "cost per participant"
    name = data.initiative(t.initiative_id).name
    return f"the {what} of {name} ({t.initiative_id})"


def sentence(s: ServiceRobustness, draws: int, data: DataSet) -> str:
    """One service's robustness in a sentence for commissioners, boards and auditors."""
    held = (
        f"{DECISION_DONE[s.decision]} in {format_percent(s.stability)} of {draws:,} "
        "plausible futures"
    )
    if not s.fragile:
        return f"{held[0].upper()}{held[1:]}."
    text = f"A fragile decision: {held}"
    if s.turns_on is not None:
        text += f"; it turns most on {figure_words(s.turns_on, data)}"
    return text + "."
