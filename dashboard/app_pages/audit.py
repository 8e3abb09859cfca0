"""审计日志: who did what, when (append-only; reviewers and administrators)."""

import json

import pandas as pd
import streamlit as st

from dashboard.i18n import tr
from dashboard.state import get_store, require_user
from pricewatch.audit import audit_log

st.title(tr("审计日志", "Audit log"))
require_user("audit", "只有审核人员和管理员可以查看审计日志。", "Only reviewers and administrators see the audit log.")
st.caption(tr("登录、上传、发布、审核等每一次操作都记录在此,记录只增不改。",
              "Every login, upload, release and review is recorded here; entries are never changed."))

kinds = {"": tr("全部", "All"), "login": tr("登录", "Logins"), "session": tr("会话", "Sessions"), "ingest": tr("数据上传", "Uploads"),
         "release": tr("数据发布", "Releases"), "note": tr("解读稿件", "Notes"),
         "users": tr("账号", "Accounts"), "catalog": tr("目录", "Catalog")}
kind = st.selectbox(tr("类别", "Kind"), list(kinds), format_func=kinds.get, key="kind")
limit = st.select_slider(tr("条数", "Rows"), [50, 200, 1000], value=200)
log = audit_log(get_store(), limit=limit, action_prefix=kind or None)
if log.empty:
    st.info(tr("没有记录。", "No entries."))
else:
    log["detail"] = log["detail"].map(
        lambda d: json.dumps(json.loads(d), ensure_ascii=False) if isinstance(d, str) and d else "")
    st.dataframe(
        pd.DataFrame({
            tr("时间", "Time"): log["at_time"], tr("操作人", "Actor"): log["actor"],
            tr("操作", "Action"): log["action"], tr("对象", "Target"): log["target"],
            tr("详情", "Detail"): log["detail"],
        }),
        hide_index=True, width="stretch",
    )
