"""``python -m pricewatch doctor``: is everything the system keeps whole, and repair what is safe.

The database files (primary, snapshots, pointer, a write left unpublished, free space) are
checked by :mod:`pricewatch.store.health`; this module adds the files beside them:

* notes: every note file parses, has its history, and every listed attachment exists with
  the checksum its front matter records; temporary files of an interrupted save;
* the briefing archive: every archived briefing's file exists with its recorded checksum;
  temporary files of an interrupted archive write.

Repairs here only remove temporary files; a missing or altered note or briefing file is
reported, to be restored from a backup (``python -m pricewatch restore``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .backup import file_sha256
from .config import Settings
from .errors import PricewatchError
from .notes.model import Note, NoteRepo
from .store import Store, queries
from .store.health import BAD, FIXED, INFO, OK, Finding, check

__all__ = ["run", "Finding", "OK", "BAD", "FIXED", "INFO"]


def _listed(part: str, problems: list[str], hint: str) -> Finding:
    more = f" 等 {len(problems)} 处" if len(problems) > 10 else ""
    return Finding(part, BAD, "；".join(problems[:10]) + more, hint)


def _temps(found: list[Path], part: str, repair: bool) -> list[Finding]:
    if not found:
        return []
    if repair:
        for p in found:
            with contextlib.suppress(OSError):
                p.unlink()
        return [Finding(part, FIXED, f"删除了 {len(found)} 个中断保存留下的临时文件")]
    return [Finding(part, BAD, f"{len(found)} 个中断保存留下的临时文件", "doctor --repair 可删除")]


def check_notes(settings: Settings, *, repair: bool = False) -> list[Finding]:
    root = Path(settings.interpretations_dir)
    if not root.is_dir():
        return [Finding("解读", INFO, "解读目录不存在（还没有解读）")]
    repo = NoteRepo(root)
    out = _temps([p for p in root.rglob(".*.tmp") if p.is_file()], "解读临时文件", repair)
    problems: list[str] = []
    count = files = 0
    for nid in repo.ids():
        path = repo.path(nid)
        try:
            note = Note.loads(path.read_text(encoding="utf-8"), source=path.name)
        except (PricewatchError, OSError, UnicodeDecodeError) as e:
            problems.append(f"{path.name} 无法读取（{getattr(e, 'message', e)}）")
            continue
        count += 1
        if not any(repo.history_dir(nid).glob("*.md")):
            problems.append(f"{nid} 没有历史版本")
        for a in note.attachments:
            name = str(a.get("name") or "")
            f = repo.files_dir(nid) / name
            if not f.is_file():
                problems.append(f"{nid} 的附件「{name}」不存在")
            elif a.get("sha256") and file_sha256(f) != a.get("sha256"):
                problems.append(f"{nid} 的附件「{name}」与记录的校验值不符")
            else:
                files += 1
    if problems:
        out.append(_listed("解读", problems, "从备份恢复这些文件（python -m pricewatch restore 到新位置后复制）"))
    else:
        out.append(Finding("解读", OK, f"{count} 篇解读、{files} 个附件完好"))
    return out


def check_archive(store: Store, settings: Settings, *, repair: bool = False) -> list[Finding]:
    folder = Path(settings.archive_dir) / "briefings"
    # .<name>.<random>.tmp from pricewatch.atomic; .tmp-<name> from older versions
    temps = [*folder.glob(".*.tmp"), *folder.glob(".tmp-*")] if folder.is_dir() else []
    out = _temps(sorted(p for p in set(temps) if p.is_file()), "简报归档临时文件", repair)
    try:
        with store.read() as s:
            rows = queries.briefings.briefings(s, limit=1_000_000) if queries.briefings.has_archive(s) else None
    except PricewatchError as e:
        return [*out, Finding("简报归档", BAD, f"无法读取归档记录：{e.message}")]
    if rows is None or rows.empty:
        return [*out, Finding("简报归档", INFO, "还没有归档的简报")]
    problems = []
    for r in rows.itertuples():
        f = folder / str(r.file_name)
        if not f.is_file():
            problems.append(f"#{r.id} {r.file_name} 不存在")
        elif file_sha256(f) != r.sha256:
            problems.append(f"#{r.id} {r.file_name} 与记录的校验值不符")
    if problems:
        out.append(_listed("简报归档", problems, "从备份恢复归档目录，或重新生成这些简报"))
    else:
        out.append(Finding("简报归档", OK, f"{len(rows)} 份简报的文件完好（{folder}）"))
    return out


def run(store: Store, settings: Settings, *, repair: bool = False, accept_loss: bool = False) -> list[Finding]:
    """Every check, in order: database files, notes, briefing archive."""
    out = check(store, repair=repair, accept_loss=accept_loss)
    out += check_notes(settings, repair=repair)
    readable = any(f.part == "公开快照" and f.state in (OK, FIXED) for f in out)
    if readable:
        out += check_archive(store, settings, repair=repair)
    else:
        out.append(Finding("简报归档", INFO, "数据库不可读，未检查"))
    return out
