"""The editable content of the documents (`specs/*.yaml`), loaded and checked into typed objects.

Content is kept apart from layout: titles, introductions, standard clauses, the indicator
library, the reporting cadence and the partnership's name and colours live in YAML that a
commissioner can edit; `load_content` checks every file and raises `ContentError` naming
each problem as file, key and what is wrong, all at once.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from commissioning.documents.phrases import COMMON, WORDING_KEYS, Keys
from commissioning.documents.yaml_checks import Checker, missing_or
from commissioning.documents.yaml_checks import ContentError as ContentError
from commissioning.documents.yaml_checks import ContentProblem as ContentProblem

SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"
"""The repository's `specs/` folder; `COMMISSIONING_SPECS` overrides it."""

COMMON_FIELDS: frozenset[str] = frozenset(
    {
        "partnership",
        "strategic_lead",
        "development_officer",
        "board",
        "sub_group",
        "district",
        "document",
        "first_year",
        "last_year",
    }
)
SERVICE_FIELDS: frozenset[str] = COMMON_FIELDS | {"service", "service_id", "provider"}
SUMMARY_FIELDS: frozenset[str] = COMMON_FIELDS - {"district", "sub_group"}
TERMS_FIELDS: frozenset[str] = COMMON_FIELDS - {"district"}
"""The standard terms serve every specification: no service or district of their own."""
PLAN_FIELDS: frozenset[str] = SUMMARY_FIELDS - {"document"}
"""The wording every document shares (`common.yaml`): the partnership's and the plan's."""
COMMON_FILE = "common.yaml"


@dataclass(frozen=True)
class DocumentKind:
    """What a document type needs from its YAML: its file, sections and placeholders."""

    file: str
    sections: tuple[str, ...]
    fields: frozenset[str]
    versioned: bool = False
    """Whether the file must give the document's `version` (and may give no other)."""


DOCUMENT_KINDS: Mapping[str, DocumentKind] = {
    "spec": DocumentKind(
        "service_specification.yaml",
        (
            "details",
            "purpose",
            "population",
            "outcomes",
            "evidence",
            "standards",
            "monitoring",
            "review",
            "sign-off",
        ),
        SERVICE_FIELDS,
    ),
    "sla": DocumentKind(
        "district_sla.yaml",
        (
            "parties",
            "needs",
            "priorities",
            "resources",
            "services",
            "targets",
            "scorecard",
            "reporting",
            "local-targets",
            "equality",
            "consultation",
            "sign-off",
        ),
        COMMON_FIELDS,
    ),
    "summary": DocumentKind(
        "plan_summary.yaml",
        (
            "headlines",
            "levels",
            "priorities",
            "districts",
            "streams",
            "outcomes",
            "decisions",
            "rules",
            "equality",
            "consultation",
            "decision",
        ),
        SUMMARY_FIELDS,
    ),
    "rationale": DocumentKind(
        "rationale.yaml",
        ("method", "rules", "services", "provenance", "glossary"),
        SUMMARY_FIELDS,
    ),
    "quarterly": DocumentKind(
        "quarterly_report.yaml",
        ("progress", "targets", "trend", "services", "off-track", "escalation"),
        COMMON_FIELDS,
    ),
    "partnership": DocumentKind(
        "partnership_report.yaml",
        ("headlines", "districts", "outcomes", "value", "off-track"),
        SUMMARY_FIELDS,
    ),
    "terms": DocumentKind(
        "standard_terms.yaml",
        ("scope", "standards", "monitoring", "review"),
        TERMS_FIELDS,
        versioned=True,
    ),
}

REQUIRED_CLAUSES: tuple[str, ...] = (
    "safeguarding",
    "information_sharing",
    "lead_professional",
    "involvement",
    "equality",
    "data_protection",
    "complaints",
    "review_and_exit",
    "challenge_and_review",
)
DIRECTIONS: Mapping[str, str] = {"increase": "higher is better", "decrease": "lower is better"}
MEASURES: tuple[str, ...] = ("population", "service")
INDICATOR_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "definition",
    "unit",
    "direction",
    "source",
    "levels",
    "measure",
    "baseline",
)
EVIDENCE_KEYS: tuple[str, ...] = ("4", "3", "2", "NL2", "NE")
LOGO_TYPES: Mapping[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Colours:
    primary: str
    accent: str
    light: str
    muted: str


@dataclass(frozen=True)
class Partnership:
    """Who the documents are from and how they look (`partnership.yaml`)."""

    name: str
    logo: Path | None
    colours: Colours
    strategic_lead: str
    development_officer: str
    board: str
    sub_group: str
    """A template with `{district}`."""
    county_sub_group: str
    year_start_day: int
    year_start_month: int
    note: str


@dataclass(frozen=True)
class Clause:
    clause_id: str
    title: str
    paragraphs: tuple[str, ...]
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionText:
    section_id: str
    title: str
    intro: tuple[str, ...]
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class DocumentText:
    """The editable text of one document type."""

    kind: str
    title: str
    status: str
    sections: Mapping[str, SectionText]
    version: str = ""
    """The version a versioned document (the standard terms) is cited by."""
    wording: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """The document's standard wording by key (`phrases.WORDING_KEYS`), placeholders unfilled."""


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    """OUTCOME-SLUG: the indicator_id of the data folder's indicators.csv."""
    name: str
    definition: str
    unit: str
    direction: str
    """`increase` or `decrease`: which way is better."""
    source: str
    baseline: str
    """As recorded in the library, or "" when not recorded (the data's figure comes first)."""
    levels: tuple[int, ...] = (1, 2, 3, 4)
    """The levels of need of the services it fits."""
    measure: str = "population"
    """`population` (the district's children: the SLA's scorecard) or `service` (a
    service's own participants: the specifications)."""

    def fits(self, level: int) -> bool:
        return level in self.levels

    @property
    def direction_text(self) -> str:
        return DIRECTIONS[self.direction]


@dataclass(frozen=True)
class IndicatorLibrary:
    by_outcome: Mapping[str, tuple[Indicator, ...]]
    fallback: str

    def for_outcome(self, outcome_id: str) -> tuple[Indicator, ...]:
        return self.by_outcome.get(outcome_id, ())


@dataclass(frozen=True)
class ReportLine:
    title: str
    by: str
    to: str
    when: str
    contents: str


@dataclass(frozen=True)
class Reporting:
    quarters: tuple[str, ...]
    returns: tuple[ReportLine, ...]
    escalation: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    name: str
    who: str


@dataclass(frozen=True)
class Framework:
    levels: Mapping[int, Level]
    evidence: Mapping[str, str]
    mixed_findings: str
    objectives: Mapping[str, tuple[str, ...]]
    objectives_fallback: str


@dataclass(frozen=True)
class Content:
    """Everything the documents say that is not computed from the plan."""

    directory: Path
    partnership: Partnership
    clauses: Mapping[str, Clause]
    documents: Mapping[str, DocumentText]
    indicators: IndicatorLibrary
    reporting: Reporting
    framework: Framework = field(repr=False)
    wording: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """The wording every document shares (`common.yaml`, `phrases.COMMON`), unfilled."""


def fill(text: str, fields: Mapping[str, str]) -> str:
    """Fill a checked text's placeholders."""
    return text.format_map(fields)


def paragraphs(text: str) -> tuple[str, ...]:
    """Split YAML text on blank lines and join each paragraph's lines."""
    parts = re.split(r"\n\s*\n", text.strip())
    return tuple(" ".join(p.split()) for p in parts if p.strip())


def specs_dir() -> Path:
    """Where the content lives: `$COMMISSIONING_SPECS` or the repository's `specs/`."""
    env = os.environ.get("COMMISSIONING_SPECS")
    return Path(env) if env else SPECS_DIR


def load_content(directory: Path | None = None) -> Content:
    """Load and check every content file; raise ContentError listing every problem."""
    directory = Path(directory) if directory is not None else specs_dir()
    problems: list[ContentProblem] = []
    partnership = _partnership(Checker(directory, "partnership.yaml", problems), directory)
    clauses = _clauses(Checker(directory, "clauses.yaml", problems))
    documents = {
        kind: _document(Checker(directory, spec.file, problems), kind, spec, clauses)
        for kind, spec in DOCUMENT_KINDS.items()
    }
    _check_specs_cover_the_standard_clauses(documents, problems)
    indicators = _indicators(Checker(directory, "indicators.yaml", problems))
    reporting = _reporting(Checker(directory, "reporting.yaml", problems))
    framework = _framework(Checker(directory, "framework.yaml", problems))
    common = Checker(directory, COMMON_FILE, problems)
    shared = common.load()
    if shared is not None:
        common.known_keys(shared, {"wording"}, "")
    wording = _wording(common, shared or {}, COMMON, PLAN_FIELDS)
    if problems or partnership is None or clauses is None or reporting is None:
        raise ContentError(problems)
    if indicators is None or framework is None or any(d is None for d in documents.values()):
        raise ContentError(problems)
    if shared is None:
        raise ContentError(problems)
    return Content(
        directory=directory,
        partnership=partnership,
        clauses=clauses,
        documents={k: d for k, d in documents.items() if d is not None},
        indicators=indicators,
        reporting=reporting,
        framework=framework,
        wording=wording,
    )


def _check_specs_cover_the_standard_clauses(
    documents: Mapping[str, DocumentText | None], problems: list[ContentProblem]
) -> None:
    """Every standard clause applies to every specification: each must be in the standard
    terms (which the specifications cite) or printed in the specifications themselves."""
    terms, spec = documents.get("terms"), documents.get("spec")
    if terms is None or spec is None:
        return  # already reported
    held = {cid for doc in (terms, spec) for s in doc.sections.values() for cid in s.clauses}
    for cid in REQUIRED_CLAUSES:
        if cid not in held:
            problems.append(
                ContentProblem(
                    DOCUMENT_KINDS["terms"].file,
                    "sections",
                    f"the standard clause {cid!r} is in neither the standard terms nor "
                    f"{DOCUMENT_KINDS['spec'].file}: every specification must apply it",
                )
            )


def _partnership(c: Checker, directory: Path) -> Partnership | None:
    doc = c.load()
    if doc is None:
        return None
    allowed = {
        "name",
        "logo",
        "colours",
        "strategic_lead",
        "development_officer",
        "board",
        "sub_group",
        "county_sub_group",
        "year_starts",
        "note",
    }
    c.known_keys(doc, allowed, "")
    colours_doc = c.mapping(doc, "colours", "")
    colours = {}
    for key in ("primary", "accent", "light", "muted"):
        value = colours_doc.get(key)
        if not isinstance(value, str) or not _COLOUR.match(value):
            msg = (
                "missing"
                if key not in colours_doc
                else f"must be a colour like #1F4E79, not {value!r}"
            )
            c.problem(f"colours.{key}", msg)
            value = "#000000"
        colours[key] = value
    c.known_keys(colours_doc, {"primary", "accent", "light", "muted"}, "colours")
    logo: Path | None = None
    if doc.get("logo") is not None:
        name = c.text(doc, "logo", "")
        if name:
            logo = (directory / name).resolve()
            if logo.suffix.lower() not in LOGO_TYPES:
                c.problem("logo", f"must be a {', '.join(LOGO_TYPES)} file, not {name!r}")
            elif not logo.is_file():
                c.problem("logo", f"file not found: {logo}")
    year = c.mapping(doc, "year_starts", "")
    day, month = year.get("day"), year.get("month")
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        c.problem("year_starts.month", f"must be a month number 1-12, not {month!r}")
        month = 4
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 28:
        c.problem("year_starts.day", f"must be a day number 1-28, not {day!r}")
        day = 1
    return Partnership(
        name=c.text(doc, "name", ""),
        logo=logo,
        colours=Colours(**colours),
        strategic_lead=c.text(doc, "strategic_lead", ""),
        development_officer=c.text(doc, "development_officer", ""),
        board=c.text(doc, "board", ""),
        sub_group=c.text(doc, "sub_group", "", fields=frozenset({"district"})),
        county_sub_group=c.text(doc, "county_sub_group", ""),
        year_start_day=day,
        year_start_month=month,
        note=c.text(doc, "note", "", required=False),
    )


def _clauses(c: Checker) -> Mapping[str, Clause] | None:
    doc = c.load()
    if doc is None:
        return None
    c.known_keys(doc, {"clauses"}, "")
    raw = c.mapping(doc, "clauses", "")
    out: dict[str, Clause] = {}
    for cid, body in raw.items():
        where = f"clauses.{cid}"
        if not isinstance(body, dict):
            c.problem(where, "must be a mapping with title and text")
            continue
        c.known_keys(body, {"title", "text", "points"}, where)
        # Placeholders are checked against each document that uses the clause.
        text = c.text(body, "text", where, fields=SERVICE_FIELDS)
        points = c.texts(body, "points", where, SERVICE_FIELDS) if "points" in body else ()
        out[str(cid)] = Clause(str(cid), c.text(body, "title", where), paragraphs(text), points)
    for cid in REQUIRED_CLAUSES:
        if raw and cid not in out and cid not in raw:
            c.problem(f"clauses.{cid}", "missing: this standard clause is required")
    return out


def _document(
    c: Checker, kind: str, spec: DocumentKind, clauses: Mapping[str, Clause] | None
) -> DocumentText | None:
    doc = c.load()
    if doc is None:
        return None
    keys: Keys = WORDING_KEYS.get(kind, MappingProxyType({}))
    c.known_keys(
        doc,
        {"title", "status", "sections"}
        | ({"version"} if spec.versioned else set())
        | ({"wording"} if keys else set()),
        "",
    )
    raw = c.mapping(doc, "sections", "")
    sections: dict[str, SectionText] = {}
    for sid in spec.sections:
        where = f"sections.{sid}"
        body = raw.get(sid)
        if not isinstance(body, dict):
            if raw:
                c.problem(where, "missing: the document needs this section (with at least a title)")
            continue
        c.known_keys(body, {"title", "intro", "clauses"}, where)
        intro = c.text(body, "intro", where, fields=spec.fields, required=False)
        used: tuple[str, ...] = ()
        if "clauses" in body:
            used = c.texts(body, "clauses", where)
            for n, cid in enumerate(used, 1):
                if clauses is not None and cid not in clauses:
                    c.problem(f"{where}.clauses[{n}]", f"unknown clause {cid!r} (see clauses.yaml)")
                elif clauses is not None:
                    _check_clause_fields(c, clauses[cid], spec.fields, f"{where}.clauses[{n}]")
        sections[sid] = SectionText(sid, c.text(body, "title", where), paragraphs(intro), used)
    for sid in raw:
        if sid not in spec.sections:
            c.problem(f"sections.{sid}", f"unknown section (expected: {', '.join(spec.sections)})")
    return DocumentText(
        kind=kind,
        title=c.text(doc, "title", ""),
        status=c.text(doc, "status", ""),
        sections=sections,
        version=c.text(doc, "version", "") if spec.versioned else "",
        wording=_wording(c, doc, keys, spec.fields),
    )


def _wording(
    c: Checker, doc: Mapping[str, Any], keys: Keys, fields: frozenset[str]
) -> Mapping[str, str]:
    """The `wording:` block: every key the document's code asks for, and no other; a text
    around figures uses each of its figures' placeholders, so none is dropped by an edit."""
    if not keys:
        return MappingProxyType({})
    raw = c.mapping(doc, "wording", "")
    if not raw:
        return MappingProxyType({})
    c.known_keys(raw, set(keys), "wording")
    out: dict[str, str] = {}
    for k, figures in keys.items():
        if k not in raw:
            c.problem(f"wording.{k}", "missing: the document needs this wording")
            continue
        out[k] = text = c.text(raw, k, "wording", fields=fields | figures)
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError:
            continue  # already named by c.text
        for name in sorted(figures - used):
            c.problem(f"wording.{k}", f"must say {{{name}}}: the figure this wording is for")
    return MappingProxyType(out)


def _check_clause_fields(c: Checker, clause: Clause, fields: frozenset[str], where: str) -> None:
    for text in (*clause.paragraphs, *clause.points):
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in fields:
                c.problem(
                    where,
                    f"clause {clause.clause_id!r} uses {{{name}}}, which this document "
                    "cannot fill (it is not about one service)",
                )
                return


def _indicators(c: Checker) -> IndicatorLibrary | None:
    doc = c.load()
    if doc is None:
        return None
    c.known_keys(doc, {"fallback", "outcomes"}, "")
    raw = c.mapping(doc, "outcomes", "")
    by_outcome: dict[str, tuple[Indicator, ...]] = {}
    seen: set[str] = set()
    for oid, items in raw.items():
        where = f"outcomes.{oid}"
        if not isinstance(items, list):
            c.problem(where, "must be a list of indicators")
            continue
        found = []
        for n, item in enumerate(items, 1):
            here = f"{where}[{n}]"
            if not isinstance(item, dict):
                c.problem(here, "must be a mapping with name, definition, unit, direction, source")
                continue
            c.known_keys(item, set(INDICATOR_KEYS), here)
            direction = c.text(item, "direction", here)
            if direction and direction not in DIRECTIONS:
                c.problem(f"{here}.direction", f"must be increase or decrease, not {direction!r}")
            iid = c.text(item, "id", here)
            if iid and not re.fullmatch(rf"{re.escape(str(oid))}-[A-Z0-9]+(-[A-Z0-9]+)*", iid):
                c.problem(
                    f"{here}.id", f"must be {oid}-SLUG in capitals (e.g. {oid}-SDQ), not {iid!r}"
                )
            if iid in seen:
                c.problem(f"{here}.id", f"{iid!r} is already used by another indicator")
            seen.add(iid)
            measure = c.text(item, "measure", here)
            if measure and measure not in MEASURES:
                c.problem(f"{here}.measure", f"must be population or service, not {measure!r}")
            levels = item.get("levels")
            if not (
                isinstance(levels, list)
                and levels
                and all(type(x) is int and 1 <= x <= 4 for x in levels)
            ):
                c.problem(f"{here}.levels", "must be a list of levels of need, e.g. [1, 2]")
                levels = [1, 2, 3, 4]
            found.append(
                Indicator(
                    indicator_id=iid,
                    name=_plain(c.text(item, "name", here)),
                    definition=_plain(c.text(item, "definition", here)),
                    unit=_plain(c.text(item, "unit", here)),
                    direction=direction if direction in DIRECTIONS else "increase",
                    source=_plain(c.text(item, "source", here)),
                    baseline=_plain(c.text(item, "baseline", here, required=False)),
                    levels=tuple(sorted(set(levels))),
                    measure=measure if measure in MEASURES else "population",
                )
            )
        by_outcome[str(oid)] = tuple(found)
    return IndicatorLibrary(by_outcome, _plain(c.text(doc, "fallback", "")))


def _plain(text: str) -> str:
    """Indicator text is shown as written: no placeholders, braces kept."""
    return " ".join(text.split())


def _reporting(c: Checker) -> Reporting | None:
    doc = c.load()
    if doc is None:
        return None
    c.known_keys(doc, {"quarters", "returns", "escalation"}, "")
    quarters = c.texts(doc, "quarters", "")
    if quarters and len(quarters) != 4:
        c.problem("quarters", f"must list the 4 quarters, not {len(quarters)}")
    returns = []
    items = doc.get("returns")
    if not isinstance(items, list) or not items:
        c.problem("returns", missing_or("must be a non-empty list", items, "returns", doc))
        items = []
    for n, item in enumerate(items, 1):
        here = f"returns[{n}]"
        if not isinstance(item, dict):
            c.problem(here, "must be a mapping with title, by, to, when, contents")
            continue
        c.known_keys(item, {"title", "by", "to", "when", "contents"}, here)
        returns.append(
            ReportLine(
                *(
                    " ".join(c.text(item, k, here, fields=COMMON_FIELDS).split())
                    for k in ("title", "by", "to", "when", "contents")
                )
            )
        )
    escalation = c.texts(doc, "escalation", "", COMMON_FIELDS)
    return Reporting(quarters, tuple(returns), escalation)


def _framework(c: Checker) -> Framework | None:
    doc = c.load()
    if doc is None:
        return None
    c.known_keys(
        doc, {"levels", "evidence", "mixed_findings", "objectives", "objectives_fallback"}, ""
    )
    levels: dict[int, Level] = {}
    raw_levels = c.mapping(doc, "levels", "")
    for key, body in raw_levels.items():
        where = f"levels.{key}"
        if str(key) not in ("1", "2", "3", "4"):
            c.problem(where, "unknown level (expected 1, 2, 3 or 4)")
            continue
        if not isinstance(body, dict):
            c.problem(where, "must be a mapping with name and who")
            continue
        c.known_keys(body, {"name", "who"}, where)
        levels[int(key)] = Level(
            _plain(c.text(body, "name", where)), _plain(c.text(body, "who", where))
        )
    for level in (1, 2, 3, 4):
        if raw_levels and level not in levels and str(level) not in map(str, raw_levels):
            c.problem(f"levels.{level}", "missing")
    evidence_raw = c.mapping(doc, "evidence", "")
    evidence = {}
    for key in EVIDENCE_KEYS:
        if evidence_raw:
            evidence[key] = _plain(c.text(evidence_raw, key, "evidence"))
    c.known_keys(evidence_raw, set(EVIDENCE_KEYS), "evidence")
    objectives: dict[str, tuple[str, ...]] = {}
    raw_obj = doc.get("objectives", {})
    if not isinstance(raw_obj, dict):
        c.problem("objectives", "must be a mapping of priority_id to a list of objectives")
        raw_obj = {}
    for pid in raw_obj:
        objectives[str(pid)] = c.texts(raw_obj, pid, "objectives")
    return Framework(
        levels=levels,
        evidence=evidence,
        mixed_findings=_plain(c.text(doc, "mixed_findings", "")),
        objectives=objectives,
        objectives_fallback=_plain(c.text(doc, "objectives_fallback", "")),
    )
