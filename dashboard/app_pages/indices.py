"""分类指数 (/indices): category price indices over time (定基, the first period = 100).

The index of a category is the fixed-weight Laspeyres basket of pricewatch.indicators
(category_index_series): 100 x sum(w x P_t / P_base) / sum(w) over its commodities.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.i18n import nm, nm_frame, tr
from dashboard.messages import stop_on_refusal
from dashboard.share import range_choice, share_box

st.title(tr("分类指数", "Category indices"))
with stop_on_refusal():
    rep = data.report(public=True)
    full = data.category_indices("all")
if rep is None or full.empty:
    st.info(tr("还没有已发布的价格数据。", "No released prices yet."))
    share_box("/indices")
    st.stop()

base = full.iloc[0]
rng = range_choice()
cats = list(dict.fromkeys(full["category"]))
picked = st.multiselect(tr("分类（不选即全部）", "Categories (none = all)"), cats, key="category",
                        bind="query-params", placeholder=tr("全部分类", "All categories"), format_func=nm)
frame = data.category_indices(rng)
if picked:
    frame = frame[frame["category"].isin(picked)]
st.plotly_chart(
    charts.lines(nm_frame(frame.assign(index=frame["index"].astype("float64")), ["category"]),
                 x="period_start", y="index",
                 group="category", title=tr("分类价格指数", "Category price indices"),
                 y_title=tr("指数", "Index"), baseline=100.0),
    width="stretch", config=charts.CONFIG, key="indices")

st.markdown(f"#### {tr('最新一期', 'Latest period')} · {tr(rep.period.label_zh, rep.period.label)}")
latest = pd.DataFrame(rep.categories)
if not latest.empty:
    if picked:
        latest = latest[latest["category"].isin(picked)]
    st.dataframe(
        pd.DataFrame({
            tr("分类", "Category"): [nm(c, "category") for c in latest["category"]],
            tr("指数", "Index"): latest["index"].astype("float64"),
            tr("环比", "WoW"): [charts.fmt_pct(v, tr("持平", "flat")) for v in latest["wow_pct"]],
        }),
        hide_index=True, width="stretch", key="latest_indices",
        column_config={tr("指数", "Index"): st.column_config.NumberColumn(format="%.1f")})
st.caption(tr(
    f"定基指数：以{base['period']}为基期（=100），按商品目录中的权数加权（固定权数的拉氏指数），"
    "只计入基期和当期都有价格的商品。",
    f"Fixed-base index: {base['period']} = 100, weighted by the catalog's weights (a fixed-weight "
    "Laspeyres basket) over the items priced in both the base and the current period."))

share_box("/indices", {"range": rng, "category": picked})
