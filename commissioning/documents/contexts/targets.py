"""Baselines and yearly targets of the indicator library, from the data's indicator values
(indicators.csv) and the plan: every target a number, with its method stated, and a
target worse than its baseline saying why in the same row.

Population measures (a district's children) move with the outcomes the plan's services are
expected to achieve: the target is the baseline moved, the way that is better, by the
change in children and families achieving the outcome (participants x effect, against
today's budgets) as a share of the district's children aged 0-19. Service measures (a service's own
participants) are held at least at the baseline: the evidence's effect is already counted
in the outcome targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commissioning.documents.content import Indicator
from commissioning.inputs.model import COUNTY, DataSet

NO_BASELINE = "not recorded"


@dataclass(frozen=True)
class Baseline:
    """The latest recorded value of an indicator for an area (or the county's, when the
    area has none)."""

    value: float
    year: int
    area: str
    source: str
    county_figure: bool
    """The district has no figure of its own: this is the county's."""


def baseline(data: DataSet, indicator_id: str, area: str) -> Baseline | None:
    """The latest value for the area, else the county's, else None."""
    for where, fallback in ((area, False), (COUNTY, area != COUNTY)):
        found = [v for v in data.indicators if v.indicator_id == indicator_id and v.area == where]
        if found:
            v = max(found, key=lambda x: x.year)
            return Baseline(v.value, v.year, where, v.source, fallback)
    return None


def figure(value: float, unit: str) -> str:
    """A value in its unit: '56.5%' or '105.8'."""
    return f"{value:,.1f}%" if "%" in unit else f"{value:,.1f}"


def baseline_text(b: Baseline | None, ind: Indicator, names: Mapping[str, str]) -> str:
    """'105.8 (Pendle, 2025)', '105.8 (Pendle, 2025, illustrative)', the library's text,
    or "not recorded"."""
    if b is None:
        return ind.baseline or NO_BASELINE
    where = "county figure" if b.county_figure else names.get(b.area, b.area)
    # An invented or derived figure says so where it is read, not only in the data file.
    made_up = ", illustrative" if b.source.lower().startswith("illustrative") else ""
    return f"{figure(b.value, ind.unit)} ({where}, {b.year}{made_up})"


@dataclass(frozen=True)
class Targets:
    """An indicator's yearly targets and the words that go with them."""

    by_year: Mapping[int, float]
    text: str
    """'103.2 in 2027; 101.0 in 2028; 99.9 in 2029', with why where one is worse than the
    baseline."""


def population_targets(
    ind: Indicator,
    base: Baseline,
    change: Mapping[int, float],
    children: float,
    worse_because: str,
) -> Targets | None:
    """The baseline moved by the share of the district's children who achieve the outcome
    through the plan's services, against today: baseline x (1 +/- change / children), the
    way that is better for the indicator; None without a population to share among."""
    if children <= 0:
        return None
    sign = 1.0 if ind.direction == "increase" else -1.0
    by_year = {}
    for year, delta in change.items():
        value = max(base.value * (1.0 + sign * delta / children), 0.0)
        by_year[year] = min(value, 100.0) if "%" in ind.unit else value
    return Targets(by_year, _with_why(by_year, base.value, ind, worse_because))


def held_targets(ind: Indicator, base: Baseline, years: Sequence[int]) -> Targets:
    """A service measure: at least (or at most) the baseline every year."""
    by_year = dict.fromkeys(years, base.value)
    word = "at least" if ind.direction == "increase" else "at most"
    return Targets(
        by_year, f"{word} {figure(base.value, ind.unit)} each year {years[0]}-{years[-1]}"
    )


def _with_why(by_year: Mapping[int, float], base: float, ind: Indicator, why: str) -> str:
    text = "; ".join(f"{figure(v, ind.unit)} in {y}" for y, v in by_year.items())
    sign = 1.0 if ind.direction == "increase" else -1.0
    worse = [y for y, v in by_year.items() if sign * (round(v, 1) - round(base, 1)) < 0]
    if worse:
        text += f" (worse than the baseline in {', '.join(map(str, worse))} because {why})"
    return text


def reductions(services: Sequence[tuple[str, str, float, float]], otherwise: str) -> str:
    """Why outcomes fall: the services reduced or ended, from (name, decision, today,
    final year) of the services behind the figure; `otherwise` where none is cut."""
    cut = [(name, today - final) for name, decision, today, final in services if final < today]
    if not cut:
        return otherwise
    cut.sort(key=lambda x: -x[1])
    names = [n for n, _ in cut[:3]]
    more = f" and {len(cut) - 3} more" if len(cut) > 3 else ""
    return "the plan reduces or ends " + ", ".join(names) + more
