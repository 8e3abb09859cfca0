"""价格解读 (/notes): published notes, newest first, with filters; ``?note=<id>`` opens one.

Only published notes exist for this page (dashboard.data.published_notes). A note's body is
rendered by pricewatch.notes (safe markdown): raw HTML in the markdown shows as text, links keep
only http/https/mailto targets. Its charts are drawn from released data; its attachments
are offered for download.
"""

from pathlib import Path

import streamlit as st

from dashboard import charts, data
from dashboard.i18n import nm, tr
from dashboard.messages import stop_on_refusal
from dashboard.share import share_box
from dashboard.state import settings
from pricewatch.errors import PricewatchError
from pricewatch.notes.render import escape_markdown
from pricewatch.periods import parse_period

# constant CSS (no note text in it): readable tables and wrapping on a phone
NOTE_CSS = """<style>
.pw-note { line-height: 1.75; overflow-wrap: anywhere; }
.pw-note table { border-collapse: collapse; margin: .5rem 0; max-width: 100%; display: block;
                 overflow-x: auto; }
.pw-note th, .pw-note td { border: 1px solid #ddd; padding: .3rem .6rem; }
.pw-note th { background: #f5f5f5; }
</style>"""

with stop_on_refusal():
    notes = data.published_notes()


def _meta_line(n: data.PublicNote) -> str:
    date_text = (n.published_at or "")[:10]
    return " · ".join(x for x in (n.kind, n.period or "", date_text) if x)


def _note_view(n: data.PublicNote) -> None:
    if st.button(tr("全部解读", "All notes"), icon=":material/arrow_back:", key="back"):
        st.query_params.clear()
        st.rerun()
    st.title(escape_markdown(n.title))
    st.caption(_meta_line(n))
    if n.commodities:
        st.caption(tr("涉及商品：", "Items: ") + tr("、", ", ").join(nm(c, "commodity") for c in n.commodities))
    if n.corrected_by:
        st.warning(tr("本文已有更正说明，请同时阅读。", "A correction to this note has been published."),
                   icon=":material/info:")
        st.page_link("app_pages/notes.py", label=tr("查看更正说明", "Read the correction"),
                     query_params={"note": n.corrected_by}, icon=":material/edit_note:")
    if n.corrects:
        st.page_link("app_pages/notes.py", label=tr("本文为更正说明，查看原解读", "This corrects an earlier note"),
                     query_params={"note": n.corrects}, icon=":material/history:")
    # n.html is sanitised by pricewatch.notes (no raw HTML, only http/https/mailto links)
    st.html(NOTE_CSS + f'<div class="pw-note">{n.html}</div>')

    # its charts: each cited commodity over the year up to the note's period, the note marked
    com = data.commodities()
    try:
        period = parse_period(n.period) if n.period else None
    except PricewatchError:
        period = None
    for name in n.commodities[:4]:
        row = com[com["name"] == name]
        if row.empty:
            continue
        frame = data.trend(name, "1y", end=period.end if period else None)
        if frame.empty:
            continue
        markers = [charts.Marker(period.start, n.title)] if period else []
        st.plotly_chart(
            charts.trend(frame, title=nm(name), unit=nm(str(row["unit"].iloc[0]), "unit"), markers=markers,
                         labels=data.trend_labels(), show_last_year=False),
            width="stretch", config=charts.CONFIG, key=f"note_chart_{name}")
        st.page_link("app_pages/trend.py", label=tr(f"{name} 完整走势", f"Full trend: {nm(name)}"),
                     icon=":material/show_chart:", query_params={"commodity": name})

    if n.attachments:
        st.markdown(f"#### {tr('附件下载', 'Attachments')}")
        for i, (name, path, mime) in enumerate(n.attachments):
            st.download_button(name, data=Path(path).read_bytes(), file_name=name, mime=mime,
                               icon=":material/attach_file:", key=f"att_{i}", width="stretch")
    share_box("/notes", {"note": n.id})


wanted = st.query_params.get("note")
if wanted:
    match = [n for n in notes if n.id == wanted]
    if match:
        _note_view(match[0])
        st.stop()
    st.warning(tr("没有找到这篇解读，它可能尚未发布或已撤回。",
                  "This note was not found: it may not be published yet, or it was withdrawn."))

st.title(tr("价格解读", "Price notes"))
all_commodities = sorted({c for n in notes for c in n.commodities})
all_categories = sorted({c for n in notes for c in n.categories})
all_periods = sorted({n.period for n in notes if n.period}, reverse=True)
any_label = tr("全部", "All")
c1, c2, c3 = st.columns(3)
with c1:
    f_com = st.selectbox(tr("商品", "Item"), all_commodities, index=None, placeholder=any_label,
                         key="commodity", bind="query-params", format_func=nm)
with c2:
    f_cat = st.selectbox(tr("分类", "Category"), all_categories, index=None, placeholder=any_label,
                         key="category", bind="query-params", format_func=nm)
with c3:
    f_per = st.selectbox(tr("期间", "Period"), all_periods, index=None, placeholder=any_label,
                         key="period", bind="query-params")

shown = [n for n in notes
         if (not f_com or f_com in n.commodities)
         and (not f_cat or f_cat in n.categories)
         and (not f_per or n.period == f_per)]
if not notes:
    st.info(tr("暂无已发布的解读。", "No published notes yet."))
elif not shown:
    st.info(tr("没有符合条件的解读。", "No notes match these filters."))
for n in shown:
    with st.container(border=True):
        st.page_link("app_pages/notes.py", label=escape_markdown(n.title), icon=":material/article:",
                     query_params={"note": n.id})
        st.caption(_meta_line(n))
        if n.summary:
            st.text(n.summary)  # plain text: nothing in it is interpreted
feed = settings().public_base_url.rstrip("/") + "/feed.xml"  # served by dashboard/server.py
st.caption(tr(f"订阅更新：[Atom 订阅源]({feed})", f"Follow new notes: [Atom feed]({feed})"))
share_box("/notes", {"commodity": f_com, "category": f_cat, "period": f_per})
