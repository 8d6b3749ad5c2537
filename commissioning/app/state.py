"""What the workbench keeps between reruns: the data in use, the scenario, cached plans.

Loading, validating, solving and explaining are all done by the package; this module only
decides *when* (cached on the content of the data and the scenario) and keeps the user's
choices in `st.session_state`. Plans and explanations are immutable, so one cached object
is shared safely between sessions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

from commissioning import store
from commissioning.allocator import InfeasiblePlan, Relaxation, Result, SolverError
from commissioning.app import solving
from commissioning.explain.initiative import Explanation, explain_initiative
from commissioning.explain.policy import RulePrice
from commissioning.inputs import (
    InputError,
    Inputs,
    Problem,
    with_scenario,
)
from commissioning.inputs.read import SCENARIO_FILE, TABLES, RawTables
from commissioning.robustness import Robustness, robustness
from commissioning.usecases import LoadedFiles, load_files, record_run

if TYPE_CHECKING:
    from commissioning.store import RunRecord, ScenarioRecord

log = logging.getLogger(__name__)

BUNDLED_DATA = Path(__file__).resolve().parents[2] / "data"
"""The data that comes with the toolkit (a data root by default)."""
SAMPLE_DIR = BUNDLED_DATA / "sample"
"""The bundled, illustrative sample the workbench opens on."""
DATA_ROOT_VARIABLE = "COMMISSIONING_DATA_ROOT"
"""Folders (separated by the system's path separator) under which the "load another
folder" box may open data; by default the bundled data and the uploads folder."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The most that one upload (all its files together), or one data folder's files, may hold."""
MAX_FILES = 20
"""The most table and scenario files one upload or folder may hold."""
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx")
SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
CONTROL_PREFIX = "ctl_"
"""Keys of the scenario controls' widgets, cleared when the scenario is reset."""

Status = Literal["optimal", "invalid", "infeasible", "failed"]


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """Data as files (name -> bytes), however it arrived: a folder, an upload or edits."""

    label: str
    files: Mapping[str, bytes]
    scenario: bytes | None = None
    scenario_name: str = SCENARIO_FILE

    @cached_property
    def key(self) -> str:
        """A hash of the content, so the same data is loaded and solved once."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name] + b"\0")
        h.update(b"scenario\0" + (self.scenario or b""))
        return h.hexdigest()


def source_from_folder(folder: Path, label: str | None = None) -> Source:
    """The table files and scenario of a folder (raises FileNotFoundError if none).

    For folders the toolkit itself names (the bundled sample); a folder a user types goes
    through `source_from_allowed_folder`."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"there is no folder {folder}")
    files = {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
    }
    scenario_path = folder / SCENARIO_FILE
    scenario = scenario_path.read_bytes() if scenario_path.is_file() else None
    return Source(label or _shown_path(folder), files, scenario)


class FolderRefused(Exception):
    """A folder the workbench will not open: absent and not allowed get the same message,
    so the box tells nobody which folders exist on the server."""


def uploads_dir() -> Path:
    """The uploads folder: beside the default store ($COMMISSIONING_HOME/uploads, else
    ~/.local/share/commissioning/uploads)."""
    return store.default_path().parent / "uploads"


def data_roots() -> tuple[tuple[str, Path], ...]:
    """(name shown, folder) of each root the folder box may open data under."""
    import os

    raw = os.environ.get(DATA_ROOT_VARIABLE, "")
    folders = [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]
    if not folders:
        return (("data", BUNDLED_DATA.resolve()), ("uploads", uploads_dir().resolve()))
    return tuple((f.name or "data", f.resolve()) for f in folders)


def source_from_allowed_folder(typed: str) -> Source:
    """The data of a folder under one of the data roots, named as the user typed it
    (relative to a root, starting with the root's name as shown, or a full path under a
    root); raises FolderRefused
    for anything else: outside every root, reached through a symbolic link that leaves
    it, holding such a link, absent, or too large."""
    name = typed.strip()
    roots = data_roots()
    refused = FolderRefused(
        f"There is no data folder “{name}” that the workbench may open. Give a folder "
        f"under {' or '.join(label for label, _ in roots)}, e.g. “sample”."
    )
    asked = Path(name)
    if not name or "\0" in name or name.startswith("~"):
        raise refused
    for label, root in roots:
        parts = asked.parts[1:] if asked.parts[:1] == (label,) else asked.parts
        candidate = asked if asked.is_absolute() else root.joinpath(*parts)
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            continue
        if not real.is_relative_to(root) or not real.is_dir():
            continue
        try:
            return _read_allowed(real, root, f"{label}/{real.relative_to(root)}".rstrip("/."))
        except (FolderRefused, OSError, ValueError):
            raise refused from None
    raise refused


def _read_allowed(folder: Path, root: Path, label: str) -> Source:
    """A folder's tables and scenario, every file checked to stay under `root` (a symbolic
    link out of it is refused, not followed) and the whole within the size limits."""
    wanted = [
        p
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in TABLE_SUFFIXES or p.name == SCENARIO_FILE
    ]
    if len(wanted) > MAX_FILES:
        raise FolderRefused(f"more than {MAX_FILES} files")
    total = 0
    files: dict[str, bytes] = {}
    scenario: bytes | None = None
    for p in wanted:
        real = p.resolve(strict=True)
        if not real.is_relative_to(root):
            raise FolderRefused(f"{p.name} leads out of the data root")
        if not real.is_file():
            continue
        total += real.stat().st_size
        if total > MAX_UPLOAD_BYTES:
            raise FolderRefused("too large")
        content = real.read_bytes()
        if p.name == SCENARIO_FILE:
            scenario = content
        else:
            files[p.name] = content
    return Source(label, files, scenario)


def source_from_uploads(uploads: Iterable[tuple[str, bytes]]) -> tuple[Source, list[str]]:
    """Uploaded files as a source, and notes on any file that was set aside."""
    files: dict[str, bytes] = {}
    scenario: tuple[str, bytes] | None = None
    notes: list[str] = []
    for name, content in uploads:
        base = Path(name).name
        suffix = Path(base).suffix.lower()
        if suffix in SCENARIO_SUFFIXES:
            if scenario is not None:
                notes.append(
                    f"{base} was set aside: only one scenario file ({scenario[0]}) is used"
                )
                continue
            scenario = (base, content)
        elif suffix in TABLE_SUFFIXES:
            files[base] = content
        else:
            notes.append(f"{base} was set aside: only .csv, .xlsx and .yaml files are read")
    names = sorted(files)
    label = "uploaded " + (", ".join(names) if len(names) <= 2 else f"{len(names)} files")
    if scenario is None:
        return Source(label, files), notes
    return Source(label, files, scenario[1], scenario[0]), notes


def source_from_tables(
    label: str,
    tables: Mapping[str, Sequence[str]],
    rows: Mapping[str, Sequence[Sequence[str]]],
    scenario: bytes | None,
    scenario_name: str = SCENARIO_FILE,
) -> Source:
    """A source written as one CSV per table (used for edits made in the app)."""
    files = {}
    for table, columns in tables.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows[table])
        files[f"{table}.csv"] = buffer.getvalue().encode("utf-8")
    return Source(label, files, scenario, scenario_name)


def _shown_path(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Loaded(LoadedFiles):
    """A source read and validated by the package: a data set, or every problem."""

    source: Source = field(kw_only=True)

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def ok(self) -> bool:
        return self.data is not None and self.scenario is not None

    def all_problems(self) -> tuple[Problem, ...]:
        return (*self.errors, *self.scenario_problems, *self.warnings)


@st.cache_resource(max_entries=16, show_spinner=False)
def _load(key: str, _source: Source) -> Loaded:
    source = _source
    found = load_files(dict(source.files), source.label, source.scenario, source.scenario_name)
    return Loaded(**vars(found), source=source)


def load(source: Source) -> Loaded:
    """The source validated (cached on its content)."""
    return _load(source.key, source)


def sample_source() -> Source:
    return source_from_folder(SAMPLE_DIR, label="bundled sample (data/sample)")


def active() -> Loaded:
    """The data the plan is made on: the bundled sample until the user loads another."""
    if "active" not in st.session_state:
        st.session_state["active"] = sample_source()
    source: Source = st.session_state["active"]
    return load(source)


def use(source: Source) -> Loaded:
    """Make a valid source the one planned on; returns it loaded."""
    loaded = load(source)
    if loaded.ok:
        st.session_state["active"] = source
        st.session_state["draft"] = source
    return loaded


def draft() -> Source:
    """The data being looked at or edited on the Register page (may be invalid)."""
    if "draft" not in st.session_state:
        st.session_state["draft"] = st.session_state.get("active") or sample_source()
    source: Source = st.session_state["draft"]
    return source


def set_draft(source: Source) -> Loaded:
    st.session_state["draft"] = source
    return load(source)


# --------------------------------------------------------------------------- scenario


def scenario_json(scenario: Mapping[str, object]) -> str:
    return json.dumps(scenario, sort_keys=True, default=list)


def scenario(loaded: Loaded) -> dict[str, object] | None:
    """The scenario being planned, reset to the data's own when the data changes."""
    if loaded.scenario is None:
        return None
    if st.session_state.get("scenario_for") != loaded.key:
        reset_scenario(loaded)
    current: dict[str, object] = st.session_state["scenario"]
    return current


def reset_scenario(loaded: Loaded) -> None:
    """Back to the data's own scenario; the controls re-read it on the next run."""
    apply_scenario(loaded, loaded.scenario or {})


def apply_scenario(loaded: Loaded, value: Mapping[str, object]) -> None:
    """Plan `value` on this data from now on; the controls re-read it on the next run.

    Call it from a widget's callback: it clears the controls' widget state.
    """
    st.session_state["scenario"] = dict(value)
    st.session_state["scenario_for"] = loaded.key
    for key in [k for k in st.session_state if str(k).startswith(CONTROL_PREFIX)]:
        del st.session_state[key]


def set_scenario(value: Mapping[str, object]) -> None:
    st.session_state["scenario"] = dict(value)


def saved_scenarios() -> dict[str, dict[str, object]]:
    """Scenarios the user kept for comparison, by name."""
    saved: dict[str, dict[str, object]] = st.session_state.setdefault("saved", {})
    return saved


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Plan:
    """One scenario solved on one data set: a result, or plainly why there is none."""

    scenario: Mapping[str, object]
    data_key: str
    inputs: Inputs | None = None
    result: Result | None = None
    problems: tuple[Problem, ...] = ()
    """The scenario's settings cannot be used (e.g. a service both locked and excluded)."""
    diagnosis: tuple[Relaxation, ...] = ()
    """The rules that would have to give way for an infeasible scenario."""
    error: str | None = None
    seconds: float = 0.0
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def status(self) -> Status:
        if self.result is not None and self.result.status == "optimal":
            return "optimal"
        if self.problems:
            return "invalid"
        if self.diagnosis or (self.result is not None and self.result.status == "infeasible"):
            return "infeasible"
        return "failed"

    @property
    def key(self) -> tuple[str, str]:
        return self.data_key, scenario_json(self.scenario)


def _solve_now(loaded: Loaded, chosen: Mapping[str, object]) -> Plan:
    assert loaded.data is not None
    t0 = time.perf_counter()
    try:
        inputs = with_scenario(loaded.data, chosen)
    except InputError as e:
        return Plan(chosen, loaded.key, problems=e.problems, warnings=e.warnings)
    inputs = replace(inputs, warnings=(*loaded.warnings, *inputs.warnings))
    try:
        result = solving.allocate_limited(inputs)
    except InfeasiblePlan as e:
        return Plan(
            chosen,
            loaded.key,
            inputs,
            e.result,
            diagnosis=e.result.diagnosis,
            seconds=time.perf_counter() - t0,
        )
    except SolverError as e:
        return Plan(chosen, loaded.key, inputs, error=f"The solver failed: {e}")
    return Plan(
        chosen,
        loaded.key,
        inputs,
        result,
        seconds=time.perf_counter() - t0,
        warnings=inputs.warnings,
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def _solve(key: str, chosen_json: str, _loaded: Loaded, _chosen: Mapping[str, object]) -> Plan:
    return _solve_now(_loaded, _chosen)


def solve(loaded: Loaded, chosen: Mapping[str, object]) -> Plan:
    """The plan for a scenario on this data (cached on both), kept in the store as a run.

    A solve stopped for its time limit or a closed connection is said, not cached: the
    next visit tries again."""
    chosen = json.loads(scenario_json(chosen))
    try:
        plan = _solve(loaded.key, scenario_json(chosen), loaded, chosen)
    except solving.SolveStopped as e:
        return Plan(
            chosen,
            loaded.key,
            error=f"No plan: {e}. Try a smaller data set or a simpler scenario, or ask the "
            "workbench's administrator about the time limit.",
        )
    kept = stored(plan)
    if kept is not None and kept.problem is not None:
        _warn_once(kept.problem)
    return plan


def current_plan() -> tuple[Loaded, Plan | None]:
    """The data in use and the plan of the current scenario on it."""
    loaded = active()
    chosen = scenario(loaded)
    if not loaded.ok or chosen is None:
        return loaded, None
    return loaded, solve(loaded, chosen)


@st.cache_resource(max_entries=16, show_spinner=False)
def _prices(key: tuple[str, str], _plan: Plan) -> tuple[RulePrice, ...]:
    assert _plan.inputs is not None and _plan.result is not None
    return solving.rule_prices_limited(_plan.inputs, _plan.result)


def rule_prices(plan: Plan) -> tuple[tuple[RulePrice, ...] | None, str | None]:
    """The price of each policy rule (a re-solve per rule: seconds, so on demand, in a
    worker under the solve time limit): (prices, None), or (None, why there are none).
    A stopped or failed pricing is not cached: asking again tries again."""
    try:
        return _prices(plan.key, plan), None
    except solving.SolveStopped as e:
        return None, (
            f"The prices of the rules were not worked out: {e}. Try again, or ask the "
            "workbench's administrator about the time limit."
        )
    except SolverError as e:
        return None, f"The prices of the rules could not be worked out: the solver failed: {e}."


def has_rule_prices(plan: Plan) -> bool:
    """Whether the prices of this plan's rules were already worked out in this session."""
    done: set[tuple[str, str]] = st.session_state.setdefault("priced", set())
    return plan.key in done


def mark_priced(plan: Plan) -> None:
    done: set[tuple[str, str]] = st.session_state.setdefault("priced", set())
    done.add(plan.key)


@st.cache_resource(max_entries=128, show_spinner=False)
def _explain(key: tuple[str, str], initiative_id: str, confirm: bool, _plan: Plan) -> Explanation:
    assert _plan.inputs is not None and _plan.result is not None
    if confirm:
        return solving.break_even_limited(_plan.inputs, _plan.result, initiative_id)
    return explain_initiative(_plan.inputs, _plan.result, initiative_id, confirm=False)


def explanation(plan: Plan, initiative_id: str, confirm: bool) -> tuple[Explanation, str | None]:
    """Why a service got what it got, and a note when something asked for is missing.

    `confirm` re-solves for the break-even figures, in a worker under the solve time
    limit; when that is stopped or fails, the explanation comes without them (worked out
    here: it needs no solve) with a note saying why. The stopped search is not cached."""
    if not confirm:
        return _explain(plan.key, initiative_id, False, plan), None
    try:
        return _explain(plan.key, initiative_id, True, plan), None
    except solving.SolveStopped as e:
        note = (
            f"What would change the decision was not worked out: {e}. Try again, or ask "
            "the workbench's administrator about the time limit."
        )
    except SolverError as e:
        note = f"What would change the decision could not be worked out: the solver failed: {e}."
    return _explain(plan.key, initiative_id, False, plan), note


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class Stored:
    """Where a plan is kept in the store: its run id, or why it could not be kept."""

    run_id: str | None = None
    problem: str | None = None
    result: Result | None = None
    """The result as kept: with the audit trail's head in its provenance, for downloads."""


def store_url() -> str:
    """The store in use: DATABASE_URL, else the default SQLite file (docs/store.md)."""
    return str(store.resolve_url())


def store_label() -> str:
    """The store in use, for people: its kind, never a server path, host or password."""
    url = store_url()
    return "the PostgreSQL store" if url.startswith("postgresql") else "the workbench's store"


def store_problem(exc: BaseException) -> str:
    """What went wrong with the store, in words, without the server's paths or addresses;
    anything unexpected is logged in full with a reference the user can quote."""
    if isinstance(exc, store.StoreError):
        from commissioning.store.store import display_url

        text = str(exc)
        url = store_url()
        for where in (display_url(url), url, url.removeprefix("sqlite:///")):
            text = text.replace(where, "the configured location")
        return text
    return f"the store could not be used ({logged(exc, 'the store')})"


def logged(exc: BaseException, what: str) -> str:
    """Log an unexpected failure in full (traceback, paths) in the server log; the short
    reference to quote, for the page (which never shows the details)."""
    import secrets

    reference = secrets.token_hex(4)
    log.error("%s failed (reference %s)", what, reference, exc_info=exc)
    return f"reference {reference} in the server log"


@st.cache_resource(max_entries=256, show_spinner=False)
def _record(url: str, key: tuple[str, str], _plan: Plan) -> Stored:
    assert _plan.inputs is not None and _plan.result is not None
    kept = record_run(_plan.inputs, _plan.result, origin="app", database=url, shared=True)
    if kept.value is None:  # never a traceback: the plan is shown whether kept or not
        exc = kept.error or RuntimeError(kept.warning)
        log.warning("the plan was not kept in the store: %s", exc, exc_info=exc)
        return Stored(problem=store_problem(exc))
    run_id, issued = kept.value
    return Stored(run_id=run_id, result=issued)


def stored(plan: Plan) -> Stored | None:
    """The run this plan is kept as: recorded the first time a plan is made for a store,
    then remembered (not recorded again on every rerun). None when there is nothing to keep
    (settings that cannot be used, or a solver failure)."""
    if plan.inputs is None or plan.result is None:
        return None
    return _record(store_url(), plan.key, plan)


def issued(plan: Plan) -> Result | None:
    """The plan's result as issued: as kept in the store, with the audit trail's head in its
    provenance, else (not kept) as solved. Downloads and documents use this one."""
    kept = stored(plan)
    if kept is not None and kept.result is not None:
        return kept.result
    return plan.result


def _warn_once(problem: str) -> None:
    """A quiet note, once a session for each problem, that plans are not being kept."""
    try:
        warned: set[str] = st.session_state.setdefault("store_warned", set())
    except Exception:  # outside a script run (tests calling `solve` directly)
        return
    if problem not in warned:
        warned.add(problem)
        st.toast(f"Plans are not being kept in the store: {problem}", icon=":material/warning:")


def save_scenario(
    chosen: Mapping[str, object], name: str, note: str = ""
) -> tuple[ScenarioRecord, bool]:
    """Save the scenario in the store under `name` (a new version unless unchanged)."""
    document = jsonable(dict(chosen))
    if note.strip():
        document["description"] = note.strip()
    return store.save_scenario(document, name=name.strip(), database=store_url())


def saved_in_store() -> list[ScenarioRecord]:
    """The latest version of every scenario saved in the store, by name."""
    return store.list_scenarios(database=store_url())


def load_saved(
    loaded: Loaded, name: str, version: int | None
) -> tuple[dict[str, object] | None, tuple[Problem, ...]]:
    """A saved scenario checked against the data in use: (its settings, ()) or (None, problems).

    Raises StoreError when the store cannot give it back.
    """
    record = store.load_scenario(name, version, database=store_url())
    assert loaded.data is not None
    try:
        inputs = with_scenario(loaded.data, record.document, f"{name} v{record.version}")
    except InputError as e:
        return None, (*e.problems, *e.warnings)
    return inputs.scenario.to_dict(), ()


@dataclass(frozen=True)
class RunData:
    """A stored run's result and, when they can be had, the inputs it was made from."""

    result: Result
    inputs: Inputs | None
    source: str
    """Where the inputs came from, or why there are none."""


@st.cache_resource(max_entries=32, show_spinner=False)
def _run_data(url: str, run_id: str, data_key: str, _run: RunRecord, _loaded: Loaded) -> RunData:
    result = Result.from_json(_run.document)
    if _loaded.data is not None:
        try:
            inputs = with_scenario(_loaded.data, result.provenance.scenario_settings)
        except InputError:
            inputs = None
        if inputs is not None and result.made_from(inputs):
            inputs = replace(inputs, warnings=(*_loaded.warnings, *inputs.warnings))
            return RunData(result, inputs, "the data in use")
    try:
        rebuilt = store.open_store(url).run_inputs(_run.run_id)
    except Exception as exc:
        log.warning("no snapshot for run %s: %s", _run.run_id, exc)
        return RunData(
            result,
            None,
            f"The rationale needs the data this run was made from (inputs "
            f"{_run.inputs_sha256[:12]}), and the store could not give it back "
            f"({store_problem(exc)}). Load that data on the Register page to see it.",
        )
    return RunData(result, rebuilt, "the data snapshot stored with the run")


def run_data(run: RunRecord) -> RunData:
    """The run's result, with the data in use when it is the run's, else the stored snapshot."""
    loaded = active()
    return _run_data(store_url(), run.run_id, loaded.key, run, loaded)


@st.cache_resource(max_entries=256, show_spinner=False)
def _run_explain(
    url: str, run_id: str, data_key: str, initiative_id: str, _data: RunData
) -> Explanation:
    assert _data.inputs is not None
    return explain_initiative(_data.inputs, _data.result, initiative_id, confirm=False)


def run_explanation(run: RunRecord, initiative_id: str) -> tuple[Explanation | None, str]:
    """Why the run proposed what it did for a service: (explanation, where the data came
    from), or (None, why it cannot be explained)."""
    data = run_data(run)
    if data.inputs is None:
        return None, data.source
    try:
        explained = _run_explain(store_url(), run.run_id, active().key, initiative_id, data)
    except Exception as exc:
        log.warning("cannot explain %s in run %s: %s", initiative_id, run.run_id, exc)
        return None, f"The rationale could not be worked out: {exc}"
    return explained, data.source


def raw_rows(tables: RawTables, table: str) -> tuple[tuple[str, ...], list[list[str]]]:
    """A table's header and rows of text, as read (empty when it could not be read)."""
    raw = tables.tables.get(table)
    if raw is None:
        return (), []
    return raw.columns, [list(r.cells) for r in raw.rows]


def all_raw(tables: RawTables) -> dict[str, tuple[tuple[str, ...], list[list[str]]]]:
    return {t: raw_rows(tables, t) for t in TABLES if t in tables.tables}


def jsonable(value: Any) -> Any:
    """Mappings and tuples as plain JSON types (for downloads)."""
    return json.loads(json.dumps(value, default=list))


# --------------------------------------------------------------------------- robustness

ROBUSTNESS_KEY = "robustness_checks"


@dataclass(frozen=True)
class Check:
    """A robustness check of the plan on screen, and where it is kept."""

    robustness: Robustness
    number: int | None = None
    """Its number in the store (commissioning robustness-checks show N), if kept there."""
    run_id: str | None = None
    made: str = ""
    """Who made it and when, for a check read from the store (empty for this session's)."""
    problem: str | None = None
    """Why the check made here could not be kept in the store, if it could not."""


def robustness_of(plan: Plan) -> Robustness | None:
    """The robustness check of this plan: the one run in this session, else the latest
    stored with the plan's run."""
    check = check_of(plan)
    return None if check is None else check.robustness


def check_of(plan: Plan) -> Check | None:
    """The check run in this session for this plan's inputs, else the newest one the store
    keeps with a run of this plan (made earlier, here or with `commissioning robustness`)."""
    if plan.result is None:
        return None
    checks: dict[str, Check] = st.session_state.get(ROBUSTNESS_KEY, {})
    ours = checks.get(plan.result.provenance.inputs_sha256)
    if ours is not None:
        return ours
    kept = stored(plan)
    if kept is None or kept.run_id is None:
        return None
    try:
        from commissioning.store.robustness import latest_check_of_plan

        record = latest_check_of_plan(store.open_store(store_url()), plan.result)
    except Exception as exc:  # the plan is shown whether or not the store answers
        log.warning("no stored robustness check for run %s: %s", kept.run_id, exc)
        return None
    if record is None:
        return None
    return Check(
        record.robustness(),
        record.id,
        record.run_id,
        f"{record.created_by} on {record.created_at[:10]}",
    )


def check_robustness(
    plan: Plan, draws: int, seed: int, progress: Callable[[int, int], None]
) -> Check:
    """Solve the plan over `draws` plausible futures in this process (the app's server
    stays one process), keep the answer for this session and in the store with the plan's
    run (when the plan is kept there)."""
    assert plan.inputs is not None and plan.result is not None
    r = robustness(plan.inputs, draws, seed, mode="process", plan=plan.result, progress=progress)
    check = _keep_check(plan, r)
    st.session_state.setdefault(ROBUSTNESS_KEY, {})[plan.result.provenance.inputs_sha256] = check
    return check


def _keep_check(plan: Plan, r: Robustness) -> Check:
    """The check kept with the plan's run, or why it could not be kept."""
    kept = stored(plan)
    if kept is None or kept.run_id is None:
        why = kept.problem if kept is not None and kept.problem else "the plan is not stored"
        return Check(r, problem=why)
    try:
        from commissioning.store.robustness import record_check

        record, _ = record_check(store.open_store(store_url()), kept.run_id, r, origin="app")
    except Exception as exc:  # the check is shown whether kept or not
        log.warning("the robustness check was not kept in the store: %s", exc, exc_info=True)
        return Check(r, run_id=kept.run_id, problem=store_problem(exc))
    return Check(r, record.id, record.run_id)
