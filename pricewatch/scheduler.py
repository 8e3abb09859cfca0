"""Timed work, in one place (DESIGN invariant 7): reads are pure, the scheduler writes.

Every run (:meth:`Scheduler.tick`) does, in this order:

1. **scheduled publication**: every approved note whose ``publish_at`` has come is
   published as of that time (:meth:`Notebook.due_publications`: one audited store write
   per note; a note whose checks fail now is returned to its editor, also audited);
2. **share files**: each published note without an up-to-date share card and WeChat
   article gets them (:mod:`pricewatch.notes.share`, one audited write per note);
3. **deadline reminders**: each item of this week's 限时发布 schedule that is overdue gets
   one ``deadline.reminder`` audit line (once per week and item) and a line in the log;
4. **the static site** (:mod:`pricewatch.site`) is rebuilt when what the public sees has
   changed since the live build: a release, a publication, a withdrawal, a correction.

``python -m pricewatch scheduler`` runs forever, waking every
``[schedule] interval_s`` seconds (default 20, so a note is public within a minute of
its time); ``--once`` runs one tick (for cron). Two schedulers at once are harmless:
a note's save is refused when another process changed it first, and the site swap is
atomic. The clock is injectable (``clock=``) so tests can move time.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import deadlines
from .config import Settings
from .errors import PricewatchError
from .notes.workflow import Notebook
from .store import Store, queries, writes

Log = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class TickResult:
    """What one run did."""

    at: datetime
    published: list[str] = field(default_factory=list)
    share_files: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)
    site: str | None = None  # the new build's folder when the site was rebuilt
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(timespec="seconds"), "published": self.published,
                "share_files": self.share_files, "reminders": self.reminders,
                "site": self.site, "errors": self.errors}


class Scheduler:
    def __init__(self, store: Store, settings: Settings, *,
                 clock: Callable[[], datetime] | None = None, site: bool = True,
                 site_dir: Path | None = None, base_url: str | None = None,
                 log: Log = _stderr) -> None:
        self.store = store
        self.settings = settings
        self.tz = ZoneInfo(settings.timezone)
        self._clock = clock or (lambda: datetime.now(self.tz))
        self.site = site
        self.site_dir = Path(site_dir or settings.site_dir)
        self.base_url = base_url
        self.log = log

    def now(self) -> datetime:
        n = self._clock()
        return n if n.tzinfo else n.replace(tzinfo=self.tz)

    # -- the jobs ---------------------------------------------------------------------
    def publish_due(self, now: datetime) -> list[str]:
        book = Notebook(self.store, self.settings, clock=lambda: now)
        done = book.due_publications(now)
        for note_id in done:
            self.log(f"{now:%Y-%m-%d %H:%M:%S} 定时发布：{note_id}")
        return done

    def share_files(self, now: datetime) -> list[str]:
        from .notes import share

        return share.keep_all(self.store, self.settings, now=now)

    def reminders(self, now: datetime) -> list[str]:
        """One ``deadline.reminder`` audit line per overdue item and week (never twice)."""
        status = deadlines.week_status(self.store, self.settings, now)
        if not status.overdue:
            return []
        with self.store.read() as s:
            seen = set(queries.audit.audit_log(s, limit=500, action_prefix="deadline.reminder")["target"])
        sent = []
        for item in status.overdue:
            target = f"deadline:{status.week.label}:{item.key}"
            if target in seen:
                continue
            message = (f"{status.week.label_zh}「{item.label}」已逾期"
                       f"（截止 {deadlines.fmt_due(item.due)}）：{item.detail}")
            with self.store.write() as s:
                s.keep_data_version()
                writes.audit(s, "system", "deadline.reminder", target,
                             {"message": message, "due": item.due.isoformat(timespec="minutes")})
            self.log(f"{now:%Y-%m-%d %H:%M:%S} 提醒：{message}")
            sent.append(target)
        return sent

    def rebuild_site(self, now: datetime) -> str | None:
        from . import site

        built = site.build_if_changed(self.store, self.settings, self.site_dir,
                                      base_url=self.base_url, now=now)
        if built is not None:
            self.log(f"{now:%Y-%m-%d %H:%M:%S} 公开网站已更新：{built}")
            return str(built)
        return None

    def tick(self) -> TickResult:
        """One run of every job; a failing job is logged and does not stop the others."""
        now = self.now()
        result = TickResult(now)
        jobs: list[tuple[str, Callable[[datetime], Any]]] = [
            ("published", self.publish_due), ("share_files", self.share_files),
            ("reminders", self.reminders)]
        if self.site:
            jobs.append(("site", self.rebuild_site))
        for name, job in jobs:
            try:
                setattr(result, name, job(now))
            except PricewatchError as e:
                result.errors.append(f"{name}: {e}")
                self.log(f"{now:%Y-%m-%d %H:%M:%S} {name} 失败：{e}")
        return result

    def run(self, interval: float | None = None, stop: threading.Event | None = None) -> None:
        """Tick until ``stop`` is set (SIGTERM and SIGINT set it when run from the CLI)."""
        interval = float(interval or self.settings.scheduler_interval_s)
        stop = stop or threading.Event()
        self.log(f"调度器已启动：每 {interval:g} 秒检查一次定时发布、截止提醒和公开网站")
        while not stop.is_set():
            r = self.tick()
            if any((r.published, r.share_files, r.reminders, r.site, r.errors)):
                self.log(json.dumps(r.to_json(), ensure_ascii=False))
            stop.wait(interval)
        self.log("调度器已停止")


def stop_on_signals() -> threading.Event:
    """An event that SIGTERM (systemd) and SIGINT (Ctrl-C) set, for a clean stop."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop
