"""领导简报: one period on one screen, and one click to the A4 PDF or the Word file.

Staff only (leader, reviewer, editor; admin): the staff variant may show unreleased data,
each such figure marked 未公开. Every download is generated on the click and archived; the
archive of the chosen period is listed below with its own download buttons.
"""

import pandas as pd
import streamlit as st

from dashboard.i18n import choose, tr
from dashboard.messages import stop_on_refusal
from dashboard.state import get_store, require_user, settings, shown_times
from pricewatch import briefing, indicators
from pricewatch import textfmt as tf
from pricewatch.briefing.model import SECRET_MARK, UNRELEASED
from pricewatch.indicators import ALPS_EXPLAINED, ALPS_EXPLAINED_EN
from pricewatch.periods import shift

N_PERIODS = 26

user = require_user("briefing", "领导简报仅供工作人员查看。", "The briefing is for staff only.")

st.title(tr("领导简报", "Leadership briefing"))
store = get_store()
conf = settings()

FREQS = {"day": tr("日报", "Daily"), "week": tr("周报", "Weekly"), "xun": tr("旬报", "Ten-day"),
         "month": tr("月报", "Monthly")}
with stop_on_refusal():
    detected = indicators.default_freq(store, public=False)
    freq = st.segmented_control(tr("周期", "Frequency"), list(FREQS), format_func=FREQS.get,
                                default=detected, key="freq") or detected
    latest = indicators.resolve_period(store, public=False, freq=freq)
if latest is None:
    st.info(tr("还没有价格数据。", "No price data yet."))
    st.stop()

options = [shift(latest, -k).label for k in range(N_PERIODS)]
labels = {shift(latest, -k).label: shift(latest, -k).label_zh for k in range(N_PERIODS)}
c1, c2 = st.columns([2, 1])
period = c1.selectbox(tr("期间", "Period"), options, format_func=labels.get, key="period",
                      placeholder=choose())
public = c2.toggle(tr("公开版（仅已发布数据）", "Public variant (released data only)"),
                   key="public", help=tr("公开版可作为已发布解读的附件；内部版可含未发布数据。",
                                         "The public variant can be attached to a published note."))

with stop_on_refusal(warning=True):
    b = briefing.build(store, conf, period, public=public)

if b.has_unreleased:
    st.error(f"**{SECRET_MARK}** — " + tr(
        f"本简报含尚未发布的数据（标“{UNRELEASED}”），仅供内部参考，不得对外引用。",
        "This briefing includes unreleased data (marked 未公开); internal use only."))
issue = b.issue.text + ("" if b.issue.assigned else tr("（生成文件时编号）", " (numbered when a file is made)"))
st.caption(f"{b.title}　{issue}　" + tr(
    f"监测单位：{b.bureau_name}　监测日期：{b.monitoring_dates}　{b.variant_text}",
    f"{b.bureau_name} · {b.monitoring_dates} · {b.variant_text}"))


# when every figure is unreleased the banner above says so once; otherwise each name is marked
per_row = b.has_unreleased and not all(i.unreleased for i in b.items)


def _named(name: str, unreleased: bool) -> str:
    """A name with its 〔未公开〕 mark (no column of its own: it would be empty for most rows)."""
    return f"{name}〔{UNRELEASED}〕" if per_row and unreleased else name


# -- downloads: generated and archived on the click ---------------------------------------
def _make(kind: str):
    def run() -> bytes:
        return briefing.generate(store, conf, period, public=public, fmt=kind,
                                 actor=user.name).content
    return run


stem = f"{conf.bureau_name}价格监测简报_{period}_{'公开版' if public else '内部版'}"
d1, d2, _ = st.columns([1, 1, 2])
d1.download_button(tr("下载 PDF（A4）", "Download PDF (A4)"), data=_make("pdf"),
                   file_name=f"{stem}.pdf", mime=briefing.archive.MIME["pdf"], type="primary",
                   icon=":material/picture_as_pdf:", on_click="ignore", key="dl_pdf")
d2.download_button(tr("下载 Word", "Download Word"), data=_make("docx"),
                   file_name=f"{stem}.docx", mime=briefing.archive.MIME["docx"],
                   icon=":material/description:", on_click="ignore", key="dl_docx")

# -- the screen ---------------------------------------------------------------------------
s = b.summary
st.subheader(b.headline + (f"  〔{UNRELEASED}〕" if b.has_unreleased else ""))
m = st.columns(4)
m[0].metric(tr("上涨", "Up"), s["up"])
m[1].metric(tr("下降", "Down"), s["down"])
m[2].metric(tr("持平", "Flat"), s["flat"])
m[3].metric(tr("监测商品", "Items"), s["n"])

st.markdown("#### " + tr("分类价格指数", "Category indices"))
if not b.categories:
    st.caption(tr("本期没有可计算的分类指数。", "No category index for this period."))
else:
    st.dataframe(pd.DataFrame({
        tr("类别", "Category"): [_named(c.category, c.unreleased) for c in b.categories],
        tr("指数", "Index"): [tf.index(c.index) for c in b.categories],
        tr("环比", "WoW"): [tf.pct(c.wow_pct) for c in b.categories],
    }), hide_index=True, width="stretch")

st.markdown("#### " + tr("涨跌幅居前的商品", "Largest movers"))
col_up, col_down = st.columns(2)
for col, movers, title in ((col_up, b.movers_up, tr("涨幅居前", "Largest rises")),
                           (col_down, b.movers_down, tr("跌幅居前", "Largest falls"))):
    with col:
        st.markdown(f"**{title}**")
        if not movers:
            st.caption(tr("无", "None"))
            continue
        st.dataframe(pd.DataFrame({
            tr("商品", "Item"): [_named(x.item.commodity, x.item.unreleased) for x in movers],
            tr("均价", "Price"): [f"{tf.price(x.item.price)} {x.item.unit}" for x in movers],
            tr("环比", "WoW"): [tf.pct(x.item.wow_pct) for x in movers],
            tr("走势", "Trend"): [[v for _, v in x.spark] for x in movers],
        }), hide_index=True, width="stretch",
            column_config={tr("走势", "Trend"): st.column_config.LineChartColumn(width="small")})

st.markdown("#### " + tr("价格预警", "Alerts"))
if not b.alerts:
    st.caption(tr("本期没有触发预警。", "No alerts this period."))
else:
    for a in b.alerts:
        # st.text: an alert message is shown as text, never as markdown or HTML
        st.text(f"• {a.message}" + (f"  〔{UNRELEASED}〕" if a.unreleased else ""))
    if not b.public and any(a.kind == "alps" for a in b.alerts):
        st.caption(tr(ALPS_EXPLAINED, ALPS_EXPLAINED_EN))

st.markdown("#### " + tr("未报送市场", "Markets that did not report"))
st.text("、".join(b.missing_markets) if b.missing_markets
        else tr("上期报送的市场本期均已报送。", "Every market that reported last period reported."))

st.markdown("#### " + tr("与上期、去年同期比较", "Against last period and last year"))
st.dataframe(pd.DataFrame({
    tr("类别", "Category"): [i.category for i in b.items],
    tr("商品", "Item"): [_named(i.commodity, i.unreleased) for i in b.items],
    tr("单位", "Unit"): [i.unit for i in b.items],
    tr("本期", "Price"): [tf.price(i.price) for i in b.items],
    tr("上期", "Previous"): [tf.price(i.prev_price) for i in b.items],
    tr("环比", "WoW"): [tf.pct(i.wow_pct) for i in b.items],
    tr("去年同期", "Last year"): [tf.price(i.yoy_price) for i in b.items],
    tr("同比", "YoY"): [tf.pct(i.yoy_pct) for i in b.items],
}), hide_index=True, width="stretch", height=420)
st.caption(tr("环比、同比按两期都有报价的市场计算；价格为各市场均价。",
              "Changes use markets that reported in both periods; prices are market averages."))

st.markdown("#### " + tr("本期价格解读", "Notes of the period"))
if not b.notes:
    st.caption(tr("本期暂无解读。", "No notes for this period."))
for n in b.notes:
    with st.container(border=True):
        st.text(f"{n.title}  〔{n.kind} · {n.status_text}〕")
        st.caption(n.excerpt)

# -- the archive --------------------------------------------------------------------------
st.divider()
st.markdown("#### " + tr("简报归档", "Archive"))
arch = briefing.archive.listing(store, period=period)
if arch.empty:
    st.caption(tr("本期还没有生成过简报。", "No briefing generated for this period yet."))
else:
    st.dataframe(pd.DataFrame({
        tr("编号", "ID"): arch["id"],
        tr("版本", "Variant"): arch["public"].map(lambda p: tr("公开版", "public") if p else tr("内部版", "internal")),
        tr("格式", "Format"): arch["format"],
        tr("生成时间", "Made"): shown_times(arch["created_at"]),
        tr("生成人", "By"): arch["created_by"],
    }), hide_index=True, width="stretch")
    pick = st.selectbox(tr("取出归档简报", "Download an archived briefing"), arch["id"].tolist(),
                        format_func=lambda i: f"#{i} {arch.loc[arch['id'] == i, 'file_name'].iloc[0]}",
                        key="archived", placeholder=choose())
    if pick is not None:
        row = arch[arch["id"] == pick].iloc[0]

        def _fetch(bid: int = int(pick)) -> bytes:
            return briefing.archive.fetch(store, conf, bid)[1]

        st.download_button(tr("下载归档文件", "Download archived file"), data=_fetch,
                           file_name=str(row["file_name"]), mime=briefing.archive.MIME[row["format"]],
                           on_click="ignore", key="dl_archived")
