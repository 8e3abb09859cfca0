"""Notes: the state machine by role, self-approval, scheduled publication with an injected
clock, atomic saves, history, attachments, corrections and the feed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pricewatch import atomic
from pricewatch import notes as notes_api
from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.errors import InputError, NotFound, PermissionDenied, StoreError
from pricewatch.notes import model
from pricewatch.notes.feed import atom_feed
from pricewatch.notes.workflow import TRANSITIONS, Notebook
from pricewatch.store import queries
from tests.helpers import Clock

TZ = ZoneInfo("Asia/Shanghai")
EDITOR = User("editor", "editor")
EDITOR2 = User("editor2", "editor")
REVIEWER = User("reviewer", "reviewer")
REVIEWER2 = User("reviewer2", "reviewer")
LEADER = User("leader", "leader")
ADMIN = User("admin", "admin")
# 2024-W17 (staff = public: released): 猪肉(五花) (28.56+27.99+30.84)/3 = 29.13, 环比 +2.0 %
GOOD = "猪肉(五花)均价29.13元/公斤,环比上涨2.0%。"


@pytest.fixture
def book(notes_db, tmp_path):
    clock = Clock(datetime(2024, 4, 30, 9, 0, tzinfo=TZ))
    nb = Notebook(notes_db, load_settings(), clock=clock)
    nb.clock = clock  # type: ignore[attr-defined]
    return nb


def _submitted(book: Notebook, body: str = GOOD, author: User = EDITOR, period: str = "2024-W17"):
    n = book.create(author, title="第17周价格监测分析", period=period, body=body,
                    commodities=["猪肉(五花)"], categories=["肉禽蛋"])
    return book.submit(author, n.id)


def _audit(store) -> list[dict]:
    with store.read() as s:
        df = queries.audit.audit_log(s, 500, "note.")
    return [{"actor": r.actor, "action": r.action, "target": r.target, **json.loads(r.detail)}
            for r in df.itertuples()][::-1]


def test_notes_dir_comes_from_env(book, tmp_path):
    assert book.repo.root == tmp_path / "interpretations"


def test_happy_path_and_audit(book):
    n = book.create(EDITOR, title="第17周价格监测分析", period="2024-W17", body=GOOD)
    assert (n.status, n.version, n.author) == ("draft", 1, "editor")
    assert n.id == "2024-w17-analysis"
    book.submit(EDITOR, n.id, "请审核")
    book.approve(REVIEWER, n.id, "数据无误")
    p = book.publish(REVIEWER, n.id)
    assert p.status == "published" and p.published_at == book.now() and p.reviewer == "reviewer"
    trail = [(a["action"], a["from"], a["to"], a["actor"]) for a in _audit(book.store)]
    assert trail == [
        ("note.create", "new", "draft", "editor"),
        ("note.submit", "draft", "submitted", "editor"),
        ("note.approve", "submitted", "approved", "reviewer"),
        ("note.publish", "approved", "published", "reviewer"),
    ]
    assert _audit(book.store)[1]["comment"] == "请审核"
    assert [c["comment"] for c in p.review_comments] == ["请审核", "数据无误"]
    # the front matter on disk is the source of truth
    assert model.NoteRepo(book.repo.root).get(n.id).status == "published"


@pytest.mark.parametrize("status,action", sorted(TRANSITIONS))
def test_allowed_transition_roles(status, action):
    """Each transition: allowed for its role, refused for the others (leaders never)."""
    from pricewatch.accounts import PERMISSIONS

    _, perm = TRANSITIONS[(status, action)]
    for role in ("editor", "reviewer", "leader"):
        assert (perm in PERMISSIONS[role]) == (role == ("editor" if action in ("submit", "edit") else "reviewer"))


def test_forbidden_by_role(book):
    n = book.create(EDITOR, title="t", period="2024-W17", body=GOOD)
    with pytest.raises(PermissionDenied):
        book.create(LEADER, title="t", body="x")
    with pytest.raises(PermissionDenied):
        book.create(None, title="t", body="x")
    with pytest.raises(PermissionDenied):
        book.submit(REVIEWER, n.id)          # reviewers do not submit
    with pytest.raises(PermissionDenied):
        book.submit(EDITOR2, n.id)           # only the author submits
    with pytest.raises(InputError, match="不能审核通过"):
        book.approve(REVIEWER, n.id)         # a draft cannot be approved
    book.submit(EDITOR, n.id)
    with pytest.raises(PermissionDenied):
        book.approve(EDITOR2, n.id)          # editors do not approve
    with pytest.raises(PermissionDenied):
        book.approve(LEADER, n.id)           # leaders only read
    with pytest.raises(InputError, match="不能修改"):
        book.edit(EDITOR, n.id, body="改")   # submitted: not editable
    with pytest.raises(InputError, match="不能发布"):
        book.publish(REVIEWER, n.id)         # not yet approved
    book.approve(REVIEWER, n.id)
    with pytest.raises(PermissionDenied):
        book.publish(EDITOR, n.id)
    book.publish(REVIEWER, n.id)
    with pytest.raises(InputError, match="不能退回修改"):
        book.return_(REVIEWER, n.id, "晚了")
    with pytest.raises(PermissionDenied):
        book.withdraw(LEADER, n.id, "不对")
    with pytest.raises(InputError, match="原因"):
        book.withdraw(REVIEWER, n.id, "")
    w = book.withdraw(REVIEWER, n.id, "数据有误")
    assert w.status == "withdrawn"
    with pytest.raises(InputError):
        book.publish(REVIEWER, n.id)         # withdrawn is final


def test_self_approval_refused(book):
    n = _submitted(book, author=ADMIN)       # an admin may write and review, never both
    with pytest.raises(PermissionDenied, match="自己撰写"):
        book.approve(ADMIN, n.id)
    with pytest.raises(PermissionDenied, match="自己撰写"):
        book.override(ADMIN, n.id, "figures", "理由充分的说明")
    assert book.approve(REVIEWER, n.id).status == "approved"
    with pytest.raises(PermissionDenied, match="自己撰写"):
        book.publish(ADMIN, n.id)


def test_return_needs_comment_then_edit_makes_draft(book):
    n = _submitted(book)
    with pytest.raises(InputError, match="意见"):
        book.return_(REVIEWER, n.id, "")
    r = book.return_(REVIEWER, n.id, "请补充蔬菜价格")
    assert r.status == "returned" and r.review_comments[-1]["comment"] == "请补充蔬菜价格"
    with pytest.raises(InputError, match="不能提交审核"):
        book.submit(EDITOR, n.id)
    e = book.edit(EDITOR, n.id, body=GOOD + "蔬菜价格平稳。")
    assert e.status == "draft"
    assert book.submit(EDITOR, n.id).status == "submitted"
    trail = [(a["from"], a["to"]) for a in _audit(book.store)]
    assert ("submitted", "returned") in trail and ("returned", "draft") in trail
    # approved -> returned is allowed too
    book.approve(REVIEWER, n.id)
    assert book.return_(REVIEWER, n.id, "暂缓发布").status == "returned"


def test_leader_reads_everything_public_only_published(book):
    d = book.create(EDITOR, title="草稿", period="2024-W17", body=GOOD)
    p = _submitted(book)
    book.approve(REVIEWER, p.id)
    book.publish(REVIEWER, p.id)
    assert {n.id for n in book.list(LEADER)} == {d.id, p.id}
    assert [n.id for n in book.list(None)] == [p.id]
    assert book.get(d.id, LEADER).status == "draft"
    with pytest.raises(NotFound):
        book.get(d.id, None)
    assert [n.id for n in notes_api.list_published(book.settings, book.store, now=book.now())] == [p.id]
    with pytest.raises(NotFound):
        notes_api.get_published(book.settings, book.store, d.id, now=book.now())


def test_scheduled_publication_exactly_at_publish_at(book):
    n = _submitted(book)
    at = datetime(2024, 5, 1, 9, 0, tzinfo=TZ)
    book.approve(REVIEWER, n.id, publish_at=at)
    book.clock.t = at - timedelta(seconds=1)
    assert book.due_publications() == []
    assert notes_api.list_published(book.settings, book.store, now=book.clock.t) == []
    with pytest.raises(NotFound):
        notes_api.get_published(book.settings, book.store, n.id, now=book.clock.t)
    book.clock.t = at
    # reading is pure (invariant 7): the time has come, but only the scheduler publishes
    assert notes_api.list_published(book.settings, book.store, now=at) == []
    notes_api.feed_xml(book.settings, book.store, now=at)
    assert book.repo.get(n.id).status == "approved"
    assert book.due_publications() == [n.id]
    got = notes_api.list_published(book.settings, book.store, now=at)
    assert [x.id for x in got] == [n.id]
    assert got[0].published_at == at
    assert book.due_publications() == []   # published once
    last = _audit(book.store)[-1]
    assert (last["action"], last["actor"], last["to"]) == ("note.publish", "reviewer", "published")


def test_publish_with_future_at_schedules(book):
    n = _submitted(book)
    book.approve(REVIEWER, n.id)
    s = book.publish(REVIEWER, n.id, at=book.now() + timedelta(hours=2))
    assert s.status == "approved" and s.publish_at == book.now() + timedelta(hours=2)
    book.clock.t += timedelta(hours=2)
    assert book.due_publications() == [n.id]


def test_scheduled_note_failing_checks_is_returned(book):
    n = _submitted(book)
    book.approve(REVIEWER, n.id, publish_at=book.now() + timedelta(hours=1))
    # someone edits the file by hand after approval: the checks run again at publication
    raw = book.repo.get(n.id)
    raw.body = "猪肉(五花)均价35.00元/公斤。"
    book.repo.save(raw)
    book.clock.t += timedelta(hours=1)
    assert book.due_publications() == []
    r = book.repo.get(n.id)
    assert r.status == "returned" and "定时发布时检查未通过" in r.review_comments[-1]["comment"]


def test_approval_blocked_by_wrong_figure_until_override(book):
    n = _submitted(book, body="猪肉(五花)均价29.31元/公斤。")
    with pytest.raises(InputError, match="数据核对"):
        book.approve(REVIEWER, n.id)
    with pytest.raises(InputError, match="理由"):
        book.override(REVIEWER, n.id, "figures", "")
    book.override(REVIEWER, n.id, "figures", "原文引用的是省级发布数据")
    a = book.approve(REVIEWER, n.id)
    assert a.status == "approved" and a.overrides[0]["by"] == "reviewer"
    assert any(x["action"] == "note.override" and x["comment"] == "原文引用的是省级发布数据"
               for x in _audit(book.store))


def test_data_must_be_released_or_released_together(book, notes_db):
    # 2024-W18 is pending in the small database: 猪肉(五花) (30.80+30.18+33.26)/3 = 31.41
    n = _submitted(book, body="猪肉(五花)均价31.41元/公斤,环比上涨7.8%。", period="2024-W18")
    with pytest.raises(InputError, match="数据发布"):
        book.approve(REVIEWER, n.id)
    book.approve(REVIEWER, n.id, release_data=True)
    with notes_db.read() as s:
        assert len(queries.uploads.pending_uploads(s)) == 1
    p = book.publish(REVIEWER, n.id)
    assert p.status == "published" and p.release_uploads
    with notes_db.read() as s:
        assert queries.uploads.pending_uploads(s) == []
    pub = [a for a in _audit(notes_db) if a["action"] == "note.publish"][-1]
    assert pub["released_uploads"] == p.release_uploads


def test_placeholders_frozen_at_publication(book):
    n = _submitted(book, body="猪肉(五花)均价{{price 猪肉(五花)}},环比{{wow 猪肉(五花) 2024-W17}}。")
    book.approve(REVIEWER, n.id)
    p = book.publish(REVIEWER, n.id)
    # a 价格监测分析 is published as the period's numbered issue: the masthead comes first
    masthead, text = p.body.split("\n\n", 1)
    assert masthead == "第1期　总第1期　监测单位：示范县商务局　监测日期：2024年4月22日—28日"
    assert text == "猪肉(五花)均价29.13元/公斤,环比上涨2.0%。"


def test_correction_links_original(book):
    n = _submitted(book)
    book.approve(REVIEWER, n.id)
    with pytest.raises(InputError, match="尚未发布"):
        book.create(EDITOR, title="更正", corrects=n.id, body="x")
    book.publish(REVIEWER, n.id)
    c = book.create(EDITOR, title="关于第17周价格监测分析的更正说明", corrects=n.id,
                    body="原文猪肉(五花)价格表述有误, 应为29.13元/公斤。")
    assert c.kind == "更正说明" and c.period == "2024-W17" and c.id == "2024-w17-correction"
    assert book.repo.get(n.id).corrected_by is None   # not before the correction is public
    book.submit(EDITOR, c.id)
    book.approve(REVIEWER, c.id)
    book.publish(REVIEWER, c.id)
    assert book.repo.get(n.id).corrected_by == c.id
    assert book.repo.get(n.id).status == "published"


def test_history_and_diff(book):
    n = book.create(EDITOR, title="t", period="2024-W17", body="第一版\n")
    book.edit(EDITOR, n.id, body="第二版\n")
    hist = book.history(n.id)
    assert [h.version for h in hist] == [1, 2] and hist[0].body.strip() == "第一版"
    d = book.diff(n.id, 1, 2)
    assert "-第一版" in d and "+第二版" in d
    with pytest.raises(InputError, match="已被他人修改"):
        book.edit(EDITOR, n.id, body="过时的编辑", expected_version=1)


def test_atomic_save_crash_keeps_old_file(book, monkeypatch):
    n = book.create(EDITOR, title="t", period="2024-W17", body="原文\n")
    path = book.repo.path(n.id)
    before = path.read_bytes()

    def crash(fh, data):
        fh.write(data[: len(data) // 2])
        raise OSError("磁盘已满")

    monkeypatch.setattr(atomic, "_write_all", crash)
    with pytest.raises(StoreError, match="原文件未改动"):
        book.edit(EDITOR, n.id, body="新文" * 1000)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    assert book.repo.get(n.id).body.strip() == "原文"
    # the failed save wrote no audit line (one transaction)
    assert [a["action"] for a in _audit(book.store)] == ["note.create"]


def test_unsafe_ids_and_bad_front_matter(book, tmp_path):
    with pytest.raises(InputError):
        book.create(EDITOR, title="t", body="x", note_id="../etc/passwd")
    with pytest.raises(InputError):
        book.create(EDITOR, title="", body="x")
    bad = book.repo.root / "broken.md"
    bad.write_text("---\ntitle: [unclosed\n---\nx", encoding="utf-8")
    evil = book.repo.root / "evil.md"
    evil.write_text("---\nid: evil\ntitle: !!python/object/apply:os.system ['echo hi']\n---\nx",
                    encoding="utf-8")
    (book.repo.root / "latin1.md").write_bytes("---\nid: latin1\ntitle: caf\xe9\n---\n".encode("latin-1"))
    (book.repo.root / "baddate.md").write_text("---\nid: baddate\ntitle: t\npublish_at: soon\n---\n",
                                               encoding="utf-8")
    assert book.list(LEADER) == []   # skipped, not crashed, never executed


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_checked_and_only_public_when_published(book):
    n = book.create(EDITOR, title="政策解读", kind="政策解读", body="解读正文")
    with pytest.raises(InputError, match="不符"):
        book.add_attachment(EDITOR, n.id, "文件.pdf", PNG)
    with pytest.raises(InputError, match="不允许"):
        book.add_attachment(EDITOR, n.id, "run.exe", b"MZ\x90\x00")
    with pytest.raises(InputError, match="不符"):
        book.add_attachment(EDITOR, n.id, "假文档.docx", b"PK\x03\x04" + b"\x00" * 40)
    book.add_attachment(EDITOR, n.id, "../../政策原文.pdf", PDF)
    n = book.repo.get(n.id)
    assert [(a["name"], a["type"], a["size"]) for a in n.attachments] == [("政策原文.pdf", "pdf", len(PDF))]
    with pytest.raises(NotFound):
        notes_api.attachment_path(book.settings, book.store, n.id, "政策原文.pdf")
    book.submit(EDITOR, n.id)
    book.approve(REVIEWER, n.id)
    book.publish(REVIEWER, n.id)
    p = notes_api.attachment_path(book.settings, book.store, n.id, "政策原文.pdf")
    assert p.read_bytes() == PDF and p.parent == book.repo.files_dir(n.id)


def test_feed_holds_only_published(book, tmp_path):
    d = book.create(EDITOR, title="草稿<不公开>", period="2024-W17", body=GOOD)
    p = _submitted(book, body=GOOD + "\n\n<script>alert(1)</script>")
    book.approve(REVIEWER, p.id)
    book.publish(REVIEWER, p.id)
    s = _submitted(book)  # submitted, not public
    xml = atom_feed(book.list_published(), book.settings, now=book.now())
    root = ET.fromstring(xml)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["第17周价格监测分析"]
    assert entries[0].find("a:id", ns).text.endswith(f"/notes?note={p.id}")
    content = entries[0].find("a:content", ns).text
    assert "<script>" not in content and "&lt;script&gt;" in content
    assert "草稿<不公开>".encode() not in xml and "不公开".encode() not in xml
    assert f"note={d.id}<".encode() not in xml and f"note={s.id}<".encode() not in xml
    # the same through the public API
    again = ET.fromstring(notes_api.feed_xml(book.settings, book.store, now=book.now()))
    assert len(again.findall("a:entry", ns)) == 1


def test_published_at_is_timezone_aware_in_front_matter(book):
    n = _submitted(book)
    book.approve(REVIEWER, n.id)
    book.publish(REVIEWER, n.id)
    text = Path(book.repo.path(n.id)).read_text(encoding="utf-8")
    assert "published_at: '2024-04-30T09:00:00+08:00'" in text


def test_review_diff_shows_the_text_changed_since_the_return(book):
    n = _submitted(book, body="猪肉(五花)均价29.13元/公斤。\n第二段。\n")
    book.return_(REVIEWER, n.id, "请补充")
    book.edit(EDITOR, n.id, body="猪肉(五花)均价29.13元/公斤。\n第二段, 已补充。\n")
    cur = book.submit(EDITOR, n.id)
    d = book.diff_since_review(cur)
    assert "-第二段。" in d and "+第二段, 已补充。" in d
    assert "status:" not in d  # the reviewer sees the text, not the front matter


def test_fingerprint_recorded_when_data_released_with_the_note(book, notes_db):
    n = _submitted(book, body="猪肉(五花)均价31.41元/公斤。", period="2024-W18")
    book.approve(REVIEWER, n.id, release_data=True)
    p = book.publish(REVIEWER, n.id)
    saved = book.repo.get(n.id)
    assert saved.data_fingerprint and saved.data_fingerprint == p.data_fingerprint
    assert book.stale(saved) == []


def test_a_transition_never_happens_twice(book):
    """Two reviewers (or two processes running due publications) act on the same version."""
    n = _submitted(book)
    book.approve(REVIEWER, n.id)
    seen_by_other = book.repo.get(n.id)
    book.publish(REVIEWER, n.id)
    with pytest.raises(InputError, match="已被他人修改"):
        book._publish(seen_by_other, "reviewer2", published_at=book.now())
    assert [a["action"] for a in _audit(book.store)].count("note.publish") == 1


def _versions(book: Notebook) -> dict[str, int]:
    return {i: len(book.history(i)) for i in book.repo.ids()}


def _step(book: Notebook, act):
    """Run one transition; return (new history versions per note, new audit lines)."""
    versions, lines = _versions(book), len(_audit(book.store))
    note = act()
    after = _versions(book)
    grown = {i: after[i] - versions.get(i, 0) for i in after if after[i] != versions.get(i, 0)}
    new = _audit(book.store)[lines:]
    return note, grown, new


def test_each_transition_is_one_save_and_one_audit_line(book):
    n, grown, new = _step(book, lambda: book.create(EDITOR, title="政策解读", kind="政策解读",
                                                    body="解读正文"))
    assert grown == {n.id: 1} and [a["action"] for a in new] == ["note.create"]
    steps = [
        ("attach", lambda: book.add_attachment(EDITOR, n.id, "原文.pdf", PDF)),
        ("detach", lambda: book.remove_attachment(EDITOR, n.id, "原文.pdf")),
        ("submit", lambda: book.submit(EDITOR, n.id)),
        ("return", lambda: book.return_(REVIEWER, n.id, "请补充依据")),
        ("edit", lambda: book.edit(EDITOR, n.id, body="解读正文, 已补充依据")),
        ("submit", lambda: book.submit(EDITOR, n.id)),
        ("override", lambda: book.override(REVIEWER, n.id, "figures", "政策原文的数字")),
        ("approve", lambda: book.approve(REVIEWER, n.id)),
        ("schedule", lambda: book.schedule(REVIEWER, n.id, "2024-05-01 09:00")),
        ("publish", lambda: book.publish(REVIEWER, n.id)),
        ("withdraw", lambda: book.withdraw(REVIEWER, n.id, "依据已失效")),
    ]
    for action, act in steps:
        note, grown, new = _step(book, act)
        assert grown == {n.id: 1}, action
        assert [(a["action"], a["version"]) for a in new] == [(f"note.{action}", note.version)], action
        assert book.repo.get(n.id).version == note.version


def test_publication_with_released_data_is_one_save(book, notes_db):
    n = _submitted(book, body="猪肉(五花)均价31.41元/公斤。", period="2024-W18")
    book.approve(REVIEWER, n.id, release_data=True)
    p, grown, new = _step(book, lambda: book.publish(REVIEWER, n.id))
    assert grown == {n.id: 1} and [a["action"] for a in new] == ["note.publish"]
    # the fingerprint saved with the note is the one of the data as released with it
    assert p.data_fingerprint and p.data_fingerprint == book.repo.get(n.id).data_fingerprint
    assert book.history(n.id)[-1].data_fingerprint == p.data_fingerprint


def test_publishing_a_correction_saves_each_note_once(book):
    n = _submitted(book)
    book.approve(REVIEWER, n.id)
    book.publish(REVIEWER, n.id)
    c = book.create(EDITOR, title="更正说明", corrects=n.id, body="原文表述有误。")
    book.submit(EDITOR, c.id)
    book.approve(REVIEWER, c.id)
    _, grown, new = _step(book, lambda: book.publish(REVIEWER, c.id))
    assert grown == {c.id: 1, n.id: 1}
    assert [(a["action"], a["target"]) for a in new] == [
        ("note.publish", f"note:{c.id}"), ("note.corrected", f"note:{n.id}")]


def _fail_audit(book, monkeypatch) -> None:
    from pricewatch.notes import workflow

    def broken(*args, **kwargs):
        raise StoreError("审计日志写入失败", "检查数据库")

    monkeypatch.setattr(workflow.writes, "audit", broken)


def _fail_commit(book, monkeypatch) -> None:
    def broken():  # the last step before COMMIT, after the note file was written
        raise OSError("磁盘已满")

    monkeypatch.setattr(book.store, "_mark", broken)


@pytest.mark.parametrize(("fail", "error"), [(_fail_audit, "审计日志"), (_fail_commit, "磁盘已满")],
                         ids=["audit write", "commit"])
def test_a_failed_transaction_leaves_the_note_file_and_its_history_unchanged(book, monkeypatch,
                                                                             fail, error):
    """A failed audit write fails before the file is written; a failed commit after it, and
    the written version is taken back: either way the note is as it was, with no audit line."""
    n = _submitted(book)
    path = book.repo.path(n.id)
    before, versions, lines = path.read_bytes(), _versions(book), len(_audit(book.store))
    fail(book, monkeypatch)
    with pytest.raises((StoreError, OSError), match=error):
        book.approve(REVIEWER, n.id)
    assert path.read_bytes() == before and _versions(book) == versions
    assert len(_audit(book.store)) == lines
    monkeypatch.undo()
    assert book.approve(REVIEWER, n.id).version == n.version + 1
