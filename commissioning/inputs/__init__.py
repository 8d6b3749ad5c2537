"""Reading and validating a data folder and a scenario into frozen, typed inputs.

`load` (folder + scenario -> `Inputs`, or `InputError` naming every problem) is the way
in for the command line; the app uses `parse_scenario` / `with_scenario` to re-plan
without re-reading. `read` is the only module that touches files.
"""

from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.loading import load, load_data, parse_scenario, with_scenario
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
from commissioning.inputs.read import read_tables

__all__ = [
    "COUNTY",
    "EVIDENCE_LEVELS",
    "LEVELS",
    "Budget",
    "DataSet",
    "District",
    "FundingStream",
    "Initiative",
    "InputError",
    "Inputs",
    "Outcome",
    "Priority",
    "Problem",
    "Scenario",
    "fingerprint",
    "load",
    "load_data",
    "parse_scenario",
    "read_tables",
    "with_scenario",
]
