"""`commissioning explain`: the explanation of a stored result, in the terminal."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from commissioning.allocator.result import Result
from commissioning.allocator.solvers import SolverName
from commissioning.explain.initiative import explain_initiative
from commissioning.explain.policy import price_of_rules
from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.model import Inputs

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def read_result(path: Path, inputs: Inputs) -> Result:
    """A result file, checked to belong to these inputs (same fingerprint)."""
    result = Result.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    if result.provenance.inputs_sha256 != fingerprint(inputs):
        raise ValueError(
            f"{path} was made from other inputs (fingerprint "
            f"{result.provenance.inputs_sha256[:12]}..., these inputs "
            f"{fingerprint(inputs)[:12]}...): run allocate again on these inputs"
        )
    if result.status != "optimal":
        raise ValueError(f"{path} holds an infeasible scenario: there is no plan to explain")
    return result


def explain_text(
    inputs: object, result_path: Path, initiative: str | None, solver: SolverName
) -> int:
    assert isinstance(inputs, Inputs)
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
        print(f"\n{e.initiative.name} ({iid}): {e.decision.replace('_', ' ')}")
        for sentence in e.sentences:
            print(wrap.fill("  " + sentence))
    if initiative is None:
        print("\nThe price of each policy rule (re-solved without it):")
        for p in price_of_rules(inputs, result, solver):
            print(wrap.fill("  " + p.sentence))
    return EXIT_OK
