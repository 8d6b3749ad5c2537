"""Running the draws: in this process, on a local Dask cluster, or on an existing one.

Draws go out in batches (10 to 50 draws a task, fixed by the number of draws alone) so a
task is long enough to be worth sending and short enough to keep every worker busy and the
progress bar moving. The inputs are sent to every worker once. A draw's answer depends only
on the inputs, the seed and its number, so the same seed gives the same result in one
process, on a local cluster or on any cluster of any size.
"""

from __future__ import annotations

import logging
import math
import uuid
import warnings
from collections.abc import Callable, Sequence
from contextlib import ExitStack

from commissioning.allocator import allocate
from commissioning.allocator.result import Result
from commissioning.inputs.model import Inputs
from commissioning.robustness.solve import DrawResult, solve_batch
from commissioning.robustness.summary import Robustness, summarise

Progress = Callable[[int, int], None]
"""Told (draws done, draws in all) as batches finish."""

MAX_DRAWS = 100_000
"""The most draws one run may ask for (a national run of 1,000 is the planned scale)."""

CONNECT_TIMEOUT = "20s"


def batches(draws: int) -> list[range]:
    """The draws split into tasks of 10 to 50, about 40 tasks for a few thousand draws."""
    size = min(50, max(10, math.ceil(draws / 40)))
    return [range(a, min(a + size, draws)) for a in range(0, draws, size)]


def check_run(draws: int, seed: int, workers: int | None) -> list[str]:
    """What is wrong with the run's own settings, in plain words (empty when nothing)."""
    problems = []
    if not 1 <= draws <= MAX_DRAWS:
        problems.append(f"the number of draws must be between 1 and {MAX_DRAWS:,}")
    if seed < 0:
        problems.append("the seed must be a whole number of 0 or more")
    if workers is not None and workers < 1:
        problems.append("the number of workers must be at least 1")
    return problems


def robustness(
    inputs: Inputs,
    draws: int = 500,
    seed: int = 1,
    *,
    mode: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    plan: Result | None = None,
    progress: Progress | None = None,
) -> Robustness:
    """The robustness of the plan for `inputs` over `draws` draws.

    `mode`: "process" solves every draw here, without Dask; "local" starts a local Dask
    cluster (one single-threaded worker process per core, or `workers`); "cluster"
    connects to the Dask scheduler at `scheduler` (`workers`: wait until that many
    workers have joined). `plan` is the plan on the data as given (solved when not
    given); raises `InfeasiblePlan` when there is none.
    """
    problems = check_run(draws, seed, workers)
    if problems:
        raise ValueError("; ".join(problems))
    plan = plan if plan is not None else allocate(inputs)
    token = uuid.uuid4().hex
    work = batches(draws)
    report = progress or (lambda done, total: None)
    if mode == "process":
        results: list[DrawResult] = []
        for b in work:
            results += solve_batch(inputs, token, seed, b)
            report(len(results), draws)
    elif mode in ("local", "cluster"):
        results = _on_dask(inputs, token, seed, work, scheduler, workers, report)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return summarise(inputs, plan, seed, results)


def _on_dask(
    inputs: Inputs,
    token: str,
    seed: int,
    work: Sequence[range],
    scheduler: str | None,
    workers: int | None,
    report: Progress,
) -> list[DrawResult]:
    """Run the batches as Dask tasks, on a local cluster or at `scheduler`."""
    from dask.system import CPU_COUNT
    from distributed import Client, LocalCluster, as_completed

    total = sum(len(b) for b in work)
    with ExitStack() as stack:
        if scheduler is None:
            with warnings.catch_warnings():
                # The scheduler's small health server falls back to a free port by itself.
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                cluster = stack.enter_context(
                    LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=workers or CPU_COUNT,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                )
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        else:
            client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT))  # type: ignore[no-untyped-call]
            if workers is not None:
                client.wait_for_workers(workers, timeout=CONNECT_TIMEOUT)
        [shared] = client.scatter([inputs], broadcast=True)
        futures = [
            client.submit(solve_batch, shared, token, seed, list(b), pure=False) for b in work
        ]
        results: list[DrawResult] = []
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            results += future.result()
            report(len(results), total)
        return results
