"""The server's long-lived heap kept out of the garbage collector's way.

Streamlit collects every generation after each script run (`runner.postScriptGC`), and the
workbench's server holds about 180,000 objects that live as long as it does (the modules
of Streamlit, pandas, Altair, SQLAlchemy and the package) and more with every plan it
keeps: each of those collections walked them all, 0.1-0.15 s of CPU after every slider
move (0.3-0.9 s on a loaded machine), during which the server sends nothing. Freezing
what survives a run (`gc.freeze`) leaves each collection only what the next run made.
"""

from __future__ import annotations

import gc
import threading

FULL_EVERY = 50
"""Runs between full collections: a frozen object is never collected as part of a cycle,
so every this many runs the heap is unfrozen and collected whole (about 0.15 s, once)."""

_LOCK = threading.Lock()
_RUNS = [0]
"""Runs since the last full collection."""


def settle() -> None:
    """After a script run: collect the garbage among the objects made since the last run,
    then freeze what is left, so the next collections skip it. Every `FULL_EVERY` runs
    (and at the first), unfreeze first, so that cycles that died while frozen (a plan
    dropped from the cache, a closed browser's session) are reclaimed."""
    with _LOCK:
        if _RUNS[0] % FULL_EVERY == 0:
            gc.unfreeze()
        _RUNS[0] += 1
        gc.collect()
        gc.freeze()
