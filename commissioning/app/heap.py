"""The server's long-lived heap kept out of the garbage collector's way.

Streamlit collects every generation after each script run (`runner.postScriptGC`), and the
workbench's server holds about 180,000 objects that live as long as it does (the modules
of Streamlit, pandas, Altair, SQLAlchemy and the package): each of those collections walked
them all, 0.1-0.15 s of CPU after every slider move, during which the server sends nothing.
Freezing them (`gc.freeze`) leaves each collection only what the runs since made.
"""

from __future__ import annotations

import gc
import sys
import threading

_LOCK = threading.Lock()
_MODULES_WHEN_FROZEN = [0]
"""How many modules were imported when the heap was last frozen."""


def settle() -> bool:
    """After a script run: when modules were imported since the last time (the first run
    of the server, or the first visit to a page that imports more), collect the garbage
    there is and freeze what is left. True when it froze.

    Collecting first keeps garbage out of the frozen heap. What is frozen is never
    collected as a cycle again; it is the modules (kept anyway) and the objects of the runs
    in progress, once per new import, so at most a few runs' worth."""
    with _LOCK:
        loaded = len(sys.modules)
        if loaded == _MODULES_WHEN_FROZEN[0]:
            return False
        gc.collect()
        gc.freeze()
        _MODULES_WHEN_FROZEN[0] = loaded
        return True
