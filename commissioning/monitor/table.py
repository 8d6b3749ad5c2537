"""The scorecard as tables: one row per service, district or outcome, for CSV files.

The service table's first columns are the contract of `commissioning monitor --csv`
(docs/monitoring.md); the rest add what a person needs to read a row. Text from the data
is made safe for spreadsheets (a cell starting with =, +, - or @ is not run as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from commissioning.monitor.scorecard import Figures, RollUp, Scorecard, ServiceCard
from commissioning.monitor.value import ValueCard

SERVICE_COLUMNS: tuple[str, ...] = (
    "initiative_id",
    "planned_spend",
    "actual_spend",
    "planned_participants",
    "actual_participants",
    "expected_outcomes",
    "actual_outcomes",
    "spend_rag",
    "participants_rag",
    "outcomes_rag",
    "realised_unit_cost",
    "realised_effect",
    "effect_low",
    "effect_high",
    "name",
    "district_id",
    "year",
    "quarter",
    "missing_quarters",
    "target_outcomes",
    "planned_unit_cost",
    "planned_effect",
)
VALUE_COLUMNS: tuple[str, ...] = ("cost_avoided_planned", "cost_avoided_realised")
"""Added to the service table when the data has a cost library (model v3)."""
PARTNER_COLUMNS: tuple[str, ...] = ("partner", "cashable_planned", "cashable_realised")
ROLLUP_COLUMNS: tuple[str, ...] = (
    "key",
    "name",
    "services",
    "green",
    "amber",
    "red",
    "planned_spend",
    "actual_spend",
    "planned_participants",
    "actual_participants",
    "target_outcomes",
    "expected_outcomes",
    "actual_outcomes",
    "spend_rag",
    "participants_rag",
    "outcomes_rag",
)

Cell = str | int | float


def safe(text: str) -> str:
    """Text a spreadsheet will show as text, never evaluate as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _r(x: float | None, places: int = 2) -> Cell:
    return "" if x is None else round(x, places)


def _figures(f: Figures) -> dict[str, Cell]:
    return {
        "planned_spend": _r(f.planned_spend),
        "actual_spend": _r(f.actual_spend),
        "planned_participants": _r(f.planned_participants),
        "actual_participants": _r(f.actual_participants),
        "expected_outcomes": _r(f.expected_outcomes),
        "actual_outcomes": _r(f.actual_outcomes),
        "target_outcomes": _r(f.target_outcomes),
    }


def service_row(s: ServiceCard) -> dict[str, Cell]:
    """Every figure of one service's scorecard; blank where there were no participants."""
    interval = s.effect_interval
    return {
        "initiative_id": safe(s.initiative_id),
        **_figures(s.figures),
        "spend_rag": s.spend_rag,
        "participants_rag": s.participants_rag,
        "outcomes_rag": s.outcomes_rag,
        "realised_unit_cost": _r(s.realised_unit_cost),
        "realised_effect": _r(s.realised_effect, 4),
        "effect_low": _r(interval[0] if interval else None, 4),
        "effect_high": _r(interval[1] if interval else None, 4),
        "name": safe(s.initiative.name),
        "district_id": safe(s.initiative.district_id),
        "year": s.year,
        "quarter": s.quarter,
        "missing_quarters": ";".join(str(q) for q in s.missing_quarters),
        "planned_unit_cost": _r(s.initiative.unit_cost),
        "planned_effect": _r(s.initiative.effect, 4),
    }


def rollup_row(r: RollUp) -> dict[str, Cell]:
    return {
        "key": safe(r.key),
        "name": safe(r.name),
        "services": len(r.services),
        "green": r.count("green"),
        "amber": r.count("amber"),
        "red": r.count("red"),
        **_figures(r.figures),
        "spend_rag": r.spend_rag,
        "participants_rag": r.participants_rag,
        "outcomes_rag": r.outcomes_rag,
    }


def csv_bytes(columns: Sequence[str], rows: Sequence[dict[str, Cell]]) -> bytes:
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def services_csv(card: Scorecard, value: ValueCard | None = None) -> bytes:
    """One row per service; with a cost library, the cost avoided too."""
    if value is None:
        return csv_bytes(SERVICE_COLUMNS, [service_row(s) for s in card.services])
    rows = []
    for s in card.services:
        avoided = value.services[s.initiative_id]
        rows.append(
            {
                **service_row(s),
                "cost_avoided_planned": _r(avoided.planned),
                "cost_avoided_realised": _r(avoided.realised),
            }
        )
    return csv_bytes((*SERVICE_COLUMNS, *VALUE_COLUMNS), rows)


def partners_csv(value: ValueCard) -> bytes:
    """Cashable savings by partner, planned to date against realised."""
    rows: list[dict[str, Cell]] = [
        {
            "partner": safe(who),
            "cashable_planned": _r(a.planned),
            "cashable_realised": _r(a.realised),
        }
        for who, a in value.cashable_by_partner.items()
    ]
    return csv_bytes(PARTNER_COLUMNS, rows)


def districts_csv(card: Scorecard) -> bytes:
    return csv_bytes(ROLLUP_COLUMNS, [rollup_row(r) for r in card.districts])


def outcomes_csv(card: Scorecard) -> bytes:
    return csv_bytes(ROLLUP_COLUMNS, [rollup_row(r) for r in card.outcomes])
