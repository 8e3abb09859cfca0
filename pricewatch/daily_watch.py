"""异常波动期间日报制度: while a red-level 价格预警 is open, prices are monitored daily and each
day's data are due by 12:00 that day.

"Open" means the latest period with data (staff view, the deployment's frequency) carries a
red-level rule alert. From the first day of that period up to today (at most the last
:data:`MAX_DAYS` days) every day is tracked: the time its first observations arrived (the
earliest upload holding data dated that day), and whether that was by 12:00 in
``Settings.timezone``. A day whose 12:00 has not come yet is "pending", not late.

Upload times are stored by the database as the server's local time without a zone; they are
read as such and converted to ``Settings.timezone``.

Used by the 限时发布 page and the briefing (:func:`status`, :func:`briefing_line`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import indicators
from .config import Settings
from .store import Store, queries
from .textfmt import local_time

DUE = time(12, 0)
MAX_DAYS = 14


@dataclass
class Day:
    day: date
    due: datetime
    arrived: datetime | None

    @property
    def on_time(self) -> bool:
        return self.arrived is not None and self.arrived <= self.due

    def state(self, now: datetime) -> str:
        """'on_time' | 'late' (arrived after 12:00) | 'missing' (12:00 passed, nothing) | 'pending'."""
        if self.on_time:
            return "on_time"
        if self.arrived is not None:
            return "late"
        return "missing" if now > self.due else "pending"


STATE_ZH = {"on_time": "12:00前已报送", "late": "逾时报送", "missing": "未报送", "pending": "待报送"}


@dataclass
class DailyWatch:
    now: datetime
    alerts: list[dict[str, Any]] = field(default_factory=list)
    period: str | None = None
    days: list[Day] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.alerts)

    def behind(self) -> list[Day]:
        """Days whose data came after 12:00 or not at all (12:00 passed)."""
        return [d for d in self.days if d.state(self.now) in ("late", "missing")]

    def headline_zh(self) -> str:
        if not self.active:
            return ""
        names = "、".join(dict.fromkeys(str(a.get("commodity") or a.get("rule")) for a in self.alerts))
        behind = self.behind()
        tail = (f"；{len(behind)}天未按时报送：" + "、".join(f"{d.day.month}月{d.day.day}日" for d in behind)
                if behind else "；各日均已按时报送")
        return (f"异常波动期间日报制度：{names}出现红色预警，应每日监测并于12:00前报送当日价格"
                f"{tail}。")


def status(store: Store, settings: Settings, now: datetime | None = None) -> DailyWatch:
    """Whether daily reporting is expected now, and how each day's data arrived."""
    tz = ZoneInfo(settings.timezone)
    now = now or datetime.now(tz)
    now = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    rep = indicators.report(store, public=False, settings=settings)
    red = [a for a in (rep.alerts if rep is not None else []) if a["kind"] == "rule" and a["level"] == "red"]
    if rep is None or not red:
        return DailyWatch(now)
    today = now.date()
    first = max(rep.period.start, today - timedelta(days=MAX_DAYS - 1))
    with store.read() as s:
        arrivals = queries.uploads.first_arrivals(s, first, today) if first <= today else {}
    days = []
    for k in range((today - first).days + 1):
        d = first + timedelta(days=k)
        got = arrivals.get(d)
        arrived = local_time(got, settings.timezone)  # stored UTC (migration 0060)
        days.append(Day(d, datetime.combine(d, DUE, tzinfo=tz), arrived))
    return DailyWatch(now, red, rep.period.label, days)


def briefing_line(store: Store, settings: Settings, now: datetime | None = None) -> str | None:
    """The sentence a briefing carries while daily reporting is expected (None otherwise)."""
    w = status(store, settings, now)
    return w.headline_zh() if w.active else None
