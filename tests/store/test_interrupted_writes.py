"""A store write interrupted at any point leaves the store verifiable: a writer process is
killed outright (SIGKILL: no clean-up of any kind) at seeded random moments while it
creates a store and keeps writing runs, decisions and scenarios to it; after each kill
`audit verify` passes, every run the writer was told was kept reads back with its inputs,
and the next writer carries on. With and without the audit key (a sealed chain)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commissioning.cli import main
from commissioning.inputs import fingerprint
from commissioning.store import Store, close_stores
from commissioning.store.audit import KEY_VARIABLE
from commissioning.store.migrations import LATEST
from tests.store.conftest import ROOT

ROUNDS = 8
"""Writers killed per test: bounded, each costs a fresh interpreter (a few seconds)."""
LONGEST_DELAY = 0.8
"""Seconds after the writer is ready (inputs loaded and solved) within which it is killed:
long enough for the first kill points to fall inside creating the store and later ones
among its writes."""
WRITES = 200
"""The most rounds of writes one writer makes (it is killed long before, but never
runs forever)."""
KEY = "interrupted-writes-audit-key-0123456789"

WRITER = f"""
import sys
from commissioning.allocator import allocate
from commissioning.inputs import load
from commissioning.store import Store
from tests.store.conftest import SMALL

url, first = sys.argv[1], int(sys.argv[2])
inputs = load(SMALL)
result = allocate(inputs)
target = result.initiatives[0].initiative_id
scenario = dict(inputs.scenario.to_dict())
print("ready", flush=True)
store = Store.open(url)
for k in range(first, first + {WRITES}):
    run_id = store.record_allocation(inputs, result, origin="interrupted")
    print("run", run_id, flush=True)
    store.record_decision(run_id, target, "accept", "writer", f"write {{k}}")
    print("decision", run_id, flush=True)
    store.save_scenario({{**scenario, "description": f"write {{k}}"}}, name="interrupted")
    print("scenario", k, flush=True)
"""


def _write_until_killed(url: str, first: int, delay: float, env: dict[str, str]) -> list[str]:
    """Start a writer, kill it `delay` seconds after it is ready; the lines it said."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(first)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        ready = writer.stdout.readline()
        assert ready.strip() == "ready", (ready, writer.stderr.read() if writer.stderr else "")
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        out, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=60)
    assert writer.returncode == -signal.SIGKILL, err  # killed mid-way, not finished or failed
    return out.splitlines()


STORE_FILES = {"store.sqlite", "store.sqlite-wal", "store.sqlite-shm", "a store being made"}


def _left(folder: Path) -> set[str]:
    """The files in a store's folder; a store killed while being made leaves its hidden
    work file (`.store.sqlite.*.new`, and its journal), never a file at the store's path."""
    return {
        "a store being made" if f.name.startswith(".store.sqlite.") else f.name
        for f in folder.iterdir()
    }


def _verify_exit(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    close_stores()
    code = main(["audit", "verify", "--database", url])
    captured = capsys.readouterr()
    close_stores()
    return code, captured.out + captured.err


@pytest.mark.slow
@pytest.mark.parametrize("sealed", [False, True], ids=["plain", "sealed"])
def test_a_writer_killed_at_any_moment_leaves_the_store_verifiable(
    sealed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", KEY_VARIABLE)}
    env["PYTHONPATH"] = str(ROOT)
    if sealed:
        env[KEY_VARIABLE] = KEY
        monkeypatch.setenv(KEY_VARIABLE, KEY)
    else:
        monkeypatch.delenv(KEY_VARIABLE, raising=False)
    draw = random.Random(20261201 + sealed)
    kept: list[str] = []
    decided = 0
    created = False
    for k in range(ROUNDS):
        # The first writer is killed within creating the store as often as not.
        delay = draw.uniform(0.0, 0.15 if k == 0 else LONGEST_DELAY)
        said = _write_until_killed(url, k * WRITES, delay, env)
        kept += [line.split()[1] for line in said if line.startswith("run ")]
        decided += sum(line.startswith("decision ") for line in said)
        created = created or bool(said)
        code, out = _verify_exit(url, capsys)
        if created or code == 0:
            assert code == 0, (k, delay, out)
            assert "intact" in out.lower(), out
            if sealed:
                assert "entries are sealed with the audit key" in out, out
        else:
            # Killed before the store's first commit: there is no store yet, and the
            # read-only check says so; the next writer creates it.
            assert code == 1, (k, delay, out)
            assert "there is no commissioning store at" in out, out
            assert "emptied" not in out and "backup" not in out, out
        assert _left(tmp_path) <= STORE_FILES, _left(tmp_path)

    assert kept, "no writer got as far as one run: the delays are too short to test writes"
    store = Store.open(url, create=False)
    try:
        checked = store.verify()
        assert checked.ok, checked.findings
        if sealed:
            assert checked.keyed == checked.entries
        runs = {r.run_id for r in store.list_runs()}
        assert set(kept) <= runs  # a write the writer was told was kept, was kept
        assert len(store.list_decisions()) >= decided
        for run_id in sorted(runs):
            record = store.get_run(run_id)
            assert record.result.status == "optimal"
            rebuilt = store.run_inputs(run_id)  # the snapshot rebuilds the inputs exactly
            assert fingerprint(rebuilt) == record.inputs_sha256
            assert record.result.provenance.inputs_sha256 == record.inputs_sha256
            assert rebuilt.scenario.name == record.scenario_name
    finally:
        store.close()


CREATE = """
import sys
from commissioning.store import Store
print("ready", flush=True)
Store.open(sys.argv[1]).close()
print("created", flush=True)
"""


@pytest.mark.slow
def test_a_store_killed_while_it_is_created_is_no_store_and_the_next_write_creates_it(
    tmp_path: Path, capsys
):
    """A new store is made whole aside and linked into place: killed before that, its path
    holds nothing, which is no store (as before the write), said as such; never an empty
    file taken for an emptied store. The next writer creates it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", KEY_VARIABLE)}
    env["PYTHONPATH"] = str(ROOT)
    outcomes: set[str] = set()
    for k in range(12):  # killed 0 to 0.11 s after the writer starts to open the store
        folder = tmp_path / f"store{k}"
        url = f"sqlite:///{folder / 'store.sqlite'}"
        writer = subprocess.Popen(
            [sys.executable, "-c", CREATE, url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(k * 0.01)
        writer.kill()
        said, _ = writer.communicate(timeout=60)
        left = _left(folder) if folder.exists() else set()
        code, out = _verify_exit(url, capsys)
        if "store.sqlite" in left:
            outcomes.add("created")
            # a fresh store's entries are its schema versions, one each
            assert code == 0 and f"intact: {LATEST} entries" in out, out
        else:
            assert code == 1, out
            assert "there is no commissioning store at" in out, out
            outcomes.add("mid-creation" if "a store being made" in left else "before")
        assert "created" not in said or code == 0  # a store said to be made is a store
        store = Store.open(url)  # the next writer
        try:
            assert store.verify().ok
        finally:
            store.close()
        assert _verify_exit(url, capsys)[0] == 0
        assert _left(folder) <= STORE_FILES
    # The sweep means something only if some kill fell inside making the store.
    assert "mid-creation" in outcomes, outcomes
