"""The real files' quirks from small copies in tests/fixtures/ingest (always present)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import run, staff  # noqa: E402

FIX = Path(__file__).parent / "fixtures" / "ingest"


def test_gbk_headerless_slice(store):
    res = run(store, FIX / "cn_xinfadi_veg_2021-03-22_gbk_noheader.csv", market="县农产品批发市场", unit="元/斤",
              accept_new_names=True)
    assert res.status == "loaded", res.errors
    df = staff(store, "commodity = '芹菜'")
    # 芹菜,0.70,0.85,1.00,鲁,2021-03-22: the average, 元/斤 -> 元/公斤
    assert (round(df["price"][0], 2), df["price_type"][0], str(df["obs_date"][0])[:10]) == (1.7, "wholesale", "2021-03-22")


def test_pork_slice_sheet_dates(store):
    res = run(store, FIX / "cn_pork_retail_by_city_and_market_4_survey_dates.xlsx", date=date(2023, 1, 1),
              accept_new_names=True)
    assert res.status == "loaded", res.errors
    assert res.rows_loaded == 936 and res.markets == 29
    df = staff(store, "commodity = 'L' AND market = '9 Supermarket: HR'")
    assert len(df) == 4 and set(df["unit"]) == {"元/公斤"}


def test_wfp_slice_hxl_row_and_sacks(store):
    res = run(store, FIX / "wfp_food_prices_ken_slice.csv", accept_new_names=True)
    assert res.status == "loaded", res.errors
    assert res.rows_read == 40  # the HXL row is not a data row
    with store.read() as s:
        rows = s.all("SELECT o.price, o.orig_price, o.orig_unit, o.currency, c.unit FROM observations o"
                     " JOIN commodities c ON c.id = o.commodity_id WHERE o.orig_unit = 'KES/90 KG' ORDER BY o.id LIMIT 1")
        currencies = {r[0] for r in s.all("SELECT DISTINCT currency FROM observations")}
    price, orig, unit, currency, canonical = rows[0]
    assert unit == "KES/90 KG" and round(price, 6) == round(orig / 90, 6)
    assert (currency, canonical) == ("KES", "KES/公斤") and currencies == {"KES"}  # never 元
