"""工作人员登录: name and password; repeated failures lock the account for a while."""

import streamlit as st

from dashboard.i18n import tr
from dashboard.state import get_store, login
from pricewatch.accounts import authenticate
from pricewatch.errors import PricewatchError

st.title(tr("工作人员登录", "Staff login"))
st.caption(tr("编辑、审核、领导和管理员登录后可使用内部工作页面。",
              "Editors, reviewers, leaders and administrators sign in for the staff pages."))

with st.form("login", border=True):
    name = st.text_input(tr("用户名", "User name"), max_chars=64)
    password = st.text_input(tr("密码", "Password"), type="password", max_chars=256)
    submitted = st.form_submit_button(tr("登录", "Sign in"), type="primary")

if submitted:
    try:
        user = authenticate(get_store(), name.strip(), password)
    except PricewatchError as e:
        st.error(str(e))
    else:
        login(user)
        st.rerun()
