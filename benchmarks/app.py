"""Benchmark the workbench: from a slider move on the Plan page to an idle page, in Chromium.

Starts the app with `streamlit run` on the bundled sample (county scale: 185 services, a
mixed-integer plan), opens the Plan page in Debian's Chromium through Playwright, and
moves the "Prevention share 2027" slider one step at a time with the keyboard. Each move
is timed from the key press until the page shows the new plan ("Late costs avoided"
changes) and Streamlit has finished its run. Every move is a new scenario, so none is
served from the app's cache of plans. It runs twice: with the planning worker that keeps
its model between moves (the default) and with a one-off worker per plan
(COMMISSIONING_PLAN_WORKERS=0, as before issue 18).

Usage (from the repository root, in the venv; needs /usr/bin/chromium):
    python benchmarks/app.py                 # 12 moves each way
    python benchmarks/app.py --moves 20 --modes warm
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, streamlit_server, wait_idle

CARD = "Late costs avoided"
CHANGED_JS = """before => {
    const card = [...document.querySelectorAll('[data-testid="stMetric"]')]
        .find(m => m.innerText.includes('Late costs avoided'));
    return card && card.innerText.trim() !== before;
}"""
POLL_MS = 10


def _card(page: Any) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=CARD).first
    return str(card.inner_text()).strip()


def measure(moves: int, mode: str) -> list[float]:
    """Seconds from each key press to an idle page showing the moved plan."""
    from playwright.sync_api import sync_playwright

    os.environ["COMMISSIONING_PLAN_WORKERS"] = "4" if mode == "warm" else "0"
    out: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'store.sqlite'}"
        with streamlit_server(Path(tmp) / "streamlit.log") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"{url}/plan")
                wait_idle(page, timeout_ms=60000)
                slider = (
                    page.locator('[data-testid="stSlider"]')
                    .filter(has_text="Prevention share 2027")
                    .get_by_role("slider")
                )
                slider.focus()
                slider.press("ArrowRight")  # the first plan of a new scenario: warms up
                wait_idle(page, timeout_ms=60000)
                for _ in range(moves):
                    before = _card(page)
                    t0 = time.perf_counter()
                    slider.press("ArrowRight")
                    page.wait_for_function(CHANGED_JS, arg=before, timeout=60000, polling=POLL_MS)
                    page.wait_for_function(IDLE_JS, timeout=60000, polling=POLL_MS)
                    out.append(time.perf_counter() - t0)
                    time.sleep(0.5)  # let the page settle before the next move
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=12)
    parser.add_argument("--modes", default="warm,one-off")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is not installed", file=sys.stderr)
        return 1
    print(f"# load average at start: {os.getloadavg()} on {os.cpu_count()} CPUs")
    print("| planning | moves | median | fastest | slowest |")
    print("|---|---|---|---|---|")
    for mode in args.modes.split(","):
        times = measure(args.moves, mode)
        print(
            f"| {mode} | {len(times)} | {statistics.median(times):.3f} s | {min(times):.3f} s | "
            f"{max(times):.3f} s |"
        )
    print(f"# load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
