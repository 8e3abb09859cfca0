"""The database's health: the primary, the snapshots, the pointer (used by ``doctor``).

Every table of a file is read in full (``count(*)`` and an xor of every row's hash), so a
truncated or damaged file shows up here even where opening it still works. Repairs are the
safe ones only:

* a missing, damaged or stale pointer, or a write left unpublished: a new snapshot from
  the healthy primary;
* damaged older snapshots and temporary files of writers that died: removed;
* a damaged primary: replaced by the newest good snapshot *only* when that snapshot holds
  every committed write (no write is pending); the damaged file is kept beside it as
  ``<db>.damaged-<time>``. Otherwise it is reported, and ``accept_loss`` says to do it anyway.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import MB, Store, _pid_alive

OK, BAD, FIXED, INFO = "正常", "异常", "已修复", "提示"


@dataclass
class Finding:
    part: str
    state: str  # OK | BAD | FIXED | INFO
    message: str
    hint: str = ""

    def line(self) -> str:
        tail = f"（{self.hint}）" if self.hint else ""
        return f"[{self.state}] {self.part}：{self.message}{tail}"


@dataclass
class FileState:
    path: Path
    ok: bool
    version: int | None = None
    tables: int = 0
    rows: int = 0
    error: str = ""


def inspect(path: Path) -> FileState:
    """Open ``path`` read-only and read every row of every table."""
    if not path.is_file():
        return FileState(path, False, error="文件不存在")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        return FileState(path, False, error=_short(e))
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            " AND table_schema = 'main'").fetchall()]
        rows = 0
        for t in tables:
            ident = '"' + t.replace('"', '""') + '"'
            n, _h = con.execute(f"SELECT count(*), bit_xor(hash(x)) FROM {ident} AS x").fetchall()[0]  # noqa: S608 - a name from the catalog, quoted
            rows += int(n)
        version = int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])
        return FileState(path, True, version, len(tables), rows)
    except (duckdb.Error, IndexError, ValueError) as e:
        return FileState(path, False, error=_short(e))
    finally:
        with contextlib.suppress(duckdb.Error):
            con.close()


def _short(e: BaseException) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:200]


def check(store: Store, *, repair: bool = False, accept_loss: bool = False,
          timeout: float = 60.0) -> list[Finding]:
    """Findings about the database files; with ``repair``, the safe repairs done."""
    out: list[Finding] = []
    if not store.path.exists() and not store.snapshot_dir.exists():
        return [Finding("主库", BAD, "数据库不存在", "用 python -m pricewatch restore 从备份恢复，或新建数据库")]
    with store._flock(timeout):  # no writer in the middle of what we look at
        primary = inspect(store.path)
        if primary.ok:
            out.append(Finding("主库", OK, f"可完整读取，数据版本 {primary.version}，"
                                         f"{primary.tables} 张表共 {primary.rows} 行"))
        else:
            out.append(Finding("主库", BAD, f"无法完整读取：{primary.error}"))
        snaps = {p: inspect(p) for p in store.snapshots()}
        good = [s for s in snaps.values() if s.ok]
        bad = [s for s in snaps.values() if not s.ok]
        ptr = store._pointer()
        current = snaps.get(ptr[1]) if ptr else None
        owner = store.pending_owner()

        temps = [p for p in store.snapshot_dir.glob(".tmp-*")] if store.snapshot_dir.is_dir() else []
        if temps:
            if repair:
                for p in temps:
                    with contextlib.suppress(OSError):
                        p.unlink()
                out.append(Finding("临时文件", FIXED, f"删除了 {len(temps)} 个中断写入留下的临时文件"))
            else:
                out.append(Finding("临时文件", BAD, f"{len(temps)} 个中断写入留下的临时文件",
                                   "doctor --repair 可删除"))

        # the primary is damaged: the newest good snapshot may stand in for it
        if not primary.ok:
            newest = max(good, key=lambda s: (s.version or 0, s.path.name), default=None)
            safe = newest is not None and owner is None and ptr is not None and newest.version == ptr[0]
            if newest is None:
                out.append(Finding("主库", BAD, "没有可用的快照可以替代",
                                   "用 python -m pricewatch restore 从最近的备份恢复"))
            elif repair and (safe or accept_loss):
                kept = _replace_primary(store, newest.path)
                out.append(Finding("主库", FIXED, f"已用快照（数据版本 {newest.version}）替换，"
                                                 f"损坏的文件保留为 {kept.name}"))
                primary = inspect(store.path)
                owner = None
                store._unmark()
            elif safe:
                out.append(Finding("主库", BAD, f"最新快照（数据版本 {newest.version}）包含全部已提交的数据",
                                   "doctor --repair 用它替换损坏的主库"))
            else:
                out.append(Finding("主库", BAD, f"最新快照只到数据版本 {newest.version}，之后的写入会丢失",
                                   "先用 restore 从备份恢复；确认可以丢失时用 doctor --repair --accept-loss"))

        # the pointer and the current snapshot
        stale = ptr is None or current is None or not current.ok or (
            primary.ok and ptr[0] != primary.version) or owner is not None
        if not stale:
            assert ptr is not None
            out.append(Finding("公开快照", OK, f"{ptr[1].name}，数据版本 {ptr[0]}，与主库一致"))
        elif primary.ok and repair:
            store._republish_locked()
            ptr = store._pointer()
            out.append(Finding("公开快照", FIXED, f"已由主库重新生成（数据版本 {primary.version}）"))
        else:
            why = ("指针文件缺失或损坏" if ptr is None else "指针指向的快照缺失或损坏"
                   if current is None or not current.ok else "有已写入但未发布的数据"
                   if owner is not None else "快照落后于主库")
            if owner is not None and owner != os.getpid() and _pid_alive(owner):
                why += "（写入进程仍在运行）"
            out.append(Finding("公开快照", BAD, why, "doctor --repair 由主库重新生成" if primary.ok else ""))

        current_path = ptr[1] if ptr else None
        old_bad = [s for s in bad if s.path != current_path]
        if old_bad:
            if repair:
                for s in old_bad:
                    with contextlib.suppress(OSError):
                        s.path.unlink()
                out.append(Finding("旧快照", FIXED, f"删除了 {len(old_bad)} 个损坏的旧快照"))
            else:
                out.append(Finding("旧快照", BAD, f"{len(old_bad)} 个旧快照损坏", "doctor --repair 可删除"))
        elif good:
            out.append(Finding("旧快照", OK, f"{len(good)} 个快照均可读取"))

    free, need = store.free_bytes(), store.needed_bytes()
    if free < need:
        out.append(Finding("磁盘", BAD, f"可用 {free / MB:.1f} MB，少于一次写入所需的 {need / MB:.1f} MB",
                           "清理磁盘（旧备份、日志）后才能导入或发布"))
    else:
        out.append(Finding("磁盘", OK, f"可用 {free / MB:.0f} MB（一次写入约需 {need / MB:.0f} MB）"))
    return out


def _replace_primary(store: Store, snapshot: Path) -> Path:
    """Keep the damaged primary (and its log) aside and copy ``snapshot`` in its place."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = store.path.with_name(f"{store.path.name}.damaged-{stamp}")
    wal = store.path.with_name(store.path.name + ".wal")
    tmp = store.path.with_name(f".{store.path.name}.restore-tmp")
    shutil.copyfile(snapshot, tmp)
    if store.path.exists():
        os.replace(store.path, kept)
    if wal.exists():
        os.replace(wal, kept.with_name(kept.name + ".wal"))
    os.replace(tmp, store.path)
    return kept
