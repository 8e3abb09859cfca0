"""Hand-made copies of the forms county offices use, each loaded whole through ingest_file
with exact values: the two-row weekly form (markets merged over 本周价格/上周价格/环比), the
form with 本周价格/上周价格 each merged over the markets, 沙县's 旬 periodical (one column per
outlet, then 本旬均价 | 上旬均价 | 涨跌幅), markets as rows with the unit under the title, and
one sheet per market."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import run, staff, write_xlsx  # noqa: E402

GC, CN, HM, PF = "城关农贸市场", "城南农贸市场", "惠民超市", "县农产品批发市场"


def loaded(store) -> set:
    df = staff(store)
    return {(d[:10], m, c, round(p, 4))
            for d, m, c, p in zip(df["obs_date"].astype(str), df["market"], df["commodity"], df["price"], strict=True)}


def notes(res) -> list[str]:
    return [i.message() for i in res.notes]


def test_two_row_weekly_form_markets_over_this_week_last_week_change(store, tmp_path):
    rows = [
        ["示范县2024年第18周主要农产品价格监测表"],
        [None, None, None, None, None, None, None, None, None, "单位：元/斤"],
        ["序号", "品名", "规格", GC, None, None, HM, None, None, "备注"],
        [None, None, None, "本周价格", "上周价格", "环比(%)", "本周价格", "上周价格", "环比(%)", None],
        ["一、粮油类"],
        [1, "大米", "粳米", 3.1, 3.0, 3.3, 3.2, 3.2, 0, None],
        [2, "面粉", "富强粉", 2.6, 2.6, 0, "/", 2.5, "—", "惠民超市缺货"],
        ["二、肉禽蛋类"],
        [3, "猪肉(五花肉)", "鲜", 16.5, 16.0, 3.1, "17.00", 16.8, 1.2, None],
        [4, "鸡蛋", "散装", 5.4, 5.5, -1.8, "缺货", 5.6, None, None],
        [None, "平均", None, 6.9, 6.8, 1.0, 10.1, 7.5, 0.6, None],
        [None, None, None, 0, None, None, 0, None, None, None],
        ["注：价格为每周一上午采集的零售价。"],
        ["填报单位：示范县商务局", None, None, "填报人：张三", None, None, "审核人：李四"],
    ]
    merges = ["A1:J1", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:I3", "J3:J4", "A5:J5", "A8:J8"]
    res = run(store, write_xlsx(tmp_path / "w18.xlsx", {"价格监测表": rows}, {"价格监测表": merges}))
    assert res.status == "loaded", res.errors
    assert res.warnings == []
    assert loaded(store) == {
        ("2024-04-29", GC, "大米", 6.2), ("2024-04-29", HM, "大米", 6.4), ("2024-04-29", GC, "面粉", 5.2),
        ("2024-04-29", GC, "猪肉(五花)", 33.0), ("2024-04-29", HM, "猪肉(五花)", 34.0), ("2024-04-29", GC, "鸡蛋", 10.8)}
    assert notes(res) == ["观测日期取 2024-04-29：标题写明「2024年第18周」，第N周取该周星期一"]
    import json

    from pricewatch.store import queries

    with store.read() as s:  # kept with the upload, for its history
        stored = json.loads(queries.uploads.upload_report(s, res.upload_id))
    assert [n["message"] for n in stored["notes"]] == notes(res)
    df = staff(store)
    assert set(df.loc[df["commodity"] == "大米", "category"]) == {"粮油"}


def test_this_week_and_last_week_each_merged_over_the_markets(store, tmp_path):
    rows = [
        ["示范县主要商品价格监测表（2024.05.06）"],
        ["品名", "计量单位", "本周价格", None, None, "上周价格", None, None, "涨跌幅(%)"],
        [None, None, GC, CN, HM, GC, CN, HM, None],
        ["大米", "元/公斤", 6.2, 6.1, 6.5, 6.0, 6.0, 6.4, 2.1],
        ["土豆", "元/斤", 1.6, "-", 1.8, 1.5, 1.5, 1.7, 5.0],
        ["白条鸡", "元/500克", "－", 11.0, 12.5, 10.8, 10.9, 12.0, 1.5],
        [None, None, 0, 0, 0, None, None, None, None],
        ["合计", None, 19.8, 17.1, 20.8, 18.3, 17.4, 20.1, None],
    ]
    merges = ["A1:I1", "A2:A3", "B2:B3", "C2:E2", "F2:H2", "I2:I3"]
    res = run(store, write_xlsx(tmp_path / "d.xlsx", {"Sheet1": rows}, {"Sheet1": merges}))
    assert res.status == "loaded", res.errors
    assert res.warnings == []
    assert loaded(store) == {
        ("2024-05-06", GC, "大米", 6.2), ("2024-05-06", CN, "大米", 6.1), ("2024-05-06", HM, "大米", 6.5),
        ("2024-05-06", GC, "土豆", 3.2), ("2024-05-06", HM, "土豆", 3.6),
        ("2024-05-06", CN, "白条鸡", 22.0), ("2024-05-06", HM, "白条鸡", 25.0)}


def test_shaxian_style_xun_periodical_one_column_per_outlet(store, tmp_path):
    rows = [
        ["沙县价格监测期刊"],
        ["2024年5月上旬（总第123期）", None, None, None, None, None, None, "计价单位：元/500克"],
        ["序号", "品名", GC, CN, HM, "本旬均价", "上旬均价", "涨跌幅(%)"],
        [1, "大白菜", 1.2, 1.3, 1.5, 1.33, 1.25, 6.4],
        [2, "西红柿", 3.0, None, 3.4, 3.2, 3.1, 3.2],
        [3, "草鱼", 9.0, 9.5, "未采", 9.25, 9.0, 2.8],
        [None, None, None, None, None, 0, 0, None],
        ["说明：本旬均价为各监测点算术平均。"],
    ]
    res = run(store, write_xlsx(tmp_path / "xun.xlsx", {"5月上旬": rows}, {"5月上旬": ["A1:H1"]}))
    assert res.status == "loaded", res.errors
    assert res.warnings == []
    assert loaded(store) == {
        ("2024-05-01", GC, "大白菜", 2.4), ("2024-05-01", CN, "大白菜", 2.6), ("2024-05-01", HM, "大白菜", 3.0),
        ("2024-05-01", GC, "西红柿", 6.0), ("2024-05-01", HM, "西红柿", 6.8),
        ("2024-05-01", GC, "草鱼", 18.0), ("2024-05-01", CN, "草鱼", 19.0)}
    assert "旬" in notes(res)[0] and "2024-05-01" in notes(res)[0]


def test_markets_as_rows_unit_under_the_title(store, tmp_path):
    rows = [
        ["2024年5月中旬主要商品零售价格（按监测点）"],
        ["单位：元/公斤"],
        ["监测点", "大米", "猪肉(五花)", "鸡蛋", "苹果", "备注"],
        [GC, 6.2, 32.0, 11.0, 9.0, None],
        [CN, 6.0, "/", 10.6, 8.8, "猪肉未采"],
        [HM, "6.50", 33.5, None, 10.2, None],
        ["平均", 6.23, 32.75, 10.8, 9.33, None],
        ["填报人：王五"],
    ]
    res = run(store, write_xlsx(tmp_path / "mr.xlsx", {"价格": rows}))
    assert res.status == "loaded", res.errors
    assert res.warnings == []
    d = "2024-05-11"
    assert loaded(store) == {
        (d, GC, "大米", 6.2), (d, GC, "猪肉(五花)", 32.0), (d, GC, "鸡蛋", 11.0), (d, GC, "苹果", 9.0),
        (d, CN, "大米", 6.0), (d, CN, "鸡蛋", 10.6), (d, CN, "苹果", 8.8),
        (d, HM, "大米", 6.5), (d, HM, "猪肉(五花)", 33.5), (d, HM, "苹果", 10.2)}


def test_one_sheet_per_market_named_by_the_sheet(store, tmp_path):
    def sheet(prices):
        return [["2024年5月1日-10日主要商品价格"], ["品名", "单位", "价格", "上期价格", "备注"],
                *[[c, u, p, None, None] for c, u, p in prices],
                ["填报人：赵六", None, "填报日期：2024-05-11"]]
    sheets = {GC: sheet([("大米", "元/公斤", 6.2), ("鸡蛋", "元/斤", 5.5)]),
              "城南市场": sheet([("大米", "元/公斤", 6.0), ("鸡蛋", "元/斤", "缺货")]),
              "说明": [["各监测点一张表，表名即监测点名称。"]]}
    res = run(store, write_xlsx(tmp_path / "per_market.xlsx", sheets))
    assert res.status == "loaded", res.errors
    assert res.warnings == []
    assert loaded(store) == {("2024-05-01", GC, "大米", 6.2), ("2024-05-01", GC, "鸡蛋", 11.0),
                             ("2024-05-01", CN, "大米", 6.0)}  # 城南市场 is an alias of 城南农贸市场
    assert res.layout.startswith("sheet_per_market/")
    assert date(2024, 5, 1) == res.date_min


def test_a_commodity_nobody_priced_is_no_category_heading():
    from ingest.layouts import Context, extract

    rows = [["示范县2024年第18周价格"], ["品名", GC, CN], ["一、粮油类"], ["大米", 6, 6.1], ["面粉", None, "/"],
            ["挂面"], ["切面", 5, None], ["二、蔬菜类"], ["白菜", 1.2, 1.3]]
    (res,) = extract([("s", rows)], Context())
    assert [(r[5], r[4], r[8], r[12]) for r in res.records] == [
        ("大米", GC, 6, "粮油"), ("大米", CN, 6.1, "粮油"), ("切面", GC, 5, "粮油"), ("白菜", GC, 1.2, "蔬菜"),
        ("白菜", CN, 1.3, "蔬菜")]
