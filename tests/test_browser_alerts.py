"""The public home page in a real browser, on data where ALPS is at crisis level for staff:
the public sees the rule alerts (level in words on a badge, a link to the trend) and no ALPS,
no 危机, by default. Screenshots at desktop and phone width go to test-artifacts/."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from pricewatch import indicators
from pricewatch.config import Settings
from pricewatch.periods import period_of
from tests.fixtures.indicator_data import make_store
from tests.helpers import (
    app_env,
    assert_no_sideways_scroll,
    browser_on_app,
    in_each_viewport,
    screenshot,
)

WEEKS = 170
MONDAY = date(2021, 1, 4)


def _rows() -> list[tuple]:
    """Three years and more of weekly prices with a season; the last week jumps."""
    rows = []
    for t in range(WEEKS):
        d = MONDAY + timedelta(weeks=t)
        season = math.sin(2 * math.pi * t / 52)
        noise = ((t * 37) % 11 - 5) / 100
        pork = (24 + 0.02 * t + 1.5 * season + noise) * (1.3 if t == WEEKS - 1 else 1.0)
        rows += [("猪肉(五花)", m, d, round(pork * k, 2)) for m, k in (("甲市场", 1.0), ("乙市场", 1.04))]
        eggs = (9 + 0.3 * season + noise / 2) * (1.08 if t == WEEKS - 1 else 1.0)
        rows += [("鸡蛋", m, d, round(eggs * k, 2)) for m, k in (("甲市场", 1.0), ("乙市场", 0.97))]
        rows += [("大米", m, d, 6.0) for m in ("甲市场", "乙市场")]
    return rows


@pytest.mark.browser
def test_public_home_shows_rule_alerts_and_no_alps(tmp_path: Path) -> None:
    store = make_store(tmp_path / "alerts.duckdb", _rows())
    latest = period_of(MONDAY + timedelta(weeks=WEEKS - 1)).label
    staff = indicators.report(store, period=latest, public=False, settings=Settings())
    assert "猪肉(五花)" in [a["commodity"] for a in staff.alerts if a["kind"] == "alps"]  # staff see it
    assert any("危机" in a["message"] for a in staff.alerts)
    public = indicators.report(store, period=latest, public=True, settings=Settings())
    assert [a["commodity"] for a in public.alerts] == ["猪肉(五花)", "鸡蛋"]
    assert public.alerts[0]["message"].startswith("猪肉(五花)价格环比上涨30.")
    (tmp_path / "interpretations").mkdir()
    with browser_on_app(app_env(store.path, tmp_path / "interpretations")) as (browser, url):
        for name, page in in_each_viewport(browser, url + "/"):
            page.get_by_text("价格异常波动标准").first.wait_for(timeout=30000)
            page.wait_for_timeout(500)
            body = page.inner_text("body")
            assert "ALPS" not in body and "危机" not in body
            for a in public.alerts:                      # every public alert, as written
                assert a["message"] in body
            assert body.count("黄色预警") >= 2              # the level in words, not colour alone
            link = page.get_by_role("link", name="走势 →").first
            assert "trend?commodity=" in (link.get_attribute("href") or "")
            assert_no_sideways_scroll(page, name)
            screenshot(page, f"home-alerts-{name}")
