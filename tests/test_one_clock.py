"""One clock for display: a stored (UTC) time is shown in the bureau's zone, one format,
on the audit page, the upload history and the audit export alike; feeds carry the offset."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pricewatch import accounts, audit, textfmt
from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.errors import ConfigError
from pricewatch.store import Store
from tests.helpers import open_page

#: late evening in UTC is the next morning in Beijing: the date changes too
EVENT_UTC = datetime(2026, 12, 1, 20, 43, 5)


@pytest.mark.parametrize(("value", "tz", "shown"), [
    (EVENT_UTC, "Asia/Shanghai", "2026-12-02 04:43"),
    (EVENT_UTC, "UTC", "2026-12-01 20:43"),
    (EVENT_UTC, "America/New_York", "2026-12-01 15:43"),
    (pd.Timestamp(EVENT_UTC), "Asia/Shanghai", "2026-12-02 04:43"),
    ("2026-12-01T20:43:05", "Asia/Shanghai", "2026-12-02 04:43"),
    # an aware time (the notes keep the bureau's zone) is converted, not re-labelled
    ("2026-12-02T04:43:05+08:00", "Asia/Shanghai", "2026-12-02 04:43"),
    (datetime(2026, 12, 2, 4, 43, tzinfo=timezone(timedelta(hours=8))), "UTC", "2026-12-01 20:43"),
    (None, "Asia/Shanghai", ""), (pd.NaT, "Asia/Shanghai", ""), ("", "Asia/Shanghai", ""),
])
def test_clock_shows_a_stored_time_in_the_bureau_zone(value, tz, shown) -> None:
    assert textfmt.clock(value, tz) == shown


def test_rfc3339_carries_the_offset() -> None:
    assert textfmt.rfc3339(EVENT_UTC) == "2026-12-02T04:43:05+08:00"
    assert textfmt.rfc3339(EVENT_UTC, "UTC") == "2026-12-01T20:43:05+00:00"


def test_the_zone_is_read_from_bureau_and_checked(tmp_path: Path, monkeypatch) -> None:
    cfg = tmp_path / "pricewatch.toml"
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(cfg))
    cfg.write_text('[bureau]\ntimezone = "Asia/Urumqi"\n', encoding="utf-8")
    assert load_settings().timezone == "Asia/Urumqi"
    cfg.write_text('[bureau]\nname = "x"\n', encoding="utf-8")
    assert load_settings().timezone == "Asia/Shanghai"
    cfg.write_text('[bureau]\ntimezone = "Beijing"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert "timezone" in e.value.message and "Asia/Shanghai" in str(e.value.hint)


def _stamp_last_upload(store: Store) -> str:
    """Move the newest upload and its audit line to EVENT_UTC; returns its file name."""
    with store.write() as s:
        uid, name = s.one("SELECT id, file_name FROM uploads ORDER BY id DESC LIMIT 1")
        s.execute("UPDATE uploads SET uploaded_at = ? WHERE id = ?", [EVENT_UTC, uid])
        s.execute("UPDATE audit_log SET at_time = ? WHERE action = 'ingest.load' AND target = ?",
                  [EVENT_UTC, name])
    return name


def _page(user: User, page: str) -> AppTest:
    at = open_page(page, user)
    assert not at.exception
    return at


def test_the_same_event_shows_the_same_time_everywhere(small_db: Store, monkeypatch) -> None:
    name = _stamp_last_upload(small_db)
    accounts.add_user(small_db, "editor", "editor", "editor-pass-1")
    shown = "2026-12-02 04:43"

    up = _page(User("editor", "editor"), "app_pages/upload.py")
    hist = next(d.value for d in up.dataframe if "文件" in d.value.columns)
    assert hist.loc[hist["文件"] == name, "时间"].tolist() == [shown]

    au = _page(User("li", "reviewer"), "app_pages/audit.py")
    au.date_input(key="when").set_value((EVENT_UTC.date(), EVENT_UTC.date() + timedelta(days=1))).run()
    table = au.dataframe[0].value
    row = table[(table["操作"] == "上传数据") & (table["对象"] == name)]
    assert row["时间"].tolist() == [shown]

    csv = audit.to_csv(audit.readable(audit.audit_log(small_db, action_prefix="ingest"), "Asia/Shanghai"))
    assert csv.startswith(b"\xef\xbb\xbf")
    exported = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert list(exported.columns) == ["时间", "操作人", "操作", "对象", "详情"]
    assert exported.loc[exported["对象"] == name, "时间"].tolist() == [shown]

    # the bureau's zone is a setting: the same event, another zone, every page follows
    cfg = Path(small_db.path).parent / "utc.toml"
    cfg.write_text('[bureau]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(cfg))
    from dashboard import state

    state._settings.clear()
    up = _page(User("editor", "editor"), "app_pages/upload.py")
    hist = next(d.value for d in up.dataframe if "文件" in d.value.columns)
    assert hist.loc[hist["文件"] == name, "时间"].tolist() == ["2026-12-01 20:43"]
    state._settings.clear()


def test_now_is_never_shown_in_utc_by_accident() -> None:
    """The stamp a fresh event gets reads as the bureau's wall clock (UTC+8, no DST)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    assert textfmt.clock(now) == (now + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def test_audit_details_read_as_fields() -> None:
    detail = '{"upload_id": 3, "sha256": "adef3566937dddb69c9870002c7c681f", "new": 40, "comment": null}'
    assert audit.detail_text(detail) == "上传编号：3；文件指纹：adef3566937d；新增：40"
    assert audit.detail_text({"client": "local", "reason": "wrong password"}) == "客户端：本机；原因：密码错误"
    assert audit.detail_text({"from": "submitted", "to": "approved", "kind": "wholesale"}) == \
        "原状态：待审核；新状态：已通过；类型：批发"
    assert audit.detail_text({"uploads": [1, 2], "public": True, "odd_key": "x"}, "en") == \
        "uploads: 1, 2; public: yes; odd_key: x"
    assert audit.action_label("note.publish") == "发布解读稿"
    assert audit.action_label("something.new") == "something.new"  # unknown codes as they are
    assert audit.action_label("release", "en") == "Data released"
