"""An identical re-plan reuses its run: the same inputs and settings are kept once.

The fingerprint covers the data and every setting of the scenario (its name too), so a
run with the same fingerprint, solver and status holds the same plan: issuing it again
would only add a duplicate run and audit entry. Moving a control away and back, or two
people looking at the same scenario, leaves the store as it was.
"""

from __future__ import annotations

from sqlalchemy import select

from commissioning.allocator.result import Result
from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.model import Inputs
from commissioning.store import schema
from commissioning.store.store import RunRecord, Store


def same_plan(store: Store, inputs_sha256: str, solver: str, status: str) -> RunRecord | None:
    """The earliest run made from exactly these inputs and settings, if any."""
    r = schema.runs
    query = (
        select(r.c.run_id)
        .where(r.c.inputs_sha256 == inputs_sha256, r.c.solver == solver, r.c.status == status)
        .order_by(r.c.created_at, r.c.run_id)
        .limit(1)
    )
    with store._reading() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else store.get_run(str(found))


def issue_once(
    store: Store, inputs: Inputs, result: Result, *, origin: str = "app"
) -> tuple[str, Result, bool]:
    """(run id, the result as kept, whether a new run was made): an existing run of the same
    inputs and settings is reused, else the plan is issued as a new run."""
    fp = fingerprint(inputs)
    known = same_plan(store, fp, result.provenance.solver, result.status)
    if known is not None:
        return known.run_id, known.result, False
    run_id, issued = store.issue(inputs, result, origin=origin, inputs_sha256=fp)
    return run_id, issued, True
