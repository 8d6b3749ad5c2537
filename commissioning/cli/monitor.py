"""`commissioning monitor`: the quarterly scorecard in the terminal, its tables, the update.

Exit status: 0, or 2 when the data, the result file, the returns, the quarter or the
prior weights cannot be used (every problem printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commissioning.allocator.result import Result
from commissioning.cli.exits import EXIT_INVALID, EXIT_OK
from commissioning.export.files import bytes_writer, write_set
from commissioning.inputs.model import InputError, Inputs, Problem
from commissioning.inputs.returns import load_returns
from commissioning.monitor.scorecard import (
    Scorecard,
    parse_quarter,
    plan_of,
    scorecard,
)
from commissioning.monitor.table import districts_csv, outcomes_csv, partners_csv, services_csv
from commissioning.monitor.text import scorecard_text
from commissioning.monitor.value import ValueCard, value_card


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    m = sub.add_parser(
        "monitor", help="the quarterly scorecard: providers' returns against the plan"
    )
    m.add_argument("data", type=Path)
    m.add_argument("--scenario", type=Path)
    m.add_argument("--result", type=Path, required=True, help="a result file from allocate")
    m.add_argument(
        "--returns",
        type=Path,
        required=True,
        help="returns.csv, or a workbook with a returns sheet",
    )
    m.add_argument("--to", help="the quarter to report up to, e.g. 2027Q2 (default: the latest)")
    m.add_argument("--out", type=Path, help="folder for the scorecard tables and the reports (PDF)")
    m.add_argument("--format", choices=("pdf", "html", "both"), default="pdf")
    m.add_argument("--district", help="only this district's quarterly report (COUNTY: county-wide)")
    m.add_argument("--csv", type=Path, help="write one row per service here")
    m.add_argument("--update", type=Path, help="write a new data folder updated from the returns")
    m.add_argument("--prior-weight", type=Path, help="YAML: evidence level -> weight of the data")
    m.add_argument("--no-store", action="store_true", help="do not keep the returns in the store")


def _problems(title: str, problems: tuple[Problem, ...], warnings: tuple[Problem, ...]) -> None:
    print(title, file=sys.stderr)
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    for w in warnings:
        print(f"  warning: {w}", file=sys.stderr)


OUT_TABLES = (
    "scorecard-services.csv",
    "scorecard-districts.csv",
    "scorecard-outcomes.csv",
    "scorecard-cashable-savings.csv",
)


def overwritten_input(args: argparse.Namespace) -> str | None:
    """Why an output would write over the returns or the prior-weight file, or None.

    (The data folder and the scenario are guarded by the command line, as for every command.)
    """
    reads = [Path(p) for p in (args.returns, args.prior_weight) if p is not None]
    outputs = [Path(args.csv)] if args.csv else []
    if args.out:
        outputs += [Path(args.out) / name for name in OUT_TABLES]
    for out in outputs:
        for read in reads:
            if out.resolve() == read.resolve() or (
                out.exists() and read.exists() and out.samefile(read)
            ):
                return f"{out} is {read}, which is being read"
    return None


def run(inputs: Inputs, args: argparse.Namespace) -> int:
    from commissioning.usecases import read_result

    clash = overwritten_input(args)
    if clash is not None:
        print(
            f"Nothing written: {clash}. Choose another place for the output; the toolkit "
            "never writes over its inputs.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        result = read_result(args.result, inputs)
    except (OSError, ValueError, KeyError) as exc:
        print(f"Cannot monitor: {exc}", file=sys.stderr)
        return EXIT_INVALID
    plan = plan_of(result)
    try:
        returns = load_returns(args.returns, inputs.data, plan)
    except InputError as exc:
        _problems(str(exc).splitlines()[0], exc.problems, exc.warnings)
        return EXIT_INVALID
    weights = None
    if args.prior_weight is not None:
        from commissioning.monitor.update import prior_weights

        try:
            weights = prior_weights(args.prior_weight)
        except InputError as exc:
            _problems(str(exc).splitlines()[0], exc.problems, exc.warnings)
            return EXIT_INVALID
    if args.update is not None:
        from commissioning.monitor.update import check_target

        try:
            check_target(args.data, args.update)
        except ValueError as exc:
            print(f"Cannot write the updated data: {exc}", file=sys.stderr)
            return EXIT_INVALID
    try:
        to = parse_quarter(args.to) if args.to else None
    except ValueError as exc:
        print(f"Cannot monitor: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if to is not None and to[0] not in result.years:
        years = f"{result.years[0]}-{result.years[-1]}"
        print(f"Cannot monitor: {to[0]} is outside the plan, which covers {years}", file=sys.stderr)
        return EXIT_INVALID
    for w in returns.warnings:
        print(f"warning: {w}", file=sys.stderr)
    card = scorecard(inputs.data, plan, returns, to)
    keys = [d.key for d in card.districts]
    if args.district is not None and args.district not in keys:
        print(f"Cannot write reports: no service of {args.district!r} is in the scorecard "
              f"(districts with services: {', '.join(keys)})", file=sys.stderr)  # fmt: skip
        return EXIT_INVALID
    value = value_card(inputs, result, card)
    outputs: dict[Path, bytes] = {}
    reports: dict[str, bytes] = {}
    if args.csv:
        outputs[args.csv] = services_csv(card, value)
    if args.out:
        outputs[args.out / "scorecard-services.csv"] = services_csv(card, value)
        outputs[args.out / "scorecard-districts.csv"] = districts_csv(card)
        outputs[args.out / "scorecard-outcomes.csv"] = outcomes_csv(card)
        if value is not None:
            outputs[args.out / "scorecard-cashable-savings.csv"] = partners_csv(value)
        laid_out = _reports(inputs, result, card, value, args)
        if laid_out is None:
            return EXIT_INVALID
        reports = laid_out
        outputs.update({args.out / name: content for name, content in reports.items()})
    print(scorecard_text(card, value))
    if outputs:
        write_set({path: bytes_writer(content) for path, content in outputs.items()})
        if args.out:
            print(f"\nWrote the scorecard tables and {len(reports)} reports to {args.out}.")
    if not args.no_store:
        from commissioning.cli.store import store_returns

        store_returns(inputs, result, returns, str(args.returns))
    if args.update:
        from commissioning.monitor.update import PRIOR_WEIGHT, changes, write_updated

        found = changes(card, weights or PRIOR_WEIGHT)
        try:
            write_updated(args.data, args.update, card, found)
        except (ValueError, OSError) as exc:
            print(f"Cannot write the updated data: {exc}", file=sys.stderr)
            return EXIT_INVALID
        except InputError as exc:
            _problems("The updated data would not be valid:", exc.problems, ())
            return EXIT_INVALID
        print(
            f"\nWrote {args.update}: the data with {len(found)} services' effect and unit cost "
            "updated from their returns (its README.md lists each change)."
        )
    return EXIT_OK


def _reports(
    inputs: Inputs,
    result: Result,
    card: Scorecard,
    value: ValueCard | None,
    args: argparse.Namespace,
) -> dict[str, bytes] | None:
    """Each district's quarterly report and the partnership report, laid out (not written);
    None, after saying why, when the documents' wording cannot be used."""
    from commissioning.documents.content import ContentError
    from commissioning.documents.monitoring import render_reports
    from commissioning.usecases import prepare_documents

    try:
        plan = prepare_documents(inputs, result)
    except ContentError as exc:
        print(f"Cannot write reports: the document wording has problems:\n{exc}", file=sys.stderr)
        return None
    formats = {"pdf": ("pdf",), "html": ("html",), "both": ("html", "pdf")}[args.format]
    return render_reports(plan, card, value, formats, args.district)
