"""数据发布 (reviewers): pending uploads and their release — the same as
``python -m pricewatch release`` (pricewatch.publish.release), recorded in the audit log."""

import pandas as pd
import streamlit as st

from dashboard.i18n import tr
from dashboard.state import get_store, require_user
from pricewatch import publish
from pricewatch.errors import PricewatchError
from pricewatch.store import notes_queries

ss = st.session_state
st.title(tr("数据发布", "Release data"))
user = require_user("release", "只有审核人员可以发布数据。", "Only reviewers release data.")
if "_flash" in ss:
    st.success(ss.pop("_flash"))
st.caption(tr("上传的数据先处于待发布状态,公众看不到;发布后进入公开页面、下载和订阅源。",
              "Uploads stay pending (not public) until released."))

store = get_store()
with store.read() as s:
    pending = notes_queries.pending_uploads(s)
if pending.empty:
    st.info(tr("没有待发布的上传。", "No pending uploads."))
    st.stop()

st.dataframe(pd.DataFrame({
    tr("编号", "ID"): pending["id"], tr("文件", "File"): pending["file_name"],
    tr("上传人", "By"): pending["uploaded_by"], tr("上传时间", "Uploaded"): pending["uploaded_at"],
    tr("数据起", "From"): pending["date_min"], tr("数据止", "To"): pending["date_max"],
    tr("新增", "New"): pending["rows_loaded"], tr("修订", "Revised"): pending["rows_revised"],
}), hide_index=True, width="stretch")

ids = [int(i) for i in pending["id"]]
chosen = st.multiselect(tr("发布这些上传", "Release these uploads"), ids, default=ids,
                        format_func=lambda i: f"#{i} {pending.loc[pending['id'] == i, 'file_name'].iloc[0]}",
                        key="release_ids")
comment = st.text_input(tr("发布说明", "Comment"), key="release_comment", max_chars=500)
if st.button(tr("发布", "Release"), type="primary", key="release_go", disabled=not chosen):
    done = []
    try:
        for i in chosen:
            res = publish.release(store, user, upload_id=i, comment=comment or None)
            done += res.upload_ids
    except PricewatchError as e:
        st.error(e.message + (f" — {e.hint}" if e.hint else ""))
    if done:
        ss["_flash"] = tr(f"已发布 {len(done)} 个上传: ", f"Released {len(done)}: ") + ", ".join(
            f"#{i}" for i in done)
        st.rerun()
