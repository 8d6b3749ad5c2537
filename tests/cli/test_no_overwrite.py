"""An output that would write over an input is refused, exit 2, before anything is written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from commissioning.cli import main
from tests.inputs.helpers import VALID, copy_valid, hashes, to_workbook

TAIL = ". Choose another place for the output; the toolkit never writes over its inputs.\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_valid(tmp_path / "data")


def _refused(
    argv: list[str], folder: Path, capsys: pytest.CaptureFixture[str], *extra: Path
) -> str:
    """Run the command, see it refused with nothing changed; its message."""
    watched = [folder, *extra]
    before = [hashes(f) if f.is_dir() else f.read_bytes() for f in watched]
    listing = sorted(os.listdir(folder.parent))
    assert main(argv) == 2
    assert [hashes(f) if f.is_dir() else f.read_bytes() for f in watched] == before
    assert sorted(os.listdir(folder.parent)) == listing  # no output, no temporary file
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_allocate_refuses_to_write_its_workbook_over_the_input_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = to_workbook(VALID, tmp_path / "book")
    err = _refused(["allocate", str(book), "--xlsx", str(book / "data.xlsx")], book, capsys)
    assert err == (
        f"Nothing written: {book / 'data.xlsx'} is data.xlsx, a file of the data folder being "
        f"read{TAIL}"
    )


def test_allocate_refuses_a_result_file_over_a_table(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = data / "initiatives.csv"
    err = _refused(["allocate", str(data), "--out", str(out)], data, capsys)
    assert err == (
        f"Nothing written: {out} is initiatives.csv, a file of the data folder being read{TAIL}"
    )


def test_allocate_refuses_a_symbolic_link_to_a_table(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "result.json"
    link.symlink_to(data / "budgets.csv")
    err = _refused(["allocate", str(data), "--out", str(link)], data, capsys)
    assert err == (
        f"Nothing written: {link} is budgets.csv, a file of the data folder being read{TAIL}"
    )


def test_allocate_refuses_a_hard_link_to_a_table(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "plan.xlsx"
    os.link(data / "districts.csv", link)
    err = _refused(["allocate", str(data), "--xlsx", str(link)], data, capsys)
    assert err == (
        f"Nothing written: {link} is districts.csv, a file of the data folder being read{TAIL}"
    )


def test_allocate_refuses_to_write_over_the_scenario(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "elsewhere.yaml"
    shutil.move(data / "scenario.yaml", scenario)
    argv = ["allocate", str(data), "--scenario", str(scenario), "--out", str(scenario)]
    err = _refused(argv, data, capsys, scenario)
    assert err == f"Nothing written: {scenario} is the scenario being read{TAIL}"


def test_allocate_refuses_a_new_workbook_the_folder_would_then_read(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = data / "plan.xlsx"
    err = _refused(["allocate", str(data), "--xlsx", str(out)], data, capsys)
    assert err == (
        f"Nothing written: {out} would be read as part of the data folder next time{TAIL}"
    )


def test_allocate_refuses_one_file_for_both_outputs(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    err = _refused(["allocate", str(data), "--out", str(out), "--xlsx", str(out)], data, capsys)
    assert err == f"Nothing written: {out} is given for two outputs; each needs its own file{TAIL}"


@pytest.mark.parametrize("how", ["itself", "link"])
def test_documents_refuses_the_data_folder_as_its_output(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    result = tmp_path / "result.json"
    result.write_text("{}", encoding="utf-8")  # never read: the refusal comes first
    out = data
    if how == "link":
        out = tmp_path / "documents"
        out.symlink_to(data, target_is_directory=True)
    argv = ["documents", str(data), "--result", str(result), "--out", str(out)]
    err = _refused(argv, data, capsys)
    assert err == f"Nothing written: {out} is the data folder being read{TAIL}"


def test_an_output_beside_the_inputs_is_written(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashes(data)
    out = tmp_path / "result.json"
    assert main(["allocate", str(data), "--out", str(out)]) == 0
    assert out.is_file() and hashes(data) == before
