"""The store's commands: `runs`, `audit`, `scenarios`, `decisions`, `returns` and
`robustness-checks`, and what `allocate`, `monitor` and `robustness` say as they keep a run.

Kept apart from main.py so the store's commands can grow without touching the shared
parser: main.py calls `add_parsers(sub)` and merges `COMMANDS`. Nothing heavy is imported
until a command runs, so `commissioning validate` does not pay for SQLAlchemy.

Exit status: 0 success; 1 a store problem, an unknown run or scenario, a run that does
not reproduce, or a broken audit trail; 2 an invalid scenario file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from commissioning.cli.exits import EXIT_ERROR, EXIT_INVALID, EXIT_OK
from commissioning.formatting import format_money, one_line
from commissioning.store.errors import StoreError

if TYPE_CHECKING:
    from commissioning.allocator.result import Result
    from commissioning.inputs.model import Inputs
    from commissioning.inputs.returns import Returns
    from commissioning.robustness.summary import Robustness
    from commissioning.store.store import Store

R = TypeVar("R")


# --------------------------------------------------------------------------- parsers


def add_parsers(sub: Any) -> None:
    """Add the store's subcommands to the command line's subparsers."""
    runs = sub.add_parser("runs", help="the plans made so far: list, show, reproduce")
    runs_sub = runs.add_subparsers(dest="runs_command", required=True)
    p = runs_sub.add_parser("list", help="list stored runs, newest first")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    _database(p)
    p = runs_sub.add_parser("show", help="one run: provenance, timing, decisions")
    p.add_argument("run_id", metavar="RUN_ID", help="a run id, or enough of its start")
    p.add_argument("--json", action="store_true", help="print the stored result file instead")
    _database(p)
    p = runs_sub.add_parser(
        "reproduce", help="solve a run again from its stored data and confirm the same plan"
    )
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--solver", choices=("highs", "cbc"), help="default: the run's own solver")
    p.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="also say whether this data folder still holds the data the run was made from",
    )
    _database(p)

    aud = sub.add_parser("audit", help="the tamper-evident audit trail")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True)
    p = aud_sub.add_parser("verify", help="check that no entry or record was changed or removed")
    p.add_argument(
        "--expect",
        metavar="HEAD",
        help="a head printed in a result file or document: check it is still in the trail",
    )
    _database(p)
    p = aud_sub.add_parser("log", help="show audit entries, newest first")
    p.add_argument("--limit", type=int, default=50)
    _database(p)

    sc = sub.add_parser("scenarios", help="named, versioned scenarios")
    sc_sub = sc.add_subparsers(dest="scenarios_command", required=True)
    p = sc_sub.add_parser("list", help="each saved scenario's latest version")
    _database(p)
    p = sc_sub.add_parser("show", help="print a saved scenario as a scenario file (YAML)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--version", type=int, help="default: the latest")
    _database(p)
    p = sc_sub.add_parser("save", help="save a scenario file as the next version of its name")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--name", help="save under this name (default: the file's name: key)")
    p.add_argument("--data", type=Path, help="check the scenario against this data folder first")
    p.add_argument("--by", help="who is saving it (default: $COMMISSIONING_USER or login name)")
    _database(p)

    dec = sub.add_parser("decisions", help="commissioners' decisions on proposals")
    dec_sub = dec.add_subparsers(dest="decisions_command", required=True)
    p = dec_sub.add_parser("record", help="accept or override one proposal of a run")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("initiative_id", metavar="INITIATIVE_ID")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--accept", dest="action", action="store_const", const="accept")
    which.add_argument("--override", dest="action", action="store_const", const="override")
    p.add_argument("--by", required=True, help="who decided")
    p.add_argument("--reason", required=True, help="why")
    _database(p)
    p = dec_sub.add_parser("list", help="decisions, for one run or all")
    p.add_argument("run_id", metavar="RUN_ID", nargs="?")
    _database(p)

    ret = sub.add_parser("returns", help="providers' quarterly returns kept by monitor")
    ret_sub = ret.add_subparsers(dest="returns_command", required=True)
    p = ret_sub.add_parser("list", help="stored returns, newest first, for one run or all")
    p.add_argument("run_id", metavar="RUN_ID", nargs="?")
    _database(p)
    p = ret_sub.add_parser("show", help="one stored set of returns, row by row")
    p.add_argument("returns_id", metavar="NUMBER", type=int, help="its number in returns list")
    _database(p)

    chk = sub.add_parser(
        "robustness-checks", help="robustness checks kept by robustness, each with its run"
    )
    chk_sub = chk.add_subparsers(dest="robustness-checks_command", required=True)
    p = chk_sub.add_parser("list", help="stored checks, newest first, for one run or all")
    p.add_argument("run_id", metavar="RUN_ID", nargs="?")
    _database(p)
    p = chk_sub.add_parser("show", help="one stored robustness check, as robustness printed it")
    p.add_argument(
        "check_id", metavar="NUMBER", type=int, help="its number in robustness-checks list"
    )
    _database(p)


def _database(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database",
        metavar="URL",
        help="store URL or SQLite file (default: $DATABASE_URL, else "
        "$COMMISSIONING_HOME/store.sqlite, else ~/.local/share/commissioning/store.sqlite)",
    )


# --------------------------------------------------------------------------- allocate


def _warn(warning: str | None) -> None:
    """A store write that failed: say so ("warning: ...") and carry on; the command's
    output is already written and its exit status stands."""
    if warning is not None:
        print(f"warning: {warning}", file=sys.stderr)


def store_run(inputs: Inputs, result: Result) -> Result:
    """Keep a plan made by `allocate` as a run and say so; the result to write out, which
    carries the audit trail's head when the run was stored. Warn, never fail: a store
    problem must not lose the plan or change the exit status (the result is then written
    without a head)."""
    from commissioning.usecases import record_run

    kept = record_run(inputs, result, origin="cli")
    _warn(kept.warning)
    if kept.value is None:
        return result
    run_id, issued = kept.value
    print(f"Stored as run {run_id} (commissioning runs show {run_id})")
    return issued


def store_returns(inputs: Inputs, result: Result, returns: Returns, source: str) -> int | None:
    """Keep the returns `monitor` read with the run of their plan, and say so."""
    from commissioning.usecases import record_returns

    kept = record_returns(inputs, result, returns, source)
    _warn(kept.warning)
    if kept.value is None:
        return None
    record, saved = kept.value
    if saved:
        print(f"Stored the returns as number {record.id}, for run {record.run_id}.")
    else:
        print(f"These returns are already stored as number {record.id}, for run {record.run_id}.")
    return record.id


def store_check(inputs: Inputs, plan: Result, check: Robustness) -> int | None:
    """Keep the check `robustness` made with the run of the plan it checks, and say so."""
    from commissioning.usecases import record_check

    kept = record_check(inputs, plan, check, origin="cli")
    _warn(kept.warning)
    if kept.value is None:
        return None
    record, saved = kept.value
    where = f"number {record.id}, for run {record.run_id}"
    if saved:
        print(f"Stored the robustness check as {where}.")
    else:
        print(f"This robustness check is already stored as {where}.")
    return record.id


# --------------------------------------------------------------------------- commands


def _runs(args: argparse.Namespace, store: Store) -> int:
    if args.runs_command == "list":
        runs = store.list_runs(args.limit)
        if not runs:
            print(f"No runs in {store.label}.")
            return EXIT_OK
        print(f"Runs in {store.label}, newest first:")
        _table(
            [
                "run id",
                "created (UTC)",
                "by",
                "status",
                "objective",
                "scenario",
                "inputs",
                "solver",
            ],
            [
                [
                    r.run_id,
                    _when(r.created_at),
                    r.created_by,
                    r.status,
                    _number(r.objective),
                    r.scenario_name,
                    r.inputs_sha256[:12],
                    r.solver,
                ]
                for r in runs
            ],
        )
        return EXIT_OK
    if args.runs_command == "show":
        run = store.get_run(args.run_id)
        if args.json:
            print(json.dumps(run.document, indent=2, ensure_ascii=False))
            return EXIT_OK
        decided = store.list_decisions(run.run_id)
        counts: dict[str, int] = {}
        for r in run.document.get("initiatives", []):
            counts[r["decision"]] = counts.get(r["decision"], 0) + 1
        prov = run.provenance
        lines = [
            f"Run {run.run_id}",
            f"  created     {_when(run.created_at)} UTC by {run.created_by} ({run.origin})",
            f"  status      {run.status}",
            f"  objective   {_number(run.objective)} "
            f"{run.document.get('value_unit', 'weighted outcomes')}",
            f"  scenario    {run.scenario_name}",
            f"  inputs      {run.inputs_sha256} (snapshot {run.snapshot_id[:12]})",
            f"  solver      {run.solver}: {run.solver_version}",
            f"  model       {prov.get('problem_type', '')}; prices: {prov.get('prices', '')}",
            f"  toolkit     {run.toolkit_version}",
            f"  timing      build {run.build_seconds:.2f} s, solve {run.solve_seconds:.2f} s, "
            f"extract {run.extract_seconds:.2f} s",
            f"  proposals   {', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'none'}",
            f"  result      sha256 {run.result_sha256} (audit entry {run.audit_seq})",
            f"  decisions   {len(decided)} recorded",
            f"  robustness  {_checks_line(store, run.run_id)}",
        ]
        lines += [
            f"    {d.decided_at[:19]} {d.initiative_id}: {d.action} {d.proposed} "
            f"({d.decided_by}: {d.reason})"
            for d in decided
        ]
        print("\n".join(lines))
        return EXIT_OK
    outcome = store.reproduce(args.run_id, args.solver)
    if outcome.same:
        print(
            f"Run {outcome.run_id} reproduces: status {outcome.status}, objective "
            f"{_number(outcome.objective)} (stored {_number(outcome.stored_objective)}), the "
            f"same decision for all {outcome.initiatives} initiatives ({outcome.solver})."
        )
    else:
        print(
            f"Run {outcome.run_id} does NOT reproduce with {outcome.solver}: "
            f"{len(outcome.differences)} difference(s)"
        )
        for line in outcome.differences:
            print(f"  {line}")
    if args.data is None:
        return EXIT_OK if outcome.same else EXIT_ERROR
    matches = _data_today(store, outcome.run_id, args.data)
    if matches is None:
        return EXIT_INVALID
    return EXIT_OK if outcome.same and matches else EXIT_ERROR


def _data_today(store: Store, run_id: str, folder: Path) -> bool | None:
    """Say whether a data folder still holds the data a run was made from, naming each
    table that differs; None (after saying why) when the folder cannot be read."""
    from commissioning.inputs import InputError, load_data
    from commissioning.store.store import compare_data

    try:
        data, _ = load_data(folder)
    except InputError as exc:
        print(f"The data in {folder} cannot be compared with the run's: {exc}", file=sys.stderr)
        return None
    differing = compare_data(store.run_inputs(run_id), data)
    if not differing:
        print(f"The data in {folder} is still the data run {run_id} was made from.")
        return True
    print(f"The data in {folder} is NOT the data run {run_id} was made from:")
    for line in differing:
        print(f"  {line}")
    return False


def _audit(args: argparse.Namespace, store: Store) -> int:
    if args.audit_command == "log":
        entries = store.audit_log(args.limit)
        if not entries:
            print(f"The audit log of {store.label} is empty.")
            return EXIT_OK
        _table(
            ["entry", "at (UTC)", "actor", "action", "subject"],
            [[str(e.seq), _when(e.at), e.actor, e.action, e.subject] for e in entries],
        )
        return EXIT_OK
    checked = store.verify(args.expect)
    if checked.ok:
        print(
            f"The audit trail of {store.label} is intact: {checked.entries} entries, every "
            f"record matches its entry.\n{checked.sealing}\nLast entry hash: "
            f"{checked.head_hash}"
        )
        if checked.expected_at is not None:
            print(f"The head asked for is entry {checked.expected_at} of the trail.")
        return EXIT_OK
    first = checked.first_broken
    where = f" at entry {first}" if first is not None else ""
    print(f"The audit trail of {store.label} is BROKEN{where}:")
    for finding in checked.findings:
        print(f"  {finding.message}")
    return EXIT_ERROR


def _scenarios(args: argparse.Namespace, store: Store) -> int:
    if args.scenarios_command == "save":
        raw = _read_scenario(args.file, args.data)
        if raw is None:
            return EXIT_INVALID
        record, saved = store.save_scenario(raw, name=args.name, actor=args.by)
        if saved:
            print(f"Saved scenario '{record.name}' as version {record.version} in {store.label}.")
        else:
            print(
                f"Scenario '{record.name}' is unchanged: version {record.version} already holds it."
            )
        return EXIT_OK
    if args.scenarios_command == "list":
        found = store.list_scenarios()
        if not found:
            print(f"No saved scenarios in {store.label}.")
            return EXIT_OK
        _table(
            ["name", "version", "saved (UTC)", "by"],
            [[s.name, str(s.version), _when(s.created_at), s.created_by] for s in found],
        )
        return EXIT_OK
    import yaml

    record = store.get_scenario(args.name, args.version)
    doc = dict(record.document)
    from commissioning.inputs.validate import SCENARIO_KEYS

    ordered = {k: doc.pop(k) for k in SCENARIO_KEYS if k in doc}
    ordered.update(doc)
    print(
        f"# Scenario '{record.name}', version {record.version} of {record.versions}, saved "
        f"{_when(record.created_at)} UTC by {record.created_by} (sha256 {record.sha256[:12]})"
    )
    print(yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=88), end="")
    return EXIT_OK


def _decisions(args: argparse.Namespace, store: Store) -> int:
    if args.decisions_command == "record":
        d = store.record_decision(
            args.run_id, args.initiative_id, args.action, args.by, args.reason
        )
        verb = "accepted" if d.action == "accept" else "overrode"
        print(
            f"Recorded: {d.decided_by} {verb} the proposal to {d.proposed} "
            f"{d.initiative_id} (run {d.run_id})."
        )
        return EXIT_OK
    found = store.list_decisions(args.run_id)
    if not found:
        print("No decisions recorded.")
        return EXIT_OK
    _table(
        ["decided (UTC)", "run", "initiative", "proposed", "action", "by", "reason"],
        [
            [
                _when(d.decided_at),
                d.run_id,
                d.initiative_id,
                d.proposed,
                d.action,
                d.decided_by,
                d.reason,
            ]
            for d in found
        ],
    )
    return EXIT_OK


def _returns(args: argparse.Namespace, store: Store) -> int:
    from commissioning.store.returns import get_returns, list_returns

    if args.returns_command == "list":
        return _listing(
            list_returns(store, args.run_id),
            f"No returns stored in {store.label}.",
            ["number", "stored (UTC)", "by", "run", "quarters", "rows", "from", "fingerprint"],
            lambda r: [
                str(r.id),
                _when(r.created_at),
                r.created_by,
                r.run_id,
                f"{r.first_quarter}-{r.last_quarter}",
                str(r.rows),
                r.source,
                r.sha256[:12],
            ],
        )
    r = get_returns(store, args.returns_id)
    print(
        f"Returns {r.id}: {r.rows} rows, {r.first_quarter} to {r.last_quarter}, for run "
        f"{r.run_id}; from {r.source}, stored {_when(r.created_at)} UTC by {r.created_by} "
        f"(sha256 {r.sha256}, audit entry {r.audit_seq})"
    )
    _table(
        ["service", "year", "quarter", "spend", "participants", "outcomes", "notes"],
        [
            [
                str(x["initiative_id"]),
                str(x["year"]),
                str(x["quarter"]),
                format_money(float(x["spend"])),
                f"{int(x['participants']):,}",
                f"{int(x['outcomes_achieved']):,}",
                one_line(str(x.get("notes", ""))),
            ]
            for x in r.document
        ],
    )
    return EXIT_OK


def _checks_line(store: Store, run_id: str) -> str:
    """A run's robustness checks in a few words, the newest first."""
    from commissioning.store.robustness import list_checks

    checks = list_checks(store, run_id)
    if not checks:
        return "not checked (commissioning robustness DATA stores a check)"
    c = checks[0]
    return (
        f"{len(checks)} check{'s' if len(checks) > 1 else ''}; the latest, number {c.id}: "
        f"{c.fragile} fragile of {len(c.document['initiatives'])} decisions over "
        f"{c.draws:,} plausible futures (commissioning robustness-checks show {c.id})"
    )


def _checks(args: argparse.Namespace, store: Store) -> int:
    from commissioning.export.robustness import robustness_text
    from commissioning.store.robustness import get_check, list_checks

    if getattr(args, "robustness-checks_command") == "list":
        return _listing(
            list_checks(store, args.run_id),
            f"No robustness checks stored in {store.label}.",
            ["number", "stored (UTC)", "by", "run", "futures", "seed", "fragile", "no plan"],
            lambda c: [
                str(c.id),
                _when(c.created_at),
                c.created_by,
                c.run_id,
                f"{c.draws:,}",
                str(c.seed),
                f"{c.fragile:,} of {len(c.document['initiatives']):,}",
                f"{c.infeasible:,}",
            ],
        )
    c = get_check(store, args.check_id)
    print(
        f"Robustness check {c.id} of run {c.run_id}, stored {_when(c.created_at)} UTC by "
        f"{c.created_by} ({c.origin}; sha256 {c.sha256}, audit entry {c.audit_seq})"
    )
    print(robustness_text(store.run_inputs(c.run_id), c.robustness()))
    return EXIT_OK


CREATING = frozenset({("scenarios", "save")})
"""The only store commands that may create a store; every other one needs it to exist."""


def _with_store(
    command: Callable[[argparse.Namespace, Store], int],
) -> Callable[[argparse.Namespace], int]:
    """Open the store for one command and close it after; a store problem ends the command
    with its message and exit status 1, not a traceback."""

    def run(args: argparse.Namespace) -> int:
        from commissioning.store.store import Store

        sub = getattr(args, f"{args.command}_command", "")
        try:
            store = Store.open(
                getattr(args, "database", None), create=(args.command, sub) in CREATING
            )
            try:
                return command(args, store)
            finally:
                store.close()
        except StoreError as exc:
            print(f"commissioning {args.command}: {exc}", file=sys.stderr)
            return EXIT_ERROR

    return run


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "runs": _with_store(_runs),
    "audit": _with_store(_audit),
    "scenarios": _with_store(_scenarios),
    "decisions": _with_store(_decisions),
    "returns": _with_store(_returns),
    "robustness-checks": _with_store(_checks),
}


# --------------------------------------------------------------------------- helpers


def _read_scenario(path: Path, data_dir: Path | None) -> Any:
    """A scenario file's mapping (checked against the data when given), or None after saying why."""
    from commissioning.inputs import InputError, load_data, parse_scenario
    from commissioning.inputs.read import read_scenario

    raw = read_scenario(Path(path))
    if raw.values is None or raw.problems:
        for problem in raw.problems:
            print(problem, file=sys.stderr)
        return None
    if data_dir is None:
        return raw.values
    try:
        data, _ = load_data(data_dir)
        return parse_scenario(raw.values, data, raw.file)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return None


def _listing(
    found: Sequence[R], nothing: str, header: Sequence[str], row: Callable[[R], list[str]]
) -> int:
    """A `list` subcommand's answer: a table of what was found, one row each, or `nothing`."""
    if not found:
        print(nothing)
    else:
        _table(header, [row(x) for x in found])
    return EXIT_OK


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.upper().ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _when(iso: str) -> str:
    return iso[:19].replace("T", " ")


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:,.2f}"
