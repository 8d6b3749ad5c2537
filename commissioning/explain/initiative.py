"""Why a service got what it got: an explanation an auditor can check.

Everything here is computed from the inputs, the scenario and the result; every sentence
is assembled from the constraint registry and numbers. Break-even figures are confirmed by
re-solving the model with the changed figure, not only by ranging on reduced costs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from commissioning.allocator.formulation import evidence_multiplier
from commissioning.allocator.registry import DEMAND, ENVELOPE, FAMILIES
from commissioning.allocator.result import ConstraintResult, Result
from commissioning.allocator.solvers import SolverName
from commissioning.allocator.vocabulary import BAND, DECISION_CLAUSE, FUNDED, decision_words
from commissioning.allocator.whatif import optimum_of_variant
from commissioning.allocator.wording import ValueUnit, money, pence, subject
from commissioning.explain.summary import Journey, journey_of
from commissioning.formatting import format_percent
from commissioning.inputs.model import COUNTY, EVIDENCE_LEVELS, Initiative, Inputs

MARGIN = 1.02
"""Break-even figures are tried 2% beyond the ranging estimate, so ties do not decide."""
SEARCH_STEPS = 6


@dataclass(frozen=True)
class StreamPrice:
    stream_id: str
    name: str
    price: float
    """What one more £1 of the stream is worth in the final year (its envelope price)."""


@dataclass(frozen=True)
class BreakEven:
    """A figure at which the decision would change, confirmed (or not) by re-solving."""

    figure: str
    """'unit cost', 'effect' or 'evidence level'."""
    current: str
    needed: str | None
    """The changed figure that was re-solved, formatted; None when no figure in range works."""
    value: float | str | None
    """The same figure unformatted (a number, or an evidence rating)."""
    confirmed: bool
    amount: float
    """What the service receives in the final year when re-solved with the changed figure."""
    sentence: str


@dataclass(frozen=True)
class HoldingRule:
    name: str
    family: str
    shadow_price: float | None
    sentence: str


@dataclass(frozen=True)
class Peer:
    """Another service for the same district and level: the service as the data declares
    it, with what the plan gives it (not a copy of its fields)."""

    service: Initiative
    value_per_pound: float
    decision: str
    final: float
    shared_outcomes: tuple[str, ...]

    @property
    def label(self) -> str:
        """'Family Hub (IY-BUR-01)'."""
        return f"{self.service.name} ({self.service.initiative_id})"

    @property
    def change(self) -> float:
        return self.final - self.service.current_budget


@dataclass(frozen=True)
class LeanYear:
    """An earlier plan year in which the service gets less than today because the money
    buys more elsewhere that year (the final year is explained by the rest)."""

    year: int
    amount: float
    opportunity_cost: float
    value_per_pound: float
    pounds: bool = False
    """Value in pounds of late-intervention cost avoided (a cost library), not outcomes."""

    @property
    def sentence(self) -> str:
        return self.words(money)

    def words(self, money_text: Callable[[float], str]) -> str:
        """The sentence with pounds written by `money_text` (documents round to £100)."""
        # One "elsewhere" figure per explanation (the final year's): an earlier year is
        # said in words, so a reader never weighs two figures for the same thing.
        return (
            f"In {self.year} it receives {money_text(self.amount)}: that year the same money does "
            f"more for children and families in other services of the plan."
        )


@dataclass(frozen=True)
class Explanation:
    initiative: Initiative
    decision: str
    current_budget: float
    proposed: dict[int, float]
    first_change_year: int | None
    funding_stops_year: int | None
    value_per_pound: float
    opportunity_cost: float | None
    """Final year: what £1 more would cost elsewhere."""
    value_lacking: float | None
    """opportunity_cost - value_per_pound, when positive."""
    stream_prices: tuple[StreamPrice, ...]
    holding_rules: tuple[HoldingRule, ...]
    break_even: tuple[BreakEven, ...]
    duplicates: tuple[Peer, ...]
    """Same district, level and priority, with outcomes in common."""
    destinations: tuple[Peer, ...]
    """Same district and level, growing or commissioned: where families can go."""
    participants_lost: float
    participants_gained_elsewhere: float
    evidence: str
    warnings: tuple[str, ...]
    sentences: tuple[str, ...]
    """The explanation as plain-English sentences, in reading order."""
    benefit_cost_ratio: float | None = None
    """£ of late-intervention cost avoided per £1 (a cost library only)."""
    holding_constraints: tuple[ConstraintResult, ...] = ()
    journey: Journey | None = None
    """The budget turns within the plan (the decision reads the final year only)."""
    opportunity_costs: dict[int, float] | None = None
    """Per plan year: what £1 more would buy elsewhere in the plan."""
    lean_years: tuple[LeanYear, ...] = ()


def _fmt_evidence(i: Initiative) -> str:
    names = {
        "4": "level 4",
        "3": "level 3",
        "2": "level 2",
        "NL2": "below level 2",
        "NE": "found not effective",
    }
    text = f"EIF evidence rating {i.evidence_level} ({names[i.evidence_level]})"
    return text + ", with mixed findings" if i.mixed_findings else text


def per_k(value_per_pound: float) -> str:
    """Weighted outcomes per £1,000, which read better than the tiny figures per £1."""
    return f"{value_per_pound * 1000:.3g}"


ARTICLES = {"unit cost": "a", "effect": "an", "evidence rating": "an"}


def article(word: str) -> str:
    return ARTICLES.get(word, "an" if word[:1] in "aeiou" else "a")


def _target_met(decision: str, current: float, final: float) -> bool:
    if decision == "reduce":
        return final >= (1 - BAND) * current
    return final >= FUNDED


def _final_amount(inputs: Inputs, changed: Initiative, solver: SolverName) -> float | None:
    data = inputs.data
    swapped = tuple(
        changed if i.initiative_id == changed.initiative_id else i for i in data.initiatives
    )
    variant = replace(inputs, data=replace(data, initiatives=swapped))
    opt = optimum_of_variant(inputs, variant, solver)
    if not opt.feasible:
        return None
    years = inputs.scenario.years
    return opt.proposed[changed.initiative_id][years[-1]]


def _break_even(
    inputs: Inputs, i: Initiative, decision: str, need: float, solver: SolverName
) -> tuple[BreakEven, ...]:
    """Unit cost, effect and evidence rating at which the decision changes, re-solved."""
    current = i.current_budget
    m = evidence_multiplier(inputs, i)
    out: list[BreakEven] = []
    goal = "keep its budget" if decision == "reduce" else "be funded"

    def attempt(
        figure: str, shown_now: str, tries: list[tuple[Initiative, str, float | str]]
    ) -> None:
        for changed, shown, raw in tries:
            amount = _final_amount(inputs, changed, solver)
            if amount is not None and _target_met(decision, current, amount):
                out.append(
                    BreakEven(
                        figure,
                        shown_now,
                        shown,
                        raw,
                        True,
                        amount,
                        f"With {article(figure)} {figure} of {shown} (now {shown_now}) it would "
                        f"{goal}: "
                        f"re-solving the plan gives it {money(amount)} in the final year.",
                    )
                )
                return
        out.append(
            BreakEven(
                figure,
                shown_now,
                None,
                None,
                False,
                0.0,
                f"No {figure} within reach would let it {goal}: re-solving with "
                f"{tries[-1][1]} still leaves it short."
                if tries
                else f"No {figure} within reach would let it {goal}; no figure in range could "
                "be tried, so the plan was not solved again for it.",
            )
        )

    if m > 0 and need > 0:
        k = need * MARGIN
        costs = [i.unit_cost / (k * 1.5**s) for s in range(SEARCH_STEPS)]
        attempt(
            "unit cost",
            money(i.unit_cost),
            [(replace(i, unit_cost=c), money(c), c) for c in costs if c >= 1.0],
        )
        if i.effect * need > 1.0:
            # Ranging already rules it out: the value per £ would have to rise more than an
            # effect of 100% allows, so no re-solve could confirm a figure.
            out.append(
                BreakEven(
                    "effect",
                    format_percent(i.effect),
                    None,
                    None,
                    False,
                    0.0,
                    f"No effect within reach would let it {goal}: it would need "
                    f"{need:.2g} times its value per £1,000, more than an effect of 100% gives.",
                )
            )
        else:
            effects = [min(1.0, i.effect * k * 1.5**s) for s in range(SEARCH_STEPS)]
            seen: list[float] = []
            for e in effects:
                if e not in seen and e > i.effect:
                    seen.append(e)
            attempt(
                "effect",
                format_percent(i.effect),
                [(replace(i, effect=e), format_percent(e), e) for e in seen],
            )
    base = inputs.scenario.evidence_multiplier
    factor = inputs.scenario.mixed_findings_factor if i.mixed_findings else 1.0
    # With a value per £ today, ranging says which ratings could be enough; without one
    # (a rating whose multiplier is 0), every better rating is tried.
    enough = m * need if (m > 0 and need > 0) else 0.0
    better = [
        lvl for lvl in EVIDENCE_LEVELS if base[lvl] * factor > m and base[lvl] * factor >= enough
    ]
    better.sort(key=lambda lvl: base[lvl])
    attempt(
        "evidence rating",
        i.evidence_level,
        [(replace(i, evidence_level=lvl), lvl, lvl) for lvl in better],
    )
    return tuple(out)


def explain_initiative(
    inputs: Inputs,
    result: Result,
    initiative_id: str,
    solver: SolverName = "highs",
    confirm: bool = True,
) -> Explanation:
    """Why `initiative_id` got what it got, with what would have changed the decision."""
    data = inputs.data
    i = data.initiative(initiative_id)
    r = result.initiatives_by_id[initiative_id]
    years = result.years
    final_year = years[-1]
    proposed = dict(r.proposed)

    first_change = next((y for y in years if abs(proposed[y] - i.current_budget) >= FUNDED), None)
    stops = None
    if r.decision == "decommission":
        stops = next(
            (y for k, y in enumerate(years) if all(proposed[z] < FUNDED for z in years[k:])), None
        )

    envelope = {
        c.index[0]: c.shadow_price or 0.0
        for c in result.constraints
        if c.family == ENVELOPE and c.year == final_year
    }
    stream_prices = tuple(
        StreamPrice(s, data.streams_by_id[s].name, envelope.get(s, 0.0)) for s in i.funding
    )
    oc = r.opportunity_cost[final_year] if r.opportunity_cost else None
    lean = tuple(
        LeanYear(y, proposed[y], r.opportunity_cost[y], r.value_per_pound, result.in_pounds)
        for y in years[:-1]
        if r.opportunity_cost is not None
        and proposed[y] <= i.current_budget - FUNDED
        and r.opportunity_cost[y] > r.value_per_pound
    )
    lacking = oc - r.value_per_pound if oc is not None and oc > r.value_per_pound else None

    holding_constraints = tuple(c for c in result.constraints if c.binding and _holds(c, i))
    holding = tuple(
        HoldingRule(c.name, c.family, c.shadow_price, _holding_sentence(c, inputs))
        for c in holding_constraints
    )

    def peer(j: Initiative) -> Peer:
        rj = result.initiatives_by_id[j.initiative_id]
        return Peer(
            j,
            rj.value_per_pound,
            rj.decision,
            rj.final,
            tuple(o for o in j.outcomes if o in i.outcomes),
        )

    same_place = [
        j
        for j in data.initiatives
        if j.initiative_id != i.initiative_id
        and j.district_id == i.district_id
        and j.level == i.level
    ]
    duplicates = tuple(
        peer(j)
        for j in same_place
        if j.priority_id == i.priority_id and set(j.outcomes) & set(i.outcomes)
    )
    destinations = tuple(
        p for p in (peer(j) for j in same_place) if p.decision in ("grow", "commission")
    )
    lost = max(0.0, (i.current_budget - r.final) / i.unit_cost)
    gained = sum(p.change / p.service.unit_cost for p in destinations)

    break_even: tuple[BreakEven, ...] = ()
    held_by_policy = any(FAMILIES[h.family].choice_about_service for h in holding)
    if (
        confirm
        and r.decision in ("decommission", "not_commissioned", "reduce")
        and not held_by_policy
    ):
        need = (oc / r.value_per_pound) if (oc and r.value_per_pound > 0) else 0.0
        break_even = _break_even(inputs, i, r.decision, need, solver)

    warnings = tuple(
        str(w) for w in inputs.warnings if w.value == initiative_id or initiative_id in w.message
    )
    e = Explanation(
        initiative=i,
        decision=r.decision,
        current_budget=i.current_budget,
        proposed=proposed,
        first_change_year=first_change,
        funding_stops_year=stops,
        value_per_pound=r.value_per_pound,
        benefit_cost_ratio=r.benefit_cost_ratio,
        opportunity_cost=oc,
        opportunity_costs=dict(r.opportunity_cost) if r.opportunity_cost else None,
        lean_years=lean,
        journey=journey_of(i, proposed, years),
        value_lacking=lacking,
        stream_prices=stream_prices,
        holding_rules=holding,
        holding_constraints=holding_constraints,
        break_even=break_even,
        duplicates=duplicates,
        destinations=destinations,
        participants_lost=lost,
        participants_gained_elsewhere=gained,
        evidence=_fmt_evidence(i),
        warnings=warnings,
        sentences=(),
    )
    return replace(e, sentences=_sentences(e, inputs))


def _holds(c: ConstraintResult, i: Initiative) -> bool:
    """A binding rule that holds this service where it is."""
    if c.initiative_id == i.initiative_id:
        return True
    if c.family == DEMAND:
        place = c.index[0]
        return int(c.index[1]) == i.level and (place == i.district_id or place == COUNTY)
    return False


def _holding_sentence(c: ConstraintResult, inputs: Inputs) -> str:
    fam = FAMILIES[c.family]
    text = fam.binding.format(subject=subject(c.family, c.index, inputs.data))
    # Plain English only: the rule's name stays in `HoldingRule.name` for the auditors.
    return f"{text[0].upper()}{text[1:]} ({fam.rule.rstrip('.').lower()})."


def holding_prose(e: Explanation, inputs: Inputs) -> list[str]:
    """The rules holding the service, one sentence per rule with its years, in plain English
    (the rules' names stay in the result file and the auditors' pack)."""
    years: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for c in e.holding_constraints:
        years.setdefault((c.family, c.index[:-1]), []).append(c.index[-1])
    out = []
    i = e.initiative
    for (family, index), when in years.items():
        fam = FAMILIES[family]
        stopped = fam.when_stopped
        if stopped and i.is_running and all(e.proposed[int(y)] < FUNDED for y in when):
            out.append(stopped.format(years=_listed(when)))
            continue
        who = subject(family, (*index, ""), inputs.data).removesuffix(" in ").strip()
        text = fam.binding.format(subject=who)
        out.append(
            f"{text[0].upper()}{text[1:]} in {_listed(when)} ({fam.rule.rstrip('.').lower()})."
        )
    return out


def _listed(items: list[str]) -> str:
    """'2027', '2027 and 2028', '2027, 2028 and 2029'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


ELSEWHERE_METHOD = (
    "worked out from the final year of the plan: what the next {per} from the same funding "
    "streams would {verb} in the other services that could use it, within the same rules"
)
"""How the one "what the same money buys elsewhere" figure is worked out, said in words."""


def elsewhere_sentence(e: Explanation, unit: ValueUnit) -> str:
    """The one figure for what the same money buys elsewhere, and how it is worked out."""
    assert e.opportunity_cost is not None
    verb = "avoid" if unit.pounds else "buy"
    worth = (
        f"would avoid {unit.rate(e.opportunity_cost)} of later costs"
        if unit.pounds
        else f"would buy {unit.rate(e.opportunity_cost)}"
    )
    how = ELSEWHERE_METHOD.format(per=unit.per_label, verb=verb)
    if e.value_lacking is not None:
        return (
            f"Spent elsewhere in the plan, the same {unit.per_label} {worth} ({how}); this "
            f"service falls short by {unit.rate(e.value_lacking)} per {unit.per_label}."
        )
    return (
        f"Spent elsewhere in the plan, the same {unit.per_label} {worth} ({how}); this service "
        f"does at least as well."
    )


def summary_line(e: Explanation, money_text: Callable[[float], str]) -> str:
    """The explanation's opening sentence (who runs the service, the decision, today's and
    the final year's budget), with pounds written by `money_text`: documents round to £100."""
    i = e.initiative
    final_year = max(e.proposed)
    return (
        f"{i.name} ({i.initiative_id}), run by {i.provider}, {DECISION_CLAUSE[e.decision]}: "
        f"{money_text(e.current_budget)} a year today, {money_text(e.proposed[final_year])} "
        f"in {final_year}."
    )


def _sentences(e: Explanation, inputs: Inputs) -> tuple[str, ...]:
    i = e.initiative
    out = [summary_line(e, money)]
    if e.funding_stops_year is not None:
        contract = (
            f"its contract ends in {i.contract_end}" if i.contract_end else "it has no contract"
        )
        out.append(f"Funding stops from {e.funding_stops_year}; {contract}.")
    elif e.first_change_year is not None:
        out.append(f"Its budget first changes in {e.first_change_year}.")
    unit = ValueUnit(inputs.data.has_costs)
    facts = f"{e.evidence}, effect {format_percent(i.effect)}, {money(i.unit_cost)} per participant"
    if unit.pounds and e.benefit_cost_ratio is not None:
        out.append(
            f"Each £1 spent on it avoids {pence(e.benefit_cost_ratio)} of "
            f"late-intervention costs ({facts}); weighted by its priority and its district's "
            f"need, that counts as {pence(e.value_per_pound)} in the plan."
        )
    else:
        out.append(f"{unit.buys(e.value_per_pound)} ({facts}).")
    if e.opportunity_cost is not None:
        out.append(elsewhere_sentence(e, unit))
    if e.journey is not None:
        out.append(e.journey.sentence)
    out += [lean.sentence for lean in e.lean_years]
    out += holding_prose(e, inputs)
    for b in e.break_even:
        out.append(b.sentence)
    if e.duplicates:
        names = "; ".join(
            f"{p.service.name} ({p.service.initiative_id}, {unit.rate(p.value_per_pound)} per "
            f"{unit.per_label}, "
            f"{decision_words(p.decision)})"
            for p in e.duplicates
        )
        out.append(
            f"Services for the same district, level and priority with shared outcomes: {names}."
        )
    if e.participants_lost >= 0.5:
        if e.destinations:
            where = "; ".join(p.label for p in e.destinations)
            out.append(
                f"About {e.participants_lost:,.0f} participants a year lose this service; services "
                f"for the same district and level that grow or start ({where}) reach about "
                f"{e.participants_gained_elsewhere:,.0f} more."
            )
        else:
            out.append(
                f"About {e.participants_lost:,.0f} participants a year lose this service, and no "
                f"service for the same district and level grows: their needs must be met at "
                f"another level or county-wide."
            )
    for w in e.warnings:
        out.append(f"Warning from the data: {w}")
    return tuple(out)
