"""What was learnt feeds the next plan: effects and unit costs updated from the returns.

For each service that sent a return in the scorecard's period, with n0 the weight of the
evidence the data already holds, counted in participants:

    effect    = (effect x n0 + outcomes achieved) / (n0 + participants)
    unit_cost = (unit_cost x n0 + spend)          / (n0 + participants)

n0 is 400 / 200 / 100 / 30 / 30 for evidence levels 4 / 3 / 2 / NL2 / NE: a programme
proven in trials moves slowly, an untested local service quickly. The new figures are
written into a complete copy of the data folder; the user's own files are never touched.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from commissioning.formatting import format_money, format_percent
from commissioning.inputs.cells import column_key
from commissioning.inputs.model import EVIDENCE_LEVELS, InputError, Problem
from commissioning.inputs.read import is_workbook, parse_yaml, read_tables, sheet_key
from commissioning.inputs.schema import INITIATIVES
from commissioning.inputs.validate import validate_tables
from commissioning.monitor.scorecard import Scorecard

PRIOR_WEIGHT: Mapping[str, float] = {"4": 400, "3": 200, "2": 100, "NL2": 30, "NE": 30}
"""Participants' worth of evidence behind the data's figures, by evidence level."""
EFFECT_DECIMALS = 4
UNIT_COST_DECIMALS = 2
MAX_YAML_BYTES = 100_000

_ID = INITIATIVES.key[0]
_EFFECT = INITIATIVES.column("effect").name
_UNIT_COST = INITIATIVES.column("unit_cost").name
"""The columns the update rewrites, looked up in the schema (a renamed column fails here,
on import, not in a user's folder)."""


@dataclass(frozen=True)
class Change:
    """One service's figures before and after, and the evidence that moved them."""

    initiative_id: str
    name: str
    evidence_level: str
    prior_weight: float
    participants: float
    outcomes: float
    spend: float
    effect_before: float
    effect_after: float
    unit_cost_before: float
    unit_cost_after: float


def updated(
    effect: float,
    unit_cost: float,
    n0: float,
    participants: float,
    outcomes: float,
    spend: float,
) -> tuple[float, float]:
    """The update rule: (effect, unit cost) after `participants` more observations."""
    n = n0 + participants
    if n <= 0:
        return effect, unit_cost
    return (effect * n0 + outcomes) / n, (unit_cost * n0 + spend) / n


def changes(card: Scorecard, weights: Mapping[str, float] = PRIOR_WEIGHT) -> tuple[Change, ...]:
    """Every reporting service's new effect and unit cost (rounded as they will be written)."""
    out = []
    for s in card.services:
        if not any(q.reported for q in s.quarters):
            continue
        i, f = s.initiative, s.figures
        n0 = weights[i.evidence_level]
        effect, unit_cost = updated(
            i.effect, i.unit_cost, n0, f.actual_participants, f.actual_outcomes, f.actual_spend
        )
        out.append(
            Change(
                i.initiative_id,
                i.name,
                i.evidence_level,
                n0,
                f.actual_participants,
                f.actual_outcomes,
                f.actual_spend,
                i.effect,
                min(1.0, round(effect, EFFECT_DECIMALS)),
                i.unit_cost,
                round(unit_cost, UNIT_COST_DECIMALS),
            )
        )
    return tuple(out)


def prior_weights(source: Path | bytes, file: str = "prior-weight.yaml") -> dict[str, float]:
    """The default weights, with those a YAML mapping (evidence level -> n0) overrides.

    Raises InputError naming every problem (unknown level, a weight not a number >= 0).
    """
    if isinstance(source, Path):
        file = source.name
        try:
            if source.stat().st_size > MAX_YAML_BYTES:
                raise InputError((Problem(file, "is too large for a prior-weight file"),))
            content = source.read_bytes()
        except OSError as e:
            raise InputError((Problem(file, f"cannot be opened: {e.strerror or e}"),)) from None
    else:
        content = source
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError((Problem(file, "is not UTF-8 text"),)) from None
    raw = parse_yaml(text, file)
    if raw.values is None:
        raise InputError(raw.problems)
    problems = list(raw.problems)
    weights = dict(PRIOR_WEIGHT)
    for key, value in raw.values.items():
        level = str(key)
        line = raw.lines.get((key,))
        if level not in EVIDENCE_LEVELS:
            known = ", ".join(EVIDENCE_LEVELS)
            problems.append(
                Problem(file, f"'{level}' is not an evidence level ({known})", line, level)
            )
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            problems.append(
                Problem(
                    file,
                    f"'{value}' is not a weight: give a number of participants, 0 or more",
                    line,
                    level,
                    str(value),
                )
            )
            continue
        weights[level] = float(value)
    if problems:
        raise InputError(tuple(problems))
    return weights


# --------------------------------------------------------------------------- writing


def _decimal(x: float, places: int) -> str:
    """A figure for a data file: no spurious zeros, no exponent."""
    text = f"{x:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _positions(header: Sequence[str]) -> tuple[int, int, int]:
    """Where the service's id, its effect and its unit cost sit in a header row, the
    header matched to the columns as the reader matches it."""
    keys = [column_key(h) for h in header]
    return keys.index(_ID), keys.index(_EFFECT), keys.index(_UNIT_COST)


def _rewrite_csv(content: bytes, found: Mapping[str, Change]) -> bytes:
    """initiatives.csv with the changed cells replaced and every other cell as it was."""
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    iid_at, effect_at, cost_at = _positions(rows[0])
    for row in rows[1:]:
        if len(row) > iid_at and row[iid_at].strip() in found:
            c = found[row[iid_at].strip()]
            row[effect_at] = _decimal(c.effect_after, EFFECT_DECIMALS)
            row[cost_at] = _decimal(c.unit_cost_after, UNIT_COST_DECIMALS)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _rewrite_workbook(content: bytes, found: Mapping[str, Change]) -> bytes:
    """A workbook with the changed cells of its initiatives sheet replaced."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content))
    try:
        ws = next(
            w
            for w in wb.worksheets
            if w.sheet_state == "visible" and sheet_key(w.title) == INITIATIVES.name
        )
        iid_at, effect_at, cost_at = (
            k + 1 for k in _positions([str(c.value or "") for c in ws[1]])
        )
        for r in range(2, ws.max_row + 1):
            iid = str(ws.cell(r, iid_at).value or "").strip()
            if iid in found:
                ws.cell(r, effect_at).value = found[iid].effect_after
                ws.cell(r, cost_at).value = found[iid].unit_cost_after
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    finally:
        wb.close()


def updated_files(
    files: Mapping[str, bytes], card: Scorecard, all_changes: Sequence[Change], source: str
) -> dict[str, bytes]:
    """Every file of the new data folder, by name: the data's files with the changes made,
    the data's own README kept as README-original.md, and a README listing the changes."""
    found = {c.initiative_id: c for c in all_changes}
    out: dict[str, bytes] = {}
    for name, content in sorted(files.items()):
        low = name.lower()
        if low == INITIATIVES.file:
            out[name] = _rewrite_csv(content, found)
        elif low == "readme.md":
            out["README-original.md"] = content
        elif is_workbook(name):
            out[name] = _rewrite_workbook(content, found)
        else:
            out[name] = content
    out["README.md"] = readme(card, source, all_changes).encode("utf-8")
    return out


def readme(card: Scorecard, source: str, all_changes: Sequence[Change]) -> str:
    """The new folder's README: where it came from, the rule, and every change."""
    weights = ", ".join(f"{int(w):,} at level {lvl}" for lvl, w in _weights(all_changes).items())
    lines = [
        "# Data updated from providers' returns",
        "",
        f"This folder is a copy of `{source}` in which the effect and the unit cost of each",
        f"service that sent a return for {card.year} up to quarter {card.quarter} have been",
        "updated from what it reported. Everything else is exactly as it was.",
        "",
        "The rule, with n0 the weight of the evidence the data already held, counted in",
        "participants:",
        "",
        "    effect    = (effect x n0 + outcomes achieved) / (n0 + participants)",
        "    unit cost = (unit cost x n0 + spend) / (n0 + participants)",
        "",
        f"Weights used: {weights or 'none (no service reported)'}.",
        "",
        "Plan again on this folder and compare the two plans to see what the evidence changed.",
        "",
        "## Changes",
        "",
    ]
    if not all_changes:
        lines.append("No service reported, so nothing changed.")
    else:
        lines += [
            "| Service | Evidence | Weight | Participants | Outcomes | Spend "
            "| Effect before | Effect after | Unit cost before | Unit cost after |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for c in all_changes:
            lines.append(
                f"| {_md(c.name)} ({_md(c.initiative_id)}) | {_md(c.evidence_level)} "
                f"| {c.prior_weight:,.0f} | {c.participants:,.0f} | {c.outcomes:,.0f} "
                f"| {format_money(c.spend)} | {format_percent(c.effect_before, 2)} "
                f"| {format_percent(c.effect_after, 2)} "
                f"| {_pounds(c.unit_cost_before)} | {_pounds(c.unit_cost_after)} |"
            )
    return "\n".join(lines) + "\n"


def _weights(all_changes: Sequence[Change]) -> dict[str, float]:
    seen = {c.evidence_level: c.prior_weight for c in all_changes}
    return {lvl: seen[lvl] for lvl in EVIDENCE_LEVELS if lvl in seen}


def _pounds(x: float) -> str:
    """A unit cost: whole pounds, or pounds and pence when it is not whole."""
    return format_money(x) if round(x, 2) == round(x) else f"£{x:,.2f}"


def _md(text: str) -> str:
    """User text made safe inside a Markdown table cell."""
    out = text.replace("\\", "\\\\")
    for ch in "|*_`[]<>#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def check_target(data_dir: Path, out: Path) -> None:
    """ValueError unless `out` can take a new data folder: new or empty, outside the data."""
    data_dir, out = Path(data_dir), Path(out)
    if out.resolve() == data_dir.resolve() or data_dir.resolve() in out.resolve().parents:
        raise ValueError(f"{out} is inside the data folder; choose a new folder elsewhere")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} already exists and is not empty; choose a new folder")


def write_updated(
    data_dir: Path, out: Path, card: Scorecard, all_changes: Sequence[Change]
) -> None:
    """Write the complete updated data folder to `out`, whole or not at all.

    `out` must not exist yet (or be an empty folder), and must not be the data folder. The
    new folder is checked to be valid data before it is put in place.
    """
    data_dir, out = Path(data_dir), Path(out)
    check_target(data_dir, out)
    files = {f.name: f.read_bytes() for f in sorted(data_dir.iterdir()) if f.is_file()}
    new = updated_files(files, card, all_changes, str(data_dir))
    checked = validate_tables(read_tables(new, label=str(out)))
    if checked.errors:
        raise InputError(checked.errors)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, content in new.items():
            (tmp / name).write_bytes(content)
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
