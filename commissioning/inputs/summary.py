"""A short plain-text summary of validated inputs, for a first look before planning.

It answers what a commissioner checks first: is this the right data (districts,
services), where does the money go now, and does the envelope even cover what is
already committed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from commissioning.formatting import format_money
from commissioning.inputs.model import COUNTY, LEVELS, Initiative, Inputs, Problem
from commissioning.inputs.vocabulary import LEVEL_NAMES

LABEL_WIDTH = 48


def committed(i: Initiative, year: int) -> float:
    """The floor L(i, y) of model.md section 3: protected minimum or running contract."""
    running = i.contract_end is not None and year <= i.contract_end
    return max(i.min_budget, i.current_budget if running else 0.0)


def _table(rows: Sequence[Sequence[str]], right: Iterable[int] = ()) -> list[str]:
    """Rows of cells as aligned lines, indented by two spaces."""
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    right = set(right)
    lines = []
    for r in rows:
        cells = [
            c.rjust(w) if k in right else c.ljust(w)
            for k, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _label(text: str, width: int = LABEL_WIDTH) -> str:
    """A label cut to fit, so one long priority name does not push every amount aside."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _warnings(warnings: Sequence[Problem], shown: int = 3) -> list[str]:
    """Warnings grouped by file and column: a long run of one kind shows a few and a count."""
    groups: dict[tuple[str, str | None, str | None], list[Problem]] = defaultdict(list)
    for w in warnings:
        groups[(w.file, w.sheet, w.column)].append(w)
    lines = []
    for group in groups.values():
        lines += [f"  {w}" for w in group[:shown]]
        rest = group[shown:]
        if rest:
            rows = [str(w.row) for w in rest if w.row is not None]
            listed = ", ".join(rows[:10]) + (", ..." if len(rows) > 10 else "")
            first = group[0]
            place = first.file if first.sheet is None else f"{first.file} (sheet {first.sheet})"
            column = f" column {first.column}" if first.column else ""
            at = f" (rows {listed})" if rows else ""
            lines.append(f"  ... and {len(rest)} more like these in {place}{column}{at}")
    return lines


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "-"


def summarise(inputs: Inputs) -> str:
    """The summary as text, ending with the warnings found while loading."""
    data, sc = inputs.data, inputs.scenario
    out: list[str] = []
    years = sc.years
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    if data.source:
        out.append(f"Data: {data.source}")
    out.append(f"Scenario: {sc.name}, {span} ({sc.horizon} year{'s' if sc.horizon > 1 else ''})")

    by_locality: dict[str, list[str]] = defaultdict(list)
    for d in data.districts:
        by_locality[d.locality].append(d.district_id)
    out += ["", f"Districts: {len(data.districts)} in {len(by_locality)} localities"]
    out += [f"  {loc}: {', '.join(ids)}" for loc, ids in sorted(by_locality.items())]

    initiatives = data.initiatives
    status = Counter(i.status for i in initiatives)
    county = sum(1 for i in initiatives if i.district_id == COUNTY)
    out += [
        "",
        f"Initiatives: {len(initiatives)} ({status['existing']} existing, "
        f"{status['candidate']} candidate; {county} county-wide)",
    ]
    counts = Counter((i.level, i.status) for i in initiatives)
    rows = [["level", "existing", "candidate"]]
    rows += [
        [f"{lvl} {LEVEL_NAMES[lvl]}", str(counts[lvl, "existing"]), str(counts[lvl, "candidate"])]
        for lvl in LEVELS
    ]
    out += _table(rows, right=(1, 2))

    total = sum(i.current_budget for i in initiatives)
    out += ["", f"Current spend: {format_money(total)} a year"]

    sections: list[tuple[str, list[tuple[str, float]]]] = []
    sections.append(
        (
            "by level",
            [
                (
                    f"{lvl} {LEVEL_NAMES[lvl]}",
                    sum(i.current_budget for i in initiatives if i.level == lvl),
                )
                for lvl in LEVELS
            ],
        )
    )
    sections.append(
        (
            "by priority",
            [
                (
                    f"{p.priority_id} {p.name}",
                    sum(i.current_budget for i in initiatives if i.priority_id == p.priority_id),
                )
                for p in data.priorities
            ],
        )
    )
    by_stream: dict[str, float] = defaultdict(float)
    shared = 0.0
    for i in initiatives:
        if len(i.funding) == 1:
            by_stream[i.funding[0]] += i.current_budget
        else:
            shared += i.current_budget
    stream_parts = [(f"{s.stream_id} {s.name}", by_stream[s.stream_id]) for s in data.streams]
    if shared:
        stream_parts.append(("shared (eligible for several streams)", shared))
    sections.append(
        (
            "by funding stream (a service that several streams may fund is shown as shared)",
            stream_parts,
        )
    )
    # One table for all three breakdowns, so the amounts line up down the page.
    rows = [
        [f"  {_label(label)}", format_money(x), _share(x, total)]
        for _, ps in sections
        for label, x in ps
    ]
    lines = iter(_table(rows, right=(1, 2)))
    for title, parts in sections:
        out.append(f"  {title}:")
        out.extend(next(lines) for _ in parts)

    out += ["", "Budget envelope against committed spend (contracts running and protected floors):"]
    rows = [["year", "envelope", "committed", "headroom"]]
    for y in years:
        envelope = sum(data.budget_by_key.get((s.stream_id, y), 0.0) for s in data.streams)
        floor = sum(committed(i, y) for i in initiatives)
        rows.append(
            [str(y), format_money(envelope), format_money(floor), format_money(envelope - floor)]
        )
    out += _table(rows, right=(1, 2, 3))
    if any(
        sum(data.budget_by_key.get((s.stream_id, y), 0.0) for s in data.streams)
        < sum(committed(i, y) for i in initiatives)
        for y in years
    ):
        out.append("  Committed spend exceeds the envelope in some year: the plan cannot be met.")

    if inputs.warnings:
        out += ["", f"Warnings ({len(inputs.warnings)}):"]
        out += _warnings(inputs.warnings)
    else:
        out += ["", "Warnings: none"]
    return "\n".join(out) + "\n"
