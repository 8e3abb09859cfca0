"""Outlet views of one period: prices by outlet type (超市 against 农贸市场) and the per-outlet
table of a county periodical (沙县's: one column group per outlet, 本期均价, 上期均价, 涨跌幅).

Definitions (the market prices are those of :func:`frames.market_rows`, each market's mean
over the period):

* type price of a commodity = mean of the market prices of the markets of that type that
  reported it; gap % = (type A price / type B price - 1) x 100, only where both types
  reported it. The overall gap is the mean of the commodities' gaps (each commodity counts
  once, whatever its price level);
* an outlet's 涨跌幅 = its own price against its own price last period (None when it did not
  report last period), as in :func:`frames.market_comparison`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import Freq, Period
from ..store import Store
from .formulas import _nullable, round_half_up, round_half_up_array
from .frames import market_rows


def kind_comparison(store: Store, *, period: str | None = None, public: bool = True,
                    freq: Freq | None = None, price_type: str = "retail",
                    kinds: tuple[str, str] = ("超市", "农贸市场")) -> tuple[Period | None, pd.DataFrame, dict]:
    """(period, frame, summary): one row per commodity priced by either type: commodity,
    category, unit, price_a, markets_a, price_b, markets_b, gap_pct (a against b); summary:
    kinds, commodities compared, mean gap %, how many are dearer at type a."""
    a, b = kinds
    p, rows = market_rows(store, period=period, public=public, freq=freq, price_type=price_type)
    cols = ["commodity", "category", "unit", "price_a", "markets_a", "price_b", "markets_b", "gap_pct"]
    summary = {"kinds": list(kinds), "compared": 0, "mean_gap_pct": None, "dearer_at_a": 0}
    rows = rows[rows["kind"].isin(kinds)]
    if p is None or rows.empty:
        return p, pd.DataFrame(columns=cols), summary
    g = rows.groupby(["commodity_id", "kind"], sort=False)["price"].agg(["mean", "count"]).unstack("kind")
    first = rows.drop_duplicates("commodity_id").set_index("commodity_id")
    g = g.reindex(first.index)

    def part(stat: str, kind: str) -> np.ndarray:
        return g[(stat, kind)].to_numpy(dtype="float64") if (stat, kind) in g.columns else np.full(len(g), np.nan)

    pa, pb = part("mean", a), part("mean", b)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = (pa / pb - 1) * 100
    ok = ~np.isnan(gap)
    if ok.any():
        summary = {"kinds": list(kinds), "compared": int(ok.sum()),
                   "mean_gap_pct": round_half_up(float(gap[ok].mean()), 1),
                   "dearer_at_a": int((round_half_up_array(gap[ok], 1) > 0).sum())}
    frame = pd.DataFrame({
        "commodity": first["commodity"].to_numpy(), "category": first["category"].to_numpy(),
        "unit": first["unit"].to_numpy(),
        "price_a": _nullable(round_half_up_array(pa, 2)).to_numpy(),
        "markets_a": np.nan_to_num(part("count", a)).astype("int64"),
        "price_b": _nullable(round_half_up_array(pb, 2)).to_numpy(),
        "markets_b": np.nan_to_num(part("count", b)).astype("int64"),
        "gap_pct": _nullable(round_half_up_array(gap, 1)).to_numpy(),
    }, columns=cols)
    return p, frame, summary


def outlet_table(store: Store, *, period: str | None = None, public: bool = True,
                 freq: Freq | None = None, price_type: str = "retail") -> tuple[Period | None, pd.DataFrame]:
    """(period, wide frame) like a county periodical: 品名, 单位, then for every outlet (catalog
    order) "<outlet>本期均价", "<outlet>上期均价", "<outlet>涨跌幅(%)"; one row per commodity
    (catalog order). An outlet that did not price a commodity leaves its cells empty."""
    p, rows = market_rows(store, period=period, public=public, freq=freq, price_type=price_type)
    if p is None or rows.empty:
        return p, pd.DataFrame(columns=["品名", "单位"])
    with np.errstate(invalid="ignore", divide="ignore"):
        wow = (rows["price"] / rows["prev"] - 1) * 100
    rows = rows.assign(cur=round_half_up_array(rows["price"], 2), prv=round_half_up_array(rows["prev"], 2),
                       chg=round_half_up_array(wow, 1))
    outlets = rows.sort_values("msort", kind="stable")["market"].drop_duplicates().tolist()
    goods = rows.drop_duplicates("commodity_id")[["commodity_id", "commodity", "unit"]]
    out = pd.DataFrame({"品名": goods["commodity"].to_numpy(), "单位": goods["unit"].to_numpy()})
    for m in outlets:
        r = rows[rows["market"] == m].set_index("commodity_id")
        for col, label in (("cur", "本期均价"), ("prv", "上期均价"), ("chg", "涨跌幅(%)")):
            out[f"{m}{label}"] = _nullable(r[col].reindex(goods["commodity_id"]).to_numpy()).to_numpy()
    return p, out
