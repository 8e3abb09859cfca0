"""Refusals name each finding (保密审查: the term and its sentence; 数据核对: the sentence, the
figure written and the figure in the data), in the library, on the command line and on
the review page."""

from __future__ import annotations

import pytest

from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.notes.checks import ChecksFailed
from pricewatch.notes.workflow import Notebook
from pricewatch.textfmt import half_width_in_chinese
from pwcli.cli import main
from tests.helpers import open_page

EDITOR, REVIEWER = User("editor", "editor"), User("reviewer", "reviewer")
# 2024-W17 (released): 猪肉(五花) 29.13元/公斤, 环比 +2.0 %
SECRET = "本周价格总体平稳。本文件为内部资料，请勿转发。"
WRONG = "本周价格总体平稳。猪肉(五花)均价29.31元/公斤，环比上涨2.0%。"


@pytest.fixture
def book(notes_db):
    return Notebook(notes_db, load_settings())


def _submitted(book: Notebook, body: str, title: str = "第17周价格监测分析") -> str:
    n = book.create(EDITOR, title=title, period="2024-W17", body=body)
    book.submit(EDITOR, n.id)
    return n.id


def test_sensitive_term_refusal_names_term_and_sentence(book):
    nid = _submitted(book, SECRET)
    with pytest.raises(ChecksFailed) as e:
        book.approve(REVIEWER, nid)
    assert "保密审查" in e.value.message
    [line] = e.value.details
    assert "「内部资料」" in line and "“本文件为内部资料，请勿转发。”" in line
    assert "本周价格总体平稳" not in line  # the sentence, not the paragraph
    assert not half_width_in_chinese(str(e.value))


def test_wrong_figure_refusal_names_sentence_written_and_data(book):
    nid = _submitted(book, WRONG)
    with pytest.raises(ChecksFailed) as e:
        book.approve(REVIEWER, nid)
    [line] = e.value.details
    assert line.startswith("数据核对：“猪肉(五花)均价29.31元/公斤，环比上涨2.0%。”")
    assert "写的是29.31元/公斤" in line and "数据为29.13元/公斤" in line


def test_command_line_prints_each_finding(book, capsys):
    nid = _submitted(book, SECRET + "\n\n" + WRONG)
    code = main(["notes", "approve", nid, "--as", "reviewer"])
    err = capsys.readouterr().err
    assert code == 1
    assert "「内部资料」" in err and "本文件为内部资料，请勿转发。" in err
    assert "写的是29.31元/公斤，数据为29.13元/公斤" in err
    assert not half_width_in_chinese(err.split("\n", 1)[1])


def test_review_page_shows_each_finding(book):
    nid = _submitted(book, SECRET + "\n\n" + WRONG)
    at = open_page("app_pages/review.py", REVIEWER)
    assert at.selectbox(key="review_pick").value == nid
    at.button(key="approve").click().run()
    assert not at.exception, at.exception
    errors = "\n".join(e.value for e in at.error)
    # markdown-escaped on the page: compare without the backslashes
    plain = errors.replace("\\", "")
    assert "「内部资料」" in plain and "“本文件为内部资料，请勿转发。”" in plain
    assert "写的是29.31元/公斤，数据为29.13元/公斤" in plain
