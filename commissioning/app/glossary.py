"""The few terms the workbench must keep, said once in plain English, and the pages' help.

Used for the help icons beside figures and controls and on the About page, so a term
reads the same wherever it appears.
"""

from __future__ import annotations

from collections.abc import Mapping

from commissioning.explain.initiative import ELSEWHERE_METHOD
from commissioning.inputs.vocabulary import LEVEL_NAMES

GLOSSARY: Mapping[str, str] = {
    "Levels of need": ", ".join(f"{lv} {name}" for lv, name in LEVEL_NAMES.items())
    + ". Levels 1-2 are prevention.",
    "Prevention share": "The least share of all spend that goes to services at levels 1-2 in "
    "a year.",
    "Late-intervention cost avoided": "What the plan is worth in pounds: the cost of care, "
    "child protection, CAMHS, youth justice, exclusion and NEET that successful outcomes "
    "avoid, from the cost library, weighted by the priority and the district's need.",
    "Weighted outcomes": "What the plan is worth when the data has no cost library: outcomes "
    "achieved (participants x effect), weighted by evidence, level, priority and need.",
    "Funding envelope": "What a funding stream can spend in a year.",
    "District floor": "Each district receives at least this share of its need-weighted fair "
    "share of spend on district services.",
    "What the same money buys elsewhere": "It is "
    + ELSEWHERE_METHOD.format(per="£1", verb="buy")
    + ". One figure per service, compared with what the service itself achieves.",
    "Price of a rule": "What the plan would gain if the partnership dropped one of its rules, "
    "found by making the plan again without it.",
    "Robust and fragile": "How often a decision holds when effects and costs are drawn from "
    "their plausible ranges; fragile decisions hold in fewer than four futures in five.",
    "Evidence rating": "The Early Intervention Foundation's rating of the evidence that a "
    "programme works: 4 established to 2 preliminary, NL2 not yet level 2, NE found not "
    "effective.",
}
"""Term -> what it means."""

PAGES_HELP: tuple[tuple[str, str], ...] = (
    (
        "Overview",
        "today's spend by level, priority, district and stream, and where services "
        "duplicate each other.",
    ),
    (
        "Register",
        "the services and the other tables; load a folder, upload a workbook or CSV "
        "files, or replace one table by uploading just that table; every problem is listed with "
        "its file, row and column.",
    ),
    (
        "Plan",
        "move the controls in the sidebar (prevention share, district floor, a funding "
        "stream's budget up or down, growth, priorities) and the plan is made again at once. "
        "Beside the prevention share, the highest share these rules allow.",
    ),
    (
        "Compare",
        "two scenarios side by side, with charts of the money by level, district and "
        "stream, the services whose decision differs, and why one scores higher.",
    ),
    ("Explain", "why one service got what it got, as a paragraph you can read out."),
    (
        "Documents",
        "service specifications, district agreements, the plan summary and the "
        "decommissioning rationale.",
    ),
    ("Monitor", "providers' quarterly returns against the plan."),
    (
        "History",
        "the runs kept, opening on the plan on your screen; record a decision on a "
        "proposal, against the run shown.",
    ),
    ("Audit", "the audit trail, checked, and the reasons for each decision."),
)


def help_for(term: str) -> str:
    """The glossary's words for a term (for a help icon)."""
    return GLOSSARY[term]
