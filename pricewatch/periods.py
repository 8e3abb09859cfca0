"""Periods: days, ISO weeks, 旬 (ten-day periods) and months, with labels, parsing and arithmetic.

Four frequencies (DESIGN.md, "Indicator definitions"):

===========  ======  ==================  ======================  =========================
freq         中文    label (canonical)   Chinese label           other accepted spellings
===========  ======  ==================  ======================  =========================
``day``      日      ``2024-05-06``      2024年5月6日            2024/5/6, 2024年5月6日
``week``     周      ``2024-W05``        2024年第5周             2024W05, 2024年第5周
``xun``      旬      ``2024-05-D1``      2024年5月上旬           2024-05-上旬, 2024年5月上旬, 2024-05-X1
``month``    月      ``2024-05``         2024年5月               2024年5月
===========  ======  ==================  ======================  =========================

A week runs Monday to Sunday (ISO 8601); week 1 is the week with the year's first Thursday,
so 2020-W53 exists and 2021-W53 does not. A 旬 is days 1-10 (上旬, D1), 11-20 (中旬, D2) or 21
to the month's end (下旬, D3: 8 to 11 days); the ASCII form uses D for dekad, the usual English
word. The period before 上旬 of a month is 下旬 of the month before, and before 上旬 of January
is 下旬 of December of the previous year.

The same period a year earlier is the same ISO week number, 旬, month or date of the previous
year. When that period does not exist (week 53 after a 52-week year; 29 February after a common
year) there is no comparable period: :func:`same_period_last_year` returns None and
:func:`no_yoy_reason` says why in plain Chinese.

Every frequency has an ordinal (:func:`ordinal`): consecutive periods differ by 1, so the
indicators lay any frequency on one complete grid of periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .errors import InputError

Freq = Literal["day", "week", "xun", "month"]
FREQS: tuple[Freq, ...] = ("day", "week", "xun", "month")
#: Chinese name of each frequency (and the words pricewatch.toml may use for it)
FREQ_ZH: dict[str, str] = {"day": "日", "week": "周", "xun": "旬", "month": "月"}
#: periods per year, for windows given in years (the ALPS model's three years)
PER_YEAR: dict[str, int] = {"day": 365, "week": 52, "xun": 36, "month": 12}
XUN_ZH = ("上旬", "中旬", "下旬")
_THIS_ZH = {"day": "当日", "week": "本周", "xun": "本旬", "month": "本月"}
_PREV_ZH = {"day": "前一日", "week": "上周", "xun": "上旬", "month": "上月"}
#: a frequency in English words (English pages and sentences)
FREQ_EN = {"day": "day", "week": "week", "xun": "ten-day period", "month": "month"}

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_XUN = re.compile(r"^(\d{4})-(\d{1,2})-(?:[DX]([123])|([上中下])旬)$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_ZH_WEEK = re.compile(r"^(\d{4})\s*年\s*第\s*(\d{1,2})\s*周$")
_ZH_XUN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*([上中下])旬$")
_ZH_DAY = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$")
_ZH_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?$")
_FORMS_HINT = "日写作 2024-05-06，周写作 2024-W05，旬写作 2024-05-D1 或 2024年5月上旬，月写作 2024-05"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    freq: Freq
    label: str

    def __str__(self) -> str:
        return self.label

    @property
    def label_zh(self) -> str:
        """2024年5月6日 / 2024年第5周 / 2024年5月上旬 / 2024年5月."""
        s = self.start
        if self.freq == "week":
            y, w = self.label.split("-W")
            return f"{y}年第{int(w)}周"
        if self.freq == "xun":
            return f"{s.year}年{s.month}月{XUN_ZH[xun_of(s) - 1]}"
        if self.freq == "day":
            return f"{s.year}年{s.month}月{s.day}日"
        return f"{s.year}年{s.month}月"

    @property
    def freq_zh(self) -> str:
        """日 / 周 / 旬 / 月."""
        return FREQ_ZH[self.freq]

    @property
    def this_zh(self) -> str:
        """The word for "this period" in a sentence: 当日 / 本周 / 本旬 / 本月."""
        return _THIS_ZH[self.freq]

    @property
    def prev_zh(self) -> str:
        """The word for the period before: 前一日 / 上周 / 上旬 / 上月."""
        return _PREV_ZH[self.freq]

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def normalise_freq(value: str) -> Freq:
    """'旬' / 'xun' / 'dekad' -> 'xun' (and likewise for 日, 周, 月); a clear error otherwise."""
    v = str(value).strip().lower()
    aliases = {"日": "day", "daily": "day", "周": "week", "weekly": "week", "旬": "xun",
               "dekad": "xun", "月": "month", "monthly": "month"}
    f = aliases.get(v, v)
    if f not in FREQS:
        raise InputError(f"未知的期间频率「{value}」", "可选：日（day）、周（week）、旬（xun）、月（month）")
    return f  # type: ignore[return-value]


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week."""
    return date(year, 12, 28).isocalendar()[1]


def _month_end(year: int, number: int) -> date:
    return date(year + (number == 12), number % 12 + 1, 1) - timedelta(days=1)


def week(year: int, number: int) -> Period:
    if not 1 <= number <= weeks_in_year(year):
        raise InputError(f"{year}年没有第{number}周", f"{year}年共有{weeks_in_year(year)}周")
    start = date.fromisocalendar(year, number, 1)
    return Period(start, start + timedelta(days=6), "week", f"{year}-W{number:02d}")


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise InputError(f"月份 {number} 无效", "月份应在 1 到 12 之间")
    return Period(date(year, number, 1), _month_end(year, number), "month", f"{year}-{number:02d}")


def xun(year: int, number: int, k: int) -> Period:
    """旬 ``k`` (1 上旬, 2 中旬, 3 下旬) of month ``number``: days 1-10, 11-20, 21-end."""
    if not 1 <= number <= 12:
        raise InputError(f"月份 {number} 无效", "月份应在 1 到 12 之间")
    if k not in (1, 2, 3):
        raise InputError(f"旬 {k} 无效", "旬只能是 1（上旬）、2（中旬）、3（下旬）")
    start = date(year, number, 10 * (k - 1) + 1)
    end = date(year, number, 10 * k) if k < 3 else _month_end(year, number)
    return Period(start, end, "xun", f"{year}-{number:02d}-D{k}")


def day(d: date) -> Period:
    return Period(d, d, "day", d.isoformat())


def xun_of(d: date) -> int:
    """1, 2 or 3: the 旬 a date falls in (days 1-10, 11-20, 21-end)."""
    return min(3, (d.day - 1) // 10 + 1)


def period_of(d: date, freq: Freq = "week") -> Period:
    if freq == "week":
        y, w, _ = d.isocalendar()
        return week(y, w)
    if freq == "xun":
        return xun(d.year, d.month, xun_of(d))
    if freq == "day":
        return day(d)
    if freq == "month":
        return month(d.year, d.month)
    raise InputError(f"未知的期间频率「{freq}」", "可选：日（day）、周（week）、旬（xun）、月（month）")


def _date(y: str, m: str, d: str, text: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError as e:
        raise InputError(f"日期「{text}」不存在", "检查年月日，例如 2024-02-29 只在闰年有") from e


def parse_period(text: str) -> Period:
    """Any spelling in the module docstring's table -> that period.

    '2024-W05' -> ISO week 5; '2024-05' -> May 2024; '2024-05-D1', '2024-05-上旬' and
    '2024年5月上旬' -> 上旬 of May 2024; '2024-05-06' and '2024年5月6日' -> that day.
    """
    t = str(text).strip()
    if m := _WEEK.match(t) or _ZH_WEEK.match(t):
        return week(int(m.group(1)), int(m.group(2)))
    if m := _MONTH.match(t) or _ZH_MONTH.match(t):
        return month(int(m.group(1)), int(m.group(2)))
    if m := _XUN.match(t):
        k = int(m.group(3)) if m.group(3) else "上中下".index(m.group(4)) + 1
        return xun(int(m.group(1)), int(m.group(2)), k)
    if m := _ZH_XUN.match(t):
        return xun(int(m.group(1)), int(m.group(2)), "上中下".index(m.group(3)) + 1)
    if m := _DAY.match(t) or _ZH_DAY.match(t):
        return day(_date(m.group(1), m.group(2), m.group(3), t))
    raise InputError(f"无法识别的期间「{text}」", _FORMS_HINT)


def ordinal(p: Period) -> int:
    """An integer per period such that consecutive periods of one frequency differ by 1."""
    s = p.start
    if p.freq == "day":
        return s.toordinal()
    if p.freq == "week":
        return (s.toordinal() - 1) // 7          # date(1, 1, 1) is a Monday
    months = s.year * 12 + s.month - 1
    return months * 3 + xun_of(s) - 1 if p.freq == "xun" else months


def from_ordinal(i: int, freq: Freq) -> Period:
    """The inverse of :func:`ordinal`."""
    if freq == "day":
        return day(date.fromordinal(i))
    if freq == "week":
        return period_of(date.fromordinal(i * 7 + 1), "week")
    if freq == "xun":
        months, k = divmod(i, 3)
        y, m = divmod(months, 12)
        return xun(y, m + 1, k + 1)
    y, m = divmod(i, 12)
    return month(y, m + 1)


def previous(p: Period) -> Period:
    return period_of(p.start - timedelta(days=1), p.freq)


def shift(p: Period, n: int) -> Period:
    """n periods later (n < 0: earlier)."""
    return from_ordinal(ordinal(p) + n, p.freq)


def same_period_last_year(p: Period) -> Period | None:
    """The same ISO week, 旬, month or date a year earlier; None when it does not exist."""
    s = p.start
    if p.freq == "month":
        return month(s.year - 1, s.month)
    if p.freq == "xun":
        return xun(s.year - 1, s.month, xun_of(s))
    if p.freq == "day":
        if s.month == 2 and s.day == 29:
            return None
        return day(s.replace(year=s.year - 1))
    y, w = p.label.split("-W")
    prev_year, n = int(y) - 1, int(w)
    if n > weeks_in_year(prev_year):
        return None
    return week(prev_year, n)


def no_yoy_reason(p: Period) -> str:
    """Why :func:`same_period_last_year` is None for ``p`` (plain Chinese)."""
    if p.freq == "day":
        return "去年没有2月29日"
    return "去年没有对应的第53周"


def monday_of(year: int, week_number: int) -> date:
    """The date a weekly form's observations take: 2024年第18周 -> 2024-04-29."""
    return week(year, week_number).start


def xun_start(year: int, number: int, which: str) -> date:
    """The date a 旬 form's observations take: the 旬's first day (2024年5月中旬 -> 2024-05-11).

    ``which`` is 上, 中 or 下 (with or without 旬) or 1, 2, 3. For the ingest of 旬 titles.
    """
    w = str(which).strip().removesuffix("旬")
    k = int(w) if w in ("1", "2", "3") else "上中下".index(w) + 1 if w in ("上", "中", "下") else 0
    return xun(year, number, k).start
