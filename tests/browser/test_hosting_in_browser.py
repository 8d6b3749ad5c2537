"""The hosted workbench in Chromium: the folder box refuses a symbolic link out of its data
root (with the message it gives for a folder that is not there), opens a folder under it,
and the Register page's CSV download holds no cell a spreadsheet would run as a formula.
Skipped only when Debian's Chromium is missing and CI is not set; under CI it must run."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from commissioning.export.cells import FORMULA_LEADS
from tests.browser.server import CHROMIUM, ROOT, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and os.environ.get("CI", "").lower() in ("", "0", "false"):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); set CI=true to make this fail",
        allow_module_level=True,
    )

FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","open")'
PROVIDER = "@SUM(1+1)"


def _data_root(tmp_path: Path) -> Path:
    """A root with `ok` (the small data, one name a formula, one provider an @-formula)
    and `link`, a symbolic link to a folder outside the root."""
    root = tmp_path / "root"
    shutil.copytree(ROOT / "tests" / "data" / "valid_small", root / "ok")
    rows = list(csv.reader(io.StringIO((root / "ok" / "initiatives.csv").read_text())))
    rows[1][rows[0].index("name")] = FORMULA
    rows[1][rows[0].index("provider")] = PROVIDER
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (root / "ok" / "initiatives.csv").write_text(buffer.getvalue())
    outside = tmp_path / "outside"
    shutil.copytree(ROOT / "tests" / "data" / "valid_small", outside)
    (root / "link").symlink_to(outside, target_is_directory=True)
    return root


def _load(page, typed: str) -> str:
    box = page.get_by_role("textbox", name="Folder")
    box.fill(typed)
    box.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Load folder").click()
    wait_idle(page)
    alerts = page.locator('[data-testid="stAlert"]')
    return "\n".join(alerts.all_inner_texts())


def test_folder_box_and_csv_download_in_a_browser(browser, tmp_path: Path, monkeypatch) -> None:
    root = _data_root(tmp_path)
    monkeypatch.setenv("COMMISSIONING_DATA_ROOT", str(root))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    with streamlit_server(tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        try:
            page.goto(f"{url}/register")
            wait_idle(page)
            page.get_by_text("Load other data").click()
            wait_idle(page)

            refused = _load(page, "link")
            absent = _load(page, "no-such-folder")
            assert "There is no data folder “link” that the workbench may open" in refused
            assert absent == refused.replace("“link”", "“no-such-folder”")
            assert str(tmp_path) not in page.content()

            assert "Loaded root/ok: no problems" in _load(page, "ok")
            assert page.locator('[data-testid="stException"]').count() == 0

            with page.expect_download() as info:
                page.get_by_role("button", name="Download this view (CSV)").click()
            download = info.value
            text = Path(download.path()).read_text(encoding="utf-8")
        finally:
            page.close()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == 10 and "Name" in header
    cells = [c for row in body for c in row]
    assert "'" + FORMULA in cells and "'" + PROVIDER in cells
    assert not [c for c in cells if c.startswith(FORMULA_LEADS) and not _number(c)]


def _number(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
    except ValueError:
        return False
    return True
