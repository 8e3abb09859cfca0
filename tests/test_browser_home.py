"""A real browser (Debian chromium via Playwright) loads the home page: the Chinese
headline is there, no exception is shown, and a phone-width view does not scroll sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.store import Store
from tests.helpers import (
    app_env,
    assert_no_sideways_scroll,
    browser_on_app,
    in_each_viewport,
    screenshot,
)


@pytest.mark.browser
def test_home_page_in_a_real_browser(small_db: Store, tmp_path: Path) -> None:
    env = app_env(small_db.path, tmp_path / "interpretations")
    with browser_on_app(env) as (browser, url):
        for name, page in in_each_viewport(browser, url + "/"):
            page.get_by_text("本周监测2种商品").wait_for(timeout=30000)
            page.wait_for_timeout(500)
            exc = page.locator("[data-testid='stException']")
            assert exc.count() == 0, exc.first.inner_text()
            assert page.get_by_role("heading", name="本周价格").count() >= 1
            assert_no_sideways_scroll(page, name)
            screenshot(page, f"home-{name}")
