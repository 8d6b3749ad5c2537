"""The fingerprint: stable under format and row order, sensitive to every used value."""

from __future__ import annotations

from pathlib import Path

from commissioning.inputs import fingerprint, load
from commissioning.inputs.model import Inputs
from tests.inputs.helpers import VALID, copy_valid, edit_cell, read_rows, write_rows

BASE = fingerprint(load(VALID))


def test_same_inputs_same_hash() -> None:
    assert fingerprint(load(VALID)) == BASE
    assert len(BASE) == 64 and int(BASE, 16) >= 0


def test_row_order_and_list_order_do_not_matter(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    for table in ("initiatives", "budgets", "districts", "funding_streams"):
        path = folder / f"{table}.csv"
        rows = read_rows(path)
        write_rows(path, [rows[0], *reversed(rows[1:])])
    assert read_rows(folder / "initiatives.csv")[6][0] == "1005"
    edit_cell(folder, "initiatives", 7, "funding", "NHS;CORE")  # was CORE;NHS
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("lock: [1003]", "lock: ['1003']"))
    assert fingerprint(load(folder)) == BASE


def test_ignored_things_do_not_matter(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    edit_cell(folder, "initiatives", 2, "notes", "changed note")  # extra column
    edit_cell(folder, "budgets", 2, "amount", "1")  # 2026: outside the plan
    assert fingerprint(load(folder)) == BASE


def test_any_value_change_changes_it(tmp_path: Path) -> None:
    changes = [
        ("initiatives", 2, "unit_cost", "301"),
        ("initiatives", 3, "mixed_findings", "true"),
        ("initiatives", 4, "contract_end", "2028"),
        ("districts", 3, "need_index", "0.91"),
        ("budgets", 3, "amount", "1200001"),
        ("priorities", 2, "min_share", "0.21"),
        ("outcomes", 2, "name", "Staying safe"),
    ]
    seen = {BASE}
    for k, (table, row, column, value) in enumerate(changes):
        folder = copy_valid(tmp_path / f"d{k}")
        edit_cell(folder, table, row, column, value)
        h = fingerprint(load(folder))
        assert h not in seen, (table, column)
        seen.add(h)


def test_scenario_change_changes_it(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("ramp: 0.5", "ramp: 0.6"))
    assert fingerprint(load(folder)) != BASE


def test_it_is_the_hash_of_the_canonical_json_for_any_scenario_of_the_same_data() -> None:
    """The data's part is serialised once per data set held; the hash stays that of the
    whole canonical form serialised at once, whatever scenario comes with the data."""
    import hashlib
    import json
    from dataclasses import replace

    from commissioning.inputs.fingerprint import canonical
    from commissioning.synthetic import synthetic_inputs

    def direct(inputs: Inputs) -> str:
        text = json.dumps(
            canonical(inputs),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    for inputs in (load(VALID), synthetic_inputs(4, 40, seed=1, cost_library=True)):
        seen = set()
        for floor in (0.8, 0.7, 0.8):
            moved = replace(inputs, scenario=replace(inputs.scenario, district_floor=floor))
            assert fingerprint(moved) == direct(moved)
            seen.add(fingerprint(moved))
        assert len(seen) == 2
        later = replace(inputs, scenario=replace(inputs.scenario, start_year=2028))
        assert fingerprint(later) == direct(later)  # other plan years: other budgets
