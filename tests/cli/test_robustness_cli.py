"""The robustness command end to end: files written, summary, progress, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from commissioning.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


@pytest.mark.slow
def test_robustness_writes_json_and_csv_and_names_decisions(tmp_path, capsys):
    out, table = tmp_path / "robustness.json", tmp_path / "robustness.csv"
    code = main(
        [
            "robustness",
            str(SAMPLE),
            "--draws",
            "12",
            "--seed",
            "2",
            "--workers",
            "1",
            "--out",
            str(out),
            "--csv",
            str(table),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(out.read_text())
    assert (doc["draws"], doc["seed"]) == (12, 2)
    assert len(doc["initiatives"]) == 185
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert [r["initiative_id"] for r in rows] == [s["initiative_id"] for s in doc["initiatives"]]
    assert "12/12" in captured.err  # the progress bar reached the end
    assert "over 12 plausible futures" in captured.out
    assert "Robust decisions" in captured.out
    for word in ("nan", "None", "stability", "unit_cost", "initiative_id"):
        assert word not in captured.out


@pytest.mark.parametrize(
    "extra",
    [["--draws", "0"], ["--seed", "-1"], ["--workers", "0"]],
)
def test_bad_settings_are_invalid_input(extra, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["robustness", str(SAMPLE), "--out", str(out), *extra]) == 2
    assert "Cannot check robustness" in capsys.readouterr().err
    assert not out.exists()


def test_invalid_data_is_invalid_input(tmp_path, capsys):
    assert main(["robustness", str(tmp_path / "missing"), "--draws", "5"]) == 2
    assert capsys.readouterr().err


SMALL = ROOT / "tests" / "data" / "valid_small"


def with_ranges(tmp_path: Path, ranges: dict[str, dict[str, str]], scenario: str = "") -> Path:
    """A copy of the small valid folder with range columns filled in for some rows."""
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    path = folder / "initiatives.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    columns = ["effect_low", "effect_high", "unit_cost_low", "unit_cost_high"]
    for r in rows:
        r.update({c: ranges.get(r["initiative_id"], {}).get(c, "") for c in columns})
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    if scenario:
        with (folder / "scenario.yaml").open("a", encoding="utf-8") as fh:
            fh.write(scenario)
    return folder


def test_bad_ranges_are_named_as_input_errors(tmp_path, capsys):
    # 1001 has effect 0.1 and unit cost 300.
    folder = with_ranges(
        tmp_path,
        {"1001": {"effect_low": "0.2", "effect_high": "1.5", "unit_cost_high": "250"}},
    )
    assert main(["robustness", str(folder), "--draws", "5"]) == 2
    err = capsys.readouterr().err
    for column in ("effect_low", "effect_high", "unit_cost_high"):
        assert f"initiatives.csv row 2, column {column}" in err


def test_a_bad_uncertainty_key_is_an_input_error(tmp_path, capsys):
    folder = with_ranges(tmp_path, {}, scenario='uncertainty: {"4": 1.5}\n')
    assert main(["robustness", str(folder), "--draws", "5"]) == 2
    assert "uncertainty" in capsys.readouterr().err


def test_an_output_over_an_input_is_refused(tmp_path, capsys):
    folder = with_ranges(tmp_path, {})
    target = folder / "initiatives.csv"
    before = target.read_bytes()
    assert main(["robustness", str(folder), "--draws", "5", "--csv", str(target)]) == 2
    assert "Nothing written" in capsys.readouterr().err
    assert target.read_bytes() == before
