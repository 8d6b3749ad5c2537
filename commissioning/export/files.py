"""Atomic writes: a file is either written whole or not at all, never half."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
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


def write_json(path: Path, doc: Any) -> None:
    def dump(tmp: Path) -> None:
        tmp.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")

    write_atomic(path, dump)


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
