"""The data tables, declared once: every column's name, type, range, default and meaning.

Everything that handles a table's columns derives from here: reading (which tables and
columns a folder must or may have, and in what order they are written), the checks of
each cell and the messages they give, the typed objects built from a row, the plan's
fingerprint, the snapshot kept with a plan, the sample builder and the data reference
page (docs/data-reference.md). A new column is one more `Column` in one table, not seven
edits in seven modules. Rules between tables (an unknown id, a budget for every year)
stay in code, but take their column names from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from commissioning.inputs.model import (
    COUNTY,
    EVIDENCE_LEVELS,
    LEVELS,
    SECTORS,
    STATUSES,
    Budget,
    Cost,
    District,
    FundingStream,
    IndicatorValue,
    Initiative,
    Outcome,
    Priority,
)

YEARS = (1900, 2200)
"""Plausible calendar years: catches a year written as 27 or 20277."""

Kind = Literal["id", "text", "integer", "number", "boolean", "choice", "evidence", "ids"]
"""How a cell is read: a short code, free text, a whole number, a number, true/false, one
of a fixed list, an evidence level, or codes separated by ';'."""

Fingerprinted = Literal["yes", "no", "ranges"]
"""Whether a column counts in the plan's fingerprint: with its row, not at all, or in the
fingerprint's list of plausible ranges (kept apart so data without ranges kept its hash)."""


@dataclass(frozen=True)
class Column:
    """One column of a table, as the person filling it in and the code reading it see it."""

    name: str
    kind: Kind
    description: str
    required: bool = True
    """The column must be in the table (a blank cell may still take `default`)."""
    blank: Literal["error", "default"] = "error"
    """What a blank cell means: a problem, or the default."""
    default: object = None
    minimum: float | None = None
    above: float | None = None
    maximum: float | None = None
    below: float | None = None
    choices: tuple[str, ...] = ()
    what: str = ""
    """The word a message uses for a value: 'year', 'level 1-4', 'sector', 'stream'."""
    hint: str = ""
    """Added to a message about a value that is not of the column's kind."""
    refers: str | None = None
    """The table whose ids this column names (checked against it, with `what` as the word)."""
    fingerprint: Fingerprinted = "yes"
    attr: str | None = None
    """The typed object's field, when it is not the column's name."""
    part: int | None = None
    """The position within a tuple field (demand_1 is demand[0])."""
    limit: tuple[float | None, float | None, str] | None = None
    """The smallest value other than 0 and the largest the toolkit plans with reliably,
    and what the value is (docs/limits.md); None when the column's own range is enough."""
    max_chars: int | None = None
    """At most this many characters (beyond the limit every cell has)."""

    @property
    def field(self) -> str:
        """The name of the typed object's field that holds this column."""
        return self.attr or self.name

    def range_text(self) -> str:
        """The allowed values in words, for the data reference."""
        parts = []
        if self.choices:
            parts.append("one of " + ", ".join(self.choices))
        for bound, word in (
            (self.minimum, "at least"),
            (self.above, "more than"),
            (self.maximum, "at most"),
            (self.below, "less than"),
        ):
            if bound is not None:
                parts.append(f"{word} {bound:g}")
        if self.max_chars is not None:
            parts.append(f"at most {self.max_chars} characters")
        if self.refers == "districts":
            parts.append(f"an id in districts, or {COUNTY}")
        elif self.refers is not None:
            parts.append(f"an id in {self.refers}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Table:
    """One data table: its columns in the order they are written, and how it is used."""

    name: str
    description: str
    columns: tuple[Column, ...]
    model: type
    """The typed object one row becomes (`dict` for a table held another way: the price
    index as a mapping, providers' returns by their own module)."""
    dataset: str
    """The DataSet field holding the table's objects."""
    key: tuple[str, ...]
    """Columns that identify a row (the fingerprint's order)."""
    optional: bool = False
    """A data folder may leave the whole table out."""
    fingerprinted: bool = True
    """Whether the table counts in the plan's fingerprint at all."""
    keeps_row: bool = False
    """The typed object remembers its spreadsheet row (kept in the snapshot)."""
    keeps_extra: bool = False
    """Columns beyond the schema are kept on the object, for documents."""
    mapping: bool = False
    """Held as a mapping of the first column to the second (the price index)."""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def names(self) -> tuple[str, ...]:
        """Every column's name, in the order they are written."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")

    def group(self, fingerprint: Fingerprinted) -> tuple[Column, ...]:
        """The columns fingerprinted one way."""
        return tuple(c for c in self.columns if c.fingerprint == fingerprint)


MIN_MONEY = 1.0
"""An amount that is not 0 is at least £1: pennies only add noise at the solvers' tolerances."""
MAX_MONEY = 10_000_000_000.0
"""The largest amount of money planned with: £10,000,000,000 a year."""
MIN_UNIT_COST = 1.0
"""The smallest unit cost planned with: £1 per participant a year. Below it, the demand
rows' coefficients (1 / unit cost) outgrow what the solvers compute reliably."""
MAX_UNIT_COST = 1_000_000.0
MIN_EFFECT = 0.001
"""The smallest effect planned with: 0.1% of participants."""
_MONEY_LIMIT = (MIN_MONEY, MAX_MONEY, "amount of money")
_NEXT = "; leave it blank when there is no contract"


def _id(name: str, description: str, **kw: object) -> Column:
    return Column(name, "id", description, **kw)  # type: ignore[arg-type]


def _text(name: str, description: str) -> Column:
    return Column(name, "text", description)


def _year(name: str, description: str, **kw: object) -> Column:
    return Column(
        name,
        "integer",
        description,
        minimum=YEARS[0],
        maximum=YEARS[1],
        what="year",
        **kw,  # type: ignore[arg-type]
    )


def _level(description: str) -> Column:
    return Column(
        "level",
        "integer",
        description,
        minimum=LEVELS[0],
        maximum=LEVELS[-1],
        what="level 1-4",
    )


DISTRICTS = Table(
    "districts",
    "The districts (Local Children's Trust Partnership areas) and the need in each.",
    (
        _id("district_id", f"The district's short code ({COUNTY} is reserved)."),
        _text("name", "The district's name."),
        _text("locality", "The wider locality the district belongs to."),
        Column("children", "integer", "Resident children and young people aged 0-19.", minimum=1),
        Column(
            "need_index",
            "number",
            "Relative need (1.0 is the county's average), e.g. from child-poverty rates.",
            above=0,
            limit=(0.01, 100.0, "need index"),
        ),
        *(
            Column(
                f"demand_{level}",
                "number",
                f"Children or families a year needing support at level {level} "
                "(the needs analysis).",
                minimum=0,
                attr="demand",
                part=level - 1,
                limit=(None, 1e9, "number of children or families"),
            )
            for level in LEVELS
        ),
    ),
    District,
    "districts",
    ("district_id",),
)

FUNDING_STREAMS = Table(
    "funding_streams",
    "The partners' funding streams that pay for services.",
    (
        _id("stream_id", "The stream's short code."),
        _text("name", "The stream's name."),
        _text("partner", "The partner that holds it, e.g. Council, NHS, Police."),
        Column(
            "ring_fenced",
            "boolean",
            "For information: which services a stream may fund is set on each initiative.",
            blank="default",
            default=False,
        ),
    ),
    FundingStream,
    "streams",
    ("stream_id",),
)

BUDGETS = Table(
    "budgets",
    "Each stream's envelope in each year of the plan.",
    (
        _id("stream_id", "The stream.", refers="funding_streams", what="stream"),
        _year("year", "A planning year (rows for years outside the plan are ignored)."),
        Column(
            "amount",
            "number",
            "The money the stream has that year, in pounds.",
            minimum=0,
            limit=_MONEY_LIMIT,
        ),
    ),
    Budget,
    "budgets",
    ("stream_id", "year"),
    keeps_row=True,
)

PRIORITIES = Table(
    "priorities",
    "The partnership's agreed priorities.",
    (
        _id("priority_id", "The priority's short code."),
        _text("name", "The priority's name."),
        Column(
            "weight",
            "number",
            "Relative importance in the plan's value.",
            above=0,
            limit=(0.001, 1000.0, "priority weight"),
        ),
        Column(
            "min_share",
            "number",
            "Minimum share of total spend in every year (0 for none); the sum must be below 1.",
            minimum=0,
            below=1,
        ),
    ),
    Priority,
    "priorities",
    ("priority_id",),
)

OUTCOMES = Table(
    "outcomes",
    "The outcomes services work towards (the Every Child Matters outcomes in the sample).",
    (_id("outcome_id", "The outcome's short code."), _text("name", "The outcome's name.")),
    Outcome,
    "outcomes",
    ("outcome_id",),
)

INITIATIVES = Table(
    "initiatives",
    "Every mapped service (existing) and every programme that could be commissioned (candidate).",
    (
        _id("initiative_id", "The service's short code."),
        _text("name", "The service's name."),
        _text("provider", "Who delivers it."),
        Column(
            "sector",
            "choice",
            "The provider's sector.",
            choices=SECTORS,
            what="sector",
        ),
        _id(
            "district_id",
            f"The district it serves, or {COUNTY} for a county-wide service.",
            refers="districts",
            what="district",
        ),
        _level(
            "Continuum of need: 1 universal, 2 early help, 3 targeted, 4 specialist or statutory."
        ),
        _id(
            "priority_id",
            "The strategic priority it mainly serves.",
            refers="priorities",
            what="priority",
        ),
        Column(
            "outcomes",
            "ids",
            "The distinct outcomes it targets, separated by ';' (at least one).",
            refers="outcomes",
            what="outcome",
        ),
        Column(
            "status",
            "choice",
            "existing (mapped today) or candidate (could be commissioned).",
            choices=STATUSES,
            what="status",
        ),
        Column(
            "current_budget",
            "number",
            "What it costs a year today, in pounds (0 for a candidate).",
            minimum=0,
            limit=_MONEY_LIMIT,
        ),
        Column(
            "unit_cost",
            "number",
            "Pounds per participant a year.",
            above=0,
            limit=(MIN_UNIT_COST, MAX_UNIT_COST, "unit cost"),
        ),
        Column(
            "effect",
            "number",
            "Share of participants achieving the targeted outcome because of the service.",
            above=0,
            maximum=1,
            limit=(MIN_EFFECT, None, "effect"),
        ),
        Column(
            "evidence_level",
            "evidence",
            "Strength of evidence on the EIF Guidebook scale: a published 4+ is entered as 4, "
            "a 3* as 3 with mixed_findings true.",
            choices=EVIDENCE_LEVELS,
            what="evidence level",
        ),
        Column(
            "mixed_findings",
            "boolean",
            "Some rigorous studies found no effect (the EIF '*').",
            required=False,
            blank="default",
            default=False,
        ),
        Column(
            "min_budget",
            "number",
            "Statutory or otherwise protected floor every year, in pounds.",
            required=False,
            blank="default",
            default=0.0,
            minimum=0,
            limit=_MONEY_LIMIT,
        ),
        Column(
            "max_budget",
            "number",
            "The most it can usefully absorb in a year, in pounds.",
            above=0,
            limit=_MONEY_LIMIT,
        ),
        Column(
            "min_viable",
            "number",
            "Below this a contract is not viable: the service has 0 or at least this.",
            required=False,
            blank="default",
            default=0.0,
            minimum=0,
            limit=_MONEY_LIMIT,
        ),
        _year(
            "contract_end",
            "The last year of the current contract; blank for none.",
            required=False,
            blank="default",
            hint=_NEXT,
        ),
        Column(
            "funding",
            "ids",
            "The distinct streams allowed to fund it, separated by ';' (at least one).",
            refers="funding_streams",
            what="stream",
        ),
        *(
            Column(
                name,
                "number",
                f"The {end} end of the plausible {what}, for the robustness check.",
                required=False,
                blank="default",
                above=0,
                maximum=1 if name.startswith("effect") else None,
                fingerprint="ranges",
            )
            for name, end, what in (
                ("effect_low", "low", "effect"),
                ("effect_high", "high", "effect"),
                ("unit_cost_low", "low", "unit cost"),
                ("unit_cost_high", "high", "unit cost"),
            )
        ),
    ),
    Initiative,
    "initiatives",
    ("initiative_id",),
    keeps_row=True,
    keeps_extra=True,
)

COSTS = Table(
    "costs",
    "The cost library: late-intervention costs that a successful outcome avoids.",
    (
        _id("cost_id", "The cost's short code."),
        _text("name", "What the cost is."),
        _level("The level of the services whose successful outcome avoids this cost."),
        Column(
            "probability",
            "number",
            "Share of children or families helped at that level who would otherwise incur it.",
            above=0,
            maximum=1,
            limit=(1e-6, None, "probability"),
        ),
        Column(
            "annual_cost",
            "number",
            "Pounds a year per child or family, in the prices of price_year.",
            above=0,
            limit=_MONEY_LIMIT,
        ),
        Column(
            "years",
            "integer",
            "How many years it would have lasted.",
            minimum=1,
            what="whole number of years",
        ),
        Column(
            "lag",
            "integer",
            "How many years after the service it would have begun (0 for the same year).",
            minimum=0,
            what="whole number of years",
        ),
        _id(
            "stream_id",
            "The stream that would have paid it; blank for a payer outside the plan.",
            required=False,
            blank="default",
            refers="funding_streams",
            what="stream",
        ),
        Column(
            "cashable",
            "number",
            "Share of it that is cash the payer would really save (must be 0 without a stream).",
            required=False,
            blank="default",
            default=0.0,
            minimum=0,
            maximum=1,
        ),
        _year("price_year", "The year whose prices annual_cost is in."),
        _text("source", "Where the figure comes from (publication, table, year)."),
    ),
    Cost,
    "costs",
    ("cost_id",),
    optional=True,
)

PRICES = Table(
    "prices",
    "The price index that brings the cost library's figures to the plan's prices.",
    (
        _year("year", "The year."),
        Column(
            "index",
            "number",
            "The price level that year, e.g. the GDP deflator (any base).",
            above=0,
            limit=(0.001, 1e6, "price index"),
        ),
    ),
    dict,
    "prices",
    ("year",),
    optional=True,
    mapping=True,
)

INDICATORS = Table(
    "indicators",
    "Recorded values of the indicators that documents set targets on (baselines). They "
    "shape documents, never the plan, so they are not part of the plan's fingerprint.",
    (
        _id(
            "indicator_id",
            "The indicator's id in the documents' indicator library (specs/indicators.yaml).",
            max_chars=60,
            attr="indicator_id",
        ),
        _id(
            "district_id",
            f"The district the value is for, or {COUNTY} for the whole partnership.",
            refers="districts",
            what="district",
            attr="area",
        ),
        _year("year", "The year the value is for (a financial or academic year by its start)."),
        Column("value", "number", "The value, in the indicator's own unit (a rate, a %...)."),
        _text(
            "source",
            "Where the figure comes from (publisher and series), or 'Illustrative: ...' "
            "saying why it was invented.",
        ),
    ),
    IndicatorValue,
    "indicators",
    ("indicator_id", "district_id", "year"),
    optional=True,
    fingerprinted=False,
)

RETURNS = Table(
    "returns",
    "Providers' quarterly returns: what each service spent, started and achieved.",
    (
        _id("initiative_id", "The service.", refers="initiatives", what="service"),
        _year("year", "The year of the plan the quarter belongs to."),
        Column(
            "quarter",
            "integer",
            "The quarter of the year, 1 to 4.",
            minimum=1,
            maximum=4,
            what="quarter",
            hint=" (a quarter is 1, 2, 3 or 4)",
        ),
        Column("spend", "number", "Pounds spent in the quarter.", minimum=0),
        Column(
            "participants",
            "integer",
            "Children or families who started in the quarter.",
            minimum=0,
            what="whole number of people",
        ),
        Column(
            "outcomes_achieved",
            "integer",
            "Participants who achieved the outcome in the quarter.",
            minimum=0,
            what="whole number of people",
        ),
        Column(
            "notes",
            "text",
            "Anything the provider wants to say about the quarter (at most 2,000 characters).",
            required=False,
            blank="default",
            default="",
        ),
    ),
    dict,
    "",
    ("initiative_id", "year", "quarter"),
    optional=True,
    fingerprinted=False,
)

CONSULTATION = Table(
    "consultation",
    "Who was consulted on the plan, when, and what came of it: the consultation record of "
    "the district SLAs and the plan summary (checked with the other tables, never read by the "
    "plan).",
    (
        _text("date", "When, as YYYY-MM-DD."),
        _text("consulted", "Who was consulted: a group, a forum, the public."),
        _text("topic", "What they were consulted on."),
        _text("outcome", "What came of it."),
        Column(
            "reference",
            "text",
            "The minute or report that records it.",
            required=False,
            blank="default",
            default="",
        ),
    ),
    dict,
    "",
    ("date", "consulted", "topic"),
    optional=True,
    fingerprinted=False,
)

DATA_TABLES: tuple[Table, ...] = (
    DISTRICTS,
    FUNDING_STREAMS,
    BUDGETS,
    PRIORITIES,
    OUTCOMES,
    INITIATIVES,
    COSTS,
    PRICES,
    INDICATORS,
)
"""The tables of a data folder, in the order problems are reported."""

SCHEMA: Mapping[str, Table] = {t.name: t for t in DATA_TABLES}
"""A data folder's tables by name."""
