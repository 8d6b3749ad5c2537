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

Plans are made by a long-lived worker per browser connection that keeps its `Planner`
between slider moves, so a move re-solves the loaded model from the last optimum instead
of planning from scratch; it is stopped, like any worker, when it runs over the limit or
its browser goes (the next plan starts a fresh one, cold), and retired when idle
(`WARM_IDLE_SECONDS`) or when its browser connection has closed. At most
COMMISSIONING_PLAN_WORKERS (default 4) are kept; beyond that, or with 0, a plan runs in
a one-off worker, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from commissioning.allocator import InfeasiblePlan, Result, SolverError, allocate
from commissioning.environment import number_setting
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
    value = number_setting(LIMIT_VARIABLE, DEFAULT_LIMIT, float, "a number of seconds")
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


def _answer(work: Callable[..., object], args: tuple[object, ...]) -> tuple[str, object]:
    """In a worker process: do the work; ("ok" | "infeasible" | "solver" | "crash", value),
    a crash with its traceback, for the server log only."""
    try:
        return ("ok", work(*args))
    except InfeasiblePlan as exc:
        return ("infeasible", exc.result)
    except SolverError as exc:
        return ("solver", str(exc))
    except BaseException:  # reported by reference, never a traceback in the page
        return ("crash", traceback.format_exc())


def _worker(work: Callable[..., object], args: tuple[object, ...], out: Connection) -> None:
    """In a one-off worker process: do the work and send back its answer (`_answer`)."""
    try:
        out.send(_answer(work, args))
    finally:
        out.close()


def _plan_loop(requests: Connection, idle: float) -> None:
    """In a long-lived worker: plan each inputs received with one `Planner` (warm while the
    model keeps its shape) and send back the answer, the plan with whether it was warm;
    ends when the server closes the pipe or sends nothing for `idle` seconds."""
    from commissioning.allocator import Planner

    planner = Planner()

    def plan(inputs: Inputs) -> tuple[Result, bool]:
        return planner.plan(inputs), planner.warm

    try:
        while requests.poll(idle):
            try:
                inputs = requests.recv()
            except EOFError:
                return
            requests.send(_answer(plan, (inputs,)))
    finally:
        requests.close()


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
    try:
        kind, value = _wait(receive, worker, budget, slow, gone)
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
    return cast("T", _unpack(kind, value))


def _wait(
    receive: Connection, worker: Any, budget: float, slow: str, gone: str
) -> tuple[str, object]:
    """The worker's answer, waited for at most `budget` seconds and only while the browser
    connection is open (SolveStopped otherwise); SolverError if the worker dies first."""
    deadline = time.monotonic() + budget
    if not connection_open():  # gone before the answer could be waited for: stop at once
        raise SolveStopped(gone)
    while not receive.poll(max(0.0, min(POLL, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            raise SolveStopped(slow.format(seconds=f"{budget:g}"))
        if not connection_open():
            raise SolveStopped(gone)
        if not worker.is_alive() and not receive.poll():
            raise SolverError(f"the solver stopped unexpectedly (exit {worker.exitcode})")
    try:
        answer: tuple[str, object] = receive.recv()
    except EOFError:
        raise SolverError("the solver stopped without an answer") from None
    return answer


def _unpack(kind: str, value: object) -> object:
    """The value of an "ok" answer; anything else raised as `run_limited` documents."""
    if kind == "ok":
        return value
    if kind == "infeasible":
        raise InfeasiblePlan(cast("Result", value))
    if kind == "crash":
        reference = secrets.token_hex(4)
        log.error("work in a solve worker failed (reference %s):\n%s", reference, value)
        raise SolverError(
            f"something unexpected went wrong (reference {reference} in the server log)"
        )
    raise SolverError(str(value))


WORKERS_VARIABLE = "COMMISSIONING_PLAN_WORKERS"
WARM_WORKERS = 4
"""Long-lived planning workers kept at most (one per browser connection in use), unless
COMMISSIONING_PLAN_WORKERS says otherwise; 0 plans every time in a one-off worker."""
WARM_IDLE_SECONDS = 900.0
"""A planning worker unused this long is retired (and exits by itself after twice this,
should the server have gone without closing it)."""
_PLAN_SLOW = "the plan took longer than {seconds} seconds to solve, so it was stopped"
_PLAN_GONE = "the browser that asked for the plan has gone"


class _PlanWorker:
    """A long-lived worker process holding one `Planner`, and the pipe to it."""

    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_plan_loop, args=(child, 2 * WARM_IDLE_SECONDS), daemon=True
        )
        self.process.start()
        child.close()
        self.busy = False
        self.used = time.monotonic()
        self.warm = False
        """Whether its last plan was re-solved from the previous optimum."""

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


_WARM_LOCK = threading.Lock()
_WARM: dict[str, _PlanWorker] = {}
"""Planning workers by browser connection (the session id; "" outside a served app)."""


def _session() -> str:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:
        return ""
    ctx = get_script_run_ctx(suppress_warning=True)
    return "" if ctx is None else str(ctx.session_id)


def _session_gone(session: str) -> bool:
    try:
        from streamlit.runtime import Runtime
    except ImportError:
        return False
    return bool(session) and Runtime.exists() and not Runtime.instance().is_active_session(session)


def plan_workers() -> int:
    """How many planning workers may be kept (COMMISSIONING_PLAN_WORKERS, default 4)."""
    return max(0, number_setting(WORKERS_VARIABLE, WARM_WORKERS, int, "a whole number"))


def _take_plan_worker() -> _PlanWorker | None:
    """This connection's planning worker, marked busy (a new one if it has none, or its
    own has ended); None when `plan_workers()` are all busy (or none may be kept).
    Retires idle workers and those of closed connections on the way."""
    session, now, cap = _session(), time.monotonic(), plan_workers()
    with _WARM_LOCK:
        for key, w in list(_WARM.items()):
            stale = now - w.used > WARM_IDLE_SECONDS or not w.process.is_alive()
            if not w.busy and (stale or _session_gone(key)):
                del _WARM[key]
                w.stop()
        worker = _WARM.get(session)
        if worker is not None and worker.busy:
            return None  # the same connection planning twice at once: not in Streamlit
        if worker is None:
            if cap == 0:
                return None
            if len(_WARM) >= cap:
                idle = [(w.used, k) for k, w in _WARM.items() if not w.busy]
                if not idle:
                    return None
                _WARM.pop(min(idle)[1]).stop()
            worker = _WARM[session] = _PlanWorker(_context())
        worker.busy = True
        return worker


def _give_back(worker: _PlanWorker, keep: bool) -> None:
    with _WARM_LOCK:
        worker.busy = False
        worker.used = time.monotonic()
        if not keep:
            for key, w in list(_WARM.items()):
                if w is worker:
                    del _WARM[key]
    if not keep:
        worker.stop()


def stop_plan_workers() -> None:
    """Stop every idle planning worker (tests; a server shutting down)."""
    with _WARM_LOCK:
        idle = [(k, w) for k, w in _WARM.items() if not w.busy]
        for key, _ in idle:
            del _WARM[key]
    for _, w in idle:
        w.stop()


def allocate_limited(inputs: Inputs, seconds: float | None = None) -> Result:
    """`allocate(inputs)` in a worker process, stopped after `seconds` (default: `limit()`)
    or as soon as the browser connection closes. Raises what `allocate` raises
    (InfeasiblePlan with its diagnosis, SolverError), and SolveStopped.

    The connection's planning worker keeps the last plan's model, so a slider move is
    re-solved warm (`Planner`: the same optimum, plan and prices as `allocate`); a worker
    that is stopped or fails is replaced by a fresh one at the next plan."""
    worker = _take_plan_worker()
    if worker is None:
        return run_limited(allocate, inputs, seconds=seconds, slow=_PLAN_SLOW, gone=_PLAN_GONE)
    budget = limit() if seconds is None else seconds
    keep = False
    try:
        try:
            worker.conn.send(inputs)
        except (BrokenPipeError, EOFError, OSError):
            raise SolverError("the solver stopped without an answer") from None
        kind, value = _wait(worker.conn, worker.process, budget, _PLAN_SLOW, _PLAN_GONE)
        keep = kind in ("ok", "infeasible", "solver")
    finally:
        _give_back(worker, keep)
    if kind == "ok":
        result, worker.warm = cast("tuple[Result, bool]", value)
        return result
    return cast("Result", _unpack(kind, value))


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
