"""The scheduler (invariant 7): reads never publish; the scheduler publishes a note at its
time with nobody reading, audited once; deadline reminders once per item; a real
scheduler process publishes a note scheduled a few seconds ahead."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pricewatch import notes as notes_api
from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.notes.workflow import Notebook
from pricewatch.scheduler import Scheduler
from pricewatch.store import queries
from tests.helpers import Clock

TZ = ZoneInfo("Asia/Shanghai")
EDITOR = User("editor", "editor")
REVIEWER = User("reviewer", "reviewer")
GOOD = "猪肉(五花)均价29.13元/公斤,环比上涨2.0%。"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(notes_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PRICEWATCH_SITE_DIR", str(tmp_path / "site"))
    return notes_db


def _approved(store, clock, at: datetime) -> str:
    book = Notebook(store, load_settings(), clock=clock)
    n = book.create(EDITOR, title="第17周价格简析", period="2024-W17", body=GOOD,
                    commodities=["猪肉(五花)"])
    book.submit(EDITOR, n.id)
    book.approve(REVIEWER, n.id, publish_at=at)
    return n.id


def _audit(store, prefix: str) -> list:
    with store.read() as s:
        return list(queries.audit.audit_log(s, limit=500, action_prefix=prefix)["target"])


def test_reads_are_pure_and_the_scheduler_publishes_at_its_time(env):
    settings = load_settings()
    at = datetime(2024, 5, 1, 9, 0, tzinfo=TZ)
    clock = Clock(datetime(2024, 4, 30, 9, 0, tzinfo=TZ))
    note_id = _approved(env, clock, at)
    sched = Scheduler(env, settings, clock=clock, site=False, log=lambda _l: None)

    clock.t = at - timedelta(seconds=1)
    assert sched.tick().published == []
    clock.t = at + timedelta(seconds=30)
    # every read path, after the time has come: nothing changes
    before = (Notebook(env, settings).repo.get(note_id).version, env.version())
    assert notes_api.list_published(settings, env, now=clock.t) == []
    notes_api.feed_xml(settings, env, now=clock.t)
    with pytest.raises(Exception):  # noqa: B017 - NotFound: not published yet
        notes_api.get_published(settings, env, note_id, now=clock.t)
    assert subprocess.run([sys.executable, "-m", "pricewatch", "notes", "list"],
                          capture_output=True, cwd=ROOT, env=os.environ).returncode == 0
    assert (Notebook(env, settings).repo.get(note_id).version, env.version()) == before
    assert _audit(env, "note.publish") == []

    r = sched.tick()
    assert r.published == [note_id]
    note = Notebook(env, settings).repo.get(note_id)
    assert note.status == "published" and note.published_at == at
    assert _audit(env, "note.publish") == [f"note:{note_id}"]
    assert sched.tick().published == []  # once
    assert _audit(env, "note.publish") == [f"note:{note_id}"]


def test_deadline_reminders_once_per_item(env):
    settings = load_settings()
    # 2024-W18 (Mon 04-29): data due Mon 12:00, note due Wed 17:00; on Thursday the note
    # items are overdue (W18 data exist but are pending, no note)
    clock = Clock(datetime(2024, 5, 2, 10, 0, tzinfo=TZ))
    # each upload arrived at 09:00 Beijing time on the Monday its data are dated (stored UTC)
    with env.write() as s:
        s.execute("UPDATE uploads SET uploaded_at = CAST(date_min AS TIMESTAMP) + INTERVAL 1 HOUR")
    lines: list[str] = []
    sched = Scheduler(env, settings, clock=clock, site=False, log=lines.append)
    first = sched.tick().reminders
    assert "deadline:2024-W18:note_published" in first
    assert "deadline:2024-W18:data_released" in first
    assert "deadline:2024-W18:data_uploaded" not in first  # done
    assert any("已逾期" in line for line in lines)
    assert sched.tick().reminders == []
    assert sorted(_audit(env, "deadline.reminder")) == sorted(first)


def test_a_failing_job_does_not_stop_the_others(env, monkeypatch):
    from pricewatch.errors import StoreError

    settings = load_settings()
    clock = Clock(datetime(2024, 4, 30, 9, 0, tzinfo=TZ))
    note_id = _approved(env, clock, clock.t + timedelta(minutes=1))
    sched = Scheduler(env, settings, clock=clock, site=False, log=lambda _l: None)

    def broken(now):
        raise StoreError("数据库忙", "稍后再试")

    monkeypatch.setattr(sched, "reminders", broken)
    clock.t += timedelta(minutes=2)
    r = sched.tick()
    assert r.published == [note_id] and r.errors and "数据库忙" in r.errors[0]


@pytest.mark.slow
def test_a_real_scheduler_process_publishes_with_nobody_reading(env, tmp_path):
    """A scheduler process (``--interval 1``) and a note due a few seconds from now."""
    settings = load_settings()
    at = (datetime.now(TZ) + timedelta(seconds=4)).replace(microsecond=0)
    note_id = _approved(env, None, at)
    log = (tmp_path / "scheduler.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "pricewatch", "scheduler", "--interval", "1",
                             "--no-site"], cwd=ROOT, env=os.environ, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60  # "within a minute of its time"
        repo = Notebook(env, settings).repo
        # the note file is saved inside the write; its audit line is readable once the
        # write's snapshot is published a moment later: wait for both
        while time.monotonic() < deadline and (repo.get(note_id).status != "published"
                                               or not _audit(env, "note.publish")):
            assert proc.poll() is None, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.5)
        note = repo.get(note_id)
        assert note.status == "published", (tmp_path / "scheduler.log").read_text()
        assert note.published_at == at
        assert _audit(env, "note.publish") == [f"note:{note_id}"]
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0  # SIGTERM stops it cleanly
        log.close()
    assert "调度器已停止" in (tmp_path / "scheduler.log").read_text()
