"""pricewatch.textfmt: the one formatter of numbers and Chinese text."""

from __future__ import annotations

import random
from datetime import date

import pytest

from pricewatch import textfmt as tf


@pytest.mark.parametrize(("v", "price", "pct", "change", "arrow"), [
    (3.5, "3.50", "+3.5%", "上涨3.5%", "▲ 3.5%"),
    (-1.25, "-1.25", "-1.3%", "下降1.3%", "▼ 1.3%"),      # half away from zero
    (10.125, "10.13", "+10.1%", "上涨10.1%", "▲ 10.1%"),  # 10.125 is 10.12499... as a double
    (0.04, "0.04", "0.0%", "持平", "持平"),
    (-0.04, "-0.04", "0.0%", "持平", "持平"),              # never -0.0
    (None, "—", "—", "无可比数据", "—"),
    (float("nan"), "—", "—", "无可比数据", "—"),
])
def test_numbers(v, price, pct, change, arrow):
    assert (tf.price(v), tf.pct(v), tf.change(v), tf.arrow_pct(v)) == (price, pct, change, arrow)


def test_half_up_matches_decimal_rounding_on_random_values():
    from decimal import ROUND_HALF_UP, Decimal

    rng = random.Random(7)
    for _ in range(2000):
        x = round(rng.uniform(-50, 50), rng.choice([2, 3, 4]))
        want = float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + 0.0
        assert tf.round_half_up(x, 1) == want, x


def test_lists_shares_and_movers():
    assert tf.zh_list([]) == "" and tf.zh_list(["黄瓜"]) == "黄瓜"
    assert tf.zh_list(["黄瓜", "菠菜"]) == "黄瓜和菠菜"
    assert tf.zh_list(["黄瓜", "菠菜", "生菜"]) == "黄瓜、菠菜和生菜"
    assert tf.movers(["黄瓜", "菠菜", "生菜"], [32.4, 17.94, 10.65]) == "黄瓜、菠菜和生菜分别上涨32.4%、17.9%和10.7%"
    assert tf.movers(["白菜"], [-3.0]) == "白菜下降3.0%"
    assert tf.share(34, 58) == "占58.6%" and tf.share(0, 0) == "占0.0%"
    assert tf.breadth(58, 34, 5, 19) == "上涨34种，占58.6%；持平5种，占8.6%；下降19种，占32.8%"
    assert tf.index(100.0) == "100.0" and tf.index(103.25) == "103.25"


def test_spans():
    assert tf.span_zh(date(2026, 11, 23), date(2026, 11, 29)) == "2026年11月23日—29日"
    assert tf.span_zh(date(2026, 11, 30), date(2026, 12, 6)) == "2026年11月30日—12月6日"
    assert tf.span_zh(date(2026, 12, 28), date(2027, 1, 3)) == "2026年12月28日—2027年1月3日"
    assert tf.span_zh(date(2026, 5, 6), date(2026, 5, 6)) == "2026年5月6日"


@pytest.mark.parametrize(("raw", "want"), [
    ("47种商品,33种上涨", "47种商品，33种上涨"),
    ("核对了 3 个数字, 全部一致", "核对了 3 个数字，全部一致"),
    ("注: 以下; 其余", "注：以下；其余"),
    ("价格上涨5%,超过预警线", "价格上涨5%，超过预警线"),
    ("每周一 12:00 前", "每周一 12:00 前"),              # a time stays
    ("猪粮比价6:1", "猪粮比价6:1"),                      # a ratio stays
    ("猪肉(五花)均价", "猪肉(五花)均价"),                # catalog spelling stays
    ("see https://x.cn/a, b: c", "see https://x.cn/a, b: c"),  # English stays
])
def test_zh_punct(raw, want):
    assert tf.zh_punct(raw) == want
    assert tf.zh_punct(want) == want
    assert not tf.half_width_in_chinese(tf.zh_punct(raw))
