"""Benchmark the workbench: from a slider move on the Plan page to an idle page, in Chromium.

Starts the app with `streamlit run` on the bundled sample (county scale: 185 services, a
mixed-integer plan), opens the Plan page in Debian's Chromium through Playwright, and
moves sliders one step at a time with the keyboard (`MOVES`: the 2027 prevention share
up from 45% to 53%, past the 50% where the plan needs a branch-and-bound because the
relaxation leaves a service short of its minimum viable size; the 2028 one up, the
district floor down). Each move is timed from
the key press until Streamlit has run the page again and the page is idle. Every move is
a new scenario, so none is served from the app's cache of plans. It runs twice: with the
planning worker that keeps
its model between moves (the default) and with a one-off worker per plan
(COMMISSIONING_PLAN_WORKERS=0, as before issue 18).

Beside each move's wall time it reports the CPU seconds the move cost the app's server
(the Streamlit process and its planning workers) and Chromium, read from /proc: on a
machine shared with other work the wall time rises with the load, the CPU time much less.
(A one-off worker has exited before it is counted: compare CPU in the warm mode only.)

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
    ("a prevention share", "Prevention share 2027", "ArrowRight", 8),
    ("the district floor", "District floor", "ArrowLeft", 5),
    ("a later prevention share", "Prevention share 2028", "ArrowRight", 3),
)
"""(what, slider label, key, moves): each stays within the sample's feasible range."""
RUNNING_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'running';
}"""
POLL_MS = 5
TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every process now: pid -> (parent pid, command line, CPU seconds used so far)."""
    found: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (
            int(fields[1]),
            command,
            (int(fields[11]) + int(fields[12])) / TICKS,
        )
    return found


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the app's server with its workers, and by Chromium: the
    processes below this one, by what their tree runs."""
    table = _processes()
    totals = {"server": 0.0, "browser": 0.0}
    for start, (_, _, seconds) in table.items():
        pid, kind = start, None
        while pid in table and pid != os.getpid():
            parent, line, _ = table[pid]
            if kind is None and "streamlit" in line:
                kind = "server"
            elif kind is None and "chrom" in line:
                kind = "browser"
            pid = parent
        if pid == os.getpid() and kind is not None:
            totals[kind] += seconds
    return totals


def measure(mode: str) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds from each key press to an idle page, by kind of move; and the CPU seconds
    of each move, by what used them (server, browser)."""
    from playwright.sync_api import sync_playwright

    os.environ["COMMISSIONING_PLAN_WORKERS"] = "4" if mode == "warm" else "0"
    out: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {"server": [], "browser": []}
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
                        before = cpu_seconds()
                        t0 = time.perf_counter()
                        slider.press(key)
                        page.wait_for_function(RUNNING_JS, timeout=60000, polling=POLL_MS)
                        page.wait_for_function(IDLE_JS, timeout=60000, polling=POLL_MS)
                        out.setdefault(what, []).append(time.perf_counter() - t0)
                        after = cpu_seconds()
                        for kind, used in cpu.items():
                            used.append(after[kind] - before[kind])
                        time.sleep(0.5)  # let the page settle before the next move
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
    return out, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default="warm,one-off")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is not installed", file=sys.stderr)
        return 1
    print(f"# load average at start: {os.getloadavg()} on {os.cpu_count()} CPUs")
    print(
        "| planning | move | moves | median | fastest | slowest | "
        "CPU a move: server | CPU a move: browser |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for mode in args.modes.split(","):
        found, cpu = measure(mode)
        found["every move"] = [t for times in found.values() for t in times]
        for what, times in found.items():
            used = (
                f"{statistics.median(cpu['server']):.3f} s | "
                f"{statistics.median(cpu['browser']):.3f} s"
                if what == "every move"
                else " | "
            )
            print(
                f"| {mode} | {what} | {len(times)} | {statistics.median(times):.3f} s | "
                f"{min(times):.3f} s | {max(times):.3f} s | {used} |"
            )
    print(f"# load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
