"""本周价格 (/): the latest released period: headline, alerts, the board by category, notes.

Every figure is the public report of pricewatch.indicators (released data only); the page
only lays it out. A commodity's name links to its trend page.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.alert_view import show_alerts
from dashboard.i18n import lang, nm, tr
from dashboard.messages import stop_on_refusal
from dashboard.share import share_box
from pricewatch import textfmt
from pricewatch.notes.render import escape_markdown
from pricewatch.periods import FREQ_EN

DEFAULT_UNIT = "元/公斤"


def _unit_note(g: pd.DataFrame) -> str:
    """'单位: 元/公斤' or '单位: 元/公斤; 大豆油、花生油为元/桶' for one category's rows."""
    units = g.groupby("unit", sort=False)["commodity"].apply(list)
    main = DEFAULT_UNIT if DEFAULT_UNIT in units.index else units.index[0]
    parts = [tr(f"单位：{main}", f"unit: {nm(main, 'unit')}")]
    parts += [tr(f"{'、'.join(v)}为{u}", f"{', '.join(nm(c, 'commodity') for c in v)}: {nm(u, 'unit')}")
              for u, v in units.items() if u != main]
    return tr("；", "; ").join(parts)


with stop_on_refusal():
    rep = data.report(public=True)
    notes = data.published_notes()

freq = rep.period.freq if rep is not None else "week"
st.title(tr(f"{rep.period.this_zh if rep is not None else '本周'}价格", f"This {FREQ_EN[freq]}'s prices"))
if rep is None or rep.items.empty:
    st.info(tr("还没有已发布的价格数据。", "No released prices yet."))
    share_box("/")
    st.stop()

j = rep.to_json()
s = j["summary"]
period_text = rep.period.label_zh if lang() == "zh" else rep.period.label
st.caption(f"{period_text} · {rep.period.start:%Y-%m-%d} — {rep.period.end:%Y-%m-%d}")
st.subheader(tr(rep.headline(rep.period.this_zh),
                f"{s['n']} items monitored this {FREQ_EN[rep.period.freq]}: "
                f"{s['up']} up, {s['down']} down, {s['flat']} flat"))
# the one overall change (the basket's index against the previous period), with the index itself
if rep.overall_sentence() and rep.base is not None:
    idx = textfmt.index((rep.overall or {}).get("index"))
    st.markdown(tr(f"{rep.overall_sentence()}（总体价格指数{idx}，以{rep.base.label_zh}为100）",
                   f"{rep.overall_sentence('en')} (overall index {idx}, {rep.base.label} = 100)"))


# -- 价格预警, in plain words with the level in words (written by pricewatch.indicators) -------
st.markdown(f"#### {tr('价格提醒', 'Price alerts')}")
lang_q = "" if lang() == "zh" else f"&lang={lang()}"  # the trend page opens in this language
if j["alerts"]:
    show_alerts(j["alerts"], lang_q=lang_q)
else:
    st.success(tr(f"{rep.period.this_zh}没有达到预警标准的价格波动。",
                  "No price moved past an alert line this period."), icon=":material/check_circle:")

# -- the board, by category -------------------------------------------------------------------
items = data.board(public=True)
name_col, price_col = tr("商品", "Item"), tr("价格", "Price")
wow_col, yoy_col = tr("环比", "WoW"), tr("同比", "YoY")
spark_col = tr(f"近12{rep.period.freq_zh}", f"12 {FREQ_EN[rep.period.freq]}s")
flat_word = tr("持平", "flat")

st.markdown(f"#### {tr('分类价格', 'Prices by category')}")
for category, g in items.groupby("category", sort=False):
    table = pd.DataFrame({
        # the link names the commodity by its catalog key; English mode shows its English
        # name, carried after the # (the trend page does not read it)
        name_col: [f"./trend?commodity={c}{lang_q}" + (f"#{nm(c, 'commodity')}" if lang_q else "")
                   for c in g["commodity"]],
        price_col: g["price"].astype("float64").to_numpy(),
        wow_col: [charts.fmt_pct(v, flat_word) for v in g["wow_pct"]],
        yoy_col: [charts.fmt_pct(v, flat_word) for v in g["yoy_pct"]],
        spark_col: [[v for v in sp if v is not None] for sp in g["spark"]],
    })
    st.markdown(f"**{nm(category, 'category')}** :gray[· {_unit_note(g)}]")
    st.dataframe(
        table.style.map(charts.pct_colour, subset=[wow_col, yoy_col]),
        hide_index=True, width="stretch", height="content", key=f"board_{category}",
        row_height=40,  # a finger-sized row: the item name is a link
        column_config={
            # pixel widths that add up to a 390 px phone's content width (no sideways scroll)
            name_col: st.column_config.LinkColumn(name_col, display_text=r"#(.*)$" if lang_q else r"commodity=([^&]*)",
                                                  width=94),
            price_col: st.column_config.NumberColumn(price_col, format="%.2f", width=60),
            wow_col: st.column_config.TextColumn(wow_col, width=64),
            yoy_col: st.column_config.TextColumn(yoy_col, width=64),
            spark_col: st.column_config.LineChartColumn(spark_col, width=66),
        },
    )
st.caption(tr(
    "价格为各报价市场的均价；环比、同比只比较两期都有报价的市场，所以在市场有增减时，"
    "它们可能与两期均价直接相除的结果不同。点商品名查看走势。",
    "Prices are averages over the markets that reported. Changes compare only markets that "
    "reported in both periods, so they can differ from the ratio of the two averages when "
    "markets joined or left. Tap an item for its trend."))

# -- the latest published notes --------------------------------------------------------------
st.markdown(f"#### {tr('最新价格解读', 'Latest notes')}")
if not notes:
    st.caption(tr("暂无已发布的解读。", "No published notes yet."))
for n in notes[:3]:
    with st.container(border=True):
        st.page_link("app_pages/notes.py", label=escape_markdown(n.title), icon=":material/article:",
                     query_params={"note": n.id})
        st.caption(" · ".join(x for x in (n.kind, n.period or "", (n.published_at or "")[:10]) if x))
if len(notes) > 3:
    st.page_link("app_pages/notes.py", label=tr("全部解读", "All notes"), icon=":material/list:")

share_box("/")
