"""The quick per-row paths of the table layout, prepare() and history_checks() give the
records, frames and issues the cell-by-cell rules define (values worked out by hand)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ingest.layouts import Context
from ingest.layouts.table import extract
from ingest.normalise import Catalog
from ingest.validate import history_checks, prepare

D = date(2024, 5, 6)
HEADER = ["日期", "市场", "品名", "单位", "价格"]
#: a long table with every kind of row the loop tells apart
MIXED = [
    HEADER,                                                   # 1
    ["一、粮油"],                                              # 2 category heading, short row
    [D, "城关农贸市场", "大米", "元/公斤", 6.2],                 # 3
    [None, None, None, None, None],                           # 4 blank
    [D, "城关农贸市场", "面粉", "", None],                      # 5 a name without a price
    ["", " ", "\u3000", "", "  "],                            # 6 blank text
    ["二、蔬菜", None, None, None, float("nan")],               # 7 heading beside a NaN
    [D, "城南农贸市场", None, "元/斤", 3.0],                     # 8 a price without a name
    [D, "城南农贸市场", "白菜"],                                # 9 shorter than the header
    [None, None, "  ", None, None],                           # 10 blank name, no value
]


def rec(row, market, name, unit, price, category):
    return ("s", row, "E", D, market, name, None, unit, price, None, None, None, category, None)


def test_long_table_rows_of_every_kind():
    res = extract("s", MIXED, Context())
    assert res.layout == "long"
    assert res.issues == []
    assert res.records == [
        rec(3, "城关农贸市场", "大米", "元/公斤", 6.2, "粮油"),
        rec(5, "城关农贸市场", "面粉", None, None, "粮油"),
        rec(8, "城南农贸市场", None, "元/斤", 3.0, "蔬菜"),
        rec(9, "城南农贸市场", "白菜", None, None, "蔬菜"),
    ]


def test_footer_ends_the_data_and_makes_a_form_that_skips_blank_prices():
    rows = [*MIXED, ["填报人:", "张三"], [D, "城关农贸市场", "大米", "元/公斤", 9.9]]
    res = extract("s", rows, Context())
    assert res.layout == "weekly_form"
    assert res.records == [
        rec(3, "城关农贸市场", "大米", "元/公斤", 6.2, "粮油"),
        rec(8, "城南农贸市场", None, "元/斤", 3.0, "蔬菜"),
    ]


def test_footer_behind_blank_cells_is_found():
    rows = [HEADER, [D, "城关农贸市场", "大米", "元/公斤", 6.2], [None, float("nan"), "  审核人：李四"],
            [D, "城关农贸市场", "面粉", "元/公斤", 4.0]]
    res = extract("s", rows, Context())
    assert [r[1] for r in res.records] == [2]


def test_wide_by_market_skips_empty_cells_and_reads_short_rows():
    rows = [["品名", "单位", "城关农贸市场", "惠民超市"],
            ["大米", "元/公斤", 6.0, None],
            ["鸡蛋", "元/斤", "", 5.5],
            ["猪肉", "元/公斤", 30.0]]
    res = extract("s", rows, Context(date=D))
    assert res.layout == "wide_by_market"
    got = [(r[1], r[2], r[4], r[5], r[7], r[8]) for r in res.records]
    assert got == [(2, "C", "城关农贸市场", "大米", "元/公斤", 6.0), (3, "D", "惠民超市", "鸡蛋", "元/斤", 5.5),
                   (4, "C", "城关农贸市场", "猪肉", "元/公斤", 30.0)]


def catalog() -> Catalog:
    return Catalog([("大米", "粮油", "元/公斤"), ("鸡蛋", "蛋类", "元/公斤")], [],
                   [("城关农贸市场", "农贸市场"), ("县批发市场", "批发市场")], [])


def test_prepare_converts_per_commodity_and_unit_and_keeps_per_piece_prices_apart():
    rows = [HEADER,
            [D, "城关农贸市场", "大米", "元/斤", 3.1],     # 3.1 x 2 = 6.2 元/公斤
            [D, "县批发市场", "大米", "元/斤", 2.5],       # same pair: same factor; wholesale market
            [D, "城关农贸市场", "鸡蛋", "元/个", 0.8],     # per piece for a weight: skipped
            [date(2024, 5, 7), "城关农贸市场", "鸡蛋", "元/个", 0.9],  # reported again, own row
            [date(2024, 5, 7), "城关农贸市场", "大米", "元/公斤", "7元"]]
    res = extract("s", rows, Context())
    prep = prepare([res], catalog(), Context(), today=date(2026, 1, 1))
    f = prep.frame
    assert list(f.columns) == ["sheet", "row", "column", "obs_date", "market", "commodity", "category", "unit",
                               "price", "price_type", "orig_price", "orig_unit", "spec"]
    assert list(zip(f["row"], f["market"], f["price"], f["price_type"], f["orig_unit"], strict=True)) == [
        (2, "城关农贸市场", 6.2, "retail", "元/斤"), (3, "县批发市场", 5.0, "wholesale", "元/斤"),
        (6, "城关农贸市场", 7.0, "retail", "元/公斤")]
    assert list(f["category"]) == ["粮油"] * 3
    assert f["price"].dtype == "float64" and f["row"].dtype == "int64"
    # per piece for a weight: its own series 「鸡蛋(按个)」, a new name to confirm like any other
    assert [(i.code, i.row, i.params["name"], i.params["count"]) for i in prep.issues] == [
        ("unknown_commodity", 4, "鸡蛋(按个)", 2)]
    accepted = prepare([extract("s", rows, Context())], catalog(), Context(), today=date(2026, 1, 1),
                       accept_new_names=["鸡蛋(按个)"])
    assert accepted.new_commodities == {"鸡蛋(按个)": ("元/个", "蛋类")}
    g = accepted.frame
    assert list(zip(g["row"], g["commodity"], g["unit"], g["price"], g["orig_unit"], strict=True)) == [
        (2, "大米", "元/公斤", 6.2, "元/斤"), (3, "大米", "元/公斤", 5.0, "元/斤"),
        (4, "鸡蛋(按个)", "元/个", 0.8, "元/个"), (5, "鸡蛋(按个)", "元/个", 0.9, "元/个"),
        (6, "大米", "元/公斤", 7.0, "元/公斤")]


def frame(rows):
    return pd.DataFrame(rows, columns=["commodity", "market", "price_type", "obs_date", "price", "sheet", "row",
                                       "column"])


def test_jump_at_the_threshold_is_no_jump_and_just_above_is():
    recent = pd.DataFrame({"commodity": ["大米", "鸡蛋", "猪肉"], "market": ["城关农贸市场"] * 3,
                           "price_type": ["retail"] * 3, "obs_date": [date(2024, 4, 29)] * 2 + [date(2024, 3, 1)],
                           "price": [10.0, 10.0, 10.0]})
    f = frame([("大米", "城关农贸市场", "retail", D, 15.0, "s", 2, "E"),      # +50 %: not above 0.5
               ("鸡蛋", "城关农贸市场", "retail", D, 15.01, "s", 3, "E"),     # +50.1 %
               ("猪肉", "城关农贸市场", "retail", D, 30.0, "s", 4, "E"),      # 66 days later: no previous
               ("大米", "城关农贸市场", "retail", date(2024, 5, 13), 7.0, "s", 5, "E")])  # -53.3 % of 15
    issues = history_checks(f, recent, (None, []), 0.5)
    assert [(i.code, i.row, i.params["old"], i.params["new"]) for i in issues] == [
        ("price_jump", 5, 15.0, 7.0), ("price_jump", 3, 10.0, 15.01)]  # in (commodity, ...) order
    assert round(issues[1].params["pct"], 6) == 50.1


def test_the_rows_file_has_the_bytes_the_csv_module_writes(tmp_path):
    """The child's rows file (``write_rows``, made without the csv module) is byte for byte
    what ``csv.writer`` writes: quotes where a name holds a comma, a quote or a line break,
    None as an empty field, floats by repr, CRLF line ends."""
    import csv
    import random
    from datetime import datetime
    from types import SimpleNamespace

    from ingest import worker

    rng = random.Random(3)
    texts = ["大米", "a,b", 'q"uote', "new\nline", "cr\rx", " sp ", "", None, "普通,名", "x\r\n", "tab\t", 5, 2.5]
    for n in (0, 1, 7, 300):
        c = {"sheet": [rng.choice(["价格", "a,b", 's"q', "Sheet 1"]) for _ in range(n)],
             "column": [rng.choice(["A", "AB"]) for _ in range(n)], "row": [rng.randint(1, 10**6) for _ in range(n)],
             "commodity": [rng.choice(texts) for _ in range(n)], "market": [rng.choice(texts) for _ in range(n)],
             "obs_date": [rng.choice([D, datetime(2024, 1, 2, 3, 4)]) for _ in range(n)],
             "price": [rng.choice([1.0, 0.1 + 0.2, 1e-7, 123456789.125, 3]) for _ in range(n)],
             "price_type": [rng.choice(["retail", None, "a,b"]) for _ in range(n)],
             "orig_price": [rng.choice([1.0, 2.5, 1e20]) for _ in range(n)],
             "orig_unit": [rng.choice(texts) for _ in range(n)]}
        st = SimpleNamespace(prep=SimpleNamespace(columns=c), texts=None)
        assert worker._do_write_rows(st, str(tmp_path / "new.csv")) == n
        with open(tmp_path / "old.csv", "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(zip(
                c["commodity"], c["market"], [d.isoformat() for d in c["obs_date"]], map(repr, c["price"]),
                c["price_type"], map(repr, c["orig_price"]), c["orig_unit"],
                [f"{s}!{col}{r}" for s, col, r in zip(c["sheet"], c["column"], c["row"], strict=True)], strict=True))
        assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
        # in parts (the texts of the distinct values made once for all of them): the same bytes
        cut = n // 3
        assert worker._do_write_rows(st, str(tmp_path / "a.csv"), 0, cut) == cut
        assert worker._do_write_rows(st, str(tmp_path / "b.csv"), cut, n) == n - cut
        parts = [(tmp_path / p).read_bytes() for p in ("a.csv", "b.csv")]
        assert b"".join(p for p in parts if p != b"\r\n") == (tmp_path / "old.csv").read_bytes()
