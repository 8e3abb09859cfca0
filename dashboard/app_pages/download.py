"""数据下载 (/download): released prices as CSV or Excel, for a range and some commodities.

The file is what ``python -m pricewatch export --public`` writes (dashboard.data.export):
released data only, one row per observation, text cells that look like formulas prefixed
with ' so a spreadsheet shows them as text, numbers kept as numbers.
"""

from datetime import timedelta

import streamlit as st

from dashboard import data
from dashboard.i18n import nm, tr
from dashboard.messages import stop_on_refusal
from dashboard.share import share_box, url_choice
from dashboard.state import settings

RANGE_LABELS = {"latest": ("本期", "Latest"), "3m": ("近3个月", "3 months"), "1y": ("近1年", "1 year"),
                "all": ("全部", "All")}

st.title(tr("数据下载", "Download data"))
with stop_on_refusal():
    rep = data.report(public=True)
if rep is None:
    st.info(tr("还没有已发布的价格数据。", "No released prices yet."))
    share_box("/download")
    st.stop()

rng = url_choice(tr("时间范围", "Range"), RANGE_LABELS, "3m", key="range", width="stretch")
picked = st.multiselect(
    tr("商品（不选即全部）", "Items (none = all)"), data.board(public=True)["commodity"].tolist(), key="c",
    bind="query-params", placeholder=tr("全部商品", "All items"), format_func=nm,
)

end = rep.period.end
if rng == "latest":
    start = rep.period.start  # the period the home page's board shows
else:
    days = data.RANGES.get(rng)
    start = end - timedelta(days=days - 1) if days else None
with stop_on_refusal():
    csv_bytes, n_rows, head = data.export("csv", start, end, picked)
    xlsx_bytes = data.export_later("xlsx", start, end, picked)

span = f"{start:%Y-%m-%d}" if start else tr("最早", "the first record")
st.caption(tr(f"{span} 至 {end:%Y-%m-%d}，共 {n_rows} 条已发布记录",
              f"{span} to {end:%Y-%m-%d}: {n_rows} released records"))
# on_click="ignore": a download does not rerun the page (the other button stays valid)
stem = f"价格监测_{(start or end):%Y%m%d}-{end:%Y%m%d}"
b1, b2 = st.columns(2)
b1.download_button(tr("下载 CSV", "Download CSV"), csv_bytes, file_name=f"{stem}.csv",
                   mime="text/csv", icon=":material/download:", width="stretch", key="dl_csv",
                   disabled=n_rows == 0,
                   on_click="ignore")
b2.download_button(tr("下载 Excel", "Download Excel"), xlsx_bytes, file_name=f"{stem}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table:", width="stretch", key="dl_xlsx", disabled=n_rows == 0,
                   on_click="ignore")

if n_rows:
    st.markdown(f"#### {tr('预览（前20行）', 'Preview (first 20 rows)')}")
    st.dataframe(head, hide_index=True, width="stretch", key="preview",
                 column_config={tr("价格", "price"): st.column_config.NumberColumn(format="%.2f")})

st.markdown(f"#### {tr('字段、单位与来源', 'Fields, units and source')}")
st.markdown(tr(
    f"""
- **日期** 采价日期；**市场**、**商品**、**分类** 如其名。
- **单位** 计量单位：价格一律换算为该商品的标准单位（一般为元/公斤；按斤报价的乘以2换算；
  按桶、个等计价的商品保持原单位）。
- **价格** 该市场当日价格（数值，未四舍五入）；**价格类型** 零售或批发。
- 更正不会覆盖历史，公开的是每个价格最新一次已发布的修订；文件中只有已发布数据。
- 来源：{settings().bureau_name}价格监测，各监测点每周上报，经审核发布后公开。
""",
    f"""
- **date** survey date; **market**; **commodity**; **category**.
- **unit**: prices are converted to the item's standard unit (usually yuan/kg; quotes per
  jin are doubled; items priced per bottle or piece keep their unit).
- **price**: that market's price on that day (a number, unrounded); **price_type** retail or
  wholesale.
- A correction never overwrites history; the file holds the newest released revision of
  each price, released data only.
- Source: price monitoring of {settings().bureau_name}; markets report weekly, data are
  public after review and release.
"""))

share_box("/download", {"range": rng, "c": picked})
