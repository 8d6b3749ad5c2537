"""Atomic writes: a file is either written whole or not at all, never half."""

from __future__ import annotations

import json
import os
import signal
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary file beside `path`, then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_writer(doc: Any) -> Callable[[Path], None]:
    """What `write_atomic` or `write_set` calls to write `doc` as a JSON file."""

    def dump(tmp: Path) -> None:
        tmp.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")

    return dump


def write_json(path: Path, doc: Any) -> None:
    write_atomic(path, json_writer(doc))


def write_set(writers: Mapping[Path, Callable[[Path], object]]) -> None:
    """Write several files as one set: whole or not at all, together.

    Every file is written to a temporary file beside its target first; only when all are
    written are they renamed into place, with the stopping signals held off (see
    `stop_on_signals`) for the few microseconds that takes. A run stopped at any point
    therefore leaves the previous set or the new one, never a mix, and no temporary file.
    """
    temps: dict[Path, Path] = {}
    try:
        for path, write in writers.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temps[path] = Path(name)
            write(Path(name))
            with open(name, "rb") as f:  # on disk before any rename: a crash cannot undo it
                os.fsync(f.fileno())
        with signals_held():
            for path, temp in temps.items():
                os.replace(temp, path)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- stopping

_HELD = 0
_PENDING: list[int] = []
STOPPING_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, SIGINT or SIGHUP)."""


def _stop(signum: int, frame: object) -> None:
    if _HELD:
        _PENDING.append(signum)  # acted on as the held section ends
        return
    raise Stopped(signal.Signals(signum).name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within it, the stopping signals raise `Stopped` in the main thread, so that `finally`
    blocks run (temporary files are removed) and `signals_held` can defer them.

    Used by the command line around a command; a signal's default would end the process
    mid-write. The handlers before it are put back at its end.
    """
    before = {s: signal.signal(s, _stop) for s in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


@contextmanager
def signals_held() -> Iterator[None]:
    """A section no stopping signal interrupts: one that arrives is acted on at its end."""
    global _HELD
    _HELD += 1
    try:
        yield
    finally:
        _HELD -= 1
        if not _HELD and _PENDING:
            signum = _PENDING[0]
            _PENDING.clear()
            raise Stopped(signal.Signals(signum).name)


def overwrites_input(
    output: Path, data_dir: Path, scenario: Path | None = None, *, folder: bool = False
) -> str | None:
    """Why writing `output` would write over an input, or None when it would not.

    Paths are compared once every symbolic link is followed (and, for files that exist, by
    identity, so a hard link is caught too). A file output may not be the scenario, a file
    of the data folder, or a file that the folder would then read as one of its tables; a
    folder output (`folder=True`) may not be the data folder itself or one of its files.
    """
    from commissioning.inputs.read import SCENARIO_FILE, TABLES, WORKBOOK_SUFFIXES

    data = Path(data_dir).resolve()
    target = Path(output).resolve()
    scenario_path = Path(scenario) if scenario is not None else Path(data_dir) / SCENARIO_FILE

    def same(a: Path, b: Path) -> bool:
        try:
            return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
        except OSError:
            return False

    if same(target, scenario_path):
        return f"{output} is the scenario being read"
    if same(target, data):
        return f"{output} is the data folder being read"
    if data.is_dir():
        for item in data.iterdir():
            if item.is_file() and same(target, item):
                return f"{output} is {item.name}, a file of the data folder being read"
    if not folder and target.parent == data:
        name = target.name.lower()
        read = {f"{t}.csv" for t in TABLES} | {SCENARIO_FILE}
        if name in read or name.endswith(WORKBOOK_SUFFIXES):
            return f"{output} would be read as part of the data folder next time"
    return None
