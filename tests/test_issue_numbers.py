"""期号: 第X期 / 总第Y期 per series and year, kept in the store, assigned in the write that
makes the publication, never reused; a read never assigns."""

from __future__ import annotations

import io
import zipfile

import pytest

from pricewatch import briefing, issues
from pricewatch.config import load_settings
from pricewatch.periods import parse_period


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_a_read_shows_the_next_number_without_assigning(notes_db):
    v = notes_db.version()
    p = parse_period("2024-W17")
    i = issues.peek(notes_db, p)
    assert (i.number, i.total, i.assigned, i.series) == (1, 1, False, "价格监测周报")
    b = briefing.build(notes_db, load_settings(), "2024-W17", public=False)
    assert b.issue == i
    assert notes_db.version() == v and issues.peek(notes_db, p) == i


def test_generating_assigns_once_per_period_in_order_and_never_reuses(notes_db):
    settings = load_settings()
    g17 = briefing.generate(notes_db, settings, "2024-W17", public=False, fmt="docx", actor="leader")
    assert (g17.briefing.issue.number, g17.briefing.issue.total) == (1, 1)
    text = _docx_text(g17.content)
    assert "第1期　总第1期" in text and "监测单位：" in text and "监测日期：2024年4月22日—28日" in text
    assert "数据版本" not in text
    # the same period again (another format, the public variant): the same number
    again = briefing.generate(notes_db, settings, "2024-W17", public=True, fmt="pdf", actor="leader")
    assert again.briefing.issue.text == "第1期　总第1期"
    # an earlier period generated later gets the next number: numbers follow issue order
    g16 = briefing.generate(notes_db, settings, "2024-W16", public=False, fmt="docx", actor="leader")
    assert g16.briefing.issue.text == "第2期　总第2期"
    assert issues.peek(notes_db, parse_period("2024-W17")).assigned
    # a new year starts again at 第1期; 总第 goes on
    with notes_db.write() as s:
        nxt = issues.assign(s, parse_period("2025-W01"), "test")
    assert (nxt.number, nxt.total) == (1, 3)
    # a monthly series is a series of its own
    assert issues.peek(notes_db, parse_period("2024-04")).text == "第1期　总第1期"


def test_a_number_taken_meanwhile_is_not_written_and_the_file_is_made_again(notes_db):
    settings = load_settings()
    b = briefing.build(notes_db, settings, "2024-W18", public=False)
    assert b.issue.number == 1
    with notes_db.write() as s:  # another period is numbered first
        issues.assign(s, parse_period("2024-W16"), "other")
    with pytest.raises(briefing.archive.IssueMoved):
        briefing.archive.archive(notes_db, settings, b"x", period="2024-W18", public=False, fmt="pdf",
                                 data_version=b.data_version, has_unreleased=False,
                                 actor="leader", issue=b.issue)
    assert briefing.archive.listing(notes_db, period="2024-W18").empty
    g = briefing.generate(notes_db, settings, "2024-W18", public=False, fmt="docx", actor="leader")
    assert g.briefing.issue.text == "第2期　总第2期" and "第2期　总第2期" in _docx_text(g.content)
