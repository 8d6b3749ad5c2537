"""The Monitor page in a real browser: upload providers' returns, see the scorecard, and
download a district's quarterly report. Skipped only when Debian's Chromium is missing and
CI is not set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, ROOT, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and os.environ.get("CI", "").lower() in ("", "0", "false"):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); set CI=true to make this fail",
        allow_module_level=True,
    )


def test_upload_returns_and_download_a_district_report(browser, tmp_path: Path) -> None:
    # The sample's returns, with one service's second quarter left out: uploaded, they
    # replace the folder's own.
    lines = (ROOT / "data" / "sample" / "returns.csv").read_text().splitlines()
    dropped = next(n for n, line in enumerate(lines) if line.startswith("CC-PEN-01,2027,2,"))
    upload = tmp_path / "returns.csv"
    upload.write_text("\n".join(lines[:dropped] + lines[dropped + 1 :]) + "\n")

    with streamlit_server(tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        try:
            page.goto(f"{url}/monitor")
            wait_idle(page)
            main = page.locator('[data-testid="stMain"]')
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            text = main.inner_text()
            assert "Services off track (" in text
            assert "Red: Children" in text and "Pendle (CC-PEN-01)" in text

            page.locator('[data-testid="stSelectbox"]').filter(has_text="District report").click()
            page.keyboard.type("Pendle")  # the list is long: filter it
            page.get_by_role("option", name="Pendle", exact=True).click()
            wait_idle(page)
            main.get_by_role("button", name="Prepare the district's report (PDF)").click()
            page.get_by_role("button", name="Download quarterly-PEN.pdf").wait_for(timeout=120_000)
            wait_idle(page)
            with page.expect_download() as info:
                page.get_by_role("button", name="Download quarterly-PEN.pdf").click()
            download = info.value
            assert download.suggested_filename == "quarterly-PEN.pdf"
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
        finally:
            page.close()
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join((p.extract_text() or "") for p in PdfReader(saved).pages)
    assert "Pendle" in text and "no return for quarter 2" in " ".join(text.split())
