"""The standard wording each document takes from the `wording:` block of its YAML file.

Headings of tables, notes, the words a table shows when it is empty and the sentences that
carry the plan's figures are the partnership's to change, so they live in `specs/` with the
sections; the code names each by a key, and the keys are declared here once so that
`load_content` reports a missing or unknown one as a clear error before any document is
built. A sentence around figures names them as placeholders (`{budget}`), declared with its
key: the wording must use every one of them and no other, so an edit never drops a figure.
The wording every document shares (approval, consultation, the audit line) is in
`specs/common.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

Keys = Mapping[str, frozenset[str]]
"""Wording keys, each with the placeholders of the plan's figures its text must use."""


def keys(*plain: str, **with_figures: str) -> Keys:
    """Declare wording keys: `plain` ones, and ones whose text carries figures
    (`key="figure other"`: the placeholders, separated by spaces)."""
    out = {k: frozenset[str]() for k in plain}
    out.update({k: frozenset(v.split()) for k, v in with_figures.items()})
    return MappingProxyType(out)


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
    "weighting_costs",
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
    "scorecard_method",
    "scorecard_plan_measure",
    "fewer_reached",
)

SPEC: tuple[str, ...] = (
    "budget_table",
    "budget_empty",
    "targets_table",
    "targets_new",
    "targets_held",
    "measures_table",
    "no_contract_end",
    "monitoring_by_level",
)

SUMMARY_FIGURES: Mapping[str, str] = {
    "weighting": "ratio",
    "prevention_moved": "moved per_pound payback",
    "rule_families_table": "per unit",
}
SLA_FIGURES: Mapping[str, str] = {}
SPEC_FIGURES: Mapping[str, str] = {
    "objective_reach": "reach level level_name where year budget",
    "objective_outcome": "achieving outcome year",
    "objective_report": "outcomes_section standards_section",
    "purpose_commission": "start first final year",
    "purpose_grow": "today final year change",
    "purpose_maintain": "today first start final year",
    "fit_priority": "priority_id priority weight",
    "fit_prevention": "level level_name share year",
    "fit_late": "level level_name",
    "fit_avoids": "per_pound",
    "fit_value": "outcomes",
    "population_who": "where level level_name who",
    "population_paid": "participants year unit_cost need where",
    "participants_table": "unit_cost need level where",
    "targets_below": "year today then",
    "indicators_none_at_level": "level",
    "effect": "effect",
    "monitoring_returns": "returns first last clause",
    "monitoring_against": "section start end outcomes",
    "monitoring_indicators": "indicators",
    "monitoring_escalation": "clause",
    "review_dates": "dates section start end",
    "review_exit": "as_required participants year moving_to where",
    "contract_new": "start",
    "contract_ended": "end ends start",
    "contract_short": "end ends start until",
    "contract_runs": "end ends",
}
RATIONALE: tuple[str, ...] = (
    "value_measure",
    "change_table",
    "change_empty",
    "duplicates_table",
    "duplicates_empty",
    "rules_none",
    "problem_lp",
    "problem_mip",
    "prices_unavailable",
    "prices_held",
    "audit_check",
)
RATIONALE_FIGURES: Mapping[str, str] = {
    "method_value": "unit",
    "method_costs": "discount",
    "method_values": "values multipliers mixed",
    "method_settings": "shares floor growth ramp locked excluded",
    "method_robustness": "draws fragile_below seed",
    "change_confirmed": "figure needed now amount year of_today",
    "cohort": "lost gained",
    "notice_contract": "ends by months change",
    "notice_no_contract": "by months change",
    "prices_table": "given_up",
}
TERMS_FIGURES: Mapping[str, str] = {
    "about_reference": "reference",
    "about_applies": "plan",
}
COMMON_PLAIN: tuple[str, ...] = (
    "status_agreed",
    "approval_recorded",
    "approval_none",
    "consultation_recorded",
    "consultation_none",
    "equality_table",
    "screening_table",
    "journeys_table",
    "audit_none",
    "audit_sealed",
)
COMMON_FIGURES: Mapping[str, str] = {
    "journeys_empty": "where",
    "audit_recorded": "entry hash sealed",
}

QUARTERLY = keys(
    "outcomes_row", "targets_table", "targets_empty", "trend_table", "trend_participants",
    "trend_outcomes", "services_table", "off_track_none", progress_table="quarter year",
)  # fmt: skip
PARTNERSHIP = keys(
    "districts_table", "outcomes_table", "value_table", "value_table_empty", "value_empty",
    "value_note", "off_track_table", "off_track_empty",
)  # fmt: skip

WORDING_KEYS: Mapping[str, Keys] = MappingProxyType(
    {
        "summary": keys(*SUMMARY, **SUMMARY_FIGURES),
        "sla": keys(*SLA, **SLA_FIGURES),
        "spec": keys(*SPEC, **SPEC_FIGURES),
        "rationale": keys(*RATIONALE, **RATIONALE_FIGURES),
        "terms": keys(**TERMS_FIGURES),
        "quarterly": QUARTERLY,
        "partnership": PARTNERSHIP,
    }
)
"""By document kind: the keys its `wording:` block must give (no more, no fewer)."""

COMMON: Keys = keys(*COMMON_PLAIN, **COMMON_FIGURES)
"""The keys of `specs/common.yaml`: wording every document shares."""


@dataclass(frozen=True)
class Words(Mapping[str, str]):
    """A document's standard wording from `specs/`, its placeholders filled: `words[key]`
    for a heading or a note, `words.say(key, figure=...)` for a sentence around the plan's
    figures (declared with its key above, so the wording names each one)."""

    raw: Mapping[str, str]
    fields: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.raw[key].format_map(self.fields)

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def say(self, key: str, **figures: object) -> str:
        return self.raw[key].format_map({**self.fields, **{k: str(v) for k, v in figures.items()}})
