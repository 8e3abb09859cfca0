"""The login form, the logout button and the page a role may not open.

Login and logout are plain HTML forms that POST to the server's own routes (/auth/login,
/auth/logout in dashboard/server.py), because only an HTTP response can set or clear an
HttpOnly cookie; Streamlit's script cannot. The forms need no JavaScript (st.html keeps
form elements and drops scripts). With ``[auth] provider = "oidc"`` the form is replaced by
Streamlit's own st.login button.
"""

from __future__ import annotations

import html

import streamlit as st

from .i18n import lang, tr
from .state import settings

#: constant CSS only; the form inherits Streamlit's theme colours
_FORM_CSS = """
<style>
form.pw-auth { display: flex; flex-direction: column; gap: .9rem; max-width: 26rem; margin: .5rem 0 1rem; }
form.pw-auth label { display: flex; flex-direction: column; gap: .3rem; font-size: .95rem; }
form.pw-auth input { font: inherit; padding: .6rem .75rem; border: 1px solid #c9ccd3; border-radius: .5rem;
  min-height: 44px; box-sizing: border-box; background: #fff; }
form.pw-auth input:focus { outline: 2px solid #b71c1c; outline-offset: 1px; }
form.pw-auth button, form.pw-out button { font: inherit; min-height: 44px; border-radius: .5rem;
  cursor: pointer; padding: .5rem 1.2rem; }
form.pw-auth button { background: #b71c1c; color: #fff; border: 0; align-self: flex-start; }
form.pw-out button { background: transparent; border: 1px solid #c9ccd3; width: 100%; }
</style>
"""


def app_base_path() -> str:
    """``server.baseUrlPath`` as "/app" (or "" at the root): where the app's routes live."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + base if base else ""


def login_form(next_path: str = "") -> None:
    """The login, then ``next_path`` (a url path of this app; "" for the role's landing page)."""
    st.title(tr("工作人员登录", "Staff login"))
    if next_path:
        st.caption(tr("此页面仅供工作人员使用，登录后继续打开。",
                      "This page is for staff: sign in to continue to it."))
    else:
        st.caption(tr("编辑、审核、领导和管理员登录后可使用内部工作页面。",
                      "Editors, reviewers, leaders and administrators sign in for the staff pages."))
    if settings().auth_provider == "oidc":
        if st.button(tr("使用统一身份认证登录", "Sign in with the bureau's identity provider"),
                     type="primary"):
            st.login()
        return
    if st.query_params.get("login") == "failed":
        st.error(tr("用户名或密码错误，或尝试过于频繁。请核对后重试；连续输错后需等几分钟再试。",
                    "Wrong user name or password, or too many tries. Check and try again; "
                    "after repeated failures wait a few minutes."))
    esc = html.escape
    st.html(_FORM_CSS + f"""
<form class="pw-auth" method="post" action="{app_base_path()}/auth/login">
  <input type="hidden" name="next" value="{esc(next_path)}">
  <input type="hidden" name="lang" value="{esc(lang())}">
  <label>{esc(tr("用户名", "User name"))}
    <input name="username" autocomplete="username" maxlength="64" required autofocus></label>
  <label>{esc(tr("密码", "Password"))}
    <input name="password" type="password" autocomplete="current-password" maxlength="256" required></label>
  <button type="submit">{esc(tr("登录", "Sign in"))}</button>
</form>""")
    st.caption(tr("登录在本机保持一个工作日（空闲过久需重新登录）；在公用电脑上用完请退出登录。",
                  "A login lasts one working day on this computer (less when left idle); "
                  "log out when you are done on a shared computer."))


def logout_button() -> None:
    """A button that ends the session everywhere and clears the cookie."""
    if settings().auth_provider == "oidc":
        if st.button(tr("退出登录", "Log out"), icon=":material/logout:", width="stretch"):
            st.logout()
        return
    st.html(_FORM_CSS + f"""
<form class="pw-out" method="post" action="{app_base_path()}/auth/logout">
  <input type="hidden" name="lang" value="{html.escape(lang())}">
  <button type="submit">{html.escape(tr("退出登录", "Log out"))}</button>
</form>""")


def not_for_your_role(title: str) -> None:
    """A staff page this role may not open: said plainly (no "page not found")."""
    st.title(title)
    st.warning(tr("你的账号角色不能打开此页面。如需使用，请联系管理员分配角色。",
                  "Your account's role cannot open this page. Ask an administrator for the role."))


def attachment_url(note_id: str, name: str) -> str:
    """Where a page links a note's attachment: the server's /files/notes route, which serves
    an unpublished note's files only to a staff session (dashboard/server.py)."""
    from urllib.parse import quote

    return f"{app_base_path()}/files/notes/{quote(note_id, safe='')}/{quote(name, safe='')}"
