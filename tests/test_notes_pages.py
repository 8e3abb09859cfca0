"""AppTest walk through the staff pages: an editor drafts and submits, a reviewer approves
with the cited data released together and publishes; the public then sees the note."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pricewatch import notes as notes_api
from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.notes import draft
from tests import helpers


def open_page(user: User | None, page: str) -> AppTest:
    at = helpers.open_page(page, user)
    assert not at.exception, at.exception
    return at


def alltext(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.caption] + [str(e.value) for e in at.markdown]
    parts += [e.value for e in at.info] + [e.value for e in at.error] + [e.value for e in at.success]
    parts += [e.value for e in at.warning] + [e.value for e in at.text]
    return "\n".join(map(str, parts))


def test_walk_draft_to_published(notes_db):
    editor, reviewer = User("editor", "editor"), User("reviewer", "reviewer")
    settings = load_settings()

    # the editor: a new 价格监测分析 for 2024-W18 with the generated first draft
    at = open_page(editor, "app_pages/notes_edit.py")
    at.text_input(key="new_period").set_value("2024-W18")
    assert at.checkbox(key="new_gen").value is True
    at.button(key="new_create").click().run()
    assert not at.exception, at.exception
    assert "已新建 2024-w18-analysis" in alltext(at)
    body = at.text_area(key="body_2024-w18-analysis_1").value
    assert body.startswith("第1期　总第1期　") and "大米上涨7.8%" in body and draft.PROMPT in body
    # the editor writes 后期走势; the live preview is sanitised HTML of the same text
    body = body.replace(draft.PROMPT, "预计下周价格总体平稳。")
    at.text_area(key="body_2024-w18-analysis_1").set_value(body + "\n\n<script>alert(1)</script>").run()
    assert not at.exception
    at.button(key="edit_submit").click().run()
    assert not at.exception, at.exception
    assert "已提交审核" in alltext(at)
    note = notes_api.Notebook(notes_db, settings).repo.get("2024-w18-analysis")
    assert note.status == "submitted" and "<script>alert(1)</script>" in note.body

    # editors have no review page in their navigation
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(editor, "app_pages/review.py")

    # the reviewer: the W18 data are pending, so approval is blocked until they go together
    at = open_page(reviewer, "app_pages/review.py")
    assert at.selectbox(key="review_pick").value == "2024-w18-analysis"
    assert "数据发布" in alltext(at) and "未通过" in alltext(at)
    at.button(key="approve").click().run()
    assert "检查未通过" in alltext(at)
    assert notes_api.Notebook(notes_db, settings).repo.get(note.id).status == "submitted"
    at.checkbox(key="release_together").check().run()
    at.text_area(key="review_comment").input("数据核对无误").run()
    at.button(key="approve").click().run()
    assert not at.exception, at.exception
    assert "已审核通过" in alltext(at)
    at.button(key="publish").click().run()
    assert not at.exception, at.exception
    assert "已发布" in alltext(at)

    published = notes_api.list_published(settings, notes_db)
    assert [n.id for n in published] == ["2024-w18-analysis"]
    with notes_db.read() as s:
        assert s.scalar("SELECT count(*) FROM uploads WHERE released_at IS NULL") == 0


def test_release_and_deadlines_pages(notes_db):
    reviewer = User("reviewer", "reviewer")
    at = open_page(reviewer, "app_pages/deadlines.py")
    assert "限时发布" in alltext(at)
    at = open_page(reviewer, "app_pages/release.py")
    assert "报价市场 3/3" in alltext(at) and at.button(key="release_one_3")
    at.button(key="release_all").click().run()
    assert not at.exception, at.exception
    assert "已发布 1 个上传" in alltext(at)
    with notes_db.read() as s:
        assert s.scalar("SELECT count(*) FROM uploads WHERE released_at IS NULL") == 0
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(User("editor", "editor"), "app_pages/release.py")


def test_leader_sees_deadlines_not_editing(notes_db):
    at = open_page(User("leader", "leader"), "app_pages/deadlines.py")
    assert "逾期" in alltext(at) or "没有逾期" in alltext(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(User("leader", "leader"), "app_pages/notes_edit.py")


def test_review_page_lists_mismatch_override_and_schedule(notes_db):
    from datetime import datetime, timedelta

    settings = load_settings()
    book = notes_api.Notebook(notes_db, settings)
    editor = User("editor", "editor")
    n = book.create(editor, title="第17周简析", period="2024-W17", body="猪肉(五花)均价29.31元/公斤。")
    book.submit(editor, n.id)

    at = open_page(User("reviewer", "reviewer"), "app_pages/review.py")
    text = alltext(at)
    assert "✘ 未通过" in text and "【29.31元/公斤】" in text and "应为 29.13元/公斤" in text
    at.button(key="approve").click().run()
    assert "检查未通过" in alltext(at)
    at.text_input(key="why_figures").input("引用的是批发市场报价").run()
    at.button(key="override_figures").click().run()
    assert not at.exception, at.exception
    assert "已放行" in alltext(at)
    # approve with a publication time that has already come: the page does not publish it
    # (reads are pure); the scheduler's next run does
    at.checkbox(key="sched_on").check().run()
    yesterday = (datetime.now(book.tz) - timedelta(days=1)).date()
    at.date_input(key="sched_date").set_value(yesterday).run()
    at.button(key="approve").click().run()
    assert not at.exception, at.exception
    assert book.repo.get(n.id).status == "approved"
    at.run()
    assert book.repo.get(n.id).status == "approved"
    assert book.due_publications() == [n.id]
    saved = book.repo.get(n.id)
    assert saved.status == "published" and saved.overrides[0]["reason"] == "引用的是批发市场报价"


def test_leader_reads_every_note_without_actions(notes_db):
    settings = load_settings()
    book = notes_api.Notebook(notes_db, settings)
    book.create(User("editor", "editor"), title="第17周草稿", period="2024-W17", body="正文草稿")
    at = open_page(User("leader", "leader"), "app_pages/review.py")
    assert at.selectbox(key="review_pick").value == "2024-w17-analysis"
    assert "只读" in alltext(at)
    keys = {b.key for b in at.button}
    assert not keys & {"approve", "publish", "return", "withdraw", "schedule"}


def test_reviewer_downloads_the_attachment_of_a_submitted_note(notes_db):
    settings = load_settings()
    book = notes_api.Notebook(notes_db, settings)
    editor = User("editor", "editor")
    n = book.create(editor, title="政策解读", kind="政策解读", body="解读正文")
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    book.add_attachment(editor, n.id, "原文.pdf", pdf)
    book.submit(editor, n.id)
    at = open_page(User("reviewer", "reviewer"), "app_pages/review.py")
    assert not at.exception
    links = [(b.proto.label, b.proto.url) for b in at.get("link_button")]
    # the server's route, which checks the session (tests/test_auth_routes.py), not a media URL
    assert links == [("📎 原文.pdf", f"/files/notes/{n.id}/%E5%8E%9F%E6%96%87.pdf")]



def test_regenerating_the_draft_asks_before_dropping_unsaved_edits(notes_db):
    settings = load_settings()
    editor = User("editor", "editor")
    book = notes_api.Notebook(notes_db, settings)
    n = book.create(editor, title="第18周分析", period="2024-W18", body="已保存的正文。")
    at = open_page(editor, "app_pages/notes_edit.py")
    at.selectbox(key="edit_pick").set_value(n.id).run()
    area = f"body_{n.id}_1"
    at.text_area(key=area).set_value("已保存的正文。还没保存的一句。").run()
    at.button(key="edit_gen").click().run()
    assert not at.exception, at.exception
    assert "尚未保存的修改" in alltext(at)
    assert at.text_area(key=area).value == "已保存的正文。还没保存的一句。"
    at.button(key="regen_cancel").click().run()
    assert at.text_area(key=area).value == "已保存的正文。还没保存的一句。"
    assert "尚未保存的修改" not in alltext(at)
    # asked again and confirmed: the new draft replaces the text (still unsaved)
    at.button(key="edit_gen").click().run()
    at.button(key="regen_confirm").click().run()
    assert not at.exception, at.exception
    assert at.text_area(key=area).value.startswith("第1期　总第1期　")
    assert book.repo.get(n.id).body == "已保存的正文。"
    # "save, then generate": the edits are kept in a saved version first
    at.text_area(key=area).set_value("第二次的修改。").run()
    at.button(key="edit_gen").click().run()
    at.button(key="regen_save").click().run()
    assert not at.exception, at.exception
    assert book.repo.get(n.id).body == "第二次的修改。"
    assert at.text_area(key=f"body_{n.id}_2").value.startswith("第1期　总第1期　")
