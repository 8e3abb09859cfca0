"""限时发布: the weekly schedule and this week's status.

The schedule is two settings, ``data_due`` and ``note_due``, each "D HH:MM" with D the ISO
weekday (1 = Monday): "1 12:00" = Monday 12:00, in ``Settings.timezone`` (Asia/Shanghai).
"This week" is the ISO week containing ``now`` in that time zone, and its data are the
observations dated in that week (a weekly form is dated the Monday of its week).

Items, each done or not, each with a due time; one not done after its due time is overdue:

* 数据上传 (due data_due): at least one upload holds data of this week;
* 数据发布 (due note_due): every such upload is released (and there is one);
* 解读起草 / 解读审核 / 解读发布 (due note_due): a 价格监测分析 note for this week exists /
  is approved or published / is published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .config import Settings
from .errors import ConfigError
from .periods import Period, period_of
from .store import Store, notes_queries

_DUE = re.compile(r"^\s*([1-7])\s+(\d{1,2}):(\d{2})\s*$")
WEEKDAYS = "一二三四五六日"


def parse_due(text: str, setting: str = "data_due") -> tuple[int, time]:
    m = _DUE.match(str(text))
    if not m or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise ConfigError(f"截止时间设置 {setting} = 「{text}」格式不对",
                          "写作「星期几 时:分」, 1 = 星期一, 例如 \"1 12:00\" 表示星期一 12:00")
    return int(m.group(1)), time(int(m.group(2)), int(m.group(3)))


def due_in_week(week: Period, text: str, tz: ZoneInfo, setting: str) -> datetime:
    day, at = parse_due(text, setting)
    d = week.start + timedelta(days=day - 1)
    return datetime.combine(d, at, tzinfo=tz)


@dataclass
class Item:
    key: str
    label: str
    due: datetime
    done: bool
    detail: str

    def overdue(self, now: datetime) -> bool:
        return not self.done and now > self.due

    def to_json(self, now: datetime) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "due": self.due.isoformat(timespec="minutes"),
                "done": self.done, "overdue": self.overdue(now), "detail": self.detail}


@dataclass
class WeekStatus:
    week: Period
    now: datetime
    items: list[Item]

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.overdue(self.now)]

    def to_json(self) -> dict[str, Any]:
        return {"week": self.week.label, "week_zh": self.week.label_zh,
                "start": self.week.start.isoformat(), "end": self.week.end.isoformat(),
                "now": self.now.isoformat(timespec="minutes"),
                "items": [i.to_json(self.now) for i in self.items],
                "overdue": [i.key for i in self.overdue]}


def fmt_due(dt: datetime) -> str:
    return f"周{WEEKDAYS[dt.isoweekday() - 1]} {dt:%m-%d %H:%M}"


def week_status(store: Store, settings: Settings, now: datetime | None = None,
                notes: list[Any] | None = None) -> WeekStatus:
    """This week's status; ``notes`` are the notes to look at (default: all in the notes dir)."""
    tz = ZoneInfo(settings.timezone)
    now = (now or datetime.now(tz))
    now = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    week = period_of(now.date(), "week")
    data_due = due_in_week(week, settings.data_due, tz, "data_due")
    note_due = due_in_week(week, settings.note_due, tz, "note_due")
    with store.read() as s:
        ups = notes_queries.uploads_between(s, week.start, week.end)
    n_up = len(ups)
    n_rel = int(ups["released_at"].notna().sum()) if n_up else 0
    if notes is None:
        from .notes.model import NoteRepo

        notes = NoteRepo(settings.interpretations_dir).all()
    mine = [n for n in notes if n.kind == "价格监测分析" and n.period == week.label
            and n.status != "withdrawn"]
    best = {"draft": 1, "returned": 1, "submitted": 2, "approved": 3, "published": 4}
    top = max(mine, key=lambda n: best.get(n.status, 0), default=None)
    level = best.get(top.status, 0) if top else 0
    ref = f"{top.id}({top.status_name})" if top else "尚无本周解读"
    items = [
        Item("data_uploaded", "数据上传", data_due, n_up > 0,
             f"{n_up} 个上传" if n_up else "本周数据尚未上传"),
        Item("data_released", "数据发布", note_due, n_up > 0 and n_rel == n_up,
             f"已发布 {n_rel}/{n_up}" if n_up else "无可发布的数据"),
        Item("note_drafted", "解读起草", note_due, level >= 1, ref),
        Item("note_approved", "解读审核", note_due, level >= 3, ref),
        Item("note_published", "解读发布", note_due, level >= 4, ref),
    ]
    return WeekStatus(week, now, items)
