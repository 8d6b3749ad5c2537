"""Every folder under tests/data/bad is one mistake, named precisely when loaded.

A case holds the broken file(s) to lay over a copy of the valid fixture, an optional
remove.txt (files to delete) and expected.txt (substrings the error must contain: file,
row and column, and what is wrong).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from commissioning.inputs import InputError, load
from tests.inputs.helpers import BAD, copy_valid

CASES = sorted(p for p in BAD.iterdir() if p.is_dir())


def build(case: Path, dest: Path) -> Path:
    folder = copy_valid(dest)
    for f in case.iterdir():
        if f.name not in ("expected.txt", "remove.txt"):
            shutil.copyfile(f, folder / f.name)
    remove = case / "remove.txt"
    if remove.exists():
        for name in remove.read_text().split():
            (folder / name).unlink()
    return folder


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input_is_named(case: Path, tmp_path: Path) -> None:
    folder = build(case, tmp_path / "data")
    with pytest.raises(InputError) as e:
        load(folder)
    text = str(e.value)
    for expected in (case / "expected.txt").read_text().splitlines():
        if expected:
            assert expected in text, f"{case.name}: {expected!r} not in\n{text}"
    assert all(p.severity == "error" for p in e.value.problems)
