"""The table schema is the one place a column is declared; everything else derives from it."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
from pathlib import Path

import pytest

from commissioning.inputs import InputError, fingerprint, load
from commissioning.inputs import schema as schema_module
from commissioning.inputs.datadocs import data_reference
from commissioning.inputs.fingerprint import canonical
from commissioning.inputs.model import Outcome
from commissioning.inputs.schema import DATA_TABLES, RETURNS, SCHEMA, Column
from commissioning.inputs.snapshot import from_snapshot, to_snapshot
from tests.inputs.helpers import copy_valid, read_rows, write_rows

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "commissioning" / "inputs"
COLUMNS = {c.name for t in (*DATA_TABLES, RETURNS) for c in t.columns}
FIELDS = {c.field for t in (*DATA_TABLES, RETURNS) for c in t.columns}

GENERIC = ("read.py", "cells.py", "fingerprint.py", "snapshot.py", "limits.py", "loading.py")
"""Modules that read, check, fingerprint or snapshot any table: they name no column."""
NOT_COLUMNS = {"snapshot.py": {"source", "name", "value"}, "loading.py": {"name"}}
"""Words that are keys of something else there: the data's source, the scenario's name and
a warning's value (and the default scenario's name)."""
RULES = ("validate.py", "returns.py", "scenario_check.py", "summary.py")
"""Modules holding rules between columns and tables: they name columns only to use them."""
CELL_METHODS = {"fine", "raw", "text", "number", "integer", "boolean", "choice", "ids"}


def strings(tree: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@pytest.mark.parametrize("module", GENERIC)
def test_reading_checking_fingerprint_and_snapshot_declare_no_column(module: str) -> None:
    tree = ast.parse((INPUTS / module).read_text(encoding="utf-8"))
    allowed = NOT_COLUMNS.get(module, set())
    named = sorted(
        {f"{s.value} (line {s.lineno})" for s in strings(tree) if s.value in COLUMNS - allowed}
    )
    assert not named, f"{module} names columns by hand: {named}; take them from the schema"


@pytest.mark.parametrize("module", RULES)
def test_rules_name_only_columns_the_schema_declares(module: str) -> None:
    """A column a rule uses (cells.fine("x"), values["x"]) must be declared in the schema."""
    tree = ast.parse((INPUTS / module).read_text(encoding="utf-8"))
    used: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CELL_METHODS | {"problem"}
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "c"
        ):
            args = node.args[:1] if node.func.attr != "fine" else node.args
            used += [(a.value, a.lineno) for a in args if isinstance(a, ast.Constant)]
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "v"
            and isinstance(node.slice, ast.Constant)
        ):
            used.append((node.slice.value, node.lineno))
    unknown = [f"{name} (line {line})" for name, line in used if name not in COLUMNS | FIELDS]
    assert not unknown, f"{module} uses columns the schema does not declare: {unknown}"
    assert used or module in ("scenario_check.py", "summary.py")


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_each_column_is_a_field_of_the_typed_object(table: schema_module.Table) -> None:
    if table.mapping:
        assert len(table.columns) == 2
        return
    fields = {f.name for f in dataclasses.fields(table.model)}
    declared = {c.field for c in table.columns}
    assert declared <= fields
    kept = {n for n, keeps in (("row", table.keeps_row), ("extra", table.keeps_extra)) if keeps}
    assert fields - declared <= kept, f"{table.model.__name__} has fields the schema lacks"


def test_each_table_is_read_in_the_order_the_schema_gives() -> None:
    from commissioning.inputs.read import ALL_TABLES, OPTIONAL_TABLES

    assert tuple(SCHEMA) == ALL_TABLES
    assert set(OPTIONAL_TABLES) == {"costs", "prices", "indicators"}


def test_the_data_reference_page_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_data_reference", ROOT / "scripts" / "make_data_reference.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = (ROOT / "docs" / "data-reference.md").read_text(encoding="utf-8")
    assert page == script.render(), "run scripts/make_data_reference.py"
    for table in (*DATA_TABLES, RETURNS):
        assert f"## {table.name}.csv" in page
        for column in table.columns:
            assert f"| `{column.name}` |" in page


# ------------------------------------------------------------------ one more column


@dataclasses.dataclass(frozen=True)
class OutcomeWithReach(Outcome):
    """The typed object of the outcomes table with the new column's field."""

    reach: float = 0.0


REACH = Column(
    "reach",
    "number",
    "Share of the county's children the outcome concerns.",
    required=False,
    blank="default",
    default=0.0,
    minimum=0,
    maximum=1,
)


@pytest.fixture
def reach(monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary copy of the schema whose outcomes table has one more column."""
    outcomes = SCHEMA["outcomes"]
    grown = dataclasses.replace(
        outcomes, columns=(*outcomes.columns, REACH), model=OutcomeWithReach
    )
    monkeypatch.setitem(SCHEMA, "outcomes", grown)


def with_reach(folder: Path, values: dict[str, str]) -> Path:
    rows = read_rows(folder / "outcomes.csv")
    rows = [[*rows[0], "reach"], *([*r, values.get(r[0], "")] for r in rows[1:])]
    write_rows(folder / "outcomes.csv", rows)
    return folder


@pytest.mark.usefixtures("reach")
def test_a_column_added_to_the_schema_is_read_checked_fingerprinted_and_kept(
    tmp_path: Path,
) -> None:
    folder = copy_valid(tmp_path / "data")
    plain = load(folder)
    first = plain.data.outcomes[0].outcome_id
    with_reach(folder, {first: "0.4"})

    # read, into the typed object (a blank cell takes the default)
    inputs = load(folder)
    by_id = {o.outcome_id: o for o in inputs.data.outcomes}
    assert by_id[first].reach == 0.4
    assert all(o.reach == 0.0 for o in inputs.data.outcomes if o.outcome_id != first)

    # fingerprinted: the value counts, so changing it makes a different plan
    assert {"outcome_id": first, "name": by_id[first].name, "reach": 0.4} in canonical(inputs)[
        "outcomes"
    ]  # type: ignore[operator]
    with_reach(copy_valid(tmp_path / "other"), {first: "0.5"})
    assert fingerprint(load(tmp_path / "other")) != fingerprint(inputs)

    # snapshotted, and back
    doc = to_snapshot(inputs)
    assert {o["outcome_id"]: o["reach"] for o in doc["outcomes"]}[first] == 0.4
    again = from_snapshot(doc)
    assert again == inputs and fingerprint(again) == fingerprint(inputs)

    # checked, and located by file, row and column
    with_reach(copy_valid(tmp_path / "bad"), {first: "1.5"})
    with pytest.raises(InputError) as caught:
        load(tmp_path / "bad")
    assert [str(p) for p in caught.value.problems] == [
        "outcomes.csv row 2, column reach: 1.5 is out of range: must be at least 0 and at most 1"
        "; write a share as a fraction, e.g. 0.015 for 1.5%"
    ]

    # and documented
    assert "| `reach` | number | at least 0, at most 1 | no | 0 | yes |" in data_reference()
