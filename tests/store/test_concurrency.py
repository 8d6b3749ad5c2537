"""Several processes writing runs and decisions at once lose nothing and keep the chain whole."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest

from commissioning.store import Store
from tests.store.helpers import scalar

PROCESSES = 4
WRITES = 10
"""Per process: alternately a run and a decision on that run."""


def _writer(url: str, worker: int, doc: dict[str, Any], start: Any, out: Any) -> None:
    """One process: open the (possibly new) store at the same moment as the others, write."""
    from commissioning.allocator.result import Result
    from commissioning.inputs import load
    from tests.store.conftest import SMALL

    os.environ["COMMISSIONING_USER"] = f"worker-{worker}"
    inputs, result = load(SMALL), Result.from_json(doc)
    target = result.initiatives[worker % len(result.initiatives)].initiative_id
    start.wait(timeout=120)
    store: Store | None = None
    runs: list[str] = []
    try:
        store = Store.open(url)  # at the same moment as the others: a new store's first open
        for k in range(WRITES):
            if k % 2 == 0:
                runs.append(store.record_allocation(inputs, result, origin=f"worker-{worker}"))
            else:
                store.record_decision(runs[-1], target, "accept", f"worker-{worker}", f"write {k}")
        out.put((worker, runs, None))
    except Exception as exc:  # reported to the parent, which fails the test
        out.put((worker, runs, repr(exc)))
    finally:
        if store is not None:
            store.close()


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(store_url, small):
    _, result = small
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(store_url, w, result.to_json(), start, out))
        for w in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    reports = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    errors = [(w, e) for w, _, e in reports if e]
    assert not errors, errors

    written = sorted(r for _, runs, _ in reports for r in runs)
    assert len(written) == PROCESSES * WRITES // 2
    store = Store.open(store_url)
    assert sorted(r.run_id for r in store.list_runs()) == written
    decisions = store.list_decisions()
    assert len(decisions) == PROCESSES * WRITES // 2
    assert sorted({d.decided_by for d in decisions}) == [f"worker-{w}" for w in range(PROCESSES)]
    assert scalar(store_url, "SELECT COUNT(*) FROM snapshots") == 1
    checked = store.verify()
    assert checked.ok, checked.findings
    # 3 schema versions (created once, though four processes opened a new store together),
    # 1 snapshot, then every run and every decision.
    assert checked.entries == 4 + 1 + PROCESSES * WRITES
    store.close()


def test_turning_on_wal_waits_while_another_process_holds_the_file(tmp_path):
    """SQLite answers "database is locked" at once when the journal mode is switched while
    another connection holds the file; the store waits and retries instead of failing."""
    import sqlite3
    import threading
    import time

    from commissioning.store.store import _ensure_wal

    path = tmp_path / "new.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.4, lambda: holder.execute("COMMIT")).start()
    opener = sqlite3.connect(path, timeout=0.01, check_same_thread=False)
    started = time.monotonic()
    _ensure_wal(opener, "the test store")
    assert time.monotonic() - started >= 0.3
    assert opener.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    opener.close()
    holder.close()
