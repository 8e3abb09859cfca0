"""The publication workflow: who may move a note from which status to which.

::

    draft --submit--> submitted --approve--> approved --publish--> published --withdraw--> withdrawn
      ^                  |                      |   (at publish_at, or at once)
      |                  +------return--------->+--> returned --edit--> draft
      +-----------------------------------------------------------------+

* editors (and admins) write notes and submit their own notes;
* reviewers (and admins) approve, return (a comment is required), override a check (a
  written reason is required), schedule and publish, and withdraw published notes; never
  on a note they wrote themselves;
* leaders read everything; the public sees only published notes (:func:`Notebook.list_published`);
* a correction is a new 更正说明 note with ``corrects: <id>``; when it is published the
  original gets ``corrected_by``.

Approval and publication run the checks (:mod:`.checks`); each failed check blocks unless
a reviewer has overridden it. Publication releases the pending uploads the note cites in
the same database transaction as the audit record (``release_uploads``), so a note and
its data go public together. Placeholders are frozen into the text at publication.

Scheduled publication: :meth:`Notebook.due_publications` publishes every approved note
whose ``publish_at`` has come (with an injectable clock). Only the scheduler
(:mod:`pricewatch.scheduler`, ``python -m pricewatch scheduler``) and ``notes due`` call it;
reading, listing and rendering never publish (invariant 7). A note whose checks fail at
that moment is returned to its editor instead (and the reason logged).

Every transition is one save of the note file (one new history version) and one audit-log
line (``note.<action>``, target ``note:<id>``, detail {from, to, comment, version}), in one
store transaction (:meth:`Notebook._commit`). The database writes come first and the file
is written last, just before the commit: a failed audit write (or release, or 期号) leaves
the note file unchanged; a failed save leaves no audit line; a failed commit takes the
written version back (:meth:`.model.NoteRepo.saving`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .. import limits
from ..accounts import User, require
from ..config import Settings
from ..errors import InputError, NotFound, PermissionDenied, PricewatchError
from ..indicators import Report
from ..store import Store, writes
from . import checks as checks_mod
from . import draft
from .model import CHECK_NAMES, KINDS, STATUS_NAMES, Note, NoteRepo, parse_dt
from .render import IMAGE_TYPES, outside_images, title_problem

#: (status, action) -> (new status, permission)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("draft", "submit"): ("submitted", "submit_note"),
    ("returned", "edit"): ("draft", "write_note"),
    ("submitted", "approve"): ("approved", "review_note"),
    ("submitted", "return"): ("returned", "review_note"),
    ("approved", "return"): ("returned", "review_note"),
    ("approved", "schedule"): ("approved", "schedule"),
    ("approved", "publish"): ("published", "publish"),
    ("published", "withdraw"): ("withdrawn", "publish"),
}
ACTION_NAMES = {"submit": "提交审核", "approve": "审核通过", "return": "退回修改",
                "schedule": "定时发布", "publish": "发布", "withdraw": "撤回", "edit": "修改",
                "create": "新建", "override": "放行检查", "attach": "添加附件",
                "detach": "删除附件", "corrected": "发布更正"}
EDITABLE = ("draft", "returned")
REVIEW_ACTIONS = ("approve", "return", "schedule", "publish", "withdraw", "override")
MIN_REASON = 4


class Notebook:
    """Notes + the store (audit, data) + settings, with a clock that tests can set."""

    def __init__(self, store: Store, settings: Settings,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.settings = settings
        self.repo = NoteRepo(settings.interpretations_dir)
        self.tz = ZoneInfo(settings.timezone)
        self._clock = clock or (lambda: datetime.now(self.tz))

    def now(self) -> datetime:
        n = self._clock()
        return n if n.tzinfo else n.replace(tzinfo=self.tz)

    # -- reading ----------------------------------------------------------------------
    def get(self, note_id: str, user: User | None) -> Note:
        """A note as ``user`` may see it: staff see every note, others only published ones."""
        note = self.repo.get(note_id)
        if user is None or not user.can("view_staff"):
            if note.status != "published":
                raise NotFound(f"解读「{note_id}」不存在或尚未发布", "查看已发布的解读列表")
        return note

    def list(self, user: User | None, *, status: str | None = None,
             author: str | None = None) -> list[Note]:
        if user is None or not user.can("view_staff"):
            return self.list_published()
        notes = self.repo.all()
        if status:
            notes = [n for n in notes if n.status == status]
        if author:
            notes = [n for n in notes if n.author == author]
        return sorted(notes, key=lambda n: (n.updated_at or n.created_at or self.now()), reverse=True)

    def list_published(self, *, commodity: str | None = None, category: str | None = None,
                       period: str | None = None, kind: str | None = None) -> list[Note]:
        """Published notes, newest publication first (what the public may read)."""
        now = self.now()
        out = []
        for n in self.repo.all():
            if n.status != "published" or (n.published_at and n.published_at > now):
                continue
            if commodity and commodity not in n.commodities:
                continue
            if category and category not in n.categories:
                continue
            if period and n.period != period:
                continue
            if kind and n.kind != kind:
                continue
            out.append(n)
        return sorted(out, key=lambda n: n.published_at or now, reverse=True)

    def get_published(self, note_id: str) -> Note:
        return self.get(note_id, None)

    def published_attachment(self, note_id: str, name: str, user: User | None = None) -> Path:
        """The file of an attachment; only for published notes unless ``user`` is staff."""
        note = self.get(note_id, user)
        if not any(a.get("name") == name for a in note.attachments):
            raise NotFound(f"附件「{name}」不存在", "查看解读的附件列表")
        return self.repo.attachment_path(note_id, name)

    def history(self, note_id: str) -> list[Note]:
        return self.repo.history(note_id)

    def diff(self, note_id: str, a: int, b: int) -> str:
        return self.repo.diff(note_id, a, b)

    def diff_since_review(self, note: Note) -> str:
        """Diff from the version last seen by a reviewer (or the first) to the current one."""
        hist = self.repo.history(note.id)
        base = 0
        for h in hist[:-1]:
            if h.status in ("submitted", "approved", "returned") and h.version < note.version:
                base = h.version
        if base == 0 and len(hist) > 1:
            base = hist[0].version
        return self.repo.diff(note.id, base, note.version, body_only=True) if base else ""

    # -- the checks -------------------------------------------------------------------
    def checks(self, note: Note, *, with_release: bool = False) -> list[checks_mod.CheckResult]:
        return checks_mod.run_checks(self.store, self.settings, note, with_release=with_release)

    def stale(self, note: Note) -> list[Any]:
        """For a published note: the cited figures that no longer agree with the public data."""
        return checks_mod.needs_correction(self.store, self.settings, note)

    # -- writing ----------------------------------------------------------------------
    def _commit(self, note: Note, actor: str, action: str, old: str, *, comment: str | None = None,
                expected_version: int | None = None, extra: dict[str, Any] | None = None,
                release: list[int] | None = None, also: list[Note] | None = None,
                fingerprint: bool = False) -> Note:
        """Save the note once and write its audit line, in one store transaction.

        Under the notes lock: the new version number is fixed first (refused when the file
        changed since ``note`` was read: another reviewer, another process publishing the
        same scheduled note, so no transition happens twice); then the database writes
        (released uploads, 期号, the data fingerprint, the audit lines); the files are
        written last, just before the commit, and taken back if the commit fails.
        """
        if expected_version is None:
            expected_version = note.version
        note.updated_at = self.now()
        note.updated_by = actor
        with self.repo.saving() as saves, self.store.write() as s:
            version = saves.stage(note, expected_version=expected_version)
            others = [(other, saves.stage(other)) for other in also or []]
            if release:
                writes.release_uploads(s, release, actor=actor, comment=f"随解读 {note.id} 发布")
            if draft.numbered(note.kind, note.period, note.body, action):
                # 期号: assigned in the write that creates (from the draft) or publishes it
                note.body = draft.stamp(s, note.body, note.period or "", self.settings, actor)
            if fingerprint:
                # the public data as it is with this write (after any release above)
                note.data_fingerprint = checks_mod.session_fingerprint(s, note)
            detail = {"from": old, "to": note.status, "comment": comment, "version": version}
            if extra:
                detail.update(extra)
            writes.audit(s, actor, f"note.{action}", f"note:{note.id}", detail)
            for other, other_version in others:
                writes.audit(s, actor, "note.corrected", f"note:{other.id}",
                             {"from": other.status, "to": other.status, "corrected_by": note.id,
                              "version": other_version})
            saves.write()
        return note

    def _comment(self, note: Note, user: str, action: str, comment: str | None) -> None:
        limits.check("意见", comment)
        if comment:
            note.review_comments.append({"at": self.now().isoformat(timespec="seconds"),
                                         "by": user, "action": action, "comment": comment})

    def _allowed(self, user: User | None, note: Note, action: str) -> tuple[str, str]:
        """The new status for ``action``, or PermissionDenied / InputError saying why not."""
        if user is None:
            raise PermissionDenied("此操作需要登录", "请先登录，或在命令行用 --as 指明操作人")
        key = (note.status, action)
        if key not in TRANSITIONS:
            allowed = [ACTION_NAMES[a] for (st, a) in TRANSITIONS if st == note.status]
            raise InputError(
                f"解读「{note.id}」当前状态为「{note.status_name}」，不能{ACTION_NAMES.get(action, action)}",
                f"此状态下可以：{'、'.join(allowed)}" if allowed else "此状态下没有可做的操作")
        new, perm = TRANSITIONS[key]
        require(user, perm)
        if action in REVIEW_ACTIONS and note.author == user.name:
            raise PermissionDenied(f"不能审核或发布自己撰写的解读「{note.id}」",
                                   "请由另一位审核人员处理")
        if action in ("submit", "edit") and note.author != user.name and user.role != "admin":
            raise PermissionDenied(f"解读「{note.id}」由 {note.author} 撰写，只有作者可以修改或提交",
                                   "请联系作者，或由管理员处理")
        return new, perm

    def create(self, user: User | None, *, title: str, kind: str = "价格监测分析",
               period: str | None = None, body: str = "", commodities: list[str] | None = None,
               categories: list[str] | None = None, markets: list[str] | None = None,
               corrects: str | None = None, note_id: str | None = None) -> Note:
        require(user, "write_note")
        assert user is not None
        if kind not in KINDS:
            raise InputError(f"未知的解读类型「{kind}」", f"类型只能是 {'、'.join(KINDS)}")
        if corrects:
            orig = self.repo.get(corrects)
            if orig.status != "published":
                raise InputError(f"解读「{corrects}」尚未发布，不需要更正说明",
                                 "未发布的解读请直接修改")
            kind = "更正说明"
            period = period or orig.period
        nid = note_id or self.repo.new_id(kind, period, self.now().date())
        if self.repo.exists(nid):
            raise InputError(f"解读编号「{nid}」已存在", "换一个编号，或用 notes edit 修改它")
        now = self.now()
        note = Note(id=nid, title=title, kind=kind, period=period, body=body,
                    commodities=list(commodities or []), categories=list(categories or []),
                    markets=list(markets or []), author=user.name, status="draft",
                    corrects=corrects, created_at=now)
        _check_text(note)
        return self._commit(note, user.name, "create", "new", expected_version=0)

    def edit(self, user: User | None, note_id: str, *, expected_version: int | None = None,
             **changes: Any) -> Note:
        """Change title/body/metadata of a draft (a returned note becomes a draft again)."""
        note = self.repo.get(note_id)
        if note.status not in EDITABLE:
            raise InputError(
                f"解读「{note_id}」当前状态为「{note.status_name}」，不能修改",
                "只有草稿和已退回的解读可以修改；已发布的请撤回或发布更正说明")
        if note.status == "returned":
            self._allowed(user, note, "edit")
        else:
            require(user, "write_note")
            assert user is not None
            if note.author != user.name and user.role != "admin":
                raise PermissionDenied(f"解读「{note_id}」由 {note.author} 撰写，只有作者可以修改",
                                       "请联系作者，或由管理员处理")
        assert user is not None
        allowed = {"title", "body", "period", "commodities", "categories", "markets", "kind"}
        bad = set(changes) - allowed
        if bad:
            raise InputError(f"不能直接修改字段：{', '.join(sorted(bad))}", "状态等字段由审核流程改变")
        old = note.status
        for k, v in changes.items():
            if v is not None:
                setattr(note, k, list(v) if k in ("commodities", "categories", "markets") else v)
        _check_text(note)
        if old == "returned":
            note.status = "draft"
            note.overrides = []  # a changed text must be checked again
        return self._commit(note, user.name, "edit", old, expected_version=expected_version)

    def submit(self, user: User | None, note_id: str, comment: str | None = None) -> Note:
        note = self.repo.get(note_id)
        new, _ = self._allowed(user, note, "submit")
        assert user is not None
        if not note.body.strip():
            raise InputError("正文为空，不能提交", "先写好正文")
        if draft.PROMPT_MARK in note.body:
            raise InputError("后期走势尚未填写，不能提交", f"把“{draft.PROMPT_MARK}”提示换成本期的研判后再提交")
        old, note.status = note.status, new
        self._comment(note, user.name, "submit", comment)
        return self._commit(note, user.name, "submit", old, comment=comment)

    def _blocking(self, note: Note, *, with_release: bool) -> list[checks_mod.CheckResult]:
        return [c for c in self.checks(note, with_release=with_release) if c.blocking]

    def approve(self, user: User | None, note_id: str, comment: str | None = None,
                publish_at: Any = None, release_data: bool = False) -> Note:
        note = self.repo.get(note_id)
        new, _ = self._allowed(user, note, "approve")
        assert user is not None
        if release_data:
            note.release_uploads = checks_mod.pending_cited(self.store, note)
        blocking = self._blocking(note, with_release=bool(note.release_uploads))
        if blocking:
            raise checks_mod.ChecksFailed(blocking, "改正正文后再审，或退回编辑；确需放行的，写明理由后放行该项检查")
        old, note.status, note.reviewer = note.status, new, user.name
        if publish_at is not None:
            note.publish_at = self._future(publish_at)
        note.data_version = self.store.version()
        self._comment(note, user.name, "approve", comment)
        return self._commit(note, user.name, "approve", old, comment=comment,
                            extra={"publish_at": note.publish_at})

    def return_(self, user: User | None, note_id: str, comment: str) -> Note:
        note = self.repo.get(note_id)
        new, _ = self._allowed(user, note, "return")
        assert user is not None
        comment = _written(comment, "退回需要写明意见", "说明需要修改的地方，例如「猪肉价格与数据不符」")
        old, note.status, note.reviewer = note.status, new, user.name
        note.publish_at = None
        self._comment(note, user.name, "return", comment)
        return self._commit(note, user.name, "return", old, comment=comment)

    def _future(self, when: Any) -> datetime:
        dt = parse_dt(when, self.settings.timezone)
        assert dt is not None
        return dt

    def schedule(self, user: User | None, note_id: str, publish_at: Any,
                 release_data: bool | None = None) -> Note:
        """Set (or clear, with None) the publication time of an approved note."""
        note = self.repo.get(note_id)
        self._allowed(user, note, "schedule")
        assert user is not None
        note.publish_at = self._future(publish_at) if publish_at not in (None, "") else None
        if release_data is not None:
            note.release_uploads = checks_mod.pending_cited(self.store, note) if release_data else []
        # a time already past is published by the scheduler's next run, not here
        return self._commit(note, user.name, "schedule", note.status,
                            extra={"publish_at": note.publish_at, "release_uploads": note.release_uploads})

    def override(self, user: User | None, note_id: str, check: str, reason: str) -> Note:
        note = self.repo.get(note_id)
        if user is None:
            raise PermissionDenied("此操作需要登录", "请先登录")
        require(user, "review_note")
        if note.author == user.name:
            raise PermissionDenied("不能放行自己撰写的解读的检查", "请由另一位审核人员处理")
        if note.status not in ("submitted", "approved"):
            raise InputError(f"解读「{note_id}」当前为「{note.status_name}」，不需要放行检查",
                             "只有待审核或已审核的解读可以放行检查")
        if check not in CHECK_NAMES:
            raise InputError(f"未知的检查「{check}」", f"检查只能是 {', '.join(CHECK_NAMES)}")
        reason = (reason or "").strip()
        limits.check("理由", reason)
        if len(reason) < MIN_REASON:
            raise InputError("放行检查必须写明理由", f"理由至少 {MIN_REASON} 个字")
        note.overrides = [o for o in note.overrides if o.get("check") != check]
        note.overrides.append({"check": check, "reason": reason, "by": user.name,
                               "at": self.now().isoformat(timespec="seconds")})
        return self._commit(note, user.name, "override", note.status, comment=reason,
                            extra={"check": check})

    def publish(self, user: User | None, note_id: str, *, at: Any = None,
                release_data: bool = False, comment: str | None = None) -> Note:
        """Publish now, or (with ``at`` in the future) schedule it; checks run again."""
        note = self.repo.get(note_id)
        self._allowed(user, note, "publish")
        assert user is not None
        if at is not None:
            when = self._future(at)
            if when > self.now():
                return self.schedule(user, note_id, when, release_data=release_data or None)
        if release_data:
            note.release_uploads = checks_mod.pending_cited(self.store, note)
        return self._publish(note, user.name, published_at=self.now(), comment=comment)

    def _publish(self, note: Note, actor: str, *, published_at: datetime,
                 comment: str | None = None) -> Note:
        blocking = self._blocking(note, with_release=bool(note.release_uploads))
        if blocking:
            raise checks_mod.ChecksFailed(blocking, "改正后再发布，或写明理由放行该项检查")
        release = checks_mod.pending_cited(self.store, note) if note.release_uploads else []
        release = [u for u in release if u in note.release_uploads]
        if release:
            require(User(actor, "reviewer"), "release")
        old = note.status
        note.body = checks_mod.freeze(self.store, self.settings, note)
        note.status, note.published_at = "published", published_at
        note.data_version = self.store.version() + 1  # the version this commit creates
        also = []
        if note.corrects:
            with contextlib.suppress(NotFound):
                orig = self.repo.get(note.corrects)
                orig.corrected_by = note.id
                also.append(orig)
        self._comment(note, actor, "publish", comment)
        return self._commit(note, actor, "publish", old, comment=comment, release=release,
                            extra={"released_uploads": release}, also=also, fingerprint=True)

    def withdraw(self, user: User | None, note_id: str, reason: str) -> Note:
        note = self.repo.get(note_id)
        new, _ = self._allowed(user, note, "withdraw")
        assert user is not None
        reason = _written(reason, "撤回需要写明原因", "例如「数据有误，待更正后重新发布」")
        old, note.status, note.withdrawn_reason = note.status, new, reason
        self._comment(note, user.name, "withdraw", reason)
        return self._commit(note, user.name, "withdraw", old, comment=reason)

    def _attachable(self, user: User | None, note_id: str, verb: str) -> tuple[Note, User]:
        """The note and its author (or an admin) when its attachments may change now."""
        note = self.repo.get(note_id)
        if note.status not in EDITABLE:
            raise InputError(f"只有草稿可以{verb}附件", f"退回修改后再{verb}")
        require(user, "write_note")
        assert user is not None
        if note.author != user.name and user.role != "admin":
            raise PermissionDenied(f"只有作者可以{verb}附件", "请联系作者")
        return note, user

    def add_attachment(self, user: User | None, note_id: str, name: str, data: bytes) -> Note:
        note, user = self._attachable(user, note_id, "添加")
        meta = self.repo.write_attachment(note_id, name, data)
        note.attachments = [a for a in note.attachments if a.get("name") != meta["name"]] + [meta]
        return self._commit(note, user.name, "attach", note.status, extra={"attachment": meta})

    def remove_attachment(self, user: User | None, note_id: str, name: str) -> Note:
        note, user = self._attachable(user, note_id, "删除")
        note.attachments = [a for a in note.attachments if a.get("name") != name]
        note = self._commit(note, user.name, "detach", note.status, extra={"attachment": name})
        self.repo.remove_attachment(note_id, name)
        return note

    # -- scheduled publication -----------------------------------------------------------
    def due_publications(self, now: datetime | None = None) -> list[str]:
        """Publish every approved note whose publish_at has come; returns their ids.

        The note is published as of its ``publish_at`` (not as of the moment this ran), by
        the reviewer who approved it. A note whose checks fail now is returned to its
        editor with the reason.
        """
        now = now or self.now()
        done = []
        for note in self.repo.all():
            if note.status != "approved" or note.publish_at is None or note.publish_at > now:
                continue
            actor = note.reviewer or "system"
            try:
                self._publish(replace(note), actor, published_at=note.publish_at,
                              comment="定时发布")
                done.append(note.id)
            except InputError as e:
                fresh = self.repo.get(note.id)
                if fresh.status != "approved" or fresh.version != note.version:
                    continue  # someone else (another process) got there first
                old, fresh.status, fresh.publish_at = fresh.status, "returned", None
                msg = "定时发布时" + "\n".join([e.message, *e.details])
                self._comment(fresh, "system", "return", msg)
                with contextlib.suppress(PricewatchError):
                    self._commit(fresh, "system", "return", old, comment=msg,
                                 expected_version=note.version)
            except PricewatchError:
                continue
        return done


def _written(text: str | None, message: str, hint: str) -> str:
    """A comment or reason someone must write (two characters at least), stripped."""
    text = (text or "").strip()
    if len(text) < 2:
        raise InputError(message, hint)
    return text


def _check_text(note: Note) -> None:
    """Bounds and plain-text rules for what a person typed (see :mod:`pricewatch.limits`)."""
    limits.check("标题", note.title)
    bad = title_problem(note.title)
    if bad:
        raise InputError(f"标题只能是纯文本，不能含图片、链接或标签（{bad}）", "删去标题中的标记后重试")
    limits.check("正文", note.body)
    limits.check_all("商品名称", note.commodities)
    limits.check_all("类别", note.categories)
    limits.check_all("市场名称", note.markets)
    own = [str(a.get("name")) for a in note.attachments if str(a.get("type")) in IMAGE_TYPES]
    outside = outside_images(note.body, own)
    if outside:
        raise InputError(
            f"正文中的图片只能引用本解读自己的附件，「{limits.shorten(outside[0], 60)}」不是本解读的附件",
            "先把图片作为附件上传，再用 ![说明](文件名) 引用；不能引用外部网址")


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


__all__ = ["Notebook", "TRANSITIONS", "ACTION_NAMES", "status_name", "Report"]
