"""Faults leave a consistent state: a stopped `allocate` leaves the previous set of outputs
or the new one, never a mix and no temporary file; a stopped `documents` leaves no worker.

Each run is a real process stopped by a signal at a random moment (seeded, so a failure
can be replayed); the number of runs and the time each may take are bounded.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.inputs.helpers import VALID, copy_valid

ROOT = Path(__file__).resolve().parents[2]
RUNS = 12


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["COMMISSIONING_HOME"] = str(home)
    env.pop("DATABASE_URL", None)
    # No shared document cache: a stopped `documents` run must be laying documents out.
    env.pop("COMMISSIONING_DOCUMENT_CACHE", None)
    return env


def _start(args: list[str], home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "commissioning.cli", *args],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _scenario(folder: Path, k: int) -> Path:
    """The fixture's scenario under the name of run k, so each output says which run made it."""
    text = (VALID / "scenario.yaml").read_text(encoding="utf-8")
    path = folder / f"scenario-{k}.yaml"
    path.write_text(text.replace("name: Small test plan", f"name: Run {k}"), encoding="utf-8")
    return path


def _set_made_by(out: Path) -> str:
    """Which run made the outputs in `out`, after checking both came from that one run."""
    assert sorted(p.name for p in out.iterdir()) == ["plan.xlsx", "result.json"]
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)
    about = {row[0]: row[1] for row in wb["About"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    assert about["Scenario"] == doc["provenance"]["scenario"]
    assert about["Created (UTC)"] == doc["provenance"]["created"]
    return str(doc["provenance"]["scenario"])


def test_a_stopped_allocate_leaves_one_whole_set_of_outputs(tmp_path: Path) -> None:
    data = copy_valid(tmp_path / "data")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    out = tmp_path / "out"
    outputs = ["--out", str(out / "result.json"), "--xlsx", str(out / "plan.xlsx")]

    started = time.monotonic()
    first = _start(
        ["allocate", str(data), "--scenario", str(_scenario(scenarios, 0)), *outputs], tmp_path
    )
    assert first.wait(timeout=120) == 0
    full_run = time.monotonic() - started
    assert _set_made_by(out) == "Run 0"

    rng = random.Random(12)
    latest = "Run 0"
    stopped = 0
    for k in range(1, RUNS + 1):
        scenario = _scenario(scenarios, k)
        run = _start(["allocate", str(data), "--scenario", str(scenario), *outputs], tmp_path)
        time.sleep(rng.uniform(0.2, 1.1) * full_run)
        run.send_signal(rng.choice((signal.SIGTERM, signal.SIGINT)))
        code = run.wait(timeout=120)
        made_by = _set_made_by(out)
        assert made_by in (latest, f"Run {k}")
        if made_by == f"Run {k}":
            latest = made_by
        else:
            stopped += 1
            assert code != 0
    assert time.monotonic() - started < 300
    assert stopped > 0  # the delays reach into the runs, not only past them


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    "how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name
)
def test_no_documents_worker_outlives_a_stopped_run(tmp_path: Path, how: signal.Signals) -> None:
    data = copy_valid(tmp_path / "data")
    result = tmp_path / "result.json"
    made = _start(["allocate", str(data), "--out", str(result)], tmp_path)
    assert made.wait(timeout=120) == 0
    out = tmp_path / "documents"
    run = _start(
        ["documents", str(data), "--result", str(result), "--out", str(out), "--format", "pdf"],
        tmp_path,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        workers = _children(run.pid)
        if workers and out.is_dir() and any(out.iterdir()):
            break  # workers are laying out documents
        time.sleep(0.05)
    assert workers, "the run ended before any worker started"
    signalled = time.monotonic()
    run.send_signal(how)
    run.wait(timeout=60)
    while time.monotonic() < signalled + 60 and any(_alive(p) for p in workers):
        time.sleep(0.05)
    assert [p for p in workers if _alive(p)] == []
    # at once: not after the documents being laid out (or those queued) are finished
    assert time.monotonic() - signalled < 8
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_a_set_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from commissioning.export.files import Stopped, write_set

    old = {tmp_path / "a.json": b"old a", tmp_path / "b.xlsx": b"old b"}
    for path, content in old.items():
        path.write_bytes(content)

    def stopped_midway(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise Stopped("SIGTERM")

    with pytest.raises(Stopped):
        write_set(
            {
                tmp_path / "a.json": lambda t: t.write_bytes(b"new a"),
                tmp_path / "b.xlsx": stopped_midway,
            }
        )
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == old

    def new(path: Path) -> Callable[[Path], object]:
        return lambda tmp: tmp.write_bytes(b"new " + path.name.encode())

    write_set({p: new(p) for p in old})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "a.json": b"new a.json",
        "b.xlsx": b"new b.xlsx",
    }


def test_a_signal_while_held_is_acted_on_at_the_end_of_the_section() -> None:
    from commissioning.export.files import Stopped, signals_held, stop_on_signals

    reached = False
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals(), pytest.raises(Stopped, match="SIGTERM"), signals_held():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        reached = True
    assert reached
    assert signal.getsignal(signal.SIGTERM) == before  # put back as it was
