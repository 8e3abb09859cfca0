"""本周价格: the latest released period, by category, and a trend for a chosen commodity."""

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.i18n import tr
from pricewatch.errors import PricewatchError


def _fmt_pct(v: float | None) -> str:
    if v is None:
        return "—"
    if v == 0:
        return tr("持平", "flat")
    return f"{'▲' if v > 0 else '▼'} {abs(v):.1f}%"


def _colour(v: str) -> str:
    if v.startswith("▲"):
        return f"color: {charts.UP}"
    if v.startswith("▼"):
        return f"color: {charts.DOWN}"
    return f"color: {charts.FLAT}"


try:
    rep = data.report(public=True)
except PricewatchError as e:
    st.error(str(e))
    st.stop()

st.title(tr("本周价格", "This week's prices"))
if rep is None or rep.items.empty:
    st.info(tr("还没有已发布的价格数据。", "No released prices yet."))
    st.stop()

j = rep.to_json()
s = j["summary"]
st.caption(f"{rep.period.label_zh if tr('zh', 'en') == 'zh' else rep.period.label} · "
           f"{rep.period.start:%Y-%m-%d} — {rep.period.end:%Y-%m-%d}")
st.subheader(tr(f"本周监测{s['n']}种商品,{s['up']}种上涨、{s['down']}种下降、{s['flat']}种持平",
                f"{s['n']} items monitored: {s['up']} up, {s['down']} down, {s['flat']} flat"))

items = pd.DataFrame(j["items"])
for category, g in items.groupby("category", sort=False):
    with st.expander(f"{category}({len(g)})", expanded=True):
        table = pd.DataFrame({
            tr("商品", "Item"): g["commodity"],
            tr("单位", "Unit"): g["unit"],
            tr("均价", "Price"): g["price"].map(lambda v: f"{v:.2f}"),
            tr("环比", "WoW"): g["wow_pct"].map(_fmt_pct),
            tr("同比", "YoY"): g["yoy_pct"].map(_fmt_pct),
        })
        styled = table.style.map(_colour, subset=[tr("环比", "WoW"), tr("同比", "YoY")])
        st.dataframe(styled, hide_index=True, width="stretch")

st.divider()
names = items["commodity"].tolist()
pick = st.selectbox(tr("查看走势", "Trend for"), names, key="commodity", bind="query-params")
if pick:
    unit = items.loc[items["commodity"] == pick, "unit"].iloc[0]
    st.plotly_chart(charts.trend(data.series(pick), title=pick, unit=unit,
                                 avg_label=tr("均价", "Average")),
                    width="stretch", config={"displayModeBar": False})
st.caption(tr("环比、同比按两期都有报价的市场计算;价格为各市场均价。",
              "Changes use markets that reported in both periods; prices are market averages."))
