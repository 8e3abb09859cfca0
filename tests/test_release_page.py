"""The release page shows, per pending upload, what a reviewer must judge: who uploaded it
and when, its rows, the markets that reported of those expected, every warning and how it
was confirmed (who, why), the rows skipped by choice, the largest changes against the last
release; release one upload or all, with a comment, audited."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, run, write_xlsx  # noqa: E402

from pricewatch.accounts import User  # noqa: E402
from pricewatch.store import Store, queries  # noqa: E402
from tests.helpers import open_page  # noqa: E402


def open_release(user: User) -> AppTest:
    return open_page("app_pages/release.py", user, timeout=120)


def text(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "error", "warning", "success", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def pending_week(small_db: Store, tmp_path: Path) -> int:
    """W19 from two of the three markets: a tenfold price confirmed, a bad row skipped."""
    rows = long_rows("2024-05-06", 大米__城关农贸市场=66.0, 大米__城南农贸市场=6.5)
    rows.append(["2024-05-06", "城关农贸市场", "猪肉(五花)", "", "元/公斤", "三十"])
    res = run(small_db, write_xlsx(tmp_path / "第19周.xlsx", {"价格": rows}), confirm_rows={"价格:2": "已电话核实"},
              skip_invalid_rows=True, reason="猪肉未采价", actor="wang")
    assert res.status == "loaded", res.errors
    return res.upload_id


def test_queries_markets_and_largest_changes(small_db: Store, tmp_path) -> None:
    uid = pending_week(small_db, tmp_path)
    with small_db.read() as s:
        assert queries.uploads.upload_markets(s, uid) == ["城关农贸市场", "城南农贸市场"]
        assert queries.uploads.expected_markets(s, uid) == ["城关农贸市场", "城南农贸市场", "惠民超市"]
        ch = queries.uploads.largest_changes(s, uid)
        pending = queries.uploads.pending_detail(s)
    # against the last released week (W17: 6.12 at 城关), the largest change first
    assert (ch["commodity"][0], ch["market"][0], ch["released_price"][0], ch["price"][0]) == (
        "大米", "城关农贸市场", 6.12, 66.0)
    assert list(pending["id"]) == [3, uid] and list(pending["markets"]) == [3, 2]


def test_release_page_shows_what_to_judge_and_releases_one(small_db: Store, tmp_path) -> None:
    uid = pending_week(small_db, tmp_path)
    at = open_release(User("li", "reviewer"))
    assert not at.exception, at.exception
    t = text(at)
    assert f"#{uid} 第19周.xlsx" in t
    assert "wang 于" in t and "导入 2 行" in t
    assert "报价市场 2/3，未报：惠民超市" in t
    assert "由 wang 逐行确认，原因：已电话核实" in t
    assert "按选择跳过 1 行（决定人 wang，原因：猪肉未采价）" in t
    changes = [tb.value for tb in at.table]
    assert any("66.0" in str(v.values) or 66.0 in v.values for v in changes)
    at.text_input(key="release_comment").input("第19周已核对").run()
    at.button(key=f"release_one_{uid}").click().run()
    assert not at.exception, at.exception
    assert f"已发布 1 个上传：#{uid}" in text(at)
    with small_db.read() as s:
        released = s.scalar("SELECT released_at IS NOT NULL FROM uploads WHERE id = ?", [uid])
        pending3 = s.scalar("SELECT released_at IS NULL FROM uploads WHERE id = 3")
        detail = s.scalar("SELECT detail FROM audit_log WHERE action = 'release' ORDER BY id DESC LIMIT 1")
    assert released and pending3
    assert "第19周已核对" in json.dumps(json.loads(detail), ensure_ascii=False)
