"""The decisions a plan makes about each service, and the thresholds that decide them
(docs/model.md section 4), defined once beside the result that carries them: the allocator
decides with them, and explanations, robustness checks, the terminal, the workbook, the
documents and the app name them with them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from commissioning.formatting import format_percent

Decision = Literal["commission", "not_commissioned", "decommission", "grow", "reduce", "maintain"]
DECISIONS: tuple[Decision, ...] = (
    "commission",
    "not_commissioned",
    "decommission",
    "grow",
    "reduce",
    "maintain",
)

FUNDED = 1.0
"""£ a year below which a service counts as not funded (the decision rule's threshold)."""

BAND = 0.05
"""A change within 5% of a budget is no change: the decision rule's band (model.md 4)."""

_WORDS: tuple[tuple[Decision, str, str, str], ...] = (
    # decision, label, as said of a service, as the verb of a sentence
    ("commission", "Commission", "commissioned", "is commissioned"),
    ("grow", "Grow", "grown", "grows"),
    ("maintain", "Maintain", "maintained", "is maintained"),
    ("reduce", "Reduce", "reduced", "is reduced"),
    ("decommission", "Decommission", "decommissioned", "is decommissioned"),
    ("not_commissioned", "Not commissioned", "not commissioned", "is not commissioned"),
)
"""Every decision's words in one table, in the order people read them: new money first,
then existing services from growing to ending."""

DECISION_LABELS: Mapping[str, str] = MappingProxyType({w[0]: w[1] for w in _WORDS})
"""Each decision as a label (a table cell, a filter, a heading)."""

DECISION_DONE: Mapping[str, str] = MappingProxyType({w[0]: w[2] for w in _WORDS})
"""Each decision as people say it of a service: "decommissioned in 97% of ..."."""

DECISION_CLAUSE: Mapping[str, str] = MappingProxyType({w[0]: w[3] for w in _WORDS})
"""Each decision as the verb of a sentence about a service: "Family Hub grows"."""

DECISION_TITLES: Mapping[str, str] = MappingProxyType(
    {
        d: {
            "commission": "Commissioned (new services)",
            "not_commissioned": "Considered and not commissioned",
        }.get(d, done[:1].upper() + done[1:])
        for d, done in DECISION_DONE.items()
    }
)
"""Each decision as the heading of a group of services: the vocabulary's words ("Grown"),
saying which services a commissioning or a non-commissioning is about."""
_BAND = format_percent(BAND)
DECISION_MEANINGS: Mapping[str, str] = MappingProxyType(
    {
        "commission": "new programmes funded by the plan",
        "grow": f"existing services growing by more than {_BAND}",
        "maintain": f"existing services kept within {_BAND} of today's budget",
        "reduce": f"existing services reduced by more than {_BAND}",
        "decommission": "existing services whose funding ends within the plan",
        "not_commissioned": "candidate programmes the plan does not fund",
    }
)
"""What each decision means, for the board summary's key, with the vocabulary's band."""


def decision_words(decision: str) -> str:
    """A decision in running text, lower case: 'not commissioned', 'grow'."""
    return DECISION_LABELS[decision].lower()


def decide(is_candidate: bool, current: float, final: float) -> Decision:
    """The decision of model.md section 4, read on the final-year amount."""
    if is_candidate:
        return "commission" if final >= FUNDED else "not_commissioned"
    if final < FUNDED:
        return "decommission"
    if final > (1 + BAND) * current:
        return "grow"
    if final < (1 - BAND) * current:
        return "reduce"
    return "maintain"


assert set(DECISION_LABELS) == set(DECISION_DONE) == set(DECISION_CLAUSE) == set(DECISIONS)
