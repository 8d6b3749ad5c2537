"""Where a store lives and how it is opened: its URL, the SQLAlchemy engine, SQLite's
write-ahead logging, creating a new SQLite file whole, and store errors in plain words.

Kept apart from `store.py` (the records and their transactions) so that each stays short;
`store.py` re-exports what callers used to import from it.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from commissioning.store import migrations
from commissioning.store.errors import NotAStore, StoreError

STORE_FILE = "store.sqlite"
BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another to finish before giving up (SQLite)."""
SQLITE_HEADER = b"SQLite format 3\x00"

# --------------------------------------------------------------------------- where


def default_path() -> Path:
    """The default SQLite file: $COMMISSIONING_HOME/store.sqlite, else the user's data folder.

    That is $XDG_DATA_HOME/commissioning/store.sqlite, by default
    ~/.local/share/commissioning/store.sqlite.
    """
    home = os.environ.get("COMMISSIONING_HOME")
    if home:
        return Path(home).expanduser() / STORE_FILE
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "commissioning" / STORE_FILE


def resolve_url(database: str | None = None) -> str:
    """The store to use: `database` if given, else $DATABASE_URL, else the default file.

    A bare path is taken as an SQLite file; postgres:// and postgresql:// URLs use psycopg 3.
    """
    raw = database or os.environ.get("DATABASE_URL") or ""
    if not raw:
        return f"sqlite:///{default_path()}"
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def display_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"{url!r} is not a database URL (e.g. sqlite:///path/store.sqlite or "
            "postgresql+psycopg://user@host/db)"
        ) from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        if backend == "postgresql":
            return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use {display_url(parsed)}: {exc}") from None
    raise StoreError(f"{display_url(parsed)}: the store runs on SQLite or PostgreSQL only")


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    if not memory:
        assert url.database is not None
        try:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {url.database}: {exc}") from None
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let the begin hook below, not the sqlite3 module, start transactions.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock at the start, so two never interleave read-then-write.
        reading = conn.get_execution_options().get("commissioning_read", False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def _ensure_wal(raw: Any, label: str) -> None:
    """Turn on write-ahead logging, waiting while other processes hold the file.

    Switching the journal mode needs the file to itself, and SQLite answers "database is
    locked" at once rather than waiting out the busy timeout, so several processes opening
    a new store together retry here until one has switched it (which serves them all).
    """
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            mode = raw.execute("PRAGMA journal_mode").fetchone()
            if mode is not None and str(mode[0]).lower() == "wal":
                return
            raw.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            reason = str(exc).lower()
            if ("locked" not in reason and "busy" not in reason) or time.monotonic() > deadline:
                raise StoreError(
                    f"{label} is busy: cannot turn on write-ahead logging ({exc})"
                ) from None
            time.sleep(0.05)


def _sqlite_file(url: str) -> URL | None:
    """The URL parsed when it names an SQLite file (not PostgreSQL, not in memory), else
    None (a URL that cannot be parsed too: _engine says what is wrong with it)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed


def _create_sqlite_whole(url: str, actor: str, key: bytes | None) -> None:
    """Create a new SQLite store whole, or not at all: made in a hidden file beside it and
    linked into place once its creation has committed.

    Created in place, a store whose first writer is killed outright (SIGKILL, power loss)
    would be left as an empty file, which the read-only commands rightly refuse as an
    emptied store; made aside, the store's path holds a whole store or nothing. A process
    that loses the race to create it uses the winner's. Nothing to do for PostgreSQL, an
    in-memory store or a file that exists (an empty one is created in place, as before).
    """
    parsed = _sqlite_file(url)
    if parsed is None:
        return
    path = Path(str(parsed.database)).expanduser()
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for {path}: {exc}") from None
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    engine = _engine(parsed.set(database=str(temp)).render_as_string(hide_password=False))
    try:
        # In SQLite's default rollback-journal mode: committed, the whole store is in the
        # one file (write-ahead logging is turned on once it is in place).
        with engine.begin() as conn:
            migrations.migrate(conn, actor, key=key)
    except DBAPIError as exc:
        raise _store_error(display_url(url), exc, opening=True) from None
    finally:
        engine.dispose()
    try:
        try:
            os.link(temp, path)  # never replaces a store another process made meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temp, path)
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc}") from None
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _check_exists(url: str) -> None:
    """Refuse, before anything is opened or created, an SQLite store that is not there or
    is empty (0 bytes): a read must never create a store, nor take an emptied one for new."""
    parsed = _sqlite_file(url)
    if parsed is None:
        return
    path = Path(str(parsed.database)).expanduser()
    if not path.exists():
        raise StoreError(
            f"there is no commissioning store at {path} yet (one is created when the first "
            "plan is stored; if one was expected, check the store's path: --database, "
            "DATABASE_URL or COMMISSIONING_HOME)"
        )
    if path.is_file() and path.stat().st_size == 0:
        # (A writer may meet a 0-byte file that another process is creating; a reader never
        # should, and must not take an emptied store for a new, intact one.)
        raise NotAStore(
            f"{path} is empty (0 bytes): it is not a commissioning store, or it was "
            "emptied. It has not been changed; restore it from a backup."
        )


def _check_sqlite_file(url: URL) -> None:
    """Refuse a file that is not an SQLite database, before SQLite touches it."""
    if url.database in (None, "", ":memory:"):
        return
    assert url.database is not None
    path = Path(url.database).expanduser()
    if not path.exists():
        return
    if path.is_dir():
        raise NotAStore(f"{path} is a folder, not a commissioning store")
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    if header and header != SQLITE_HEADER:
        raise NotAStore(
            f"{path} is not a commissioning store: it is not an SQLite database "
            "(wrong file, or damaged). It has not been changed."
        )


def _store_error(label: str, exc: DBAPIError, opening: bool = False) -> StoreError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered or "disk image" in lowered:
        return NotAStore(
            f"{label} is damaged or not a commissioning store ({reason}). It has "
            "not been changed; restore it from a backup, or use another store."
        )
    if "locked" in lowered or "busy" in lowered:
        return StoreError(
            f"{label} is busy: another process held it for more than "
            f"{BUSY_TIMEOUT:.0f} s ({reason})"
        )
    what = "cannot open" if opening else "a write or read failed in"
    return StoreError(f"{what} the store {label}: {reason}")


# --------------------------------------------------------------------------- for the app
