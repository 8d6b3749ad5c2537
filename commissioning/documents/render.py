"""Jinja2 rendering (autoescaped, strict) and HTML to PDF with WeasyPrint (imported lazily)."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape

from commissioning.documents.contexts import (
    DocumentError,
    long_date,
    looks_unfilled,
    money,
    number,
)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
"""The repository's `templates/` folder; `COMMISSIONING_TEMPLATES` overrides it."""

_LEFTOVER = re.compile(r"\{\{|\{%|\{#|>\s*(None|nan|null)\s*<")
_DOCUMENT_CSS = re.compile(r'<style id="document-css">(.*?)</style>', re.S)
"""The print stylesheet of `_styles.html`: parsed once per process, not once per document."""


PDF_OPTIONS: dict[str, object] = {"pdf_variant": "pdf/ua-1"}
"""Tagged, accessible PDFs (PDF/UA-1): headings, tables and reading order for screen
readers, the document's title and language, as public bodies must publish (about a fifth
more layout time)."""


def templates_dir() -> Path:
    env = os.environ.get("COMMISSIONING_TEMPLATES")
    return Path(env) if env else TEMPLATES_DIR


def _date(value: date) -> str:
    return long_date(value)


@lru_cache(maxsize=4)
def environment(directory: Path | None = None) -> Environment:
    """The one Jinja environment: autoescape on, undefined values are errors."""
    env = Environment(
        loader=FileSystemLoader(str(directory or templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = money
    env.filters["date"] = _date
    env.filters["number"] = number
    return env


def render_html(template: str, context: object) -> str:
    """Render `template` with `context` (exposed to the template as `doc`)."""
    html = environment().get_template(template).render(doc=context)
    checked = html
    for text in sorted(_odd_texts(context), key=len, reverse=True):
        checked = checked.replace(str(escape(text)), "")  # what the data says is no slip
    found = _LEFTOVER.search(checked)
    if found:
        start = max(0, found.start() - 60)
        raise DocumentError(
            f"{template} rendered something unfinished near: {checked[start : found.end() + 60]!r}"
        )
    return html


def _odd_texts(value: object, found: set[str] | None = None) -> set[str]:
    """The texts of a context that look like a slip ("nan", "{{"): they passed the
    context's own checks, so they are the data's, and the check after rendering skips them
    (it is there for what the template itself leaves unfinished)."""
    found = set() if found is None else found
    if isinstance(value, str):
        if looks_unfilled(value):
            found.add(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _odd_texts(getattr(value, f.name), found)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _odd_texts(k, found)
            _odd_texts(v, found)
    elif isinstance(value, tuple | list | frozenset | set):
        for v in value:
            _odd_texts(v, found)
    return found


def preload() -> None:
    """Import WeasyPrint now: a process pool forked afterwards shares the imported modules."""
    import weasyprint  # noqa: F401


@lru_cache(maxsize=1)
def _font_config() -> object:
    """One font configuration per process, so Pango's font caches survive between documents."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=4)
def _stylesheet(css: str) -> object:
    """The print stylesheet, parsed and its selectors compiled once per process."""
    from weasyprint import CSS

    return CSS(string=css, font_config=_font_config())


def html_to_pdf(html: str, base_url: str | Path) -> bytes:
    """Lay out one HTML document as an A4 PDF.

    The document's print stylesheet (`<style id="document-css">`, the same for every document
    of a run) is taken out of the HTML and passed precompiled, which saves parsing it again for
    every document; it then ranks as a user stylesheet, below any other style in the document.
    """
    from weasyprint import HTML  # imported here: paths that write HTML only stay fast

    stylesheets = []
    found = _DOCUMENT_CSS.search(html)
    if found:
        stylesheets.append(_stylesheet(found.group(1)))
        html = html[: found.start()] + html[found.end() :]
    document = HTML(string=html, base_url=str(base_url)).render(
        font_config=_font_config(), stylesheets=stylesheets, **PDF_OPTIONS
    )
    pdf = document.write_pdf(**PDF_OPTIONS)
    if pdf is None:  # pragma: no cover - write_pdf returns bytes without a target
        raise DocumentError("WeasyPrint returned no PDF")
    return bytes(pdf)
