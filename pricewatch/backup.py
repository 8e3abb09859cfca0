"""Backup and restore: one archive holds everything the system keeps.

``backup(store, settings, out)`` writes a gzip'd tar with

* ``database/pricewatch.duckdb``: a consistent copy of the primary, taken under the write
  lock (an ingest in progress is waited for; readers are never disturbed). Everything kept
  in the database comes along: observations and their revisions, uploads and releases,
  the catalog, users, the audit log, the briefing records; beside it
  ``database/pricewatch.auth.sqlite``, the login store (sessions, login failures and the
  login audit lines), copied with SQLite's online backup;
* ``notes/``: the notes folder with every note's history and attachments, copied under the
  notes lock (no save is half in it);
* ``archive/``: the briefing archive (every archived PDF and Word file);
* ``config/pricewatch.toml``: the settings file in use, if there is one;
* ``MANIFEST.json``: what the backup is (format, time, data version) and every file's size
  and sha256.

The database is copied first and the archive after it, so every briefing the copied
database lists is in the backup. The archive file is written under a temporary name and
renamed when complete: a backup file is whole or absent.

``restore(path, db=...)`` checks the manifest (every member listed, every checksum right,
no path that leaves its folder, no link or device) before it touches anything, refuses to
replace an existing database, notes folder or archive unless told (``force``, which keeps
the old folders aside as ``*.before-restore-<time>``), installs the database as a new
generation and publishes its snapshot, and puts the notes and briefing archive beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .config import Settings, _toml_path
from .errors import InputError, PricewatchError
from .notes.model import NoteRepo
from .store import Store
from .store.authdb import AuthDB

FORMAT = "pricewatch-backup"
FORMAT_VERSION = 1
DB_MEMBER = "database/pricewatch.duckdb"
#: the login store beside the database (sessions, login failures, the login audit lines)
AUTH_MEMBER = "database/pricewatch.auth.sqlite"
PARTS = ("database", "notes", "archive", "config")


@dataclass
class Summary:
    path: Path
    data_version: int
    files: int
    size: int
    parts: dict[str, int] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tree(root: Path, skip_prefixes: tuple[str, ...]) -> list[Path]:
    """Regular files under ``root`` (no links), without temporary files, in a stable order."""
    if not root.is_dir():
        return []
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_symlink() or not p.is_file():
            continue
        if p.name.startswith(skip_prefixes) or p.name.endswith(".tmp"):
            continue
        out.append(p)
    return out


class _Writer:
    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.files: list[dict[str, Any]] = []

    def add(self, src: Path, name: str) -> None:
        sha, size = file_sha256(src), src.stat().st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(src.stat().st_mtime)
        info.mode = 0o644
        with src.open("rb") as fh:
            self.tar.addfile(info, fh)
        self.files.append({"path": name, "size": size, "sha256": sha})


def backup(store: Store, settings: Settings, out: str | os.PathLike[str]) -> Summary:
    """Write the backup archive ``out`` (see the module docstring)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        with tempfile.TemporaryDirectory(prefix=".pricewatch-backup-", dir=out.parent) as work, \
                tarfile.open(tmp_out, "w:gz") as tar:
            w = _Writer(tar)
            db_copy = Path(work) / "db.duckdb"
            version, generation = store.copy_to(db_copy)
            w.add(db_copy, DB_MEMBER)
            db_copy.unlink()
            parts = {"database": 1}
            auth_copy = Path(work) / "auth.sqlite"
            if AuthDB.beside(store.path).copy_to(auth_copy):
                w.add(auth_copy, AUTH_MEMBER)
                auth_copy.unlink()
                parts["database"] = 2
            notes_root = Path(settings.interpretations_dir)
            n = len(w.files)
            if notes_root.is_dir():
                with NoteRepo(notes_root).lock():
                    for p in _tree(notes_root, (".tmp",)):
                        w.add(p, "notes/" + p.relative_to(notes_root).as_posix())
            parts["notes"] = len(w.files) - n
            n = len(w.files)
            for p in _tree(Path(settings.archive_dir), (".tmp-",)):
                w.add(p, "archive/" + p.relative_to(settings.archive_dir).as_posix())
            parts["archive"] = len(w.files) - n
            cfg = _toml_path()
            if cfg is not None:
                w.add(cfg, "config/pricewatch.toml")
            parts["config"] = 1 if cfg is not None else 0
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "data_version": version, "generation": generation, "parts": parts,
                "files": w.files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("MANIFEST.json")
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(data))
        os.replace(tmp_out, out)
    except OSError as e:
        raise PricewatchError(f"备份失败：{e.strerror or e}", "检查输出目录的磁盘空间和写入权限；原有数据未受影响") from e
    finally:
        with contextlib.suppress(OSError):
            tmp_out.unlink()
    return Summary(out, version, len(w.files), out.stat().st_size, parts)


# -- restore -------------------------------------------------------------------------------
def _bad(message: str) -> InputError:
    return InputError(f"备份文件无效：{message}", "换一个备份文件；本次没有改动任何数据")


def _safe_name(name: str) -> PurePosixPath:
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or not p.parts or p.parts[0] not in (*PARTS, "MANIFEST.json"):
        raise _bad(f"包含不允许的路径「{name[:80]}」")
    return p


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember("MANIFEST.json")
        fh = tar.extractfile(member)
        manifest = json.loads(fh.read()) if fh else None
    except (KeyError, ValueError) as e:
        raise _bad("没有可读的清单 MANIFEST.json") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad("不是本系统的备份")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise _bad("备份格式比本程序新，请先升级程序")
    return manifest


def _stage(tar: tarfile.TarFile, manifest: dict[str, Any], stage: Path) -> None:
    """Extract every member into ``stage``, checking each against the manifest."""
    listed = {f["path"]: f for f in manifest.get("files", [])}
    if DB_MEMBER not in listed:
        raise _bad("清单里没有数据库")
    seen: set[str] = set()
    for m in tar.getmembers():
        if m.name == "MANIFEST.json":
            continue
        rel = _safe_name(m.name)
        if not m.isfile():
            raise _bad(f"「{m.name[:80]}」不是普通文件")
        entry = listed.get(m.name)
        if entry is None:
            raise _bad(f"「{m.name[:80]}」不在清单中")
        dst = stage.joinpath(*rel.parts)
        dst.parent.mkdir(parents=True, exist_ok=True)
        src = tar.extractfile(m)
        assert src is not None
        h = hashlib.sha256()
        with dst.open("wb") as fh:
            while chunk := src.read(1 << 20):
                h.update(chunk)
                fh.write(chunk)
        if h.hexdigest() != entry["sha256"] or dst.stat().st_size != entry["size"]:
            raise _bad(f"「{m.name[:80]}」的校验值与清单不符（文件已损坏或被改动）")
        seen.add(m.name)
    missing = set(listed) - seen
    if missing:
        raise _bad(f"缺少清单中的 {len(missing)} 个文件，例如「{sorted(missing)[0][:80]}」")


@dataclass
class Restored:
    db: Path
    notes_dir: Path
    archive_dir: Path
    config: Path | None
    data_version: int
    files: int


def _occupied(p: Path) -> bool:
    return p.is_dir() and any(p.iterdir())


def restore(path: str | os.PathLike[str], db: str | os.PathLike[str], *,
            notes_dir: str | os.PathLike[str] | None = None,
            archive_dir: str | os.PathLike[str] | None = None, force: bool = False) -> Restored:
    """Restore the backup ``path`` to the database ``db`` and the folders beside it."""
    src = Path(path)
    target = Store(db)
    notes = Path(notes_dir) if notes_dir else target.path.parent / "interpretations"
    arch = Path(archive_dir) if archive_dir else target.path.parent / "archive"
    taken = [str(p) for p in (target.path,) if p.exists()]
    taken += [str(p) for p in (notes, arch) if _occupied(p)]
    if taken and not force:
        raise InputError(f"目标位置已有数据：{'、'.join(taken)}",
                         "换一个 --db 路径恢复到新位置；确需覆盖时加 --force（原有目录会保留为 *.before-restore-时间）")
    try:
        tar = tarfile.open(src, "r:*")
    except (OSError, tarfile.TarError) as e:
        raise _bad(f"无法打开（{e}）") from e
    target.path.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with tar, tempfile.TemporaryDirectory(prefix=".pricewatch-restore-", dir=target.path.parent) as work:
        stage = Path(work)
        try:
            manifest = read_manifest(tar)
            _stage(tar, manifest, stage)
        except (OSError, tarfile.TarError, EOFError) as e:
            raise _bad(f"读取时出错（{e}）") from e
        version, _gen = target.install(stage / "database" / "pricewatch.duckdb")
        staged_auth, auth = stage / AUTH_MEMBER, AuthDB.beside(target.path).path
        for old in (auth, *(auth.with_name(auth.name + x) for x in ("-wal", "-shm"))):
            if old.exists():  # only with --force (the database itself was there too)
                os.replace(old, old.with_name(f"{old.name}.before-restore-{stamp}"))
        if staged_auth.is_file():  # the login audit comes back; its sessions do not
            shutil.move(str(staged_auth), str(auth))
            AuthDB(auth).revoke_all(datetime.now(UTC).replace(tzinfo=None), "restore")
        for part, dest in (("notes", notes), ("archive", arch)):
            staged = stage / part
            if dest.exists():
                if _occupied(dest):
                    os.replace(dest, dest.with_name(f"{dest.name}.before-restore-{stamp}"))
                else:
                    dest.rmdir()
            if staged.is_dir():
                shutil.move(str(staged), str(dest))
            else:
                dest.mkdir(parents=True)
        config = None
        staged_cfg = stage / "config" / "pricewatch.toml"
        if staged_cfg.is_file():  # never over a live settings file: the administrator merges it
            config = target.path.parent / f"pricewatch.restored-{stamp}.toml"
            shutil.move(str(staged_cfg), str(config))
    target.close()
    return Restored(target.path, notes, arch, config, version, len(manifest.get("files", [])))
