"""商品走势: one commodity over time (/trend?commodity=猪肉(五花))."""

import streamlit as st

from dashboard import charts, data
from dashboard.i18n import tr

st.title(tr("商品走势", "Price trends"))
com = data.commodities()
names = com["name"].tolist()
pick = st.selectbox(tr("商品", "Commodity"), names, key="commodity", bind="query-params")
if pick:
    df = data.series(pick)
    unit = com.loc[com["name"] == pick, "unit"].iloc[0]
    if df.empty:
        st.info(tr("该商品还没有已发布的价格。", "No released prices for this item yet."))
    else:
        st.plotly_chart(charts.trend(df, title=pick, unit=unit, avg_label=tr("均价", "Average")),
                        width="stretch", config={"displayModeBar": False})
