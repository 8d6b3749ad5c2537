"""The consultation record is checked at the boundary with the other tables: `validate`,
`load` and files loaded for the app name its problems with those of every other file."""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.cli import main
from commissioning.inputs import InputError, load
from commissioning.usecases import load_files
from tests.inputs.helpers import BAD, copy_valid

BROKEN = BAD / "consultation_bad_rows" / "consultation.csv"
EXPECTED = (BAD / "consultation_bad_rows" / "expected.txt").read_text().splitlines()


def _with_record(tmp_path: Path, record: bytes) -> Path:
    folder = copy_valid(tmp_path / "data")
    (folder / "consultation.csv").write_bytes(record)
    return folder


def test_a_sound_record_loads_and_validates(tmp_path, capsys):
    header = b"date,consulted,topic,outcome,reference\n"
    folder = _with_record(tmp_path, header + b"2026-09-15,Schools forum,Hubs,Agreed,\n")
    assert load(folder).data.initiatives
    assert main(["validate", str(folder)]) == 0


def test_validate_fails_naming_every_problem_of_the_record(tmp_path, capsys):
    folder = _with_record(tmp_path, BROKEN.read_bytes())
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    for line in EXPECTED:
        assert line in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "inputs untouched"


def test_the_record_is_reported_with_the_other_tables_problems(tmp_path):
    folder = _with_record(tmp_path, BROKEN.read_bytes())
    path = folder / "districts.csv"
    path.write_text(path.read_text().replace("WST,Westmere", "STH,Westmere", 1))
    with pytest.raises(InputError) as caught:
        load(folder)
    files = [p.file for p in caught.value.problems]
    assert "districts.csv" in files
    assert [(p.row, p.column) for p in caught.value.problems if p.file == "consultation.csv"] == [
        (3, "date"),
        (4, "consulted"),
    ]


def test_a_record_too_large_is_refused_before_it_is_read(tmp_path):
    from commissioning.inputs.read import MAX_FILE_BYTES

    folder = copy_valid(tmp_path / "data")
    with (folder / "consultation.csv").open("wb") as f:  # sparse: nothing is written
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError) as caught:
        load(folder)
    assert [p.file for p in caught.value.problems] == ["consultation.csv"]
    assert "the toolkit reads files of at most 20 MB" in str(caught.value)


def test_files_with_a_broken_record_load_as_their_folder_does(tmp_path):
    folder = copy_valid(tmp_path / "data")
    files = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    files["consultation.csv"] = BROKEN.read_bytes()
    found = load_files(files, "upload", (folder / "scenario.yaml").read_bytes())
    assert found.data is None, "a data set with a broken record is not planned on"
    text = "\n".join(str(p) for p in found.errors)
    for line in EXPECTED:
        assert line in text
