"""上传价格表 (editors): drop a file -> the report -> what will change -> confirm -> loaded,
pending release. The same library call as ``python -m ingest`` (ingest.upload)."""

import hashlib

import pandas as pd
import streamlit as st

from dashboard.i18n import lang, tr
from dashboard.state import get_store, require_user, settings
from ingest import IngestOptions, upload
from ingest.template import build_template
from pricewatch.errors import PricewatchError
from pricewatch.store import queries

ss = st.session_state
st.title(tr("上传价格表", "Upload prices"))
user = require_user("upload", "只有内贸股编辑可以上传数据。", "Only editors upload data.")
store = get_store()
cfg = settings()
if "_upload_flash" in ss:
    st.success(ss.pop("_upload_flash"))

st.download_button(
    tr("下载县级周报表模板 (.xlsx)", "Download the weekly form template (.xlsx)"),
    # built only when pressed (a callable): the page's reruns do not rebuild the workbook
    data=lambda: build_template(store if store.exists() else None), file_name="价格监测周报表模板.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="upload_template")

with store.read() as s:
    market_names = list(queries.markets(s)["name"])
with st.expander(tr("文件中没有写明的信息(可选)", "What the file does not say (optional)")):
    market = st.selectbox(tr("市场", "Market"), [None, *market_names], key="upload_market",
                          format_func=lambda m: tr("(以文件为准)", "(from the file)") if m is None else m)
    day = st.date_input(tr("日期", "Date"), value=None, key="upload_date")
    unit = st.selectbox(tr("计量单位", "Unit"), [None, "元/公斤", "元/斤", "元/500克", "元/个"], key="upload_unit",
                        format_func=lambda u: tr("(以文件为准)", "(from the file)") if u is None else u)
    ptype = st.selectbox(tr("价格类型", "Price type"), [None, "retail", "wholesale"], key="upload_ptype",
                         format_func=lambda p: {None: tr("(以文件为准)", "(from the file)"),
                                                "retail": tr("零售", "retail"), "wholesale": tr("批发", "wholesale")}[p])

f = st.file_uploader(tr("选择或拖入价格表", "Choose or drop a price sheet"),
                     type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"],
                     key=f"upload_file_{ss.get('_upload_n', 0)}",  # a new key empties the box after a load
                     max_upload_size=max(1, int(cfg.max_upload_mb)))
opts = IngestOptions(actor=user.name, market=market, date=day, unit=unit, price_type=ptype, settings=cfg)
if f is not None:
    data = f.getvalue()
    key = (hashlib.sha256(data).hexdigest(), f.name, market, day, unit, ptype, store.version())
    if ss.get("_upload_key") != key:
        ss["_upload_key"] = key
        ss["_upload_check"] = upload.check(store, f.name, data, opts)
    res = ss["_upload_check"]
    issues = upload.issues_frame(res, lang())
    issues["severity"] = issues["severity"].map({"error": tr("错误", "error"), "warning": tr("警告", "warning")})
    labels = {"severity": tr("级别", "Severity"), "sheet": tr("工作表", "Sheet"), "row": tr("行", "Row"),
              "column": tr("列", "Column"), "code": tr("代码", "Code"), "message": tr("说明", "Message")}
    if res.status == "rejected":
        st.error(tr(f"「{res.file}」未通过校验, 共 {len(res.errors)} 个错误; 请改正后重新上传, 数据库没有任何改动。",
                    f"\"{res.file}\" did not pass: {len(res.errors)} errors; fix and upload again. Nothing was written."))
        st.dataframe(issues.rename(columns=labels), hide_index=True, width="stretch")
        st.stop()
    st.info(tr(f"版式 {res.layout}; 读取 {res.rows_read} 行; 将新增 {res.rows_new} 行、更正 {res.rows_revised} 行;"
               f" {res.commodities} 种商品, {res.markets} 个市场, {res.date_min} 至 {res.date_max}",
               f"layout {res.layout}; {res.rows_read} rows read; {res.rows_new} new, {res.rows_revised} revised;"
               f" {res.commodities} commodities, {res.markets} markets, {res.date_min} to {res.date_max}"))
    if not res.changes.empty:
        st.subheader(tr("将更正的价格(原值 → 新值)", "Prices to be revised (old → new)"))
        st.dataframe(pd.DataFrame({
            tr("商品", "Commodity"): res.changes["commodity"], tr("市场", "Market"): res.changes["market"],
            tr("日期", "Date"): pd.to_datetime(res.changes["obs_date"]).dt.date,
            tr("原值", "Old"): res.changes["old_price"].round(2),
            tr("新值", "New"): res.changes["new_price"].round(2)}), hide_index=True, width="stretch")
    if res.rows_new:
        with st.expander(tr(f"新增的 {res.rows_new} 行", f"The {res.rows_new} new rows")):
            new = res.preview[res.preview["change"] == "new"]
            st.dataframe(pd.DataFrame({
                tr("商品", "Commodity"): new["commodity"], tr("市场", "Market"): new["market"],
                tr("日期", "Date"): pd.to_datetime(new["obs_date"]).dt.date,
                tr("价格", "Price"): new["price"].round(2)}),
                hide_index=True, width="stretch")
    confirmed: list[str] = []
    if res.unknown_names:
        st.subheader(tr("新名称", "New names"))
        confirmed = st.multiselect(
            tr("确认以下名称为新商品/新市场并加入目录(未勾选的行不导入)",
               "Confirm these as new commodities/markets (rows with unticked names are not loaded)"),
            res.unknown_names, default=[], key="upload_new_names")
    ticked = True
    if not issues.empty:
        st.subheader(tr(f"警告 {len(issues)} 条", f"{len(issues)} warnings"))
        st.dataframe(issues.rename(columns=labels), hide_index=True, width="stretch")
        ticked = st.checkbox(tr("我已逐条核对以上警告, 确认导入", "I have checked every warning above"),
                             key="upload_ack")
    if st.button(tr("确认导入(待发布)", "Load (pending release)"), type="primary", key="upload_go",
                 disabled=not ticked):
        try:
            done = upload.confirm(store, f.name, data, opts, confirmed)
        except PricewatchError as e:  # refused before writing (disk full), or written but not yet public
            st.error(str(e))
            st.stop()
        if done.status == "rejected":
            st.error(tr("导入失败: ", "Load failed: ") + "; ".join(i.message(lang()) for i in done.errors))
        else:
            ss.pop("_upload_key", None)
            ss["_upload_n"] = ss.get("_upload_n", 0) + 1
            ss.pop("upload_report_pick", None)  # show the report of the new upload
            ss["_upload_flash"] = (
                tr(f"「{done.file}」已导入, 上传编号 {done.upload_id}, 新增 {done.rows_new} 行、更正 {done.rows_revised} 行, 待审核发布。",
                   f"\"{done.file}\" loaded as upload #{done.upload_id}: {done.rows_new} new, {done.rows_revised} revised; pending release.")
                if done.status == "loaded" else tr(f"「{done.file}」与已有数据相同, 无变化。", f"\"{done.file}\" is unchanged."))
            st.rerun()

st.divider()
st.subheader(tr("上传记录", "Upload history"))
hist = upload.history(store)
if hist.empty:
    st.caption(tr("还没有上传。", "No uploads yet."))
else:
    status = {"pending": tr("待发布", "pending"), "released": tr("已发布", "released"),
              "superseded": tr("已被更正", "superseded")}
    st.dataframe(pd.DataFrame({
        tr("编号", "ID"): hist["id"], tr("文件", "File"): hist["file_name"], tr("上传人", "By"): hist["uploaded_by"],
        tr("时间", "When"): hist["uploaded_at"], tr("状态", "Status"): hist["status"].map(status),
        tr("读取", "Read"): hist["rows_read"], tr("导入", "Loaded"): hist["rows_loaded"],
        tr("更正", "Revised"): hist["rows_revised"]}), hide_index=True, width="stretch")
    pick = st.selectbox(tr("查看某次上传的校验报告", "Show the report of an upload"), list(hist["id"]),
                        format_func=lambda i: f"#{i} {hist.loc[hist['id'] == i, 'file_name'].iloc[0]}",
                        key="upload_report_pick")
    rep = upload.report_rows(hist.loc[hist["id"] == pick, "report"].iloc[0])
    rep["severity"] = rep["severity"].map({"error": tr("错误", "error"), "warning": tr("警告", "warning")})
    if rep.empty:
        st.caption(tr("该上传没有错误或警告。", "No errors or warnings."))
    else:
        st.dataframe(rep.rename(columns={"severity": tr("级别", "Severity"), "sheet": tr("工作表", "Sheet"),
                                         "row": tr("行", "Row"), "column": tr("列", "Column"),
                                         "code": tr("代码", "Code"), "message": tr("说明", "Message")}),
                     hide_index=True, width="stretch")
