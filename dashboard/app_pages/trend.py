"""商品走势 (/trend): one commodity over time; ``/trend?commodity=猪肉(五花)`` opens it.

The view lives in the URL (commodity, range 3m|1y|all, view avg|markets), so a copied link
reopens it. The published notes that cite the commodity are stars on the chart at their
periods (hover shows the title) and are listed beside it (below it on a phone).
"""

import streamlit as st

from dashboard import charts, data
from dashboard.alert_view import alert_line
from dashboard.i18n import choose, nm, nm_frame, tr
from dashboard.messages import stop_on_refusal
from dashboard.share import range_choice, share_box, url_choice
from pricewatch.errors import PricewatchError
from pricewatch.notes.render import escape_markdown
from pricewatch.periods import parse_period

VIEW_LABELS = {"avg": ("均价", "Average"), "markets": ("分市场", "By market")}

st.title(tr("商品走势", "Price trends"))
with stop_on_refusal():
    com = data.commodities()
    notes = data.published_notes()

# the commodities with released prices in the latest period, in catalog order (a name that
# only exists in a pending upload is not offered)
names = data.board(public=True)["commodity"].tolist()
if not names:
    st.info(tr("还没有已发布的价格数据。", "No released prices yet."))
    share_box("/trend")
    st.stop()
# a link naming a commodity this page does not have (a typo, a name with no released
# price) says so, instead of quietly showing the first commodity as if it were the one asked
wanted = st.query_params.get("commodity")
unknown = wanted if wanted and "commodity" not in st.session_state and wanted not in names else None
pick = st.selectbox(tr("商品", "Commodity"), names, key="commodity", bind="query-params",
                    placeholder=choose(), format_func=nm)
if unknown:
    st.warning(tr(f"没有找到商品「{escape_markdown(unknown)}」（或它还没有已发布的价格），"
                  f"下面显示的是「{escape_markdown(pick)}」。请在上方选择商品。",
                  f"No item named “{escape_markdown(unknown)}” (or it has no released prices); "
                  f"showing {escape_markdown(nm(pick))} instead. Pick an item above."),
               icon=":material/search_off:")
c1, c2 = st.columns(2)
with c1:
    rng = range_choice()
with c2:
    view = url_choice(tr("显示", "Show"), VIEW_LABELS, "avg", key="view", width="stretch")

# this period's 价格预警 for the commodity (the public report's: a badge with the level in words)
rep = data.report(public=True)
mine = [a for a in (rep.alerts if rep is not None else []) if a.get("commodity") == pick]
if mine:
    st.markdown("\n\n".join(alert_line({**a, "commodity": None}) for a in mine))

unit = nm(str(com.loc[com["name"] == pick, "unit"].iloc[0]), "unit")
frame = data.trend(pick, rng)
if frame.empty:
    st.info(tr("该商品还没有已发布的价格。", "No released prices for this item yet."))
    share_box("/trend", {"commodity": pick, "range": rng, "view": view})
    st.stop()

# the published notes citing this commodity, newest first, and those in the shown range
cited = [n for n in notes if pick in n.commodities]
first, last = frame["period_start"].min(), frame["period_start"].max()
markers = []
for n in cited:
    try:
        p = parse_period(n.period) if n.period else None
    except PricewatchError:
        p = None
    if p is not None and first <= p.start <= last:
        markers.append(charts.Marker(p.start, n.title))

per_market = nm_frame(data.market_trend(pick, rng), ["market"]) if view == "markets" else None
chart_col, notes_col = st.columns([2, 1])
with chart_col:
    fig = charts.trend(frame, title=nm(pick), unit=unit, labels=data.trend_labels(),
                       markets=per_market, markers=markers)
    st.plotly_chart(fig, width="stretch", config=charts.CONFIG, key="trend_chart")
    latest = frame.iloc[-1]
    st.caption(tr(
        f"最新一期 {latest['period_start']:%Y-%m-%d} 当周均价 {latest['price']:.2f} {unit}"
        f"（{int(latest['markets'])}个市场报价）。虚线为去年同期，点线为4期移动平均，★为价格解读。",
        f"Latest: week of {latest['period_start']:%Y-%m-%d}, average {latest['price']:.2f} {unit} "
        f"({int(latest['markets'])} markets). Dashed: same period last year; dotted: 4-period "
        "moving average; ★: a note."))
with notes_col:
    st.markdown(f"#### {tr('相关解读', 'Related notes')}")
    if not cited:
        st.caption(tr("暂无涉及该商品的解读。", "No notes on this item yet."))
    for n in cited[:8]:
        st.page_link("app_pages/notes.py", label=escape_markdown(n.title), icon=":material/article:",
                     query_params={"note": n.id})
        st.caption(" · ".join(x for x in (n.period or "", (n.published_at or "")[:10]) if x))

share_box("/trend", {"commodity": pick, "range": rng, "view": view})
