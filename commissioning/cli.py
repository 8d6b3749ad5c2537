"""The command line: `commissioning validate|allocate ...`.

Exit status: 0 success, 2 invalid input, 3 infeasible scenario, 1 anything else.
Commands that do not render documents never import WeasyPrint or Streamlit.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from commissioning.store import command as store_command

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3


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
    store_command.add_parsers(sub)
    return p


def _load(args: argparse.Namespace) -> object:
    from commissioning.inputs import InputError, load

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
    from commissioning.inputs import Inputs
    from commissioning.inputs.summary import summarise

    inputs = _load(args)
    assert isinstance(inputs, Inputs)
    print(summarise(inputs))
    return EXIT_OK


def _allocate(args: argparse.Namespace) -> int:
    from commissioning.allocator import InfeasiblePlan, SolverError, allocate
    from commissioning.export.files import json_writer, write_set
    from commissioning.export.text import diagnosis_text, plan_text
    from commissioning.inputs import Inputs

    refuse_overwriting_inputs(args, [args.out, args.xlsx])
    inputs = _load(args)
    assert isinstance(inputs, Inputs)
    try:
        result = allocate(inputs, args.solver)
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
    outputs: dict[Path, Callable[[Path], object]] = {}
    if args.out:
        outputs[args.out] = json_writer(result.to_json())
    if args.xlsx:
        from commissioning.export.workbook import build_workbook

        outputs[args.xlsx] = build_workbook(inputs, result).save
    write_set(outputs)  # the result file and the workbook: both new, or both as they were
    print(plan_text(inputs, result))
    return EXIT_OK


def _costs(args: argparse.Namespace) -> int:
    from commissioning.explain.costs import cost_library
    from commissioning.export.text import costs_text
    from commissioning.inputs import Inputs

    inputs = _load(args)
    assert isinstance(inputs, Inputs)
    print(costs_text(cost_library(inputs)))
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from commissioning.explain.command import explain_text

    inputs = _load(args)
    return explain_text(inputs, args.result, args.initiative, args.solver)


def _documents(args: argparse.Namespace) -> int:
    from commissioning.documents.command import run

    refuse_overwriting_inputs(args, [], folder=args.out)
    return run(args)


COMMANDS = {
    "validate": _validate,
    "allocate": _allocate,
    "costs": _costs,
    "explain": _explain,
    "documents": _documents,
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
