"""数据发布 (reviewers): what each pending upload holds and how its warnings were handled,
then release one upload or all of them, with a comment — the same as ``python -m pricewatch
release`` (pricewatch.publish.release), recorded in the audit log.

Per upload: who uploaded it and when, its rows, the markets that reported of those expected
(the markets of the last released period), every warning and how it was confirmed (who,
why), the rows skipped by choice, and its largest changes beside the last released prices.
"""

import pandas as pd
import streamlit as st

from dashboard.i18n import lang, nm, nm_frame, tr
from dashboard.messages import md_escape, show_error
from dashboard.state import get_store, require_user, shown_time
from dashboard.upload_report import show_choices, show_issues
from ingest import upload
from pricewatch import publish
from pricewatch.errors import PricewatchError

ss = st.session_state
st.title(tr("数据发布", "Release data"))
user = require_user("release", "只有审核人员可以发布数据。", "Only reviewers release data.")
if "_flash" in ss:
    st.success(ss.pop("_flash"))
st.caption(tr("上传的数据先处于待发布状态，公众看不到；发布后进入公开页面、下载和订阅源。",
              "Uploads stay pending (not public) until released."))

store = get_store()
pending, detail = publish.pending_review(store)
if pending.empty:
    st.info(tr("没有待发布的上传。", "No pending uploads."))
    st.stop()

comment = st.text_input(tr("发布说明（写入审计记录）", "Comment (kept in the audit log)"), key="release_comment",
                        max_chars=500, placeholder=tr("如：已核对第19周数据", "e.g. week 19 checked"))


def _release(ids: list[int]) -> None:
    done: list[int] = []
    try:
        for i in ids:
            done += publish.release(store, user, upload_id=i, comment=comment or None).upload_ids
    except PricewatchError as e:
        show_error(e)
    if done:
        ss["_flash"] = tr(f"已发布 {len(done)} 个上传：", f"Released {len(done)}: ") + "、".join(f"#{i}" for i in done)
        st.rerun()


ids = [int(i) for i in pending["id"]]
if st.button(tr(f"全部发布（{len(ids)} 个上传）", f"Release all ({len(ids)})"), type="primary", key="release_all"):
    _release(ids)

for row in pending.itertuples(index=False):
    uid = int(row.id)
    rep = upload.stored_report(row.report)
    have, expected, changes = detail[uid]
    missing = [m for m in expected if m not in have]
    issues = upload.report_rows(rep)
    with st.container(border=True):
        st.subheader(f"#{uid} {row.file_name}")
        st.markdown(md_escape(tr(
            f"{row.uploaded_by} 于 {shown_time(row.uploaded_at)} 上传；读取 {row.rows_read} 行，导入 {row.rows_loaded} 行"
            f"（其中更正 {row.rows_revised} 行）；数据日期 {str(row.date_min)[:10]} 至 {str(row.date_max)[:10]}",
            f"Uploaded by {row.uploaded_by} at {shown_time(row.uploaded_at)}; {row.rows_read} rows read, "
            f"{row.rows_loaded} loaded ({row.rows_revised} revised); dates {str(row.date_min)[:10]} to {str(row.date_max)[:10]}")))
        reported = len([m for m in expected if m in have])
        line = tr(f"报价市场 {reported}/{len(expected)}", f"Markets reported {reported} of {len(expected)}")
        if missing:
            line += tr("，未报：", "; missing: ") + tr("、", ", ").join(nm(m, "market") for m in missing)
        extra = [m for m in have if m not in expected]
        if extra:
            line += tr("；另有：", "; also: ") + tr("、", ", ").join(nm(m, "market") for m in extra)
        (st.warning if missing else st.markdown)(md_escape(line))
        show_choices(rep, confirmations=False)
        confirmed = {(str(c.get("sheet")), str(c.get("row"))): f":green[**{tr('已确认', 'Confirmed')}**] " + md_escape(tr(
            f"由 {c.get('by')} 逐行确认，原因：{c.get('reason')}",
            f"by {c.get('by')}, reason: {c.get('reason')}")) for c in rep.get("confirmed") or []}
        if issues.empty:
            st.caption(tr("没有警告。", "No warnings."))
        else:
            st.markdown(tr(f"**警告 {len(issues)} 条**", f"**{len(issues)} warnings**"))
            show_issues(issues, f"release_{uid}", confirmed)
        if not changes.empty:
            changes = nm_frame(changes, ["commodity", "market", "unit"])
            st.markdown(tr("**变动最大的价格（与上次发布对比）**", "**Largest changes against the last release**"))
            st.table(pd.DataFrame({
                tr("商品", "Commodity"): changes["commodity"], tr("市场", "Market"): changes["market"],
                tr("已发布", "Released"): changes["released_price"].map(lambda v: f"{v:.2f}"),
                tr("本次", "This upload"): changes["price"].map(lambda v: f"{v:.2f}"),
                tr("变动", "Change"): (changes["change"] * 100).map(lambda v: f"{v:+.1f}%"),
                tr("单位", "Unit"): changes["unit"],
                tr("对比日期", "Compared with"): pd.to_datetime(changes["released_date"]).dt.date,
            }).set_index(tr("商品", "Commodity")))
        elif lang() == "zh":
            st.caption("此前没有已发布的同期可比价格。")
        else:
            st.caption("No released prices to compare with.")
        if st.button(tr(f"发布 #{uid}", f"Release #{uid}"), key=f"release_one_{uid}"):
            _release([uid])
