"""What the store says about a plan's governance: the run that holds it, the decisions
recorded on its proposals (the latest on each), and the earlier plans of the same scenario,
so a document can say which issue it is and what it supersedes."""

from __future__ import annotations

from dataclasses import dataclass

from commissioning.allocator.result import Result
from commissioning.store import attached
from commissioning.store.errors import StoreError
from commissioning.store.store import DecisionRecord, RunSummary, open_store


@dataclass(frozen=True)
class PlanRecord:
    """The store's record of one plan."""

    run_id: str
    decisions: tuple[DecisionRecord, ...]
    """The latest decision on each proposal of the run (a later one supersedes an earlier)."""
    earlier: tuple[RunSummary, ...]
    """Earlier optimal runs of the same scenario, newest first."""


def plan_record(result: Result, database: str | None = None) -> PlanRecord | None:
    """The store's record of this plan, or None when there is no store or it does not hold
    the plan (reading never creates a store)."""
    try:
        store = open_store(database, create=False)
        runs = attached.runs_holding(store, result)
        if not runs:
            return None
        run_id = runs[0]
        latest: dict[str, DecisionRecord] = {}
        for d in store.list_decisions(run_id):  # in the order they were made
            latest[d.initiative_id] = d
        this = store.get_run(run_id)
        earlier = tuple(
            r
            for r in store.list_runs()
            if r.scenario_name == this.scenario_name
            and r.status == "optimal"
            and (r.created_at, r.run_id) < (this.created_at, this.run_id)
        )
    except StoreError:
        return None
    return PlanRecord(run_id, tuple(latest.values()), earlier)
