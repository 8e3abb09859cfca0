"""Notes on disk: markdown with YAML front matter, saved atomically, every version kept.

Layout inside the notes directory (``Settings.interpretations_dir``; ``PRICEWATCH_NOTES_DIR``
overrides it)::

    <id>.md                  the current version: front matter + markdown body
    .history/<id>/<n>.md     every saved version, n = 1, 2, ... (never rewritten)
    <id>.files/<name>        attachments (PDF, DOCX, PNG, JPEG), checked by magic bytes

The front matter is the source of truth for a note's status; only :mod:`.workflow`
changes it (and writes the audit log). A save writes the history copy first, then the
current file, each through a temporary file in the same directory + ``fsync`` +
``os.replace``: a crash at any point leaves either the old or the new file whole, never a
half-written one. Concurrent editors are caught by an optimistic version check
(``expected_version``) taken under an exclusive ``flock`` on the notes directory.
:meth:`NoteRepo.saving` holds that lock across a database write, so the workflow saves a
note in the same transaction as its audit line, and takes the version back if the
transaction fails.

The front matter is parsed with ``yaml.SafeLoader`` (python-frontmatter's default): a note
file can never construct Python objects.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import io
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import frontmatter
import yaml

from ..atomic import atomic_write
from ..errors import InputError, NotFound, PricewatchError, PublishFailed, StoreError

KINDS = ("价格监测分析", "政策解读", "更正说明")
KIND_CODES = {"价格监测分析": "analysis", "政策解读": "policy", "更正说明": "correction"}
STATUSES = ("draft", "submitted", "approved", "returned", "published", "withdrawn")
STATUS_NAMES = {
    "draft": "草稿", "submitted": "待审核", "approved": "已审核", "returned": "已退回",
    "published": "已发布", "withdrawn": "已撤回",
}
STATUS_NAMES_EN = {
    "draft": "draft", "submitted": "awaiting review", "approved": "approved", "returned": "returned",
    "published": "published", "withdrawn": "withdrawn",
}
CHECK_NAMES = {"figures": "数据核对", "confidentiality": "保密审查", "data_released": "数据发布"}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_BODY = 200_000
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
#: a DOCX is a zip: refuse one that would inflate past this (a zip bomb)
DOCX_MAX_INFLATED = 200 * 1024 * 1024


def check_id(note_id: str) -> str:
    if not isinstance(note_id, str) or not _ID.match(note_id):
        raise InputError(f"解读编号「{note_id}」无效",
                         "编号只能由小写字母、数字和连字符组成（不超过 64 个字符），例如 2026-w47-analysis")
    return note_id


def parse_dt(value: Any, tz: str = "Asia/Shanghai") -> datetime | None:
    """An aware datetime from ISO text / datetime / date; a naive value is taken as ``tz``."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("/", "-")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(f"时间「{value}」格式不对",
                             "请写作 YYYY-MM-DD HH:MM，例如 2026-11-25 09:00") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat(timespec="seconds") if dt else None


@dataclass
class Note:
    """One interpretation note. ``version`` is the number of its newest history copy."""

    id: str
    title: str
    kind: str = "价格监测分析"
    period: str | None = None
    commodities: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    author: str = ""
    status: str = "draft"
    reviewer: str | None = None
    #: [{at, by, action, comment}] — every comment made in review, oldest first
    review_comments: list[dict[str, Any]] = field(default_factory=list)
    publish_at: datetime | None = None
    published_at: datetime | None = None
    #: the store's data version the figures were last checked against
    data_version: int | None = None
    #: fingerprint of the public data of the cited periods at publication (see checks)
    data_fingerprint: str | None = None
    corrects: str | None = None
    corrected_by: str | None = None
    #: [{check, reason, by, at}] — checks a reviewer let pass with a written reason
    overrides: list[dict[str, Any]] = field(default_factory=list)
    #: pending uploads to release together with the note (ids), chosen by a reviewer
    release_uploads: list[int] = field(default_factory=list)
    #: [{name, type, size, sha256}]
    attachments: list[dict[str, Any]] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    withdrawn_reason: str | None = None
    body: str = ""
    version: int = 0

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    def override_for(self, check: str) -> dict[str, Any] | None:
        for o in self.overrides:
            if o.get("check") == check:
                return o
        return None

    def to_meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("body", "version"):
                continue
            v = getattr(self, f.name)
            if isinstance(v, datetime):
                v = _iso(v)
            meta[f.name] = v
        return meta

    def dumps(self) -> str:
        post = frontmatter.Post(self.body, **self.to_meta())
        return frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n"

    @classmethod
    def loads(cls, text: str, *, version: int = 0, source: str = "") -> Note:
        try:
            post = frontmatter.loads(text)
        except yaml.YAMLError as e:
            raise StoreError(f"解读文件 {source} 的头部（YAML）格式错误：{e}",
                             "用文本编辑器修正该文件的 --- 之间的部分") from e
        meta = dict(post.metadata)
        known = {f.name for f in fields(cls)} - {"body", "version"}
        kwargs = {k: v for k, v in meta.items() if k in known}
        for key in ("publish_at", "published_at", "created_at", "updated_at"):
            kwargs[key] = parse_dt(kwargs.get(key))
        for key in ("commodities", "categories", "markets", "review_comments", "overrides",
                    "release_uploads", "attachments"):
            v = kwargs.get(key)
            kwargs[key] = list(v) if isinstance(v, list) else []
        if "id" not in kwargs or "title" not in kwargs:
            raise StoreError(f"解读文件 {source} 缺少 id 或 title", "在文件头部补上 id: 和 title:")
        kwargs["id"] = str(kwargs["id"])
        kwargs["title"] = str(kwargs["title"])
        if kwargs.get("period") is not None:
            kwargs["period"] = str(kwargs["period"])
        if kwargs.get("status", "draft") not in STATUSES:
            raise StoreError(f"解读 {kwargs['id']} 的状态「{kwargs.get('status')}」无效",
                             f"状态只能是 {', '.join(STATUSES)}")
        return cls(body=post.content, version=version, **kwargs)


def validate(note: Note) -> None:
    """Field rules every saved note meets (a clear Chinese error otherwise)."""
    check_id(note.id)
    if not note.title.strip():
        raise InputError("标题不能为空", "请填写解读标题")
    if len(note.title) > MAX_TITLE:
        raise InputError(f"标题太长（{len(note.title)} 字）", f"标题不超过 {MAX_TITLE} 字")
    if note.kind not in KINDS:
        raise InputError(f"未知的解读类型「{note.kind}」", f"类型只能是 {'、'.join(KINDS)}")
    if len(note.body) > MAX_BODY:
        raise InputError("正文太长", f"正文不超过 {MAX_BODY} 个字符")
    if note.period:
        from ..periods import parse_period

        note.period = parse_period(note.period).label
    if note.kind == "更正说明" and not note.corrects:
        raise InputError("更正说明必须指明所更正的解读", "用 --corrects 编号 指明原解读")


class NoteRepo:
    """The notes directory. Cheap to create; holds no open files."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, note_id: str) -> Path:
        return self.root / f"{check_id(note_id)}.md"

    def history_dir(self, note_id: str) -> Path:
        return self.root / ".history" / check_id(note_id)

    def files_dir(self, note_id: str) -> Path:
        return self.root / f"{check_id(note_id)}.files"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"无法创建解读目录 {self.root}: {e}",
                             "检查路径和权限，或用 PRICEWATCH_NOTES_DIR 指定别的目录") from e
        # flock on the directory itself: no lock file to leave lying in the notes folder
        fd = os.open(self.root, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def exists(self, note_id: str) -> bool:
        return self.path(note_id).is_file()

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.md") if _ID.match(p.stem))

    def _versions(self, note_id: str) -> list[int]:
        d = self.history_dir(note_id)
        if not d.is_dir():
            return []
        return sorted(int(p.stem) for p in d.glob("*.md") if p.stem.isdigit())

    def get(self, note_id: str) -> Note:
        p = self.path(note_id)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFound(f"解读「{note_id}」不存在", "用 `python -m pricewatch notes list` 查看编号") from None
        except UnicodeDecodeError as e:
            raise StoreError(f"解读文件 {p.name} 不是 UTF-8 文本", "用文本编辑器另存为 UTF-8") from e
        except OSError as e:
            raise StoreError(f"无法读取解读文件 {p}: {e}", "检查文件和目录的权限") from e
        versions = self._versions(note_id)
        note = Note.loads(text, version=versions[-1] if versions else 0, source=p.name)
        if note.id != note_id:
            raise StoreError(f"文件 {p.name} 里的编号是「{note.id}」", "文件名与 id 应一致")
        return note

    def all(self) -> list[Note]:
        out = []
        for i in self.ids():
            with contextlib.suppress(PricewatchError):  # one broken file must not hide the rest
                out.append(self.get(i))
        return out

    def save(self, note: Note, *, expected_version: int | None = None) -> Note:
        """Save as a new version (history copy first, then the current file)."""
        with self.saving() as saves:
            saves.stage(note, expected_version=expected_version)
            saves.write()
        return note

    @contextlib.contextmanager
    def saving(self) -> Iterator[Saves]:
        """Hold the notes lock for saves that must agree with another write (the audit log).

        :meth:`Saves.stage` checks the version and fixes the new version number at once;
        :meth:`Saves.write` writes the files. When the block raises after the files were
        written (the database write they belong to was not committed), the written
        versions are taken back: the history copy is removed and the current file is the
        one from before. :class:`~pricewatch.errors.PublishFailed` means the database
        write was committed, so the files stay.
        """
        with self.lock():
            saves = Saves(self)
            try:
                yield saves
            except PublishFailed:
                raise
            except BaseException:
                saves.undo()
                raise

    def _current_version(self, note_id: str, expected_version: int | None) -> int:
        versions = self._versions(note_id)
        current = versions[-1] if versions else 0
        if expected_version is not None and expected_version != current:
            raise InputError(
                f"解读「{note_id}」已被他人修改（版本 {current}，你编辑的是版本 {expected_version}）",
                "重新打开该解读，在最新版本上修改")
        return current

    def history(self, note_id: str) -> list[Note]:
        """Every saved version, oldest first."""
        out = []
        for n in self._versions(note_id):
            p = self.history_dir(note_id) / f"{n}.md"
            out.append(Note.loads(p.read_text(encoding="utf-8"), version=n, source=p.name))
        return out

    def version_text(self, note_id: str, n: int) -> str:
        p = self.history_dir(note_id) / f"{int(n)}.md"
        try:
            return p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFound(f"解读「{note_id}」没有第 {n} 版", "用 notes show --history 查看版本") from None

    def diff(self, note_id: str, a: int, b: int, *, body_only: bool = False) -> str:
        """Unified diff of two saved versions (front matter and body, or title and body)."""

        def text(n: int) -> list[str]:
            if n <= 0:
                return []
            raw = self.version_text(note_id, n)
            if body_only:
                note = Note.loads(raw, version=n)
                raw = f"# {note.title}\n\n{note.body}\n"
            return raw.splitlines(keepends=True)

        ta, tb = text(a), text(b)
        return "".join(difflib.unified_diff(ta, tb, f"{note_id} 第{a}版", f"{note_id} 第{b}版"))

    def new_id(self, kind: str, period: str | None, today: date) -> str:
        base = f"{(period or today.isoformat()).lower()}-{KIND_CODES.get(kind, 'note')}"
        cand, n = base, 2
        while self.exists(cand):
            cand, n = f"{base}-{n}", n + 1
        return cand

    # -- attachments ------------------------------------------------------------------
    def attachment_path(self, note_id: str, name: str) -> Path:
        safe = safe_filename(name)
        p = self.files_dir(note_id) / safe
        if not p.is_file():
            raise NotFound(f"附件「{name}」不存在", "查看解读的附件列表")
        return p

    def write_attachment(self, note_id: str, name: str, data: bytes) -> dict[str, Any]:
        import hashlib

        safe = safe_filename(name)
        kind = sniff_attachment(safe, data)
        atomic_write(self.files_dir(note_id) / safe, data)
        return {"name": safe, "type": kind, "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest()}

    def remove_attachment(self, note_id: str, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.files_dir(note_id) / safe_filename(name)).unlink()


class Saves:
    """Note saves inside :meth:`NoteRepo.saving` (the caller holds the notes lock)."""

    def __init__(self, repo: NoteRepo) -> None:
        self.repo = repo
        self.staged: list[tuple[Note, int]] = []
        self.written: list[tuple[str, int, bytes | None]] = []

    def stage(self, note: Note, *, expected_version: int | None = None) -> int:
        """The version number ``note`` will be saved as; refused when another save came first."""
        n = self.repo._current_version(note.id, expected_version) + 1
        n += sum(1 for other, _ in self.staged if other.id == note.id)
        self.staged.append((note, n))
        return n

    def write(self) -> None:
        """Write every staged note (all are validated before the first file is written)."""
        for note, _ in self.staged:
            validate(note)
        for note, n in self.staged:
            path = self.repo.path(note.id)
            before = path.read_bytes() if path.is_file() else None
            text = note.dumps().encode("utf-8")
            try:
                atomic_write(self.repo.history_dir(note.id) / f"{n}.md", text)
                self.written.append((note.id, n, before))
                atomic_write(path, text)
            except OSError as e:
                raise StoreError(f"无法保存解读「{note.id}」：{e}",
                                 f"检查解读目录 {self.repo.root} 是否存在、可写，磁盘是否已满；原文件未改动") from e
            note.version = n
        self.staged = []

    def undo(self) -> None:
        """Take back the versions written here, newest first (best effort: logged, not raised)."""
        for note_id, n, before in reversed(self.written):
            path = self.repo.path(note_id)
            try:
                if before is None:
                    path.unlink(missing_ok=True)
                elif not path.is_file() or path.read_bytes() != before:
                    atomic_write(path, before)
                (self.repo.history_dir(note_id) / f"{n}.md").unlink(missing_ok=True)
            except OSError as e:
                log.error("could not take back version %s of note %s: %s", n, note_id, e)
        self.written = []


# -- attachment checks --------------------------------------------------------------------
EXT_TYPES = {".pdf": "pdf", ".docx": "docx", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
MIME = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def safe_filename(name: str) -> str:
    """The last path part, without control characters or characters unsafe in a file name."""
    base = str(name).replace("\\", "/").split("/")[-1].strip()
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", base).lstrip(".")
    if not base or len(base) > 120:
        raise InputError(f"附件名「{name}」无效", "文件名不能为空且不超过 120 个字符")
    return base


def sniff_attachment(name: str, data: bytes) -> str:
    """'pdf' | 'docx' | 'png' | 'jpeg' by magic bytes, agreeing with the extension."""
    ext = os.path.splitext(name)[1].lower()
    want = EXT_TYPES.get(ext)
    if want is None:
        raise InputError(f"附件「{name}」的类型不允许", "只能上传 PDF、DOCX、PNG 或 JPEG 文件")
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise InputError(f"附件「{name}」太大（{len(data) / 1048576:.1f} MB）",
                         f"附件不超过 {ATTACHMENT_MAX_BYTES // 1048576} MB")
    if len(data) == 0:
        raise InputError(f"附件「{name}」是空文件", "请重新选择文件")
    got = None
    if data.startswith(b"%PDF-"):
        got = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        got = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        got = "jpeg"
    elif data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = z.infolist()
                names = {i.filename for i in infos}
                if sum(i.file_size for i in infos) > DOCX_MAX_INFLATED:
                    raise InputError(f"附件「{name}」解压后过大", "请检查文件，或另存为 PDF 后上传")
                if "word/document.xml" in names and "[Content_Types].xml" in names:
                    got = "docx"
        except zipfile.BadZipFile:
            got = None
    if got != want:
        raise InputError(f"附件「{name}」的内容与扩展名不符", "请上传真实的 PDF、DOCX、PNG 或 JPEG 文件")
    return got
