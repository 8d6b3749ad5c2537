"""Reaching past the store, as someone with direct database access would, to tamper with it."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def execute(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    """Run raw SQL in one transaction; the rows each statement returned."""
    engine = create_engine(url)
    out: list[list[tuple[object, ...]]] = []
    try:
        with engine.begin() as conn:
            for sql in statements:
                result = conn.execute(text(sql))
                out.append([tuple(r) for r in result] if result.returns_rows else [])
    finally:
        engine.dispose()
    return out


def unprotect(url: str, table: str) -> list[str]:
    """The statements that drop a table's append-only triggers (what a tamperer would do)."""
    if url.startswith("sqlite"):
        return [f"DROP TRIGGER {table}_no_update", f"DROP TRIGGER {table}_no_delete"]
    return [
        f"DROP TRIGGER {table}_append_only ON {table}",
        f"DROP TRIGGER {table}_no_truncate ON {table}",
    ]


def scalar(url: str, sql: str) -> object:
    return execute(url, sql)[0][0][0]
