"""Frames for the pages: one commodity's series and trend, markets side by side, the spread,
the category index over time and the price board. Every number is rounded as published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import NotFound
from ..periods import Freq, Period, period_of, previous, shift
from ..store import Store, queries
from .formulas import _nullable, _window_stats, round_half_up_array
from .history import (
    CATEGORY_INDEX_FIELDS,
    _base_index,
    _category_index,
    _check_price_type,
    _commodity_id,
    _covering,
    _detect,
    _hist,
    _scope,
    catalog_frame,
    market_frame,
    resolve_period,
)
from .reports import report

SPARK_PERIODS = 12


def series(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
           price_type: str = "retail") -> pd.DataFrame:
    """One commodity over all history: period_start (date), period (label), price (raw),
    markets. Only periods with a price; oldest first. A name not in the catalog gives an
    empty frame, as a commodity without prices does (:func:`trend` raises NotFound)."""
    try:
        t = trend(store, commodity, public=public, freq=freq, price_type=price_type)
    except NotFound:
        t = pd.DataFrame(columns=["period_start", "period", "price_raw", "markets"])
    t = t[t["markets"] > 0]
    return pd.DataFrame({"period_start": t["period_start"].to_numpy(), "period": t["period"].to_numpy(),
                         "price": t["price_raw"].to_numpy(dtype="float64"),
                         "markets": t["markets"].to_numpy(dtype="int64")}).reset_index(drop=True)


def trend(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
          price_type: str = "retail", base: str | Period | None = None) -> pd.DataFrame:
    """One commodity per period on a complete grid from its first to the last period.

    Columns: period, period_start (date), price (2 dp, None in a period without a price), ma4,
    yoy_price (the same period a year earlier: same ISO week / month), high52, low52,
    index (定基, 1 dp; base = ``base`` or the first period with data), markets, price_raw.
    Raises NotFound for a name not in the catalog; an empty frame when it has no prices.
    """
    h = _hist(store, public, freq, price_type)
    cid = _commodity_id(h, commodity)
    cols = ["period", "period_start", "price", "ma4", "yoy_price", "high52", "low52", "index", "markets",
            "price_raw"]
    c = h.col(cid)
    if c is None:
        return pd.DataFrame(columns=cols)
    y = h.y[:, c]
    have = np.nonzero(~np.isnan(y))[0]
    sl = slice(int(have[0]), int(have[-1]) + 1)
    ma, high, low = _window_stats(y)
    b = _base_index(h, base)
    bp = h.y[b, c] if b is not None else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        index = y / bp * 100 if bp > 0 else np.full(len(y), np.nan)
    yoy_rows = h.yoy_rows()
    yoy_price = np.where(yoy_rows >= 0, y[np.maximum(yoy_rows, 0)], np.nan)
    if h.start_dates is None:
        h.start_dates = np.array([d.date() for d in h.starts], dtype=object)
    return pd.DataFrame({
        "period": pd.Series(h.labels[sl], dtype=object),
        "period_start": pd.Series(h.start_dates[sl], dtype=object),
        "price": _nullable(round_half_up_array(y[sl], 2)),
        "ma4": _nullable(round_half_up_array(ma[sl], 2)),
        "yoy_price": _nullable(round_half_up_array(yoy_price[sl], 2)),
        "high52": _nullable(round_half_up_array(high[sl], 2)),
        "low52": _nullable(round_half_up_array(low[sl], 2)),
        "index": _nullable(round_half_up_array(index[sl], 1)),
        "markets": h.n[sl, c].astype("int64"),
        "price_raw": y[sl],
    }, columns=cols)


def _market_prices_long(store: Store, commodity: str, *, public: bool, freq: Freq | None,
                        price_type: str, last: int | None) -> pd.DataFrame:
    """period, period_start, market, price (unrounded) of one commodity, oldest first."""
    _check_price_type(price_type)
    scope = _scope(public)
    with store.read() as s:
        f = freq or _detect(s, scope, price_type)
        start = None
        if last is not None:
            latest = queries.observations.latest_date(s, scope, price_type)
            if latest is None:
                return pd.DataFrame(columns=["period", "period_start", "market", "price"])
            start = shift(period_of(latest, f), -(last - 1)).start
        mp = queries.observations.market_period_prices(s, scope, f, start, None, price_type, commodity)
        mk = market_frame(s)
    msort = dict(zip(mk["market"].tolist(), mk["sort"].tolist(), strict=True))
    starts = pd.to_datetime(mp["period_start"])
    labels = {d: period_of(d.date(), f).label for d in starts.unique()}
    out = pd.DataFrame({"period": starts.map(labels).to_numpy(), "period_start": starts.dt.date.to_numpy(),
                        "market": mp["market"].to_numpy(), "price": mp["price"].to_numpy(dtype="float64"),
                        "_s": starts.to_numpy(), "_ms": mp["market"].map(msort).to_numpy()})
    out = out.sort_values(["_s", "_ms"], kind="stable").reset_index(drop=True)
    return out[["period", "period_start", "market", "price"]]


def market_trend(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
                 price_type: str = "retail", last: int | None = None) -> pd.DataFrame:
    """One commodity per period and market (long): period, period_start, market, price (2 dp).

    ``last`` keeps only the newest ``last`` periods. Oldest first, markets in catalog order.
    """
    mt = _market_prices_long(store, commodity, public=public, freq=freq, price_type=price_type,
                             last=last)
    return mt.assign(price=_nullable(round_half_up_array(mt["price"], 2)).to_numpy())


def spread_trend(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
                 price_type: str = "retail", last: int | None = None) -> pd.DataFrame:
    """The spread across markets of one commodity per period: period, period_start, min, max
    (2 dp), cv_pct (1 dp; population sd / mean x 100, None below 2 markets), markets.

    Computed from the unrounded market prices, so cv_pct is the report's figure exactly
    (a CV recomputed from rounded prices can differ in the last digit).
    """
    mt = _market_prices_long(store, commodity, public=public, freq=freq, price_type=price_type,
                             last=last)
    cols = ["period", "period_start", "min", "max", "cv_pct", "markets"]
    if mt.empty:
        return pd.DataFrame(columns=cols)
    g = mt.groupby(["period_start", "period"], sort=True)["price"]
    agg = g.agg(["min", "max", "mean", "count"]).reset_index()
    agg["sd"] = g.std(ddof=0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(agg["count"] >= 2, agg["sd"] / agg["mean"] * 100, np.nan)
    return pd.DataFrame({
        "period": agg["period"].to_numpy(), "period_start": agg["period_start"].to_numpy(),
        "min": _nullable(round_half_up_array(agg["min"], 2)).to_numpy(),
        "max": _nullable(round_half_up_array(agg["max"], 2)).to_numpy(),
        "cv_pct": _nullable(round_half_up_array(cv, 1)).to_numpy(),
        "markets": agg["count"].to_numpy(dtype="int64"),
    }, columns=cols)


def market_rows(store: Store, *, period: str | None = None, public: bool = True,
                freq: Freq | None = None, price_type: str = "retail",
                commodity: str | None = None) -> tuple[Period | None, pd.DataFrame]:
    """(period, unrounded rows) behind :func:`market_comparison` and the outlet views: one row
    per (commodity, market) with a price in the period (default: the latest with data), in
    catalog order: commodity_id, commodity, category, unit, market_id, market, kind (outlet
    type), price, prev (that market's price last period, NaN if none), avg (the commodity
    price: mean over the markets that reported)."""
    _check_price_type(price_type)
    scope = _scope(public)
    p = resolve_period(store, period=period, freq=freq, public=public, price_type=price_type)
    cols = ["commodity_id", "commodity", "category", "unit", "market_id", "market", "kind", "price",
            "prev", "avg", "sort", "msort"]
    if p is None:
        return None, pd.DataFrame(columns=cols)
    prev = previous(p)
    with store.read() as s:
        mp = queries.observations.market_period_prices(s, scope, p.freq, prev.start, p.end, price_type, commodity)
        cat = catalog_frame(s)
        mk = market_frame(s)
    ps = pd.to_datetime(mp["period_start"])
    cur = mp[(ps == pd.Timestamp(p.start)).to_numpy()]
    if cur.empty:
        return p, pd.DataFrame(columns=cols)
    pv = mp[(ps == pd.Timestamp(prev.start)).to_numpy()].set_index(["commodity_id", "market_id"])["price"]
    cur = cur.join(pv.rename("prev"), on=["commodity_id", "market_id"])
    cur = cur.assign(avg=cur.groupby("commodity_id")["price"].transform("mean").to_numpy())
    cur = cur.merge(cat[["commodity_id", "category", "unit", "sort"]], on="commodity_id", how="left")
    cur["msort"] = cur["market_id"].map(dict(zip(mk["market_id"], mk["sort"], strict=True)))
    cur["kind"] = cur["market_id"].map(dict(zip(mk["market_id"], mk["kind"], strict=True)))
    cur = cur.sort_values(["sort", "msort"], kind="stable").reset_index(drop=True)
    return p, cur[cols]


def market_comparison(store: Store, *, period: str | None = None, public: bool = True,
                      freq: Freq | None = None, price_type: str = "retail",
                      commodity: str | None = None) -> pd.DataFrame:
    """Markets side by side for one period (default: the latest with data).

    One row per (commodity, market) with a price this period: period, commodity, category,
    market, price, prev_price (that market's price last period), wow_pct (that market's own
    环比; None when it did not report last period), diff_pct (100 x (price / commodity
    price - 1), how far the market sits from the average), kind (the outlet type).
    """
    p, cur = market_rows(store, period=period, public=public, freq=freq, price_type=price_type,
                         commodity=commodity)
    cols = ["period", "commodity", "category", "market", "price", "prev_price", "wow_pct", "diff_pct", "kind"]
    if p is None or cur.empty:
        return pd.DataFrame(columns=cols)
    with np.errstate(invalid="ignore", divide="ignore"):
        wow = (cur["price"] / cur["prev"] - 1) * 100
        diff = (cur["price"] / cur["avg"] - 1) * 100
    return pd.DataFrame({
        "period": p.label, "commodity": cur["commodity"].to_numpy(),
        "category": cur["category"].to_numpy(), "market": cur["market"].to_numpy(),
        "price": _nullable(round_half_up_array(cur["price"], 2)).to_numpy(),
        "prev_price": _nullable(round_half_up_array(cur["prev"], 2)).to_numpy(),
        "wow_pct": _nullable(round_half_up_array(wow, 1)).to_numpy(),
        "diff_pct": _nullable(round_half_up_array(diff, 1)).to_numpy(),
        "kind": cur["kind"].to_numpy(),
    }, columns=cols)


def category_index_series(store: Store, *, public: bool = True, freq: Freq | None = None,
                          price_type: str = "retail", base: str | Period | None = None) -> pd.DataFrame:
    """Category index (Laspeyres, 定基 = 100 at ``base``, default the first period with data)
    for every period from the base on: period, period_start, category, index (1 dp), wow_pct (1 dp),
    commodities (how many were in the basket that period)."""
    h = _hist(store, public, freq, price_type)
    b = _base_index(h, base)
    cols = ["period", "period_start", "category", "index", "wow_pct", "commodities"]
    if b is None:
        return pd.DataFrame(columns=cols)
    ci = pd.DataFrame(_category_index(h, np.arange(b, len(h.start_days)), b), columns=list(CATEGORY_INDEX_FIELDS))
    ci = ci.sort_values(["row"], kind="stable")
    return pd.DataFrame({
        "period": [h.labels[i] for i in ci["row"]], "period_start": [h.starts[i].date() for i in ci["row"]],
        "category": ci["category"].to_numpy(),
        "index": _nullable(round_half_up_array(ci["index"].astype("float64"), 1)).to_numpy(),
        "wow_pct": _nullable(round_half_up_array(ci["wow_pct"].astype("float64"), 1)).to_numpy(),
        "commodities": ci["n"].to_numpy(),
    }, columns=cols)


def board(store: Store, *, period: str | None = None, public: bool = True,
          freq: Freq | None = None, price_type: str = "retail",
          spark_periods: int = SPARK_PERIODS) -> pd.DataFrame:
    """The price board for one period, by category in catalog order: category, commodity,
    unit, price, wow_pct, yoy_pct, direction, alert, markets and spark (the commodity's last
    ``spark_periods`` prices up to this period, 2 dp; a period without a price is None)."""
    rep = report(store, period=period, freq=freq, public=public, price_type=price_type)
    cols = ["category", "commodity", "unit", "price", "wow_pct", "yoy_pct", "direction", "alert",
            "markets", "spark"]
    if rep is None or rep.items.empty:
        return pd.DataFrame(columns=cols)
    # the history the report read (its window reaches 52 periods back) when no other is held
    h = _covering(store, public, rep.period.freq, price_type, rep.period, spark_periods - 1)
    ti = h.index_of(rep.period)
    name_to_id = dict(zip(h.names["commodity"].tolist(), h.names["commodity_id"].tolist(), strict=True))
    ids = np.array([name_to_id.get(n, -1) for n in rep.items["commodity"].tolist()], dtype="int64")
    cols_ = h.cols(ids)
    sparks: list[list[float | None]] = [[] for _ in range(len(ids))]
    if ti is not None:
        win = h.y[max(0, ti - spark_periods + 1): ti + 1]
        rounded = round_half_up_array(win, 2)
        for i, c in enumerate(cols_.tolist()):
            if c >= 0:
                sparks[i] = [None if np.isnan(v) else float(v) for v in rounded[:, c]]
    out = rep.items[[c for c in cols if c != "spark"]].copy()
    out["spark"] = sparks
    return out[cols].reset_index(drop=True)
