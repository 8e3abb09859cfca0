"""限时发布: the weekly schedule and this week's status, judged by when things arrived.

The schedule is two settings, ``data_due`` and ``note_due``, each "D HH:MM" with D the ISO
weekday (1 = Monday): "1 12:00" = Monday 12:00, in ``Settings.timezone`` (Asia/Shanghai).
"This week" is the ISO week containing ``now`` in that time zone, and its data are the
observations dated in that week (a weekly form is dated the Monday of its week).

A deadline is met only by what arrived before it. Upload and release times are stored in
UTC (naive) and compared with the due time in the bureau's zone; anything stamped after
``now`` has not happened yet as far as this status is concerned, so the status of a past
week can be recomputed truthfully. Each item has a state:

* ``met``: done, and done before its due time;
* ``late``: done, but after its due time (``late_by`` says how late);
* ``partial``: begun but not whole: for 数据上传, some of the expected markets are missing
  (named in ``missing``); for 数据发布, some uploads are still pending;
* ``open``: not done, not yet due; ``overdue``: not done (or partial) after its due time.

Expected markets are those that reported in the week before (current rows); where that week
is empty, those of the last eight weeks; where those are empty too, coverage is not judged.

Items: 数据上传 (due data_due), 数据发布 (due note_due), 解读起草 / 解读审核 / 解读发布
(due note_due: a 价格监测分析 note for this week exists / is approved or published / is
published; a published note counts as on time when its ``published_at`` is before the due).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from .config import Settings
from .errors import ConfigError
from .periods import Period, period_of
from .store import Store, queries
from .textfmt import local_time

_DUE = re.compile(r"^\s*([1-7])\s+(\d{1,2}):(\d{2})\s*$")
WEEKDAYS = "一二三四五六日"
STATE_ZH = {"met": "已完成", "late": "逾期完成", "partial": "部分完成", "open": "未完成",
            "overdue": "已逾期"}
STATE_EN = {"met": "done", "late": "done late", "partial": "partial", "open": "open",
            "overdue": "overdue"}


def parse_due(text: str, setting: str = "data_due") -> tuple[int, time]:
    m = _DUE.match(str(text))
    if not m or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise ConfigError(f"截止时间设置 {setting} = 「{text}」格式不对",
                          "写作「星期几 时:分」，1 = 星期一，例如 \"1 12:00\" 表示星期一12:00")
    return int(m.group(1)), time(int(m.group(2)), int(m.group(3)))


def due_in_week(week: Period, text: str, tz: ZoneInfo, setting: str) -> datetime:
    day, at = parse_due(text, setting)
    d = week.start + timedelta(days=day - 1)
    return datetime.combine(d, at, tzinfo=tz)


def schedule_words(settings: Settings) -> str:
    """The schedule as a sentence: "每周一12:00前上传数据，每周三17:00前发布解读"."""
    d_day, d_at = parse_due(settings.data_due, "data_due")
    n_day, n_at = parse_due(settings.note_due, "note_due")
    return (f"每周{WEEKDAYS[d_day - 1]}{d_at:%H:%M}前上传数据，"
            f"每周{WEEKDAYS[n_day - 1]}{n_at:%H:%M}前发布数据和解读")


def duration_zh(delta: timedelta) -> str:
    """"2天3小时"、"5小时10分钟"、"20分钟" (whole minutes, at least 1)."""
    minutes = max(1, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{mins}分钟"


@dataclass
class Item:
    key: str
    label: str
    due: datetime
    done: bool
    detail: str
    #: when the item was completed (None: not complete), in the bureau's zone
    done_at: datetime | None = None
    #: begun but not whole (markets missing, uploads pending)
    partial: bool = False
    missing: list[str] = field(default_factory=list)
    #: ``detail`` in English (the English page)
    detail_en: str = ""

    def overdue(self, now: datetime) -> bool:
        return not self.done and now > self.due

    @property
    def late_by(self) -> timedelta | None:
        """How late a completed item came (None when on time or not done)."""
        if self.done and self.done_at is not None and self.done_at > self.due:
            return self.done_at - self.due
        return None

    def state(self, now: datetime) -> str:
        if self.done:
            return "late" if self.late_by else "met"
        if self.overdue(now):
            return "overdue"
        return "partial" if self.partial else "open"

    def describe(self, now: datetime) -> str:
        """The state in words, with how late and what is missing: "已逾期1天2小时，缺：A、B"."""
        state = self.state(now)
        words = STATE_ZH[state]
        if state == "late":
            words += f"（晚{duration_zh(self.late_by)}）"
        elif state == "overdue":
            words += duration_zh(now - self.due)
            if self.partial:
                words += "（部分完成）"
        if self.missing:
            words += "，缺：" + "、".join(self.missing)
        return words

    def to_json(self, now: datetime) -> dict[str, Any]:
        late = self.late_by
        return {"key": self.key, "label": self.label, "due": self.due.isoformat(timespec="minutes"),
                "done": self.done, "overdue": self.overdue(now), "state": self.state(now),
                "done_at": self.done_at.isoformat(timespec="minutes") if self.done_at else None,
                "late_minutes": int(late.total_seconds() // 60) if late else None,
                "missing": list(self.missing), "detail": self.detail,
                "text": self.describe(now)}


@dataclass
class WeekStatus:
    week: Period
    now: datetime
    items: list[Item]
    schedule: str = ""

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.overdue(self.now)]

    @property
    def late(self) -> list[Item]:
        return [i for i in self.items if i.late_by]

    def to_json(self) -> dict[str, Any]:
        return {"week": self.week.label, "week_zh": self.week.label_zh,
                "start": self.week.start.isoformat(), "end": self.week.end.isoformat(),
                "now": self.now.isoformat(timespec="minutes"), "schedule": self.schedule,
                "items": [i.to_json(self.now) for i in self.items],
                "overdue": [i.key for i in self.overdue], "late": [i.key for i in self.late]}


def fmt_due(dt: datetime) -> str:
    return f"周{WEEKDAYS[dt.isoweekday() - 1]} {dt:%m-%d %H:%M}"


def _expected_markets(s: Any, week: Period) -> list[str]:
    before = queries.observations.markets_reporting(s, week.start - timedelta(days=7),
                                             week.start - timedelta(days=1))
    if before:
        return before
    return queries.observations.markets_reporting(s, week.start - timedelta(days=56),
                                           week.start - timedelta(days=1))


def _data_items(store: Store, week: Period, now: datetime, tz: ZoneInfo,
                data_due: datetime, note_due: datetime) -> list[Item]:
    with store.read() as s:
        ups = queries.uploads.uploads_between(s, week.start, week.end)
        expected = _expected_markets(s, week)
        ups = ups.assign(at=[local_time(v, tz.key) for v in ups["uploaded_at"]],
                         rel=[local_time(v, tz.key) for v in ups["released_at"]])
        arrived = [a is not None and a <= now for a in ups["at"]]
        ups = ups.loc[pd.Series(arrived, index=ups.index, dtype=bool)]  # not arrived yet: ignore
        held = queries.uploads.markets_by_upload(s, [int(i) for i in ups["id"]], week.start, week.end)
    # 数据上传: the time the expected markets were all in (or the first upload, when the
    # expected set is unknown); partial while some are missing
    covered: set[str] = set()
    whole_at: datetime | None = None
    for _, u in ups.sort_values("at", kind="stable").iterrows():
        covered |= set(held.loc[held["upload_id"] == u["id"], "market"])
        if whole_at is None and set(expected) <= covered:
            whole_at = u["at"]
    missing = [m for m in expected if m not in covered]
    n_up = len(ups)
    up_detail = (f"{n_up}个上传，{len(covered)}个市场" if n_up else "本周数据尚未上传")
    up_en = (f"{n_up} upload{'s' * (n_up != 1)}, {len(covered)} market{'s' * (len(covered) != 1)}"
             if n_up else "no data uploaded this week yet")
    if expected and n_up:
        up_detail += f"（应报{len(expected)}个）"
        up_en += f" ({len(expected)} expected)"
    uploaded = Item("data_uploaded", "数据上传", data_due, n_up > 0 and not missing, up_detail,
                    done_at=whole_at if n_up and not missing else None,
                    partial=n_up > 0 and bool(missing), missing=missing, detail_en=up_en)
    # 数据发布: every arrived upload released (as of now)
    rel = [r for r in ups["rel"] if r is not None and r <= now]
    all_rel = n_up > 0 and len(rel) == n_up
    released = Item("data_released", "数据发布", note_due, all_rel and not missing,
                    f"已发布{len(rel)}/{n_up}" if n_up else "无可发布的数据",
                    done_at=max(rel) if all_rel and not missing else None,
                    partial=bool(rel) and (not all_rel or bool(missing)),
                    detail_en=f"released {len(rel)}/{n_up}" if n_up else "no data to release")
    return [uploaded, released]


def week_status(store: Store, settings: Settings, now: datetime | None = None,
                notes: list[Any] | None = None) -> WeekStatus:
    """This week's status; ``notes`` are the notes to look at (default: all in the notes dir)."""
    tz = ZoneInfo(settings.timezone)
    now = (now or datetime.now(tz))
    now = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    week = period_of(now.date(), "week")
    data_due = due_in_week(week, settings.data_due, tz, "data_due")
    note_due = due_in_week(week, settings.note_due, tz, "note_due")
    items = _data_items(store, week, now, tz, data_due, note_due)
    if notes is None:
        from .notes.model import NoteRepo

        notes = NoteRepo(settings.interpretations_dir).all()
    mine = [n for n in notes if n.kind == "价格监测分析" and n.period == week.label
            and n.status != "withdrawn"]
    best = {"draft": 1, "returned": 1, "submitted": 2, "approved": 3, "published": 4}
    top = max(mine, key=lambda n: best.get(n.status, 0), default=None)
    level = best.get(top.status, 0) if top else 0
    # the note by its title (its id is a code, with English words in it)
    ref = f"《{top.title}》（{top.status_name}）" if top else "尚无本周解读"
    from .notes.model import STATUS_NAMES_EN

    ref_en = f"“{top.title}” ({STATUS_NAMES_EN.get(top.status, top.status)})" if top else "no note for this week yet"
    published_at = local_time(getattr(top, "published_at", None), tz.key) if level >= 4 else None
    items += [
        Item("note_drafted", "解读起草", note_due, level >= 1, ref, detail_en=ref_en),
        Item("note_approved", "解读审核", note_due, level >= 3, ref, detail_en=ref_en),
        Item("note_published", "解读发布", note_due, level >= 4, ref, done_at=published_at, detail_en=ref_en),
    ]
    return WeekStatus(week, now, items, schedule_words(settings))
