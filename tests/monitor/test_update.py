"""The update rule on known figures, the prior weights, and the new data folder it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from commissioning.inputs import DataSet, InputError, load, load_data
from commissioning.inputs.returns import Returns
from commissioning.monitor.scorecard import Scorecard, scorecard
from commissioning.monitor.update import (
    PRIOR_WEIGHT,
    changes,
    prior_weights,
    updated,
    write_updated,
)
from tests.inputs.helpers import to_workbook
from tests.monitor.conftest import VALID

Plan = dict[str, dict[int, float]]


@pytest.fixture(scope="module")
def card(data: DataSet, plan: Plan, returns: Returns) -> Scorecard:
    return scorecard(data, plan, returns, (2027, 2))


def test_the_rule() -> None:
    # effect = (0.25 x 400 + 9) / (400 + 37); unit cost = (1,200 x 400 + 50,401) / 437
    effect, unit_cost = updated(0.25, 1200, 400, 37, 9, 50_401)
    assert effect == pytest.approx(109 / 437)
    assert unit_cost == pytest.approx(530_401 / 437)
    assert updated(0.3, 500, 0, 0, 0, 0) == (0.3, 500)  # no evidence either way


def test_default_weights() -> None:
    assert PRIOR_WEIGHT == {"4": 400, "3": 200, "2": 100, "NL2": 30, "NE": 30}


def test_changes_by_hand(card: Scorecard) -> None:
    by = {c.initiative_id: c for c in changes(card)}
    # 0110 reported (zeros) though unfunded: its figures stay (no participants, no spend).
    assert sorted(by) == ["0110", "1001", "1002", "1003", "1004", "1005", "1006"]
    c = by["1001"]  # evidence 3: n0 = 200; 190 participants, 19 outcomes, £63,000
    assert (c.prior_weight, c.participants, c.outcomes, c.spend) == (200, 190, 19, 63_000)
    assert c.effect_after == 0.1  # (0.1 x 200 + 19) / 390 = 39 / 390
    assert c.unit_cost_after == 315.38  # (300 x 200 + 63,000) / 390 = 315.3846
    c = by["1002"]  # evidence 4: n0 = 400
    assert c.effect_after == 0.2494  # 109 / 437 = 0.24943
    assert c.unit_cost_after == 1213.73  # 530,401 / 437 = 1,213.732
    c = by["1004"]  # NL2: n0 = 30
    assert c.effect_after == 0.2  # (0.2 x 30 + 3) / 45
    assert c.unit_cost_after == 2088.87  # (2,000 x 30 + 33,999) / 45 = 2,088.867
    c = by["1005"]  # evidence 3, quarter 1 only: (0.4 x 200 + 4) / 210 and
    # (9,000 x 200 + 90,000) / 210
    assert (c.effect_after, c.unit_cost_after) == (0.4, 9000)
    c = by["0110"]
    assert (c.effect_after, c.unit_cost_after) == (c.effect_before, c.unit_cost_before)


def test_overridden_weights(card: Scorecard) -> None:
    weights = prior_weights(b'"3": 0\nNL2: 90\n')
    assert weights == {**PRIOR_WEIGHT, "3": 0.0, "NL2": 90.0}
    by = {c.initiative_id: c for c in changes(card, weights)}
    assert by["1001"].effect_after == 0.1  # 19 / 190: the returns alone
    assert by["1001"].unit_cost_after == 331.58  # 63,000 / 190
    assert by["1004"].unit_cost_after == pytest.approx(round((2000 * 90 + 33_999) / 105, 2))


def test_bad_prior_weights() -> None:
    with pytest.raises(InputError) as e:
        prior_weights(b"'5': 10\nNE: -1\n'2': lots\n", "weights.yaml")
    text = str(e.value)
    assert "weights.yaml line 1, key 5: '5' is not an evidence level (4, 3, 2, NL2, NE)" in text
    assert "weights.yaml line 2, key NE: '-1' is not a weight" in text
    assert "weights.yaml line 3, key 2: 'lots' is not a weight" in text
    with pytest.raises(InputError, match="is not valid YAML"):
        prior_weights(b"[unclosed", "weights.yaml")


def test_new_folder_is_complete_and_the_old_untouched(
    card: Scorecard, data: DataSet, tmp_path: Path
) -> None:
    src = tmp_path / "data"
    shutil.copytree(VALID, src)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    out = tmp_path / "next"
    found = changes(card)
    write_updated(src, out, card, found)
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*before, "README.md"])
    for name in before:
        if name != "initiatives.csv":
            assert (out / name).read_bytes() == before[name], name
    new = load(out)  # a complete, valid data folder with its scenario
    old = {i.initiative_id: i for i in data.initiatives}
    for i in new.data.initiatives:
        c = next((c for c in found if c.initiative_id == i.initiative_id), None)
        if c is None:
            assert i == old[i.initiative_id]
        else:
            assert (i.effect, i.unit_cost) == (c.effect_after, c.unit_cost_after)
            assert i.name == old[i.initiative_id].name  # the rest of the row as it was
    text = (out / "README.md").read_text()
    assert "for 2027 up to quarter 2" in text
    assert "effect    = (effect x n0 + outcomes achieved) / (n0 + participants)" in text
    assert "| Incredible Years, school age" not in text  # did not report, so not listed
    assert "| Youth mentoring West (1004) | NL2 | 30 | 15 | 3 | £33,999 | 20.00% | 20.00% " in text
    assert "| £2,000 | £2,088.87 |" in text


def test_refuses_an_existing_folder(card: Scorecard, tmp_path: Path) -> None:
    out = tmp_path / "next"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="already exists and is not empty"):
        write_updated(VALID, out, card, changes(card))
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    with pytest.raises(ValueError, match="inside the data folder"):
        write_updated(VALID, VALID / "next", card, changes(card))
    assert not (VALID / "next").exists()


def test_nothing_is_left_behind_when_it_fails(
    card: Scorecard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commissioning.monitor import update

    def broken(*args: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(update, "readme", broken)
    with pytest.raises(RuntimeError):
        write_updated(VALID, tmp_path / "next", card, changes(card))
    assert list(tmp_path.iterdir()) == []


def test_workbook_data_folder(card: Scorecard, data: DataSet, tmp_path: Path) -> None:
    src = to_workbook(VALID, tmp_path / "book")
    found = changes(card)
    write_updated(src, tmp_path / "next", card, found)
    new, _ = load_data(tmp_path / "next")
    by = {i.initiative_id: i for i in new.initiatives}
    for c in found:
        assert (by[c.initiative_id].effect, by[c.initiative_id].unit_cost) == (
            c.effect_after,
            c.unit_cost_after,
        )
    assert openpyxl.load_workbook(src / "data.xlsx")["initiatives"]["L2"].value == 0.1


def test_the_sheet_and_headers_are_found_as_the_reader_finds_them(
    card: Scorecard, tmp_path: Path
) -> None:
    """A sheet named 'Initiatives.csv' and a header 'Unit Cost' are read as the initiatives
    table and its unit_cost column, so the update must rewrite them too."""
    src = to_workbook(VALID, tmp_path / "book")
    wb = openpyxl.load_workbook(src / "data.xlsx")
    ws = wb["initiatives"]
    ws.title = "Initiatives.csv"
    cost = next(c for c in ws[1] if c.value == "unit_cost")
    cost.value = "Unit Cost"
    wb.save(src / "data.xlsx")
    found = changes(card)
    write_updated(src, tmp_path / "next", card, found)
    by = {i.initiative_id: i for i in load_data(tmp_path / "next")[0].initiatives}
    assert found
    for c in found:
        assert (by[c.initiative_id].effect, by[c.initiative_id].unit_cost) == (
            c.effect_after,
            c.unit_cost_after,
        )
