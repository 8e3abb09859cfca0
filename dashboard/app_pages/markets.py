"""市场对比 (/markets): markets side by side for a commodity or a category.

``/markets?commodity=猪肉(五花)``: each market's price in the latest released period as bars,
and the spread across markets over time (lowest to highest, and the coefficient of
variation). ``/markets?by=category&category=蔬菜``: every commodity of the category by market.
All figures come from pricewatch.indicators (market_comparison, spread_trend, trend).

Staff who may edit the catalog (editors, reviewers) also see 网点类型: every market with its
outlet type, whether a person confirmed it or it is still the guess from the name, and a control
that sets or confirms a type through :func:`pricewatch.outlets.set_kind` (the function
``python -m pricewatch markets set-kind`` calls: one write with an audit line).
"""

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.i18n import choose, nm, nm_frame, tr
from dashboard.messages import show_error, stop_on_refusal
from dashboard.share import range_choice, share_box, url_choice
from dashboard.state import current_user, get_store
from pricewatch import outlets
from pricewatch.errors import PricewatchError
from pricewatch.periods import parse_period

ss = st.session_state


def staff_outlet_types() -> None:
    """网点类型 for staff who may edit the catalog: the table and the set/confirm control."""
    user = current_user()
    if user is None or not (user.can("upload") or user.can("release")):
        return
    st.divider()
    st.markdown(f"#### {tr('网点类型（工作人员）', 'Outlet types (staff)')}")
    if "_kind_flash" in ss:
        st.success(ss.pop("_kind_flash"))
    store = get_store()
    rows = outlets.market_list(store)
    if not rows:
        st.info(tr("市场目录为空。", "The market list is empty."))
        return
    st.dataframe(pd.DataFrame({
        tr("市场", "Market"): [nm(r["market"], "market") for r in rows],
        tr("网点类型", "Type"): [nm(r["kind"], "kind") for r in rows],
        tr("状态", "Status"): [tr("已确认", "confirmed") if r["confirmed"]
                               else tr("按名称推断，待确认", "guessed from the name, to confirm") for r in rows],
    }), hide_index=True, width="stretch", key="kind_table")
    kind_of = {r["market"]: r["kind"] for r in rows}

    def follow_market() -> None:  # the type picker starts at the chosen market's type
        ss["kind_value"] = kind_of.get(ss.get("kind_market"), outlets.KINDS[0])

    if ss.get("kind_market") not in kind_of:
        ss["kind_market"] = rows[0]["market"]
        follow_market()
    left, right = st.columns(2)
    market = left.selectbox(tr("市场", "Market"), list(kind_of), key="kind_market", on_change=follow_market,
                            format_func=lambda m: nm(m, "market"))
    kind = right.selectbox(tr("网点类型", "Type"), outlets.KINDS, key="kind_value",
                           format_func=lambda k: nm(k, "kind"))
    if st.button(tr("设置并确认网点类型", "Set and confirm the type"), key="kind_save"):
        try:
            before = outlets.set_kind(store, user, market, kind)
        except PricewatchError as e:
            show_error(e)
            return
        ss["_kind_flash"] = tr(f"{market}：网点类型 {before} → {kind}（已确认，已记入审计日志）",
                               f"{market}: type {before} → {kind} (confirmed, in the audit log)")
        st.rerun()
    st.caption(tr("新市场的类型按名称推断（如名称含“超市”即为超市），由工作人员确认；按网点类型对比价格时使用。",
                  "A new market's type is guessed from its name and confirmed here; the comparison "
                  "by outlet type uses it."))


BY = {"commodity": ("按商品", "By item"), "category": ("按分类", "By category"),
      "type": ("按网点类型", "By outlet type")}

st.title(tr("市场对比", "Markets compared"))
with stop_on_refusal():
    latest = data.market_comparison()
    com = data.commodities()
if latest.empty:
    st.info(tr("还没有已发布的价格数据。", "No released prices yet."))
    share_box("/markets")
    staff_outlet_types()
    st.stop()

by = url_choice(tr("对比方式", "Compare"), BY, "commodity", key="by", width="stretch")
period = str(latest["period"].iloc[0])
if by == "commodity":
    names = [n for n in com["name"] if n in set(latest["commodity"])]
    pick = st.selectbox(tr("商品", "Item"), names, key="commodity", bind="query-params",
                        placeholder=choose(), format_func=nm)
    unit = str(com.loc[com["name"] == pick, "unit"].iloc[0])
    rows = nm_frame(latest[latest["commodity"] == pick])
    st.plotly_chart(
        charts.bars(rows.assign(price=rows["price"].astype("float64")), x="market", y="price",
                    title=tr(f"{pick} · {period} 各市场价格", f"{nm(pick)} · {period} by market"),
                    unit=nm(unit, "unit")),
        width="stretch", config=charts.CONFIG, key="bars")
    st.caption(tr("价格为各市场当期均价；环比为该市场自身与上期相比。",
                  "Prices are each market's mean for the period; WoW compares a market with itself."))
    st.dataframe(
        pd.DataFrame({
            tr("市场", "Market"): rows["market"],
            tr("价格", "Price"): rows["price"].astype("float64"),
            tr("环比", "WoW"): [charts.fmt_pct(v, tr("持平", "flat")) for v in rows["wow_pct"]],
            tr("与均价差", "vs average"): [charts.fmt_pct(v, "0.0%") for v in rows["diff_pct"]],
        }),
        hide_index=True, width="stretch", key="market_table",
        column_config={tr("价格", "Price"): st.column_config.NumberColumn(format="%.2f")})

    st.markdown(f"#### {tr('市场间价差走势', 'Spread across markets over time')}")
    rng = range_choice()
    spread = data.spread_trend(pick, rng)
    avg = data.trend(pick, rng)[["period_start", "price"]].rename(columns={"price": "mean"})
    spread = spread.merge(avg, on="period_start", how="left")
    st.plotly_chart(charts.spread(spread, title=tr(f"{pick} 最高、最低与均价", f"{nm(pick)}: high, low, average"),
                                  unit=nm(unit, "unit"), labels=data.trend_labels()),
                    width="stretch", config=charts.CONFIG, key="spread")
    cv = spread["cv_pct"].dropna()
    if len(cv):
        st.caption(tr(
            f"最新一期各市场价格的变异系数为 {cv.iloc[-1]:.1f}%（标准差÷均价，越大说明市场间差价越大）。",
            f"Latest coefficient of variation across markets: {cv.iloc[-1]:.1f}% "
            "(standard deviation / mean; larger means wider gaps between markets)."))
    share_box("/markets", {"by": by, "commodity": pick, "range": rng})
elif by == "type":
    # 超市 against 农贸市场: each type's mean over its markets that priced the commodity
    frame, summary = data.kind_comparison()
    if summary["compared"]:
        g = summary["mean_gap_pct"]
        st.markdown(tr(
            f"#### {parse_period(period).label_zh}：{summary['compared']}种商品超市与农贸市场均有报价，超市均价平均"
            f"{'高' if g >= 0 else '低'}于农贸市场{abs(g):.1f}%",
            f"#### {period}: supermarkets {g:+.1f}% against wet markets on average "
            f"({summary['compared']} items priced by both)"))
    else:
        st.info(tr("本期没有同时在超市和农贸市场报价的商品。",
                   "No item was priced by both supermarkets and wet markets this period."))
    if not frame.empty:
        st.dataframe(pd.DataFrame({
            tr("商品", "Item"): [nm(c, "commodity") for c in frame["commodity"]],
            tr("超市均价", "Supermarkets"): frame["price_a"].astype("float64"),
            tr("农贸市场均价", "Wet markets"): frame["price_b"].astype("float64"),
            tr("价差", "Gap"): [charts.fmt_pct(v, "0.0%") for v in frame["gap_pct"]],
        }), hide_index=True, width="stretch", key="type_table",
            column_config={c: st.column_config.NumberColumn(format="%.2f")
                           for c in (tr("超市均价", "Supermarkets"), tr("农贸市场均价", "Wet markets"))})
    st.caption(tr("类型均价为该类型报价网点的平均；价差为超市均价相对农贸市场均价的涨跌幅。",
                  "A type's price is the mean over its outlets that priced the item; the gap is "
                  "supermarkets against wet markets."))
    share_box("/markets", {"by": by})
else:
    cats = list(dict.fromkeys(latest["category"]))
    cat = st.selectbox(tr("分类", "Category"), cats, key="category", bind="query-params",
                       placeholder=choose(), format_func=nm)
    rows = nm_frame(latest[latest["category"] == cat])
    table = rows.pivot_table(index="commodity", columns="market", values="price", aggfunc="first",
                             sort=False).rename_axis(index=tr("商品", "Item"), columns=None)
    st.markdown(f"#### {tr(f'{period} 各市场价格', f'{period} prices by market')}")
    st.dataframe(table.astype("float64"), width="stretch", height="content", key="pivot",
                 column_config={m: st.column_config.NumberColumn(format="%.2f") for m in table.columns})
    st.markdown(f"#### {tr('与均价的差距(%)', 'Distance from the average (%)')}")
    diff = rows.assign(diff_pct=rows["diff_pct"].astype("float64"))
    st.plotly_chart(charts.grouped_bars(diff, x="diff_pct", y="commodity", group="market",
                                        title=tr("正值表示高于各市场均价", "Positive: above the average")),
                    width="stretch", config=charts.CONFIG, key="diff_bars")
    share_box("/markets", {"by": by, "category": cat})
staff_outlet_types()
