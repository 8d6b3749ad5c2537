"""Solving for the workbench: each plan in a worker process with a time limit, stopped
when the browser connection that asked for it closes.

A hosted workbench must not let one upload tie up the server: a plan that takes longer
than the limit (COMMISSIONING_SOLVE_SECONDS, default 60) is stopped and the page says so,
and a solve whose browser has gone away is stopped at once, not left to run on. The
worker is a separate process (only a process can be stopped mid-solve); it is forked from
a small server process that has already imported the allocator, so a plan costs a fork,
not a fresh interpreter. Streamlit runs one script at a time per browser connection, so
each connection has at most one solve running.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from commissioning.allocator import InfeasiblePlan, Result, SolverError, allocate
from commissioning.inputs import Inputs

log = logging.getLogger(__name__)

LIMIT_VARIABLE = "COMMISSIONING_SOLVE_SECONDS"
DEFAULT_LIMIT = 60.0
POLL = 0.05
"""Seconds between checks on the worker, the clock and the browser connection."""

_CONTEXT: list[Any] = []
_CONTEXT_LOCK = threading.Lock()


class SolveStopped(Exception):
    """The solve was stopped: too slow, or nobody is waiting for it any more."""


def limit() -> float:
    """The time limit of one solve, in seconds (COMMISSIONING_SOLVE_SECONDS, default 60)."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_LIMIT
    except ValueError:
        log.warning(
            "%s=%r is not a number of seconds; using %s", LIMIT_VARIABLE, raw, DEFAULT_LIMIT
        )
        return DEFAULT_LIMIT
    return value if value > 0 else DEFAULT_LIMIT


def _context() -> Any:
    """The forkserver context, its server preloaded with the allocator (made once)."""
    with _CONTEXT_LOCK:
        if not _CONTEXT:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["commissioning.allocator", "commissioning.inputs"])
            _CONTEXT.append(ctx)
        return _CONTEXT[0]


def _worker(inputs: Inputs, out: Connection) -> None:
    """In the worker process: solve and send back ("ok" | "infeasible" | "error", value)."""
    try:
        out.send(("ok", allocate(inputs)))
    except InfeasiblePlan as exc:
        out.send(("infeasible", exc.result))
    except SolverError as exc:
        out.send(("error", str(exc)))
    except BaseException as exc:  # reported, never a traceback in the page
        out.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        out.close()


def connection_open() -> bool:
    """Whether the browser connection this script runs for is still open (True outside a
    served app: tests and scripts have no connection to lose)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:
        return True
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not Runtime.exists():
        return True
    return bool(Runtime.instance().is_active_session(ctx.session_id))


def allocate_limited(inputs: Inputs, seconds: float | None = None) -> Result:
    """`allocate(inputs)` in a worker process, stopped after `seconds` (default: `limit()`)
    or as soon as the browser connection closes. Raises what `allocate` raises
    (InfeasiblePlan with its diagnosis, SolverError), and SolveStopped."""
    budget = limit() if seconds is None else seconds
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(inputs, send), daemon=True)
    worker.start()
    send.close()
    deadline = time.monotonic() + budget
    try:
        while not receive.poll(max(0.0, min(POLL, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise SolveStopped(
                    f"the plan took longer than {budget:g} seconds to solve, so it was stopped"
                )
            if not connection_open():
                raise SolveStopped("the browser that asked for the plan has gone")
            if not worker.is_alive() and not receive.poll():
                raise SolverError(f"the solver stopped unexpectedly (exit {worker.exitcode})")
        try:
            kind, value = receive.recv()
        except EOFError:
            raise SolverError("the solver stopped without an answer") from None
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
    if kind == "ok":
        assert isinstance(value, Result)
        return value
    if kind == "infeasible":
        raise InfeasiblePlan(value)
    raise SolverError(str(value))
