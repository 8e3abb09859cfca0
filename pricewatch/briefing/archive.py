"""The briefing archive: every generated file is kept with its period, audience and data version.

Files live in ``Settings.archive_dir/briefings/`` named
``<period>_<公开版|内部版>_v<data version>_<id>.<pdf|docx>``; the table ``briefings`` (migration
0004) records each one. The file is written (to a temporary name, then renamed) inside the
same store transaction that adds its row: if writing fails the row is rolled back, and if
the commit fails the file is removed, so a row never points at nothing and no file is left
without its row.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import issues
from ..atomic import atomic_write
from ..config import Settings
from ..errors import NotFound, PricewatchError
from ..periods import parse_period
from ..store import Store, queries, writes

SUBDIR = "briefings"
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class IssueMoved(PricewatchError):
    """The 期号 the file was rendered with was taken by another period meanwhile."""

    def __init__(self, issue: issues.Issue) -> None:
        super().__init__(f"期号已变为{issue.text}", "按新期号重新生成")
        self.issue = issue


@dataclass(frozen=True)
class Archived:
    id: int
    path: Path
    file_name: str


def _folder(settings: Settings) -> Path:
    return Path(settings.archive_dir) / SUBDIR


def archive(store: Store, settings: Settings, content: bytes, *, period: str, public: bool,
            fmt: str, data_version: int, has_unreleased: bool, actor: str,
            issue: issues.Issue | None = None) -> Archived:
    """Record and keep one generated briefing; returns its id and path.

    With ``issue`` (the 期号 the file shows) the period's number is assigned in the same
    transaction; when the period got a different number meanwhile (another period was
    numbered first), nothing is written and :class:`IssueMoved` says which number to use.
    """
    folder = _folder(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PricewatchError(f"无法创建归档目录 {folder}: {e}",
                              "检查 pricewatch.toml 中 [store] archive_dir 的路径和权限") from e
    sha = hashlib.sha256(content).hexdigest()
    final: Path | None = None
    try:
        with store.write() as s:
            s.keep_data_version()  # archiving changes no figure: page caches stay valid
            if issue is not None:
                got = issues.assign(s, parse_period(period), actor)
                if (got.number, got.total) != (issue.number, issue.total):
                    raise IssueMoved(got)
            bid = queries.briefings.add_briefing(
                s, period=period, public=public, fmt=fmt, data_version=data_version,
                has_unreleased=has_unreleased, file_name="", sha256=sha, size_bytes=len(content),
                created_by=actor)
            name = f"{period}_{'公开版' if public else '内部版'}_v{data_version}_{bid}.{fmt}"
            queries.briefings.set_file_name(s, bid, name)
            writes.audit(s, actor, "briefing.generate", period, {
                "id": bid, "public": public, "format": fmt, "data_version": data_version,
                "has_unreleased": has_unreleased, "sha256": sha,
                "issue": issue.text if issue is not None else None})
            final = folder / name
            atomic_write(final, content)
    except OSError as e:
        raise PricewatchError(f"简报归档失败：{e}", "检查归档目录的磁盘空间和权限") from e
    except BaseException:
        if final is not None:
            with contextlib.suppress(OSError):
                final.unlink()
        raise
    return Archived(bid, final, name)


def listing(store: Store, *, period: str | None = None, public_only: bool = False,
            limit: int = 200) -> pd.DataFrame:
    """Archived briefings, newest first (an empty frame before the first one)."""
    with store.read() as s:
        if not queries.briefings.has_archive(s):
            return pd.DataFrame(columns=["id", "period", "public", "format", "data_version",
                                         "has_unreleased", "file_name", "sha256", "size_bytes",
                                         "created_at", "created_by"])
        return queries.briefings.briefings(s, period=period, public_only=public_only, limit=limit)


def fetch(store: Store, settings: Settings, briefing_id: int) -> tuple[dict, bytes]:
    """(record, file content) of one archived briefing; the content is checked by its sha256."""
    with store.read() as s:
        rec = queries.briefings.briefing(s, briefing_id) if queries.briefings.has_archive(s) else None
    if rec is None:
        raise NotFound(f"归档中没有编号为 {briefing_id} 的简报",
                       "用 `python -m pricewatch briefing --list` 查看归档")
    path = _folder(settings) / rec["file_name"]
    try:
        content = path.read_bytes()
    except OSError as e:
        raise NotFound(f"简报 #{briefing_id} 的文件 {path} 已不存在",
                       "归档目录可能被移动；重新生成该期简报") from e
    if hashlib.sha256(content).hexdigest() != rec["sha256"]:
        raise PricewatchError(f"简报 #{briefing_id} 的文件与归档记录不符（可能被改动）",
                              "重新生成该期简报，并检查归档目录的访问权限")
    return rec, content

