"""A small reader of rendered documents for the tests: sections, tables, cells, text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ParsedTable:
    table_id: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, int]]] = field(default_factory=list)
    """Each row: (cell text, colspan)."""


class Reader(HTMLParser):
    """Collects the id and heading of every section, every table and all visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, str] = {}
        self.ids: set[str] = set()
        self.duplicate_ids: list[str] = []
        self.tables: list[ParsedTable] = []
        self.text: list[str] = []
        self._section: list[str] = []
        self._in_h2 = False
        self._cell: list[str] | None = None
        self._colspan = 1
        self._row: list[tuple[str, int]] | None = None
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.duplicate_ids.extend([a["id"] or ""] if a["id"] in self.ids else [])
            self.ids.add(a["id"] or "")
        if tag in ("style", "title"):
            self._skip += 1
        if tag == "section":
            self._section.append(a.get("id") or "")
        elif tag == "h2" and self._section:
            self._in_h2 = True
            self.sections[self._section[-1]] = ""
        elif tag == "table":
            self.tables.append(ParsedTable((a.get("id") or "").removeprefix("table-")))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            self._colspan = int(a.get("colspan") or 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1
        if tag == "section" and self._section:
            self._section.pop()
        elif tag == "h2":
            self._in_h2 = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((" ".join("".join(self._cell).split()), self._colspan))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            if self._in_head:
                self.tables[-1].headers = [c for c, _ in self._row]
            else:
                self.tables[-1].rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_h2 and self._section:
            self.sections[self._section[-1]] += data
        if self._cell is not None:
            self._cell.append(data)
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def read(html: str) -> Reader:
    r = Reader()
    r.feed(html)
    return r


BAD = re.compile(r"\{\{|\{%|\bnan\b|\bNaN\b|\bnull\b|\bundefined\b|\bNone\b")
LEAKED = {"none", "nan", "null", "undefined", "n/a"}


def check_complete(html: str) -> Reader:
    """Every table row complete, no blank cell, nothing unrendered, no None or nan; no id
    given twice (a contents link must lead to one place)."""
    r = read(html)
    assert not r.duplicate_ids, r.duplicate_ids
    found = BAD.search(r.all_text)
    assert not found, r.all_text[max(0, found.start() - 80) : found.end() + 80]
    for node in r.text:
        assert node.strip().strip(".").lower() not in LEAKED, node
    assert "{{" not in html and "{%" not in html
    for t in r.tables:
        width = len(t.headers)
        for row in t.rows:
            if t.headers:
                assert sum(span for _, span in row) == width, (t.table_id, row)
            for cell, _ in row:
                assert cell.strip(), (t.table_id, row)
    return r
