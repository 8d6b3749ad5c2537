"""Benchmark the workbench: from a slider move on the Plan page to an idle page, in Chromium.

Starts the app with `streamlit run` on the bundled sample (county scale: 185 services, a
mixed-integer plan), opens the Plan page in Debian's Chromium through Playwright, and
moves sliders one step at a time with the keyboard (`MOVES`: the 2027 prevention share
and the 2028 one up, the district floor down). Each move is timed from
the key press until Streamlit has run the page again and the page is idle. Every move is
a new scenario, so none is served from the app's cache of plans. It runs twice: with the
planning worker that keeps
its model between moves (the default) and with a one-off worker per plan
(COMMISSIONING_PLAN_WORKERS=0, as before issue 18).

Usage (from the repository root, in the venv; needs /usr/bin/chromium):
    python benchmarks/app.py                 # every move of MOVES, both ways
    python benchmarks/app.py --modes warm
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, streamlit_server, wait_idle

MOVES: tuple[tuple[str, str, str, int], ...] = (
    ("a prevention share", "Prevention share 2027", "ArrowRight", 5),
    ("the district floor", "District floor", "ArrowLeft", 5),
    ("a later prevention share", "Prevention share 2028", "ArrowRight", 3),
)
"""(what, slider label, key, moves): each stays within the sample's feasible range."""
RUNNING_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'running';
}"""
POLL_MS = 5


def measure(mode: str) -> dict[str, list[float]]:
    """Seconds from each key press to an idle page, by kind of move."""
    from playwright.sync_api import sync_playwright

    os.environ["COMMISSIONING_PLAN_WORKERS"] = "4" if mode == "warm" else "0"
    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'store.sqlite'}"
        with streamlit_server(Path(tmp) / "streamlit.log") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"{url}/plan")
                wait_idle(page, timeout_ms=60000)
                for what, label, key, moves in MOVES:
                    slider = (
                        page.locator('[data-testid="stSlider"]')
                        .filter(has_text=label)
                        .get_by_role("slider")
                    )
                    for _ in range(moves):
                        slider.focus()
                        t0 = time.perf_counter()
                        slider.press(key)
                        page.wait_for_function(RUNNING_JS, timeout=60000, polling=POLL_MS)
                        page.wait_for_function(IDLE_JS, timeout=60000, polling=POLL_MS)
                        out.setdefault(what, []).append(time.perf_counter() - t0)
                        time.sleep(0.5)  # let the page settle before the next move
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default="warm,one-off")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is not installed", file=sys.stderr)
        return 1
    print(f"# load average at start: {os.getloadavg()} on {os.cpu_count()} CPUs")
    print("| planning | move | moves | median | fastest | slowest |")
    print("|---|---|---|---|---|---|")
    for mode in args.modes.split(","):
        found = measure(mode)
        found["every move"] = [t for times in found.values() for t in times]
        for what, times in found.items():
            print(
                f"| {mode} | {what} | {len(times)} | {statistics.median(times):.3f} s | "
                f"{min(times):.3f} s | {max(times):.3f} s |"
            )
    print(f"# load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
