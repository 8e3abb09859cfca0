"""The columnar ingest/validate.py against the former row-by-row code (tests/reference_validate.py,
kept for this test only; delete both together once the old path is no longer wanted).

Several hundred generated sheets, each with a random mix of every kind of cell the checks
tell apart (text and float prices, prices with a unit, 0/0/0 quotes, low > high, units in the
name, several specs a day, dates of every form, blank markets, other currencies, duplicates,
per-piece units, absurd prices ...), run through the real layouts, then through both
prepare() paths with random options, and both history_checks() with random stored prices.
Records, issue codes, severities, places, parameters and both languages' messages must be
identical, and so must the names to add and the unknown names.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from ingest.layouts import Context, extract
from ingest.normalise import Catalog
from ingest.validate import history_checks, prepare

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
import reference_validate as old  # noqa: E402 - the old path, a module beside this test

TODAY = date(2024, 6, 30)
SEEDS = 200
COMMODITIES = [("大米", "粮油", "元/公斤"), ("鸡蛋", "蛋类", "元/公斤"), ("猪肉(五花)", "肉类", "元/公斤"),
               ("椰青", "水果", "元/个"), ("大白菜", "蔬菜", "元/公斤"), ("食用油", "粮油", "元/升")]
ALIASES = [("五花肉", "猪肉(五花)"), ("白菜", "大白菜")]
MARKETS = [("城关农贸市场", "农贸市场"), ("县批发市场", "批发市场"), ("惠民超市", "超市")]
MARKET_ALIASES = [("城关市场", "城关农贸市场")]
NAMES = ["大米", "鸡蛋", "猪肉（五花）", "五花肉", "椰青/个", "白菜", "大白菜", "食用油", "香菇", "木耳",
         "红玉/600", "香菇 ", "\ufeff大米", "", None, "鸽子蛋", "土豆/斤", 123]
MKTS = ["城关农贸市场", "县批发市场", "惠民超市", "城关市场", "城西市场", "新市场", "", None, "  "]
UNITS = ["元/公斤", "元/斤", "元/500克", "元/个", "斤", "公斤", "元/箱", "kg", "", None, "元/升", "90 KG", "一筐", "xyz"]
SPECS = [None, None, None, "存储", "新", "一级", "", "  "]
CATS = [None, "粮油", "蔬菜", "干货", "", "一、粮油"]
PTS = [None, "零售", "批发", "retail", "Wholesale", "其他"]
CURS = [None, "CNY", "KES", "元", "usd", ""]


def _price(rng: random.Random):
    r = rng.random()
    if r < 0.45:
        return round(rng.uniform(1, 40), 2)
    if r < 0.55:
        return str(round(rng.uniform(1, 40), 2))
    return rng.choice([None, "", 0, 0.0, -3, "abc", "2.7（个）", "12元", "1,30", "1,234.5", "—", "/",
                       float("nan"), 250000.0, 7, "7.00", True, " 8 "])


def _date(rng: random.Random, base: date):
    d = base + timedelta(days=rng.randrange(0, 60))
    r = rng.random()
    if r < 0.5:
        return datetime(d.year, d.month, d.day)
    if r < 0.6:
        return d
    return rng.choice([d.isoformat(), f"{d.year}年{d.month}月{d.day}日", f"{d.month}月{d.day}日", "", None,
                       "not a date", (d - date(1899, 12, 30)).days, "2025-12-01", "2024-W20", "第20周",
                       d.strftime("%Y%m%d")])


def generated_sheet(seed: int) -> list[list]:
    rng = random.Random(seed)
    cols = ["日期", "市场", "品名", "规格", "单位", "价格"]
    extra = rng.sample(["最低价", "最高价", "类别", "价格类型", "币种"], rng.randrange(0, 6))
    cols += extra
    base = date(2024, 4, 1)
    rows = [cols]
    for _ in range(rng.randrange(1, 120)):
        r = {"日期": _date(rng, base), "市场": rng.choice(MKTS), "品名": rng.choice(NAMES),
             "规格": rng.choice(SPECS), "单位": rng.choice(UNITS), "价格": _price(rng)}
        if "最低价" in cols:
            r["最低价"] = rng.choice([None, 0, 2.0, 5.5, "3", 9.0])
        if "最高价" in cols:
            r["最高价"] = rng.choice([None, 0, 4.0, 8.5, "6", 1.0])
        r.update({"类别": rng.choice(CATS), "价格类型": rng.choice(PTS), "币种": rng.choice(CURS)})
        rows.append([r.get(c) for c in cols])
        if rng.random() < 0.15:  # a duplicate: the same key, the same or another price
            dup = list(rows[-1])
            if rng.random() < 0.5:
                dup[cols.index("价格")] = _price(rng)
            rows.append(dup)
    return rows


def catalog() -> Catalog:
    return Catalog(COMMODITIES, ALIASES, MARKETS, MARKET_ALIASES)


def context(rng: random.Random) -> Context:
    return Context(date=rng.choice([None, None, date(2024, 5, 6)]), market=rng.choice([None, "城关农贸市场", "新市场"]),
                   unit=rng.choice([None, None, "元/斤"]), price_type=rng.choice([None, "retail", "wholesale"]))


def issue_view(issues) -> list[tuple]:
    return [(i.code, i.severity, i.sheet, i.row, i.column, i.params, i.message("zh"), i.message("en"))
            for i in issues]


def recent_prices(rng: random.Random, frame: pd.DataFrame) -> pd.DataFrame:
    """Stored prices around the file's: some on the same keys and dates, some before."""
    rows = []
    for r in frame.itertuples(index=False):
        if rng.random() < 0.4:
            back = rng.choice([0, 0, 3, 7, 30, 50])
            rows.append((r.commodity, r.market, r.price_type, r.obs_date - timedelta(days=back),
                         round(r.price * rng.choice([0.3, 0.9, 1.0, 1.2, 2.5]), 2)))
    return pd.DataFrame(rows, columns=["commodity", "market", "price_type", "obs_date", "price"])


@pytest.mark.parametrize("seed", range(SEEDS))
def test_columnar_prepare_equals_the_row_by_row_one(seed):
    rng = random.Random(10_000 + seed)
    sheets = extract([("价格", generated_sheet(seed))], ctx := context(rng))
    accept = rng.choice([False, True, ["香菇", "城西市场"], ["木耳", "新市场", "鸽子蛋"]])
    strict = rng.random() < 0.2
    a = old.prepare(sheets, catalog(), ctx, accept_new_names=accept, strict=strict, today=TODAY)
    sheets = extract([("价格", generated_sheet(seed))], ctx)  # fresh records: prepare mutates nothing, but be sure
    b = prepare(sheets, catalog(), ctx, accept_new_names=accept, strict=strict, today=TODAY)
    assert issue_view(b.issues) == issue_view(a.issues)
    pd.testing.assert_frame_equal(b.frame, a.frame)
    assert (b.layout, b.rows_read, b.new_commodities, b.new_markets, b.unknown) == (
        a.layout, a.rows_read, a.new_commodities, a.new_markets, a.unknown)
    if not a.frame.empty:
        recent = recent_prices(rng, a.frame)
        reported = rng.choice([(None, []), (date(2024, 3, 25), ["城关农贸市场", "惠民超市", "别的市场"])])
        jump = rng.choice([0.1, 0.5])
        assert issue_view(history_checks(b.columns, recent, reported, jump)) == issue_view(
            old.history_checks(a.frame, recent, reported, jump))
        tuples = list(recent.itertuples(index=False, name=None))
        assert issue_view(history_checks(b.columns, tuples, reported, jump)) == issue_view(
            old.history_checks(a.frame, recent, reported, jump))


def test_the_generator_reaches_every_check():
    """The generated sheets are varied enough to exercise the checks compared above."""
    seen: set[str] = set()
    for seed in range(SEEDS):
        rng = random.Random(10_000 + seed)
        ctx = context(rng)
        accept = rng.choice([False, True, ["香菇", "城西市场"], ["木耳", "新市场", "鸽子蛋"]])
        prep = prepare(extract([("价格", generated_sheet(seed))], ctx), catalog(), ctx,
                       accept_new_names=accept, today=TODAY)
        seen |= {i.code for i in prep.issues}
        if len(prep):
            seen |= {i.code for i in history_checks(prep.columns, recent_prices(rng, prep.frame),
                                                    (date(2024, 3, 25), ["别的市场"]), 0.1)}
    expected = {"not_a_number", "price_not_positive", "price_absurd", "date_missing", "date_unreadable",
                "date_no_year", "date_future", "unit_missing", "unit_unknown", "market_missing",
                "commodity_missing", "price_missing", "no_quote", "low_gt_high", "avg_from_range", "duplicate",
                "duplicate_conflict", "unit_mismatch", "mixed_units", "unknown_commodity", "unknown_market",
                "new_commodity", "new_market", "currency", "price_jump", "market_not_reported"}
    assert expected <= seen, expected - seen


CLEAN_NAMES = ["大米", "鸡蛋", "猪肉（五花）", "五花肉", "白菜", "大白菜", "香菇", "食用油", "椰青/个"]
CLEAN_UNITS = ["元/公斤", "元/斤", "元/500克", "公斤", "kg", "元/升"]


def clean_sheet(seed: int) -> list[list]:
    """Rows that pass every cell check (valid names, units, dates, prices, markets), with
    now and then a per-piece unit, another currency or a low..high range: the whole-column
    paths of check_cells and resolve run on these, and must give what the row walk gives."""
    rng = random.Random(seed)
    cols = ["日期", "市场", "品名", "规格", "单位", "价格", *rng.sample(["最低价", "最高价", "类别", "价格类型", "币种"],
                                                                    rng.randrange(0, 6))]
    rows = [cols]
    base = date(2024, 4, 1)
    # two sheets in three convert every row (weights only, no 食用油 or 椰青): the other
    # third has rows that do not (a per-piece unit for a weight, litres)
    names = CLEAN_NAMES if seed % 3 == 0 else CLEAN_NAMES[:-2]
    units = CLEAN_UNITS if seed % 3 == 0 else CLEAN_UNITS[:-1]
    for _ in range(rng.randrange(1, 150)):
        d = base + timedelta(days=rng.randrange(0, 60))
        r = {"日期": rng.choice([d, datetime(d.year, d.month, d.day), d.isoformat()]),
             "市场": rng.choice(["城关农贸市场", "县批发市场", "惠民超市", "城关市场", "城西市场"]),
             "品名": rng.choice(names), "规格": rng.choice([None, None, "一级"]),
             "单位": rng.choice(units), "价格": rng.choice([round(rng.uniform(1, 40), 2), "7.5", 12]),
             "最低价": rng.choice([None, 1.0]), "最高价": rng.choice([None, 50.0]), "类别": rng.choice([None, "粮油"]),
             "价格类型": rng.choice([None, "零售", "批发"]), "币种": rng.choice([None, "CNY", "CNY", "KES"])}
        rows.append([r.get(c) for c in cols])
    return rows


def test_clean_sheets_take_the_column_paths_and_agree(monkeypatch):
    import ingest.validate as v

    taken = {"cells": 0, "resolve": 0}
    all_pass, all_convert = v._all_pass, v._all_convert

    def spy_pass(*a, **k):
        got = all_pass(*a, **k)
        taken["cells"] += got is not None
        return got

    def spy_convert(*a, **k):
        got = all_convert(*a, **k)
        taken["resolve"] += got
        return got

    monkeypatch.setattr(v, "_all_pass", spy_pass)
    monkeypatch.setattr(v, "_all_convert", spy_convert)
    for seed in range(80):
        rng = random.Random(20_000 + seed)
        ctx = Context(price_type=rng.choice([None, "retail"]))
        accept = rng.choice([True, ["香菇", "城西市场"]])
        a = old.prepare(extract([("价格", clean_sheet(seed))], ctx), catalog(), ctx, accept_new_names=accept,
                        today=TODAY)
        b = prepare(extract([("价格", clean_sheet(seed))], ctx), catalog(), ctx, accept_new_names=accept, today=TODAY)
        assert issue_view(b.issues) == issue_view(a.issues), seed
        pd.testing.assert_frame_equal(b.frame, a.frame)
        assert (b.new_commodities, b.new_markets, b.unknown) == (a.new_commodities, a.new_markets, a.unknown)
    assert taken["cells"] >= 60 and taken["resolve"] >= 20, taken


def test_sheets_in_one_unit_agree():
    """A file in one unit (the usual case) takes the one-unit shortcuts of resolve: the same
    rows, names and issues as the row walk."""
    for seed in range(60):
        rng = random.Random(30_000 + seed)
        rows = clean_sheet(seed)
        j = rows[0].index("单位")
        unit = rng.choice(["元/公斤", "元/斤", "kg", "元/个"])
        for r in rows[1:]:
            r[j] = unit
        ctx = Context(price_type=rng.choice([None, "retail"]))
        accept = rng.choice([True, ["香菇", "城西市场"]])
        a = old.prepare(extract([("价格", [list(r) for r in rows])], ctx), catalog(), ctx, accept_new_names=accept,
                        today=TODAY)
        b = prepare(extract([("价格", [list(r) for r in rows])], ctx), catalog(), ctx, accept_new_names=accept,
                    today=TODAY)
        assert issue_view(b.issues) == issue_view(a.issues), seed
        pd.testing.assert_frame_equal(b.frame, a.frame)
        assert (b.new_commodities, b.new_markets, b.unknown) == (a.new_commodities, a.new_markets, a.unknown)
