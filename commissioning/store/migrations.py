"""Schema versions: a short, ordered list of hand-written migration steps (no Alembic).

The store has few tables and they change rarely; a list of steps recorded in the
`schema_version` table is easy to read and review, and needs no extra tool. Rules:
steps are only ever appended, never edited once released (so step 1 creates the tables
as they were at version 1: when a table changes later, the new step alters it and step 1
keeps a frozen copy of the old definition); each step runs in the same transaction as the
record of it, so a store is never left half-migrated; every step applied is logged in the
audit trail.

Before anything is written, `current_version` classifies the database: empty (a new store
is created), ours (migrated forward), or anything else (refused, never touched).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, select, text

from commissioning.store import audit, schema
from commissioning.store.errors import NotAStore


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_tables(conn: Connection) -> None:
    for table in (
        schema.store_info,
        schema.snapshots,
        schema.scenarios,
        schema.runs,
        schema.decisions,
        schema.audit_log,
        schema.audit_head,
    ):
        table.create(conn)
    conn.execute(
        schema.store_info.insert(),
        [
            {"key": "application", "value": schema.APPLICATION},
            {"key": "created_at", "value": audit.now()},
        ],
    )
    conn.execute(schema.audit_head.insert().values(id=1, seq=0, hash=audit.GENESIS))


_V2_APPEND_ONLY = ("snapshots", "scenarios", "runs", "decisions", "audit_log")
"""The record tables of version 2, frozen: later tables get their triggers in their own step."""


def _append_only_triggers(conn: Connection, tables: tuple[str, ...] = _V2_APPEND_ONLY) -> None:
    """Refuse UPDATE and DELETE on the record tables, so no one edits history by accident.

    A deliberate edit (dropping the trigger first) is still caught by `audit verify`.
    """
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION commissioning_append_only() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                "'the % table of the commissioning store is append-only', TG_TABLE_NAME; "
                "END $$"
            )
        )
        for table in tables:
            conn.execute(
                text(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION commissioning_append_only()"
                )
            )
            conn.execute(
                text(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION commissioning_append_only()"
                )
            )
    elif dialect == "sqlite":
        for table in tables:
            for event in ("UPDATE", "DELETE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'the {table} table of the commissioning "
                        "store is append-only'); END"
                    )
                )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "create the store: snapshots, scenarios, runs, decisions, audit log", _create_tables
    ),
    Migration(
        2, "make the record tables append-only (refuse UPDATE and DELETE)", _append_only_triggers
    ),
)


def _provider_returns(conn: Connection) -> None:
    """Version 3: providers' quarterly returns, append-only like every record table."""
    schema.provider_returns.create(conn)
    _append_only_triggers(conn, ("provider_returns",))


MIGRATIONS += (
    Migration(3, "keep providers' quarterly returns, linked to a run", _provider_returns),
)


def _robustness_checks(conn: Connection) -> None:
    """Version 4: robustness checks, append-only like every record table."""
    schema.robustness_checks.create(conn)
    _append_only_triggers(conn, ("robustness_checks",))


MIGRATIONS += (
    Migration(4, "keep robustness checks, linked to the run they check", _robustness_checks),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    """The schema version of this database: 0 when it is empty. Raises NotAStore otherwise."""
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return 0
    if "store_info" not in tables or "schema_version" not in tables:
        shown = ", ".join(sorted(tables)[:8]) + (", ..." if len(tables) > 8 else "")
        raise NotAStore(
            f"it already holds tables that are not a commissioning store ({shown}); "
            "give the store its own database"
        )
    marker = conn.execute(
        select(schema.store_info.c.value).where(schema.store_info.c.key == "application")
    ).scalar()
    if marker != schema.APPLICATION:
        raise NotAStore(f"its store_info does not name a commissioning store ({marker!r})")
    version = conn.execute(
        select(schema.schema_version.c.version).order_by(schema.schema_version.c.version.desc())
    ).scalar()
    if version is None:
        raise NotAStore("it has no schema version: it was not made by this toolkit")
    if version > LATEST:
        raise NotAStore(
            f"it was made by a newer version of the toolkit (schema {version}; this one knows "
            f"up to {LATEST}): upgrade the toolkit to use it"
        )
    return int(version)


def migrate(
    conn: Connection, actor: str, upto: int = LATEST, key: bytes | None = None
) -> list[int]:
    """Bring the schema up to `upto`, inside the caller's write transaction; the steps applied.

    The caller holds the write lock (BEGIN IMMEDIATE on SQLite, an advisory lock on
    PostgreSQL), so two processes opening a new store at once create it once.
    """
    version = current_version(conn)
    if version == 0:
        schema.schema_version.create(conn)
    applied: list[int] = []
    for step in MIGRATIONS:
        if version < step.version <= upto:
            step.apply(conn)
            conn.execute(
                schema.schema_version.insert().values(
                    version=step.version, description=step.description, applied_at=audit.now()
                )
            )
            applied.append(step.version)
    for number in applied:
        step = MIGRATIONS[number - 1]
        audit.append(
            conn,
            "schema",
            f"version {number}",
            {"version": number, "description": step.description},
            actor,
            key,
        )
    return applied
