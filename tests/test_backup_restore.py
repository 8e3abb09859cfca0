"""Backup and restore, and where the files that belong to a database live."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, write_xlsx  # noqa: E402

from pricewatch import backup as backup_mod  # noqa: E402
from pricewatch import export  # noqa: E402
from pricewatch.briefing import archive  # noqa: E402
from pricewatch.config import load_settings  # noqa: E402
from pricewatch.errors import InputError  # noqa: E402
from pricewatch.notes.model import Note, NoteRepo  # noqa: E402
from pricewatch.store import Store  # noqa: E402
from pwcli.cli import main  # noqa: E402
from tests.helpers import copy_db  # noqa: E402


def test_the_briefing_archive_lives_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pricewatch.toml here
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    monkeypatch.delenv("PRICEWATCH_DB", raising=False)
    s = load_settings(tmp_path / "elsewhere" / "county.duckdb")
    assert s.archive_dir == tmp_path / "elsewhere" / "archive"
    monkeypatch.setenv("PRICEWATCH_DB", str(tmp_path / "env" / "x.duckdb"))
    assert load_settings().archive_dir == Path(tmp_path / "env" / "archive")


# -- backup and restore end to end ------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path, monkeypatch, small_template):
    """A database with data, a note with two versions and an attachment, an archived briefing."""
    home = tmp_path / "live"
    notes = home / "interpretations"
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    monkeypatch.delenv("PRICEWATCH_DB", raising=False)
    (tmp_path / "pricewatch.toml").write_text('[bureau]\nname = "测试县商务局"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    store = copy_db(small_template, home / "p.duckdb")  # tests.helpers.build_small_db
    repo = NoteRepo(notes)
    meta = repo.write_attachment("n1", "chart.png", PNG)
    repo.save(Note(id="n1", title="第一版", body="正文"))
    repo.save(Note(id="n1", title="第二版", body="正文 ![图](chart.png)", attachments=[meta]))
    settings = load_settings(store.path)
    archive.archive(store, settings, b"%PDF-1.4 briefing", period="2024-W18", public=True, fmt="pdf",
                    data_version=store.version(), has_unreleased=False, actor="test")
    return store, settings


def _frames(store: Store):
    staff = export.frame(store, export.ExportQuery(public=False))
    public = export.frame(store, export.ExportQuery(public=True))
    return staff, public


def test_a_backup_during_an_ingest_restores_to_a_new_place_with_the_same_data(site, tmp_path, capsys):
    store, settings = site
    files = [write_xlsx(tmp_path / f"w{i}.xlsx", {"s": long_rows(f"2024-05-{6 + i:02d}", 大米__城关农贸市场=6.0 + i,
                                                                 鸡蛋__惠民超市=10.0 + i)}) for i in range(4)]
    ingest = subprocess.Popen([sys.executable, "-m", "ingest", "--db", str(store.path), *map(str, files)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    out = tmp_path / "backups" / "b.tar.gz"
    assert main(["backup", "--db", str(store.path), "--out", str(out)]) == 0
    assert ingest.wait(timeout=180) == 0, ingest.stderr.read()
    assert "已备份到" in capsys.readouterr().out

    new_db = tmp_path / "elsewhere" / "restored.duckdb"
    assert main(["restore", str(out), "--db", str(new_db)]) == 0
    printed = capsys.readouterr().out
    assert "全部校验通过" in printed and "pricewatch.restored-" in printed

    restored = Store(new_db)
    staff_new, public_new = _frames(restored)
    staff_old, public_old = _frames(Store(store.path))
    # whatever moment the backup caught, it holds whole uploads, the oldest ones first
    ids_new = sorted(set(staff_new["upload_id"]))
    ids_old = sorted(set(staff_old["upload_id"]))
    assert ids_new == ids_old[: len(ids_new)] and len(ids_new) >= 2
    keep = staff_old[staff_old["upload_id"].isin(ids_new)].reset_index(drop=True)
    assert staff_new.reset_index(drop=True).equals(keep)
    assert public_new.reset_index(drop=True).equals(public_old.reset_index(drop=True))

    assert _tree_hashes(new_db.parent / "interpretations") == _tree_hashes(Path(settings.interpretations_dir))
    assert _tree_hashes(new_db.parent / "archive") == _tree_hashes(Path(settings.archive_dir))
    assert restored.generation() != store.generation()  # a restored database is a new generation
    code = main(["doctor", "--db", str(new_db)])
    assert code == 0, capsys.readouterr().out
    rec, content = archive.fetch(restored, load_settings(new_db), 1)
    assert content == b"%PDF-1.4 briefing"


def test_restore_refuses_to_overwrite_unless_told(site, tmp_path):
    store, settings = site
    out = tmp_path / "b.tar.gz"
    backup_mod.backup(store, settings, out)
    with pytest.raises(InputError, match="目标位置已有数据"):
        backup_mod.restore(out, store.path)
    backup_mod.restore(out, store.path, force=True)
    assert list(store.path.parent.glob("interpretations.before-restore-*"))
    with Store(store.path).read() as s:
        assert s.scalar("SELECT count(*) FROM uploads") == 3


def _rewrite(src: Path, dst: Path, change) -> None:
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dst, "w:gz") as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read()
            m, data = change(m, data)
            if m is None:
                continue
            m.size = len(data)
            tout.addfile(m, io.BytesIO(data))


@pytest.mark.parametrize("fault, message", [
    ("altered", "校验值与清单不符"),
    ("missing", "缺少清单中的"),
    ("traversal", "不允许的路径"),
    ("unlisted", "不在清单中"),
    ("no-manifest", "没有可读的清单"),
])
def test_restore_checks_the_manifest_before_touching_anything(site, tmp_path, fault, message):
    store, settings = site
    good = tmp_path / "good.tar.gz"
    backup_mod.backup(store, settings, good)
    bad = tmp_path / "bad.tar.gz"

    def change(m, data):
        if fault == "altered" and m.name.startswith("notes/") and m.name.endswith(".md"):
            return m, data + b"x"
        if fault == "missing" and m.name.startswith("archive/"):
            return None, data
        if fault == "no-manifest" and m.name == "MANIFEST.json":
            return None, data
        if fault == "traversal" and m.name == "MANIFEST.json":
            man = json.loads(data)
            man["files"].append({"path": "notes/../../evil", "size": 1, "sha256": "0"})
            return m, json.dumps(man).encode()
        return m, data

    _rewrite(good, bad, change)
    if fault in ("traversal", "unlisted"):
        with tarfile.open(bad, "r:gz") as tin, tarfile.open(tmp_path / "bad2.tar", "w") as tout:
            for m in tin.getmembers():
                tout.addfile(m, tin.extractfile(m))
            extra = tarfile.TarInfo("notes/../../evil" if fault == "traversal" else "notes/extra.md")
            extra.size = 1
            tout.addfile(extra, io.BytesIO(b"x"))
        bad = tmp_path / "bad2.tar"
    target = tmp_path / "new" / "r.duckdb"
    with pytest.raises(InputError, match=message):
        backup_mod.restore(bad, target)
    assert not target.exists() and not (target.parent / "interpretations").exists()
    assert not (tmp_path / "evil").exists()
