"""Every validation code, all reported at once, each with sheet, row and column."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import codes, run, snapshot, staff, write_csv, write_xlsx  # noqa: E402

from ingest.issues import MESSAGES  # noqa: E402

H = ["日期", "市场", "品名", "单位", "价格"]


def by_code(res, code):
    return [i for i in [*res.errors, *res.warnings] if i.code == code]


def test_every_row_problem_at_once(store, tmp_path):
    rows = [H,
            ["2024-05-06", "城关农贸市场", "大米", "元/公斤", "六块"],          # 2 not_a_number
            ["2024-05-06", "城关农贸市场", "面粉", "元/公斤", 0],               # 3 price_not_positive
            ["2024-05-06", "城关农贸市场", "挂面", "元/公斤", 250000],          # 4 price_absurd
            ["明天", "城关农贸市场", "鸡蛋", "元/公斤", 10],                    # 5 date_unreadable
            ["2027-01-04", "城关农贸市场", "鸭蛋", "元/公斤", 14],              # 6 date_future
            ["2024-05-06", "城关农贸市场", "牛肉", "元/坨", 80],                # 7 unit_unknown
            ["2024-05-06", "城关农贸市场", "羊肉", "", 82],                     # 8 unit_missing
            ["2024-05-06", "城关农贸市场", "", "元/公斤", 5],                   # 9 commodity_missing
            ["2024-05-06", "城关农贸市场", "白条鸡", "元/公斤", 20]]            # 10 fine
    res = run(store, write_xlsx(tmp_path / "bad.xlsx", {"价格": rows}))
    assert res.status == "rejected"
    found = {(i.code, i.row) for i in res.errors}
    assert found == {("not_a_number", 2), ("price_not_positive", 3), ("price_absurd", 4),
                     ("date_unreadable", 5), ("date_future", 6), ("unit_unknown", 7), ("unit_missing", 8),
                     ("commodity_missing", 9)}
    nan = by_code(res, "not_a_number")[0]
    assert (nan.sheet, nan.column) == ("价格", "E")
    assert nan.message() == "「六块」不是数字；价格只填数字，如 12.5"
    assert "not a number" in nan.message("en")
    assert staff(store).empty


def test_date_missing_and_market_missing_reported_once_with_count(store, tmp_path):
    rows = [["品名", "单位", "价格"], ["大米", "元/公斤", 6], ["面粉", "元/公斤", 5]]
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": rows}))
    assert codes(res, "error") == {"date_missing"}
    assert by_code(res, "date_missing")[0].params["count"] == 2
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": rows}), date=date(2024, 5, 6))
    assert codes(res, "error") == {"market_missing"}
    assert "--market" in by_code(res, "market_missing")[0].message()


def test_date_no_year(store, tmp_path):
    rows = [H, ["5月6日", "城关农贸市场", "大米", "元/公斤", 6]]
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": rows}))
    assert codes(res, "error") == {"date_no_year"}
    assert run(store, write_xlsx(tmp_path / "x.xlsx", {"s": rows}), date=date(2024, 1, 1)).date_min == date(2024, 5, 6)


def test_no_data(store, tmp_path):
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": [H]}))
    assert res.status == "rejected"
    assert codes(res, "error") == {"no_data"}


def test_no_layout(store, tmp_path):
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": [["会议纪要"], ["今天讨论了价格"]]}))
    assert codes(res, "error") == {"no_layout"}


def test_warnings_do_not_block_unless_strict(store, tmp_path):
    rows = [["日期", "市场", "品名", "最低价", "平均价", "最高价", "单位"],
            ["2024-05-06", "城关农贸市场", "芹菜", 0, 0, 0, "元/公斤"],        # no_quote
            ["2024-05-06", "城关农贸市场", "韭菜", 8, 7, 6, "元/公斤"],        # low_gt_high
            ["2024-05-06", "城关农贸市场", "菠菜", 6, 0, 8, "元/公斤"],        # avg_from_range
            ["2024-05-06", "城关农贸市场", "生菜", "", "", "", "元/公斤"],     # price_missing
            ["2024-05-06", "城关农贸市场", "黄瓜", 5, 6, 7, "元/公斤"],
            ["2024-05-06", "城关农贸市场", "黄瓜", 5, 6, 7, "元/公斤"],        # duplicate
            ["2024-05-06", "城关农贸市场", "茄子", 5, 6, 7, "元/公斤"],
            ["2024-05-06", "城关农贸市场", "茄子", 5, 6.5, 7, "元/公斤"],      # duplicate_conflict
            ["2024-05-06", "城关农贸市场", "土豆", 1, 2, 3, "元/个"],          # its per-piece series, a new name
            ["2024-05-06", "城关农贸市场", "大豆油", 1, 2, 3, "元/公斤"]]      # unit_mismatch (sold per 桶)
    p = write_xlsx(tmp_path / "w.xlsx", {"s": rows})
    strict = run(store, p, strict=True)
    assert strict.status == "rejected"
    expected = {"no_quote", "low_gt_high", "avg_from_range", "price_missing", "duplicate",
                "duplicate_conflict", "unknown_commodity", "unit_mismatch"}
    assert codes(strict, "error") == expected
    assert staff(store).empty
    res = run(store, p)
    assert res.status == "loaded"
    assert codes(res, "warning") == expected
    got = dict(zip(staff(store)["commodity"], staff(store)["price"], strict=True))
    assert got == {"韭菜": 7.0, "菠菜": 7.0, "黄瓜": 6.0, "茄子": 6.5}
    conflict = by_code(res, "duplicate_conflict")[0]
    assert (conflict.row, conflict.params["other"]) == (9, 8)


def test_mixed_units_for_a_new_name(store, tmp_path):
    rows = [H, ["2024-05-06", "城关农贸市场", "椰子", "元/个", 6], ["2024-05-13", "城关农贸市场", "椰子", "元/个", 6.5],
            ["2024-05-20", "城关农贸市场", "椰子", "元/斤", 4]]
    res = run(store, write_xlsx(tmp_path / "x.xlsx", {"s": rows}), accept_new_names=True)
    assert res.status == "loaded"
    assert by_code(res, "mixed_units")[0].params["count"] == 1
    assert res.new_commodities == {"椰子": ("元/个", "其他")}
    assert list(staff(store)["price"]) == [6.0, 6.5]


def test_unknown_names_suggest_and_need_confirmation(store, tmp_path):
    rows = [H, ["2024-05-06", "城关农贸市场", "带皮五花", "元/公斤", 28], ["2024-05-06", "城关市场", "大米", "元/公斤", 6],
            ["2024-05-06", "新华超市", "大米", "元/公斤", 6.4]]
    p = write_xlsx(tmp_path / "x.xlsx", {"s": rows})
    res = run(store, p)
    assert res.status == "loaded"  # a warning: the known rows load, the unknown ones wait
    u = by_code(res, "unknown_commodity")[0]
    assert u.message().startswith("未知商品「带皮五花」，是否为「猪肉(五花)」？")
    assert by_code(res, "unknown_market")[0].params["name"] == "新华超市"
    assert res.rows_loaded == 1  # 城关市场 is an alias of 城关农贸市场
    assert set(staff(store)["market"]) == {"城关农贸市场"}
    strict = run(store, p, strict=True)
    assert {"unknown_commodity", "unknown_market"} <= codes(strict, "error")
    res = run(store, p, accept_new_names=["新华超市"])  # the page confirms names one by one
    assert res.new_markets == ["新华超市"] and "带皮五花" in res.unknown_names
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM commodities WHERE name = '带皮五花'") == 0
        assert s.scalar("SELECT created_by FROM markets WHERE name = '新华超市'") == "editor"


def test_currency_warning(store, tmp_path):
    rows = [["date", "market", "commodity", "unit", "price", "currency"], ["2024-05-06", "城关农贸市场", "大米", "KG", 60, "KES"]]
    res = run(store, write_csv(tmp_path / "c.csv", rows))
    assert by_code(res, "currency")[0].params["value"] == "KES"


def test_jump_and_market_not_reported_against_previous_week(store, tmp_path):
    week1 = [H, ["2024-04-29", "城关农贸市场", "大米", "元/公斤", 6.0], ["2024-04-29", "惠民超市", "大米", "元/公斤", 6.5],
             ["2024-04-29", "城南农贸市场", "大米", "元/公斤", 6.1]]
    assert run(store, write_xlsx(tmp_path / "1.xlsx", {"s": week1})).status == "loaded"
    one_market = [H, ["2024-05-06", "城南农贸市场", "大米", "元/公斤", 6.1]]
    res = run(store, write_xlsx(tmp_path / "0.xlsx", {"s": one_market}), dry_run=True)
    assert not by_code(res, "market_not_reported")  # one market's own form: the others file theirs
    week2 = [H, ["2024-05-06", "城关农贸市场", "大米", "元/公斤", 9.5], ["2024-05-06", "城南农贸市场", "大米", "元/公斤", 6.1]]
    res = run(store, write_xlsx(tmp_path / "2.xlsx", {"s": week2}))
    assert res.status == "loaded"
    jump = by_code(res, "price_jump")[0]
    assert (jump.params["old"], jump.params["new"], round(jump.params["pct"])) == (6.0, 9.5, 58)
    assert by_code(res, "market_not_reported")[0].params["name"] == "惠民超市"
    strict = run(store, write_xlsx(tmp_path / "3.xlsx", {"s": week2}), strict=True)
    assert strict.status == "rejected" and codes(strict, "error") == {"market_not_reported", "price_jump"}


def test_rejected_file_changes_nothing(store, tmp_path):
    good = [H, ["2024-04-29", "城关农贸市场", "大米", "元/公斤", 6.0]]
    run(store, write_xlsx(tmp_path / "g.xlsx", {"s": good}))
    before = snapshot(store)
    rows = [H] + [["2024-05-06", "城关农贸市场", c, "元/公斤", 5] for c in ("面粉", "挂面", "鸡蛋")]
    rows.append(["2024-05-06", "城关农贸市场", "鸭蛋", "元/公斤", "n/a!"])  # fails at the last row
    res = run(store, write_xlsx(tmp_path / "b.xlsx", {"s": rows}), accept_new_names=True)
    assert res.status == "rejected" and [i.row for i in res.errors] == [5]
    assert snapshot(store) == before


def test_every_code_has_both_languages():
    for code, (zh, en) in MESSAGES.items():
        assert zh and en and zh != en, code
