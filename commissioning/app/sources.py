"""Where the workbench's data comes from: a folder, an upload, edits, or one table replaced.

Every source is files (name -> bytes) with a content key, so the same data is loaded and
solved once; folders a user types are confined to the data roots, and every source keeps
within the size limits. No Streamlit here: the pages call these through `state`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from commissioning import store
from commissioning.inputs import Problem
from commissioning.inputs.read import (
    ALL_TABLES,
    SCENARIO_FILE,
    RawTables,
    read_csv,
    read_workbook,
)

BUNDLED_DATA = Path(__file__).resolve().parents[2] / "data"
"""The data that comes with the toolkit (a data root by default)."""
SAMPLE_DIR = BUNDLED_DATA / "sample"
"""The bundled, illustrative sample the workbench opens on."""
DATA_ROOT_VARIABLE = "COMMISSIONING_DATA_ROOT"
"""Folders (separated by the system's path separator) under which the "load another
folder" box may open data; by default the bundled data and the uploads folder."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The most that one upload (all its files together), or one data folder's files, may hold."""
MAX_FILES = 20
"""The most table and scenario files one upload or folder may hold."""
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx")
SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """Data as files (name -> bytes), however it arrived: a folder, an upload or edits."""

    label: str
    files: Mapping[str, bytes]
    scenario: bytes | None = None
    scenario_name: str = SCENARIO_FILE

    @cached_property
    def key(self) -> str:
        """A hash of the content, so the same data is loaded and solved once."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name] + b"\0")
        h.update(b"scenario\0" + (self.scenario or b""))
        return h.hexdigest()


def source_from_folder(folder: Path, label: str | None = None) -> Source:
    """The table files and scenario of a folder (raises FileNotFoundError if none).

    For folders the toolkit itself names (the bundled sample); a folder a user types goes
    through `source_from_allowed_folder`."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"there is no folder {folder}")
    files = {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
    }
    scenario_path = folder / SCENARIO_FILE
    scenario = scenario_path.read_bytes() if scenario_path.is_file() else None
    return Source(label or _shown_path(folder), files, scenario)


class FolderRefused(Exception):
    """A folder the workbench will not open: absent and not allowed get the same message,
    so the box tells nobody which folders exist on the server."""


def uploads_dir() -> Path:
    """The uploads folder: beside the default store ($COMMISSIONING_HOME/uploads, else
    ~/.local/share/commissioning/uploads)."""
    return store.default_path().parent / "uploads"


def data_roots() -> tuple[tuple[str, Path], ...]:
    """(name shown, folder) of each root the folder box may open data under."""
    import os

    raw = os.environ.get(DATA_ROOT_VARIABLE, "")
    folders = [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]
    if not folders:
        return (("data", BUNDLED_DATA.resolve()), ("uploads", uploads_dir().resolve()))
    return tuple((f.name or "data", f.resolve()) for f in folders)


def source_from_allowed_folder(typed: str) -> Source:
    """The data of a folder under one of the data roots, named as the user typed it
    (relative to a root, starting with the root's name as shown, or a full path under a
    root); raises FolderRefused
    for anything else: outside every root, reached through a symbolic link that leaves
    it, holding such a link, absent, or too large."""
    name = typed.strip()
    roots = data_roots()
    refused = FolderRefused(
        f"There is no data folder “{name}” that the workbench may open. Give a folder "
        f"under {' or '.join(label for label, _ in roots)}, e.g. “sample”."
    )
    asked = Path(name)
    if not name or "\0" in name or name.startswith("~"):
        raise refused
    for label, root in roots:
        parts = asked.parts[1:] if asked.parts[:1] == (label,) else asked.parts
        candidate = asked if asked.is_absolute() else root.joinpath(*parts)
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            continue
        if not real.is_relative_to(root) or not real.is_dir():
            continue
        try:
            return _read_allowed(real, root, f"{label}/{real.relative_to(root)}".rstrip("/."))
        except (FolderRefused, OSError, ValueError):
            raise refused from None
    raise refused


def _read_allowed(folder: Path, root: Path, label: str) -> Source:
    """A folder's tables and scenario, every file checked to stay under `root` (a symbolic
    link out of it is refused, not followed) and the whole within the size limits."""
    wanted = [
        p
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in TABLE_SUFFIXES or p.name == SCENARIO_FILE
    ]
    if len(wanted) > MAX_FILES:
        raise FolderRefused(f"more than {MAX_FILES} files")
    total = 0
    files: dict[str, bytes] = {}
    scenario: bytes | None = None
    for p in wanted:
        real = p.resolve(strict=True)
        if not real.is_relative_to(root):
            raise FolderRefused(f"{p.name} leads out of the data root")
        if not real.is_file():
            continue
        total += real.stat().st_size
        if total > MAX_UPLOAD_BYTES:
            raise FolderRefused("too large")
        content = real.read_bytes()
        if p.name == SCENARIO_FILE:
            scenario = content
        else:
            files[p.name] = content
    return Source(label, files, scenario)


def source_from_uploads(uploads: Iterable[tuple[str, bytes]]) -> tuple[Source, list[str]]:
    """Uploaded files as a source, and notes on any file that was set aside."""
    files: dict[str, bytes] = {}
    scenario: tuple[str, bytes] | None = None
    notes: list[str] = []
    for name, content in uploads:
        base = Path(name).name
        suffix = Path(base).suffix.lower()
        if suffix in SCENARIO_SUFFIXES:
            if scenario is not None:
                notes.append(
                    f"{base} was set aside: only one scenario file ({scenario[0]}) is used"
                )
                continue
            scenario = (base, content)
        elif suffix in TABLE_SUFFIXES:
            files[base] = content
        else:
            notes.append(f"{base} was set aside: only .csv, .xlsx and .yaml files are read")
    names = sorted(files)
    label = "uploaded " + (", ".join(names) if len(names) <= 2 else f"{len(names)} files")
    if scenario is None:
        return Source(label, files), notes
    return Source(label, files, scenario[1], scenario[0]), notes


def source_from_tables(
    label: str,
    tables: Mapping[str, Sequence[str]],
    rows: Mapping[str, Sequence[Sequence[str]]],
    scenario: bytes | None,
    scenario_name: str = SCENARIO_FILE,
) -> Source:
    """A source written as one CSV per table (used for edits made in the app)."""
    files = {}
    for table, columns in tables.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows[table])
        files[f"{table}.csv"] = buffer.getvalue().encode("utf-8")
    return Source(label, files, scenario, scenario_name)


def _shown_path(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


# --------------------------------------------------------------------------- one table


def table_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A table as CSV bytes (UTF-8), as the package reads it back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def with_table_replaced(
    current: Source, tables: RawTables, table: str, upload: str, content: bytes
) -> tuple[Source | None, tuple[Problem, ...]]:
    """The current data with one table replaced by an uploaded CSV file or a workbook's sheet
    named after the table: (the new source, ()) to be validated against the rest, or (None,
    why the upload cannot be read). A workbook in use is carried over as CSV files, so only
    the one table changes."""
    base = Path(upload).name
    if table not in ALL_TABLES:
        return None, (Problem(file=base, message=f"there is no table '{table}' to replace"),)
    if len(content) > MAX_UPLOAD_BYTES:
        message = f"is larger than {MAX_UPLOAD_BYTES // 2**20} MB, the most one upload may hold"
        return None, (Problem(file=base, message=message),)
    suffix = Path(base).suffix.lower()
    if suffix == ".csv":
        raw, problems = read_csv(content, table, base)
        if raw is None:
            return None, tuple(problems)
        new = content
    elif suffix == ".xlsx":
        sheets, found = read_workbook(content, base, (table,))
        if table not in sheets:
            return None, tuple(found) or (Problem(file=base, message=f"no sheet '{table}'"),)
        sheet = sheets[table]
        new = table_csv(sheet.columns, (r.cells for r in sheet.rows))
    else:
        return None, (Problem(file=base, message="only a .csv file or an .xlsx workbook is read"),)
    if any(name.lower().endswith(TABLE_SUFFIXES[1:]) for name in current.files):
        files = {
            f"{name}.csv": table_csv(raw_table.columns, (r.cells for r in raw_table.rows))
            for name, raw_table in tables.tables.items()
        }
    else:
        files = dict(current.files)
    files = {k: v for k, v in files.items() if k.lower() != f"{table}.csv"}
    files[f"{table}.csv"] = new
    label = f"{current.label}, {table} from {base}"
    return Source(label, files, current.scenario, current.scenario_name), ()
