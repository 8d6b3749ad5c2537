"""The robustness command end to end: files written, summary, progress, exit codes."""

from __future__ import annotations

import csv
import json
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
