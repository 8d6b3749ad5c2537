"""Loading never changes, creates or removes anything in the user's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from commissioning.inputs import InputError, load
from tests.inputs.helpers import BAD, VALID, copy_valid, hashes, to_workbook


def test_loading_csv_leaves_files_untouched(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    before = hashes(folder)
    load(folder)
    assert hashes(folder) == before


def test_loading_a_workbook_leaves_it_untouched(tmp_path: Path) -> None:
    folder = to_workbook(VALID, tmp_path / "book")
    before = hashes(folder)
    load(folder)
    assert hashes(folder) == before


def test_failing_load_leaves_files_untouched(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path / "d")
    shutil.copyfile(BAD / "not_utf8" / "districts.csv", folder / "districts.csv")
    before = hashes(folder)
    with pytest.raises(InputError):
        load(folder)
    assert hashes(folder) == before


def test_fixtures_themselves_are_untouched() -> None:
    before = hashes(VALID.parent)
    load(VALID)
    assert hashes(VALID.parent) == before
