"""The workbench in a real browser: `streamlit run` on 127.0.0.1, driven by Playwright.

Moves a plan control, checks that the plan on screen follows, and saves
docs/screenshots/plan.png (1280 x 800, the README's screenshot). Skipped only when Debian's
Chromium is missing and CI is not set; under CI it must run.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, ROOT, streamlit_server, wait_idle

SCREENSHOT = ROOT / "docs" / "screenshots" / "plan.png"
VIEWPORT = {"width": 1280, "height": 800}

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and os.environ.get("CI", "").lower() in ("", "0", "false"):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); set CI=true to make this fail",
        allow_module_level=True,
    )


def _card(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.inner_text().strip()


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_moving_a_plan_control_updates_the_plan(browser, tmp_path: Path) -> None:
    started = time.monotonic()
    with streamlit_server(tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport=VIEWPORT)
        try:
            page.goto(f"{url}/plan")
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            share_before = _metric(page, "Prevention share 2029")
            assert re.fullmatch(r"£[\d,.]+m", _metric(page, "Late costs avoided"))
            # the whole card: the headline in £m and the change on today to the pound
            outcomes_before = _card(page, "Late costs avoided")
            assert share_before == "55.0%"

            # Move the 2027 prevention share from 45% to 50% with the keyboard.
            control = page.locator('[data-testid="stSlider"]').filter(
                has_text="Prevention share 2027"
            )
            slider = control.get_by_role("slider")
            slider.focus()
            for _ in range(5):
                slider.press("ArrowRight")
            page.wait_for_function(
                """before => {
                    const card = [...document.querySelectorAll('[data-testid="stMetric"]')]
                        .find(m => m.innerText.includes('Late costs avoided'));
                    return card && card.innerText.trim() !== before;
                }""",
                arg=outcomes_before,
                timeout=30000,
            )
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert "50%" in control.inner_text()
            assert _card(page, "Late costs avoided") != outcomes_before
            assert _metric(page, "Prevention share 2029") == "55.0%"

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            page.close()
    assert SCREENSHOT.stat().st_size > 10_000
    assert time.monotonic() - started < 90
