"""``python -m pricewatch doctor``: finds each fault, repairs what is safe, says what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.briefing import archive
from pricewatch.config import load_settings
from pricewatch.notes.model import Note, NoteRepo
from pricewatch.store import Store
from pwcli.cli import main
from tests.helpers import load_rows

WEEK = [("大米", "城关农贸市场", "2024-04-29", 6.0)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "site" / "d.duckdb"
    notes = tmp_path / "site" / "interpretations"
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    store = Store(db)
    store.migrate()
    load_rows(store, WEEK)
    repo = NoteRepo(notes)
    meta = repo.write_attachment("n1", "chart.png", PNG)
    repo.save(Note(id="n1", title="标题", body="正文", attachments=[meta]))
    settings = load_settings(db)
    archive.archive(store, settings, b"%PDF-1.4 test", period="2024-W18", public=True, fmt="pdf",
                    data_version=store.version(), has_unreleased=False, actor="test")
    return store, settings


def doctor(capsys, store, *extra):
    code = main(["doctor", "--db", str(store.path), *extra])
    return code, capsys.readouterr().out


def test_a_healthy_system_is_all_normal(env, capsys):
    store, _ = env
    code, out = doctor(capsys, store)
    assert code == 0 and "[异常]" not in out and "检查完毕：一切正常" in out
    for part in ("主库", "公开快照", "解读", "简报归档", "磁盘"):
        assert f"[正常] {part}" in out


def test_a_damaged_pointer_snapshot_temp_files_and_a_pending_write_are_repaired(env, capsys):
    store, _ = env
    ptr = store._pointer()
    ptr[1].write_bytes(b"broken")
    (store.snapshot_dir / ".tmp-v1.duckdb").write_bytes(b"half")
    store._mark()
    code, out = doctor(capsys, store)
    assert code == 1 and "[异常] 公开快照" in out and "[异常] 临时文件" in out
    code, out = doctor(capsys, store, "--repair")
    assert "[已修复] 公开快照" in out and "[已修复] 临时文件" in out
    code, out = doctor(capsys, store)
    assert code == 0, out
    with Store(store.path).read() as s:
        assert s.scalar("SELECT count(*) FROM uploads") == 1


def test_a_truncated_primary_is_reported_and_replaced_from_a_complete_snapshot(env, capsys):
    store, _ = env
    with store.path.open("r+b") as fh:
        fh.truncate(8192)
    code, out = doctor(capsys, store)
    assert code == 1 and "[异常] 主库：无法完整读取" in out and "doctor --repair 用它替换" in out
    code, out = doctor(capsys, store, "--repair")
    assert "[已修复] 主库" in out
    assert list(store.path.parent.glob("d.duckdb.damaged-*"))  # the damaged file is kept
    assert doctor(capsys, store)[0] == 0
    load_rows(Store(store.path), [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")
    with Store(store.path).read() as s:
        assert s.scalar("SELECT count(*) FROM uploads") == 2


def test_a_damaged_primary_with_unpublished_writes_needs_accept_loss(env, capsys):
    store, _ = env
    store._mark()  # a write committed after the newest snapshot
    with store.path.open("r+b") as fh:
        fh.truncate(8192)
    code, out = doctor(capsys, store, "--repair")
    assert code == 1 and "之后的写入会丢失" in out and "[已修复] 主库" not in out
    code, out = doctor(capsys, store, "--repair", "--accept-loss")
    assert "[已修复] 主库" in out
    assert doctor(capsys, store)[0] == 0


def test_missing_or_altered_note_and_briefing_files_are_reported(env, capsys):
    store, settings = env
    (Path(settings.interpretations_dir) / "n1.files" / "chart.png").write_bytes(PNG + b"x")
    f = next((Path(settings.archive_dir) / "briefings").glob("*.pdf"))
    f.unlink()
    code, out = doctor(capsys, store)
    assert code == 1
    assert "[异常] 解读：n1 的附件「chart.png」与记录的校验值不符" in out
    assert f"[异常] 简报归档：#1 {f.name} 不存在" in out


def test_a_briefing_file_left_half_written_is_found_and_removed(env, capsys):
    store, settings = env
    folder = Path(settings.archive_dir) / "briefings"
    kept = sorted(p.name for p in folder.iterdir())
    (folder / ".2024-W18_公开版.pdf.k3j9x.tmp").write_bytes(b"%PDF-1.4 ha")  # a crash mid-write
    code, out = doctor(capsys, store)
    assert code == 1 and "[异常] 简报归档临时文件" in out
    code, out = doctor(capsys, store, "--repair")
    assert "简报归档临时文件" in out and sorted(p.name for p in folder.iterdir()) == kept
    assert doctor(capsys, store)[0] == 0
