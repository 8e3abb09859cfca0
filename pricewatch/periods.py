"""Periods: ISO weeks ("2024-W05") and months ("2024-05").

A week runs Monday to Sunday (ISO 8601); week 1 is the week with the year's first
Thursday, so 2020-W53 exists and 2021-W53 does not. The same period a year earlier is the
same ISO week number (or month) of the previous year; when that year has no week 53 there
is no comparable week and :func:`same_period_last_year` returns None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .errors import InputError

Freq = Literal["week", "month"]
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


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
        if self.freq == "week":
            y, w = self.label.split("-W")
            return f"{y}年第{int(w)}周"
        y, m = self.label.split("-")
        return f"{y}年{int(m)}月"

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week."""
    return date(year, 12, 28).isocalendar()[1]


def week(year: int, number: int) -> Period:
    if not 1 <= number <= weeks_in_year(year):
        raise InputError(f"{year}年没有第{number}周", f"{year}年共有{weeks_in_year(year)}周")
    start = date.fromisocalendar(year, number, 1)
    return Period(start, start + timedelta(days=6), "week", f"{year}-W{number:02d}")


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise InputError(f"月份 {number} 无效", "月份应在 1 到 12 之间")
    start = date(year, number, 1)
    nxt = date(year + (number == 12), number % 12 + 1, 1)
    return Period(start, nxt - timedelta(days=1), "month", f"{year}-{number:02d}")


def period_of(d: date, freq: Freq = "week") -> Period:
    if freq == "week":
        y, w, _ = d.isocalendar()
        return week(y, w)
    return month(d.year, d.month)


def parse_period(text: str) -> Period:
    """'2024-W05' -> that ISO week; '2024-05' -> May 2024."""
    t = str(text).strip()
    m = _WEEK.match(t)
    if m:
        return week(int(m.group(1)), int(m.group(2)))
    m = _MONTH.match(t)
    if m:
        return month(int(m.group(1)), int(m.group(2)))
    raise InputError(f"无法识别的期间「{text}」", "周写作 2024-W05, 月写作 2024-05")


def previous(p: Period) -> Period:
    return period_of(p.start - timedelta(days=1), p.freq)


def shift(p: Period, n: int) -> Period:
    """n periods later (n < 0: earlier)."""
    if p.freq == "week":
        return period_of(p.start + timedelta(weeks=n), "week")
    y, m = divmod(p.start.year * 12 + p.start.month - 1 + n, 12)
    return month(y, m + 1)


def same_period_last_year(p: Period) -> Period | None:
    if p.freq == "month":
        return month(p.start.year - 1, p.start.month)
    y, w = p.label.split("-W")
    prev_year, n = int(y) - 1, int(w)
    if n > weeks_in_year(prev_year):
        return None
    return week(prev_year, n)


def monday_of(year: int, week_number: int) -> date:
    """The date a weekly form's observations take: 2024年第18周 -> 2024-04-29."""
    return week(year, week_number).start
