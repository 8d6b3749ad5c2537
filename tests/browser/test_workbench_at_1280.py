"""The workbench in Chromium at 1280 x 800, as a commissioner sees it at a board meeting.

Plan, Explain, Compare and Overview speak plain English (no rule names such as
prevention[2027], no database location); their main tables start inside the screen; moving
a slider away and back keeps one new run, not two; a 10% cut to one funding stream
re-plans and shows in Compare. Saves docs/screenshots/<page>.png of every page but Plan
(test_plan_in_browser.py saves that one). Skipped
only when Debian's Chromium is missing and CI is not set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from commissioning.store import Store
from tests.browser.server import CHROMIUM, ROOT, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and os.environ.get("CI", "").lower() in ("", "0", "false"):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); set CI=true to make this fail",
        allow_module_level=True,
    )

VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = ROOT / "docs" / "screenshots"
RULE_NAME = re.compile(r"\b[a-z_]+\[[^\]\n]*\d{4}\]")
"""A rule's name in the model, e.g. capacity[FGC-CTY-01,2027] or prevention[2027]."""
PAGES = {
    "overview": "",
    "register": "register",
    "plan": "plan",
    "compare": "compare",
    "history": "history",
    "explain": "explain",
    "documents": "documents",
    "monitor": "monitor",
    "audit": "audit",
    "about": "about",
}


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty store of the test's own, for the server (which inherits the environment)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _runs(url: str) -> int:
    store = Store.open(url)
    try:
        return len(store.list_runs())
    finally:
        store.close()


def _main_text(page: Any) -> str:
    return str(page.locator('[data-testid="stMain"]').inner_text())


def _metric(page: Any, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return str(card.inner_text().strip())


def _wait_metric_change(page: Any, label: str, before: str) -> None:
    page.wait_for_function(
        """([label, before]) => {
            const card = [...document.querySelectorAll('[data-testid="stMetric"]')]
                .find(m => m.innerText.includes(label));
            return card && card.innerText.trim() !== before;
        }""",
        arg=[label, before],
        timeout=60000,
    )
    wait_idle(page, 60000)


def _first_table(page: Any) -> tuple[dict[str, float], list[int]]:
    """The first table on screen: its box, and its grid's [scroll width, visible width]."""
    table = page.locator('[data-testid="stDataFrame"]:visible').first
    table.scroll_into_view_if_needed()
    wait_idle(page)
    box = table.bounding_box()
    widths = table.locator(".dvn-scroller").first.evaluate("e => [e.scrollWidth, e.clientWidth]")
    return box, widths


def test_every_page_at_1280_speaks_plainly_and_fits(
    browser, tmp_path: Path, store_url: str
) -> None:
    location = store_url.removeprefix("sqlite:///")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport=VIEWPORT)
        try:
            for name, path in PAGES.items():
                page.goto(f"{url}/{path}")
                wait_idle(page, 60000)
                assert page.locator('[data-testid="stException"]').count() == 0, name
                text = _main_text(page)
                if name in ("overview", "plan", "compare", "explain"):
                    assert not RULE_NAME.search(text), (name, RULE_NAME.search(text))
                    assert "sqlite" not in text.lower() and "postgresql" not in text.lower()
                    assert location not in text, name
                    box, (scroll, visible) = _first_table(page)
                    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], name
                    if name in ("plan", "compare"):
                        # Every column of the main table fits: no sideways scrolling.
                        assert scroll <= visible + 2, (name, scroll, visible)
                if name == "compare":  # shown with two scenarios that differ
                    page.locator('[data-testid="stSelectbox"]').filter(
                        has_text="Scenario B"
                    ).click()
                    page.keyboard.type("Without a prevention")
                    page.keyboard.press("Enter")
                    wait_idle(page, 60000)
                    assert "The scenarios differ in: prevention 0%." in _main_text(page)
                if name == "about":
                    assert location in text  # the one place the store's location is shown
                page.evaluate("() => window.scrollTo(0, 0)")
                page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTo(0, 0)")
                if name != "plan":  # the README's plan.png: test_plan_in_browser.py
                    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        finally:
            page.close()


@contextmanager
def _plan_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """The Plan page of a workbench of its own, open at 1280 px and idle."""
    with streamlit_server(tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport=VIEWPORT)
        try:
            page.goto(f"{url}/plan")
            wait_idle(page, 60000)
            yield page
        finally:
            page.close()


def test_a_slider_moved_away_and_back_keeps_one_new_run(
    browser, tmp_path: Path, store_url: str
) -> None:
    with _plan_page(browser, tmp_path) as page:
        first = _runs(store_url)
        assert first == 1
        slider = (
            page.locator('[data-testid="stSlider"]')
            .filter(has_text="Prevention share 2027")
            .get_by_role("slider")
        )
        before = _metric(page, "Late costs avoided")
        slider.focus()
        slider.press("ArrowRight")
        _wait_metric_change(page, "Late costs avoided", before)
        moved = _metric(page, "Late costs avoided")
        slider.focus()
        slider.press("ArrowLeft")
        _wait_metric_change(page, "Late costs avoided", moved)
        assert _metric(page, "Late costs avoided") == before
        assert _runs(store_url) == first + 1


def test_a_budget_cut_re_plans_and_shows_in_compare(
    browser, tmp_path: Path, store_url: str
) -> None:
    with _plan_page(browser, tmp_path) as page:
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Funding: a stream's budget up or down").click()
        wait_idle(page)
        slider = (
            sidebar.locator('[data-testid="stSlider"]')
            .filter(has_text="Public Health grant")
            .get_by_role("slider")
        )
        before = _metric(page, "Late costs avoided")
        slider.focus()
        for _ in range(10):
            slider.press("ArrowLeft")
        _wait_metric_change(page, "Late costs avoided", before)
        assert (
            "-10%"
            in sidebar.locator('[data-testid="stSlider"]')
            .filter(has_text="Public Health grant")
            .inner_text()
        )
        assert "Refocus towards prevention: PH -10%" in sidebar.inner_text()

        sidebar.get_by_role("link", name="Compare").click()
        wait_idle(page, 60000)
        text = _main_text(page)
        assert "The scenarios differ in: PH -10%." in text
        assert re.search(r"B scores £[\d,]+ lower than A", text)
