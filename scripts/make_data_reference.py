"""Write docs/data-reference.md from the table schema (commissioning/inputs/schema.py).

Usage:
    python scripts/make_data_reference.py [--check]

With --check, write nothing and exit 1 when the page is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from commissioning.inputs.datadocs import data_reference  # noqa: E402
from commissioning.inputs.read import read_tables  # noqa: E402

PAGE = ROOT / "docs" / "data-reference.md"
SAMPLE = ROOT / "data" / "sample"


def sample_indicator_ids() -> list[str]:
    """The indicator ids the sample's indicators.csv uses, in the order it lists them."""
    table = read_tables(SAMPLE).tables.get("indicators")
    if table is None:
        return []
    k = table.columns.index("indicator_id")
    return list(dict.fromkeys(row.cells[k] for row in table.rows))


def render() -> str:
    """The page: the schema's tables, then the indicator ids of the sample."""
    ids = sample_indicator_ids()
    extra = [
        "## Indicator ids",
        "",
        "The indicator ids the sample's `indicators.csv` uses, one for each indicator of the",
        "documents' indicator library (`specs/indicators.yaml`): the outcome, then a short",
        "name. The inputs only check that an id is a short code; the documents match it to",
        "the library.",
        "",
        *(f"- `{i}`" for i in ids),
    ]
    return data_reference(extra if ids else ())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--check", action="store_true", help="check the page, write nothing")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        return 0 if current == text else 1
    tmp = PAGE.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(PAGE)  # whole or not at all
    return 0


if __name__ == "__main__":
    sys.exit(main())
