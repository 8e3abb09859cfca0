"""No English word in the Chinese interface.

The AppTest part checks that every selectbox and multiselect of the staff and public pages
carries a Chinese placeholder (Streamlit's own is "Choose an option" / "Choose options" /
"No options to select"). The browser part (Debian chromium via Playwright, the served entry
point) signs in as each role, visits every page in Chinese mode and reads what a person
sees: the page's text, the inputs' placeholders and the labels a screen reader says; any
ASCII word of two or more letters outside a short allow-list fails the test. What the
browser cannot read (a table's cells are drawn on a canvas, a picker's options show only when
opened) AppTest reads on the same pages for each role.
"""

from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from pricewatch.accounts import User
from tests.helpers import (
    APP,
    ARTIFACTS,
    BROWSER_ARGS,
    chromium_or_skip,
    sign_in,
    start_streamlit,
    wait_for_run,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


def _pickers(at: AppTest) -> list:
    return [*at.selectbox, *at.multiselect]


@pytest.mark.parametrize(("role", "page"), [
    ("editor", "app_pages/notes_edit.py"), ("reviewer", "app_pages/audit.py"),
    (None, "app_pages/download.py"), (None, "app_pages/indices.py"), (None, "app_pages/trend.py"),
    (None, "app_pages/markets.py"),
])
def test_every_picker_has_a_chinese_placeholder(small_db, role, page) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    if role is not None:
        sign_in(at, User(role, role))
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    pickers = _pickers(at)
    assert pickers, page
    for w in pickers:
        placeholder = w.proto.placeholder
        assert placeholder and HAN.search(placeholder), (page, w.label, placeholder)


# -- the browser part ------------------------------------------------------------------------
PASSWORD = "staff-pass-2026"
#: the test's account names (named after their roles): data on the page, not interface words
NAMES = ("editor", "reviewer", "leader", "admin")
#: words a Chinese page may show: units, file formats and codes (in any case: ".xlsx" in a
#: file name), and the language switch's own name
ALLOWED = frozenset({"kg", "g", "ml", "l", "english"})
CODES = frozenset({"CSV", "XLSX", "XLSM", "XLS", "ODS", "TXT", "PDF", "WORD", "DOCX", "PNG", "JPEG", "HTML",
                   "RSS", "ATOM", "ALPS", "CPI", "QR", "EXCEL", "MARKDOWN"})
#: Streamlit's own texts that no argument or option changes (README, "Streamlit built-in texts
#: that cannot be translated"): the file uploader's button, its limit line and its input's
#: screen-reader label, and the app frame's skip link; removed before the check
UNTRANSLATABLE = ("Upload", "20MB per file", "file upload", "Skip to main content")
WORD = re.compile(r"[A-Za-z]{2,}")
URL = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+")
#: a note's id is a code like a file name (its URL slug and the command line's argument:
#: "2026-w47-analysis"), shown to staff as 编号
NOTE_ID = re.compile(r"\b[0-9a-z-]*-(?:analysis|policy|correction)(?:-\d+)?\b")
#: what a person sees: the page's text (icons' ligature names hidden first: they draw a
#: glyph, not a word), the inputs' placeholders and the labels of labelled controls
SEEN_JS = """() => {
  const icons = [...document.querySelectorAll('span, i')]
      .filter(e => getComputedStyle(e).fontFamily.includes('Material'));
  icons.forEach(e => e.setAttribute('data-seen-hide', e.style.display || '-'));
  icons.forEach(e => { e.style.display = 'none'; });
  const text = document.body.innerText;
  icons.forEach(e => { const d = e.getAttribute('data-seen-hide'); e.style.display = d === '-' ? '' : d;
                       e.removeAttribute('data-seen-hide'); });
  const visible = e => e.offsetParent !== null;
  const extra = [...document.querySelectorAll('input[placeholder], textarea[placeholder]')]
      .filter(visible).map(e => e.getAttribute('placeholder'));
  const labels = [...document.querySelectorAll('input[aria-label], textarea[aria-label], [role="combobox"][aria-label]')]
      .filter(visible).map(e => e.getAttribute('aria-label'));
  return [text, ...extra, ...labels].join('\\n');
}"""


def english_words(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """The English words of ``text`` outside the allowed ones; ``names`` are account names
    (data the bureau chooses, like the names in the catalog), not interface words."""
    text = NOTE_ID.sub(" ", URL.sub(" ", text))
    for phrase in (*UNTRANSLATABLE, *names):
        text = text.replace(phrase, " ")
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED and w.upper() not in CODES})


def test_the_word_check_finds_english_and_passes_allowed_words() -> None:
    assert english_words("上传 Choose options 价格 元/kg") == ["Choose", "options"]
    assert english_words("导出 CSV · 见 https://example.gov.cn/x?a=b · 20MB per file • XLSX, TXT") == []
    assert english_words("已登录：zhang（编辑） 2024-04-29.xlsx", names=("zhang",)) == []
    assert english_words("View 3 more") == ["View", "more"]
    assert english_words("编号 2026-12-02-policy、2026-w47-analysis-2") == []


@pytest.fixture
def staff_db(small_db):
    from pricewatch import accounts
    from pricewatch.config import load_settings
    from pricewatch.notes import Notebook

    for role in ("editor", "reviewer", "leader", "admin"):
        accounts.add_user(small_db, role, role, PASSWORD, actor="test")
    book = Notebook(small_db, load_settings())
    editor, reviewer = User("editor", "editor"), User("reviewer", "reviewer")
    n = book.create(editor, title="本周猪肉价格小幅上涨", kind="政策解读", body="猪肉价格小幅上涨，市场供应充足。")
    book.submit(editor, n.id)
    book.approve(reviewer, n.id)
    book.publish(reviewer, n.id)
    return small_db


def _settle(page) -> None:
    """Called after the page's h1 is there: its run has begun; wait for it to finish."""
    wait_for_run(page)


@pytest.mark.browser
@pytest.mark.slow
def test_no_english_word_on_any_page_in_chinese_mode(staff_db, tmp_path) -> None:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    from dashboard.nav import PUBLIC_PAGES, STAFF_PAGES

    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_streamlit({"PRICEWATCH_DB": str(staff_db.path),
                                 "PRICEWATCH_NOTES_DIR": os.environ["PRICEWATCH_NOTES_DIR"]})
    found: dict[str, list[str]] = {}
    visited: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            for role in (None, "editor", "reviewer", "leader", "admin"):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                if role is None:
                    paths = [p.url_path for p in PUBLIC_PAGES] + ["login"]
                else:
                    page.goto(url + "/login", wait_until="domcontentloaded")
                    page.get_by_label("用户名").fill(role)
                    page.get_by_label("密码").fill(PASSWORD)
                    page.get_by_role("button", name="登录").click()
                    page.get_by_text(f"已登录：{role}").first.wait_for(timeout=60000)
                    paths = [p.url_path for p in STAFF_PAGES
                             if p.roles is None or role in p.roles or role == "admin"]
                for path in paths:
                    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                    page.locator("h1").first.wait_for(timeout=60000)
                    _settle(page)
                    exc = page.locator("[data-testid='stException']")
                    assert exc.count() == 0, (role, path, exc.first.inner_text())
                    words = english_words(page.evaluate(SEEN_JS), NAMES)
                    visited.append(f"{role or 'public'}:/{path}")
                    if words:
                        found[f"{role or 'public'}:/{path}"] = words
                        (ARTIFACTS / f"english-{role or 'public'}-{path or 'home'}.txt").write_text(
                            page.evaluate(SEEN_JS), encoding="utf-8")
                if role == "reviewer":  # the audit page on a phone: details wrap, no sideways scroll
                    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                has_touch=True, device_scale_factor=2,
                                                storage_state=ctx.storage_state())
                    p = phone.new_page()
                    p.goto(f"{url}/audit", wait_until="domcontentloaded")
                    p.locator("h1").first.wait_for(timeout=60000)
                    _settle(p)
                    p.screenshot(path=str(ARTIFACTS / "audit-phone.png"), full_page=True)
                    assert p.evaluate("document.scrollingElement.scrollWidth") <= 392
                    assert p.locator(".st-key-audit_cards").get_by_text("登录成功").first.is_visible()
                    assert not p.locator(".st-key-audit_table").first.is_visible()
                    phone.close()
                    page.goto(f"{url}/audit", wait_until="domcontentloaded")
                    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60000)
                    _settle(page)
                    page.screenshot(path=str(ARTIFACTS / "audit-desktop.png"), full_page=True)
                    # a wide screen shows the table and not the cards
                    assert not page.locator(".st-key-audit_cards").first.is_visible()
                ctx.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert len(visited) == len(PUBLIC_PAGES) + 1 + 4 + 5 + 3 + len(STAFF_PAGES), visited
    assert not found, "English words in the Chinese interface:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


def test_audit_targets_read_in_words() -> None:
    """The audit table is drawn on a canvas (the browser check cannot read its cells): its
    targets' kind codes are put in words here."""
    from pricewatch import audit

    assert audit.target_text("note:2026-w48-analysis") == "解读稿 2026-w48-analysis"
    assert audit.target_text("deadline:2026-W48:data_uploaded") == "限时提醒 2026-W48 数据上传"
    assert audit.target_text("release:3") == "发布批次 3" and audit.target_text("release:3", "en") == "release 3"
    assert audit.target_text("zhang") == "zhang" and audit.target_text(None) == ""


def _cells(at: AppTest) -> str:
    """What the canvas-drawn tables and the closed pickers hold: headers, text cells, options."""
    parts: list[str] = []
    for el in [*at.dataframe, *at.table]:
        df = el.value
        parts += [str(c) for c in df.columns] + [str(i) for i in df.index if isinstance(i, str)]
        for col in df.columns:
            # a link cell shows the commodity its URL names (LinkColumn display_text)
            parts += [v.split("commodity=", 1)[-1].split("&")[0] if v.startswith("./") else v
                      for v in df[col].tolist() if isinstance(v, str)]
    for w in [*at.selectbox, *at.multiselect, *at.radio]:
        parts += [str(o) for o in w.options]
    return "\n".join(parts)


@pytest.mark.parametrize("role", [None, "editor", "reviewer", "leader", "admin"])
def test_tables_and_picker_options_hold_no_english(staff_db, role) -> None:
    """The browser check reads the page's text, but a table's cells are drawn on a canvas and
    a picker's options show only when opened: AppTest reads those on every page of the role."""
    from dashboard.nav import PUBLIC_PAGES, STAFF_PAGES

    specs = PUBLIC_PAGES if role is None else [
        p for p in STAFF_PAGES if p.roles is None or role in p.roles or role == "admin"]
    found = {}
    for spec in specs:
        at = AppTest.from_file(APP, default_timeout=60)
        if role is not None:
            sign_in(at, User(role, role))
        at.run()
        at.switch_page(f"app_pages/{spec.file}")
        at.run()
        assert not at.exception, (spec.file, at.exception)
        # a file's fingerprint (hex) and the accounts the fixture made ("test") are data
        words = english_words(re.sub(r"\b[0-9a-f]{12}\b", " ", _cells(at)), (*NAMES, "test"))
        if words:
            found[spec.file] = words
    assert not found, found
