"""AppTest helpers: the workbench run headless, page by page, on the bundled sample."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from commissioning.store import close_stores

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
TIMEOUT = 180
"""Generous: a cold solve, the price of every rule or a break-even search takes seconds."""


@pytest.fixture(autouse=True)
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each test its own empty store: the app keeps every plan it makes as a run, in the
    store DATABASE_URL names (tests/conftest.py only isolates the whole session)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    # The folder box opens data only under its roots: the test data and the bundled data.
    roots = (ROOT / "tests" / "data", ROOT / "data")
    monkeypatch.setenv("COMMISSIONING_DATA_ROOT", os.pathsep.join(map(str, roots)))
    yield url
    close_stores()


def open_page(page: str | None = None) -> AppTest:
    """The app, run once on its start page, then switched to `page` (e.g. "plan") if given."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    if page is not None:
        at.switch_page(f"commissioning/app/{page}.py").run()
    return at


ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A backslash-escaped punctuation mark in Markdown: shown as the mark alone."""


def texts(at: AppTest) -> str:
    """Everything written on the page as one string, as it reads (Markdown escapes of user
    text undone), for 'does it say ...' checks; `markdown_sources` gives the raw Markdown."""
    parts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "title",
        "subheader",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    return ESCAPED.sub(r"\1", "\n".join(parts))


def markdown_sources(at: AppTest) -> str:
    """Every Markdown text sent to the page, raw (escapes and all)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def sample_dir() -> Path:
    return ROOT / "data" / "sample"


def frame_with(at: AppTest, *columns: str):
    """The first table on the page with all these columns (AppTest does not keep table keys)."""
    for d in at.dataframe:
        value = d.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")
