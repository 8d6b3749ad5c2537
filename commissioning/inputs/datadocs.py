"""The data reference page (docs/data-reference.md), written from the schema.

Generated rather than written by hand so it cannot drift from what the toolkit reads:
`scripts/make_data_reference.py` writes it, and a test fails when the page is out of date.
"""

from __future__ import annotations

from collections.abc import Iterable

from commissioning.inputs.read import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
)
from commissioning.inputs.schema import CONSULTATION, RETURNS, SCHEMA, Column, Table

_KINDS = {
    "id": "code",
    "text": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true/false (also yes/no, 1/0)",
    "choice": "one of a list",
    "evidence": "evidence level",
    "ids": "codes separated by ;",
}


def data_reference(extra: Iterable[str] = ()) -> str:
    """The page as Markdown: every table and every column, from the schema.

    `extra` are further lines (the sample's indicator ids, say) added at the end.
    """
    lines = [
        "# Data reference",
        "",
        "<!-- Generated from commissioning/inputs/schema.py by scripts/make_data_reference.py:",
        "     edit the schema, then run the script; a test fails when this page is out of date."
        " -->",
        "",
        "A data folder holds one CSV file per table (UTF-8, comma separated, a header row",
        "naming the columns), or one `.xlsx` workbook with one sheet per table named after",
        "it. Column names are matched in any case, with spaces for underscores; columns",
        "beyond these are kept (on initiatives, for documents) and otherwise ignored. Every",
        "problem is reported at once, with its file, sheet, row and column.",
        "",
        f"Limits of every table: at most {MAX_FILE_BYTES // 1_000_000} MB a file, "
        f"{MAX_ROWS:,} rows, {MAX_COLUMNS} columns and",
        f"{MAX_CELL_CHARS:,} characters a cell ([limits.md](limits.md)).",
        "",
        "A column marked *fingerprint* counts in the plan's fingerprint: changing its value",
        "makes a different plan. The others (and whole tables marked so) change documents,",
        "not the plan.",
        "",
    ]
    for table in (*SCHEMA.values(), RETURNS, CONSULTATION):
        lines += _table(table)
    lines += list(extra)
    return "\n".join(lines).rstrip() + "\n"


def _table(table: Table) -> list[str]:
    if table is RETURNS:
        use = "A separate file (`returns.csv` or a `returns` sheet), given to `monitor`."
    elif table.optional:
        use = "Optional: a data folder may leave it out."
    else:
        use = "Required in every data folder."
    if not table.fingerprinted:
        use += " Not part of the plan's fingerprint."
    out = [
        f"## {table.file}",
        "",
        table.description,
        "",
        use + f" Each row is identified by {', '.join(table.key)}.",
        "",
        "| column | type | allowed values | required | blank means | fingerprint | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in table.columns:
        out.append(
            "| "
            + " | ".join(
                (
                    f"`{c.name}`",
                    _KINDS[c.kind],
                    c.range_text() or "any",
                    "yes" if c.required else "no",
                    _blank(c),
                    _fingerprint(table, c),
                    c.description,
                )
            )
            + " |"
        )
    return [*out, ""]


def _blank(c: Column) -> str:
    if c.blank == "error":
        return "a problem"
    if c.default is None or c.default == "":
        return "none"
    if isinstance(c.default, bool):
        return "true" if c.default else "false"
    return f"{c.default:g}" if isinstance(c.default, float) else str(c.default)


def _fingerprint(table: Table, c: Column) -> str:
    if not table.fingerprinted or c.fingerprint == "no":
        return "no"
    return "yes (with the ranges)" if c.fingerprint == "ranges" else "yes"
