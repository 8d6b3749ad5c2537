"""The standard wording each document takes from the `wording:` block of its YAML file.

Headings of tables, notes and the words a table shows when it is empty are the partnership's
to change, so they live in `specs/` with the sections; the code names each by a key, and the
keys are declared here once so that `load_content` reports a missing or unknown one as a
clear error before any document is built. Sentences built from figures stay in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SUMMARY: tuple[str, ...] = (
    "spend_levels",
    "spend_priorities",
    "spend_districts",
    "spend_streams",
    "outcomes_table",
    "decisions_table",
    "decisions_total",
    "savings_table",
    "savings_empty",
    "rules_empty",
    "held_title",
    "held_rule",
    "decision_approve",
    "decision_approve_changes",
    "decision_not_approve",
)
SLA: tuple[str, ...] = (
    "spend_levels",
    "spend_priorities",
    "needs_table",
    "resources_table",
    "resources_empty",
    "services_table",
    "services_empty",
    "targets_table",
    "targets_empty",
    "local_targets_table",
)

SPEC: tuple[str, ...] = (
    "budget_table",
    "budget_empty",
    "targets_table",
    "targets_new",
    "targets_held",
    "measures_table",
    "no_contract_end",
)

WORDING_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"summary": SUMMARY, "sla": SLA, "spec": SPEC}
)
"""By document kind: the keys its `wording:` block must give (no more, no fewer)."""
