"""Each layout and each container, read into the store with the right values."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import (  # noqa: E402
    codes,
    long_rows,
    run,
    staff,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)

from ingest.normalise import parse_date  # noqa: E402


def prices(store, commodity: str) -> dict[tuple[str, str], float]:
    df = staff(store, "commodity = ?", [commodity])
    return {(m, str(d)[:10]): round(p, 4) for m, d, p in zip(df["market"], df["obs_date"], df["price"], strict=True)}


# -- containers ------------------------------------------------------------------------
def test_xlsx_long_table_with_real_dates(store, tmp_path):
    rows = [["日期", "市场", "品名", "规格", "单位", "价格"],
            [datetime(2024, 4, 29), "城关农贸市场", "大米", "粳米", "元/公斤", 6.2],
            [datetime(2024, 4, 29), "城南农贸市场", "大米", "粳米", "元/斤", 3.1]]
    res = run(store, write_xlsx(tmp_path / "w18.xlsx", {"价格": rows}))
    assert res.status == "loaded", res.errors
    assert res.layout == "long"
    assert (res.rows_read, res.rows_loaded, res.commodities, res.markets) == (2, 2, 1, 2)
    assert prices(store, "大米") == {("城关农贸市场", "2024-04-29"): 6.2, ("城南农贸市场", "2024-04-29"): 6.2}


def test_xlsm_is_read_like_xlsx(store, tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", {"价格": long_rows(大米__城关农贸市场=6.0)})
    res = run(store, p.rename(tmp_path / "a.xlsm"))
    assert res.status == "loaded"
    assert prices(store, "大米") == {("城关农贸市场", "2024-04-29"): 6.0}


def test_xls_biff8(store, tmp_path):
    rows = [["日期", "市场", "品名", "单位", "价格"], [date(2024, 5, 6), "惠民超市", "鸡蛋", "元/斤", 5.5]]
    res = run(store, write_xls(tmp_path / "w19.xls", rows))
    assert res.status == "loaded", res.errors
    assert prices(store, "鸡蛋") == {("惠民超市", "2024-05-06"): 11.0}


def test_ods(store, tmp_path):
    rows = [["日期", "市场", "品名", "单位", "价格"], ["2024-05-06", "城关农贸市场", "白条鸡", "元/公斤", 19.8]]
    res = run(store, write_ods(tmp_path / "w19.ods", rows))
    assert res.status == "loaded", res.errors
    assert prices(store, "白条鸡") == {("城关农贸市场", "2024-05-06"): 19.8}


@pytest.mark.parametrize(("encoding", "sep", "newline", "ext"), [
    ("utf-8", ",", "\n", ".csv"), ("utf-8-sig", ",", "\r\n", ".csv"), ("gbk", ",", "\n", ".csv"),
    ("gb18030", "\t", "\n", ".txt"), ("utf-8", ";", "\r\n", ".csv"),
])
def test_text_encodings_and_delimiters(store, tmp_path, encoding, sep, newline, ext):
    rows = [["日期", "市场", "品名", "单位", "价格"], ["2024/5/6", "城关农贸市场", "大白菜", "元/斤", "1.20"],
            ["2024年5月6日", "城南农贸市场", "大白菜", "元/500克", "1,30"]]
    if sep == ",":
        rows[2][4] = "1.30"
    res = run(store, write_csv(tmp_path / f"f{ext}", rows, encoding=encoding, sep=sep, newline=newline))
    assert res.status == "loaded", res.errors
    assert prices(store, "大白菜") == {("城关农贸市场", "2024-05-06"): 2.4, ("城南农贸市场", "2024-05-06"): 2.6}


# -- layouts -------------------------------------------------------------------------
def test_long_table_low_avg_high_uses_average(store, tmp_path):
    rows = [["品名", "最低价", "平均价", "最高价", "规格", "单位", "发布日期"],
            ["芹菜", 1.0, 1.25, 1.5, "普通", "斤", "2024-05-06"]]
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": rows}), market="城关农贸市场")
    assert res.status == "loaded", res.errors
    assert prices(store, "芹菜") == {("城关农贸市场", "2024-05-06"): 2.5}


def test_wide_by_market(store, tmp_path):
    rows = [["品名", "单位", "城关农贸市场", "城南市场", "惠民超市"],
            ["猪肉(五花)", "元/公斤", 28, 27.5, None],
            ["鸡蛋", "元/斤", 5.2, "", 5.6]]
    res = run(store, write_xlsx(tmp_path / "w.xlsx", {"s": rows}), date=date(2024, 5, 6))
    assert res.status == "loaded", res.errors
    assert res.layout == "wide_by_market"
    assert prices(store, "猪肉(五花)") == {("城关农贸市场", "2024-05-06"): 28.0, ("城南农贸市场", "2024-05-06"): 27.5}
    assert prices(store, "鸡蛋") == {("城关农贸市场", "2024-05-06"): 10.4, ("惠民超市", "2024-05-06"): 11.2}


def test_wide_by_market_two_row_merged_header_with_unit(store, tmp_path):
    rows = [["", "城关 元/斤", None, "惠民超市", None],
            ["品名", "早市", "晚市", "一店", "二店"],
            ["黄瓜", 3.0, 2.5, 3.5, None]]
    p = write_xlsx(tmp_path / "m.xlsx", {"s": rows}, {"s": ["B1:C1", "D1:E1"]})
    res = run(store, p, date=date(2024, 5, 6), accept_new_names=True)
    # 惠民超市's group names no unit: the file is rejected until --unit supplies it
    assert res.status == "rejected" and codes(res, "error") == {"unit_missing"}
    res = run(store, p, date=date(2024, 5, 6), accept_new_names=True, unit="元/公斤")
    assert res.status == "loaded", res.errors
    # the group's unit (元/斤) applies to its own columns and wins over --unit
    assert prices(store, "黄瓜") == {("城关 早市", "2024-05-06"): 6.0, ("城关 晚市", "2024-05-06"): 5.0,
                                   ("惠民超市 一店", "2024-05-06"): 3.5}
    assert res.new_markets == ["城关 早市", "城关 晚市", "惠民超市 一店"]


def test_wide_by_date(store, tmp_path):
    rows = [["品名", "市场", "单位", datetime(2024, 4, 29), datetime(2024, 5, 6)],
            ["大米", "城关农贸市场", "元/公斤", 6.1, 6.2]]
    res = run(store, write_xlsx(tmp_path / "d.xlsx", {"s": rows}))
    assert res.status == "loaded", res.errors
    assert res.layout == "wide_by_date"
    assert prices(store, "大米") == {("城关农贸市场", "2024-04-29"): 6.1, ("城关农贸市场", "2024-05-06"): 6.2}


def test_wide_by_date_text_headers_take_year_from_title(store, tmp_path):
    rows = [["2024年示范县蔬菜价格"], ["品名", "单位", "5月6日", "5月13日"], ["菠菜", "元/公斤", 8, 8.4]]
    res = run(store, write_xlsx(tmp_path / "d.xlsx", {"s": rows}), market="城关农贸市场")
    assert res.status == "loaded", res.errors
    assert prices(store, "菠菜") == {("城关农贸市场", "2024-05-06"): 8.0, ("城关农贸市场", "2024-05-13"): 8.4}


def weekly_form(week_title: str = "示范县2024年第18周主要商品价格监测表", footer_date: str | None = "2024年5月6日"):
    rows = [[week_title],
            ["", "", "", "", "", "城关农贸市场", None, None, "惠民超市", None, None],
            ["序号", "类别", "品名", "规格等级", "计量单位", "本周价格", "上周价格", "环比(%)", "本周价格", "上周价格", "环比(%)"],
            ["一、粮油"],
            [1, "", "大米", "粳米 一级", "元/公斤", 6.2, 6.0, 3.3, 6.8, 6.8, 0],
            [2, "", "面粉", "富强粉", "元/公斤", 5.0, 5.0, 0, "", "", ""],
            ["二、蔬菜"],
            [3, "", "大白菜", "", "元/斤", 1.2, 1.1, 9.1, 1.4, 1.4, 0],
            [],
            ["填报单位: 示范县商务局", "", "", "填报人: 张三", "", "审核人: 李四", "", "", "日期:", footer_date]]
    return rows


def test_county_weekly_form_with_market_groups(store, tmp_path):
    p = write_xlsx(tmp_path / "form.xlsx", {"价格监测表": weekly_form()},
                   {"价格监测表": ["A1:K1", "F2:H2", "I2:K2"]})
    res = run(store, p)
    assert res.status == "loaded", res.errors
    assert res.layout == "weekly_form"
    # dated the Monday of 2024-W18, not the filing date in the footer
    assert (res.date_min, res.date_max) == (date(2024, 4, 29), date(2024, 4, 29))
    assert prices(store, "大米") == {("城关农贸市场", "2024-04-29"): 6.2, ("惠民超市", "2024-04-29"): 6.8}
    assert prices(store, "面粉") == {("城关农贸市场", "2024-04-29"): 5.0}
    assert prices(store, "大白菜") == {("城关农贸市场", "2024-04-29"): 2.4, ("惠民超市", "2024-04-29"): 2.8}
    df = staff(store, "commodity = '大白菜'")
    assert set(df["category"]) == {"蔬菜"}


def test_weekly_form_dated_by_footer_only_says_so(store, tmp_path):
    p = write_xlsx(tmp_path / "form.xlsx", {"s": weekly_form("示范县主要商品价格监测表")})
    res = run(store, p)
    assert res.status == "loaded", res.errors
    assert res.date_min == date(2024, 5, 6)
    assert "date_from_footer" in codes(res, "warning")


def test_weekly_form_without_any_date_is_rejected(store, tmp_path):
    p = write_xlsx(tmp_path / "form.xlsx", {"s": weekly_form("示范县主要商品价格监测表", None)})
    res = run(store, p)
    assert res.status == "rejected"
    assert "date_missing" in codes(res, "error")
    # --date supplies it
    assert run(store, p, date=date(2024, 5, 6)).status == "loaded"


def test_template_round_trip(store, tmp_path):
    from openpyxl import load_workbook

    from ingest.template import write_template

    p = write_template(tmp_path / "t.xlsx", store, year=2024, week=18)
    wb = load_workbook(p)
    ws = wb["价格监测表"]
    assert ws["A1"].value == "示范县2024年第18周主要商品价格监测表"
    assert wb["目录"].sheet_state == "hidden"
    lists = {str(dv.sqref).split(':')[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2"].startswith("=目录!$B$1")  # markets
    assert lists["C4"].startswith("=目录!$A$1")  # commodities
    assert lists["E4"].startswith("=目录!$C$1")  # units
    row = next(r for r in range(4, 60) if ws.cell(r, 3).value == "大米")
    ws.cell(r := row, 6, 6.3)
    ws["B2"] = "惠民超市"
    egg = next(r for r in range(4, 60) if ws.cell(r, 3).value == "鸡蛋")
    ws.cell(egg, 6, 11.5)
    wb.save(p)
    res = run(store, p)
    assert res.status == "loaded", res.errors
    assert res.layout == "weekly_form" and res.rows_loaded == 2 and r
    assert prices(store, "大米") == {("惠民超市", "2024-04-29"): 6.3}
    assert prices(store, "鸡蛋") == {("惠民超市", "2024-04-29"): 11.5}


def test_hxl_export(store, tmp_path):
    rows = [["date", "admin1", "market", "category", "commodity", "unit", "pricetype", "currency", "price", "usdprice"],
            ["#date", "#adm1+name", "#loc+market+name", "#item+type", "#item+name", "#item+unit",
             "#item+price+type", "#currency", "#value", "#value+usd"],
            ["2023-01-15", "Coast", "城关农贸市场", "cereals", "大米", "90 KG", "Wholesale", "CNY", "540", "80"],
            ["2023-01-15", "Coast", "城关农贸市场", "cereals", "大米", "KG", "Retail", "CNY", "6.5", "1"]]
    res = run(store, write_csv(tmp_path / "wfp.csv", rows))
    assert res.status == "loaded", res.errors
    assert res.layout == "hxl" and res.rows_read == 2
    df = staff(store, "commodity = '大米'")
    got = {(t, round(p, 4)) for t, p in zip(df["price_type"], df["price"], strict=True)}
    assert got == {("wholesale", 6.0), ("retail", 6.5)}
    with store.read() as s:
        orig = s.all("SELECT orig_price, orig_unit FROM observations WHERE price_type = 'wholesale'")
    assert orig == [(540.0, "90 KG")]


def test_one_sheet_per_date_year_from_option(store, tmp_path):
    sheets = {name: [["品名", "单位", "城关农贸市场"], ["牛肉", "元/公斤", price]]
              for name, price in (("Sep.21th", 78.0), ("Oct.5th", 79.0), ("5月6日", 80.0))}
    p = write_xlsx(tmp_path / "s.xlsx", sheets)
    rejected = run(store, p)
    assert rejected.status == "rejected"
    assert {i.code for i in rejected.errors} == {"date_no_year"}
    assert {i.sheet for i in rejected.errors} == {"Sep.21th", "Oct.5th", "5月6日"}
    res = run(store, p, date=date(2024, 1, 1))
    assert res.status == "loaded", res.errors
    assert res.layout == "sheet_per_date/wide_by_market"
    assert prices(store, "牛肉") == {("城关农贸市场", "2024-09-21"): 78.0, ("城关农贸市场", "2024-10-05"): 79.0,
                                   ("城关农贸市场", "2024-05-06"): 80.0}


def test_headerless_csv_by_position(store, tmp_path):
    rows = [["大白菜", "0.40", "0.50", "0.60", "存储", "2021-03-22"], ["芹菜", "0.70", "0.85", "1.00", "鲁", "2021-03-22"]]
    p = write_csv(tmp_path / "h.csv", rows, encoding="gbk")
    res = run(store, p, market="县农产品批发市场", unit="元/斤")
    assert res.status == "loaded", res.errors
    assert res.layout == "long(headerless)"
    assert "no_header" in codes(res, "warning")
    assert prices(store, "芹菜") == {("县农产品批发市场", "2021-03-22"): 1.7}
    assert set(staff(store)["price_type"]) == {"wholesale"}  # the market's kind


def test_unit_in_name_and_header(store, tmp_path):
    rows = [["日期", "市场", "品名", "单位", "价格(元/斤)"], ["2024-05-06", "城关农贸市场", "土豆", "", 2.0],
            ["2024-05-06", "城关农贸市场", "洋葱/公斤", "", 3.6]]
    res = run(store, write_xlsx(tmp_path / "u.xlsx", {"s": rows}))
    assert res.status == "loaded", res.errors
    assert prices(store, "土豆") == {("城关农贸市场", "2024-05-06"): 4.0}
    assert prices(store, "洋葱") == {("城关农贸市场", "2024-05-06"): 3.6}


def test_hidden_and_non_price_sheets_are_skipped(store, tmp_path):
    from openpyxl import load_workbook

    p = write_xlsx(tmp_path / "x.xlsx", {"说明": [["本表由内贸股填报"]], "价格": long_rows(大米__城关农贸市场=6.0),
                                          "目录": [["a", "b"]]})
    wb = load_workbook(p)
    wb["目录"].sheet_state = "hidden"
    wb.save(p)
    res = run(store, p)
    assert res.status == "loaded", res.errors
    assert "sheet_skipped" not in codes(res, "warning")  # text alone: a cover page, quietly skipped
    p = write_xlsx(tmp_path / "y.xlsx", {"说明": [["合计", 12, 30]], "价格": long_rows(大米__城关农贸市场=6.2)})
    res = run(store, p)
    assert res.status == "loaded", res.errors
    assert "sheet_skipped" in codes(res, "warning")  # numbers that are no table: said so


@pytest.mark.parametrize(("text", "year", "expected"), [
    ("2024-05-01", None, date(2024, 5, 1)), ("2024/5/1", None, date(2024, 5, 1)),
    ("2024.5.1", None, date(2024, 5, 1)), ("2024年5月1日", None, date(2024, 5, 1)),
    ("5月1日", 2024, date(2024, 5, 1)), ("2024-W18", None, date(2024, 4, 29)),
    ("2024年第18周", None, date(2024, 4, 29)), ("第18周", 2024, date(2024, 4, 29)),
    (45413, None, date(2024, 5, 1)), ("45413", None, date(2024, 5, 1)), ("20240501", None, date(2024, 5, 1)),
    (datetime(2024, 5, 1, 8, 30), None, date(2024, 5, 1)), ("2024-05-01 08:30:00", None, date(2024, 5, 1)),
    ("Sep.21th", 2023, date(2023, 9, 21)), ("Nov.2nd", 2023, date(2023, 11, 2)),
])
def test_date_forms(text, year, expected):
    assert parse_date(text, year) == (expected, None)


@pytest.mark.parametrize(("text", "problem"), [("5月1日", "no_year"), ("第18周", "no_year"),
                                                 ("Sep.21th", "no_year"), ("下周一", "unreadable"),
                                                 ("2024-02-30", "unreadable")])
def test_date_problems(text, problem):
    assert parse_date(text, None) == (None, problem)


def test_demo_weekly_form_with_a_wholesale_sheet(store, tmp_path):
    """pricewatch.demo files some weeks on the form: a 零售 sheet with a group per market and a
    批发 sheet for the wholesale market alone (元/斤 for produce), the type in the title rows."""
    from pricewatch import demo

    day = date(2024, 2, 26)
    rows = [[day, "城关农贸市场", "粮油", "大米", "", "元/公斤", 6.4, "零售"],
            [day, "惠民超市", "粮油", "大米", "", "元/公斤", 6.98, "零售"],
            [day, "城关农贸市场", "蔬菜", "菠菜", "", "元/公斤", 8.2, "零售"],
            [day, "县农产品批发市场", "蔬菜", "菠菜", "", "元/斤", 3.1, "批发"]]
    p = tmp_path / "2024-W09_价格监测.xlsx"
    demo._write_form(p, 2024, 9, rows, {("大米", "城关农贸市场"): 6.3})
    res = run(store, p)
    assert res.status == "loaded", res.errors
    assert res.layout == "weekly_form" and res.rows_loaded == 4
    df = staff(store)
    got = {(c, m, t, round(x, 2)) for c, m, t, x in zip(df["commodity"], df["market"], df["price_type"], df["price"], strict=True)}
    assert got == {("大米", "城关农贸市场", "retail", 6.4), ("大米", "惠民超市", "retail", 6.98),
                   ("菠菜", "城关农贸市场", "retail", 8.2), ("菠菜", "县农产品批发市场", "wholesale", 6.2)}
    assert set(df["obs_date"].astype(str)) == {"2024-02-26"}
