"""The building blocks every document is made of: labelled facts, tables, sections, charts,
branding and the cover's metadata. Each checks on construction that nothing it will show is
blank, `None` or `nan`, so a template only lays values out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from commissioning.documents.content import Clause
from commissioning.documents.contexts.format import (
    DocumentError,
    check_text,
    money,
    money_change,
    money_step,
    percent_change,
    shorten,
)
from commissioning.documents.phrases import Words
from commissioning.explain.summary import Journey, SpendRow


@dataclass(frozen=True)
class Fact:
    """A labelled value, for key-value lists."""

    label: str
    value: str

    def __post_init__(self) -> None:
        check_text(self.label, "a fact's label")
        check_text(self.value, f"the fact {self.label!r}")


@dataclass(frozen=True)
class RowGroup:
    """A titled group of rows in a table (its rows are also the table's `rows`, in order)."""

    group_id: str
    title: str
    size: int
    """How many of the table's rows, from where the previous group ended, belong to it."""
    empty: str = ""
    """Shown instead of rows when the group has none."""
    note: str = ""
    """An optional line after the group's rows."""


@dataclass(frozen=True)
class Table:
    """A table ready to lay out: headers, rows of formatted text, an optional total row.

    Every cell is checked on construction: none is blank, `None` or `nan`, and every row
    has one cell per header. A table without rows shows `empty` instead.
    """

    table_id: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    """Columns aligned right (figures); default: every column but the first."""
    total: tuple[str, ...] = ()
    empty: str = ""
    style: str = ""
    """An extra CSS class: `write-in` for space to fill in by hand, `compact`."""
    fixed_widths: tuple[float, ...] = ()
    """Column widths in per cent, where a layout is known in advance."""
    groups: tuple[RowGroup, ...] = ()
    """Titled groups of the rows, each under a full-width heading row: one table with one
    header instead of a table per group, which is much cheaper to lay out."""

    def __post_init__(self) -> None:
        n = len(self.headers)
        if not self.numeric:
            object.__setattr__(self, "numeric", (False,) + (True,) * (n - 1))
        if len(self.numeric) != n:
            raise DocumentError(
                f"table {self.table_id}: {len(self.numeric)} alignments for {n} columns"
            )
        for h in self.headers:
            check_text(h, f"a header of table {self.table_id}")
        for r, row in enumerate((*self.rows, *((self.total,) if self.total else ())), 1):
            if len(row) != n:
                raise DocumentError(
                    f"table {self.table_id} row {r} has {len(row)} cells for {n} columns"
                )
            for header, cell in zip(self.headers, row, strict=True):
                check_text(cell, f"table {self.table_id} row {r}, column {header!r}")
        if self.groups:
            if sum(g.size for g in self.groups) != len(self.rows):
                raise DocumentError(f"table {self.table_id}: its groups do not cover its rows")
            for g in self.groups:
                check_text(g.title, f"a group title of table {self.table_id}")
                if not g.size:
                    check_text(g.empty, f"the empty message of group {g.group_id}")
        elif not self.rows:
            check_text(self.empty, f"the empty message of table {self.table_id}")
        if self.fixed_widths and len(self.fixed_widths) != n:
            raise DocumentError(
                f"table {self.table_id}: {len(self.fixed_widths)} widths for {n} columns"
            )

    @property
    def align(self) -> tuple[str, ...]:
        """The CSS class of each column: `num` (right-aligned figures, kept on one line when
        every cell is a single figure) or `text`."""
        rows = (*self.rows, *((self.total,) if self.total else ()))
        out = []
        for c, numeric in enumerate(self.numeric):
            if not numeric:
                out.append("text")
            elif all(" " not in row[c] for row in rows):
                out.append("num nw")
            else:
                out.append("num")
        return tuple(out)

    @property
    def classes(self) -> str:
        """CSS classes: the style, and `short` for a table small enough never to split."""
        short = len(self.rows) + len(self.groups) <= 8
        return " ".join(c for c in (self.style, "short" if short else "") if c)

    @property
    def grouped_rows(self) -> tuple[tuple[RowGroup, tuple[tuple[str, ...], ...]], ...]:
        """Each group with its rows."""
        out, start = [], 0
        for g in self.groups:
            out.append((g, self.rows[start : start + g.size]))
            start += g.size
        return tuple(out)

    @property
    def widths(self) -> tuple[float, ...]:
        """Column widths in per cent: `fixed_widths` if given, else estimated from the text.

        Tables are laid out with fixed widths, several times faster to typeset than
        automatic layout; the estimate gives figures their full length and text columns
        room in proportion to what they hold.
        """
        if self.fixed_widths:
            return self.fixed_widths
        rows = (*self.rows, *((self.total,) if self.total else ()))
        weights = []
        for c, header in enumerate(self.headers):
            cells = [row[c] for row in rows]
            longest_word = max((len(w) for t in (header, *cells) for w in t.split()), default=4)
            if self.numeric[c]:
                figures = [len(x) for x in cells if " " not in x]
                w = max([x * 1.3 for x in figures] + [longest_word * 1.1]) + 1
            else:
                mean = sum(len(x) for x in cells) / len(cells) if cells else len(header)
                w = max(longest_word * 1.1, min(mean * 0.7, 30))
            weights.append(w + 2)
        total = sum(weights)
        return tuple(round(w / total * 100, 2) for w in weights)


@dataclass(frozen=True)
class ClauseView(Clause):
    """A standard clause as a document shows it: the content's clause, its placeholders
    filled in for the document."""

    number: str = ""
    """Its number where a document cites clauses by number (the standard terms: "2.1")."""

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Section:
    """A numbered section: its title and introduction from the content files."""

    section_id: str
    number: int
    title: str
    intro: tuple[str, ...]
    clauses: tuple[ClauseView, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class Bar:
    """One bar of an SVG chart, in the chart's own units."""

    x: float
    y: float
    width: float
    height: float
    series: str
    """`today` or `plan`: the CSS class that colours it."""
    value: str
    label_x: float
    """Where its value is written: just past the bar's end."""

    @property
    def label_y(self) -> float:
        """The value's baseline, level with the bar's bottom."""
        return self.y + self.height - 2


@dataclass(frozen=True)
class ChartRow:
    label: str
    bars: tuple[Bar, ...]

    @property
    def label_y(self) -> float:
        """The row label's baseline, between the row's two bars."""
        return self.bars[0].y + self.bars[0].height + 3


@dataclass(frozen=True)
class LegendItem:
    series: str
    label: str
    x: float
    """Where its colour swatch starts; the words follow the swatch."""

    @property
    def text_x(self) -> float:
        return self.x + 14


@dataclass(frozen=True)
class BarChart:
    """A horizontal grouped bar chart (today against the plan's final year)."""

    chart_id: str
    title: str
    description: str
    width: float
    height: float
    axis_x: float
    """Where the bars start."""
    rows: tuple[ChartRow, ...]
    legend: tuple[LegendItem, ...]
    legend_y: float

    @property
    def label_x(self) -> float:
        """Where row labels end (they are right-aligned against the axis)."""
        return self.axis_x - 6


@dataclass(frozen=True)
class Branding:
    """The partnership's name, logo and colours, for every page."""

    partnership: str
    logo_uri: str
    """A data: URI of the logo, or "" for none (the template then leaves it out)."""
    primary: str
    accent: str
    light: str
    muted: str
    note: str


@dataclass(frozen=True)
class Meta:
    """What every document shows on its cover and in its running header and footer."""

    branding: Branding
    kind: str
    doc_title: str
    subject: str
    running_title: str
    status: str
    issued: str
    period: str
    plan: str
    """The plan the document was made from: fingerprint, scenario and solver."""
    audit: str
    """The audit trail's head when the plan was stored, so a trail rewritten after this
    document was issued can be shown not to hold it (`commissioning audit verify --expect`)."""
    footer: str
    sections: tuple[Section, ...]
    """In order, for the contents list."""
    control: tuple[Fact, ...] = ()
    """Document control: version, date, status, what it supersedes, the input fingerprint."""


@dataclass(frozen=True)
class DocumentContext:
    """What every document's context holds: its cover and running header (`meta`) and its
    numbered sections from the wording; each document adds the fields its template lays
    out, and names that template."""

    template: ClassVar[str]
    meta: Meta
    sections: Mapping[str, Section]


@dataclass(frozen=True)
class IndicatorGroup:
    """An outcome's indicators, one compact line each (name, then definition, unit, which way
    is better, baseline and source), or the library's fallback text when it records none."""

    outcome: str
    items: tuple[Fact, ...]
    note: str

    def __post_init__(self) -> None:
        if not self.items:
            check_text(self.note, f"the fallback for {self.outcome}")


@dataclass(frozen=True)
class TermsCitation:
    """What a section of a specification applies from the standard terms, by clause number:
    a sentence naming the terms and their version, then each clause cited ("2.1 Safeguarding").
    """

    text: str
    items: tuple[str, ...]

    def __post_init__(self) -> None:
        check_text(self.text, "a citation of the standard terms")
        for item in self.items:
            check_text(item, "a clause cited from the standard terms")


@dataclass(frozen=True)
class PriorityObjectives:
    priority: str
    objectives: tuple[str, ...]


# --- tables and charts shared by several documents --------------------------------------------


def spend_table(
    table_id: str,
    caption: str,
    first: str,
    rows: Sequence[SpendRow],
    years: Sequence[int],
    *,
    total: bool = True,
    with_key: bool = False,
) -> Table:
    """Spend by some grouping, today and each plan year, with the change to the final year;
    rounded to the nearest £1,000 when the table's figures (its total too) run into
    millions."""
    per_year = [sum(r.proposed.get(y, 0.0) for r in rows) for y in years]
    today = sum(r.today for r in rows)
    shown = [v for r in rows for v in (r.today, *r.proposed.values())]
    step = money_step([*shown, today, *per_year] if total else shown)
    body = tuple(
        (
            f"{r.key} {r.label}" if with_key else r.label,
            money(r.today, step),
            *(money(r.proposed.get(y, 0.0), step) for y in years),
            money_change(r.change, step),
            percent_change(r.today, r.final),
        )
        for r in rows
    )
    foot: tuple[str, ...] = ()
    if total and rows:
        foot = (
            "Total",
            money(today, step),
            *(money(v, step) for v in per_year),
            money_change(per_year[-1] - today, step),
            percent_change(today, per_year[-1]),
        )
    return Table(
        table_id,
        caption,
        (first, "Today", *(str(y) for y in years), f"Change to {years[-1]}", "Change (%)"),
        body,
        total=foot,
        empty="No spend in this plan.",
    )


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float, float]],
    final_year: int,
    colour_labels: tuple[str, str] = ("Today", ""),
    value_format: Callable[[float], str] | None = None,
    description: str | None = None,
) -> BarChart:
    """Geometry of a grouped horizontal bar chart: (label, today, final year) per row.

    Values are shown as money unless `value_format` says otherwise (e.g. people); the
    description read to screen readers defaults to "today against the final year"."""
    step = money_step(v for _, a, b in rows for v in (a, b))
    show = value_format or (lambda v: money(v, step))
    width, label_w, value_w, bar_h, gap, top = 640.0, 200.0, 92.0, 11.0, 9.0, 6.0
    area = width - label_w - value_w
    biggest = max((max(a, b) for _, a, b in rows), default=0.0) or 1.0
    out: list[ChartRow] = []
    y = top
    for label, today, final in rows:
        bars = []
        for k, (series, value) in enumerate((("today", today), ("plan", final))):
            w = max(0.0, value / biggest * area)
            by = y + k * (bar_h + 1)
            bars.append(
                Bar(
                    x=label_w,
                    y=round(by, 1),
                    width=round(w, 1),
                    height=bar_h,
                    series=series,
                    value=show(value),
                    label_x=round(label_w + w + 4, 1),
                )
            )
        out.append(ChartRow(shorten(label, 34), tuple(bars)))
        y += 2 * bar_h + 1 + gap
    legend_y = y + 8
    legend = (
        LegendItem("today", colour_labels[0], label_w),
        LegendItem("plan", colour_labels[1] or str(final_year), label_w + 120),
    )
    if description is None:
        description = "; ".join(
            f"{label}: {show(a)} today, {show(b)} in {final_year}" for label, a, b in rows
        )
    return BarChart(
        chart_id,
        title,
        description,
        width,
        round(legend_y + 8, 1),
        label_w,
        tuple(out),
        legend,
        round(legend_y, 1),
    )


def journeys_table(journeys: Sequence[Journey], words: Words, where: str = "") -> Table:
    """Services whose budget turns within the plan: the decision reads the final year only,
    so every document that shows decisions names them."""
    return Table(
        "journeys",
        words["journeys_table"],
        ("Service", "Today", "Turning point", "Final year"),
        tuple(
            (
                f"{j.name} ({j.initiative_id})",
                money(j.today),
                f"{money(j.turn)} in {j.turn_year}",
                f"{money(j.final)} in {j.final_year}",
            )
            for j in journeys
        ),
        numeric=(False, True, True, True),
        empty=words.say("journeys_empty", where=where),
        style="compact",
    )
