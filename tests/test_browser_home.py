"""A real browser (Debian chromium via Playwright) loads the home page: the Chinese
headline is there, no exception is shown, and a phone-width view does not scroll sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.store import Store
from tests.conftest import BROWSER_ARGS, ROOT, chromium_or_skip, start_streamlit

ARTIFACTS = ROOT / "test-artifacts"


@pytest.mark.browser
def test_home_page_in_a_real_browser(small_db: Store, tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    proc, url = start_streamlit({"PRICEWATCH_DB": str(small_db.path),
                                 "PRICEWATCH_NOTES_DIR": str(tmp_path / "interpretations")})
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            for name, (w, h) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(url + "/", wait_until="networkidle")
                page.get_by_text("本周监测2种商品").wait_for(timeout=30000)
                page.wait_for_timeout(500)
                exc = page.locator("[data-testid='stException']")
                assert exc.count() == 0, exc.first.inner_text()
                assert page.get_by_role("heading", name="本周价格").count() >= 1
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name}: page scrolls sideways by {overflow}px"
                page.screenshot(path=str(ARTIFACTS / f"home-{name}.png"), full_page=True)
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
