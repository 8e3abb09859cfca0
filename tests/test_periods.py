"""Periods 日/周/旬/月: spellings, labels, the period before, the same period last year, the grid
ordinal, and what frequency a set of dates was collected at."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from pricewatch.errors import InputError
from pricewatch.indicators import freq_from_dates
from pricewatch.periods import (
    FREQS,
    from_ordinal,
    normalise_freq,
    ordinal,
    parse_period,
    period_of,
    previous,
    same_period_last_year,
    shift,
    xun_start,
)


@pytest.mark.parametrize(("text", "label", "zh", "start", "end"), [
    ("2024年5月上旬", "2024-05-D1", "2024年5月上旬", "2024-05-01", "2024-05-10"),
    ("2024-05-上旬", "2024-05-D1", "2024年5月上旬", "2024-05-01", "2024-05-10"),
    ("2024-05-D2", "2024-05-D2", "2024年5月中旬", "2024-05-11", "2024-05-20"),
    ("2024-5-x3", "2024-05-D3", "2024年5月下旬", "2024-05-21", "2024-05-31"),   # 31-day month
    ("2024 年 4 月 下旬", "2024-04-D3", "2024年4月下旬", "2024-04-21", "2024-04-30"),
    ("2024年2月下旬", "2024-02-D3", "2024年2月下旬", "2024-02-21", "2024-02-29"),  # leap year
    ("2023年2月下旬", "2023-02-D3", "2023年2月下旬", "2023-02-21", "2023-02-28"),
    ("2024-05-06", "2024-05-06", "2024年5月6日", "2024-05-06", "2024-05-06"),
    ("2024年5月6日", "2024-05-06", "2024年5月6日", "2024-05-06", "2024-05-06"),
    ("2024/5/6", "2024-05-06", "2024年5月6日", "2024-05-06", "2024-05-06"),
    ("2024-W05", "2024-W05", "2024年第5周", "2024-01-29", "2024-02-04"),
    ("2024年第5周", "2024-W05", "2024年第5周", "2024-01-29", "2024-02-04"),
    ("2024-05", "2024-05", "2024年5月", "2024-05-01", "2024-05-31"),
    ("2024年5月", "2024-05", "2024年5月", "2024-05-01", "2024-05-31"),
])
def test_spellings_labels_and_bounds(text, label, zh, start, end):
    p = parse_period(text)
    assert (p.label, p.label_zh, p.start.isoformat(), p.end.isoformat()) == (label, zh, start, end)
    assert parse_period(p.label) == p and parse_period(p.label_zh) == p


@pytest.mark.parametrize(("label", "before"), [
    ("2024-06-D1", "2024-05-D3"),      # 上旬 of June follows 下旬 of May
    ("2024-05-D2", "2024-05-D1"),
    ("2024-03-D1", "2024-02-D3"),      # February's 下旬 has 9 days in a leap year
    ("2025-01-D1", "2024-12-D3"),      # the year boundary
    ("2024-03-01", "2024-02-29"),
    ("2025-01-01", "2024-12-31"),
    ("2021-W01", "2020-W53"),
    ("2024-01", "2023-12"),
])
def test_previous_period(label, before):
    assert previous(parse_period(label)).label == before
    assert shift(parse_period(before), 1).label == label


@pytest.mark.parametrize(("label", "year_before"), [
    ("2024-05-D1", "2023-05-D1"),
    ("2024-02-D3", "2023-02-D3"),      # 9 days against 8: the same 旬, whatever its length
    ("2024-05-06", "2023-05-06"),
    ("2024-02-29", None),              # no 29 February in 2023
    ("2021-W52", "2020-W52"),
    ("2020-W53", None),                # 2019 has 52 ISO weeks
    ("2024-05", "2023-05"),
])
def test_same_period_last_year(label, year_before):
    got = same_period_last_year(parse_period(label))
    assert (got.label if got else None) == year_before


@pytest.mark.parametrize("freq", FREQS)
def test_ordinal_walks_every_period_once(freq):
    """Walking the ordinal covers every day of 2019-2025 exactly once, periods contiguous."""
    p = period_of(date(2019, 1, 1), freq)
    end = date(2025, 12, 31)
    seen = 0
    while p.start <= end:
        q = shift(p, 1)
        assert q.start == p.end + timedelta(days=1)
        assert from_ordinal(ordinal(p), freq) == p and ordinal(q) == ordinal(p) + 1
        assert previous(q) == p and period_of(p.end, freq) == p and period_of(p.start, freq) == p
        seen += (p.end - p.start).days + 1
        p = q
    assert seen >= (end - date(2019, 1, 1)).days


@pytest.mark.parametrize(("text", "message"), [
    ("2024-05-D4", "无法识别"), ("2024年13月上旬", "月份 13 无效"), ("2023-02-29", "不存在"),
    ("2024-W54", "没有第54周"), ("上旬", "无法识别"),
])
def test_bad_periods_say_what_is_wrong(text, message):
    with pytest.raises(InputError, match=message) as e:
        parse_period(text)
    assert e.value.hint


def test_freq_names_and_xun_start():
    assert [normalise_freq(v) for v in ("旬", "xun", "dekad", "日", "周", "月", "WEEK")] == \
        ["xun", "xun", "xun", "day", "week", "month", "week"]
    with pytest.raises(InputError, match="未知的期间频率"):
        normalise_freq("季")
    assert xun_start(2024, 5, "中旬") == date(2024, 5, 11) and xun_start(2024, 2, "下") == date(2024, 2, 21)
    p = parse_period("2024-05-D1")
    assert (p.freq_zh, p.this_zh, p.prev_zh) == ("旬", "本旬", "上旬")


def _dates(kind: str, rng: random.Random) -> list[date]:
    start = date(2023, 1, 1) + timedelta(days=rng.randrange(300))
    out = []
    d = start
    while d < start + timedelta(days=360):
        if kind == "day":
            if d.weekday() < 5 or rng.random() < 0.3:
                out.append(d)
            d += timedelta(days=1)
        elif kind == "week":
            out.append(d + timedelta(days=rng.choice([0, 0, 1])))
            d += timedelta(days=7)
        elif kind == "xun":
            p = period_of(d, "xun")
            out.append(p.start + timedelta(days=rng.randrange(5)))
            d = p.end + timedelta(days=1)
        else:
            out.append(date(d.year, d.month, 15))
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


@pytest.mark.parametrize("kind", ["day", "week", "xun", "month"])
@pytest.mark.parametrize("seed", range(8))
def test_detect_learns_every_frequency(kind, seed):
    assert freq_from_dates(_dates(kind, random.Random(seed))) == kind
