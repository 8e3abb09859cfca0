"""撰写解读 (editors): my notes, a new note (生成本期分析初稿), editing with a live preview,
attachments, the checks, and 提交审核. The preview is the sanitised HTML of
pricewatch.notes.render (raw HTML in a note shows as text; javascript:/data: links lose
their target)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import choose, tr
from dashboard.messages import show_error
from dashboard.state import get_store, require_user, settings, shown_time
from pricewatch.errors import PricewatchError
from pricewatch.indicators import resolve_period
from pricewatch.notes import draft
from pricewatch.notes.checks import render_body
from pricewatch.notes.model import EXT_TYPES, KINDS
from pricewatch.notes.render import markdown_to_html
from pricewatch.notes.workflow import EDITABLE, Notebook

NEW = "__new__"
ss = st.session_state
st.title(tr("撰写解读", "Write notes"))
user = require_user("write_note", "只有编辑可以撰写解读。", "Only editors write notes.")

store, cfg = get_store(), settings()
book = Notebook(store, cfg)


if "_edit_next" in ss:  # chosen after a rerun: set before the selectbox exists
    ss["edit_pick"] = ss.pop("_edit_next")
if "_flash" in ss:
    st.success(ss.pop("_flash"))

mine = book.list(user, author=None if user.role == "admin" else user.name)
if mine:
    with st.expander(tr(f"我的解读（{len(mine)}）", f"My notes ({len(mine)})"), expanded=False):
        st.dataframe(pd.DataFrame({
            tr("编号", "ID"): [n.id for n in mine], tr("标题", "Title"): [n.title for n in mine],
            tr("类型", "Kind"): [n.kind for n in mine], tr("期间", "Period"): [n.period or "" for n in mine],
            tr("状态", "Status"): [n.status_name + (" ⚠待更正" if n.status == "published" and book.stale(n)
                                                   else "") for n in mine],
            tr("版本", "Version"): [n.version for n in mine],
        }), hide_index=True, width="stretch")
labels = {NEW: tr("＋ 新建解读", "+ New note")}
labels |= {n.id: f"{n.title} · {n.status_name} · {n.id}" for n in mine}
pick = st.selectbox(tr("选择解读", "Note"), list(labels), format_func=labels.get, key="edit_pick",
                    placeholder=choose())

if pick == NEW:
    try:
        latest = resolve_period(store, public=False)
    except PricewatchError:
        latest = None
    kind = st.selectbox(tr("类型", "Kind"), KINDS, key="new_kind", placeholder=choose())
    period = st.text_input(tr("期间（周：2026-W47，月：2026-11；政策解读可留空）",
                              "Period (2026-W47 or 2026-11; may be empty for a policy note)"),
                           value=latest.label if latest else "", key="new_period")
    title = st.text_input(tr("标题（生成初稿时可留空）", "Title (may be empty with a draft)"),
                          key="new_title", max_chars=200)
    gen = st.checkbox(tr("生成本期分析初稿", "Generate the period's first draft"),
                      value=kind == "价格监测分析", key="new_gen")
    corrects = None
    if kind == "更正说明":
        published = [n.id for n in book.list(user, status="published")]
        corrects = st.selectbox(tr("更正哪一篇", "Corrects"), published, key="new_corrects", placeholder=choose())
    if st.button(tr("新建", "Create"), type="primary", key="new_create"):
        try:
            body = ""
            if gen and period.strip():
                t, body = draft.for_period(store, cfg, period.strip())
                title = title.strip() or t
            n = book.create(user, title=title.strip(), kind=kind, period=period.strip() or None,
                            body=body, corrects=corrects)
        except PricewatchError as e:
            show_error(e)
        else:
            ss["_edit_next"] = n.id
            ss["_flash"] = tr(f"已新建 {n.id}", f"Created {n.id}")
            st.rerun()
    st.stop()

try:
    note = book.repo.get(pick)
except PricewatchError as e:
    show_error(e)
    st.stop()

st.caption(f"{note.kind} · {note.period or '—'} · {tr('状态：', 'Status: ')}{note.status_name} · "
           f"{tr('第', 'v')}{note.version}{tr('版', '')} · {note.id}")
for c in note.review_comments:
    st.info(f"{shown_time(c.get('at'))} {c.get('by', '')}: {c.get('comment', '')}")

editable = note.status in EDITABLE and (note.author == user.name or user.role == "admin")
key = f"{note.id}_{note.version}"
if not editable:
    st.warning(tr(f"当前状态为「{note.status_name}」，不能修改。", f"Status {note.status}: read only."))
    st.html(markdown_to_html(render_body(store, note, public=False)))
    st.stop()

com = data.commodities()
names = com["name"].tolist() if not com.empty else []
cats = sorted(set(com["category"])) if not com.empty else []
# widget state starts from the saved note (no value= with key=, so setting it later is clean)
for k, v in ((f"title_{key}", note.title), (f"period_{key}", note.period or ""),
             (f"com_{key}", [c for c in note.commodities if c in names]),
             (f"cat_{key}", [c for c in note.categories if c in cats]), (f"body_{key}", note.body)):
    ss.setdefault(k, v)
if f"_body_next_{key}" in ss:
    ss[f"body_{key}"] = ss.pop(f"_body_next_{key}")
left, right = st.columns(2)
with left:
    title = st.text_input(tr("标题", "Title"), key=f"title_{key}", max_chars=200)
    period = st.text_input(tr("期间", "Period"), key=f"period_{key}")
    commodities = st.multiselect(tr("涉及商品", "Items"), names, key=f"com_{key}",
                                 placeholder=tr("选择商品", "Choose items"))
    categories = st.multiselect(tr("涉及类别", "Categories"), cats, key=f"cat_{key}",
                                placeholder=tr("选择类别", "Choose categories"))
    body = st.text_area(
        tr("正文（Markdown；可用占位符 {{price 商品}}、{{wow 商品}}、{{yoy 商品}}）",
           "Body (Markdown; placeholders {{price item}}, {{wow item}}, {{yoy item}})"),
        height=460, key=f"body_{key}")
with right:
    st.markdown(f"**{tr('预览', 'Preview')}**")
    preview = replace(note, body=body, period=period.strip() or None)
    try:
        st.html(markdown_to_html(render_body(store, preview, public=False)))
    except PricewatchError as e:
        show_error(e)

changes = {"title": title.strip(), "body": body, "period": period.strip() or None,
           "commodities": commodities, "categories": categories}
b1, b2, b3 = st.columns(3)
if b1.button(tr("保存", "Save"), key="edit_save", type="primary"):
    try:
        book.edit(user, note.id, expected_version=note.version, **changes)
    except PricewatchError as e:
        show_error(e)
    else:
        ss["_flash"] = tr("已保存", "Saved")
        st.rerun()


def _regenerate() -> None:
    """Replace the body with a fresh draft (the title and the other fields stay)."""
    try:
        _, text = draft.for_period(store, cfg, period.strip())
    except PricewatchError as e:
        show_error(e)
    else:
        ss[f"_body_next_{key}"] = text
        ss.pop(f"_regen_ask_{key}", None)
        st.rerun()


if b2.button(tr("生成本期分析初稿", "Generate first draft"), key="edit_gen"):
    if body != note.body:  # unsaved edits: never overwritten without asking
        ss[f"_regen_ask_{key}"] = True
    else:
        _regenerate()
if ss.get(f"_regen_ask_{key}"):
    st.warning(tr("正文有尚未保存的修改。重新生成初稿会用新初稿替换整篇正文，这些修改将丢失。",
                  "The text has unsaved changes; a new draft replaces the whole text and they are lost."))
    k1, k2, k3 = st.columns(3)
    if k1.button(tr("替换为新初稿", "Replace with the new draft"), key="regen_confirm", type="primary"):
        _regenerate()
    if k2.button(tr("先保存再生成", "Save, then generate"), key="regen_save"):
        try:
            _, fresh = draft.for_period(store, cfg, period.strip())
            book.edit(user, note.id, expected_version=note.version, **changes)
        except PricewatchError as e:
            show_error(e)
        else:
            # the saved version is the next one: its widgets start from the saved text
            ss[f"_body_next_{note.id}_{note.version + 1}"] = fresh
            ss.pop(f"_regen_ask_{key}", None)
            ss["_flash"] = tr("已保存；正文已换成新初稿（尚未保存）", "Saved; the text is now the new draft (not saved)")
            st.rerun()
    if k3.button(tr("取消", "Cancel"), key="regen_cancel"):
        ss.pop(f"_regen_ask_{key}", None)
        st.rerun()
if b3.button(tr("提交审核", "Submit for review"), key="edit_submit"):
    try:
        book.edit(user, note.id, expected_version=note.version, **changes)
        book.submit(user, note.id)
    except PricewatchError as e:
        show_error(e)
    else:
        ss["_flash"] = tr("已提交审核", "Submitted for review")
        st.rerun()

with st.expander(tr("检查（数据核对、保密审查、数据发布）", "Checks"), expanded=False):
    try:
        results = book.checks(preview)
    except PricewatchError as e:
        show_error(e)
        results = []
    for r in results:
        icon = ":green[✔]" if r.ok else ":red[✘]"
        st.markdown(f"{icon} **{r.title}**：{r.summary}")
        for f in r.findings:
            st.text(f"  {f.get('message') or f.get('kind_name', '')}  {f.get('context', '')}"
                    + (f"  → {f['expected']}" if f.get("expected") else ""))

st.subheader(tr("附件", "Attachments"))
for a in note.attachments:
    c1, c2 = st.columns([4, 1])
    c1.text(f"📎 {a['name']} ({a['size'] / 1024:.0f} KB)")
    if c2.button(tr("删除", "Remove"), key=f"detach_{a['name']}"):
        try:
            book.remove_attachment(user, note.id, a["name"])
        except PricewatchError as e:
            show_error(e)
        else:
            st.rerun()
up = st.file_uploader(tr("添加附件（PDF、DOCX、PNG、JPEG）", "Add attachment (PDF, DOCX, PNG, JPEG)"),
                      type=[e.lstrip(".") for e in EXT_TYPES], key=f"upload_{key}")
if up is not None and st.button(tr("上传附件", "Upload"), key="attach"):
    try:
        book.add_attachment(user, note.id, up.name, up.getvalue())
    except PricewatchError as e:
        show_error(e)
    else:
        ss["_flash"] = tr(f"已添加附件 {up.name}", f"Attached {up.name}")
        st.rerun()
