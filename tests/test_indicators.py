"""Indicators: hand-computed figures for every indicator and edge case.

One small store (built once for the module) holds a scenario per commodity; each expected
number below was worked out by hand from the prices in SCENARIO and is written with the
arithmetic that gives it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch import indicators
from pricewatch.config import Settings
from pricewatch.errors import InputError, NotFound
from pricewatch.periods import parse_period
from pricewatch.store import Store
from tests.fixtures.indicator_data import (
    CFG,
    M1,
    M2,
    M3,
    M4,
    SCENARIO,
    W10,
    W11,
    add_rows,
    make_store,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return make_store(tmp_path_factory.mktemp("ind") / "pw.duckdb", SCENARIO)


@pytest.fixture(scope="module")
def w11(store):
    return indicators.report(store, period="2024-W11", public=True, settings=CFG)


def item(rep, name) -> pd.Series:
    hit = rep.items[rep.items["commodity"] == name]
    assert len(hit) == 1, f"{name} not in the report"
    return hit.iloc[0]


# -- pure formulas -----------------------------------------------------------------------
@pytest.mark.parametrize(("x", "places", "want"), [
    (2.675, 2, 2.68),      # the double below 2.675 still rounds up (decimal half-up)
    (1.005, 2, 1.01),      # same trap at another value
    ((10.12 + 10.13) / 2, 2, 10.13),  # a mean that is 10.125 on paper, 10.12499.. as a double
    (12.25, 1, 12.3),      # percentages: half-up, not half-even
    (-1.25, 1, -1.3),      # negative ties round away from zero
    (0.04999, 1, 0.0),     # below the tie rounds down
    (-0.04, 1, 0.0),       # published as 0.0, never -0.0
    (None, 2, None),       # missing stays missing
    (float("nan"), 1, None),
])
def test_round_half_up(x, places, want):
    got = indicators.round_half_up(x, places)
    assert got == want
    if want == 0:
        assert str(got) == "0.0"


@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from([1, 2]),
       st.integers(min_value=1, max_value=7))
def test_round_half_up_array_agrees_with_scalar(n, places, div):
    # vectorised rounding must publish exactly what the scalar (Decimal) version does,
    # including for means (n / div) whose decimals are ties
    x = n / 1000 / div
    assert indicators.round_half_up_array([x], places)[0] == indicators.round_half_up(x, places)


@pytest.mark.parametrize(("cur", "base", "want"), [
    (11.0, 10.0, 10.0),    # plain rise
    (9.0, 10.0, -10.0),    # plain fall
    (5.0, 0.0, None),      # zero base: no percentage
    (5.0, None, None),     # missing base period
    (None, 5.0, None),     # missing current period
])
def test_pct_change(cur, base, want):
    got = indicators.pct_change(cur, base)
    assert (got is None and want is None) or got == pytest.approx(want)


@pytest.mark.parametrize(("pct", "want"), [
    (0.049, "flat"),   # rounds to 0.0 -> 持平
    (-0.04, "flat"),   # a tiny fall is flat too
    (0.05, "up"),      # rounds to 0.1
    (-0.05, "down"),   # rounds to -0.1
    (None, None),      # no change computable
])
def test_direction(pct, want):
    assert indicators.direction(pct) == want


@pytest.mark.parametrize(("cur", "base", "want"), [
    ({"a": 11, "b": 12}, {"a": 10, "b": 12}, (23 / 22 - 1) * 100),        # same markets
    ({"a": 11, "b": 12, "c": 20}, {"a": 10, "b": 12}, (23 / 22 - 1) * 100),  # c joins: ignored
    ({"a": 11}, {"a": 10, "d": 1}, 10.0),                                # d leaves: ignored
    ({"a": 11}, {"b": 10}, None),                                        # nothing matched
    ({"a": 11}, {}, None),                                               # single observation
])
def test_matched_change(cur, base, want):
    got = indicators.matched_change(pd.Series(cur, dtype=float), pd.Series(base, dtype=float))
    assert (got is None and want is None) or got == pytest.approx(want)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 500), st.floats(0.5, 500)), min_size=1, max_size=6),
       st.floats(0.5, 500), st.booleans())
def test_matched_change_ignores_a_market_in_one_period_only(pairs, extra, in_current):
    # property: adding a market that reported in only one of the two periods leaves 环比 alone
    cur = pd.Series({f"m{i}": c for i, (c, _) in enumerate(pairs)})
    base = pd.Series({f"m{i}": b for i, (_, b) in enumerate(pairs)})
    before = indicators.matched_change(cur, base)
    if in_current:
        cur = pd.concat([cur, pd.Series({"new": extra})])
    else:
        base = pd.concat([base, pd.Series({"new": extra})])
    assert indicators.matched_change(cur, base) == pytest.approx(before, rel=1e-12)


@pytest.mark.parametrize(("prices", "want"), [
    ([10, 11, 12, 13], [None, None, None, 11.5]),               # needs 4 periods
    ([10, 11, None, 13, 14, 15, 16], [None, None, None, None, None, None, 14.5]),  # a gap voids 4 windows
    ([5], [None]),                                              # single observation
])
def test_moving_average(prices, want):
    got = indicators.moving_average(pd.Series(prices, dtype="float64"))
    assert [None if pd.isna(v) else v for v in got] == want


def test_rolling_high_low_window_and_gaps():
    # window of 3: the high/low of t-2..t, skipping missing periods; a lone value is both
    p = pd.Series([5, 9, None, 4, None, None, None], dtype="float64")
    hi, lo = indicators.rolling_high_low(p, window=3)
    assert list(hi.iloc[:5]) == [5, 9, 9, 9, 4]
    assert list(lo.iloc[:5]) == [5, 5, 5, 4, 4]
    assert hi.iloc[5] == 4 and lo.iloc[5] == 4            # t-2 still holds the 4
    assert pd.isna(hi.iloc[6]) and pd.isna(lo.iloc[6])  # three empty periods: nothing to report


@pytest.mark.parametrize(("prices", "want"), [
    ([11, 12, 20], (11.0, 20.0, 28.10010691533621)),  # pop sd 4.0277 / mean 14.333 x 100
    ([7], (7.0, 7.0, None)),                           # one market: no spread
    ([], (None, None, None)),                          # nothing reported
])
def test_spread(prices, want):
    got = indicators.spread(prices)
    assert got["min"] == want[0] and got["max"] == want[1]
    assert (got["cv_pct"] is None and want[2] is None) or got["cv_pct"] == pytest.approx(want[2])


@pytest.mark.parametrize(("base", "want"), [
    ("b", [50.0, 100.0, 150.0]),    # 100 x P_t / P_base
    ("z", [None, None, None]),      # base period absent
    ("a0", [None, None, None]),     # base price 0
])
def test_fixed_base_index(base, want):
    p = pd.Series({"a": 5.0, "b": 10.0, "c": 15.0, "a0": 0.0})
    got = indicators.fixed_base_index(p, base)[["a", "b", "c"]]
    assert [None if pd.isna(v) else v for v in got] == want


@pytest.mark.parametrize(("cur", "base", "w", "want"), [
    # (3 x 11/10 + 1 x 30/20) / 4 x 100 = (3.3 + 1.5) / 4 x 100
    ({"A": 11, "B": 30}, {"A": 10, "B": 20}, {"A": 3, "B": 1}, 120.0),
    # equal weights: (1.1 + 1.5) / 2 x 100
    ({"A": 11, "B": 30}, {"A": 10, "B": 20}, {"A": 1, "B": 1}, 130.0),
    # B has no base price: out of the basket
    ({"A": 11, "B": 30}, {"A": 10}, {"A": 3, "B": 1}, 110.0),
    # nothing priced in both: None
    ({"B": 30}, {"A": 10}, {"A": 1, "B": 1}, None),
])
def test_laspeyres_index(cur, base, w, want):
    got = indicators.laspeyres_index(pd.Series(cur, dtype=float), pd.Series(base, dtype=float),
                                     pd.Series(w, dtype=float))
    assert (got is None and want is None) or got == pytest.approx(want)


@pytest.mark.parametrize(("score", "band"), [
    (0.1, "normal"), (0.25, "stress"), (0.99, "stress"), (1.0, "alert"), (1.99, "alert"),
    (2.0, "crisis"), (-3.0, "normal"),  # below trend is not a spike
    (None, None),
])
def test_alps_band(score, band):
    assert indicators.alps_band(score) == band


@pytest.mark.parametrize(("args", "want"), [
    (("猪肉(五花)", 12.3, 5.0), "猪肉(五花)价格环比上涨12.3%，超过5%的预警线（黄色预警）"),
    (("乙菜", 5.0, 5.0), "乙菜价格环比上涨5.0%，达到5%的预警线（黄色预警）"),  # exactly at the line
    (("辛菜", -10.04, 7.5), "辛菜价格环比下降10.0%，超过7.5%的预警线（黄色预警）"),  # a fractional line
])
def test_jump_message(args, want):
    assert indicators.jump_message(*args) == want


# -- the report from the store -------------------------------------------------------------
@pytest.mark.parametrize(("name", "col", "want"), [
    # 甲菜: M3 joins at 20. price = (11 + 12 + 20) / 3 = 14.333
    ("甲菜", "price", 14.33),
    ("甲菜", "prev_price", 11.0),          # (10 + 12) / 2, every market of last week
    ("甲菜", "wow_pct", 4.5),              # matched M1, M2: 11.5 / 11 - 1 = 4.545 %
    ("甲菜", "yoy_price", 10.5),           # 2023-W11: M1 only
    ("甲菜", "yoy_pct", 4.8),              # matched M1: 11 / 10.5 - 1 = 4.762 %
    ("甲菜", "markets", 3),
    ("甲菜", "min_price", 11.0), ("甲菜", "max_price", 20.0),
    ("甲菜", "cv_pct", 28.1),              # pop sd 4.0277 / 14.333
    ("甲菜", "ma4", 10.96),                # (9 + 9.5 + 11 + 14.333) / 4 = 10.958
    ("甲菜", "high52", 14.33),             # t-51..t excludes 2023-W11 (52 weeks back)
    ("甲菜", "low52", 9.0),
    ("甲菜", "direction", "up"),
    ("乙菜", "wow_pct", 5.0),              # 10.5 / 10 - 1
    ("乙菜", "yoy_price", None),           # no price a year ago
    ("乙菜", "cv_pct", None),              # one market: no spread
    ("丙菜", "prev_price", 7.5),           # (10 + 5) / 2, both markets last week
    ("丙菜", "wow_pct", 9.0),              # matched M1 only: 10.9 / 10 - 1
    ("丁菜", "prev_price", 8.0),
    ("丁菜", "wow_pct", None),             # no market in both weeks
    ("丁菜", "direction", None),
    ("戊菜", "prev_price", None),          # new this week
    ("庚菜", "wow_pct", 0.0),              # 100.04 / 100 - 1 = 0.04 % -> 0.0
    ("庚菜", "direction", "flat"),
    ("辛菜", "wow_pct", -10.0),
    ("辛菜", "direction", "down"),
])
def test_report_item_figures(w11, name, col, want):
    assert item(w11, name)[col] == want


@pytest.mark.parametrize(("name", "field", "reason"), [
    ("丁菜", "wow_pct", "本期与上期没有共同报价的市场"),   # prev_price exists but nothing matched
    ("戊菜", "prev_price", "上期无报价"),
    ("戊菜", "wow_pct", "上期无报价"),
    ("乙菜", "yoy_price", "去年同期无报价"),
    ("乙菜", "cv_pct", "仅一个市场报价"),
])
def test_null_figures_say_why(w11, name, field, reason):
    assert item(w11, name)["why"][field] == reason


def test_summary_and_headline(w11):
    # 甲 乙 丙 up, 辛 down, 庚 flat, 丁 戊 without 环比; 己菜 has no price this week
    assert w11.summary == {"up": 3, "down": 1, "flat": 1, "n": 7}
    assert w11.headline() == "本期监测7种商品，3种上涨、1种下降、1种持平"
    assert "己菜" not in set(w11.items["commodity"])


def test_items_in_catalog_order(w11):
    # 蔬菜 (seed sort 3) before the new category 测试 (sort 50); then the order of creation
    assert list(w11.items["commodity"]) == ["丙菜", "甲菜", "乙菜", "丁菜", "戊菜", "庚菜", "辛菜"]


def test_jump_alerts_use_category_thresholds(w11):
    jumps = {a["commodity"]: a for a in w11.alerts if a.get("rule") == "local"}
    # 乙菜 +5.0 % reaches the default 5 % line; 辛菜 -10 % passes it; 丙菜 +9 % stays under
    # its category's 10 % line (categories.jump_threshold_pct for 蔬菜)
    assert set(jumps) == {"乙菜", "辛菜"}
    assert jumps["乙菜"]["message"] == "乙菜价格环比上涨5.0%，达到5%的预警线（黄色预警）"
    assert jumps["辛菜"]["message"] == "辛菜价格环比下降10.0%，超过5%的预警线（黄色预警）"
    assert (jumps["乙菜"]["kind"], jumps["乙菜"]["level"], jumps["乙菜"]["level_label"]) == ("rule", "yellow", "黄色预警")
    assert "预警线" in jumps["乙菜"]["source"]
    assert item(w11, "丙菜")["threshold"] == 10.0
    assert item(w11, "乙菜")["alert"] == "乙菜价格环比上涨5.0%，达到5%的预警线（黄色预警）"


def test_settings_threshold_applies_when_category_has_none(store):
    rep = indicators.report(store, period="2024-W11", public=True,
                            settings=Settings(category_thresholds={"测试": 12.0}))
    assert {a["commodity"] for a in rep.alerts if a.get("rule") == "local"} == set()


def test_gap_alerts(w11):
    gaps = [(a["market"], a["commodity"], a["message"]) for a in w11.alerts if a["kind"] == "gap"]
    # 丁市场 reported last week and nothing now; 乙市场 still reports but dropped 丙菜;
    # 甲市场 dropped 丁菜 (it quoted 丁菜 last week, only 丙市场 does now)
    assert (M4, None, "丁市场本期未报送价格（上期有报价）") in gaps
    assert (M2, "丙菜", "乙市场本期未报送丙菜价格（上期有报价）") in gaps
    assert (M1, "丁菜", "甲市场本期未报送丁菜价格（上期有报价）") in gaps
    assert len(gaps) == 3


def test_wholesale_is_not_averaged_with_retail(store):
    rep = indicators.report(store, period="2024-W11", public=True, price_type="wholesale", settings=CFG)
    assert list(rep.items["commodity"]) == ["甲菜"]
    assert item(rep, "甲菜")["price"] == 5.0 and item(rep, "甲菜")["markets"] == 1


def test_fixed_base_index_with_configured_base(store):
    rep = indicators.report(store, period="2024-W11", public=True, base="2024-W08", settings=CFG)
    assert item(rep, "甲菜")["index"] == 159.3   # 14.333 / 9 x 100
    assert rep.base == parse_period("2024-W08")
    assert item(rep, "乙菜")["index"] is None    # no price in the base week


def test_category_index_laspeyres(store):
    rep = indicators.report(store, period="2024-W11", public=True, base="2024-W10", settings=CFG)
    cat = {c["category"]: c for c in rep.categories}
    # 测试 basket with a base price in W10: 甲 (w 3): 14.333/11, 乙 (w 1): 10.5/10,
    # 丁 (w 1): 9/8, 辛 (w 1): 9/10, 庚 (w 1): 100.04/100 (戊 has no base price)
    rel = [(3, (43 / 3) / 11), (1, 1.05), (1, 9 / 8), (1, 0.9), (1, 1.0004)]
    want = sum(w * r for w, r in rel) / sum(w for w, _ in rel) * 100
    assert cat["测试"]["index"] == indicators.round_half_up(want, 1) == 114.1
    # last week is the base (every relative 1): the category 环比 is the index change
    assert cat["测试"]["wow_pct"] == indicators.round_half_up(want - 100, 1)
    assert cat["蔬菜"]["index"] == 145.3   # 丙菜 10.9 / 7.5


def test_week_53(store):
    rep = indicators.report(store, period="2020-W53", public=True, settings=CFG)
    r = item(rep, "壬菜")
    assert r["yoy_price"] is None and r["why"]["yoy_price"] == "去年没有对应的第53周"
    nxt = indicators.report(store, period="2021-W01", public=True, settings=CFG)
    # the week before 2021-W01 is 2020-W53: 11 / 10 - 1
    assert item(nxt, "壬菜")["wow_pct"] == 10.0


def test_report_on_date_and_empty_period(store):
    rep = indicators.report(store, on=date(2024, 3, 14), public=True, settings=CFG)
    assert rep.period.label == "2024-W11"
    empty = indicators.report(store, period="2022-W05", public=True, settings=CFG)
    assert empty.items.empty and empty.summary["n"] == 0


def test_unknown_price_type_is_a_clear_error(store):
    with pytest.raises(InputError, match="价格类型"):
        indicators.report(store, price_type="spot")


# -- frames for the pages ------------------------------------------------------------------
def test_trend_frame(store):
    t = indicators.trend(store, "甲菜", public=True).set_index("period")
    assert t.loc["2024-W11", "price"] == 14.33
    assert t.loc["2024-W11", "ma4"] == 10.96
    assert t.loc["2024-W11", "yoy_price"] == 10.5       # same ISO week of 2023
    assert t.loc["2024-W10", "markets"] == 2
    assert t.loc["2023-W30", "price"] is None           # a period without a price stays None
    assert t.index[0] == "2023-W11" and t.index[-1] == "2024-W11"


def test_trend_unknown_commodity(store):
    with pytest.raises(NotFound, match="不在目录中"):
        indicators.trend(store, "不存在的菜", public=True)


def test_series_keeps_its_shape(store):
    s = indicators.series(store, "甲菜", public=True)
    assert list(s.columns[:3]) == ["period_start", "period", "price"]
    assert indicators.series(store, "不存在的菜", public=True).empty   # as before: no error
    assert indicators.series(store, "大米", public=True).empty         # in the catalog, no prices
    assert s["price"].iloc[-1] == pytest.approx(43 / 3)
    assert len(s) == 5   # 2023-W11, 2024-W08..W11


def test_market_comparison(store):
    mc = indicators.market_comparison(store, period="2024-W11", public=True, commodity="甲菜")
    rows = {r.market: r for r in mc.itertuples(index=False)}
    assert set(rows) == {M1, M2, M3}
    assert rows[M1].wow_pct == 10.0          # M1's own 11 / 10 - 1
    assert rows[M3].prev_price is None and rows[M3].wow_pct is None
    assert rows[M3].diff_pct == 39.5         # 20 / 14.333 - 1


def test_market_trend(store):
    mt = indicators.market_trend(store, "甲菜", public=True, last=2)
    assert list(zip(mt["period"], mt["market"], mt["price"], strict=True)) == [
        ("2024-W10", M1, 10.0), ("2024-W10", M2, 12.0),
        ("2024-W11", M1, 11.0), ("2024-W11", M2, 12.0), ("2024-W11", M3, 20.0)]


def test_category_index_series(store):
    ci = indicators.category_index_series(store, public=True, base="2024-W10")
    test_cat = ci[ci["category"] == "测试"].set_index("period")
    assert test_cat.loc["2024-W10", "index"] == 100.0
    assert test_cat.loc["2024-W11", "index"] == 114.1


def test_board_sparklines(store):
    b = indicators.board(store, period="2024-W11", public=True, spark_periods=4)
    row = b[b["commodity"] == "甲菜"].iloc[0]
    assert row["spark"] == [9.0, 9.5, 11.0, 14.33]   # W08..W11
    assert list(b.columns) == ["category", "commodity", "unit", "price", "wow_pct", "yoy_pct",
                               "direction", "alert", "markets", "spark"]


# -- audiences -----------------------------------------------------------------------------
def test_public_report_never_uses_pending_data(tmp_path):
    store = make_store(tmp_path / "pw.duckdb", SCENARIO)
    before = indicators.report(store, public=True, settings=CFG).to_json()
    # a pending upload: a wild correction of a released price, and a new week
    add_rows(store, [("甲菜", M1, W11, 999.0), ("甲菜", M1, date(2024, 3, 18), 888.0),
                     ("乙菜", M1, date(2024, 3, 18), 1.0)], release=False, name="pending.xlsx")
    indicators.clear_cache()
    after = indicators.report(store, public=True, settings=CFG).to_json()
    assert after == before
    assert indicators.trend(store, "甲菜", public=True)["price"].iloc[-1] == 14.33
    staff = indicators.report(store, public=False, settings=CFG)
    assert staff.period.label == "2024-W12"           # staff see the pending week
    staff11 = indicators.report(store, period="2024-W11", public=False, settings=CFG)
    assert item(staff11, "甲菜")["price"] == indicators.round_half_up((999 + 12 + 20) / 3, 2)


# -- monthly data --------------------------------------------------------------------------
def test_monthly_data_are_detected_and_compared_by_month(tmp_path):
    rows = [("月菜", M1, date(y, m, 15), 10.0 + (y - 2023) * 12 + m) for y in (2023, 2024)
            for m in range(1, 13) if (y, m) <= (2024, 6)]
    store = make_store(tmp_path / "m.duckdb", rows)
    assert indicators.detect_freq(store) == "month"
    rep = indicators.report(store, public=True, settings=CFG)   # the default detects months
    assert rep.period.label == "2024-06"
    assert indicators.trend(store, "月菜")["period"].tolist()[-2:] == ["2024-05", "2024-06"]
    r = item(rep, "月菜")
    assert r["prev_price"] == 27.0 and r["price"] == 28.0     # 2024-05 and 2024-06
    assert r["wow_pct"] == 3.7                                 # 28 / 27 - 1 = 3.70 %
    assert r["yoy_price"] == 16.0                              # 2023-06
    assert r["yoy_pct"] == 75.0                                # 28 / 16 - 1
    # five weeks of weekly data over three months are weekly
    assert indicators.detect_freq(make_store(tmp_path / "w.duckdb", SCENARIO[:8])) == "week"


def test_spread_trend(store):
    sp = indicators.spread_trend(store, "甲菜", public=True).set_index("period")
    # W11: 11, 12, 20 -> cv 28.1 (the report's figure); W10: 10, 12 -> pop sd 1 / mean 11
    assert (sp.loc["2024-W11", "min"], sp.loc["2024-W11", "max"], sp.loc["2024-W11", "cv_pct"]) == \
        (11.0, 20.0, 28.1)
    assert sp.loc["2024-W10", "cv_pct"] == 9.1
    assert sp.loc["2024-W09", "cv_pct"] is None and sp.loc["2024-W09", "markets"] == 1


def test_a_market_quoting_twice_in_a_period_counts_once(tmp_path):
    # 甲市场 quotes Monday 10 and Wednesday 14 (its week's price: 12); 乙市场 quotes 20 once.
    # The commodity price is the mean of market prices, (12 + 20) / 2 = 16, not the mean of
    # the three observations (14.67): in the report and in the trend alike.
    rows = [("双报菜", M1, date(2024, 3, 11), 10.0), ("双报菜", M1, date(2024, 3, 13), 14.0),
            ("双报菜", M2, date(2024, 3, 12), 20.0), ("双报菜", M1, date(2024, 3, 4), 11.0),
            ("双报菜", M2, date(2024, 3, 4), 19.0)]
    store = make_store(tmp_path / "pw.duckdb", rows)
    rep = indicators.report(store, period="2024-W11", settings=CFG)
    assert item(rep, "双报菜")["price"] == 16.0 and item(rep, "双报菜")["markets"] == 2
    assert item(rep, "双报菜")["wow_pct"] == 6.7          # (12 + 20) / (11 + 19) - 1
    t = indicators.trend(store, "双报菜").set_index("period")
    assert t.loc["2024-W11", "price"] == 16.0 and t.loc["2024-W11", "markets"] == 2
    assert t.loc["2024-W10", "price"] == 15.0             # one date: the fast path


def test_history_cache_is_not_fooled_by_a_rebuilt_database(tmp_path):
    # a database deleted and rebuilt at the same path reaches the same data version again;
    # the cached history must not be served for it
    import shutil

    path = tmp_path / "pw.duckdb"
    first = make_store(path, [("重建菜", M1, W10, 10.0), ("重建菜", M1, W11, 11.0)], fresh=True)
    assert indicators.trend(first, "重建菜")["price"].tolist() == [10.0, 11.0]
    first.close()
    path.unlink()
    shutil.rmtree(tmp_path / "pw.duckdb.snapshots")
    second = make_store(path, [("重建菜", M1, W10, 20.0), ("重建菜", M1, W11, 22.0)], fresh=True)
    assert indicators.trend(second, "重建菜")["price"].tolist() == [20.0, 22.0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_trend_window_stats_match_the_documented_functions(seed):
    # trend() uses a numpy path for speed; it must give what moving_average and
    # rolling_high_low define, gaps included
    import numpy as np

    rng = np.random.default_rng(seed)
    y = rng.uniform(1, 50, 130)
    y[rng.random(130) < 0.15] = np.nan
    ma, hi, lo = indicators._window_stats(y)
    s = pd.Series(y)
    want_hi, want_lo = indicators.rolling_high_low(s)
    np.testing.assert_allclose(ma, indicators.moving_average(s).to_numpy(), equal_nan=True)
    np.testing.assert_allclose(hi, want_hi.to_numpy(), equal_nan=True)
    np.testing.assert_allclose(lo, want_lo.to_numpy(), equal_nan=True)


@pytest.mark.parametrize("public", [True, False], ids=["public", "staff"])
@pytest.mark.parametrize("period,base", [
    ("2024-W11", None), ("2024-W10", "2024-W08"), ("2021-W01", None), ("2023-W11", "2020-W53"),
    ("2024-W30", None), (None, None), ("2024-03", None),
])
def test_a_report_from_its_window_is_the_report_from_the_whole_history(store, period, base, public):
    """A report reads only its periods (the 52-period window and the base) on a new data
    version, and ALPS its per-season sums; it must equal, figure for figure, the report built
    on the whole history (in this store a commodity priced only in 2020-2021, a year-earlier
    price, gaps), for the public and for staff (with ALPS)."""
    from pricewatch.indicators import history

    indicators.clear_cache()
    window = indicators.report(store, period=period, base=base, public=public, settings=CFG)
    assert history._WINDOWS and not history._CACHE
    board = indicators.board(store, period=period, public=public)
    indicators.clear_cache()
    indicators.category_index_series(store, public=public, freq=window.period.freq)  # the whole history first
    whole = indicators.report(store, period=period, base=base, public=public, settings=CFG)
    assert history._CACHE and not history._WINDOWS
    assert window.to_json() == whole.to_json()
    pd.testing.assert_frame_equal(window.raw, whole.raw)
    pd.testing.assert_frame_equal(board, indicators.board(store, period=period, public=public))
    indicators.clear_cache()


@pytest.mark.parametrize("freq", ["day", "week", "xun", "month"])
def test_the_history_grid_has_the_periods_of_from_ordinal(freq):
    """The grid's first days and labels, computed on arrays, are those of one Period per
    ordinal: over three decades (ISO years of 53 weeks, leap days, 旬 of 8 to 11 days) and
    across one new year."""
    from datetime import date

    from pricewatch.indicators.history import _periods
    from pricewatch.periods import from_ordinal, ordinal, period_of

    for d0, d1 in [(date(1999, 12, 20), date(2031, 1, 10)), (date(2020, 12, 28), date(2021, 1, 5))]:
        o0, o1 = ordinal(period_of(d0, freq)), ordinal(period_of(d1, freq))
        starts, labels = _periods(o0, o1, freq)
        want = [from_ordinal(i, freq) for i in range(o0, o1 + 1)]
        assert labels == [q.label for q in want]
        assert starts.tolist() == [q.start for q in want]
