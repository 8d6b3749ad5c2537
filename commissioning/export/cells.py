"""Text cells a spreadsheet will never run as a formula (CSV files and the plan workbook).

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return before them) as a formula: a service named `=HYPERLINK(...)` or
`@SUM(...)` in a downloaded file would run on a commissioner's computer. The workbook
stores such text with Excel's quote prefix; a CSV file has no cell types, so the text
gets a leading apostrophe, which spreadsheets show as text and do not run.
"""

from __future__ import annotations

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def formula_safe(text: str) -> str:
    """Text for a CSV cell: as written, with an apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text
