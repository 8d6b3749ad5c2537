"""Rebuild every case folder here from tests/data/valid_small: `python tests/data/bad/regenerate.py`.

Run it after changing the valid fixture, then check the diff: each case is one edit of a
valid file, and expected.txt the exact wording the error must contain.
"""
# ruff: noqa: E501  (expected messages are long by nature)

import csv
import io
import shutil
from pathlib import Path

BAD = Path(__file__).resolve().parent
VALID = BAD.parent / "valid_small"


def text(name):
    return (VALID / name).read_text()


def sub(name, old, new, count=1):
    t = text(name)
    assert t.count(old) == count, (name, old, t.count(old))
    return t.replace(old, new)


def line_sub(name, lineno, col, value):
    """Replace column `col` of CSV line `lineno` (1-based) - simple fields only."""
    rows = list(csv.reader(io.StringIO(text(name))))
    k = rows[0].index(col)
    rows[lineno - 1][k] = value
    return write(rows)


def write(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


CASES = {}


def case(name, files=None, remove=(), expected=()):
    CASES[name] = (files or {}, remove, expected)


case("missing_file", remove=["outcomes.csv"], expected=["outcomes.csv: missing file outcomes.csv"])
case(
    "missing_column",
    files={
        "initiatives.csv": write(
            [r[:10] + r[11:] for r in csv.reader(io.StringIO(text("initiatives.csv")))]
        )
    },
    expected=["initiatives.csv column unit_cost: missing required column unit_cost"],
)
case(
    "not_a_number",
    files={"initiatives.csv": line_sub("initiatives.csv", 5, "unit_cost", "2k")},
    expected=["initiatives.csv row 5, column unit_cost: '2k' is not a number"],
)
case(
    "bad_boolean",
    files={"funding_streams.csv": sub("funding_streams.csv", "Council,true", "Council,maybe")},
    expected=["funding_streams.csv row 3, column ring_fenced: 'maybe' is not true/false"],
)
case(
    "duplicate_id",
    files={"districts.csv": sub("districts.csv", "WST,Westmere", "STH,Westmere")},
    expected=[
        "districts.csv row 4, column district_id: duplicate district_id 'STH' (first at row 3)"
    ],
)
case(
    "unknown_stream",
    files={"initiatives.csv": line_sub("initiatives.csv", 3, "funding", "CORE;PHX")},
    expected=["initiatives.csv row 3, column funding: unknown stream 'PHX' (known: CORE, PH, NHS)"],
)
case(
    "unknown_district",
    files={"initiatives.csv": line_sub("initiatives.csv", 5, "district_id", "WEST")},
    expected=[
        "initiatives.csv row 5, column district_id: unknown district 'WEST' (known: NTH, STH, WST, COUNTY)"
    ],
)
case(
    "unknown_priority",
    files={"initiatives.csv": line_sub("initiatives.csv", 6, "priority_id", "P3")},
    expected=["initiatives.csv row 6, column priority_id: unknown priority 'P3' (known: P1, P2)"],
)
case(
    "unknown_outcome",
    files={"initiatives.csv": line_sub("initiatives.csv", 7, "outcomes", "LEARN;HAPPY")},
    expected=[
        "initiatives.csv row 7, column outcomes: unknown outcome 'HAPPY' (known: SAFE, HEALTH, LEARN)"
    ],
)
case(
    "repeated_stream",
    files={"initiatives.csv": line_sub("initiatives.csv", 4, "funding", "PH;NHS;PH")},
    expected=["initiatives.csv row 4, column funding: repeats stream 'PH'"],
)
case(
    "county_district",
    files={"districts.csv": text("districts.csv") + "COUNTY,Whole county,All,1000,1.0,1,1,1,1\n"},
    expected=["districts.csv row 5, column district_id: 'COUNTY' is reserved"],
)
case(
    "min_above_max",
    files={"initiatives.csv": line_sub("initiatives.csv", 4, "min_budget", "350000")},
    expected=["initiatives.csv row 4, column min_budget: £350,000 is above max_budget £300,000"],
)
case(
    "candidate_with_budget",
    files={"initiatives.csv": line_sub("initiatives.csv", 10, "current_budget", "5000")},
    expected=["initiatives.csv row 10, column current_budget: a candidate has no budget yet"],
)
case(
    "below_min_viable",
    files={"initiatives.csv": line_sub("initiatives.csv", 2, "current_budget", "40000")},
    expected=["initiatives.csv row 2, column current_budget: £40,000 is below min_viable £50,000"],
)
case(
    "min_share_sum",
    files={
        "priorities.csv": sub("priorities.csv", "1.0,0.2", "1.0,0.6").replace("1.2,0.1", "1.2,0.5")
    },
    expected=["priorities.csv column min_share: min_share adds up to 1.1"],
)
case(
    "evidence_4plus",
    files={"initiatives.csv": line_sub("initiatives.csv", 3, "evidence_level", "4+")},
    expected=[
        "initiatives.csv row 3, column evidence_level: '4+' is not an evidence level",
        "a published '4+' is entered as 4",
    ],
)
case(
    "evidence_3star",
    files={"initiatives.csv": line_sub("initiatives.csv", 7, "evidence_level", "3*")},
    expected=[
        "initiatives.csv row 7, column evidence_level: '3*' is not an evidence level",
        "entered as 3 with mixed_findings true",
    ],
)
case(
    "budget_missing_year",
    files={"budgets.csv": sub("budgets.csv", "NHS,2028,520000\n", "")},
    expected=["budgets.csv column year: stream NHS has no budget row for 2028"],
)
case(
    "budget_duplicate_year",
    files={"budgets.csv": text("budgets.csv") + "PH,2027,650000\n"},
    expected=[
        "budgets.csv row 12, column year: a second row for stream PH in 2027 (first at row 6)"
    ],
)
case(
    "budget_unknown_stream",
    files={"budgets.csv": text("budgets.csv") + "ICB,2027,100000\n"},
    expected=["budgets.csv row 12, column stream_id: unknown stream 'ICB' (known: CORE, PH, NHS)"],
)
case(
    "level_out_of_range",
    files={"initiatives.csv": line_sub("initiatives.csv", 8, "level", "5")},
    expected=[
        "initiatives.csv row 8, column level: 5 is out of range: must be at least 1 and at most 4"
    ],
)
case(
    "effect_as_percent",
    files={"initiatives.csv": line_sub("initiatives.csv", 11, "effect", "25")},
    expected=[
        "initiatives.csv row 11, column effect: 25 is out of range: must be greater than 0 and at most 1",
        "e.g. 0.25 for 25%",
    ],
)
case(
    "blank_required",
    files={"initiatives.csv": line_sub("initiatives.csv", 11, "provider", "")},
    expected=["initiatives.csv row 11, column provider: is blank; a value is required"],
)
case(
    "empty_table",
    files={"outcomes.csv": "outcome_id,name\n"},
    expected=["outcomes.csv: has no data rows"],
)
case(
    "bad_sector",
    files={"initiatives.csv": line_sub("initiatives.csv", 3, "sector", "charity")},
    expected=[
        "initiatives.csv row 3, column sector: 'charity' is not a sector: use one of council, health"
    ],
)
case(
    "contract_end_zero",
    files={"initiatives.csv": line_sub("initiatives.csv", 6, "contract_end", "0")},
    expected=[
        "initiatives.csv row 6, column contract_end: 0 is out of range",
        "leave it blank when there is no contract",
    ],
)
case(
    "not_utf8",
    files={"districts.csv": sub("districts.csv", "Westmere", "Westmère").encode("cp1252")},
    expected=["districts.csv: is not UTF-8 text", "save it as 'CSV UTF-8'"],
)
case(
    "values_beyond_header",
    files={
        "outcomes.csv": sub("outcomes.csv", "LEARN,Enjoy and achieve", "LEARN,Enjoy, and achieve")
    },
    expected=["outcomes.csv row 4: has 1 value beyond the last named column (name)"],
)
case(
    "children_not_whole",
    files={"districts.csv": sub("districts.csv", "18000", "18000.5")},
    expected=["districts.csv row 3, column children: '18000.5' is not a whole number"],
)
case(
    "semicolon_separated",
    files={"districts.csv": text("districts.csv").replace(",", ";")},
    expected=["districts.csv row 1: the columns are separated by semicolons, not commas"],
)
case(
    "duplicate_yaml_key",
    files={"scenario.yaml": text("scenario.yaml") + "horizon: 2\n"},
    expected=["scenario.yaml line 15, key horizon: key 'horizon' is given more than once"],
)
case("no_scenario", remove=["scenario.yaml"], expected=["scenario.yaml: no scenario"])
case(
    "scenario_unknown_key",
    files={"scenario.yaml": sub("scenario.yaml", "prevention_share: 0.5", "prevention: 0.5")},
    expected=[
        "scenario.yaml line 5, key prevention: unknown key 'prevention'",
        "did you mean 'prevention_share'?",
    ],
)
case(
    "scenario_not_yaml",
    files={"scenario.yaml": sub("scenario.yaml", "lock: [1003]", "lock: [1003\n")},
    expected=["scenario.yaml line", "is not valid YAML"],
)
case(
    "scenario_horizon_zero",
    files={"scenario.yaml": sub("scenario.yaml", "horizon: 3", "horizon: 0")},
    expected=[
        "scenario.yaml line 4, key horizon: horizon must be at least 1 and at most 100 (got 0)"
    ],
)
case(
    "scenario_share_list",
    files={
        "scenario.yaml": sub(
            "scenario.yaml", "prevention_share: 0.5", "prevention_share: [0.3, 0.4]"
        )
    },
    expected=[
        "scenario.yaml line 5, key prevention_share: prevention_share lists 2 shares but the horizon is 3"
    ],
)
case(
    "scenario_share_range",
    files={
        "scenario.yaml": sub(
            "scenario.yaml", "prevention_share: 0.5", "prevention_share: [0.3, 0.4, 1.0]"
        )
    },
    expected=[
        "scenario.yaml line 5, key prevention_share: prevention_share must be at least 0 and less than 1 (got 1)"
    ],
)
case(
    "scenario_lock_unknown",
    files={"scenario.yaml": sub("scenario.yaml", "lock: [1003]", "lock: [1003, 9999]")},
    expected=["scenario.yaml line 13, key lock: unknown initiative '9999'"],
)
case(
    "scenario_lock_and_exclude",
    files={
        "scenario.yaml": sub("scenario.yaml", "lock: [1003]", "lock: [1003, 1002]").replace(
            "exclude: []", "exclude: ['1002']"
        )
    },
    expected=["scenario.yaml line 14, key exclude: initiative 1002 is both locked and excluded"],
)
case(
    "scenario_exclude_protected",
    files={
        "scenario.yaml": sub("scenario.yaml", "lock: [1003]", "lock: []").replace(
            "exclude: []", "exclude: [1003]"
        )
    },
    expected=[
        "key exclude: initiative 1003 has a protected min_budget of £200,000 a year, so it cannot be excluded"
    ],
)
case(
    "scenario_evidence_key",
    files={"scenario.yaml": sub("scenario.yaml", '"4": 1.0,', '"4+": 1.0,')},
    expected=["scenario.yaml line 9, key evidence_multiplier: '4+' is not an evidence level"],
)
case(
    "scenario_outcome_level",
    files={"scenario.yaml": sub("scenario.yaml", "4: 6.0}", "5: 6.0}")},
    expected=["scenario.yaml line 11, key outcome_value: '5' is not a level"],
)
case(
    "scenario_weight_zero",
    files={"scenario.yaml": sub("scenario.yaml", "{P2: 1.5}", "{P2: 0}")},
    expected=[
        "scenario.yaml line 12, key priority_weights: weight of priority P2 must be greater than 0 (got 0)"
    ],
)
case(
    "scenario_missing_name",
    files={"scenario.yaml": sub("scenario.yaml", "name: Small test plan\n", "")},
    expected=["scenario.yaml key name: name is required"],
)
case(
    "scenario_floor_range",
    files={"scenario.yaml": sub("scenario.yaml", "district_floor: 0.8", "district_floor: 80")},
    expected=[
        "scenario.yaml line 8, key district_floor: district_floor must be at least 0 and at most 1 (got 80)",
        "e.g. 0.8 for 80%",
    ],
)

# Model version 3: the cost library, its price index, ranges and the new scenario keys.
COSTS = (
    "cost_id,name,level,probability,annual_cost,years,lag,stream_id,cashable,price_year,source\n"
    "C1,Child in care,4,0.1,50000,2,1,CORE,0.5,2020,Unit costs 2020 table 1\n"
    "C2,School exclusion,3,0.05,12000,1,1,,0,2027,A judgement\n"
)
PRICES = "year,index\n2020,90\n2027,100\n"


def costs_sub(old, new):
    assert COSTS.count(old) == 1, old
    return COSTS.replace(old, new)


case(
    "costs_unknown_stream",
    files={"costs.csv": costs_sub(",CORE,0.5,", ",LOTTERY,0.5,"), "prices.csv": PRICES},
    expected=["costs.csv row 2, column stream_id: unknown stream 'LOTTERY'"],
)
case(
    "costs_cashable_without_stream",
    files={"costs.csv": costs_sub(",,0,2027,", ",,0.4,2027,"), "prices.csv": PRICES},
    expected=[
        "costs.csv row 3, column cashable: 0.4 of this cost is cashable but no stream_id says "
        "whose money it would save"
    ],
)
case(
    "costs_missing_price_year",
    files={"costs.csv": costs_sub(",2020,Unit", ",2019,Unit"), "prices.csv": PRICES},
    expected=[
        "costs.csv row 2, column price_year: the price index (prices.csv) has no row for 2019"
    ],
)
case(
    "costs_blank_source",
    files={"costs.csv": costs_sub(",A judgement", ","), "prices.csv": PRICES},
    expected=["costs.csv row 3, column source: is blank; a value is required"],
)
case(
    "costs_negative_cost",
    files={"costs.csv": costs_sub(",50000,", ",-50000,"), "prices.csv": PRICES},
    expected=[
        "costs.csv row 2, column annual_cost: -50000 is out of range: must be greater than 0"
    ],
)
case(
    "prices_missing_start_year",
    files={"costs.csv": COSTS, "prices.csv": "year,index\n2020,90\n"},
    expected=[
        "prices.csv column year: the price index has no row for 2027, the plan's start year",
        "costs.csv row 3, column price_year: the price index (prices.csv) has no row for 2027",
    ],
)
case(
    "floor_beyond_growth",
    files={"initiatives.csv": line_sub("initiatives.csv", 3, "min_budget", "120000")},
    expected=[
        "initiatives.csv row 3, column min_budget: the protected floor of £120,000 is more than "
        "this running service can grow to in one year (£112,500"
    ],
)


def with_column(name, column, values):
    """A table with one more column, `values` by data row (blank beyond them)."""
    rows = list(csv.reader(io.StringIO(text(name))))
    rows[0].append(column)
    for k, row in enumerate(rows[1:]):
        row.append(values[k] if k < len(values) else "")
    return write(rows)


case(
    "range_low_above_estimate",
    files={"initiatives.csv": with_column("initiatives.csv", "effect_low", ["0.2"])},
    expected=[
        "initiatives.csv row 2, column effect_low: 0.2 is above the effect 0.1: the low end of a "
        "range must be at most the estimate"
    ],
)
case(
    "scenario_budget_change_unknown_stream",
    files={"scenario.yaml": text("scenario.yaml") + "budget_change: {LOTTERY: -0.1}\n"},
    expected=["scenario.yaml line 15, key budget_change: unknown stream 'LOTTERY'"],
)
case(
    "scenario_budget_change_range",
    files={"scenario.yaml": text("scenario.yaml") + "budget_change: {PH: [0, -0.1, -1.5]}\n"},
    expected=[
        "scenario.yaml line 15, key budget_change: budget change of stream PH must be greater "
        "than -1 (got -1.5)"
    ],
)
case(
    "scenario_reinvest_range",
    files={"scenario.yaml": text("scenario.yaml") + "reinvest: 1.5\n"},
    expected=[
        "scenario.yaml line 15, key reinvest: reinvest must be at least 0 and at most 1 (got 1.5)"
    ],
)

case(
    "consultation_bad_rows",
    files={
        "consultation.csv": "date,consulted,topic,outcome,reference\n"
        "2026-09-15,Schools forum,Prevention share,Agreed,Minute 4\n"
        "15/10/2026,Parent carer forum,Family hubs,Supported,\n"
        "2026-11-02,,Youth offer,Noted,\n"
    },
    expected=[
        "consultation.csv row 3, column date: '15/10/2026' is not a date; write it as YYYY-MM-DD",
        "consultation.csv row 4, column consulted: is blank; a value is required",
    ],
)


def main():
    """Write every case folder afresh (other files here are left alone)."""
    for old in BAD.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    (BAD / "README.md").write_text(
        "# Broken inputs\n\n"
        "Each folder is one mistake. The test copies `tests/data/valid_small`, then writes the files\n"
        "found here over it, deletes those named in `remove.txt`, loads the result and checks that\n"
        "the error names every line of `expected.txt` (file, row and column, and what is wrong).\n"
    )
    for name, (files, remove, expected) in CASES.items():
        d = BAD / name
        d.mkdir()
        for fname, content in files.items():
            if isinstance(content, bytes):
                (d / fname).write_bytes(content)
            else:
                (d / fname).write_text(content)
        if remove:
            (d / "remove.txt").write_text("\n".join(remove) + "\n")
        (d / "expected.txt").write_text("\n".join(expected) + "\n")
    print(len(CASES), "cases")


if __name__ == "__main__":
    main()
