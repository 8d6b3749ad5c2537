"""Generate the illustrative sample data folder `data/sample/`.

The figures are ILLUSTRATIVE: plausible for a large English shire county (the twelve
Lancashire districts), but not real council figures. Published figures are used only where
`data/sample/README.md` cites them (EIF Guidebook evidence ratings, programme unit costs,
costs of late intervention).

The generator is deterministic (a fixed seed and a fixed order of rows), so the committed
CSV files are stable across runs. Before writing anything it checks every load-time rule of
the data contract (docs: shared spec `model.md` section 1) and a set of simple feasibility
margins for the default scenario (sections 2 and 3), and fails loudly if any is broken.

Usage:
    python scripts/make_sample_data.py [--out data/sample] [--check-only]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import itertools
import math
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from commissioning.inputs.read import load_yaml, parse_yaml, read_tables
from commissioning.inputs.schema import SCHEMA, Table
from commissioning.inputs.validate import check_scenario, validate_tables

SEED = 20270401
YEARS: tuple[int, ...] = (2027, 2028, 2029)
COUNTY = "COUNTY"
LEVELS: tuple[int, ...] = (1, 2, 3, 4)

# ---------------------------------------------------------------------------------------
# Scenario (written to scenario.yaml and used by the feasibility checks)
# ---------------------------------------------------------------------------------------

SCENARIO_NAME = "Refocus towards prevention"
PREVENTION_SHARE: tuple[float, ...] = (0.45, 0.50, 0.55)
MAX_GROWTH = 0.25
RAMP = 0.5
DISTRICT_FLOOR = 0.8
EVIDENCE_MULTIPLIER: dict[str, float] = {"4": 1.0, "3": 0.8, "2": 0.5, "NL2": 0.2, "NE": 0.0}
MIXED_FINDINGS_FACTOR = 0.75
# HM Treasury Green Book discount rate; the value of an outcome comes from costs.csv.
DISCOUNT_RATE = 0.035
# Share of the cashable savings returned to the paying stream's envelope (README explains).
REINVEST = 0.5
LOCK: tuple[str, ...] = ("YJS-CTY-01",)
EXCLUDE: tuple[str, ...] = ("PRV-CTY-01", "RES-CTY-01")

# Margins the checker insists on (the data must be comfortably, not barely, feasible).
DEMAND_USE_MAX = 0.75  # current participants / demand, per district and level, and county
TOTAL_BUDGET_RANGE = (1.00, 1.05)  # total budget / current spend, every year
ENVELOPE_HEADROOM = 0.95  # floors that only a set of streams can fund <= 95% of their budget


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    district_id: str
    name: str
    locality: str
    children: int
    need_index: float
    demand: tuple[int, int, int, int]


@dataclass(frozen=True)
class Stream:
    stream_id: str
    name: str
    partner: str
    ring_fenced: bool


@dataclass(frozen=True)
class Priority:
    priority_id: str
    name: str
    weight: float
    min_share: float


@dataclass(frozen=True)
class Outcome:
    outcome_id: str
    name: str


@dataclass(frozen=True)
class Initiative:
    initiative_id: str
    name: str
    provider: str
    sector: str
    district_id: str
    level: int
    priority_id: str
    outcomes: tuple[str, ...]
    status: str
    current_budget: int
    unit_cost: int
    effect: float
    evidence_level: str
    mixed_findings: bool
    min_budget: int
    max_budget: int
    min_viable: int
    contract_end: int | None
    funding: tuple[str, ...]

    def floor(self, year: int) -> int:
        """L(i, y) of model.md section 3: the committed or protected floor in `year`."""
        committed = (
            self.current_budget
            if self.contract_end is not None and year <= self.contract_end
            else 0
        )
        return max(self.min_budget, committed)


@dataclass
class SampleData:
    districts: list[District]
    streams: list[Stream]
    budgets: dict[tuple[str, int], int]
    priorities: list[Priority]
    outcomes: list[Outcome]
    initiatives: list[Initiative] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    prices: dict[int, float] = field(default_factory=dict)


def round_to(x: float, step: int) -> int:
    """Round to the nearest multiple of `step` (whole pounds, thousands of pounds...)."""
    return round(x / step) * step


def jitter(rng: random.Random, spread: float) -> float:
    """A seeded multiplicative wobble in [1 - spread, 1 + spread]."""
    return 1.0 + rng.uniform(-spread, spread)


# (id, name, locality, children aged 0-19, raw relative need before normalising)
# Localities: the strategy groups the districts into three localities; the grouping used
# here is Lancashire's North / Central / East (see README).
DISTRICT_ROWS: tuple[tuple[str, str, str, int, float], ...] = (
    ("BUR", "Burnley", "East", 23900, 1.45),
    ("CHO", "Chorley", "Central", 26400, 0.78),
    ("FYL", "Fylde", "North", 15600, 0.72),
    ("HYN", "Hyndburn", "East", 20700, 1.36),
    ("LAN", "Lancaster", "North", 31200, 1.00),
    ("PEN", "Pendle", "East", 24600, 1.38),
    ("PRE", "Preston", "Central", 35800, 1.30),
    ("RVA", "Ribble Valley", "East", 12800, 0.55),
    ("ROS", "Rossendale", "East", 16000, 1.05),
    ("SRI", "South Ribble", "Central", 23700, 0.74),
    ("WLA", "West Lancashire", "Central", 23600, 0.95),
    ("WYR", "Wyre", "North", 21300, 0.92),
)

HIGH_NEED = ("BUR", "PEN", "HYN", "PRE")


def make_districts() -> list[District]:
    total_children = sum(row[3] for row in DISTRICT_ROWS)
    weighted = sum(row[3] * row[4] for row in DISTRICT_ROWS)
    scale = total_children / weighted  # children-weighted mean need becomes 1.0
    out: list[District] = []
    for did, name, locality, children, raw in DISTRICT_ROWS:
        need = round(raw * scale, 2)
        demand = (
            round_to(children * 0.80 * (0.85 + 0.15 * need), 10),
            round_to(children * 0.12 * need, 10),
            round_to(children * 0.04 * need, 10),
            round_to(children * 0.02 * need, 1),
        )
        out.append(District(did, name, locality, children, need, demand))
    return out


def make_streams() -> list[Stream]:
    return [
        Stream("LCC", "County Council children's services core budget", "Council", False),
        Stream("PH", "Public Health grant", "Public Health", True),
        Stream("ICB", "NHS integrated care board children's budget", "NHS", False),
        Stream("PCC", "Police and Crime Commissioner prevention fund", "Police", True),
        Stream("SF", "Supporting Families grant", "Council (DfE grant)", True),
        Stream("DSG", "Schools Forum (Dedicated Schools Grant)", "Schools", True),
    ]


def make_priorities() -> list[Priority]:
    # Names: Hillingdon LSCB strategy 2017-2020, paragraph 5.3.
    return [
        Priority("P1", "Enabling children to have the best start in life", 1.2, 0.10),
        Priority(
            "P2",
            "Enabling children and young people to make a positive transition from "
            "childhood, through adolescence to adulthood",
            1.0,
            0.20,
        ),
        Priority("P3", "Supporting families to be resilient and self-sufficient", 1.1, 0.20),
    ]


def make_outcomes() -> list[Outcome]:
    return [
        Outcome("HEALTHY", "Be healthy"),
        Outcome("SAFE", "Stay safe"),
        Outcome("ENJOY", "Enjoy and achieve"),
        Outcome("CONTRIB", "Make a positive contribution"),
        Outcome("ECON", "Achieve economic well-being"),
    ]


# ---------------------------------------------------------------------------------------
# Initiatives
# ---------------------------------------------------------------------------------------

# District spend per need-weighted child (GBP a year). District spend = RATE * need * children.
RATE = 145.0


@dataclass(frozen=True)
class Template:
    """One kind of district service; `share` is its share of the district's spend."""

    code: str
    name: str
    provider: str  # "{d}" is replaced by the district name
    sector: str
    level: int
    priority_id: str
    outcomes: tuple[str, ...]
    unit_cost: int
    effect: float
    evidence: str
    share: float
    funding: tuple[str, ...]
    max_factor: float
    contract: str  # "none" (in-house), "cycle" (2026-2029 by district), or a year
    min_factor: float = 0.0  # statutory or protected floor as a share of current_budget
    where: tuple[str, ...] = ()  # only these districts (empty = all)


# fmt: off
DISTRICT_TEMPLATES: tuple[Template, ...] = (
    Template(
        "CC", "Children's centre universal offer", "County Council Children and Family "
        "Wellbeing Service", "council", 1, "P1", ("HEALTHY", "ENJOY"), 150, 0.08, "2", 0.08,
        ("LCC", "PH"), 1.6, "none",
    ),
    Template(
        "YW", "Open-access youth club", "{d} youth work partnership", "voluntary", 1, "P2",
        ("ENJOY", "CONTRIB"), 240, 0.05, "NL2", 0.04, ("LCC",), 1.3, "cycle",
    ),
    Template(
        "SNP", "Stay and play sessions", "{d} community playgroups network", "voluntary", 1,
        "P1", ("HEALTHY", "ENJOY"), 130, 0.05, "NL2", 0.02, ("LCC", "PH"), 1.2, "cycle",
        where=("BUR", "PEN", "HYN", "PRE", "LAN"),
    ),
    Template(
        "FS", "Early help family support team", "County Council Children and Family "
        "Wellbeing Service", "council", 2, "P3", ("SAFE", "ENJOY", "ECON"), 1300, 0.25, "2",
        0.10, ("LCC", "SF"), 1.6, "none",
    ),
    Template(
        "FSV", "Family support project", "{d} family action charity", "voluntary", 2, "P3",
        ("SAFE", "ENJOY"), 1150, 0.15, "NL2", 0.03, ("LCC", "SF"), 1.2, "cycle",
        where=("BUR", "PEN", "PRE", "WLA", "CHO", "HYN"),
    ),
    Template(
        "PAR", "Local parenting course", "{d} parenting network", "voluntary", 2, "P1",
        ("HEALTHY", "SAFE"), 650, 0.15, "NL2", 0.03, ("LCC", "SF", "PH"), 1.3, "cycle",
    ),
    Template(
        "EWB", "Emotional wellbeing service in schools", "{d} schools counselling service",
        "schools", 2, "P2", ("HEALTHY", "ENJOY"), 750, 0.22, "2", 0.05, ("PH", "ICB", "DSG"),
        1.8, "cycle",
    ),
    Template(
        "TYS", "Targeted youth support", "County Council Young People's Service", "council", 2,
        "P2", ("SAFE", "CONTRIB"), 1100, 0.20, "2", 0.04, ("LCC", "PCC"), 1.3, "none",
    ),
    Template(
        "MEN", "Volunteer mentoring scheme", "{d} mentoring charity", "voluntary", 2, "P2",
        ("CONTRIB", "ENJOY"), 900, 0.10, "NL2", 0.015, ("LCC", "PCC"), 1.2, "cycle",
        where=("BUR", "PRE", "ROS", "WYR"),
    ),
    Template(
        "IFS", "Intensive family support (keyworker)", "County Council Children and Family "
        "Wellbeing Service", "council", 3, "P3", ("SAFE", "ECON"), 4200, 0.35, "2", 0.14,
        ("LCC", "SF"), 1.3, "none", min_factor=0.5,
    ),
    Template(
        "YOP", "Youth offending prevention programme", "{d} Community Safety Partnership",
        "police", 3, "P2", ("SAFE", "CONTRIB"), 3600, 0.25, "NL2", 0.06, ("PCC", "LCC"), 1.2,
        "cycle",
    ),
    Template(
        "CAMHS", "Targeted CAMHS (community team)", "NHS mental health trust", "health", 3,
        "P2", ("HEALTHY",), 2900, 0.35, "2", 0.10, ("ICB",), 1.3, "2029",
    ),
    Template(
        "CPT", "Child protection and children in need social work (statutory)",
        "County Council Children's Social Care", "council", 4, "P3", ("SAFE",), 8500, 0.45,
        "2", 0.27, ("LCC",), 1.15, "none", min_factor=0.9,
    ),
    Template(
        "EOC", "Edge-of-care outreach", "Independent provider (spot purchase)", "private", 4,
        "P3", ("SAFE",), 14000, 0.30, "NL2", 0.09, ("LCC", "SF"), 1.1, "cycle",
    ),
)

# fmt: on

# Services whose local evaluation found mixed results (the EIF "*"), by template and district.
MIXED_LOCAL: frozenset[tuple[str, str]] = frozenset(
    {("EWB", "HYN"), ("EWB", "WYR"), ("EWB", "LAN"), ("TYS", "PRE"), ("IFS", "ROS")}
)
CONTRACT_CYCLE: tuple[int, ...] = (2026, 2027, 2028, 2029)


def district_initiatives(rng: random.Random, districts: Sequence[District]) -> list[Initiative]:
    out: list[Initiative] = []
    for di, d in enumerate(districts):
        spend = RATE * d.need_index * d.children
        present = [t for t in DISTRICT_TEMPLATES if not t.where or d.district_id in t.where]
        # Templates present everywhere keep their share; optional (duplicate) services take
        # their share from the district total, so district spend stays roughly proportional
        # to need_index * children.
        total_share = sum(t.share for t in present)
        for ti, t in enumerate(present):
            current = round_to(spend * t.share / total_share * jitter(rng, 0.10), 1000)
            unit_cost = round(t.unit_cost * jitter(rng, 0.08))
            effect = round(t.effect * jitter(rng, 0.10), 2)
            if t.contract == "none":
                contract_end: int | None = None
            elif t.contract == "cycle":
                contract_end = CONTRACT_CYCLE[(di + ti) % len(CONTRACT_CYCLE)]
            else:
                contract_end = int(t.contract)
            min_budget = round_to(current * t.min_factor, 1000) if t.min_factor else 0
            max_budget = round_to(current * t.max_factor, 1000)
            out.append(
                Initiative(
                    initiative_id=f"{t.code}-{d.district_id}-01",
                    name=f"{t.name} - {d.name}",
                    provider=t.provider.replace("{d}", d.name),
                    sector=t.sector,
                    district_id=d.district_id,
                    level=t.level,
                    priority_id=t.priority_id,
                    outcomes=t.outcomes,
                    status="existing",
                    current_budget=current,
                    unit_cost=unit_cost,
                    effect=effect,
                    evidence_level=t.evidence,
                    mixed_findings=(t.code, d.district_id) in MIXED_LOCAL,
                    min_budget=min_budget,
                    max_budget=max_budget,
                    min_viable=0,
                    contract_end=contract_end,
                    funding=t.funding,
                )
            )
    # A second, church-run family support project in Burnley and Preston: three similar
    # services for the same district, level and priority.
    extra = {"BUR": 62000, "PRE": 71000}
    for d in districts:
        if d.district_id in extra:
            current = extra[d.district_id]
            out.append(
                Initiative(
                    initiative_id=f"FSV-{d.district_id}-02",
                    name=f"Family support drop-in (faith-based) - {d.name}",
                    provider=f"{d.name} churches together",
                    sector="voluntary",
                    district_id=d.district_id,
                    level=2,
                    priority_id="P3",
                    outcomes=("SAFE", "ECON"),
                    status="existing",
                    current_budget=current,
                    unit_cost=980,
                    effect=0.12,
                    evidence_level="NL2",
                    mixed_findings=False,
                    min_budget=0,
                    max_budget=round_to(current * 1.2, 1000),
                    min_viable=0,
                    contract_end=2027,
                    funding=("LCC", "SF"),
                )
            )
    # An existing contract with a viability threshold: the Burnley edge-of-care outreach
    # provider cannot run its team below £150,000 a year.
    out = [
        dataclasses.replace(i, min_viable=150000) if i.initiative_id == "EOC-BUR-01" else i
        for i in out
    ]
    return out


# fmt: off
def existing(
    iid: str, name: str, provider: str, sector: str, level: int, priority_id: str,
    outcomes: str, current: int, unit_cost: int, effect: float, evidence: str,
    funding: str, max_budget: int, contract_end: int | None, *, min_budget: int = 0,
    min_viable: int = 0, mixed: bool = False, district_id: str = COUNTY,
) -> Initiative:
    return Initiative(
        initiative_id=iid, name=name, provider=provider, sector=sector,
        district_id=district_id, level=level, priority_id=priority_id,
        outcomes=tuple(outcomes.split(";")), status="existing", current_budget=current,
        unit_cost=unit_cost, effect=effect, evidence_level=evidence, mixed_findings=mixed,
        min_budget=min_budget, max_budget=max_budget, min_viable=min_viable,
        contract_end=contract_end, funding=tuple(funding.split(";")),
    )


def candidate(
    iid: str, name: str, provider: str, sector: str, district_id: str, level: int,
    priority_id: str, outcomes: str, unit_cost: int, effect: float, evidence: str,
    funding: str, max_budget: int, *, min_viable: int = 0, mixed: bool = False,
) -> Initiative:
    return Initiative(
        initiative_id=iid, name=name, provider=provider, sector=sector,
        district_id=district_id, level=level, priority_id=priority_id,
        outcomes=tuple(outcomes.split(";")), status="candidate", current_budget=0,
        unit_cost=unit_cost, effect=effect, evidence_level=evidence, mixed_findings=mixed,
        min_budget=0, max_budget=max_budget, min_viable=min_viable, contract_end=None,
        funding=tuple(funding.split(";")),
    )


def county_initiatives() -> list[Initiative]:
    """County-wide existing services (district_id COUNTY)."""
    cw = "County Council"
    return [
        existing("SN-CTY-01", "School nursing (Healthy Child Programme 5-19)",
                 "NHS community health trust", "health", 1, "P2", "HEALTHY", 3600000, 70,
                 0.05, "2", "PH", 4300000, 2028, min_budget=3240000),
        existing("HV-CTY-01", "Health visiting universal-plus offer (0-5)",
                 "NHS community health trust", "health", 1, "P1", "HEALTHY;SAFE", 3400000,
                 160, 0.08, "2", "PH", 4100000, 2029, min_budget=3060000),
        existing("DRG-CTY-01", "Drug awareness assemblies (one-off talks)",
                 "Schools partnership", "schools", 1, "P2", "HEALTHY", 180000, 25, 0.02,
                 "NE", "PH;DSG", 200000, 2027),
        existing("ONL-CTY-01", "Online counselling and support for young people",
                 "Independent provider (digital)", "private", 2, "P2", "HEALTHY", 350000, 95,
                 0.08, "NL2", "ICB;PH", 600000, 2027),
        existing("PRV-CTY-01", "Youth crime awareness days (prison visits)",
                 "Lancashire Constabulary", "police", 2, "P2", "SAFE", 120000, 150, 0.05,
                 "NE", "PCC", 150000, 2026),
        existing("SAL-CTY-01", "Early years speech and language support",
                 "NHS community health trust", "health", 2, "P1", "ENJOY;HEALTHY", 900000,
                 600, 0.30, "2", "PH;ICB;LCC", 1400000, 2028),
        existing("YPH-CTY-01", "Young people's sexual health and substance misuse service",
                 "NHS community health trust", "health", 2, "P2", "HEALTHY;SAFE", 1200000,
                 450, 0.20, "2", "PH", 1500000, 2027),
        existing("NEET-CTY-01", "Re-engagement and employability support for 16-19s",
                 "Lancashire youth employment consortium", "voluntary", 2, "P2",
                 "ECON;CONTRIB", 700000, 1600, 0.18, "NL2", "LCC;SF", 900000, 2028),
        existing("DA-CTY-01", "Support for children affected by domestic abuse",
                 "Women's aid consortium", "voluntary", 3, "P3", "SAFE;HEALTHY", 600000,
                 1800, 0.30, "2", "PCC;LCC;SF", 900000, 2028),
        existing("FGC-CTY-01", "Family group conferencing", f"{cw} Children's Social Care",
                 "council", 3, "P3", "SAFE", 800000, 2200, 0.30, "2", "LCC;SF", 1300000,
                 None),
        existing("INC-CTY-01", "Inclusion outreach to prevent school exclusion",
                 "Pupil referral units partnership", "schools", 3, "P2", "ENJOY;CONTRIB",
                 1100000, 3000, 0.20, "NL2", "DSG", 1300000, 2029),
        existing("ATT-CTY-01", "Attendance and education welfare service (statutory)",
                 f"{cw} Education Services", "council", 3, "P2", "ENJOY", 1400000, 900,
                 0.15, "NL2", "DSG;LCC", 1600000, None, min_budget=1120000),
        existing("YJS-CTY-01", "Youth Justice Service (statutory)", f"{cw} Youth Justice "
                 "Service", "council", 4, "P2", "SAFE;CONTRIB", 3200000, 7500, 0.35, "2",
                 "LCC;PCC", 3500000, None, min_budget=3040000),
        existing("VS-CTY-01", "Virtual School for children in care (statutory)",
                 f"{cw} Education Services", "council", 4, "P1", "ENJOY;ECON", 1500000, 1900,
                 0.25, "2", "DSG;LCC", 1700000, None, min_budget=1350000),
        existing("RES-CTY-01", "Edge-of-care residential short breaks",
                 "Independent provider (spot purchase)", "private", 4, "P3", "SAFE", 1350000,
                 45000, 0.30, "NL2", "LCC;SF", 1500000, 2027, min_viable=500000),
    ]


def evidence_based_existing() -> list[Initiative]:
    """Existing district services that already run a rated programme."""
    return [
        existing("IY-LAN-01", "Incredible Years Preschool (BASIC) - Lancaster",
                 "County Council Children and Family Wellbeing Service", "council", 2, "P1",
                 "ENJOY;HEALTHY", 120000, 480, 0.35, "4", "LCC;SF;PH", 300000, None,
                 district_id="LAN"),
    ]


def candidate_initiatives(districts: Sequence[District]) -> list[Initiative]:
    """Evidence-based programmes that could be commissioned (see README for sources)."""
    by_id = {d.district_id: d for d in districts}

    def cap(did: str, per_weighted_child: float) -> int:
        d = by_id[did]
        return round_to(per_weighted_child * d.need_index * d.children, 10000)

    out: list[Initiative] = []
    # Incredible Years Preschool (BASIC): EIF 4 (published 4+), cost rating 2 (£100-£499).
    for did in HIGH_NEED:
        out.append(candidate(
            f"IY-{did}-01", f"Incredible Years Preschool (BASIC) - {by_id[did].name}",
            "Licensed Incredible Years provider", "voluntary", did, 2, "P1", "ENJOY;HEALTHY",
            480, 0.35, "4", "LCC;SF;PH", cap(did, 8.0)))
    out.append(candidate(
        "IY-CTY-01", "Incredible Years Preschool (BASIC) - county programme",
        "Licensed Incredible Years provider", "voluntary", COUNTY, 2, "P1", "ENJOY;HEALTHY",
        480, 0.35, "4", "LCC;SF;PH", 600000))
    # Level 4 Standard Triple P: EIF 3, cost rating 2 (£100-£499).
    for did in ("BUR", "PEN", "HYN", "PRE", "LAN", "WLA"):
        out.append(candidate(
            f"TPS-{did}-01", f"Level 4 Standard Triple P - {by_id[did].name}",
            "Accredited Triple P practitioners", "council", did, 2, "P3", "SAFE;HEALTHY",
            350, 0.30, "3", "LCC;SF;PH", cap(did, 5.5)))
    # Family Nurse Partnership: EIF 4+ (entered 4); about £3,200 a place a year.
    for did in ("BUR", "PRE"):
        out.append(candidate(
            f"FNP-{did}-01", f"Family Nurse Partnership - {by_id[did].name}",
            "NHS community health trust", "health", did, 2, "P1", "HEALTHY;SAFE", 3200, 0.30,
            "4", "PH;ICB", cap(did, 11.0), min_viable=250000))
    out.append(candidate(
        "FNP-CTY-01", "Family Nurse Partnership - rest of county",
        "NHS community health trust", "health", COUNTY, 2, "P1", "HEALTHY;SAFE", 3200, 0.30,
        "4", "PH;ICB", 960000, min_viable=320000))
    # Triple P system (population level): WSIPP B/C 7.48; no EIF rating recorded.
    out.append(candidate(
        "TPSYS-CTY-01", "Triple P system (universal seminars and brief advice)",
        "Accredited Triple P practitioners", "council", COUNTY, 1, "P1", "HEALTHY;SAFE", 120,
        0.05, "2", "PH;LCC", 600000))
    # Functional Family Therapy: EIF 3* (entered 3 with mixed findings).
    out.append(candidate(
        "FFT-CTY-01", "Functional Family Therapy", "Licensed FFT team (NHS and council)",
        "health", COUNTY, 3, "P2", "SAFE;CONTRIB", 3500, 0.35, "3", "LCC;SF;PCC", 1200000,
        min_viable=300000, mixed=True))
    # Multisystemic Therapy: EIF 4+ (entered 4); WSIPP net cost about $7,800.
    out.append(candidate(
        "MST-CTY-01", "Multisystemic Therapy", "Licensed MST team (council)", "council",
        COUNTY, 4, "P3", "SAFE;ENJOY", 8000, 0.45, "4", "LCC;SF;PCC", 1600000,
        min_viable=400000))
    out.append(candidate(
        "MST-PEN-01", "Multisystemic Therapy - Pendle and West Craven",
        "Licensed MST team (council)", "council", "PEN", 4, "P3", "SAFE;ENJOY", 8000, 0.45,
        "4", "LCC;SF;PCC", 640000, min_viable=320000))
    # Multidimensional Treatment Foster Care: WSIPP B/C 4.29; no EIF rating recorded.
    out.append(candidate(
        "MTFC-CTY-01", "Multidimensional Treatment Foster Care",
        "County Council Fostering Service", "council", COUNTY, 4, "P3", "SAFE;ENJOY", 9400,
        0.40, "2", "LCC;SF", 940000))
    # Dialectical Behaviour Therapy for adolescents: WSIPP B/C 32.59; no EIF rating recorded.
    out.append(candidate(
        "DBT-CTY-01", "Dialectical Behaviour Therapy for adolescents",
        "NHS mental health trust", "health", COUNTY, 3, "P2", "HEALTHY;SAFE", 1500, 0.30,
        "2", "ICB;LCC", 450000))
    return out


# fmt: on


# ---------------------------------------------------------------------------------------
# Budgets
# ---------------------------------------------------------------------------------------

# Share of an initiative's current budget attributed to its first (lead) funder; the rest
# is split evenly over its other funders. Only used to size the stream budgets.
LEAD_SHARE = 0.7
# Budget of each stream as a multiple of the current spend attributed to it, by year.
STREAM_TREND: dict[str, tuple[float, float, float]] = {
    "LCC": (1.010, 1.020, 1.030),
    "PH": (1.010, 1.020, 1.030),
    "ICB": (1.030, 1.050, 1.070),
    "PCC": (1.000, 1.000, 0.980),
    "SF": (1.040, 1.050, 1.050),
    "DSG": (1.000, 1.010, 1.020),
}


def attributed_spend(initiatives: Iterable[Initiative]) -> dict[str, float]:
    spend: dict[str, float] = defaultdict(float)
    for i in initiatives:
        if i.current_budget == 0:
            continue
        if len(i.funding) == 1:
            spend[i.funding[0]] += i.current_budget
            continue
        spend[i.funding[0]] += LEAD_SHARE * i.current_budget
        rest = (1 - LEAD_SHARE) * i.current_budget / (len(i.funding) - 1)
        for s in i.funding[1:]:
            spend[s] += rest
    return dict(spend)


def make_budgets(
    streams: Sequence[Stream], initiatives: Sequence[Initiative]
) -> dict[tuple[str, int], int]:
    spend = attributed_spend(initiatives)
    return {
        (s.stream_id, y): round_to(spend[s.stream_id] * STREAM_TREND[s.stream_id][k], 1000)
        for s in streams
        for k, y in enumerate(YEARS)
    }


# ---------------------------------------------------------------------------------------
# Cost library (costs.csv) and price index (prices.csv)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """One row of costs.csv: a late-intervention cost that a successful outcome avoids."""

    cost_id: str
    name: str
    level: int
    probability: float
    annual_cost: int
    years: int
    lag: int
    stream_id: str | None  # None: a payer outside the plan (courts, MoJ, DWP)
    cashable: float
    price_year: int
    source: str


# HM Treasury, "GDP deflators at market prices, and money GDP", December 2025 (Quarterly
# National Accounts) release, calendar-year series, 2024 = 100: outturn to 2024. The years
# after the release's outturn are this sample's assumption (see README), not OBR figures.
DEFLATOR_OUTTURN: dict[int, float] = {
    2004: 59.8584, 2005: 61.5718, 2006: 63.4682, 2007: 64.7322, 2008: 66.89,
    2009: 68.217, 2010: 69.1217, 2011: 70.834, 2012: 71.9294, 2013: 73.4795,
    2014: 74.6524, 2015: 75.1536, 2016: 76.4554, 2017: 77.6367, 2018: 79.1606,
    2019: 81.1085, 2020: 85.2137, 2021: 85.6358, 2022: 90.5005, 2023: 96.2507,
    2024: 100.0,
}  # fmt: skip
DEFLATOR_ASSUMED_GROWTH = 0.02  # a year, 2025 to the plan's start year


def price_index() -> dict[int, float]:
    """The deflator series written to prices.csv: outturn, then the assumed growth."""
    index = dict(DEFLATOR_OUTTURN)
    year = max(index)
    while year < YEARS[0]:
        index[year + 1] = round(index[year] * (1 + DEFLATOR_ASSUMED_GROWTH), 4)
        year += 1
    return index


# Share of the sample's children at each level of need: the demand shares of
# make_districts() at a need index of 1.0 (level 1: 80% of children, 2: 12%, 3: 4%, 4: 2%).
LEVEL_POPULATION: dict[int, float] = {1: 0.80, 2: 0.12, 3: 0.04, 4: 0.02}


@dataclass(frozen=True)
class Escalation:
    """How often children in England reach a late intervention in a year, and from where.

    `rate` is the national yearly rate per child (README: source of each); `from_level`
    is a judgement of the share of those children who were known at each level of need
    beforehand. The probability that a child at level l escalates in a year is then
    rate * from_level[l] / LEVEL_POPULATION[l].
    """

    rate: float
    from_level: dict[int, float]


ESCALATION: dict[str, Escalation] = {
    # About 32,000 children a year start to be looked after, of about 12 million.
    "care": Escalation(0.0027, {4: 0.70, 3: 0.22, 2: 0.08}),
    # About 53,000 children a year become the subject of a child protection plan.
    "plan": Escalation(0.0045, {4: 0.40, 3: 0.40, 2: 0.15, 1: 0.05}),
    # About 4% of children a year are seen by NHS children's mental health services.
    "camhs": Escalation(0.04, {4: 0.10, 3: 0.25, 2: 0.35, 1: 0.30}),
    # About 0.10% of pupils a year are permanently excluded.
    "exclusion": Escalation(0.0010, {4: 0.20, 3: 0.40, 2: 0.30, 1: 0.10}),
    # About 800 children in custody at any time, of about 13.5 million aged 0-19.
    "custody": Escalation(0.00006, {4: 0.70, 3: 0.30}),
}
# Placements of looked-after children: foster care about 72%, children's homes, secure
# units and semi-independent living about 13% (the rest, with parents or for adoption,
# are counted at £0).
PLACEMENT_SHARE: dict[str, float] = {"foster": 0.72, "residential": 0.13}
# Extra chance of being NEET, a judgement anchored on care leavers (about 39% NEET at
# 19-21) against all 19-21 year olds (about 13%): see README.
NEET_EXCESS: dict[int, float] = {4: 0.25, 3: 0.10, 2: 0.04, 1: 0.01}


def two_figures(x: float) -> float:
    """Round to two significant figures (probabilities are judgements, not measurements)."""
    return float(f"{x:.2g}")


def escalation(kind: str, level: int) -> float:
    """The yearly probability that a child at `level` reaches `kind` (0 if it does not)."""
    e = ESCALATION[kind]
    return e.rate * e.from_level.get(level, 0.0) / LEVEL_POPULATION[level]


BROMLEY = (
    "London Borough of Bromley, Children's Prevention and Early Intervention Strategy "
    "2015-2018 (Care Services PDS Committee, 23 Sep 2015), Appendix 3"
)
SRC_FOSTER = (
    "PSSRU, Unit Costs of Health and Social Care 2017, p. 86: foster care £646 per child "
    "per week (2016/17 prices), x 52"
)
SRC_RESIDENTIAL = (
    "DfE answer to written question 49075 (2016): a local authority children's home costs "
    "about £3,000 per resident week (year to March 2016), x 52"
)
SRC_PLAN = (
    "Judgement, not a published figure: about a sixteenth of a children's social worker's "
    "full yearly cost (about £65,000 with on-costs and overheads) plus conferences, 2024 "
    "prices; to be checked against the GMCA unit cost database"
)
SRC_CAMHS = (
    f"{BROMLEY}: children's mental health services £5,480 a year for two children, "
    "i.e. £2,740 a child"
)
SRC_EXCLUSION = (
    "A place in alternative provision, about £18,000 a pupil a year, as quoted by IPPR, "
    "Making the Difference (2017); figure and price year not checked here"
)
SRC_CUSTODY = (
    "House of Commons Public Accounts Committee, reported in Community Care, 15 Oct 2004: "
    "a young offender institution place about £50,800 a year"
)
SRC_NEET = (
    "Coles et al., Estimating the life-time cost of NEET: 16-18 year olds not in "
    "Education, Employment or Training (University of York for the Audit Commission, "
    "2010): public finance cost about £56,000 a young person over a lifetime, entered "
    "once; price year about 2008, not checked here"
)


def bromley_family() -> list[Cost]:
    """Bromley's Appendix 3 family (£99,258 a year), as five priced rows at level 3."""
    return [
        Cost("BROM-CARE", "Bromley family: social work leading to two children taken into "
             "care", 3, 0.03, 73306, 2, 1, "LCC", 0.7, 2015,
             f"{BROMLEY}: social worker leading potentially to the 2 children being taken "
             "into care, £73,306 a year"),
        Cost("BROM-DRUG", "Bromley family: drug and alcohol services for two adults", 3,
             0.30, 4992, 1, 1, "PH", 0.25, 2015,
             f"{BROMLEY}: drug and alcohol services for Mum and long-standing partner, "
             "£4,992 a year"),
        Cost("BROM-AMH", "Bromley family: adult mental health services for two adults", 3,
             0.25, 5480, 1, 1, "ICB", 0.1, 2015,
             f"{BROMLEY}: adult mental health services for both Mum and partner, £5,480 a "
             "year"),
        Cost("BROM-CMH", "Bromley family: children's mental health services for two "
             "children", 3, 0.25, 5480, 1, 1, "ICB", 0.1, 2015,
             f"{BROMLEY}: children's mental health services for both children, £5,480 a "
             "year"),
        Cost("BROM-ASB", "Bromley family: prosecution for anti-social behaviour", 3, 0.20,
             10000, 1, 1, None, 0.0, 2015,
             f"{BROMLEY}: ASB prosecution, up to £10,000"),
    ]  # fmt: skip


def unit_cost_rows() -> list[Cost]:
    """Late-intervention costs by level, from published unit costs and national rates.

    Level 3's care and mental health costs come from Bromley's family instead, so that no
    cost is counted twice at one level.
    """
    rows: list[Cost] = []
    for level in (4, 3, 2, 1):
        care = escalation("care", level) if level != 3 else 0.0
        for kind, name, cost, year, cashable, source in (
            ("foster", "Child taken into care (foster placement)", 33592, 2016, 0.6,
             SRC_FOSTER),
            ("residential", "Child taken into care (children's home)", 156000, 2015, 0.9,
             SRC_RESIDENTIAL),
        ):  # fmt: skip
            p = two_figures(care * PLACEMENT_SHARE[kind])
            if p > 0:
                cid = f"{'FOSTER' if kind == 'foster' else 'RESID'}-{level}"
                rows.append(Cost(cid, name, level, p, cost, 2, 1, "LCC", cashable, year, source))
        plan = two_figures(escalation("plan", level))
        if plan > 0:
            rows.append(Cost(f"CPP-{level}", "Child protection plan", level, plan, 5000, 1, 1,
                             "LCC", 0.2, 2024, SRC_PLAN))  # fmt: skip
        camhs = two_figures(escalation("camhs", level)) if level != 3 else 0.0
        if camhs > 0:
            rows.append(Cost(f"CAMHS-{level}", "Specialist children's mental health "
                             "services (CAMHS)", level, camhs, 2740, 1, 1, "ICB", 0.1, 2015,
                             SRC_CAMHS))  # fmt: skip
        excl = two_figures(escalation("exclusion", level))
        if excl > 0:
            rows.append(Cost(f"EXCL-{level}", "Permanent exclusion from school (alternative "
                             "provision place)", level, excl, 18000, 2, 1, "DSG", 0.5, 2016,
                             SRC_EXCLUSION))  # fmt: skip
        custody = two_figures(escalation("custody", level))
        if custody > 0:
            rows.append(Cost(f"CUSTODY-{level}", "Custodial sentence (young offender "
                             "institution place)", level, custody, 50800, 1, 1, None, 0.0,
                             2004, SRC_CUSTODY))  # fmt: skip
        rows.append(Cost(f"NEET-{level}", "Not in education, employment or training at 16-18 "
                         "(life-time public finance cost)", level, NEET_EXCESS[level], 56000,
                         1, 5, None, 0.0, 2008, SRC_NEET))  # fmt: skip
    return rows


def make_costs() -> list[Cost]:
    return bromley_family() + unit_cost_rows()


def present_value(c: Cost, index: dict[int, float]) -> float:
    """PV(c) of model.md section 3, in start-year prices."""
    uprate = index[YEARS[0]] / index[c.price_year]
    discount = sum((1 + DISCOUNT_RATE) ** -k for k in range(c.lag, c.lag + c.years))
    return c.probability * c.annual_cost * uprate * discount


def outcome_value(costs: Sequence[Cost], index: dict[int, float]) -> dict[int, float]:
    """V(l): the £ of late-intervention cost one outcome at level l avoids."""
    return {lev: sum(present_value(c, index) for c in costs if c.level == lev) for lev in LEVELS}


def build() -> SampleData:
    rng = random.Random(SEED)
    districts = make_districts()
    streams = make_streams()
    initiatives = (
        district_initiatives(rng, districts)
        + evidence_based_existing()
        + county_initiatives()
        + candidate_initiatives(districts)
    )
    return SampleData(
        districts=districts,
        streams=streams,
        budgets=make_budgets(streams, initiatives),
        priorities=make_priorities(),
        outcomes=make_outcomes(),
        initiatives=initiatives,
        costs=make_costs(),
        prices=price_index(),
    )


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def evidence_multiplier(i: Initiative) -> float:
    m = EVIDENCE_MULTIPLIER[i.evidence_level]
    return m * MIXED_FINDINGS_FACTOR if i.mixed_findings else m


def benefit_cost_ratio(i: Initiative, data: SampleData) -> float:
    """£ of late-intervention cost avoided per £1 spent on i (model.md section 3)."""
    value = outcome_value(data.costs, data.prices)[i.level]
    return evidence_multiplier(i) * i.effect * value / i.unit_cost


def check_load_rules(data: SampleData) -> list[str]:
    """The toolkit's own load-time checks (model.md sections 1 and 2) on the files as they
    would be written, read from memory, so the sample passes exactly the rules every data
    folder must; then the few the sample holds itself to beyond them."""
    files = {n: t.encode("utf-8") for n, t in tables(data).items() if n.endswith(".csv")}
    checked = validate_tables(read_tables(files, label="data/sample"))
    raw = parse_yaml(scenario_yaml(), "scenario.yaml")
    found = [*checked.errors, *raw.problems]
    if raw.values is not None:
        found += check_scenario(raw.values, checked.references, raw.file, raw.lines).errors
    errors = [str(p) for p in found]

    for d in data.districts:
        if not d.demand[0] > d.demand[1] > d.demand[2] > d.demand[3]:
            errors.append(f"districts: {d.district_id} demand should fall with level")
        if not any(i.district_id == d.district_id for i in data.initiatives):
            errors.append(f"districts: {d.district_id} has no initiative of its own")
    for i in data.initiatives:
        if i.status == "existing" and i.current_budget <= 0:
            errors.append(f"initiatives: {i.initiative_id}: an existing service should be funded")
    by_id = {i.initiative_id: i for i in data.initiatives}
    for iid in EXCLUDE:
        if iid in by_id and by_id[iid].min_budget > 0:
            errors.append(f"scenario: excluded {iid} has min_budget > 0")
    return errors


def check_costs(data: SampleData) -> list[str]:
    """The costs.csv and prices.csv rules of model.md section 1, and Bromley's total."""
    errors: list[str] = []
    stream_ids = {s.stream_id for s in data.streams}
    for k, n in _counts([c.cost_id for c in data.costs]).items():
        if n > 1:
            errors.append(f"costs: id {k!r} repeated {n} times")
    for c in data.costs:
        where = f"costs: {c.cost_id}"
        if c.level not in LEVELS:
            errors.append(f"{where}: level {c.level}")
        if not 0 < c.probability <= 1:
            errors.append(f"{where}: probability {c.probability} not in (0, 1]")
        if c.annual_cost <= 0 or c.years < 1 or c.lag < 0:
            errors.append(f"{where}: annual_cost, years or lag out of range")
        if c.stream_id is not None and c.stream_id not in stream_ids:
            errors.append(f"{where}: unknown stream {c.stream_id}")
        if not 0 <= c.cashable <= 1 or (c.stream_id is None and c.cashable != 0):
            errors.append(f"{where}: cashable {c.cashable} (0 without a stream)")
        if c.price_year not in data.prices:
            errors.append(f"{where}: no price index for {c.price_year}")
        if not c.source.strip():
            errors.append(f"{where}: blank source")
    if YEARS[0] not in data.prices or min(data.prices.values()) <= 0:
        errors.append("prices: no positive index for the start year")
    for lev in LEVELS:
        if not any(c.level == lev for c in data.costs):
            errors.append(f"costs: no cost at level {lev}")
    bromley = sum(c.annual_cost for c in data.costs if c.cost_id.startswith("BROM-"))
    if bromley != 99258:
        errors.append(f"costs: Bromley's family adds up to £{bromley:,}, not £99,258")
    return errors


def _counts(items: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for x in items:
        counts[x] += 1
    return counts


def reachable(i: Initiative, year_index: int) -> float:
    """Most i can have in planning year `year_index` (0-based) under capacity and growth."""
    x = float(i.current_budget)
    for _ in range(year_index + 1):
        x = min(
            float(i.max_budget),
            (1 + MAX_GROWTH) * x + max(RAMP * i.max_budget, i.min_viable),
        )
    return x


def floor_in(i: Initiative, year: int) -> float:
    if i.initiative_id in LOCK:
        return float(i.current_budget)
    if i.initiative_id in EXCLUDE and (i.contract_end is None or year > i.contract_end):
        return 0.0
    return float(i.floor(year))


def ceiling_in(i: Initiative, year_index: int) -> float:
    year = YEARS[year_index]
    if i.initiative_id in LOCK:
        return float(i.current_budget)
    if i.initiative_id in EXCLUDE and (i.contract_end is None or year > i.contract_end):
        return 0.0
    if EVIDENCE_MULTIPLIER[i.evidence_level] == 0:
        return float(i.floor(year))
    return reachable(i, year_index)


def max_spend_under_demand(
    group: Sequence[Initiative], caps: Sequence[float], demand: float
) -> float:
    """Most money a (district, level) group can take when sum X/unit_cost <= demand."""
    left = demand
    total = 0.0
    for i, c in sorted(zip(group, caps, strict=True), key=lambda t: -t[0].unit_cost):
        take = min(c, left * i.unit_cost)
        total += take
        left -= take / i.unit_cost
    return total


def check_feasibility(data: SampleData) -> list[str]:
    """Simple necessary conditions for the default scenario, with margins."""
    errors: list[str] = []
    inits = data.initiatives
    districts = {d.district_id: d for d in data.districts}
    current_total = sum(i.current_budget for i in inits)

    # Total budget: 100-105% of current spend, so the plan must reallocate.
    for y in YEARS:
        total = sum(data.budgets[(s.stream_id, y)] for s in data.streams)
        ratio = total / current_total
        if not TOTAL_BUDGET_RANGE[0] <= ratio <= TOTAL_BUDGET_RANGE[1]:
            errors.append(f"budget {y}: total is {ratio:.3f} x current spend")

    # Envelope (Hall's condition): for every set of streams, the floors of initiatives that
    # only those streams can fund must fit in their budget, with headroom.
    stream_ids = [s.stream_id for s in data.streams]
    for y in YEARS:
        floors = [(set(i.funding), floor_in(i, y)) for i in inits]
        for r in range(1, len(stream_ids) + 1):
            for subset in itertools.combinations(stream_ids, r):
                sub = set(subset)
                need = sum(f for fund, f in floors if fund <= sub)
                have = sum(data.budgets[(s, y)] for s in sub)
                if need > ENVELOPE_HEADROOM * have:
                    errors.append(
                        f"envelope {y}: floors fundable only by {sorted(sub)} are £{need:,.0f}"
                        f" against £{have:,.0f}"
                    )

    # Demand caps: current participants well below demand, per district and level and
    # for the county as a whole.
    for d in data.districts:
        for lev in LEVELS:
            here = [i for i in inits if i.district_id == d.district_id and i.level == lev]
            used = sum(i.current_budget / i.unit_cost for i in here)
            if used > DEMAND_USE_MAX * d.demand[lev - 1]:
                errors.append(
                    f"demand {d.district_id} level {lev}: {used:,.0f} participants now "
                    f"against demand {d.demand[lev - 1]:,}"
                )
            floor_use = max(
                (sum(floor_in(i, y) / i.unit_cost for i in here) for y in YEARS), default=0.0
            )
            if floor_use > d.demand[lev - 1]:
                errors.append(f"demand {d.district_id} level {lev}: floors exceed demand")
    for lev in LEVELS:
        used = sum(i.current_budget / i.unit_cost for i in inits if i.level == lev)
        demand = sum(d.demand[lev - 1] for d in data.districts)
        if used > DEMAND_USE_MAX * demand:
            errors.append(f"demand COUNTY level {lev}: {used:,.0f} participants of {demand:,}")

    # Prevention share: floors at levels 3-4 must leave room, and levels 1-2 must be able
    # to absorb the prevention share of the whole budget.
    for k, y in enumerate(YEARS):
        share = PREVENTION_SHARE[k]
        floor34 = sum(floor_in(i, y) for i in inits if i.level >= 3)
        cap12 = 0.0
        for key in sorted({(i.district_id, i.level) for i in inits if i.level <= 2}):
            group = [i for i in inits if (i.district_id, i.level) == key]
            caps = [ceiling_in(i, k) for i in group]
            if key[0] == COUNTY:
                cap12 += sum(caps)
            else:
                cap12 += max_spend_under_demand(group, caps, districts[key[0]].demand[key[1] - 1])
        budget = sum(data.budgets[(s.stream_id, y)] for s in data.streams)
        if cap12 < 1.05 * share / (1 - share) * floor34:
            errors.append(f"prevention {y}: level 1-2 capacity too small for level 3-4 floors")
        if cap12 < 1.05 * share * budget:
            errors.append(
                f"prevention {y}: level 1-2 capacity £{cap12:,.0f} cannot take {share:.0%} of "
                f"the budget £{budget:,.0f}"
            )
        current12 = sum(i.current_budget for i in inits if i.level <= 2)
        if share <= current12 / current_total:
            errors.append(f"prevention {y}: share {share} does not exceed today's share")

    # District rule: current spend and capacity roughly proportional to need x children.
    weights = {d.district_id: d.need_index * d.children for d in data.districts}
    total_weight = sum(weights.values())
    current_td = sum(i.current_budget for i in inits if i.district_id != COUNTY)
    max_td = sum(i.max_budget for i in inits if i.district_id != COUNTY)
    for did, w in weights.items():
        share_d = w / total_weight
        now = sum(i.current_budget for i in inits if i.district_id == did) / current_td
        cap = sum(i.max_budget for i in inits if i.district_id == did) / max_td
        if not 0.8 * share_d <= now <= 1.25 * share_d:
            errors.append(f"district {did}: current share {now:.3f} against fair {share_d:.3f}")
        if cap < 1.1 * DISTRICT_FLOOR * share_d:
            errors.append(f"district {did}: capacity share {cap:.3f} against fair {share_d:.3f}")

    # Priority minimum shares: met today with margin, and floors do not crowd them out.
    for p in data.priorities:
        now = sum(i.current_budget for i in inits if i.priority_id == p.priority_id)
        if now < 1.3 * p.min_share * current_total:
            errors.append(f"priority {p.priority_id}: only {now / current_total:.2f} today")

    # Each lock is consistent with its rules; each excluded service can be let go.
    by_id = {i.initiative_id: i for i in inits}
    for iid in LOCK:
        i = by_id[iid]
        if not i.min_budget <= i.current_budget <= i.max_budget:
            errors.append(f"lock {iid}: current budget outside [min_budget, max_budget]")
    for iid in EXCLUDE:
        i = by_id[iid]
        if i.contract_end is None or i.contract_end >= YEARS[-1]:
            errors.append(f"exclude {iid}: its contract should end within the plan")
    return errors


def check_content(data: SampleData) -> list[str]:
    """The shape the sample is meant to have (counts and deliberate features)."""
    errors: list[str] = []
    inits = data.initiatives
    if len(data.districts) != 12:
        errors.append("content: 12 districts expected")
    if not 150 <= len(inits) <= 250:
        errors.append(f"content: {len(inits)} initiatives, 150-250 expected")
    for lev in LEVELS:
        if not any(i.level == lev for i in inits):
            errors.append(f"content: no initiative at level {lev}")
    if not any(i.district_id == COUNTY for i in inits):
        errors.append("content: no county-wide initiative")
    ends = {i.contract_end for i in inits if i.status == "existing"}
    for want in (2026, 2027, 2028, 2029, None):
        if want not in ends:
            errors.append(f"content: no contract ending {want}")
    n_viable = sum(1 for i in inits if i.min_viable > 0)
    if not 5 <= n_viable <= 10:
        errors.append(f"content: {n_viable} initiatives with min_viable (5-10 expected)")
    if not any(i.evidence_level == "NE" for i in inits):
        errors.append("content: no NE service")
    if sum(1 for i in inits if i.mixed_findings) < 3:
        errors.append("content: fewer than 3 services with mixed findings")
    if not any(i.min_budget > 0 and i.level >= 3 for i in inits):
        errors.append("content: no statutory floor at levels 3-4")
    cands = [i for i in inits if i.status == "candidate"]
    if not any(c.district_id == COUNTY for c in cands) or not any(
        c.district_id in HIGH_NEED for c in cands
    ):
        errors.append("content: candidates should be both county-wide and in high-need areas")
    free_weak = [
        i
        for i in inits
        if i.status == "existing"
        and i.evidence_level in ("NL2", "NE")
        and i.min_budget == 0
        and i.contract_end is not None
        and 2026 <= i.contract_end <= 2028
    ]
    if len(free_weak) < 10:
        errors.append("content: too few weak services free to be decommissioned")
    return errors


def check(data: SampleData) -> None:
    problems = (
        check_load_rules(data)
        + check_costs(data)
        + check_feasibility(data)
        + check_content(data)
        + check_indicators()
    )
    if problems:
        raise CheckFailed("sample data fails its checks:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------------
# Indicator baselines (indicators.csv): one value for the county and each district
# ---------------------------------------------------------------------------------------

BASELINE_YEAR = 2025
"""The year the baselines are for (2025-26): the latest a plan starting in 2027 would have."""


@dataclass(frozen=True)
class Indicator:
    """An indicator of specs/indicators.yaml and how its illustrative baseline is made."""

    indicator_id: str
    name: str
    """Its name in specs/indicators.yaml (how the two are matched until the library has ids)."""
    level: float
    """A plausible county figure, in the indicator's unit."""
    need: float
    """How the figure moves with a district's need index: figure x need_index ** need."""
    decimals: int
    series: str
    """The published series (or the record) a real baseline would come from."""


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "HEALTHY-SDQ",
        "Emotional wellbeing improved",
        58.0,
        -0.1,
        1,
        "providers' quarterly returns (SDQ at entry and exit)",
    ),
    Indicator(
        "HEALTHY-INJURY-ADMISSIONS",
        "Hospital admissions for injuries in children",
        95.0,
        0.4,
        1,
        "OHID Fingertips, Public Health Outcomes Framework, hospital admissions caused by "
        "unintentional and deliberate injuries in children aged 0-14",
    ),
    Indicator(
        "HEALTHY-BREASTFEEDING",
        "Breastfeeding at 6-8 weeks",
        42.0,
        -0.4,
        1,
        "OHID Fingertips, Public Health Outcomes Framework, breastfeeding prevalence at "
        "6-8 weeks after birth",
    ),
    Indicator(
        "SAFE-EH-CLOSED-MET",
        "Early help plans closed with needs met",
        68.0,
        -0.1,
        1,
        "the council's early help case management system",
    ),
    Indicator(
        "SAFE-REREFERRALS",
        "Re-referrals to children's social care",
        21.0,
        0.2,
        1,
        "DfE, Characteristics of children in need (re-referrals within 12 months)",
    ),
    Indicator(
        "SAFE-CP-PLANS",
        "Children becoming subject to a child protection plan",
        48.0,
        0.6,
        1,
        "DfE, Characteristics of children in need (child protection plans starting, "
        "per 10,000 children)",
    ),
    Indicator(
        "ENJOY-GLD",
        "Good level of development at age 5",
        66.0,
        -0.15,
        1,
        "DfE, Early years foundation stage profile results",
    ),
    Indicator(
        "ENJOY-PERSISTENT-ABSENCE",
        "Persistent absence",
        20.0,
        0.4,
        1,
        "DfE, Pupil absence in schools in England",
    ),
    Indicator(
        "ENJOY-SUSPENSIONS",
        "Suspensions",
        9.5,
        0.5,
        1,
        "DfE, Suspensions and permanent exclusions in England",
    ),
    Indicator(
        "CONTRIB-FIRST-TIME-ENTRANTS",
        "First-time entrants to the youth justice system",
        160.0,
        0.6,
        0,
        "MoJ and Youth Justice Board, Youth justice statistics (first-time entrants)",
    ),
    Indicator(
        "CONTRIB-YOUNG-PEOPLE-INVOLVED",
        "Young people involved in shaping services",
        25.0,
        0.0,
        1,
        "providers' quarterly returns",
    ),
    Indicator(
        "ECON-NEET",
        "Young people not in education, employment or training",
        5.5,
        0.5,
        1,
        "DfE, Participation in education, training and NEET age 16 to 17 by local authority",
    ),
    Indicator(
        "ECON-FAMILIES-INTO-WORK",
        "Families moving into work",
        12.0,
        -0.2,
        1,
        "Supporting Families outcome claims",
    ),
    Indicator(
        "ECON-LOW-INCOME",
        "Children in low-income families",
        20.0,
        0.7,
        1,
        "DWP, Children in low income families: local area statistics (relative low income)",
    ),
)


def indicator_rows(districts: Sequence[District]) -> list[dict[str, object]]:
    """A baseline for every indicator, for the county and each district.

    All ILLUSTRATIVE: a plausible county figure, higher or lower in each district with its
    need index (worse where need is higher), and the county's figure the children-weighted
    average of its districts'. The source names the series a real baseline comes from.
    """
    rows: list[dict[str, object]] = []
    children = sum(d.children for d in districts)
    for ind in INDICATORS:
        source = f"Illustrative: invented for the sample; the real figure is in {ind.series}"
        by_district = {d.district_id: ind.level * d.need_index**ind.need for d in districts}
        county = sum(by_district[d.district_id] * d.children for d in districts) / children
        for area, value in ((COUNTY, county), *by_district.items()):
            figure = round(value, ind.decimals)
            rows.append(
                {
                    "indicator_id": ind.indicator_id,
                    "district_id": area,
                    "year": BASELINE_YEAR,
                    "value": int(figure) if ind.decimals == 0 else f"{figure:.{ind.decimals}f}",
                    "source": source,
                }
            )
    return rows


def check_indicators() -> list[str]:
    """Every indicator of specs/indicators.yaml has a baseline here, and no other; when the
    library gives an indicator an id, it is the id used here."""
    path = Path(__file__).resolve().parent.parent / "specs" / "indicators.yaml"
    library = load_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(library, dict)
    ours = {ind.name: ind for ind in INDICATORS}
    named: set[str] = set()
    problems = []
    for outcome, entries in (library.get("outcomes") or {}).items():
        for entry in entries:
            ind = ours.get(entry["name"])
            named.add(entry["name"])
            if ind is None:
                problems.append(f"indicator '{entry['name']}' ({outcome}) has no baseline")
            elif not ind.indicator_id.startswith(f"{outcome}-"):
                problems.append(f"{ind.indicator_id} does not start with its outcome {outcome}")
            elif entry.get("id", ind.indicator_id) != ind.indicator_id:
                problems.append(f"{entry['name']}: the library's id is {entry['id']}")
    problems += [f"baseline for '{n}', which is not in the library" for n in ours if n not in named]
    return problems


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def fmt(x: object) -> str:
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return f"{x:g}"
    if isinstance(x, tuple):
        return ";".join(str(v) for v in x)
    return str(x)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([fmt(v) for v in row])
    return buf.getvalue()


def table_csv(table: Table, rows: Sequence[dict[str, object]]) -> str:
    """A table with the schema's columns in the schema's order: every required column, and
    each optional one that some row fills."""
    names = set(table.names)
    for row in rows:
        unknown = set(row) - names
        if unknown:
            raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    filled = {k for row in rows for k in row}
    header = [c.name for c in table.columns if c.required or c.name in filled]
    return csv_text(header, ([row.get(name, "") for name in header] for row in rows))


def tables(data: SampleData) -> dict[str, str]:
    def money(x: int) -> int | str:
        return x if x else ""

    return {
        "districts.csv": table_csv(
            SCHEMA["districts"],
            [
                {
                    "district_id": d.district_id,
                    "name": d.name,
                    "locality": d.locality,
                    "children": d.children,
                    "need_index": f"{d.need_index:.2f}",
                    **{f"demand_{k + 1}": x for k, x in enumerate(d.demand)},
                }
                for d in data.districts
            ],
        ),
        "funding_streams.csv": table_csv(
            SCHEMA["funding_streams"], [dataclasses.asdict(s) for s in data.streams]
        ),
        "budgets.csv": table_csv(
            SCHEMA["budgets"],
            [
                {"stream_id": s.stream_id, "year": y, "amount": data.budgets[(s.stream_id, y)]}
                for s in data.streams
                for y in YEARS
            ],
        ),
        "priorities.csv": table_csv(
            SCHEMA["priorities"], [dataclasses.asdict(p) for p in data.priorities]
        ),
        "outcomes.csv": table_csv(
            SCHEMA["outcomes"], [dataclasses.asdict(o) for o in data.outcomes]
        ),
        "initiatives.csv": table_csv(
            SCHEMA["initiatives"],
            [
                dataclasses.asdict(i)
                | {
                    "outcomes": i.outcomes,
                    "funding": i.funding,
                    "effect": f"{i.effect:.2f}",
                    "min_budget": money(i.min_budget),
                    "min_viable": money(i.min_viable),
                }
                for i in data.initiatives
            ],
        ),
        "costs.csv": table_csv(SCHEMA["costs"], [dataclasses.asdict(c) for c in data.costs]),
        "prices.csv": table_csv(
            SCHEMA["prices"],
            [{"year": y, "index": str(v)} for y, v in sorted(data.prices.items())],
        ),
        "indicators.csv": table_csv(SCHEMA["indicators"], indicator_rows(data.districts)),
        "scenario.yaml": scenario_yaml(),
    }


def scenario_yaml() -> str:
    def seq(xs: Iterable[object]) -> str:
        return "[" + ", ".join(str(x) for x in xs) + "]"

    evidence = ", ".join(f'"{k}": {v}' for k, v in EVIDENCE_MULTIPLIER.items())
    return f"""\
# ILLUSTRATIVE sample scenario for the sample data in this folder (plausible figures for
# the twelve Lancashire districts, not real council figures). Generated by
# scripts/make_sample_data.py: edit the generator, not this file. See README.md.
#
# The value of an outcome at each level of need is not set here: it comes, in pounds, from
# the cost library costs.csv (the late-intervention costs an outcome avoids) and the price
# index prices.csv. README.md gives every figure's source and the reasoning.
name: {SCENARIO_NAME}
description: >-
  Shift money from crisis (levels 3-4) towards prevention and early help (levels 1-2),
  decommission what the evidence does not support, and commission evidence-based
  programmes, keeping each district within 80% of its need-weighted fair share.
start_year: {YEARS[0]}
horizon: {len(YEARS)}
prevention_share: {seq(PREVENTION_SHARE)}
max_growth: {MAX_GROWTH}
ramp: {RAMP}
district_floor: {DISTRICT_FLOOR}
evidence_multiplier: {{{evidence}}}
mixed_findings_factor: {MIXED_FINDINGS_FACTOR}
priority_weights: {{}}
# The statutory Youth Justice Service is held at its current budget.
lock: {seq(LOCK)}
# Not renewed when their contracts end: prison-visit awareness days (found not effective)
# and spot-purchased residential short breaks (no robust evidence).
exclude: {seq(EXCLUDE)}
# HM Treasury Green Book discount rate for the late-intervention costs avoided.
discount_rate: {DISCOUNT_RATE}
# Half of the cashable savings go back to the partner's prevention budget the next year;
# the other half is kept to meet the partner's own pressures (README.md).
reinvest: {REINVEST}
"""


def summary(data: SampleData) -> str:
    inits = data.initiatives
    current = sum(i.current_budget for i in inits)
    lines = [
        f"districts: {len(data.districts)}; streams: {len(data.streams)}; "
        f"initiatives: {len(inits)}",
    ]
    for status in ("existing", "candidate"):
        by_level = [
            sum(1 for i in inits if i.status == status and i.level == lev) for lev in LEVELS
        ]
        lines.append(f"  {status}: {sum(by_level)} (levels 1-4: {by_level})")
    lines.append(f"current spend: £{current:,}")
    for lev in LEVELS:
        s = sum(i.current_budget for i in inits if i.level == lev)
        lines.append(f"  level {lev}: £{s:,} ({s / current:.1%})")
    share12 = sum(i.current_budget for i in inits if i.level <= 2) / current
    lines.append(f"today's share at levels 1-2: {share12:.1%}")
    for y in YEARS:
        total = sum(data.budgets[(s.stream_id, y)] for s in data.streams)
        lines.append(f"budget {y}: £{total:,} ({total / current:.1%} of current spend)")
    bromley = [c for c in data.costs if c.cost_id.startswith("BROM-")]
    uprate = data.prices[YEARS[0]] / data.prices[2015]
    total = sum(c.annual_cost for c in bromley)
    lines.append(
        f"cost library: {len(data.costs)} costs; Bromley's family £{total:,} a year in 2015 "
        f"prices (£{total * uprate:,.0f} in {YEARS[0]} prices)"
    )
    value = outcome_value(data.costs, data.prices)
    for lev in LEVELS:
        ratios = sorted(
            (benefit_cost_ratio(i, data), i.initiative_id) for i in inits if i.level == lev
        )
        lines.append(
            f"  level {lev}: an outcome avoids £{value[lev]:,.0f}; £1 avoids "
            f"£{ratios[0][0]:.2f} ({ratios[0][1]}) to £{ratios[-1][0]:.2f} ({ratios[-1][1]})"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Providers' returns (returns.csv): made from the plan the toolkit proposes for this data
# ---------------------------------------------------------------------------------------

RETURNS_QUARTERS: tuple[int, ...] = (1, 2)
UNDER_DELIVERING = 3  # services recruiting well below plan
SLIPPING = 2  # services recruiting a little below plan
WEAK_OUTCOMES = 2  # services recruiting to plan whose participants achieve less than hoped
NOTE = "Illustrative return."
UNDER_NOTES = (
    "Illustrative return. Two practitioner posts vacant since the spring; recruitment under way.",
    "Illustrative return. Referrals from schools slower than planned; new referral route agreed.",
    "Illustrative return. Venue closed for repairs for six weeks; sessions moved online.",
)
SLIPPING_NOTES = (
    "Illustrative return. Fewer families took up places over the summer holidays.",
    "Illustrative return. One group cancelled for staff sickness; places offered next term.",
)
WEAK_NOTES = (
    "Illustrative return. Families joining with higher needs than the programme is designed for.",
    "Illustrative return. Fidelity review found sessions shortened; the provider is retraining.",
)


def returns_csv(folder: Path) -> str:
    """Illustrative returns for the first two quarters of the plan's first year.

    Made from the plan that `commissioning allocate` proposes for the data in `folder` (so
    they follow the sample when it changes): most funded services report close to plan, a
    few recruit below it, two achieve fewer outcomes than their effect promises, and one
    sends no return at all. Services on plan are rounded up, so only those chosen miss it.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from commissioning.allocator import allocate
    from commissioning.inputs import load
    from commissioning.inputs.returns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    inputs = load(folder)
    result = allocate(inputs)
    year = inputs.scenario.start_year
    rng = random.Random(SEED + 15)
    funded = [
        (inputs.data.initiative(r.initiative_id), r.proposed[year])
        for r in sorted(result.initiatives, key=lambda r: r.initiative_id)
        if r.proposed.get(year, 0.0) >= 1000
    ]
    # District services only: they are what the district sub-groups read about.
    local = [k for k, (i, _) in enumerate(funded) if i.district_id != COUNTY]
    picked = rng.sample(local, UNDER_DELIVERING + SLIPPING + WEAK_OUTCOMES + 1)
    under = dict(zip(picked[:UNDER_DELIVERING], UNDER_NOTES, strict=True))
    slipping = dict(zip(picked[UNDER_DELIVERING:-3], SLIPPING_NOTES, strict=True))
    weak = dict(zip(picked[-3:-1], WEAK_NOTES, strict=True))
    silent = picked[-1]
    rows: list[list[object]] = []
    for k, (i, proposed) in enumerate(funded):
        if k == silent:
            continue
        for q in RETURNS_QUARTERS:
            delivery = (
                rng.uniform(0.62, 0.74)
                if k in under
                else rng.uniform(0.84, 0.9)
                if k in slipping
                else rng.uniform(1.0, 1.06)
            )
            success = rng.uniform(0.45, 0.65) if k in weak else rng.uniform(1.0, 1.08)
            spend = round_to(proposed / 4 * rng.uniform(0.97, 1.03), 10)
            participants = math.floor(proposed / i.unit_cost / 4 * delivery)
            if k not in under and k not in slipping:
                participants = math.ceil(proposed / i.unit_cost / 4 * delivery)
            expected = participants * i.effect * success
            outcomes = min(math.floor(expected) if k in weak else math.ceil(expected), participants)
            note = under.get(k) or slipping.get(k) or weak.get(k) or NOTE
            rows.append([i.initiative_id, year, q, spend, participants, outcomes, note])
    return csv_text((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS), rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "sample"
    )
    parser.add_argument("--check-only", action="store_true", help="check, write nothing")
    parser.add_argument(
        "--returns-only", action="store_true", help="write only returns.csv, from the data there"
    )
    args = parser.parse_args(argv)
    if args.returns_only:
        (args.out / "returns.csv").write_text(returns_csv(args.out), encoding="utf-8")
        return 0
    data = build()
    try:
        check(data)
    except CheckFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    if not args.check_only:
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        for name, text in tables(data).items():
            (out / name).write_text(text, encoding="utf-8")
        (out / "returns.csv").write_text(returns_csv(out), encoding="utf-8")
    print(summary(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
