"""The entry points: a data folder and a scenario in, validated `Inputs` (or every problem) out.

`load` is what the command line uses; `parse_scenario` and `with_scenario` let the app
re-plan with a scenario built from sliders without reading anything again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from commissioning.inputs.consultation import consultation_problems
from commissioning.inputs.model import DataSet, InputError, Inputs, Problem, Scenario
from commissioning.inputs.read import SCENARIO_FILE, RawScenario, read_scenario, read_tables
from commissioning.inputs.validate import (
    CheckedScenario,
    References,
    check_scenario,
    combine,
    is_table_problem,
    validate_tables,
)


def load(data_dir: Path, scenario_path: Path | None = None) -> Inputs:
    """Read and validate a data folder and a scenario together.

    The scenario is `scenario_path`, else the folder's scenario.yaml. Raises InputError
    naming every problem in every file at once; warnings travel on `Inputs.warnings`.
    Files are only read, never written.
    """
    data_dir = Path(data_dir)
    checked = validate_tables(read_tables(data_dir))
    path = Path(scenario_path) if scenario_path is not None else data_dir / SCENARIO_FILE
    if scenario_path is None and not data_dir.is_dir():
        return combine(checked, None)  # the missing folder is the one problem to report
    # the consultation record never enters the plan, but it is checked here, at the boundary
    record = consultation_problems(data_dir)
    if scenario_path is None and not path.is_file():
        missing = Problem(
            SCENARIO_FILE,
            f"no scenario: give a scenario file, or put {SCENARIO_FILE} in {data_dir}",
        )
        return combine(checked, None, (*record, missing))
    return combine(checked, check_read_scenario(read_scenario(path), checked.references), record)


def check_read_scenario(raw: RawScenario, references: References) -> CheckedScenario:
    """A scenario file as read, checked against the data's references: no scenario when it
    could not be read or has any problem (the problems of reading it come first). One
    routine for a data folder (`load`) and for files uploaded to the app."""
    if raw.values is None:
        return CheckedScenario(None, raw.problems, ())
    result = check_scenario(raw.values, references, raw.file, raw.lines)
    if raw.problems:
        result = CheckedScenario(None, (*raw.problems, *result.errors), result.warnings)
    return result


def default_scenario(data: DataSet) -> dict[str, object] | None:
    """A plain scenario over the budget years every stream covers, for data that comes
    without one (in the scenario file's vocabulary), or None when no year is covered."""
    streams = [s.stream_id for s in data.streams]
    years = {b.year for b in data.budgets}
    covered = sorted(y for y in years if all((s, y) in data.budget_by_key for s in streams))
    if not covered:
        return None
    start, horizon = covered[0], 1
    while start + horizon in covered:
        horizon += 1
    raw = {"name": "Default scenario", "start_year": start, "horizon": horizon}
    try:
        return parse_scenario(raw, data).to_dict()
    except InputError:
        return None


def load_data(data_dir: Path) -> tuple[DataSet, tuple[Problem, ...]]:
    """Read and validate a data folder alone: the data set and its warnings.

    Budgets are checked against a scenario's years only once there is one.
    """
    checked = validate_tables(read_tables(Path(data_dir)))
    if checked.errors or checked.data is None:
        raise InputError(checked.errors, checked.warnings)
    return checked.data, checked.warnings


def parse_scenario(raw: Mapping[str, object], data: DataSet, file: str = SCENARIO_FILE) -> Scenario:
    """A scenario from a mapping (a parsed YAML file, or the app's sliders) for this data.

    Raises InputError with every problem; a valid scenario's warnings (a locked service
    rated not effective) come with `with_scenario`.
    """
    result = check_scenario(raw, References.of(data), file)
    if result.scenario is None:
        raise InputError(result.errors, result.warnings)
    return result.scenario


def with_scenario(
    inputs_or_data: Inputs | DataSet, raw: Mapping[str, object], file: str = SCENARIO_FILE
) -> Inputs:
    """The same data under another scenario, with the data's warnings kept.

    Given `Inputs`, their table warnings are kept and the old scenario's replaced; given a
    bare `DataSet`, only the new scenario's warnings are known.
    """
    if isinstance(inputs_or_data, Inputs):
        data = inputs_or_data.data
        kept = tuple(w for w in inputs_or_data.warnings if is_table_problem(w))
    else:
        data, kept = inputs_or_data, ()
    result = check_scenario(raw, References.of(data), file)
    if result.scenario is None:
        raise InputError(result.errors, (*kept, *result.warnings))
    # a table warning the new scenario finds again (a cost's price year) is listed once
    return Inputs(data, result.scenario, tuple(dict.fromkeys((*kept, *result.warnings))))
