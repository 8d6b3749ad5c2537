"""The command line's parser and its plan commands: `validate`, `allocate`, `costs`,
`robustness`; the others live beside it (explain, documents, monitor, the store's).

Exit status (`exits.py`): 0 success, 2 invalid input, 3 infeasible scenario, 1 anything
else. Commands that do not render documents never import WeasyPrint or Streamlit.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from commissioning.cli import store as store_command
from commissioning.cli.exits import EXIT_ERROR, EXIT_INFEASIBLE, EXIT_INVALID, EXIT_OK

if TYPE_CHECKING:
    from commissioning.inputs.model import Inputs


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="commissioning",
        description="Joint commissioning and decommissioning toolkit for children's PEI services.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a data folder and scenario, and summarise them")
    v.add_argument("data", type=Path, help="data folder (CSV files or one .xlsx workbook)")
    v.add_argument("--scenario", type=Path, help="scenario YAML (default: DATA/scenario.yaml)")

    a = sub.add_parser("allocate", help="propose the optimal allocation for a scenario")
    a.add_argument("data", type=Path)
    a.add_argument("--scenario", type=Path)
    a.add_argument("--out", type=Path, help="write the result file (JSON) here")
    a.add_argument("--xlsx", type=Path, help="write the plan workbook here")
    a.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    c = sub.add_parser(
        "costs", help="the cost of late intervention: the cost library and what an outcome is worth"
    )
    c.add_argument("data", type=Path)
    c.add_argument("--scenario", type=Path)
    e = sub.add_parser("explain", help="explain the decisions of a plan, service by service")
    e.add_argument("data", type=Path)
    e.add_argument("--scenario", type=Path)
    e.add_argument("--result", type=Path, required=True, help="a result file from allocate")
    e.add_argument("--initiative", help="explain this initiative only")
    e.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    d = sub.add_parser(
        "documents", help="write service specifications, district SLAs and the plan summary"
    )
    d.add_argument("data", type=Path)
    d.add_argument("--scenario", type=Path)
    d.add_argument("--result", type=Path, required=True, help="a result file from allocate")
    d.add_argument("--out", type=Path, required=True, help="folder to write the documents to")
    d.add_argument("--kind", choices=("spec", "sla", "summary", "rationale", "all"), default="all")
    d.add_argument("--district", help="only this district's SLA and specifications")
    d.add_argument("--format", choices=("pdf", "html", "both"), default="pdf")
    d.add_argument(
        "--robustness",
        type=Path,
        help="a robustness file of the same data: the rationale pack says how sure each is",
    )
    r = sub.add_parser(
        "robustness", help="how sure is each decision: the plan re-solved over plausible figures"
    )
    r.add_argument("data", type=Path)
    r.add_argument("--scenario", type=Path)
    r.add_argument("--draws", type=int, default=500, help="plausible futures to solve (500)")
    r.add_argument("--seed", type=int, default=1, help="the same seed gives the same answer (1)")
    r.add_argument("--scheduler", help="address of a running Dask scheduler, tcp://host:8786")
    r.add_argument(
        "--workers",
        type=int,
        help="local worker processes (default: one per core); with --scheduler, wait for this many",
    )
    r.add_argument("--out", type=Path, help="write the robustness file (JSON) here")
    r.add_argument("--csv", type=Path, help="write one row per service (CSV) here")
    r.add_argument(
        "--no-store", action="store_true", help="do not keep the check in the store with its run"
    )

    from commissioning.cli.monitor import add_parser as add_monitor

    add_monitor(sub)
    store_command.add_parsers(sub)
    return p


def _load(args: argparse.Namespace) -> Inputs:
    """The data and scenario named on the command line, or exit 2 after naming every problem."""
    from commissioning.inputs import InputError
    from commissioning.usecases import load

    try:
        return load(args.data, args.scenario)
    except InputError as exc:
        print(exc, file=sys.stderr)
        for w in exc.warnings:
            print(f"  warning: {w}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None


def refuse_overwriting_inputs(
    args: argparse.Namespace, files: Sequence[Path | None], folder: Path | None = None
) -> None:
    """Exit 2, before anything is read or written, when an output would overwrite an input
    (the data folder, one of its files, or the scenario) or another output."""
    from commissioning.export.files import overwrites_input

    given = [f for f in files if f is not None]
    reasons = [overwrites_input(f, args.data, args.scenario) for f in given]
    if folder is not None:
        reasons.append(overwrites_input(folder, args.data, args.scenario, folder=True))
    resolved = [f.resolve() for f in given]
    if len(set(resolved)) < len(resolved):
        reasons.append(f"{given[0]} is given for two outputs; each needs its own file")
    found = [r for r in reasons if r]
    if found:
        for reason in found:
            print(
                f"Nothing written: {reason}. Choose another place for the output; the "
                "toolkit never writes over its inputs.",
                file=sys.stderr,
            )
        raise SystemExit(EXIT_INVALID)


def _validate(args: argparse.Namespace) -> int:
    from commissioning.inputs.summary import summarise

    inputs = _load(args)
    print(summarise(inputs))
    return EXIT_OK


def _allocate(args: argparse.Namespace) -> int:
    from commissioning.allocator import InfeasiblePlan, SolverError
    from commissioning.explain.summary import summarise_plan
    from commissioning.export.files import json_writer, write_set
    from commissioning.export.text import diagnosis_text, plan_text
    from commissioning.usecases import plan

    refuse_overwriting_inputs(args, [args.out, args.xlsx])
    inputs = _load(args)
    try:
        result = plan(inputs, args.solver)
    except InfeasiblePlan as exc:
        print(diagnosis_text(exc.result), file=sys.stderr)
        issued = store_command.store_run(inputs, exc.result)
        if args.out:
            write_set({args.out: json_writer(issued.to_json())})
        return EXIT_INFEASIBLE
    except SolverError as exc:
        print(f"The solver failed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    # Stored first, so the files carry the audit trail's head (the run's provenance).
    result = store_command.store_run(inputs, result)
    summary = summarise_plan(inputs, result)  # once, for the workbook and the text
    outputs: dict[Path, Callable[[Path], object]] = {}
    if args.out:
        outputs[args.out] = json_writer(result.to_json())
    if args.xlsx:
        from commissioning.export.workbook import build_workbook

        outputs[args.xlsx] = build_workbook(inputs, result, summary).save
    write_set(outputs)  # the result file and the workbook: both new, or both as they were
    print(plan_text(inputs, result, summary=summary))
    return EXIT_OK


def _costs(args: argparse.Namespace) -> int:
    from commissioning.explain.costs import cost_library
    from commissioning.export.text import costs_text

    inputs = _load(args)
    print(costs_text(cost_library(inputs)))
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from commissioning.cli.explain import explain_text

    inputs = _load(args)
    return explain_text(inputs, args.result, args.initiative, args.solver)


def _documents(args: argparse.Namespace) -> int:
    from commissioning.cli.documents import run

    refuse_overwriting_inputs(args, [], folder=args.out)
    return run(args)


def _robustness(args: argparse.Namespace) -> int:
    from commissioning.allocator import InfeasiblePlan
    from commissioning.export.files import json_writer, write_set
    from commissioning.export.robustness import robustness_csv_writer, robustness_text
    from commissioning.export.text import diagnosis_text
    from commissioning.robustness import check_run, robustness
    from commissioning.usecases import plan

    problems = check_run(args.draws, args.seed, args.workers)
    if problems:
        print("Cannot check robustness: " + "; ".join(problems), file=sys.stderr)
        return EXIT_INVALID
    refuse_overwriting_inputs(args, [args.out, args.csv])
    inputs = _load(args)
    try:
        made = plan(inputs)
    except InfeasiblePlan as exc:
        print(diagnosis_text(exc.result), file=sys.stderr)
        print("There is no plan on the figures as given, so nothing to test.", file=sys.stderr)
        return EXIT_INFEASIBLE
    where = args.scheduler or "this machine"
    bar = _ProgressBar(f"Solving {args.draws:,} plausible futures on {where}")
    try:
        result = robustness(
            inputs,
            args.draws,
            args.seed,
            mode="cluster" if args.scheduler else "local",
            scheduler=args.scheduler,
            workers=args.workers,
            plan=made,
            progress=bar,
        )
    except (OSError, TimeoutError) as exc:
        bar.close()
        print(f"Cannot reach the Dask cluster at {where}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    bar.close()
    outputs: dict[Path, Callable[[Path], object]] = {}
    if args.out:
        outputs[args.out] = json_writer(result.to_json())
    if args.csv:
        outputs[args.csv] = robustness_csv_writer(inputs, result)
    write_set(outputs)  # both new, or both as they were
    print(robustness_text(inputs, result))
    if not args.no_store:
        from commissioning.cli.store import store_check

        store_check(inputs, made, result)
    return EXIT_OK


class _ProgressBar:
    """A one-line progress bar on standard error, redrawn as batches of draws finish."""

    WIDTH = 30

    def __init__(self, label: str) -> None:
        self.label = label
        self.drawn = False
        self(0, 1)

    def __call__(self, done: int, total: int) -> None:
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        end = f"{done:,}/{total:,}" if total > 1 or done else "starting"
        print(f"\r{self.label} [{bar}] {end}", end="", file=sys.stderr, flush=True)
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            print(file=sys.stderr, flush=True)
            self.drawn = False


def _monitor(args: argparse.Namespace) -> int:
    from commissioning.cli.monitor import run

    refuse_overwriting_inputs(args, [args.csv], args.out)
    if args.update is not None:
        refuse_overwriting_inputs(args, [], args.update)
    inputs = _load(args)
    return run(inputs, args)


COMMANDS = {
    "validate": _validate,
    "allocate": _allocate,
    "costs": _costs,
    "explain": _explain,
    "documents": _documents,
    "robustness": _robustness,
    "monitor": _monitor,
    **store_command.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from commissioning.export.files import stop_on_signals

    main_thread = threading.current_thread() is threading.main_thread()
    try:
        # a stopped run cleans up after itself (see export.files)
        with stop_on_signals() if main_thread else contextlib.nullcontext():
            return COMMANDS[args.command](args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print(f"commissioning {args.command} was stopped before it finished.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the last line of defence: a clear message, exit 1
        print(f"commissioning {args.command} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
