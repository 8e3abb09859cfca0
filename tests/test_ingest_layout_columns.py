"""A long table's records taken column by column (ingest.layouts.grid._emit_columns) are the
records the row walk gives: the same tuples in the same order, the same layout and issues.

Generated long tables, most of them clean (the column path), each now and then with one
thing the column path leaves to the row walk (a blank or not-reported price, a NaN, a blank
market or unit, a total line, a category heading, a short row, a number as a name, a
category or currency column), are laid out twice: as they are, and with the column path
turned off."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

import ingest.layouts.grid as grid
from ingest.layouts import Context, extract
from tests.fixtures.generated_sheets import clean_sheet, generated_sheet

NAMES = ["大米", "鸡蛋", "猪肉（五花）", "白菜 ", "\u3000香菇", "食用油", "椰青/个"]
POISON = ["blank_price", "marker", "nan", "blank_market", "blank_unit", "total", "heading", "short", "number_name",
          "category", "currency", "blank_pt", "inf"]


def long_table(seed: int) -> tuple[list[list], Context]:
    rng = random.Random(seed)
    cols = ["日期", "市场", "品名", "单位", "价格"]
    if rng.random() < 0.3:
        cols.insert(3, "规格")
    if rng.random() < 0.3:
        cols += ["最低价", "最高价"]
    if rng.random() < 0.3:
        cols.append("价格类型")
    if rng.random() < 0.2:
        cols.remove("日期")
    if rng.random() < 0.2:
        cols.remove("单位")
    poison = rng.choice(POISON) if rng.random() < 0.5 else None
    if poison == "category":
        cols.insert(0, "类别")
    if poison == "currency":
        cols.append("币种")
    rows: list[list] = []
    if rng.random() < 0.4:
        rows.append([f"2024年第{rng.randrange(1, 40)}周价格表"])
    rows.append(cols)
    base = date(2024, 4, 1)
    n = rng.randrange(1, 60)
    bad = rng.randrange(0, n)
    for k in range(n):
        d = base + timedelta(days=rng.randrange(0, 60))
        r = {"日期": rng.choice([d, datetime(d.year, d.month, d.day), d.isoformat(), f"{d.month}月{d.day}日"]),
             "市场": rng.choice(["城关农贸市场", "县批发市场", "惠民超市", 7]),
             "品名": rng.choice(NAMES), "规格": rng.choice([None, "一级", ""]),
             "单位": rng.choice(["元/公斤", "元/斤", "kg"]),
             "价格": rng.choice([round(rng.uniform(1, 40), 2), "7.5", 12, True, "8元"]),
             "最低价": rng.choice([None, 1.0, "2"]), "最高价": rng.choice([None, 50.0]),
             "价格类型": rng.choice(["零售", "批发"]), "类别": rng.choice([None, "粮油"]), "币种": rng.choice([None, "KES"])}
        if k == bad and poison:
            r.update({"blank_price": {"价格": rng.choice([None, "", "  "])}, "marker": {"价格": rng.choice(["—", "/", "未采"])},
                      "nan": {"价格": float("nan")}, "blank_market": {"市场": rng.choice([None, "", float("nan")])},
                      "blank_unit": {"单位": rng.choice([None, " "])}, "total": {"品名": rng.choice(["合计", "平均价"])},
                      "number_name": {"品名": 123}, "blank_pt": {"价格类型": None},
                      "inf": {"价格": float("inf")}}.get(poison, {}))
        row = [r.get(c) for c in cols]
        if k == bad and poison == "heading":
            rows.append(["二、蔬菜"])
        if k == bad and poison == "short":
            row = row[:-1]
        rows.append(row)
    if rng.random() < 0.3:
        rows.append(["填报人：张三", None, "填报日期：2024-06-01"])
    ctx = Context(date=rng.choice([None, date(2024, 5, 6)]), market=rng.choice([None, "城西市场"]),
                  unit=rng.choice([None, "元/斤"]))
    return rows, ctx


def both(rows: list[list], ctx: Context, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list, int]:
    taken = 0
    emit_columns = grid._emit_columns

    def spy(*a, **k):
        nonlocal taken
        got = emit_columns(*a, **k)
        taken += got
        return got

    with monkeypatch.context() as m:
        m.setattr(grid, "_emit_columns", spy)
        fast = extract([("价格", [list(r) for r in rows])], ctx)
    with monkeypatch.context() as m:
        m.setattr(grid, "_emit_columns", lambda *a, **k: False)
        slow = extract([("价格", [list(r) for r in rows])], ctx)
    return fast, slow, taken


def view(results) -> list:
    return [(r.sheet, r.layout, r.date_source, r.profile, r.records, [(i.code, i.severity, i.row, i.params)
                                                                      for i in r.issues]) for r in results]


def test_long_tables_by_columns_equal_the_row_walk(monkeypatch):
    taken = 0
    for seed in range(400):
        rows, ctx = long_table(seed)
        fast, slow, t = both(rows, ctx, monkeypatch)
        assert view(fast) == view(slow), seed
        taken += t
    assert 120 <= taken <= 350, taken  # both paths are compared, each on many tables


@pytest.mark.parametrize("make", [generated_sheet, clean_sheet])
def test_the_generated_mixed_sheets_by_columns_equal_the_row_walk(make, monkeypatch):
    for seed in range(120):
        fast, slow, _ = both(make(seed), Context(), monkeypatch)
        assert view(fast) == view(slow), seed


def test_records_and_columns_are_one_sheet(monkeypatch):
    rows, ctx = long_table(1)
    res = extract([("价格", rows)], ctx)[0]
    n = res.size
    cols = res.columns()
    assert n and len(cols) == 14 and all(len(c) == n for c in cols)
    assert res.records == list(zip(*cols, strict=True))
    res.records = res.records[1:]  # replacing the records drops the columns made before
    assert res.size == n - 1 and len(res.columns()[0]) == n - 1
