"""`commissioning documents`: write a plan's documents to a folder, with a progress bar.

Exit status: 0 written; 2 the data, the result file, the robustness file, the wording or
the district cannot be used; 1 a document could not be written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from commissioning.cli.exits import EXIT_ERROR, EXIT_INVALID, EXIT_OK
from commissioning.documents.cache import cache_for
from commissioning.documents.content import ContentError
from commissioning.documents.contexts import DocumentError
from commissioning.documents.writing import (
    FORMATS,
    NOT_YET,
    RENDERERS,
    Document,
    with_companions,
    write_documents,
    write_index,
)
from commissioning.inputs.model import COUNTY


class Progress:
    """A plain-text progress bar on standard error, one step per finished document."""

    def __init__(self, stream: TextIO | None = None):
        self.total = 0
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()

    def report(self, done: int, total: int, doc: Document) -> None:
        """The `write_documents` progress callback."""
        self.total = total
        self.step(doc.stem)

    def step(self, label: str) -> None:
        self.done += 1
        width = 30
        filled = round(width * self.done / self.total) if self.total else width
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label}"
        end = "" if self.tty and self.done < self.total else "\n"
        print(("\r\033[K" if self.tty else "") + line, end=end, file=self.stream, flush=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    """The `documents` command: exit 0 on success, 2 for invalid input, 1 otherwise."""
    started = time.perf_counter()
    kind: str = args.kind
    if kind != "all" and kind not in RENDERERS:
        print(NOT_YET.get(kind, f"documents of kind {kind!r} are not available"), file=sys.stderr)
        return EXIT_ERROR
    kinds = list(RENDERERS) if kind == "all" else with_companions([kind])

    from commissioning.inputs import InputError
    from commissioning.usecases import (
        ResultMismatch,
        check_belongs,
        load,
        prepare_documents,
        read_result_file,
        read_robustness,
    )

    try:
        inputs = load(args.data, args.scenario)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    try:
        result = read_result_file(args.result)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"Cannot read the result file {args.result}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        check_belongs(result, inputs, args.result)
    except ResultMismatch as exc:
        print(
            f"{args.result} was made from other data: its inputs fingerprint is "
            f"{exc.found[:12]}..., but {args.data} with this scenario gives "
            f"{exc.expected[:12]}... Run `commissioning allocate` on these inputs again.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    district: str | None = args.district
    if district is not None:
        known = [d.district_id for d in inputs.data.districts]
        if district not in known and district != COUNTY:
            print(
                f"Unknown district {district!r}: expected one of {', '.join(known)} or COUNTY",
                file=sys.stderr,
            )
            return EXIT_INVALID
    robustness = None
    if getattr(args, "robustness", None) is not None:
        try:
            robustness = read_robustness(args.robustness)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"Cannot read the robustness file {args.robustness}: {exc}", file=sys.stderr)
            return EXIT_INVALID
    try:
        plan = prepare_documents(inputs, result, robustness, data=Path(args.data))
    except InputError as exc:  # the consultation record
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except DocumentError as exc:
        print(f"Cannot write documents: {exc}", file=sys.stderr)
        return EXIT_INVALID

    out = Path(args.out)
    produced, failures = write_documents(
        plan,
        kinds,
        out,
        FORMATS[args.format],
        district,
        progress=Progress().report,
        cache=cache_for(out),
    )
    index = write_index(plan, out, produced)
    files = sum(len(f) for _, f in produced)
    print(
        f"Wrote {_count(len(produced), 'document')} ({_count(files, 'file')}) to {out} in "
        f"{time.perf_counter() - started:.1f} s; index: {index}",
        file=sys.stderr,
    )
    if not produced and not failures:
        print("No documents matched: nothing to write for this kind and district.", file=sys.stderr)
    for f in failures:
        print(f"  failed: {f}", file=sys.stderr)
    return EXIT_ERROR if failures else EXIT_OK
