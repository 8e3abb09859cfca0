"""异常波动期间日报制度: daily reporting is expected only while a red-level alert is open, and
each day's data are tracked against 12:00 (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pricewatch import daily_watch
from pricewatch.config import Settings
from tests.fixtures.indicator_data import add_rows, make_store

SH = ZoneInfo("Asia/Shanghai")
DAY0 = date(2024, 5, 1)


def _server_time(dt: datetime) -> datetime:
    """How the database stores an upload time: UTC, no zone (whatever the server's zone)."""
    return dt.astimezone(UTC).replace(tzinfo=None)


def _day_upload(store, k: int, price: float, at: datetime | None) -> None:
    day = DAY0 + timedelta(days=k)
    add_rows(store, [("大米", "甲市场", day, price)], name=f"{day}.xlsx")
    if at is not None:
        with store.write() as s:   # test set-up: the upload arrived at ``at``
            s.execute("UPDATE uploads SET uploaded_at = ? WHERE file_name = ?", [_server_time(at), f"{day}.xlsx"])


@pytest.fixture
def cfg():
    # daily publication; the "trend" preset: above 20 % within 10 days is red
    return Settings(publication_frequency="day", alert_presets=("trend",))


def test_no_red_alert_no_daily_reporting(tmp_path, cfg):
    store = make_store(tmp_path / "a.duckdb", [("大米", "甲市场", DAY0 + timedelta(days=k), 10.0) for k in range(11)])
    w = daily_watch.status(store, cfg, datetime(2024, 5, 11, 15, 0, tzinfo=SH))
    assert not w.active and w.days == [] and daily_watch.briefing_line(store, cfg, w.now) is None


def test_red_alert_tracks_each_day_against_noon(tmp_path, cfg):
    # 05-11: +25 % on 05-01 -> red (a rise above 20 % within 10 days); its data came at 09:30
    store2 = make_store(tmp_path / "c.duckdb", [("大米", "甲市场", DAY0 + timedelta(days=k), 10.0 + 0.1 * k)
                                                for k in range(10)])
    _day_upload(store2, 10, 12.5, datetime(2024, 5, 11, 9, 30, tzinfo=SH))
    w = daily_watch.status(store2, cfg, datetime(2024, 5, 12, 15, 0, tzinfo=SH))
    assert w.active and w.period == "2024-05-11"
    assert [(d.day.isoformat(), d.state(w.now)) for d in w.days] == [("2024-05-11", "on_time"), ("2024-05-12", "missing")]
    assert w.days[0].arrived.astimezone(SH).strftime("%H:%M") == "09:30"
    line = w.headline_zh()
    assert line == ("异常波动期间日报制度：大米出现红色预警，应每日监测并于12:00前报送当日价格；"
                    "1天未按时报送：5月12日。")
    # before noon the day is pending, not late
    w = daily_watch.status(store2, cfg, datetime(2024, 5, 12, 11, 0, tzinfo=SH))
    assert [d.state(w.now) for d in w.days] == ["on_time", "pending"]
    assert w.headline_zh().endswith("各日均已按时报送。")


def test_briefing_says_daily_reporting_is_expected(tmp_path, cfg, monkeypatch):
    from pricewatch import briefing

    store = make_store(tmp_path / "d.duckdb", [("大米", "甲市场", DAY0 + timedelta(days=k), 10.0 + 0.1 * k)
                                               for k in range(10)])
    _day_upload(store, 10, 12.5, datetime(2024, 5, 11, 9, 30, tzinfo=SH))
    now = datetime(2024, 5, 11, 16, 0, tzinfo=SH)
    staff = briefing.build(store, cfg, "2024-05-11", public=False, now=now)
    daily = [a for a in staff.alerts if a.kind == "daily"]
    assert len(daily) == 1 and daily[0].message.startswith("异常波动期间日报制度：大米出现红色预警")
    public = briefing.build(store, cfg, "2024-05-11", public=True, now=now)
    assert [a for a in (public.alerts or []) if a.kind == "daily"] == []
