"""`commissioning monitor` end to end: the CSV contract, exit codes, --update, the sample."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from commissioning.allocator import allocate
from commissioning.cli import main
from commissioning.inputs import Inputs, load
from commissioning.inputs.returns import load_returns
from commissioning.monitor.scorecard import plan_of, scorecard
from commissioning.monitor.table import safe
from tests.monitor.conftest import DATA, VALID

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CONTRACT = (
    "initiative_id",
    "planned_spend",
    "actual_spend",
    "planned_participants",
    "actual_participants",
    "expected_outcomes",
    "actual_outcomes",
    "spend_rag",
    "participants_rag",
    "outcomes_rag",
    "realised_unit_cost",
    "realised_effect",
    "effect_low",
    "effect_high",
)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inputs, Path, Path]:
    """The small data's own plan, and returns for 2027 quarter 1 exactly at it."""
    folder = tmp_path_factory.mktemp("plan")
    inputs = load(VALID)
    result = allocate(inputs)
    (folder / "result.json").write_text(json.dumps(result.to_json()), encoding="utf-8")
    rows = ["initiative_id,year,quarter,spend,participants,outcomes_achieved,notes"]
    for r in result.initiatives:
        amount = r.proposed[2027]
        if amount >= 1:
            i = inputs.data.initiative(r.initiative_id)
            people = round(amount / i.unit_cost / 4)
            rows.append(
                f"{r.initiative_id},2027,1,{amount / 4:.2f},{people},{round(people * i.effect)},"
                '"=HYPERLINK(""http://x"")"'
            )
    (folder / "returns.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return inputs, folder / "result.json", folder / "returns.csv"


def run(*args: object) -> int:
    return main([str(a) for a in args])


def test_csv_has_the_contract_columns(
    solved: tuple[Inputs, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, returns = solved
    out = tmp_path / "card.csv"
    code = run("monitor", VALID, "--result", result, "--returns", returns, "--csv", out)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(rows[0])[: len(CONTRACT)] == CONTRACT
    funded = {iid for iid, amount in json_result(result) if amount >= 1}
    assert {r["initiative_id"] for r in rows} == funded
    for r in rows:
        for rag in ("spend_rag", "participants_rag", "outcomes_rag"):
            assert r[rag] in ("green", "amber", "red")
        assert float(r["planned_spend"]) > 0
    printed = capsys.readouterr().out
    assert "Scorecard for 2027, quarters 1 to 1" in printed
    assert "nan" not in printed and "None" not in printed


def json_result(path: Path) -> list[tuple[str, float]]:
    doc = json.loads(path.read_text())
    return [(r["initiative_id"], r["proposed"]["2027"]) for r in doc["initiatives"]]


def test_out_writes_the_roll_ups(solved: tuple[Inputs, Path, Path], tmp_path: Path) -> None:
    _, result, returns = solved
    code = run(
        "monitor", VALID, "--result", result, "--returns", returns, "--out", tmp_path,
        "--format", "html",
    )  # fmt: skip
    assert code == 0
    districts = list(csv.DictReader((tmp_path / "scorecard-districts.csv").open()))
    keys = [d["key"] for d in districts]
    assert keys[-1] == "COUNTY"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "scorecard-districts.csv",
            "scorecard-outcomes.csv",
            "scorecard-services.csv",
            "partnership-report.html",
            *(f"quarterly-{k}.html" for k in keys),
        ]
    )


def test_one_district_s_report(
    solved: tuple[Inputs, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, returns = solved
    args = ["monitor", VALID, "--result", result, "--returns", returns, "--out", tmp_path]
    assert run(*args, "--district", "NTH") == 0
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["quarterly-NTH.pdf"]
    assert run(*args, "--district", "NOWHERE") == 2
    assert "no service of 'NOWHERE' is in the scorecard" in capsys.readouterr().err


def test_to_a_later_quarter_makes_every_funded_service_red(
    solved: tuple[Inputs, Path, Path], tmp_path: Path
) -> None:
    _, result, returns = solved
    out = tmp_path / "card.csv"
    code = run(
        "monitor", VALID, "--result", result, "--returns", returns, "--to", "2027Q2", "--csv", out
    )
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert all(r["missing_quarters"] == "2" for r in rows)
    assert all(r["spend_rag"] == r["participants_rag"] == r["outcomes_rag"] == "red" for r in rows)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "2027Q5"], "is not a quarter"),
        (["--to", "2035Q1"], "2035 is outside the plan, which covers 2027-2029"),
    ],
)
def test_bad_quarter_is_invalid_input(
    solved: tuple[Inputs, Path, Path],
    extra: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, result, returns = solved
    assert run("monitor", VALID, "--result", result, "--returns", returns, *extra) == 2
    assert message in capsys.readouterr().err


def test_bad_returns_are_invalid_input(
    solved: tuple[Inputs, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, _ = solved
    bad = DATA / "bad_returns" / "every_problem_at_once" / "returns.csv"
    assert run("monitor", VALID, "--result", result, "--returns", bad) == 2
    err = capsys.readouterr().err
    assert "4 problems in the inputs" in err
    assert "returns.csv row 5, column outcomes_achieved" in err


def test_result_of_other_data_is_invalid_input(
    solved: tuple[Inputs, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, returns = solved
    other = tmp_path / "other"
    other.mkdir()
    for f in VALID.iterdir():
        (other / f.name).write_bytes(f.read_bytes())
    text = (other / "initiatives.csv").read_text().replace(",300,0.1,3,", ",310,0.1,3,")
    (other / "initiatives.csv").write_text(text)
    assert run("monitor", other, "--result", result, "--returns", returns) == 2
    assert "was made from other inputs" in capsys.readouterr().err


def test_update_writes_a_new_folder(
    solved: tuple[Inputs, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, returns = solved
    weights = tmp_path / "weights.yaml"
    weights.write_text("'3': 50\n")
    new = tmp_path / "next"
    code = run(
        "monitor", VALID, "--result", result, "--returns", returns,
        "--update", new, "--prior-weight", weights,
    )  # fmt: skip
    assert code == 0
    assert load(new).data.initiatives  # valid
    assert "50 at level 3" in (new / "README.md").read_text()
    assert "README.md lists each change" in capsys.readouterr().out
    # a second time into the same folder is refused, and leaves it as it was
    before = {p.name: p.read_bytes() for p in new.iterdir()}
    card = tmp_path / "card.csv"
    code = run(
        "monitor", VALID, "--result", result, "--returns", returns, "--update", new,
        "--csv", card,
    )  # fmt: skip
    assert code == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in new.iterdir()} == before
    assert not card.exists()  # refused before anything was written


def test_bad_prior_weight_is_invalid_input(
    solved: tuple[Inputs, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, returns = solved
    weights = tmp_path / "weights.yaml"
    weights.write_text("'7': 50\n")
    code = run(
        "monitor", VALID, "--result", result, "--returns", returns,
        "--update", tmp_path / "next", "--prior-weight", weights,
    )  # fmt: skip
    assert code == 2
    assert "weights.yaml line 1, key 7" in capsys.readouterr().err
    assert not (tmp_path / "next").exists()


def test_text_from_the_data_is_never_a_formula() -> None:
    for text in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx"):
        assert safe(text) == "'" + text
    assert safe("Family hub - North") == "Family hub - North"


def test_the_sample_returns_fit_the_sample_plan() -> None:
    """The bundled returns are made from the sample's plan: regenerate them when it changes
    (`python scripts/make_sample_data.py --returns-only`)."""
    inputs = load(SAMPLE)
    result = allocate(inputs)
    returns = load_returns(SAMPLE / "returns.csv", inputs.data, plan_of(result))
    assert returns.warnings == ()
    assert all(r.notes.startswith("Illustrative") for r in returns.returns)
    card = scorecard(inputs.data, plan_of(result), returns)
    assert (card.year, card.quarter) == (2027, 2)
    silent = [s for s in card.services if s.missing_quarters]
    assert len(silent) == 1 and silent[0].missing_quarters == (1, 2)
    red = [s for s in card.services if s.rag == "red"]
    amber = [s for s in card.services if s.rag == "amber"]
    assert 4 <= len(red) <= 8 and 1 <= len(amber) <= 4
    assert len(card.services) - len(red) - len(amber) > 0.9 * len(card.services)


def test_a_note_cannot_take_over_the_terminal() -> None:
    from commissioning.formatting import one_line

    assert one_line("Late\x1b[2J start;\nsee\tminutes\x07") == "Late[2J start; see minutes"


def test_outputs_never_overwrite_inputs(
    solved: tuple[Inputs, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result, returns = solved
    data = tmp_path / "data"
    data.mkdir()
    for f in VALID.iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    base = ["monitor", data, "--result", result, "--returns", returns]
    for extra in (
        ["--csv", data / "initiatives.csv"],
        ["--out", data],
        ["--update", data],
        ["--csv", returns],
    ):
        assert run(*base, *extra) == 2, extra
        assert "Nothing written" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    assert returns.read_text().startswith("initiative_id,year,quarter")
