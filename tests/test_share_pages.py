"""The review page's sharing: the open note's id in the URL (?note=), a link reopens it, and
a published note offers its share card and WeChat article for download."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.notes import share
from pricewatch.notes.workflow import Notebook
from tests.helpers import APP, sign_in

EDITOR, REVIEWER = User("editor", "editor"), User("reviewer", "reviewer")


def _published(store) -> str:
    book = Notebook(store, load_settings())
    n = book.create(EDITOR, title="第17周价格简析", period="2024-W17",
                    body="猪肉(五花)均价29.13元/公斤,环比上涨2.0%。", commodities=["猪肉(五花)"])
    book.submit(EDITOR, n.id)
    book.approve(REVIEWER, n.id)
    book.publish(REVIEWER, n.id)
    return n.id


def _review(note: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, REVIEWER)
    at.run()
    at.switch_page("app_pages/review.py")
    if note:
        at.query_params["note"] = note
    at.run()
    assert not at.exception, at.exception
    return at


def test_review_page_puts_the_note_in_the_url_and_offers_share_files(notes_db):
    published = _published(notes_db)
    book = Notebook(notes_db, load_settings())
    other = book.create(EDITOR, title="第17周草稿", period="2024-W17", body="正文")
    book.submit(EDITOR, other.id)

    at = _review()
    first = at.selectbox(key="review_pick").value
    assert at.query_params["note"] == first
    # a link with ?note= opens that note
    at = _review(published)
    assert at.selectbox(key="review_pick").value == published
    labels = [b.proto.label for b in at.get("download_button")]
    assert "分享卡片（PNG）" in labels and "公众号文章（HTML）" in labels
    # choosing another note changes the URL
    at.selectbox(key="review_pick").select(other.id).run()
    assert at.query_params["note"] == other.id
    assert not any("分享卡片" in b.proto.label for b in at.get("download_button"))


def test_share_file_is_the_kept_copy_or_drawn_without_writing(notes_db):
    note_id = _published(notes_db)
    settings = load_settings()
    note = Notebook(notes_db, settings).repo.get(note_id)
    version = notes_db.version()
    art = share.share_file(notes_db, settings, note, share.ARTICLE_NAME)
    assert b"<h1 style=" in art and not share.share_dir(settings, note_id).exists()
    assert notes_db.version() == version  # drawn, nothing written
    share.keep(notes_db, settings, note)
    kept = share.share_dir(settings, note_id) / share.CARD_NAME
    assert share.share_file(notes_db, settings, note, share.CARD_NAME) == kept.read_bytes()
