"""The toolkit's use cases, each written once for its two front ends (the command line and
the app): load the data and a scenario, plan, read a result file and check it belongs to
the data, prepare the documents, and keep a run (and what is kept with it) in the store.

This layer sits after the core (inputs, allocator, explain, documents, store) and before
the front ends; it never prints and never chooses an exit status: it returns values or
raises the core's errors, and the front end says what happened in its own way.
Heavy modules (the solver, the documents, SQLAlchemy) are imported only when used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from commissioning.inputs.model import DataSet, Inputs, Problem
from commissioning.inputs.read import SCENARIO_FILE, RawTables

if TYPE_CHECKING:
    from commissioning.allocator.result import Result
    from commissioning.allocator.solvers import SolverName
    from commissioning.documents.content import Content
    from commissioning.documents.contexts import Plan
    from commissioning.documents.contexts.governance import Governance
    from commissioning.inputs.returns import Returns
    from commissioning.robustness.summary import Robustness
    from commissioning.store.returns import ReturnsRecord
    from commissioning.store.robustness import CheckRecord
    from commissioning.store.store import Store

T = TypeVar("T")


# --------------------------------------------------------------------------- loading


def load(data_dir: Path, scenario: Path | None = None) -> Inputs:
    """A data folder and a scenario (default: the folder's scenario.yaml), read and
    validated together; raises InputError naming every problem in every file."""
    from commissioning.inputs.loading import load as load_inputs

    return load_inputs(data_dir, scenario)


@dataclass(frozen=True)
class LoadedFiles:
    """Data given as files (an upload, the app's edits), read and validated: the data set
    or every problem, and its own scenario or, failing that, a default one."""

    tables: RawTables
    data: DataSet | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    scenario: Mapping[str, object] | None
    """The data's own scenario (or a default), in the scenario file's vocabulary."""
    scenario_problems: tuple[Problem, ...] = ()
    """Why the data's own scenario could not be used (a default is used instead)."""


def load_files(
    files: Mapping[str, bytes],
    label: str,
    scenario: bytes | None = None,
    scenario_name: str = SCENARIO_FILE,
) -> LoadedFiles:
    """Files (name -> bytes) and a scenario file read and validated as `load` reads a
    folder, keeping every problem rather than raising, so a page can show them all."""
    from commissioning.inputs.consultation import consultation_problems
    from commissioning.inputs.loading import check_read_scenario, default_scenario
    from commissioning.inputs.read import read_scenario, read_tables
    from commissioning.inputs.validate import References, validate_tables

    raw = read_tables(files, label=label)
    checked = validate_tables(raw)
    record = consultation_problems(files)  # checked at the boundary, as `load` does
    errors = (*checked.errors, *record)
    data = None if record else checked.data
    chosen: Mapping[str, object] | None = None
    problems: tuple[Problem, ...] = ()
    if data is not None:
        if scenario is not None:
            found = check_read_scenario(read_scenario(scenario, scenario_name), References.of(data))
            if found.scenario is None:
                problems = found.errors
            else:
                chosen = found.scenario.to_dict()
        if chosen is None:
            chosen = default_scenario(data)
    return LoadedFiles(raw, data, errors, checked.warnings, chosen, problems)


# --------------------------------------------------------------------------- planning


def plan(inputs: Inputs, solver: SolverName = "highs") -> Result:
    """The optimal plan for these inputs; raises InfeasiblePlan (with the diagnosis) when
    there is none, and SolverError when the solver fails."""
    from commissioning.allocator import allocate

    return allocate(inputs, solver)


# --------------------------------------------------------------------------- results


class ResultMismatch(ValueError):
    """A result file made from other data than the data given (its fingerprint differs)."""

    def __init__(self, path: Path, found: str, expected: str) -> None:
        self.path, self.found, self.expected = Path(path), found, expected
        super().__init__(
            f"{path} was made from other inputs (fingerprint {found[:12]}..., these inputs "
            f"{expected[:12]}...): run allocate again on these inputs"
        )


class NoPlan(ValueError):
    """A result file of an infeasible scenario, where a plan is needed."""


def read_result_file(path: Path) -> Result:
    """A result file as written by `allocate`; raises OSError, or ValueError, KeyError or
    TypeError when it is not one."""
    from commissioning.allocator.result import Result

    return Result.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def check_belongs(result: Result, inputs: Inputs, path: Path) -> None:
    """Raise ResultMismatch unless `result` (read from `path`) was made from `inputs`."""
    if not result.made_from(inputs):
        from commissioning.inputs.fingerprint import fingerprint

        raise ResultMismatch(path, result.provenance.inputs_sha256, fingerprint(inputs))


def read_result(path: Path, inputs: Inputs, *, need_plan: bool = True) -> Result:
    """A result file, checked to belong to these inputs and, unless `need_plan` is False,
    to hold a plan. Raises OSError, ValueError (ResultMismatch, NoPlan), KeyError or
    TypeError, each with a message fit to show."""
    result = read_result_file(path)
    check_belongs(result, inputs, path)
    if need_plan and result.status != "optimal":
        raise NoPlan(f"{path} holds an infeasible scenario: there is no plan to explain")
    return result


def read_robustness(path: Path) -> Robustness:
    """A robustness file as written by `robustness`; raises OSError, ValueError, KeyError
    or TypeError when it is not one."""
    from commissioning.robustness.summary import Robustness

    return Robustness.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- documents


def prepare_documents(
    inputs: Inputs,
    result: Result,
    robustness: Robustness | None = None,
    content: Content | None = None,
    data: Path | None = None,
    consultation: bytes | None = None,
) -> Plan:
    """What every document of a plan is built from: the plan, the data and the wording in
    specs/ (`content`, read now unless the caller keeps it), checked once, with what the
    store and the data folder (`data`) say of its governance; `consultation` is the content
    of a consultation record that came without a folder (the app's data is files' contents).
    Raises ContentError (the wording), DocumentError (the plan) or InputError (the
    consultation record)."""
    from commissioning.documents.content import load_content
    from commissioning.documents.contexts import prepare

    wording = content if content is not None else load_content()
    governance = document_governance(data, result, consultation)
    return prepare(inputs, result, wording, robustness=robustness, governance=governance)


def document_governance(
    data: Path | None, result: Result, consultation_file: bytes | None = None
) -> Governance:
    """What the store records of this plan (the latest decision on each proposal, earlier
    plans of its scenario) and the data folder's consultation record (consultation.csv),
    for the documents' approval blocks, document control and consultation record. With no
    store, or a store that does not hold the plan, signature lines stand in. Raises
    InputError for a consultation record with problems. `consultation_file`, the record's
    content, stands in for the folder's where the data came as files (an upload)."""
    from types import MappingProxyType

    from commissioning.documents.contexts.governance import Approval, Governance
    from commissioning.inputs.consultation import consultation_from_bytes, load_consultation
    from commissioning.store.approvals import plan_record

    if data is not None and data.is_dir():
        consultation = load_consultation(data)
    elif consultation_file is not None:
        consultation = consultation_from_bytes(consultation_file)
    else:
        consultation = ()
    record = plan_record(result)
    if record is None:
        return Governance(consultation=consultation)
    previous = record.earlier[0] if record.earlier else None
    return Governance(
        version=len(record.earlier) + 1,
        supersedes=(
            f"the plan {previous.inputs_sha256[:12]} of {previous.created_at[:10]} "
            f"(run {previous.run_id})"
            if previous is not None
            else ""
        ),
        approvals=MappingProxyType(
            {
                d.initiative_id: Approval(
                    d.initiative_id,
                    d.action,
                    d.decided_by,
                    d.decided_at,
                    f"decision {d.id}, run {d.run_id}",
                    d.reason,
                )
                for d in record.decisions
            }
        ),
        consultation=consultation,
    )


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class Kept(Generic[T]):
    """What a write to the store gave back, or, when it failed, why (`warning`, naming the
    store, and the error itself): keeping a record never fails the command or page that
    made it."""

    value: T | None
    warning: str | None = None
    error: Exception | None = None


def _in_store(
    what: str, write: Callable[[Store], T], database: str | None = None, shared: bool = False
) -> Kept[T]:
    """Do one write in the store at `database` (default: $DATABASE_URL, else the default
    file): in a store opened for it and closed after, or, `shared`, in the one the process
    keeps open (the app). On any failure, say why ("{what} in STORE: why")."""
    from commissioning.store.store import Store, display_url, open_store, resolve_url

    try:
        if shared:
            return Kept(write(open_store(database)))
        store = Store.open(database)
        try:
            return Kept(write(store))
        finally:
            store.close()
    except Exception as exc:
        return Kept(None, f"{what} in {display_url(resolve_url(database))}: {exc}", exc)


def record_run(
    inputs: Inputs,
    result: Result,
    origin: str = "cli",
    database: str | None = None,
    shared: bool = False,
    reuse: bool = False,
) -> Kept[tuple[str, Result]]:
    """Keep a plan as a run: (its run id, the result to issue, which carries the audit
    trail's head). Stored before any file is written, so the files carry that head.

    With `reuse`, a run already kept from exactly these inputs and settings is returned
    instead of a new one (the workbench: a control moved away and back adds nothing)."""

    def keep(store: Store) -> tuple[str, Result]:
        if reuse:
            from commissioning.store.reuse import issue_once

            run_id, issued, _ = issue_once(store, inputs, result, origin=origin)
            return run_id, issued
        return store.issue(inputs, result, origin=origin)

    return _in_store("the plan was not stored as a run", keep, database, shared)


def _run_of(
    store: Store,
    inputs: Inputs,
    result: Result,
    find: Callable[[Store, Result], str | None],
    origin: str,
) -> str:
    """The run that holds this plan (found by `find`), recorded now if the store has none."""
    run_id = find(store, result)
    return run_id if run_id is not None else store.record_allocation(inputs, result, origin=origin)


def record_returns(
    inputs: Inputs, result: Result, returns: Returns, source: str
) -> Kept[tuple[ReturnsRecord, bool]]:
    """Keep providers' returns, linked to the run of the plan they report on (that run is
    stored first if the store does not have it yet): (the record, whether it is new)."""
    from commissioning.store.returns import record_returns as keep
    from commissioning.store.returns import run_of_result

    return _in_store(
        "the returns were not stored",
        lambda store: keep(
            store, _run_of(store, inputs, result, run_of_result, "monitor"), returns, source=source
        ),
    )


def record_check(
    inputs: Inputs, plan: Result, check: Robustness, origin: str = "cli"
) -> Kept[tuple[CheckRecord, bool]]:
    """Keep a robustness check, linked to the run of the plan it checks (that run is
    stored first if the store does not have it yet): (the record, whether it is new)."""
    from commissioning.store.robustness import record_check as keep
    from commissioning.store.robustness import run_of_plan

    return _in_store(
        "the robustness check was not stored",
        lambda store: keep(
            store, _run_of(store, inputs, plan, run_of_plan, "robustness"), check, origin=origin
        ),
    )
