"""The same seed gives the same answer in one process, on a local Dask cluster, and on a
cluster of separate `dask scheduler` and `dask worker` processes started here."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from commissioning.inputs import load
from commissioning.robustness import robustness

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
START_TIMEOUT = 60.0

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(*args: str) -> subprocess.Popen[bytes]:
    """A `dask ...` process in its own process group, importing this checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(p: subprocess.Popen[bytes]) -> None:
    """Stop a process started here and everything it started (its own process group)."""
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=15)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:  # wait for the scheduler to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    pytest.fail("the dask scheduler did not start")
                time.sleep(0.2)
        procs.append(
            start(
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
            )
        )
        yield address
    finally:
        for p in reversed(procs):
            stop(p)


def test_same_seed_same_answer_in_a_process_a_local_cluster_and_a_cluster(cluster):
    inputs = load(SAMPLE)
    draws, seed = 30, 4
    alone = robustness(inputs, draws, seed, mode="process").to_json()
    local = robustness(inputs, draws, seed, mode="local", workers=2).to_json()
    remote = robustness(inputs, draws, seed, mode="cluster", scheduler=cluster, workers=2).to_json()
    assert alone == local == remote
    assert any(s["stability"] < 1.0 for s in alone["initiatives"])  # the draws do differ
    assert robustness(inputs, draws, seed + 1, mode="process").to_json() != alone
