"""Data frames for the workbench's tables and charts, built from the package's objects.

Nothing here decides anything: it lays out what the inputs, the result and the plan
summary already say, with the labels a commissioner reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from commissioning.allocator import FAMILIES, ConstraintResult, Result
from commissioning.allocator.registry import ENVELOPE
from commissioning.allocator.vocabulary import DECISION_LABELS as DECISION_LABELS
from commissioning.allocator.wording import subject
from commissioning.explain import LEVEL_LABELS, Journey, SpendRow
from commissioning.explain.policy import RulePrice
from commissioning.export.cells import formula_safe
from commissioning.inputs import COUNTY, EVIDENCE_LEVELS, LEVELS, DataSet, Initiative, Problem
from commissioning.inputs.summary import committed
from commissioning.robustness.summary import Robustness, ServiceRobustness, figure_words

if TYPE_CHECKING:
    from commissioning.store import AuditEntry, DecisionRecord, RunSummary

EVIDENCE_MEANING: Mapping[str, str] = {
    "4": "4: long-term impact",
    "3": "3: short-term impact",
    "2": "2: preliminary",
    "NL2": "NL2: not yet level 2",
    "NE": "NE: not effective",
}
PER = 1000.0
"""Values per £ are tiny; tables show them per £1,000."""


def district_label(data: DataSet, district_id: str) -> str:
    if district_id == COUNTY:
        return "County-wide"
    d = data.districts_by_id.get(district_id)
    return d.name if d else district_id


def initiative_label(data: DataSet, initiative_id: str) -> str:
    i = data.initiatives_by_id.get(initiative_id)
    return f"{initiative_id}: {i.name}" if i else initiative_id


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table a user can work down: where, what, and how serious."""
    rows = [
        {
            "Severity": "Error" if p.severity == "error" else "Warning",
            "File": p.file,
            "Sheet": p.sheet or "",
            "Row": str(p.row) if p.row is not None else "",
            "Column": p.column or "",
            "Value": p.value or "",
            "Problem": p.message,
        }
        for p in problems
    ]
    columns = ["Severity", "File", "Sheet", "Row", "Column", "Value", "Problem"]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty and not frame["Sheet"].astype(bool).any():
        frame = frame.drop(columns=["Sheet"])
    return frame


# --------------------------------------------------------------------------- the register


def initiatives_frame(data: DataSet) -> pd.DataFrame:
    outcome_names = {o.outcome_id: o.name for o in data.outcomes}
    rows = []
    for i in data.initiatives:
        rows.append(
            {
                "ID": i.initiative_id,
                "Name": i.name,
                "Provider": i.provider,
                "Sector": i.sector.capitalize(),
                "District": district_label(data, i.district_id),
                "Level": LEVEL_LABELS[i.level],
                "Priority": i.priority_id,
                "Outcomes": "; ".join(outcome_names.get(o, o) for o in i.outcomes),
                "Status": i.status.capitalize(),
                "Budget today": i.current_budget,
                "Unit cost": i.unit_cost,
                "Effect": i.effect,
                "Evidence": i.evidence_level + (" (mixed)" if i.mixed_findings else ""),
                "Floor": i.min_budget,
                "Capacity": i.max_budget,
                "Minimum viable": i.min_viable,
                "Contract ends": str(i.contract_end) if i.contract_end else "no contract",
                "Funding": "; ".join(i.funding),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- today's money


def _stream_shares(i: Initiative) -> Iterable[tuple[str, float]]:
    """Today's budget split evenly over the streams allowed to fund it (as in the plan summary)."""
    for s in i.funding:
        yield s, i.current_budget / len(i.funding)


def spend_today(data: DataSet, by: str) -> pd.DataFrame:
    """Today's spend by level, priority, district or stream, with its share and services."""
    amount: dict[str, float] = defaultdict(float)
    services: dict[str, int] = defaultdict(int)
    order: list[tuple[str, str]]
    existing = [i for i in data.initiatives if i.current_budget > 0]
    if by == "level":
        order = [(str(k), LEVEL_LABELS[k]) for k in LEVELS]
        for i in existing:
            amount[str(i.level)] += i.current_budget
            services[str(i.level)] += 1
    elif by == "priority":
        order = [(p.priority_id, f"{p.priority_id}: {p.name}") for p in data.priorities]
        for i in existing:
            amount[i.priority_id] += i.current_budget
            services[i.priority_id] += 1
    elif by == "district":
        order = [(d.district_id, d.name) for d in data.districts] + [(COUNTY, "County-wide")]
        for i in existing:
            amount[i.district_id] += i.current_budget
            services[i.district_id] += 1
    elif by == "stream":
        order = [(s.stream_id, s.name) for s in data.streams]
        for i in existing:
            for s, x in _stream_shares(i):
                amount[s] += x
                services[s] += 1
    else:
        raise ValueError(f"cannot group by {by!r}")
    total = sum(i.current_budget for i in existing)
    rows = [
        {
            "Group": label,
            "Budget today": amount[key],
            "Share": amount[key] / total if total else 0.0,
            "Services": services[key],
        }
        for key, label in order
        if key in amount
    ]
    return pd.DataFrame(rows)


def evidence_profile(data: DataSet) -> pd.DataFrame:
    """How much of today's money goes to services rated 4, 3, 2, NL2 and NE."""
    total = sum(i.current_budget for i in data.initiatives)
    rows = []
    for level in EVIDENCE_LEVELS:
        group = [i for i in data.initiatives if i.evidence_level == level and i.current_budget > 0]
        amount = sum(i.current_budget for i in group)
        rows.append(
            {
                "Rating": level,
                "Evidence": EVIDENCE_MEANING[level],
                "Services": len(group),
                "Budget today": amount,
                "Share": amount / total if total else 0.0,
                "Mixed findings": sum(i.current_budget for i in group if i.mixed_findings),
            }
        )
    return pd.DataFrame(rows)


def duplication(data: DataSet) -> pd.DataFrame:
    """Existing services for the same district, level and priority with outcomes in common."""
    outcome_names = {o.outcome_id: o.name for o in data.outcomes}
    groups: dict[tuple[str, int, str], list[Initiative]] = defaultdict(list)
    for i in data.initiatives:
        if not i.is_candidate and i.current_budget > 0:
            groups[(i.district_id, i.level, i.priority_id)].append(i)
    rows = []
    for (district, level, priority), members in groups.items():
        # Services linked by any shared outcome form one cluster (union-find by outcomes).
        clusters: list[list[Initiative]] = []
        for i in members:
            joined = [c for c in clusters if any(set(i.outcomes) & set(j.outcomes) for j in c)]
            merged = [i] + [j for c in joined for j in c]
            clusters = [c for c in clusters if c not in joined] + [merged]
        for cluster in clusters:
            if len(cluster) < 2:
                continue
            counts: dict[str, int] = defaultdict(int)
            for i in cluster:
                for o in i.outcomes:
                    counts[o] += 1
            shared = [outcome_names.get(o, o) for o, n in counts.items() if n > 1]
            cluster.sort(key=lambda i: i.initiative_id)
            rows.append(
                {
                    "District": district_label(data, district),
                    "Level": LEVEL_LABELS[level],
                    "Priority": priority,
                    "Services": len(cluster),
                    "Shared outcomes": "; ".join(shared),
                    "Budget today": sum(i.current_budget for i in cluster),
                    "Which": "; ".join(f"{i.name} ({i.initiative_id})" for i in cluster),
                }
            )
    columns = ["District", "Level", "Priority", "Services", "Shared outcomes", "Budget today"]
    frame = pd.DataFrame(rows, columns=[*columns, "Which"])
    return frame.sort_values(["Budget today"], ascending=False, ignore_index=True)


def envelope_against_committed(data: DataSet, years: Sequence[int]) -> pd.DataFrame:
    """Each plan year's envelope (all streams) against spend already committed."""
    rows = []
    for y in years:
        envelope = sum(data.budget_by_key.get((s.stream_id, y), 0.0) for s in data.streams)
        floor = sum(committed(i, y) for i in data.initiatives)
        rows.append(
            {
                "Year": str(y),
                "Envelope": envelope,
                "Committed": floor,
                "Headroom": envelope - floor,
                "Committed share": floor / envelope if envelope else 0.0,
            }
        )
    return pd.DataFrame(rows)


def envelopes_by_stream(data: DataSet, years: Sequence[int]) -> pd.DataFrame:
    rows = []
    for s in data.streams:
        row: dict[str, object] = {"Stream": s.name, "Partner": s.partner}
        for y in years:
            row[str(y)] = data.budget_by_key.get((s.stream_id, y), 0.0)
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- a plan


def decisions_frame(data: DataSet, result: Result) -> pd.DataFrame:
    rows = []
    years = result.years
    for i in data.initiatives:
        r = result.initiatives_by_id[i.initiative_id]
        row: dict[str, object] = {
            "ID": i.initiative_id,
            "Name": i.name,
            "District": district_label(data, i.district_id),
            "Level": i.level,
            "Evidence": i.evidence_level + ("*" if i.mixed_findings else ""),
            "Decision": DECISION_LABELS[r.decision],
            "Today": i.current_budget,
        }
        for y in years:
            row[str(y)] = r.proposed[y]
        row["Change"] = r.final - i.current_budget
        if r.benefit_cost_ratio is not None:
            row[VALUE_COLUMN[True]] = r.benefit_cost_ratio
        else:
            row[VALUE_COLUMN[False]] = r.value_per_pound * PER
        rows.append(row)
    return pd.DataFrame(rows)


BAND_COLOURS: Mapping[str, str] = {"Robust": "#dcefdc", "Fragile": "#fde3c4"}
"""Pale backgrounds for each stability band, dark text readable on both."""


def stability_band(s: ServiceRobustness) -> str:
    """A decision's band: Robust when it holds in at least 80% of futures, else Fragile."""
    return "Fragile" if s.fragile else "Robust"


def robustness_frame(data: DataSet, r: Robustness) -> pd.DataFrame:
    """How sure each decision is, least sure first: one row per service."""
    rows = []
    for s in sorted(r.initiatives, key=lambda s: s.stability):
        i = data.initiative(s.initiative_id)
        t = s.turns_on
        rows.append(
            {
                "ID": i.initiative_id,
                "Name": i.name,
                "Decision": DECISION_LABELS[s.decision],
                "Holds in": round(s.stability * 100, 1),
                "Verdict": stability_band(s).lower(),
                "Funded in": round(s.funded_share * 100, 1),
                "Budget, low": s.budget.p5 if s.budget else 0.0,
                "Budget, middle": s.budget.p50 if s.budget else 0.0,
                "Budget, high": s.budget.p95 if s.budget else 0.0,
                "Turns most on": "holds either way" if t is None else figure_words(t, data),
            }
        )
    return pd.DataFrame(rows)


def journeys_frame(data: DataSet, journeys: Sequence[Journey]) -> pd.DataFrame:
    """Services whose budget turns within the plan, one row each."""
    return pd.DataFrame(
        {
            "ID": [j.initiative_id for j in journeys],
            "Name": [j.name for j in journeys],
            "District": [
                district_label(data, data.initiative(j.initiative_id).district_id) for j in journeys
            ],
            "Today": [j.today for j in journeys],
            "Turning point": [j.turn for j in journeys],
            "In": [str(j.turn_year) for j in journeys],
            "Final year": [j.final for j in journeys],
            "Over the plan": [j.brief for j in journeys],
        }
    )


def spend_frame(rows: Sequence[SpendRow], years: Sequence[int], group: str) -> pd.DataFrame:
    out = []
    for r in rows:
        row: dict[str, object] = {group: r.label, "Today": r.today}
        for y in years:
            row[str(y)] = r.proposed.get(y, 0.0)
        row["Change"] = r.change
        out.append(row)
    return pd.DataFrame(out)


def spend_long(rows: Sequence[SpendRow], years: Sequence[int], group: str) -> pd.DataFrame:
    """Today and each plan year as long rows, for line and slope charts."""
    out = []
    for r in rows:
        out.append({group: r.label, "When": "Today", "Amount": r.today})
        for y in years:
            out.append({group: r.label, "When": str(y), "Amount": r.proposed.get(y, 0.0)})
    return pd.DataFrame(out)


def envelope_prices(data: DataSet, result: Result) -> pd.DataFrame:
    """What one more £1 (in pounds) or £1,000 (in weighted outcomes) in each stream's envelope
    is worth, per year."""
    prices: dict[str, dict[int, float]] = defaultdict(dict)
    slack: dict[str, dict[int, float]] = defaultdict(dict)
    per = result.unit.per
    for c in result.constraints:
        if c.family == ENVELOPE and c.year is not None:
            prices[c.index[0]][c.year] = (c.shadow_price or 0.0) * per
            slack[c.index[0]][c.year] = c.slack
    rows = []
    for s in data.streams:
        row: dict[str, object] = {"Stream": s.name}
        for y in result.years:
            row[str(y)] = prices[s.stream_id].get(y, 0.0)
        final = result.years[-1]
        row["Unspent in final year"] = slack[s.stream_id].get(final, 0.0)
        rows.append(row)
    return pd.DataFrame(rows)


RELIEF_COLUMN = {True: "£ avoided per £1 of relief", False: "Outcomes per £1,000 of relief"}
VALUE_COLUMN = {True: "Avoided per £1", False: "Outcomes per £1,000"}
"""The value column of a plan's tables: in pounds with a cost library, else outcomes."""


def binding_frame(
    data: DataSet, rules: Iterable[ConstraintResult], pounds: bool = False
) -> pd.DataFrame:
    rows = []
    for c in rules:
        fam = FAMILIES[c.family]
        rows.append(
            {
                "Rule": fam.title,
                "About": subject(c.family, c.index, data),
                RELIEF_COLUMN[pounds]: (c.shadow_price or 0.0) * (1.0 if pounds else PER),
                "What it says": fam.rule,
            }
        )
    return pd.DataFrame(rows)


def rule_prices_frame(prices: Sequence[RulePrice]) -> pd.DataFrame:
    rows = [
        {
            "Rule": p.label[:1].upper() + p.label[1:],
            "Binds": "Yes" if p.binds else "No",
            "Weighted outcomes given up": p.cost,
            "Money it moves": p.buys,
            "In plain English": p.sentence,
        }
        for p in sorted(prices, key=lambda p: (-p.cost, p.label))
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- two plans


def participants_by(data: DataSet, result: Result, key: str) -> dict[str, tuple[float, float]]:
    """Final-year participants reached and outcomes achieved, by level or by outcome.

    A service is counted once for each outcome it targets.
    """
    final = result.years[-1]
    reached: dict[str, float] = defaultdict(float)
    achieved: dict[str, float] = defaultdict(float)
    outcome_names = {o.outcome_id: o.name for o in data.outcomes}
    for i in data.initiatives:
        x = result.initiatives_by_id[i.initiative_id].proposed[final]
        n = x / i.unit_cost
        keys = (
            [LEVEL_LABELS[i.level]]
            if key == "level"
            else [outcome_names.get(o, o) for o in i.outcomes]
        )
        for k in keys:
            reached[k] += n
            achieved[k] += n * i.effect
    return {k: (reached[k], achieved[k]) for k in reached}


def compare_spend(
    a: Sequence[SpendRow], b: Sequence[SpendRow], group: str, names: tuple[str, str]
) -> pd.DataFrame:
    """Final-year spend of each group under two plans, and the difference."""
    fa = {r.label: r for r in a}
    fb = {r.label: r for r in b}
    labels = list(fa) + [k for k in fb if k not in fa]
    rows = []
    for k in labels:
        x = fa[k].final if k in fa else 0.0
        y = fb[k].final if k in fb else 0.0
        today = fa[k].today if k in fa else fb[k].today
        rows.append({group: k, "Today": today, names[0]: x, names[1]: y, "Difference": y - x})
    return pd.DataFrame(rows)


def compare_initiatives(
    data: DataSet, a: Result, b: Result, names: tuple[str, str]
) -> pd.DataFrame:
    rows = []
    for i in data.initiatives:
        ra = a.initiatives_by_id[i.initiative_id]
        rb = b.initiatives_by_id[i.initiative_id]
        rows.append(
            {
                "ID": i.initiative_id,
                "Name": i.name,
                "District": district_label(data, i.district_id),
                "Level": i.level,
                "Today": i.current_budget,
                names[0]: ra.final,
                names[1]: rb.final,
                "Difference": rb.final - ra.final,
                f"Decision ({names[0]})": DECISION_LABELS[ra.decision],
                f"Decision ({names[1]})": DECISION_LABELS[rb.decision],
            }
        )
    return pd.DataFrame(rows)


def compare_outcomes(
    data: DataSet, a: Result, b: Result, key: str, names: tuple[str, str]
) -> pd.DataFrame:
    pa = participants_by(data, a, key)
    pb = participants_by(data, b, key)
    labels = list(pa) + [k for k in pb if k not in pa]
    if key == "level":
        labels = [LEVEL_LABELS[k] for k in LEVELS if LEVEL_LABELS[k] in labels]
    rows = []
    for k in labels:
        ra, aa = pa.get(k, (0.0, 0.0))
        rb, ab = pb.get(k, (0.0, 0.0))
        rows.append(
            {
                "Group": k,
                f"Reached ({names[0]})": ra,
                f"Reached ({names[1]})": rb,
                f"Outcomes achieved ({names[0]})": aa,
                f"Outcomes achieved ({names[1]})": ab,
                "Difference in outcomes achieved": ab - aa,
            }
        )
    return pd.DataFrame(rows)


def scenario_differences(
    a: Mapping[str, object], b: Mapping[str, object], names: tuple[str, str]
) -> pd.DataFrame:
    """The settings in which two scenarios differ, shown as text."""

    def shown(value: object) -> str:
        if isinstance(value, Mapping):
            return ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value) or "none"
        return str(value)

    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        if key == "description":
            continue
        va, vb = a.get(key), b.get(key)
        if va != vb:
            rows.append(
                {"Setting": key.replace("_", " "), names[0]: shown(va), names[1]: shown(vb)}
            )
    return pd.DataFrame(rows, columns=["Setting", names[0], names[1]])


# --------------------------------------------------------------------------- the store

CUTS: tuple[str, ...] = ("decommission", "reduce")
"""The proposals a commissioner accepts or overrides on the record."""
ACTION_LABELS: Mapping[str, str] = {"accept": "Accepted", "override": "Overridden"}
ORIGIN_LABELS: Mapping[str, str] = {"app": "Workbench", "cli": "Command line"}


def moment(iso: str, zone: bool = True) -> str:
    """A time the store wrote (ISO 8601, UTC) as people read it: 22 Nov 2026, 07:45:12 UTC
    (without " UTC" for a table column that says so)."""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return f"{at.day} {at:%b %Y, %H:%M:%S}" + (" UTC" if zone else "")


def runs_frame(runs: Sequence[RunSummary], decided: Mapping[str, int]) -> pd.DataFrame:
    """The run history, newest first, with how many decisions each run has on record."""
    rows = [
        {
            "When (UTC)": moment(r.created_at, zone=False),
            "Scenario": r.scenario_name,
            "Status": r.status.capitalize(),
            "Weighted outcomes": r.objective,
            "Decisions recorded": decided.get(r.run_id, 0),
            "Origin": ORIGIN_LABELS.get(r.origin, r.origin),
            "By": r.created_by,
            "Inputs": r.inputs_sha256[:12],
            "Run": r.run_id,
        }
        for r in runs
    ]
    columns = [
        "When (UTC)",
        "Scenario",
        "Status",
        "Weighted outcomes",
        "Decisions recorded",
        "Origin",
        "By",
        "Inputs",
        "Run",
    ]
    return pd.DataFrame(rows, columns=columns)


def _service(data: DataSet | None, initiative_id: str) -> str:
    return initiative_label(data, initiative_id) if data is not None else initiative_id


def standing(decisions: Sequence[DecisionRecord]) -> dict[tuple[str, str], DecisionRecord]:
    """The decision that stands on each proposal (run, initiative): the latest made."""
    out: dict[tuple[str, str], DecisionRecord] = {}
    for d in sorted(decisions, key=lambda d: d.id):
        out[(d.run_id, d.initiative_id)] = d
    return out


def proposals_frame(
    result: Result, data: DataSet | None, decisions: Sequence[DecisionRecord], run_id: str
) -> pd.DataFrame:
    """A run's proposed decommissions and reductions, and the decision standing on each."""
    stands = standing(decisions)
    rows = []
    for r in result.initiatives:
        if r.decision not in CUTS:
            continue
        i = data.initiatives_by_id.get(r.initiative_id) if data is not None else None
        d = stands.get((run_id, r.initiative_id))
        rows.append(
            {
                "ID": r.initiative_id,
                "Name": i.name if i is not None else "",
                "Proposed": DECISION_LABELS.get(r.decision, r.decision),
                "Today": r.current_budget,
                "Final year": r.final,
                "Change": r.final - r.current_budget,
                "Decision on record": (
                    f"{ACTION_LABELS.get(d.action, d.action)} by {d.decided_by}"
                    if d is not None
                    else "None yet"
                ),
            }
        )
    columns = ["ID", "Name", "Proposed", "Today", "Final year", "Change", "Decision on record"]
    return pd.DataFrame(rows, columns=columns)


def recorded_decisions_frame(
    decisions: Sequence[DecisionRecord], data: DataSet | None
) -> pd.DataFrame:
    """Decisions, newest first: who decided what, when and why, and whether it still stands."""
    stands = standing(decisions)
    rows = [
        {
            "When (UTC)": moment(d.decided_at, zone=False),
            "Service": _service(data, d.initiative_id),
            "Proposed": DECISION_LABELS.get(d.proposed, d.proposed),
            "Decision": ACTION_LABELS.get(d.action, d.action),
            "Who": d.decided_by,
            "Why": d.reason,
            "Standing": "Stands" if stands[(d.run_id, d.initiative_id)] is d else "Superseded",
        }
        for d in sorted(decisions, key=lambda d: d.id, reverse=True)
    ]
    columns = ["When (UTC)", "Service", "Proposed", "Decision", "Who", "Why", "Standing"]
    return pd.DataFrame(rows, columns=columns)


def audit_detail(action: str, detail: Mapping[str, Any]) -> str:
    """The gist of an audit entry's detail, in one line."""
    row = detail.get("row")
    if isinstance(row, Mapping):
        if action == "decision":
            done, proposed = str(row.get("action")), str(row.get("proposed"))
            text = (
                f"{ACTION_LABELS.get(done, done)} the proposal to "
                f"{DECISION_LABELS.get(proposed, proposed).lower()} - "
                f"{row.get('decided_by')}: {row.get('reason')}"
            )
        elif action == "run":
            text = (
                f"{row.get('scenario_name')}, {row.get('status')}, from the "
                f"{ORIGIN_LABELS.get(str(row.get('origin')), row.get('origin'))}, inputs "
                f"{str(row.get('inputs_sha256', ''))[:12]}"
            )
        elif action == "scenario":
            text = f"{row.get('name')} version {row.get('version')}"
        elif action == "snapshot":
            text = f"data for inputs {str(row.get('inputs_sha256', ''))[:12]}"
        else:
            text = "; ".join(f"{k}: {v}" for k, v in row.items() if not k.startswith("sha256("))
    else:
        text = "; ".join(f"{k}: {v}" for k, v in detail.items())
    return text if len(text) <= 160 else text[:159] + "…"


def audit_frame(entries: Sequence[AuditEntry], broken: Iterable[int]) -> pd.DataFrame:
    """Audit entries as given (newest first), with the ones the check found broken marked."""
    bad = set(broken)
    rows = [
        {
            "Entry": e.seq,
            "Check": "Broken" if e.seq in bad else "",
            "When (UTC)": moment(e.at, zone=False),
            "Who": e.actor,
            "Action": e.action,
            "Subject": e.subject,
            "Detail": audit_detail(e.action, e.detail),
            "Hash": e.hash[:12],
        }
        for e in entries
    ]
    columns = ["Entry", "Check", "When (UTC)", "Who", "Action", "Subject", "Detail", "Hash"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if bad else frame.drop(columns=["Check"])


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as a CSV download that a spreadsheet opens safely: every text cell that it
    would run as a formula gets an apostrophe first (numbers, negative ones included, are
    left as they are), and rows end in CRLF (RFC 4180), so a carriage return or line break
    inside a cell is quoted and never splits a row."""
    out = frame.copy()
    for column in out.columns:
        out[column] = out[column].map(lambda v: formula_safe(v) if isinstance(v, str) else v)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
