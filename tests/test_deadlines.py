"""限时发布: a deadline is met only by what arrived before it; partial weeks name the missing
markets; late items say how late; the schedule reads as words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pricewatch import deadlines, publish
from pricewatch.accounts import User
from pricewatch.config import Settings
from tests.helpers import load_rows

TZ = ZoneInfo("Asia/Shanghai")
MARKETS = ("城关农贸市场", "城南农贸市场", "惠民超市")


def _stamp(store, upload_id: int, local: datetime, column: str = "uploaded_at") -> None:
    """Set when an upload arrived (stored as naive UTC, as the store stamps it)."""
    utc = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    sql = {"uploaded_at": "UPDATE uploads SET uploaded_at = ? WHERE id = ?",
           "released_at": "UPDATE uploads SET released_at = ? WHERE id = ?"}[column]
    with store.write() as s:
        s.execute(sql, [utc, upload_id])


def _week(store, day: str, markets, arrived: datetime) -> int:
    rows = [("大米", m, day, 6.0) for m in markets]
    res = load_rows(store, rows, file_name=f"{day}-{len(markets)}.xlsx")
    _stamp(store, res.upload_id, arrived)
    return res.upload_id


@pytest.fixture
def cfg(tmp_path) -> Settings:
    return Settings(db_path=tmp_path / "x.duckdb", interpretations_dir=tmp_path / "notes")


def test_late_partial_week_is_not_met(store, cfg):
    # W17 (2024-04-22): every market reported on time, and was released
    first = _week(store, "2024-04-22", MARKETS, datetime(2024, 4, 22, 9, 0, tzinfo=TZ))
    publish.release(store, User("reviewer", "reviewer"), upload_id=first)
    # W18: due Monday 2024-04-29 12:00; one market came on Wednesday, two never came
    _week(store, "2024-04-29", MARKETS[:1], datetime(2024, 5, 1, 10, 30, tzinfo=TZ))
    now = datetime(2024, 5, 1, 18, 0, tzinfo=TZ)
    st = deadlines.week_status(store, cfg, now, notes=[])
    up = st.items[0]
    assert up.key == "data_uploaded" and not up.done and up.partial
    assert up.state(now) == "overdue" and up.missing == list(MARKETS[1:])
    assert up.describe(now) == "已逾期2天6小时（部分完成），缺：城南农贸市场、惠民超市"
    assert up.detail == "1个上传，1个市场（应报3个）" and up.detail_en == "1 upload, 1 market (3 expected)"
    assert st.items[1].detail_en == "released 0/1"
    assert st.items[2].detail_en == "no note for this week yet"
    assert "data_uploaded" in st.to_json()["overdue"]
    # before the upload arrived, it does not count at all
    tue = datetime(2024, 4, 30, 9, 0, tzinfo=TZ)
    st = deadlines.week_status(store, cfg, tue, notes=[])
    assert st.items[0].detail == "本周数据尚未上传" and not st.items[0].partial


def test_late_but_whole_week_says_how_late(store, cfg):
    first = _week(store, "2024-04-22", MARKETS, datetime(2024, 4, 22, 9, 0, tzinfo=TZ))
    publish.release(store, User("reviewer", "reviewer"), upload_id=first)
    _week(store, "2024-04-29", MARKETS[:2], datetime(2024, 4, 29, 11, 0, tzinfo=TZ))
    _week(store, "2024-04-29", MARKETS[2:], datetime(2024, 4, 29, 15, 20, tzinfo=TZ))
    now = datetime(2024, 4, 30, 9, 0, tzinfo=TZ)
    st = deadlines.week_status(store, cfg, now, notes=[])
    up = st.items[0]
    assert up.done and up.state(now) == "late" and up.late_by == timedelta(hours=3, minutes=20)
    assert up.describe(now) == "逾期完成（晚3小时20分钟）"
    assert [i.key for i in st.late] == ["data_uploaded"]
    assert st.to_json()["items"][0]["late_minutes"] == 200


def test_on_time_week_is_met_and_release_timing_counts(store, cfg):
    first = _week(store, "2024-04-22", MARKETS, datetime(2024, 4, 22, 9, 0, tzinfo=TZ))
    publish.release(store, User("reviewer", "reviewer"), upload_id=first)
    up_id = _week(store, "2024-04-29", MARKETS, datetime(2024, 4, 29, 8, 0, tzinfo=TZ))
    publish.release(store, User("reviewer", "reviewer"), upload_id=up_id)
    _stamp(store, up_id, datetime(2024, 5, 2, 9, 0, tzinfo=TZ), "released_at")  # after Wed 17:00
    now = datetime(2024, 5, 2, 10, 0, tzinfo=TZ)
    st = deadlines.week_status(store, cfg, now, notes=[])
    assert st.items[0].state(now) == "met"
    assert st.items[1].state(now) == "late" and st.items[1].describe(now) == "逾期完成（晚16小时）"
    # seen from Wednesday noon, the release has not happened yet: partial, not done
    wed = datetime(2024, 5, 1, 12, 0, tzinfo=TZ)
    st = deadlines.week_status(store, cfg, wed, notes=[])
    assert st.items[1].state(wed) == "open" and st.items[1].detail == "已发布0/1"


def test_schedule_in_words(cfg):
    assert deadlines.schedule_words(cfg) == "每周一12:00前上传数据，每周三17:00前发布数据和解读"
    assert deadlines.duration_zh(timedelta(days=1)) == "1天"
    assert deadlines.duration_zh(timedelta(seconds=20)) == "1分钟"


def test_deadlines_page_names_partial_week_and_missing_markets(store, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.helpers import sign_in

    now = datetime.now(TZ)
    monday = now.date() - timedelta(days=now.weekday())
    first = _week(store, (monday - timedelta(days=7)).isoformat(), MARKETS,
                  now - timedelta(days=7))
    publish.release(store, User("reviewer", "reviewer"), upload_id=first)
    _week(store, monday.isoformat(), MARKETS[:1], now - timedelta(minutes=1))
    monkeypatch.setenv("PRICEWATCH_DB", str(store.path))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(tmp_path / "notes"))
    at = AppTest.from_file("../dashboard/app_pages/deadlines.py", default_timeout=60)
    sign_in(at, User("editor", "editor"))
    at.run()
    text = " ".join(m.value for m in at.markdown) + " ".join(e.value for e in at.error)
    text += " ".join(w.value for w in at.warning)
    assert "每周一12:00前上传数据" in text
    assert "缺：城南农贸市场、惠民超市" in text and "本周没有逾期事项" not in at.success.values
    assert monday.isoformat() in " ".join(c.value for c in at.caption)
    # in English, the counts too (they used to be left out), and no Chinese comma in the list
    at.query_params["lang"] = "en"
    at.run()
    text = " ".join(m.value for m in at.markdown) + " ".join(e.value for e in at.error)
    text += " ".join(w.value for w in at.warning)
    assert "1 upload, 1 market (3 expected)" in text and "released 0/1" in text
    assert "missing: " in text and "、" not in text


def test_deadlines_page_shows_arrival_in_the_one_clock_format(store, tmp_path, monkeypatch):
    """A whole week's upload: the page says when it came, as "2026-12-02 12:43" like every
    other page, not a bare hour."""
    from streamlit.testing.v1 import AppTest

    from pricewatch.textfmt import clock
    from tests.helpers import sign_in

    now = datetime.now(TZ)
    monday = now.date() - timedelta(days=now.weekday())
    first = _week(store, (monday - timedelta(days=7)).isoformat(), MARKETS, now - timedelta(days=7))
    publish.release(store, User("reviewer", "reviewer"), upload_id=first)
    came = (now - timedelta(minutes=2)).replace(second=0, microsecond=0)
    _week(store, monday.isoformat(), MARKETS, came)
    monkeypatch.setenv("PRICEWATCH_DB", str(store.path))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(tmp_path / "notes"))
    at = AppTest.from_file("../dashboard/app_pages/deadlines.py", default_timeout=60)
    sign_in(at, User("editor", "editor"))
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert f"完成于 {clock(came, 'Asia/Shanghai')}" in text, text
