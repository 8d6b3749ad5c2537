"""Reading and validating a data folder and a scenario into frozen, typed inputs."""

from commissioning.inputs.model import (
    COUNTY,
    EVIDENCE_LEVELS,
    LEVELS,
    Budget,
    DataSet,
    District,
    FundingStream,
    Initiative,
    InputError,
    Inputs,
    Outcome,
    Priority,
    Problem,
    Scenario,
)

__all__ = [
    "COUNTY",
    "EVIDENCE_LEVELS",
    "LEVELS",
    "Budget",
    "DataSet",
    "District",
    "FundingStream",
    "InputError",
    "Initiative",
    "Inputs",
    "Outcome",
    "Priority",
    "Problem",
    "Scenario",
]
