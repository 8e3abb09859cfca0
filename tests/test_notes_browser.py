"""One real-browser run (Debian chromium via Playwright): an editor drafts and submits a
note, a reviewer approves and publishes it, and the public reads it on /notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pricewatch.notes import draft
from tests.fixtures.notes_env import PASSWORD
from tests.helpers import ROOT, browser_on_app, wait_for_run

ARTIFACTS = ROOT / "test-artifacts"


def _login(page, url: str, name: str) -> None:
    page.goto(url + "/login", wait_until="networkidle")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(f"已登录：{name}").wait_for(timeout=30000)


def _idle(page) -> None:
    """Wait until the script run has finished (the running indicator is gone)."""
    wait_for_run(page, timeout=30000)


def _click(page, name: str) -> None:
    _idle(page)
    page.get_by_role("button", name=name).click()


def _no_exception(page) -> None:
    exc = page.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()


@pytest.mark.browser
def test_editor_reviewer_public_in_a_browser(notes_db, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with browser_on_app({"PRICEWATCH_DB": str(notes_db.path),
                         "PRICEWATCH_NOTES_DIR": str(tmp_path / "interpretations"),
                         # other people's edits in the work tree must not interrupt the run
                         "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}) as (browser, url):
        # the editor: a first draft for 2024-W17 (released data), then submit
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        _login(page, url, "editor")
        # a full page load would start a new session (signed out): use the sidebar link
        page.get_by_role("link", name="撰写解读").click()
        period = page.get_by_role("textbox", name=re.compile("^期间"))
        period.fill("2024-W17")
        period.press("Enter")
        page.wait_for_timeout(500)
        _click(page, "新建")
        page.get_by_text("已新建 2024-w17-analysis").wait_for(timeout=30000)
        # the live preview shows the generated text
        page.get_by_text("本周我县监测的2种商品中", exact=False).first.wait_for(timeout=30000)
        page.get_by_text("第1期　总第1期", exact=False).first.wait_for(timeout=30000)
        _no_exception(page)
        page.screenshot(path=str(ARTIFACTS / "notes-editor.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        _idle(page)
        page.screenshot(path=str(ARTIFACTS / "notes-editor-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        # the editor writes 后期走势 in place of the prompt, then submits
        body = page.get_by_role("textbox", name=re.compile("^正文"))
        body.fill(body.input_value().replace(draft.PROMPT, "预计下周价格总体平稳。"))
        body.press("Control+Enter")
        _idle(page)
        _click(page, "提交审核")
        try:
            page.get_by_text("已提交审核").wait_for(timeout=30000)
        finally:
            page.screenshot(path=str(ARTIFACTS / "notes-editor-submitted.png"), full_page=True)
        ctx.close()

        # the reviewer: checks pass, approve, publish now
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        _login(page, url, "reviewer")
        page.get_by_role("link", name="审核解读").click()
        _click(page, "审核通过")
        page.get_by_text("已审核通过").wait_for(timeout=30000)
        _click(page, "立即发布")
        page.get_by_text("已发布", exact=True).first.wait_for(timeout=30000)
        _no_exception(page)
        page.screenshot(path=str(ARTIFACTS / "notes-reviewer.png"), full_page=True)
        ctx.close()

        # the public, on a phone: the note is listed and opens
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        page.goto(url + "/notes?note=2024-w17-analysis", wait_until="networkidle")
        page.get_by_text("示范县2024年第17周重要商品价格监测分析").first.wait_for(timeout=30000)
        page.get_by_text("第1期　总第1期", exact=False).first.wait_for(timeout=30000)
        page.get_by_text("预计下周价格总体平稳", exact=False).first.wait_for(timeout=30000)
        _no_exception(page)
        page.screenshot(path=str(ARTIFACTS / "notes-public-phone.png"), full_page=True)
        ctx.close()
