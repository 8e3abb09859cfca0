"""Writes that fail safe, readers that survive a damaged snapshot, recovery after kill -9.

Where the machine lets a test mount a small tmpfs (root, as in CI's container) the full
disk is a real one; the same paths are always covered by injected errors too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, write_xlsx  # noqa: E402

import pricewatch.store as store_mod  # noqa: E402
from pricewatch.errors import PublishFailed, StoreError, StoreFull  # noqa: E402
from pricewatch.store import Store  # noqa: E402
from tests.helpers import load_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WEEK = [("大米", "城关农贸市场", "2024-04-29", 6.0)]


def _uploads(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar("SELECT count(*) FROM uploads"))


def _temp_files(store: Store) -> list[Path]:
    return [p for p in store.snapshot_dir.iterdir() if p.name.startswith(".tmp")]


@contextlib.contextmanager
def small_disk(tmp_path: Path, size_mb: int):
    """A real tmpfs of ``size_mb``; skips (with the reason) where mounting is not allowed."""
    where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or 'not permitted'}); "
                    "the injected-error tests cover the same paths")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder: Path, leave_bytes: int) -> Path:
    """Fill the filesystem of ``folder`` until about ``leave_bytes`` are free."""
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave_bytes))
    return filler


# -- a full disk ---------------------------------------------------------------------------
def test_a_write_on_a_full_disk_is_refused_before_anything_changes(store, monkeypatch):
    load_rows(store, WEEK)
    before = _uploads(store)
    monkeypatch.setattr(Store, "free_bytes", lambda self: 1024)
    with pytest.raises(StoreFull) as e:
        load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")
    assert "磁盘空间不足" in e.value.message and str(store.path) not in str(e.value)
    monkeypatch.undo()
    assert _uploads(store) == before and _temp_files(store) == []
    assert not store.marker.exists()
    load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")  # still writable
    assert _uploads(store) == before + 1


def test_cli_ingest_on_a_real_full_disk_says_so_and_leaves_nothing(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"s": long_rows(大米__城关农贸市场=6.0, 鸡蛋__惠民超市=10.0)})
    with small_disk(tmp_path, 24) as disk:
        db = disk / "p.duckdb"
        store = Store(db)
        store.migrate()
        filler = _fill(disk, store.needed_bytes() - 2 * 1024 * 1024)
        r = subprocess.run([sys.executable, "-m", "ingest", "--db", str(db), str(good)],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert r.returncode == 1
        assert "已导入" not in r.stdout + r.stderr and "磁盘空间不足" in r.stderr
        assert _temp_files(store) == [] and not store.marker.exists()
        assert _uploads(store) == 0
        filler.unlink()  # the administrator frees space: the next write works
        r = subprocess.run([sys.executable, "-m", "ingest", "--db", str(db), str(good)],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert r.returncode == 0 and "已导入" in r.stdout, r.stderr
        assert _uploads(Store(db)) == 1
        Store(db).close()
        store.close()


def test_a_snapshot_copy_failing_after_commit_is_reported_truthfully_and_recovered(store, monkeypatch):
    load_rows(store, WEEK)
    v0 = store.version()

    def no_space(src, dst):
        Path(dst).write_bytes(b"partial")  # half a copy, as a full disk leaves it
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_mod, "_copy", no_space)
    with pytest.raises(PublishFailed) as e:
        load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")
    assert e.value.message == "已写入，但公开数据未更新：磁盘空间不足，请联系管理员"
    assert _temp_files(store) == [] and store.marker.exists()
    assert store.version() == v0  # readers keep the old, whole snapshot meanwhile
    monkeypatch.undo()
    store._recover_after = 0.0  # (a reader waits RETRY_REPAIR_S before it tries again)
    assert _uploads(store) == 2 and store.version() == v0 + 1  # the next read published it
    assert not store.marker.exists()
    load_rows(store, [("大米", "城关农贸市场", "2024-05-13", 6.2)], file_name="c.xlsx")
    assert _uploads(store) == 3


def test_a_pointer_swap_failing_is_reported_and_the_store_stays_writable(store, monkeypatch):
    load_rows(store, WEEK)

    def broken(path, text):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store_mod, "_write_pointer", broken)
    with pytest.raises(PublishFailed, match="已写入，但公开数据未更新：没有写入权限"):
        load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")
    assert _temp_files(store) == []
    monkeypatch.undo()
    load_rows(store, [("大米", "城关农贸市场", "2024-05-13", 6.2)], file_name="c.xlsx")
    assert _uploads(store) == 3 and not store.marker.exists()


def test_cli_batch_failing_to_publish_says_written_but_not_public(tmp_path, monkeypatch, capsys):
    from ingest.cli import main

    good = write_xlsx(tmp_path / "good.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)})
    db = tmp_path / "b.duckdb"
    Store(db).migrate()
    monkeypatch.setattr(store_mod, "_copy", lambda s, d: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    code = main(["--db", str(db), str(good)])
    err = capsys.readouterr().err
    assert code == 1 and "已写入，但公开数据未更新：磁盘空间不足，请联系管理员" in err


# -- kill -9 between the commit and the snapshot ---------------------------------------------
KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[2])
    import pricewatch.store as sm
    from tests.helpers import load_rows
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)   # late in the write: committed, not published
    sm.Store._publish = die
    load_rows(sm.Store(sys.argv[1]), [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="k.xlsx")
""")


def test_kill_9_after_commit_does_not_leave_readers_on_the_old_version(store):
    load_rows(store, WEEK)
    v0 = store.version()
    r = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(store.path), str(ROOT)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == -signal.SIGKILL
    assert store.marker.exists()
    fresh = Store(store.path)  # a new reader process (the dashboard after a restart, or any)
    assert _uploads(fresh) == 2 and fresh.version() == v0 + 1
    assert not store.marker.exists()
    fresh.close()


# -- damaged or missing snapshots --------------------------------------------------------------
def _current(store: Store) -> Path:
    ptr = store._pointer()
    assert ptr is not None
    return ptr[1]


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated"])
def test_a_reader_rebuilds_a_damaged_current_snapshot_from_the_primary(store, damage):
    load_rows(store, WEEK)
    cur = _current(store)
    if damage == "missing":
        cur.unlink()
    elif damage == "garbage":
        cur.write_bytes(b"not a database" * 100)
    else:
        with cur.open("r+b") as fh:
            fh.truncate(1000)
    fresh = Store(store.path)
    assert _uploads(fresh) == 1
    assert _current(fresh) != cur
    fresh.close()


def test_with_a_writer_at_work_a_reader_falls_back_to_the_newest_good_snapshot(store):
    load_rows(store, WEEK)
    load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")
    _current(store).write_bytes(b"\0" * 4096)
    fd = store._try_flock()  # someone holds the write lock for a long ingest
    assert fd is not None
    try:
        fresh = Store(store.path)
        assert _uploads(fresh) == 1  # the older, whole snapshot
        fresh.close()
    finally:
        os.close(fd)


def test_no_readable_copy_shows_the_public_no_path(tmp_path):
    store = Store(tmp_path / "gone.duckdb")
    store.migrate()
    for p in store.snapshots():
        p.write_bytes(b"x")
    store.path.write_bytes(b"y" * 100)  # and the primary is damaged too
    with pytest.raises(StoreError) as e:
        with Store(store.path).read() as s:
            s.scalar("SELECT 1")
    assert e.value.message.startswith("数据暂时无法读取")
    assert "/" not in str(e.value) and "duckdb" not in str(e.value)


def test_a_truncated_primary_leaves_reads_working_and_writes_refused_without_a_path(store):
    load_rows(store, WEEK)
    with store.path.open("r+b") as fh:
        fh.truncate(4096)
    fresh = Store(store.path)
    assert _uploads(fresh) == 1  # readers keep the published snapshot
    with pytest.raises(StoreError) as e:
        load_rows(fresh, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b.xlsx")
    assert "doctor" in e.value.hint and str(store.path) not in str(e.value)
    assert _uploads(fresh) == 1
    fresh.close()
