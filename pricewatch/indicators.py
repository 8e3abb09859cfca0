"""Indicators: the single source of every published figure.

Definitions (DESIGN.md, "Indicator definitions"):

* market price for a period = mean of that market's observations in the period, in the
  commodity's canonical unit;
* commodity price = mean over the markets that reported;
* 环比 % = (mean(P_t) / mean(P_t-1) - 1) x 100 over *matched* markets only (those that
  reported in both periods); 同比 the same against the same ISO week (or month) a year
  earlier;
* 持平 when the change rounds to 0.0 %;
* prev_price / yoy_price are those periods' own commodity prices (every market that
  reported then), so they can differ from what the percentage implies when the set of
  markets changed.

Rounding is half-up on the decimal value (prices 2 places, percentages 1), as a person
computing by hand would round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from .periods import Freq, Period, parse_period, period_of, previous, same_period_last_year
from .store import Store
from .store import indicator_queries as iq
from .store.queries import Scope


def round_half_up(x: float | None, places: int) -> float | None:
    if x is None or pd.isna(x):
        return None
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def pct_change(cur: float | None, base: float | None) -> float | None:
    """(cur / base - 1) x 100, unrounded; None when either is missing or the base is 0."""
    if cur is None or base is None or pd.isna(cur) or pd.isna(base) or base == 0:
        return None
    return (cur / base - 1.0) * 100.0


def direction(pct: float | None) -> str | None:
    """'up' | 'down' | 'flat' (rounds to 0.0 %) | None."""
    r = round_half_up(pct, 1)
    if r is None:
        return None
    if r == 0:
        return "flat"
    return "up" if r > 0 else "down"


def matched_change(cur: pd.Series, base: pd.Series) -> float | None:
    """环比/同比 over matched markets: both Series are market price indexed by market."""
    both = cur.dropna().index.intersection(base.dropna().index)
    if len(both) == 0:
        return None
    return pct_change(float(cur[both].mean()), float(base[both].mean()))


@dataclass
class Report:
    period: Period
    public: bool
    items: pd.DataFrame
    alerts: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        d = self.items["direction"] if not self.items.empty else pd.Series(dtype=object)
        return {"up": int((d == "up").sum()), "down": int((d == "down").sum()),
                "flat": int((d == "flat").sum()), "n": len(self.items)}

    def headline(self, prefix: str = "本期") -> str:
        s = self.summary
        return f"{prefix}监测{s['n']}种商品,{s['up']}种上涨、{s['down']}种下降、{s['flat']}种持平"

    def to_json(self) -> dict[str, Any]:
        items = []
        for r in self.items.itertuples(index=False):
            items.append({
                "commodity": r.commodity, "category": r.category, "unit": r.unit,
                "price": round_half_up(r.price, 2), "prev_price": round_half_up(r.prev_price, 2),
                "wow_pct": round_half_up(r.wow_pct, 1), "yoy_price": round_half_up(r.yoy_price, 2),
                "yoy_pct": round_half_up(r.yoy_pct, 1), "markets": int(r.markets),
                "alert": r.alert if isinstance(r.alert, str) else None,
            })
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "public": self.public, "summary": self.summary,
                "items": items, "alerts": self.alerts, "categories": self.categories}


def _scope(public: bool) -> Scope:
    return "public" if public else "staff"


def resolve_period(store: Store, *, period: str | None = None, on: date | None = None,
                   freq: Freq = "week", public: bool = True) -> Period | None:
    """The named period, the one containing ``on``, or the latest with data."""
    if period:
        return parse_period(period)
    if on:
        return period_of(on, freq)
    with store.read() as s:
        latest = iq.latest_date(s, _scope(public))
    return period_of(latest, freq) if latest else None


def report(store: Store, *, period: str | None = None, on: date | None = None,
           freq: Freq = "week", public: bool = True, price_type: str = "retail") -> Report | None:
    """The report for one period (None when there are no data at all)."""
    p = resolve_period(store, period=period, on=on, freq=freq, public=public)
    if p is None:
        return None
    prev = previous(p)
    yoy = same_period_last_year(p)
    spans = [("cur", p), ("prev", prev)] + ([("yoy", yoy)] if yoy else [])
    with store.read() as s:
        mp = iq.market_prices(s, _scope(public), spans, price_type)
    return build_report(p, public, mp)


def build_report(p: Period, public: bool, mp: pd.DataFrame) -> Report:
    """``mp``: one row per (tag, commodity, market) with the market's mean price."""
    cols = ["commodity", "category", "unit", "price", "prev_price", "wow_pct", "yoy_price",
            "yoy_pct", "markets", "direction", "alert", "sort"]
    cur = mp[mp["tag"] == "cur"]
    if cur.empty:
        return Report(p, public, pd.DataFrame(columns=cols))
    rows = []
    for (commodity, category, unit, sort), g in cur.groupby(
            ["commodity", "category", "unit", "sort"], sort=False):
        by_tag = {t: d.set_index("market")["price"] for t, d in
                  mp[mp["commodity"] == commodity].groupby("tag")}
        c = by_tag["cur"]
        pv = by_tag.get("prev", pd.Series(dtype=float))
        yy = by_tag.get("yoy", pd.Series(dtype=float))
        wow = matched_change(c, pv)
        rows.append({
            "commodity": commodity, "category": category, "unit": unit,
            "price": float(c.mean()), "prev_price": float(pv.mean()) if len(pv) else None,
            "wow_pct": wow, "yoy_price": float(yy.mean()) if len(yy) else None,
            "yoy_pct": matched_change(c, yy), "markets": int(c.notna().sum()),
            "direction": direction(wow), "alert": None, "sort": sort,
        })
    items = pd.DataFrame(rows, columns=cols).sort_values("sort", kind="stable").reset_index(drop=True)
    return Report(p, public, items)


def series(store: Store, commodity: str, *, public: bool = True, freq: Freq = "week",
           price_type: str = "retail") -> pd.DataFrame:
    """One commodity over all history: period start, commodity price, markets reporting."""
    with store.read() as s:
        return iq.commodity_series(s, _scope(public), commodity, freq, price_type)
