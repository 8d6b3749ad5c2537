"""`commissioning explain`: the explanation of a stored result, in the terminal."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from commissioning.allocator.solvers import SolverName
from commissioning.allocator.vocabulary import decision_words
from commissioning.cli.exits import EXIT_INVALID, EXIT_OK
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.policy import price_of_rules
from commissioning.inputs.model import Inputs
from commissioning.usecases import read_result


def explain_text(
    inputs: Inputs, result_path: Path, initiative: str | None, solver: SolverName
) -> int:
    """Print why each service got what it got (or one service, with its break-even figures
    confirmed by re-solving); exit 2 when the result does not belong to the data."""
    try:
        result = read_result(result_path, inputs)
    except (OSError, ValueError, KeyError) as exc:
        print(f"Cannot explain: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if initiative is not None and initiative not in inputs.data.initiatives_by_id:
        print(f"Cannot explain: unknown initiative {initiative!r}", file=sys.stderr)
        return EXIT_INVALID
    ids = (
        [initiative]
        if initiative
        else [r.initiative_id for r in result.initiatives if r.decision != "maintain"]
    )
    wrap = textwrap.TextWrapper(width=100, subsequent_indent="    ")
    for iid in ids:
        e = explain_initiative(inputs, result, iid, solver, confirm=initiative is not None)
        print(f"\n{e.initiative.name} ({iid}): {decision_words(e.decision)}")
        for sentence in e.sentences:
            print(wrap.fill("  " + sentence))
    if initiative is None:
        print("\nThe price of each policy rule (re-solved without it):")
        for p in price_of_rules(inputs, result, solver):
            print(wrap.fill("  " + p.sentence))
    return EXIT_OK
