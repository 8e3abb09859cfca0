"""Entry point: ``streamlit run dashboard/app.py``.

The navigation is rebuilt on every run from the signed-in user's role: the public pages
for everyone, staff pages only after login (dashboard/nav.py lists them all).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.i18n import language_switch, tr
from dashboard.nav import PUBLIC_PAGES, STAFF_PAGES, PageSpec
from dashboard.state import current_user, logout, settings

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


def _logout() -> None:
    logout()
    st.switch_page(PAGES_DIR / "home.py")


st.set_page_config(page_title=tr("价格监测与解读发布", "Price Monitor"), page_icon="📈", layout="wide")
st.html(_CSS)

user = current_user()
public = [_page(p) for p in PUBLIC_PAGES]
staff: list[st.Page] = []
if user is None:
    staff.append(st.Page(PAGES_DIR / "login.py", title=tr("工作人员登录", "Staff login"),
                         icon=":material/login:", url_path="login"))
else:
    staff += [_page(p) for p in STAFF_PAGES if p.roles is None or user.role in p.roles or user.role == "admin"]
    staff.append(st.Page(_logout, title=tr("退出登录", "Log out"), icon=":material/logout:",
                         url_path="logout"))

nav = st.navigation({tr("公开信息", "Public"): public, tr("内部工作", "Staff"): staff})

with st.sidebar:
    st.caption(settings().bureau_name)
    language_switch()
    if user is not None:
        st.caption(tr(f"已登录: {user.name}", f"Signed in: {user.name}"))

nav.run()
