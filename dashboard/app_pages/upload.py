"""上传价格表 (editors): drop a file -> the report -> (map the columns by hand when the sheet
cannot be read, or is read wrongly; save that as an import profile) -> what will change ->
confirm each jump row with a reason, skip rows with errors only by choice -> loaded,
pending release. The same library call as ``python -m ingest`` (ingest.upload)."""

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.i18n import choose, lang, tr
from dashboard.messages import md_escape, show_error
from dashboard.state import get_store, require_user, settings, shown_time, shown_times
from dashboard.upload_report import show_choices, show_issues
from ingest import IngestOptions, upload
from ingest.load import PER_ROW, row_key
from ingest.profiles import FIELD_NAMES, Mapping, column_labels, describe, list_profiles
from ingest.profiles import delete_profile as delete_saved
from ingest.profiles import rename_profile as rename_saved
from ingest.profiles import save_profile as save_saved
from ingest.template import build_template
from pricewatch import catalog
from pricewatch.catalog import add_alias
from pricewatch.errors import PricewatchError

ss = st.session_state
st.title(tr("上传价格表", "Upload prices"))
user = require_user("upload", "只有内贸股编辑可以上传数据。", "Only editors upload data.")
store = get_store()
cfg = settings()
if "_upload_flash" in ss:
    st.success(ss.pop("_upload_flash"))

st.download_button(
    tr("下载县级周报表模板（.xlsx）", "Download the weekly form template (.xlsx)"),
    # built only when pressed (a callable): the page's reruns do not rebuild the workbook
    data=lambda: build_template(store if store.exists() else None), file_name="价格监测周报表模板.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="upload_template")

market_names = catalog.market_names(store)
FROM_FILE = tr("（以文件为准）", "(from the file)")
with st.expander(tr("文件中没有写明的信息（可选）", "What the file does not say (optional)")):
    market = st.selectbox(tr("市场", "Market"), [None, *market_names], key="upload_market", placeholder=choose(),
                          format_func=lambda m: FROM_FILE if m is None else m)
    day = st.date_input(tr("日期", "Date"), value=None, key="upload_date", format="YYYY-MM-DD")
    unit = st.selectbox(tr("计量单位", "Unit"), [None, "元/公斤", "元/斤", "元/500克", "元/个"], key="upload_unit", placeholder=choose(),
                        format_func=lambda u: FROM_FILE if u is None else u)
    ptype = st.selectbox(tr("价格类型", "Price type"), [None, "retail", "wholesale"], key="upload_ptype", placeholder=choose(),
                         format_func=lambda p: {None: FROM_FILE, "retail": tr("零售", "retail"),
                                                "wholesale": tr("批发", "wholesale")}[p])

f = st.file_uploader(tr("选择或拖入价格表（.xlsx、.xls、.ods、.csv）", "Choose or drop a price sheet"),
                     type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"],
                     key=f"upload_file_{ss.get('_upload_n', 0)}",  # a new key empties the box after a load
                     max_upload_size=max(1, int(cfg.max_upload_mb)),
                     help=tr(f"单个文件不超过 {cfg.max_upload_mb:g} MB", f"At most {cfg.max_upload_mb:g} MB"))


def _mapping_step(res, sha: str, open_now: bool) -> None:
    """The grid of the file's first rows and one choice per field -> a Mapping for this file."""
    maps = ss.setdefault("_upload_maps", {})
    active: Mapping | None = maps.get(sha)
    with st.expander(tr("手动指定各列（表格读不出来或读错时）", "Map the columns by hand"), expanded=open_now):
        if not res.peek:
            st.caption(tr("文件中没有可以显示的行。", "No rows to show."))
            return
        names = [n for n, _ in res.peek]
        saved = {n: m for n, m, *_ in list_profiles(store)}
        if saved:
            # a saved profile back into the fields below, to change and save again (same or new name)
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            if "map_profile" not in ss and res.profile in saved:
                ss["map_profile"] = res.profile
            prof = c1.selectbox(tr("从已保存的导入方案载入（修改后可另存或覆盖）", "Load a saved profile to edit it"),
                                list(saved), key="map_profile", placeholder=choose(),
                                **({} if "map_profile" in ss else {"index": None}))
            c2.button(tr("载入方案", "Load"), key="map_load", disabled=prof is None,
                      on_click=_fill_form, args=(saved.get(prof), prof, res.peek))
        sheet = (st.selectbox(tr("要指定的工作表", "Sheet to map"), names, key="map_sheet", placeholder=tr("请选择", "Choose"))
                 if len(names) > 1 else names[0])
        rows = dict(res.peek)[sheet]
        width = max((len(r) for r in rows), default=0)
        letters = column_labels(width)
        grid = pd.DataFrame([[("" if c is None else str(c)) for c in r] + [""] * (width - len(r)) for r in rows],
                            columns=letters, index=range(1, len(rows) + 1))
        st.caption(tr("文件的前几行（左侧是行号，上方是列字母）：", "The first rows (row numbers left, column letters on top):"))
        st.dataframe(grid, width="stretch", height="auto" if len(grid) <= 10 else 420, key="map_grid")
        header = st.number_input(tr("表头在第几行（没有表头填 0）", "Header row (0: none)"), 0, len(rows),
                                 key="map_header",
                                 **({} if "map_header" in ss else {"value": active.header if active else 0}))
        heads = [str(c or "") for c in rows[header - 1]] if header else [""] * width
        NONE, CONST, ACROSS = "-", "=", "*"

        def col_label(v: str) -> str:
            if v == NONE:
                return tr("（无）", "(none)")
            if v == CONST:
                return tr("（固定值，下面填写）", "(a fixed value, below)")
            if v == ACROSS:
                return tr("（各列为市场）", "(markets across the columns)")
            j = letters.index(v)
            return f"{v} · {heads[j][:20]}" if heads[j] else v

        chosen: dict[str, str] = {}
        cols = st.columns(2)
        for n, fld in enumerate(("commodity", "price", "unit", "market", "date", "spec", "low", "high")):
            extra = ([CONST] if fld in ("unit", "market", "date") else []) + ([ACROSS] if fld == "market" else [])
            with cols[n % 2]:
                v = st.selectbox(tr(f"{FIELD_NAMES[fld]}所在列", f"{fld} column"), [NONE, *extra, *letters],
                                 key=f"map_{fld}", format_func=col_label, placeholder=tr("请选择", "Choose"))
                if v == CONST:
                    text = st.text_input(tr(f"{FIELD_NAMES[fld]}（固定值）", f"{fld} (fixed)"), key=f"map_{fld}_const",
                                         placeholder={"unit": "元/斤", "market": "北京新发地",
                                                      "date": "2024-05-06"}[fld]).strip()
                    if text:
                        chosen[fld] = text
                elif v == ACROSS:
                    chosen["__across__"] = ",".join(st.multiselect(
                        tr("哪些列是市场（表头写市场名）", "Market columns (named in the header)"), letters,
                        key="map_across", placeholder=tr("选择列", "Choose columns")))
                elif v != NONE:
                    chosen[fld] = v
        skip = st.text_input(tr("跳过的行（如 3;7-9）", "Rows to skip (e.g. 3;7-9)"), key="map_skip",
                             placeholder="3;7-9")
        if st.button(tr("按此读取并预览", "Read and preview"), key="map_go"):
            parts = [f"{k}={v}" for k, v in chosen.items() if k != "__across__"]
            if chosen.get("__across__"):
                parts.append("markets=" + "|".join(chosen["__across__"].split(",")))
            if header:
                parts.append(f"header={header}")
            if skip.strip():
                parts.append(f"skip={skip.strip()}")
            if len(names) > 1:
                parts.append(f"sheet={sheet}")
            try:
                maps[sha] = Mapping.parse(",".join(parts))
            except PricewatchError as e:
                show_error(e)
            else:
                st.rerun()
        if active is not None and st.button(tr("取消手动指定", "Drop the mapping"), key="map_drop"):
            maps.pop(sha, None)
            st.rerun()


def _fill_form(mapping: Mapping | None, name: str | None, peek) -> None:
    """Put a saved profile's mapping into the mapping fields (a button's callback: it runs
    before the fields are drawn again) and its name into the profile name to save under."""
    if mapping is None:
        return
    names = [n for n, _ in peek]
    sheet = mapping.sheet if mapping.sheet in names else names[0]
    rows = dict(peek)[sheet]
    width = max((len(r) for r in rows), default=0)
    letters = column_labels(width)
    heads = [str(c or "").strip() for c in rows[mapping.header - 1]] if 0 < mapping.header <= len(rows) else []

    def letter(ref: str) -> str | None:
        if ref in letters:
            return ref
        return letters[heads.index(ref)] if ref in heads else None  # a header text

    if len(names) > 1:
        ss["map_sheet"] = sheet
    ss["map_header"] = mapping.header
    for fld in ("commodity", "price", "unit", "market", "date", "spec", "low", "high"):
        ref = mapping.fields.get(fld)
        col = letter(ref) if ref else None
        if ref is None:
            ss[f"map_{fld}"] = "-"
        elif col is not None:
            ss[f"map_{fld}"] = col
        elif fld in ("unit", "market", "date"):
            ss[f"map_{fld}"], ss[f"map_{fld}_const"] = "=", ref
    if mapping.markets:
        ss["map_market"] = "*"
        ss["map_across"] = [c for c in (letter(m) for m in mapping.markets) if c]
    ss["map_skip"] = ";".join(str(r) for r in mapping.skip)
    ss["profile_name"] = name or ""


def _act(action, flash) -> None:
    """Run ``action``: its refusal is shown; else ``flash(result)`` is kept for the next run,
    which starts now."""
    try:
        result = action()
    except PricewatchError as e:
        show_error(e)
    else:
        ss["_upload_flash"] = flash(result)
        st.rerun()


def _save_profile(res, mapping: Mapping) -> None:
    st.markdown(tr("**保存为导入方案**：下次同样版式的文件会自动按此读取。",
                   "**Save as an import profile**: the next file of this layout is read with it by itself."))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    name = c1.text_input(tr("方案名称", "Profile name"), key="profile_name", max_chars=60,
                         placeholder=tr("如：新发地行情导出", "e.g. market export"))
    if c2.button(tr("保存方案", "Save"), key="profile_save", disabled=not name.strip()):
        _act(lambda: save_saved(store, name, mapping, res.peek, user.name),
             lambda new: tr(f"导入方案「{name.strip()}」已{'保存' if new else '更新'}。",
                            f"Import profile \"{name.strip()}\" {'saved' if new else 'updated'}."))


if f is not None:
    data = f.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    mapping = ss.get("_upload_maps", {}).get(sha)
    skip_reason = ss.get("_upload_skips", {}).get(sha)
    why = {k: v.strip() for k, v in ss.items() if isinstance(k, str) and k.startswith(f"why|{sha[:12]}|")
           and isinstance(v, str) and v.strip()}
    confirm_rows = {k.split("|", 2)[2]: v for k, v in why.items()}
    opts = IngestOptions(actor=user.name, market=market, date=day, unit=unit, price_type=ptype, settings=cfg,
                         mapping=mapping, skip_invalid_rows=bool(skip_reason), reason=skip_reason,
                         confirm_rows=confirm_rows)
    key = (sha, f.name, market, day, unit, ptype, mapping.to_text() if mapping else None, skip_reason,
           tuple(sorted(confirm_rows.items())), store.version())
    if ss.get("_upload_key") != key:
        ss["_upload_key"] = key
        # a refused file is recorded once, not again at each choice made on it
        audited = ss.setdefault("_upload_audited", set())
        ss["_upload_check"] = upload.check(store, f.name, data, replace(opts, audit_rejected=sha not in audited))
        if ss["_upload_check"].status == "rejected":
            audited.add(sha)
    res = ss["_upload_check"]
    issues = upload.issues_frame(res, lang())
    # a jump row: its own reason (one box for every warning is not enough for such a row)
    per_row = issues[issues["code"].isin(PER_ROW)]
    others = issues[~issues["code"].isin(PER_ROW)]
    file_level = {"no_layout", "no_data", "unit_missing", "date_missing", "market_missing", "commodity_missing",
                  "map_invalid", "date_no_year", "no_header", "sheet_skipped"}
    open_map = mapping is not None or bool(set(issues["code"]) & file_level)
    if mapping is not None:
        st.info(tr("正在按手动指定读取：", "Read with your mapping: ") + md_escape(describe(mapping)))
    elif res.profile:
        st.info(tr("按导入方案「", "Read with import profile \"") + md_escape(res.profile) + tr("」读取。", "\"."))

    def _reasons() -> None:
        if per_row.empty:
            return
        units = int((per_row["code"] == "unit_changed").sum())
        jumps = len(per_row) - units
        if not units:
            st.subheader(tr(f"需逐行确认的价格变动 {jumps} 处", f"{jumps} price jumps to confirm row by row"))
        else:
            st.subheader(tr(f"需逐行确认 {len(per_row)} 处（价格变动 {jumps} 处，计量单位变化 {units} 处）",
                            f"{len(per_row)} rows to confirm ({jumps} price jumps, {units} unit changes)"))
        st.caption(tr("每一行都要写明原因（如「节前涨价属实」「改按公斤报价」）；如是录入错误，请改正文件后重新上传。",
                      "Give a reason for each row, or fix the file and upload it again."))
        for r in per_row.itertuples(index=False):
            st.markdown(f"**{md_escape(upload.where_text(r.sheet, r.row, r.column, lang()))}**：{md_escape(r.message)}")
            st.text_input(tr("确认原因", "Reason"), key=f"why|{sha[:12]}|{row_key(r.sheet, r.row)}", max_chars=200,
                          placeholder=tr("写明为何此价格无误", "Why this price is right"))

    if res.status == "rejected":
        st.error(tr(f"「{res.file}」未通过校验，共 {len(res.errors)} 个错误；数据库没有任何改动。",
                    f"\"{res.file}\" did not pass: {len(res.errors)} errors. Nothing was written."))
        show_issues(others if not per_row.empty else issues, "upload_errors")
        _reasons()
        if res.skip_offer:
            n, m = res.skip_offer
            st.subheader(tr(f"跳过以下 {n} 行，导入其余 {m} 行", f"Skip these {n} rows, load the other {m}"))
            st.caption(tr("错误只出现在个别行。可以改正文件后重新上传，也可以跳过这些行；跳过的行、原因和决定人会随本次上传保存，并在发布页显示。",
                          "The errors are confined to these rows. Fix the file, or skip them: the rows, the reason and who chose are kept with the upload."))
            reason = st.text_input(tr("跳过的原因（必填）", "Reason (required)"), key=f"skip_reason_{sha[:12]}",
                                   max_chars=200)
            if st.button(tr(f"跳过这 {n} 行", f"Skip these {n} rows"), key="upload_skip", disabled=not reason.strip()):
                ss.setdefault("_upload_skips", {})[sha] = reason.strip()
                st.rerun()
        _mapping_step(res, sha, open_map)
        st.stop()

    _mapping_step(res, sha, open_map)

    if mapping is not None and not res.preview.empty:
        st.subheader(tr("预览：将写入的数据", "Preview: the rows to be written"))
        pv = res.preview.head(200)
        st.dataframe(pd.DataFrame({
            tr("商品", "Commodity"): pv["commodity"], tr("市场", "Market"): pv["market"],
            tr("日期", "Date"): pd.to_datetime(pv["obs_date"]).dt.date, tr("价格", "Price"): pv["price"].round(2),
            tr("类型", "Type"): pv["price_type"].map({"retail": tr("零售", "retail"), "wholesale": tr("批发", "wholesale")}),
        }), hide_index=True, width="stretch", key="upload_preview")
        _save_profile(res, mapping)
    st.info(tr(f"读取 {res.rows_read} 行；将新增 {res.rows_new} 行、更正 {res.rows_revised} 行；"
               f"{res.commodities} 种商品，{res.markets} 个市场，{res.date_min} 至 {res.date_max}",
               f"{res.rows_read} rows read; {res.rows_new} new, {res.rows_revised} revised;"
               f" {res.commodities} commodities, {res.markets} markets, {res.date_min} to {res.date_max}"))
    if skip_reason:
        st.warning(tr(f"将按你的选择跳过 {sum(x['count'] for x in res.skipped)} 行（原因：{skip_reason}）。",
                      f"{sum(x['count'] for x in res.skipped)} rows will be skipped (reason: {skip_reason})."))
        if st.button(tr("不跳过，重新校验", "Do not skip"), key="upload_unskip"):
            ss["_upload_skips"].pop(sha, None)
            st.rerun()
    if not res.changes.empty:
        st.subheader(tr("将更正的价格（原值 → 新值）", "Prices to be revised (old → new)"))
        st.dataframe(pd.DataFrame({
            tr("商品", "Commodity"): res.changes["commodity"], tr("市场", "Market"): res.changes["market"],
            tr("日期", "Date"): pd.to_datetime(res.changes["obs_date"]).dt.date,
            tr("原值", "Old"): res.changes["old_price"].round(2),
            tr("新值", "New"): res.changes["new_price"].round(2)}), hide_index=True, width="stretch")
    if res.rows_new and mapping is None:
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
        for w in res.warnings:
            sug = w.params.get("suggestions") or []
            if w.code == "unknown_commodity" and sug:
                if st.button(tr(f"「{w.params['name']}」就是「{sug[0]}」（记为别名）",
                                f"\"{w.params['name']}\" is \"{sug[0]}\" (save as an alias)"),
                             key=f"alias_{w.params['name']}"):
                    a, t = w.params["name"], sug[0]
                    _act(lambda a=a, t=t: add_alias(store, a, t, actor=user.name),
                         lambda _r, a=a, t=t: tr(f"「{a}」已记为「{t}」的别名，以后自动识别。",
                                                 f"\"{a}\" is now an alias of \"{t}\"."))
        confirmed = st.multiselect(
            tr("确认以下名称为新商品/新市场并加入目录（未勾选的行不导入）",
               "Confirm these as new commodities/markets (rows with unticked names are not loaded)"),
            res.unknown_names, default=[], key="upload_new_names", placeholder=tr("选择名称", "Choose names"))
    _reasons()
    ticked = True
    if not others.empty:
        st.subheader(tr(f"其他提示 {len(others)} 条", f"{len(others)} other warnings"))
        show_issues(others, "upload_warnings")
        ticked = st.checkbox(tr("我已核对以上其他提示，确认导入", "I have checked the other warnings"), key="upload_ack")
    missing = [r for r in per_row.itertuples(index=False) if row_key(r.sheet, r.row) not in confirm_rows]
    if missing:
        st.caption(tr(f"还有 {len(missing)} 行没有写明确认原因。", f"{len(missing)} rows still need a reason."))
    if st.button(tr("确认导入（待发布）", "Load (pending release)"), type="primary", key="upload_go",
                 disabled=not ticked or bool(missing)):
        done = upload.confirm(store, f.name, data, replace(opts, warnings_checked=not others.empty), confirmed)
        if done.status == "rejected":
            st.error(tr("导入失败：", "Load failed: ") + "；".join(
                md_escape(upload.page_message(i.message(lang()))) for i in done.errors))
        else:
            ss.pop("_upload_key", None)
            ss["_upload_n"] = ss.get("_upload_n", 0) + 1
            ss.pop("upload_report_pick", None)  # show the report of the new upload
            ss["_upload_flash"] = (
                tr(f"「{done.file}」已导入，上传编号 {done.upload_id}，新增 {done.rows_new} 行、更正 {done.rows_revised} 行，待审核发布。",
                   f"\"{done.file}\" loaded as upload #{done.upload_id}: {done.rows_new} new, {done.rows_revised} revised; pending release.")
                if done.status == "loaded" else tr(f"「{done.file}」与已有数据相同，无变化。", f"\"{done.file}\" is unchanged."))
            st.rerun()

st.divider()
profiles = list_profiles(store)
with st.expander(tr(f"导入方案（{len(profiles)} 个）", f"Import profiles ({len(profiles)})")):
    if not profiles:
        st.caption(tr("还没有导入方案。文件读不出来时，在上方手动指定各列，预览后即可保存为方案。",
                      "No profiles yet. Map a file's columns above, preview, then save the mapping as a profile."))
    else:
        st.markdown("\n".join(f"- **{md_escape(n)}**：{md_escape(describe(m))}"
                              f"  \n  :gray[{md_escape(f'{by} · {shown_time(at)}')}]"
                              for n, m, by, at in profiles))
        pick = st.selectbox(tr("选择方案", "Profile"), [n for n, *_ in profiles], key="profile_pick",
                            placeholder=choose())
        c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        new_name = c1.text_input(tr("新名称", "New name"), key="profile_new_name", max_chars=60)
        if c2.button(tr("改名", "Rename"), key="profile_rename", disabled=not new_name.strip()):
            _act(lambda: rename_saved(store, pick, new_name, user.name),
                 lambda _r: tr(f"导入方案「{pick}」已改名为「{new_name.strip()}」。", "Profile renamed."))
        if c3.button(tr("删除", "Delete"), key="profile_delete"):
            delete_saved(store, pick, user.name)
            ss["_upload_flash"] = tr(f"导入方案「{pick}」已删除。", "Profile deleted.")
            st.rerun()

st.subheader(tr("上传记录", "Upload history"))
hist = upload.history(store)
if hist.empty:
    st.caption(tr("还没有上传。", "No uploads yet."))
else:
    status = {"pending": tr("待发布", "pending"), "released": tr("已发布", "released"),
              "superseded": tr("已被更正", "superseded")}
    reports = [upload.stored_report(r) for r in hist["report"]]
    st.dataframe(pd.DataFrame({
        tr("编号", "ID"): hist["id"], tr("文件", "File"): hist["file_name"], tr("上传人", "By"): hist["uploaded_by"],
        tr("时间", "When"): shown_times(hist["uploaded_at"]), tr("状态", "Status"): hist["status"].map(status),
        tr("读取", "Read"): hist["rows_read"], tr("导入", "Loaded"): hist["rows_loaded"],
        tr("更正", "Revised"): hist["rows_revised"],
        tr("跳过", "Skipped"): [sum(int(x.get("count", 1)) for x in (r.get("skipped") or {}).get("rows", []))
                               for r in reports],
        tr("逐行确认", "Confirmed"): [len(r.get("confirmed") or []) for r in reports],
        tr("导入方案", "Profile"): [r.get("profile") or "" for r in reports]}), hide_index=True, width="stretch")
    pick = st.selectbox(tr("查看某次上传的校验报告", "Show the report of an upload"), list(hist["id"]),
                        format_func=lambda i: f"#{i} {hist.loc[hist['id'] == i, 'file_name'].iloc[0]}",
                        key="upload_report_pick", placeholder=choose())
    stored = upload.stored_report(hist.loc[hist["id"] == pick, "report"].iloc[0])
    show_choices(stored)
    rep = upload.report_rows(stored)
    if rep.empty:
        st.caption(tr("该上传没有错误或提示。", "No errors or warnings."))
    else:
        show_issues(rep, "upload_history_report")
