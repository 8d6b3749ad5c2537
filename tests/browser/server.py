"""Start the workbench with `streamlit run` on a free local port, and wait for it in a browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(log: Path, timeout: float = 30.0) -> Iterator[str]:
    """The app served headless on 127.0.0.1; yields its URL and always stops the server."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start within {timeout:.0f} s; see {log}")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


IDLE_JS = """() => {
  const running = document.querySelector('[data-testid="stStatusWidget"]');
  const skeleton = document.querySelector('[data-testid="stSkeleton"]');
  const app = document.querySelector('[data-testid="stApp"]');
  return app && !running && !skeleton
    && app.getAttribute('data-test-script-state') !== 'running';
}"""


def wait_idle(page: Any, timeout_ms: int = 30000, settle: float = 0.6) -> None:
    """Wait until the script has finished its run and the page has stopped changing."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    time.sleep(0.3)
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)
    time.sleep(settle)
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)


def screenshot(page: Any, path: Path, width: int = 1440, height: int = 900) -> None:
    """The whole page: Streamlit scrolls inside its own container, so grow the viewport first."""
    full = page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid="stMain"]')
            || document.querySelector('section.main');
          return main ? main.scrollHeight : document.body.scrollHeight;
        }"""
    )
    page.set_viewport_size({"width": width, "height": max(height, int(full))})
    time.sleep(0.8)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})
