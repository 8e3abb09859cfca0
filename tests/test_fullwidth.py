"""No half-width comma, colon or semicolon beside a Chinese character in what people read:
the pages (AppTest, Chinese mode: the public pages; the staff pages, among them upload with a
rejected file, release, deadlines, audit, and login with a refusal), the auto-draft, the
briefing as HTML, PDF text and Word text, and the notes command's output. Names keep their catalog spelling (猪肉(五花)).

Data: the demo's weekly sample files (47 commodities, four markets, 2025-W47/48 and
2026-W37..48; everything up to 2026-W47 released), so alerts, movers and every category
appear.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from pricewatch import accounts, briefing
from pricewatch.accounts import User
from pricewatch.config import Settings
from pricewatch.notes import draft
from pricewatch.notes.workflow import Notebook
from pricewatch.textfmt import half_width_in_chinese
from pwcli.cli import main
from tests.fixtures import demo_weeks
from tests.helpers import APP, sign_in

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "ingest"))   # ingest_testkit
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITOR, REVIEWER, LEADER = User("editor", "editor"), User("reviewer", "reviewer"), User("leader", "leader")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fullwidth")
    store = demo_weeks.build(tmp)
    for u in (EDITOR, REVIEWER, LEADER):
        accounts.add_user(store, u.name, u.role, "fullwidth-pass-2026", actor="test")
    notes_dir = tmp / "interpretations"
    notes_dir.mkdir()
    settings = Settings(db_path=tmp / "pw.duckdb", bureau_name="示范县商务局",
                        archive_dir=tmp / "archive", interpretations_dir=notes_dir)
    book = Notebook(store, settings)
    # a draft (2026-W48, staff data) and a published issue (2026-W47, released data)
    title, body = draft.for_period(store, settings, "2026-W48")
    book.create(EDITOR, title=title, period="2026-W48", body=body, note_id="w48")
    title, body = draft.for_period(store, settings, "2026-W47")
    n = book.create(EDITOR, title=title, period="2026-W47", note_id="w47",
                    body=body.replace(draft.PROMPT, "预计下周蔬菜价格小幅回落，肉类价格保持稳定。"))
    book.submit(EDITOR, n.id)
    book.approve(REVIEWER, n.id)
    book.publish(REVIEWER, n.id)
    return store, settings, tmp


def _clean(text: str, where: str) -> None:
    bad = half_width_in_chinese(text)
    assert not bad, f"{where}: {bad[:8]}"


def test_draft_and_published_issue(env):
    store, settings, _ = env
    book = Notebook(store, settings)
    for nid in ("w48", "w47"):
        body = book.repo.get(nid).body
        assert re.match(r"第\d+期　总第\d+期　监测单位：示范县商务局　监测日期：", body)
        _clean(body, nid)
    # the published issue passes its own figure check and keeps names as the catalog spells them
    assert "猪肉(五花)" in book.repo.get("w47").body


@pytest.mark.parametrize("public", [False, True])
def test_briefing_html_pdf_and_word(env, public):
    from pricewatch.briefing import render_html

    store, settings, _ = env
    b = briefing.build(store, settings, "2026-W48" if not public else "2026-W47", public=public)
    html = render_html.render(b)
    body = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    _clean(body, "html")
    assert "数据版本" not in body and "第" in b.issue.text
    pdf = PdfReader(io.BytesIO(briefing.render(b, "pdf")))
    _clean("\n".join(p.extract_text() for p in pdf.pages), "pdf")
    with zipfile.ZipFile(io.BytesIO(briefing.render(b, "docx"))) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    words = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    _clean(words, "docx")
    assert "数据版本" not in words


def _page_text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "error",
                 "warning", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "text_input", "text_area", "selectbox", "checkbox", "toggle",
                 "multiselect", "expander", "tabs", "metric"):
        parts += [str(e.label) for e in getattr(at, kind)]
    for df in [*at.dataframe, *at.table]:
        frame = df.value
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    # st.html blocks (the login form): their text without the markup
    parts += [re.sub(r"<style>.*?</style>|<[^>]+>", " ", str(e.proto.body), flags=re.S)
              for e in at.get("html")]
    return "\n".join(parts)


@pytest.mark.parametrize(("user", "page"), [
    (None, "app_pages/home.py"), (None, "app_pages/trend.py"), (None, "app_pages/markets.py"),
    (None, "app_pages/indices.py"), (None, "app_pages/notes.py"), (None, "app_pages/download.py"),
    (EDITOR, "app_pages/notes_edit.py"), (REVIEWER, "app_pages/review.py"),
    (LEADER, "app_pages/briefing.py"), (REVIEWER, "app_pages/release.py"),
    (EDITOR, "app_pages/deadlines.py"), (REVIEWER, "app_pages/deadlines.py"),
    (REVIEWER, "app_pages/audit.py"), (None, "app_pages/login.py"),
])
def test_pages(env, monkeypatch, user, page):
    store, settings, _ = env
    monkeypatch.setenv("PRICEWATCH_DB", str(settings.db_path))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(settings.interpretations_dir))
    monkeypatch.setenv("PRICEWATCH_ARCHIVE_DIR", str(settings.archive_dir))
    at = AppTest.from_file(APP, default_timeout=90)
    if user is not None:
        sign_in(at, user)
    at.run()
    at.switch_page(page)
    if page.endswith("notes.py"):
        at.query_params["note"] = "w47"
    at.run()
    if page.endswith("notes_edit.py"):
        at.selectbox(key="edit_pick").set_value("w48").run()
    assert not at.exception, at.exception
    _clean(_page_text(at), page)


def test_login_refusal(env, monkeypatch):
    _, settings, _ = env
    monkeypatch.setenv("PRICEWATCH_DB", str(settings.db_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["login"] = "failed"
    at.run()
    at.switch_page("app_pages/login.py")
    at.run()
    assert not at.exception, at.exception
    text = _page_text(at)
    assert "用户名或密码错误" in text
    _clean(text, "login refused")


def test_upload_page_with_a_rejected_file(env, monkeypatch, tmp_path):
    """A file with errors and warnings: the report's messages, where they are and the
    details table, as the editor reads them."""
    from ingest_testkit import long_rows, write_xlsx

    _, settings, _ = env
    monkeypatch.setenv("PRICEWATCH_DB", str(settings.db_path))
    rows = long_rows("2026-11-30", 大米__城关农贸市场=6.0)
    rows.append(["2026-11-30", "城关农贸市场", "面粉", "", "元/公斤", "五元"])
    rows.append(["2026-11-30", "城关农贸市场", "带皮五花", "", "元/公斤", "30"])
    data = write_xlsx(tmp_path / "f.xlsx", {"价格": rows}).read_bytes()
    at = AppTest.from_file(APP, default_timeout=120)
    sign_in(at, EDITOR)
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    at.file_uploader[0].set_value(("第49周.xlsx", data, XLSX))
    at.run()
    assert not at.exception, at.exception
    text = _page_text(at)
    assert "「五元」不是数字" in text
    _clean(text, "upload report")


def test_notes_command_output(env, capsys):
    _, settings, _ = env
    db = str(settings.db_path)
    assert main(["notes", "show", "w48", "--db", db, "--as", "reviewer", "--checks"]) in (0, 1)
    out = capsys.readouterr()
    _clean(out.out + out.err, "notes show")
    assert main(["notes", "approve", "w48", "--db", db, "--as", "reviewer"]) == 1
    _clean(capsys.readouterr().err, "notes approve refusal")
