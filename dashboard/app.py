"""Entry point: ``streamlit run dashboard/app.py``.

The navigation is rebuilt on every run from the signed-in user's role: the public pages
for everyone, staff pages only after login (dashboard/nav.py lists them all). Every staff
URL is always registered, so a reload, a new tab or a bookmark never meets Streamlit's
"page not found": without a session it shows the login and then that page; for a role
that may not open it, a plain refusal. The user comes from the server-side session named by
the HttpOnly cookie (dashboard/state.py, pricewatch/sessions.py), checked on every run.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.auth import login_form, logout_button, not_for_your_role
from dashboard.i18n import language_switch, tr
from dashboard.nav import PUBLIC_PAGES, STAFF_PAGES, PageSpec
from dashboard.state import current_user, settings
from pricewatch.accounts import ROLE_NAMES
from pricewatch.sessions import landing

PAGES_DIR = Path(__file__).parent / "app_pages"

# constant CSS only (no user text): larger tap targets and no sideways scrolling on phones
_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; max-width: 1200px; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: .8rem; padding-right: .8rem; }
  button, [role="tab"], [data-baseweb="select"] { min-height: 44px; }
}
html, body { overflow-x: hidden; }
</style>
"""


def _page(spec: PageSpec) -> st.Page:
    return st.Page(
        PAGES_DIR / spec.file, title=tr(spec.zh, spec.en), icon=spec.icon,
        url_path=spec.url_path or None, default=spec.url_path == "",
    )


def _hidden(url_path: str, title: str, body) -> st.Page:
    """A page at ``url_path`` that is not in the menu: a staff URL opened without a session
    (the login, then that page) or by a role that may not open it (said so)."""
    body.__name__ = f"page_{url_path}"
    return st.Page(body, title=title, url_path=url_path, visibility="hidden")


def _login_then(url_path: str):
    def login_page() -> None:
        login_form(url_path)
    return login_page


def _refused(title: str):
    return lambda: not_for_your_role(title)


def _go_to(url_path: str):
    def go() -> None:
        st.switch_page(pages_by_path.get(url_path) or public[0])
    return go


st.set_page_config(page_title=tr("价格监测与解读发布", "Price Monitor"), page_icon="📈", layout="wide")
st.html(_CSS)

user = current_user()
public = [_page(p) for p in PUBLIC_PAGES]
staff: list[st.Page] = []
pages_by_path: dict[str, st.Page] = {}
if user is None:
    staff.append(st.Page(PAGES_DIR / "login.py", title=tr("工作人员登录", "Staff login"),
                         icon=":material/login:", url_path="login"))
    staff += [_hidden(p.url_path, tr(p.zh, p.en), _login_then(p.url_path)) for p in STAFF_PAGES]
else:
    for p in STAFF_PAGES:
        if p.roles is None or user.role in p.roles or user.role == "admin":
            pages_by_path[p.url_path] = _page(p)
            staff.append(pages_by_path[p.url_path])
        else:
            staff.append(_hidden(p.url_path, tr(p.zh, p.en), _refused(tr(p.zh, p.en))))
    # /login after signing in (a reload of the login page, a bookmark): the landing page
    staff.append(_hidden("login", tr("工作人员登录", "Staff login"), _go_to(landing(user))))

# expanded: every page listed (a long menu would fold behind Streamlit's English "View more")
nav = st.navigation({tr("公开信息", "Public"): public, tr("内部工作", "Staff"): staff}, expanded=True)

with st.sidebar:
    st.caption(settings().bureau_name)
    language_switch()
    if user is not None:
        st.caption(tr(f"已登录：{user.name}（{ROLE_NAMES.get(user.role, user.role)}）",
                      f"Signed in: {user.name} ({user.role})"))
        logout_button()

nav.run()
