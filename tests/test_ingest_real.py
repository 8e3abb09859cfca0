"""The real, messy files in ../shared/data/real: each loads with the right values or is
rejected with a message saying exactly why and what to do. Skipped when the folder is absent."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import REAL, run  # noqa: E402

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present")

XINFADI = {"market": "北京新发地", "price_type": "wholesale", "accept_new_names": True}


def one(store, commodity, day, market=None, price_type=None):
    sql = ("SELECT o.price, o.orig_price, o.orig_unit, c.unit, o.price_type FROM observations o"
           " JOIN commodities c ON c.id = o.commodity_id JOIN markets m ON m.id = o.market_id"
           " WHERE o.is_current AND c.name = ? AND o.obs_date = ?")
    params = [commodity, day]
    if market:
        sql += " AND m.name = ?"
        params.append(market)
    if price_type:
        sql += " AND o.price_type = ?"
        params.append(price_type)
    with store.read() as s:
        rows = s.all(sql, params)
    assert len(rows) == 1, rows
    return rows[0]


def count(res, code):
    return [i for i in res.warnings if i.code == code]


def confirmed_run(store, path, **kw):
    """A wholesale market's daily prices: some move more than threefold within days. Each
    such row blocks the file until it is confirmed with a reason; confirmed, the file loads."""
    first = run(store, path, dry_run=True, **kw)
    if first.status == "rejected":
        assert {i.code for i in first.errors} == {"price_jump_large"}, first.errors[:3]
        assert first.skip_offer is not None
    confirm = {f"{i.sheet}:{i.row}": "历史行情，已与市场公布值核对" for i in first.errors}
    res = run(store, path, confirm_rows=confirm, **kw)
    assert len(res.confirmed) == len(confirm)
    return res


def test_xinfadi_veg_xlsx(store):
    res = confirmed_run(store, REAL / "cn_xinfadi_veg_2013-06_to_2014-08.xlsx", **XINFADI)
    assert res.status == "loaded", res.errors[:3]
    # 46,019 rows minus the row blank but for its date and the stray-BOM last row
    assert (res.rows_read, res.markets) == (46017, 1)
    assert (res.date_min, res.date_max) == (date(2013, 6, 10), date(2014, 8, 31))
    # 元/斤 doubled to 元/公斤, the original kept
    assert one(store, "芋头", date(2014, 8, 31)) == (6.2, 3.1, "斤", "元/公斤", "wholesale")
    assert one(store, "大白菜", date(2014, 8, 31))[0] == 0.9
    assert one(store, "土豆", date(2014, 8, 31))[0] == 1.4  # a catalog commodity
    # the 282 "no quote" rows are dropped, once, with a warning saying how many
    assert count(res, "no_quote")[0].params["count"] == 282
    assert len(count(res, "low_gt_high")) == 10
    # 鸽子蛋 quoted per piece in the price cell ("2.85（个）"): its own unit, never converted
    assert one(store, "鸽子蛋", date(2014, 1, 24))[:4] == (2.85, 2.85, "个", "元/个")


def test_xinfadi_fruit_csv_utf8_bom(store):
    res = confirmed_run(store, REAL / "cn_xinfadi_fruit_2015-09_to_2016-05_utf8bom.csv", **XINFADI)
    assert res.status == "loaded", res.errors[:3]
    assert res.rows_read == 18664
    assert one(store, "乔纳金苹果", date(2015, 9, 1))[0] == 2.1
    # the unit in the name (椰青/个) beats the 斤 in the unit column
    assert one(store, "椰青", date(2016, 2, 25))[:4] == (6.25, 6.25, "个", "元/个")
    # 玫瑰香 has 0.00 as its average beside a 2.50..3.00 range: the midpoint, said so
    assert one(store, "玫瑰香", date(2015, 9, 1))[0] == 5.5
    assert len(count(res, "avg_from_range")) == 10


def test_xinfadi_gbk_headerless_csv(store):
    path = REAL / "cn_xinfadi_veg_2021-03-22_gbk_noheader.csv"
    res = run(store, path, **XINFADI)
    assert res.status == "rejected"
    assert [(i.code, i.message()) for i in res.errors] == [
        ("unit_missing", "没有计量单位；请加「计量单位」列，或指定单位（命令行 --unit，上传页「文件中没有写明的信息」）")]
    res = run(store, path, unit="元/斤", **XINFADI)
    assert res.status == "loaded", res.errors
    assert (res.rows_read, res.rows_loaded, res.layout) == (13, 13, "long(headerless)")
    assert "no_header" in {i.code for i in res.warnings}
    # the same name with two specs on one day keeps both, the spec in the name
    assert one(store, "大白菜(存储)", date(2021, 3, 22))[0] == 1.0
    assert one(store, "大白菜(新)", date(2021, 3, 22))[0] == 1.3
    assert one(store, "芹菜", date(2021, 3, 22))[0] == 1.7


def test_pork_sheets_by_date_need_a_year(store):
    path = REAL / "cn_pork_retail_by_city_and_market_4_survey_dates.xlsx"
    res = run(store, path, accept_new_names=True)
    assert res.status == "rejected"
    assert [(i.sheet, i.code) for i in res.errors] == [
        ("Sep.21th", "date_no_year"), ("Oct.5th", "date_no_year"), ("Oct.19th", "date_no_year"),
        ("Nov.2nd", "date_no_year")]
    assert "--date" in res.errors[0].message()
    res = run(store, path, accept_new_names=True, date=date(2023, 1, 1))
    assert res.status == "loaded", res.errors
    assert res.layout == "sheet_per_date/wide_by_market"
    assert (res.rows_loaded, res.commodities, res.date_min, res.date_max) == (
        936, 12, date(2023, 9, 21), date(2023, 11, 2))
    # merged city header "1  ¥/kg" over "Wet market: YR": market "1 Wet market: YR", 元/公斤
    assert one(store, "A", date(2023, 9, 21), "1 Wet market: YR")[:4] == (54.0, 54.0, "¥/kg", "元/公斤")
    assert one(store, "B", date(2023, 10, 5), "1 Supermarket: SS")[0] == 77.6


def test_wfp_hxl_export(store):
    res = confirmed_run(store, REAL / "wfp_food_prices_ken_2019-2023.csv", accept_new_names=True)
    assert res.status == "loaded", res.errors[:3]
    assert res.layout == "hxl"
    assert (res.rows_read, res.markets, res.commodities) == (10238, 62, 47)  # the HXL row is not data
    # a 90 KG sack per kilogram, the original price and unit kept
    price, orig, unit, canonical, ptype = one(store, "Maize (white)", date(2019, 1, 15), "Mombasa", "wholesale")
    assert (round(price, 4), orig, unit, canonical) == (25.6111, 2305.0, "KES/90 KG", "KES/公斤")
    with store.read() as s:  # the currency on every row; no unit says 元
        assert s.all("SELECT DISTINCT currency FROM observations") == [("KES",)]
        assert not s.all("SELECT unit FROM commodities c WHERE unit LIKE '元%'"
                         " AND id IN (SELECT commodity_id FROM observations)")
    assert one(store, "Maize (white)", date(2019, 1, 15), "Kilifi", "retail")[0] == 41.1
    assert [i.params["value"] for i in count(res, "currency")] == ["KES"]
    mixed = {i.params["name"] for i in count(res, "mixed_units")}
    assert mixed == {"Kale", "Cabbage"}  # Milk (UHT) 200 ML and 500 ML are both per litre
