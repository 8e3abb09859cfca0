"""Staff sessions in a real browser (Debian chromium via Playwright, the served entry point
dashboard/server.py): each role logs in, reloads, opens a second tab and a bookmarked staff
URL and stays logged in; logout ends all of them; a revoked session is refused; a staff URL
opened without a session shows the login and then that page. Screenshots of the login and
the landing page at desktop and phone sizes go to test-artifacts/."""

from __future__ import annotations

import pytest

from pricewatch import accounts, sessions
from pricewatch.store import Store
from tests.helpers import ROOT, browser_on_app, wait_for_run

ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "staff-pass-2026"
#: role -> (landing page heading, a bookmarked staff page of that role and its heading)
ROLES = {
    "leader": ("领导简报", "deadlines", "限时发布"),
    "editor": ("上传价格表", "write", "撰写解读"),
    "reviewer": ("审核解读", "audit", "审计日志"),
    "admin": ("审核解读", "release", "数据发布"),
}


def _idle(page) -> None:
    wait_for_run(page)


def _heading(page, text: str) -> None:
    page.get_by_role("heading", name=text).first.wait_for(timeout=60000)
    _idle(page)
    exc = page.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()


def _signed_in(page, name: str) -> bool:
    wait_for_run(page, grace=0)  # called after a heading's wait: the run has begun
    return page.get_by_text(f"已登录：{name}").count() > 0


def _login(page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _no_dialog(page) -> None:
    """Streamlit's English "Page not found" dialog never shows."""
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[role='dialog']").count() == 0


@pytest.fixture
def staff_db(small_db: Store) -> Store:
    for role in ROLES:
        accounts.add_user(small_db, role, role, PASSWORD, actor="test")
    return small_db


@pytest.mark.browser
@pytest.mark.slow
def test_sessions_survive_reloads_tabs_and_bookmarks_and_end_at_logout(staff_db: Store, tmp_path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with browser_on_app({"PRICEWATCH_DB": str(staff_db.path),
                         "PRICEWATCH_NOTES_DIR": str(tmp_path / "interpretations")},
                        script="server.py") as (browser, url):
        # a bookmarked staff URL without a session: the login, then that very page
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(url + "/write", wait_until="domcontentloaded")
        _heading(page, "工作人员登录")
        _no_dialog(page)
        page.screenshot(path=str(ARTIFACTS / "login-desktop.png"), full_page=True)
        _login(page, "editor", "wrong-pass-2026")
        _heading(page, "工作人员登录")
        page.get_by_text("用户名或密码错误").first.wait_for(timeout=30000)
        _login(page, "editor")
        _heading(page, "撰写解读")
        assert page.url.rstrip("/").endswith("/write") and "token" not in page.url
        assert PASSWORD not in page.url
        ctx.close()

        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                    has_touch=True, device_scale_factor=2)
        p = phone.new_page()
        p.goto(url + "/login", wait_until="domcontentloaded")
        _heading(p, "工作人员登录")
        p.screenshot(path=str(ARTIFACTS / "login-phone.png"), full_page=True)
        _login(p, "leader")
        _heading(p, "领导简报")
        p.screenshot(path=str(ARTIFACTS / "landing-leader-phone.png"))
        phone.close()

        for role, (landing, bookmark, bookmark_heading) in ROLES.items():
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            tab1 = ctx.new_page()
            tab1.goto(url + "/login", wait_until="domcontentloaded")
            _heading(tab1, "工作人员登录")
            _login(tab1, role)
            _heading(tab1, landing)  # leaders land on the briefing, others on their main page
            assert _signed_in(tab1, role), role
            if role == "leader":
                tab1.screenshot(path=str(ARTIFACTS / "landing-leader-desktop.png"))
            cookie = next(c for c in ctx.cookies() if c["name"] == sessions.COOKIE)
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert tab1.evaluate("document.cookie").find(sessions.COOKIE) < 0  # not for scripts

            tab1.reload(wait_until="domcontentloaded")
            _heading(tab1, landing)
            assert _signed_in(tab1, role), f"{role}: signed out by a reload"

            tab2 = ctx.new_page()
            tab2.goto(url + "/", wait_until="domcontentloaded")
            _heading(tab2, "本周价格")
            assert _signed_in(tab2, role), f"{role}: signed out in a second tab"

            tab3 = ctx.new_page()
            tab3.goto(url + "/" + bookmark, wait_until="domcontentloaded")
            _heading(tab3, bookmark_heading)
            _no_dialog(tab3)
            assert _signed_in(tab3, role), f"{role}: signed out on a bookmarked URL"

            # logout in one tab ends the session in all of them
            tab1.get_by_role("button", name="退出登录").click()
            _heading(tab1, "本周价格")
            assert not _signed_in(tab1, role)
            assert not any(c["name"] == sessions.COOKIE for c in ctx.cookies())
            tab3.reload(wait_until="domcontentloaded")
            _heading(tab3, "工作人员登录")
            tab2.get_by_role("link", name="商品走势").first.click()  # a rerun, no reload
            _heading(tab2, "商品走势")
            assert not _signed_in(tab2, role), f"{role}: a tab outlived the logout"
            ctx.close()

        # a revoked session is refused at the next page run (here: a reload)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(url + "/release", wait_until="domcontentloaded")
        _heading(page, "工作人员登录")
        _login(page, "reviewer")
        _heading(page, "数据发布")
        assert sessions.revoke_user(staff_db, "reviewer", actor="test") == 1
        page.reload(wait_until="domcontentloaded")
        _heading(page, "工作人员登录")
        assert not _signed_in(page, "reviewer")
        # ... and the browser no longer holds the refused session's cookie
        assert not any(c["name"] == sessions.COOKIE for c in ctx.cookies()), ctx.cookies()

        # a role that may not open a page is told so (no "page not found")
        _login(page, "leader")
        _heading(page, "数据发布")
        page.get_by_text("你的账号角色不能打开此页面").wait_for(timeout=30000)
        _no_dialog(page)
