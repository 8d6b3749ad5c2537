"""Solving for the workbench: each plan, and each piece of work that re-solves it (the
price of each rule, the break-even figures of a service), in a worker process with a time
limit, stopped when the browser connection that asked for it closes.

A hosted workbench must not let one upload tie up the server: work that takes longer
than the limit (COMMISSIONING_SOLVE_SECONDS, default 60) is stopped and the page says so,
and work whose browser has gone away is stopped at once, not left to run on. The
worker is a separate process (only a process can be stopped mid-solve); it is forked from
a small server process that has already imported the allocator, so a plan costs a fork,
not a fresh interpreter. Streamlit runs one script at a time per browser connection, so
each connection has at most one worker running.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from commissioning.allocator import InfeasiblePlan, Result, SolverError, allocate
from commissioning.explain.initiative import Explanation, explain_initiative
from commissioning.explain.policy import RulePrice, price_of_rules
from commissioning.inputs import Inputs

log = logging.getLogger(__name__)

LIMIT_VARIABLE = "COMMISSIONING_SOLVE_SECONDS"
DEFAULT_LIMIT = 60.0
POLL = 0.05
"""Seconds between checks on the worker, the clock and the browser connection."""

T = TypeVar("T")

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
    """The forkserver context, its server preloaded with the allocator and the explainer
    (made once)."""
    with _CONTEXT_LOCK:
        if not _CONTEXT:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(
                ["commissioning.allocator", "commissioning.inputs", "commissioning.explain"]
            )
            _CONTEXT.append(ctx)
        return _CONTEXT[0]


def _worker(work: Callable[..., object], args: tuple[object, ...], out: Connection) -> None:
    """In the worker process: do the work and send back ("ok" | "infeasible" | "solver" |
    "crash", value); a crash sends its traceback, for the server log only."""
    try:
        out.send(("ok", work(*args)))
    except InfeasiblePlan as exc:
        out.send(("infeasible", exc.result))
    except SolverError as exc:
        out.send(("solver", str(exc)))
    except BaseException:  # reported by reference, never a traceback in the page
        out.send(("crash", traceback.format_exc()))
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


def run_limited(
    work: Callable[..., T],
    *args: object,
    seconds: float | None = None,
    slow: str = "the work took longer than {seconds} seconds, so it was stopped",
    gone: str = "the browser that asked for it has gone",
) -> T:
    """`work(*args)` in a worker process, stopped after `seconds` (default: `limit()`) or as
    soon as the browser connection closes (`work` and its arguments and answer must pickle:
    a module's function and the package's data classes). Raises what `work` raises
    (InfeasiblePlan with its diagnosis, SolverError), SolveStopped with the `slow` message
    (`{seconds}` filled in) or the `gone` one, and SolverError for anything unexpected,
    worded with a reference to its traceback in the server log."""
    budget = limit() if seconds is None else seconds
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(work, args, send), daemon=True)
    worker.start()
    send.close()
    deadline = time.monotonic() + budget
    try:
        while not receive.poll(max(0.0, min(POLL, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise SolveStopped(slow.format(seconds=f"{budget:g}"))
            if not connection_open():
                raise SolveStopped(gone)
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
        return cast("T", value)
    if kind == "infeasible":
        raise InfeasiblePlan(value)
    if kind == "crash":
        reference = secrets.token_hex(4)
        log.error("work in a solve worker failed (reference %s):\n%s", reference, value)
        raise SolverError(
            f"something unexpected went wrong (reference {reference} in the server log)"
        )
    raise SolverError(str(value))


def allocate_limited(inputs: Inputs, seconds: float | None = None) -> Result:
    """`allocate(inputs)` in a worker process, stopped after `seconds` (default: `limit()`)
    or as soon as the browser connection closes. Raises what `allocate` raises
    (InfeasiblePlan with its diagnosis, SolverError), and SolveStopped."""
    return run_limited(
        allocate,
        inputs,
        seconds=seconds,
        slow="the plan took longer than {seconds} seconds to solve, so it was stopped",
        gone="the browser that asked for the plan has gone",
    )


def rule_prices_limited(
    inputs: Inputs, result: Result, seconds: float | None = None
) -> tuple[RulePrice, ...]:
    """`price_of_rules` (a re-solve per rule) in a worker process, under the same limit as
    a plan: all the rules together, not each one."""
    return run_limited(
        price_of_rules,
        inputs,
        result,
        seconds=seconds,
        slow="pricing the rules took longer than {seconds} seconds, so it was stopped",
        gone="the browser that asked for the prices has gone",
    )


def break_even_limited(
    inputs: Inputs, result: Result, initiative_id: str, seconds: float | None = None
) -> Explanation:
    """`explain_initiative` with its break-even search (up to a few dozen re-solves) in a
    worker process, under the same limit as a plan."""
    return run_limited(
        _explain_confirmed,
        inputs,
        result,
        initiative_id,
        seconds=seconds,
        slow=(
            "working out what would change the decision took longer than {seconds} "
            "seconds, so it was stopped"
        ),
        gone="the browser that asked for it has gone",
    )


def _explain_confirmed(inputs: Inputs, result: Result, initiative_id: str) -> Explanation:
    """In the worker: the explanation with its break-even figures confirmed by re-solving."""
    return explain_initiative(inputs, result, initiative_id, confirm=True)
