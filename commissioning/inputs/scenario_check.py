"""Checking a scenario mapping (model.md section 2) against the data it will run on.

Every problem is recorded with its file, line and key, and checking carries on, so one
run names everything that is wrong. A scenario file is read by `read`; its numbers that
enter the model's coefficients are held to `limits`.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from commissioning.formatting import format_money
from commissioning.inputs.cells import (
    fraction_hint,
    in_range,
    is_number,
    range_text,
    show_number,
    unknown,
)
from commissioning.inputs.limits import scenario_limit_problems
from commissioning.inputs.model import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_EVIDENCE_MULTIPLIER,
    DEFAULT_OUTCOME_VALUE,
    DEFAULT_UNCERTAINTY,
    EVIDENCE_LEVELS,
    LEVELS,
    InputError,
    Inputs,
    Problem,
    Scenario,
    frozen_map,
)
from commissioning.inputs.references import CheckedData, References
from commissioning.inputs.schema import YEARS

SCENARIO_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "start_year",
    "horizon",
    "prevention_share",
    "max_growth",
    "ramp",
    "district_floor",
    "evidence_multiplier",
    "mixed_findings_factor",
    "outcome_value",
    "priority_weights",
    "lock",
    "exclude",
    "discount_rate",
    "reinvest",
    "uncertainty",
    "unit_cost_uncertainty",
    "budget_change",
)

MAX_HORIZON = 100
"""No plan runs a century; a bound keeps a typo (horizon: 30000) from stalling the check."""

# --------------------------------------------------------------------------- scenario


@dataclass(frozen=True)
class CheckedScenario:
    scenario: Scenario | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


class _Keys:
    """Reads a scenario mapping key by key, recording problems with their lines."""

    def __init__(
        self, raw: Mapping[str, object], file: str, lines: Mapping[tuple[object, ...], int]
    ) -> None:
        self.raw = raw
        self.file = file
        self.lines = lines
        self.errors: list[Problem] = []
        self.bad: set[str] = set()

    def problem(self, key: str, message: str, value: object = None, sub: object = None) -> None:
        self.bad.add(key)
        line = self.lines.get((key, sub)) if sub is not None else None
        line = line or self.lines.get((key,))
        shown = None if value is None else str(value)
        self.errors.append(Problem(self.file, message, line, key, shown))

    def number(
        self,
        key: str,
        value: object,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        below: float | None = None,
        above: float | None = None,
        sub: object = None,
        what: str = "",
    ) -> float | None:
        label = what or key
        if not is_number(value):
            self.problem(key, f"{label} must be a number (got {value!r})", value, sub)
            return None
        x = float(cast(float, value))
        if not in_range(x, minimum, above, maximum, below):
            rule = range_text(minimum, above, maximum, below)
            hint = fraction_hint(x, maximum, below)
            self.problem(key, f"{label} must be {rule} (got {show_number(x)}){hint}", value, sub)
            return None
        return x

    def integer(self, key: str, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw.get(key)
        if value is None:
            self.problem(key, f"{key} is required")
            return 0
        if not is_number(value) or not float(cast(float, value)).is_integer():
            self.problem(key, f"{key} must be a whole number (got {value!r})", value)
            return 0
        n = int(cast(float, value))
        if not in_range(n, minimum, None, maximum, None):
            rule = range_text(minimum, None, maximum, None)
            self.problem(key, f"{key} must be {rule} (got {n})", value)
        return n

    def optional_number(
        self, key: str, default: float, minimum: float, maximum: float | None = None
    ) -> float:
        if key not in self.raw or self.raw[key] is None:
            return default
        x = self.number(key, self.raw[key], minimum=minimum, maximum=maximum)
        return default if x is None else x

    def mapping(self, key: str) -> Mapping[object, object]:
        value = self.raw.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem(key, f"{key} must be a mapping of keys to values (got {value!r})", value)
            return {}
        return value

    def id_list(self, key: str, known: tuple[str, ...] | None) -> tuple[str, ...]:
        """Initiative ids, compared as text (YAML 1001 is the id "1001")."""
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            hint = f"; write [{value}]" if _id_text(value) else ""
            self.problem(key, f"{key} must be a list of initiative ids{hint}", value)
            return ()
        out: list[str] = []
        for k, item in enumerate(value):
            iid = _id_text(item)
            if iid is None:
                self.problem(key, f"{item!r} is not an initiative id", item, k)
                continue
            if iid in out:
                self.problem(key, f"initiative {iid} is listed twice", iid, k)
                continue
            if known is not None and iid not in known:
                self.problem(key, unknown("initiative", iid, known), iid, k)
                continue
            out.append(iid)
        return tuple(out)


def _id_text(value: object) -> str | None:
    """An id from YAML or the app: text as is, a whole number as its digits."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def check_scenario(
    raw: Mapping[str, object],
    references: References,
    file: str = "scenario.yaml",
    lines: Mapping[tuple[object, ...], int] | None = None,
) -> CheckedScenario:
    """Validate a scenario mapping (model.md section 2) against the data it will run on."""
    keys = _Keys(raw, file, lines or {})
    warnings: list[Problem] = []
    for key in raw:
        if str(key) not in SCENARIO_KEYS:
            close = difflib.get_close_matches(str(key), SCENARIO_KEYS, n=1, cutoff=0.7)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            keys.problem(
                str(key),
                f"unknown key '{key}' (known: {', '.join(SCENARIO_KEYS)}){hint}",
                key,
            )

    name_value = raw.get("name")
    name = ""
    if name_value is None or (isinstance(name_value, str) and not name_value.strip()):
        keys.problem("name", "name is required")
    elif isinstance(name_value, str | int | float) and not isinstance(name_value, bool):
        name = str(name_value).strip()
    else:
        keys.problem("name", f"name must be text (got {name_value!r})", name_value)
    description_value = raw.get("description")
    description = ""
    if isinstance(description_value, str):
        description = description_value.strip()
    elif description_value is not None:
        keys.problem("description", "description must be text", description_value)

    start_year = keys.integer("start_year", *YEARS)
    horizon = keys.integer("horizon", minimum=1, maximum=MAX_HORIZON)
    years_ok = not ({"start_year", "horizon"} & keys.bad)

    shares = _prevention_share(keys, horizon if years_ok else None)
    max_growth = keys.optional_number("max_growth", 0.25, minimum=0)
    ramp = keys.optional_number("ramp", 0.5, minimum=0)
    district_floor = keys.optional_number("district_floor", 0.8, minimum=0, maximum=1)
    mixed_factor = keys.optional_number("mixed_findings_factor", 0.75, minimum=0, maximum=1)
    multipliers = _merged(
        keys,
        "evidence_multiplier",
        DEFAULT_EVIDENCE_MULTIPLIER,
        {e.lower(): e for e in EVIDENCE_LEVELS},
        "an evidence level",
    )
    outcome_value = _merged(
        keys,
        "outcome_value",
        {str(k): v for k, v in DEFAULT_OUTCOME_VALUE.items()},
        {str(k): str(k) for k in LEVELS},
        "a level",
    )
    named_levels = tuple(
        sorted(
            int(level)
            for k in keys.mapping("outcome_value")
            if (level := _id_text(k)) is not None and level in {str(v) for v in LEVELS}
        )
    )
    discount_rate = keys.optional_number("discount_rate", DEFAULT_DISCOUNT_RATE, minimum=0)
    reinvest = keys.optional_number("reinvest", 0.0, minimum=0, maximum=1)
    uncertainty = _merged(
        keys,
        "uncertainty",
        DEFAULT_UNCERTAINTY,
        {e.lower(): e for e in EVIDENCE_LEVELS},
        "an evidence level",
        maximum=1.0,
    )
    cost_uncertainty = keys.optional_number("unit_cost_uncertainty", 0.1, minimum=0, maximum=0.99)
    budget_change = _budget_change(keys, references.stream_ids, horizon if years_ok else None)
    weights = _priority_weights(keys, references.priority_ids)
    lock = keys.id_list("lock", references.initiative_ids)
    exclude = keys.id_list("exclude", references.initiative_ids)

    for iid in exclude:
        if iid in lock:
            keys.problem(
                "exclude",
                f"initiative {iid} is both locked and excluded; it can only be one",
                iid,
            )
        i = references.initiatives.get(iid)
        if i is not None and i.min_budget > 0:
            keys.problem(
                "exclude",
                f"initiative {iid} has a protected min_budget of {format_money(i.min_budget)} "
                "a year, so it cannot be excluded",
                iid,
            )

    if years_ok:
        years = tuple(range(start_year, start_year + horizon))
        keys.errors += _budget_coverage(references, years, name)
        _price_years(references, start_year, keys.errors, warnings)
    if "max_growth" not in keys.bad:
        keys.errors += _floors_within_growth(references, max_growth)

    if not keys.errors and not ({"evidence_multiplier", "mixed_findings_factor"} & keys.bad):
        for iid in lock:
            i = references.initiatives.get(iid)
            if i is None:
                continue
            m = multipliers[i.evidence_level] * (mixed_factor if i.mixed_findings else 1.0)
            if m == 0:
                warnings.append(
                    Problem(
                        file,
                        f"initiative {iid} is locked although its evidence multiplier is 0 "
                        f"(evidence level {i.evidence_level}): it is held at "
                        f"{format_money(i.current_budget)} a year but adds no value",
                        keys.lines.get(("lock",)),
                        "lock",
                        iid,
                        "warning",
                    )
                )

    keys.errors += scenario_limit_problems(raw, file, keys.lines)
    if keys.errors:
        return CheckedScenario(None, tuple(keys.errors), tuple(warnings))
    scenario = Scenario(
        name=name,
        description=description,
        start_year=start_year,
        horizon=horizon,
        prevention_share=shares,
        max_growth=max_growth,
        ramp=ramp,
        district_floor=district_floor,
        evidence_multiplier=frozen_map({e: multipliers[e] for e in EVIDENCE_LEVELS}),
        mixed_findings_factor=mixed_factor,
        outcome_value=frozen_map({k: outcome_value[str(k)] for k in LEVELS}),
        priority_weights=frozen_map(weights),
        lock=lock,
        exclude=exclude,
        outcome_value_named=named_levels,
        discount_rate=discount_rate,
        reinvest=reinvest,
        uncertainty=frozen_map({e: uncertainty[e] for e in EVIDENCE_LEVELS}),
        unit_cost_uncertainty=cost_uncertainty,
        budget_change=frozen_map(budget_change),
    )
    return CheckedScenario(scenario, (), tuple(warnings))


def _prevention_share(keys: _Keys, horizon: int | None) -> tuple[float, ...]:
    value = keys.raw.get("prevention_share", 0.0)
    n = horizon or 1
    if value is None:
        value = 0.0
    if isinstance(value, list | tuple):
        if horizon is not None and len(value) != horizon:
            keys.problem(
                "prevention_share",
                f"prevention_share lists {len(value)} shares but the horizon is {horizon} "
                "years: give one number, or exactly one per planning year",
                value,
            )
            return ()
        got = [
            keys.number("prevention_share", v, minimum=0, below=1, sub=k)
            for k, v in enumerate(value)
        ]
        return tuple(x for x in got if x is not None)
    x = keys.number("prevention_share", value, minimum=0, below=1)
    return (x,) * n if x is not None else ()


def _merged(
    keys: _Keys,
    key: str,
    defaults: Mapping[str, float],
    allowed: Mapping[str, str],
    kind: str,
    maximum: float | None = None,
) -> dict[str, float]:
    """Values given by key, merged over the defaults; keys matched as text, any case."""
    out = dict(defaults)
    for k, v in keys.mapping(key).items():
        text = _id_text(k)
        name = allowed.get(text.lower()) if text is not None else None
        if name is None:
            keys.problem(
                key,
                f"'{k}' is not {kind} (allowed: {', '.join(allowed.values())})",
                k,
                str(k),
            )
            continue
        x = keys.number(key, v, minimum=0, maximum=maximum, sub=str(k), what=f"{key} of {name}")
        if x is not None:
            out[name] = x
    return out


def _priority_weights(keys: _Keys, known: tuple[str, ...] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in keys.mapping("priority_weights").items():
        pid = _id_text(k)
        if pid is None or (known is not None and pid not in known):
            keys.problem("priority_weights", unknown("priority", str(k), known or ()), k, str(k))
            continue
        x = keys.number(
            "priority_weights", v, above=0, sub=str(k), what=f"weight of priority {pid}"
        )
        if x is not None:
            out[pid] = x
    return out


def _budget_change(
    keys: _Keys, streams: tuple[str, ...] | None, horizon: int | None
) -> dict[str, tuple[float, ...]]:
    """By stream: a fraction > -1, or one per planning year, as one per planning year."""
    out: dict[str, tuple[float, ...]] = {}
    for k, v in keys.mapping("budget_change").items():
        sid = _id_text(k)
        if sid is None or (streams is not None and sid not in streams):
            keys.problem("budget_change", unknown("stream", str(k), streams or ()), k, str(k))
            continue
        what = f"budget change of stream {sid}"
        if isinstance(v, list | tuple):
            if horizon is not None and len(v) != horizon:
                keys.problem(
                    "budget_change",
                    f"the {what} lists {len(v)} changes but the horizon is {horizon} years: "
                    "give one number, or exactly one per planning year",
                    v,
                    str(k),
                )
                continue
            got = [keys.number("budget_change", x, above=-1, sub=str(k), what=what) for x in v]
            if all(x is not None for x in got):
                out[sid] = tuple(cast(float, x) for x in got)
            continue
        x = keys.number("budget_change", v, above=-1, sub=str(k), what=what)
        if x is not None:
            out[sid] = (x,) * (horizon or 1)
    return out


def _price_years(
    references: References, start_year: int, errors: list[Problem], warnings: list[Problem]
) -> None:
    """Costs are re-priced to the start year: the index must cover every year involved."""
    if not references.cost_years:
        return
    if references.price_years is None:
        for year, row in references.cost_years:
            if year != start_year:
                warnings.append(
                    Problem(
                        references.cost_file,
                        f"this cost is in {year} prices and there is no price index "
                        f"(prices.csv), so it is used as written in the plan's {start_year} "
                        "prices",
                        row,
                        "price_year",
                        str(year),
                        "warning",
                        references.cost_sheet,
                    )
                )
        return
    have = set(references.price_years)
    if start_year not in have:
        errors.append(
            Problem(
                references.price_file,
                f"the price index has no row for {start_year}, the plan's start year, so "
                "costs cannot be brought to the plan's prices",
                column="year",
                sheet=references.price_sheet,
            )
        )
    for year, row in references.cost_years:
        if year not in have:
            errors.append(
                Problem(
                    references.cost_file,
                    f"the price index (prices.csv) has no row for {year}, the price year "
                    "of this cost",
                    row,
                    "price_year",
                    str(year),
                    sheet=references.cost_sheet,
                )
            )


def _floors_within_growth(references: References, max_growth: float) -> list[Problem]:
    """A running service cannot be raised to its protected floor in more than one year's
    growth: the floor would make the first year infeasible (model.md section 1)."""
    problems = []
    for i in references.initiatives.values():
        reach = (1 + max_growth) * i.current_budget
        if i.is_running and i.min_budget > reach + 1e-9:
            problems.append(
                Problem(
                    references.initiative_file,
                    f"the protected floor of {format_money(i.min_budget)} is more than this "
                    f"running service can grow to in one year ({format_money(reach)}: its "
                    f"budget of {format_money(i.current_budget)} plus the scenario's growth "
                    f"limit of {max_growth:.0%}); lower the floor or raise max_growth",
                    i.row,
                    "min_budget",
                    show_number(i.min_budget),
                    sheet=references.initiative_sheet,
                )
            )
    return problems


def _budget_coverage(references: References, years: Sequence[int], scenario: str) -> list[Problem]:
    """Every stream has exactly one budget row in every planning year."""
    if references.budget_keys is None or references.stream_ids is None:
        return []
    problems: list[Problem] = []
    file, sheet = references.budget_file, references.budget_sheet
    wanted = set(years)
    first: dict[tuple[str, int], int | None] = {}
    for sid, year, row in references.budget_keys:
        if year not in wanted:
            continue
        if (sid, year) in first:
            where = first[(sid, year)]
            also = f" (first at row {where})" if where is not None else ""
            problems.append(
                Problem(
                    file,
                    f"a second row for stream {sid} in {year}{also}; each stream needs "
                    "exactly one row per planning year",
                    row,
                    "year",
                    str(year),
                    sheet=sheet,
                )
            )
        else:
            first[(sid, year)] = row
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    for sid in references.stream_ids:
        absent = [y for y in years if (sid, y) not in first]
        if absent:
            listed = ", ".join(str(y) for y in absent)
            problems.append(
                Problem(
                    file,
                    f"stream {sid} has no budget row for {listed} (scenario "
                    f"'{scenario}' plans {span}); add one row per stream and planning year",
                    column="year",
                    sheet=sheet,
                )
            )
    return problems


# --------------------------------------------------------------------------- together


def is_table_problem(problem: Problem) -> bool:
    """Whether a problem is about the tables (a CSV file or a sheet), not the scenario."""
    return problem.sheet is not None or problem.file.lower().endswith(".csv")


def combine(
    checked: CheckedData, scenario: CheckedScenario | None, extra: Sequence[Problem] = ()
) -> Inputs:
    """Inputs from checked data and scenario, or InputError with every problem found."""
    errors = [*checked.errors, *extra]
    warnings = list(checked.warnings)
    if scenario is not None:
        errors += scenario.errors
        warnings += scenario.warnings
    if errors or checked.data is None or scenario is None or scenario.scenario is None:
        raise InputError(tuple(errors), tuple(warnings))
    return Inputs(checked.data, scenario.scenario, tuple(warnings))
