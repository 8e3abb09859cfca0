"""Scalar and vectorised formulas: rounding as published, 环比 over matched markets, moving
average, high/low, spread, 定基 and Laspeyres indices.

The scalar functions state the definitions (the tests use them as oracles for the vectorised
paths in :mod:`.reports` and :mod:`.frames`); :func:`round_half_up_array` and
:func:`_window_stats` are the fast paths that every published frame goes through.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np

from ..rounding import is_missing, round_half_up

if TYPE_CHECKING:  # the Series oracles take pandas objects; the report path imports no pandas
    import pandas as pd

MA_WINDOW = 4
HIGH_LOW_WINDOW = 52


# -- rounding and small formulas --------------------------------------------------------
def round_half_up_array(values: Any, places: int) -> np.ndarray:
    """Vectorised :func:`round_half_up` (NaN stays NaN); identical results, numpy speed.

    After the 9-decimal clean-up a scaled value is either a tie (fraction exactly .5 up to
    float error, well under 1e-6) or at least 1e-7 away from one, so adding 0.5 plus a
    margin of 1e-8 and flooring the magnitude rounds ties away from zero and nothing else.
    """
    a = np.round(np.asarray(values, dtype="float64"), 9)
    scale = 10.0 ** places
    mag = np.floor(np.abs(a) * scale + 0.5 + 1e-8) / scale
    return np.copysign(mag, a) + 0.0


def pct_change(cur: float | None, base: float | None) -> float | None:
    """(cur / base - 1) x 100, unrounded; None when either is missing or the base is 0."""
    if is_missing(cur) or is_missing(base) or base == 0:
        return None
    return (float(cur) / float(base) - 1.0) * 100.0


def direction(pct: float | None) -> str | None:
    """'up' | 'down' | 'flat' (the change rounds to 0.0 %) | None (no change computable)."""
    r = round_half_up(pct, 1)
    if r is None:
        return None
    if r == 0:
        return "flat"
    return "up" if r > 0 else "down"


def matched_change(cur: pd.Series, base: pd.Series) -> float | None:
    """环比/同比 over matched markets: both Series are market prices indexed by market.

    Only markets with a price in both periods count: mean(cur[both]) / mean(base[both]) - 1,
    x 100. None when no market reported in both, or the matched base mean is 0.
    """
    both = cur.dropna().index.intersection(base.dropna().index)
    if len(both) == 0:
        return None
    return pct_change(float(cur[both].mean()), float(base[both].mean()))


def moving_average(prices: pd.Series, window: int = MA_WINDOW) -> pd.Series:
    """Mean of the last ``window`` periods (t-window+1 .. t) of a series on a complete
    period grid (a missing period is NaN); NaN unless every one of them has a price."""
    return prices.astype("float64").rolling(window, min_periods=window).mean()


def rolling_high_low(prices: pd.Series, window: int = HIGH_LOW_WINDOW) -> tuple[pd.Series, pd.Series]:
    """(max, min) over t-window+1 .. t of a complete period grid, ignoring missing periods
    (a single observation is its own high and low)."""
    p = prices.astype("float64")
    return p.rolling(window, min_periods=1).max(), p.rolling(window, min_periods=1).min()


def spread(market_prices: pd.Series | list[float]) -> dict[str, float | None]:
    """min, max and CV % (100 x population sd / mean) of one period's market prices.

    The markets are all the monitored ones, not a sample, hence the population sd. With one
    market there is no spread: min = max = its price, CV None. Empty input: all None.
    """
    import pandas as pd

    v = pd.Series(market_prices, dtype="float64").dropna()
    if v.empty:
        return {"min": None, "max": None, "cv_pct": None}
    cv = None
    if len(v) >= 2 and v.mean() != 0:
        cv = float(v.std(ddof=0) / v.mean() * 100.0)
    return {"min": float(v.min()), "max": float(v.max()), "cv_pct": cv}


def fixed_base_index(prices: pd.Series, base: Any) -> pd.Series:
    """定基 index 100 x P_t / P_base for a series indexed by period; all NaN when the base
    period is absent, missing or 0."""
    p = prices.astype("float64")
    b = p.get(base)
    if is_missing(b) or b == 0:
        return p * np.nan
    return p / b * 100.0


def laspeyres_index(cur: pd.Series, base: pd.Series, weights: pd.Series) -> float | None:
    """Fixed-weight Laspeyres index 100 x sum(w x P_t / P_base) / sum(w).

    All three Series are indexed by commodity. Only commodities with a positive weight and
    a price in both periods (base not 0) enter; None when none do.
    """
    import pandas as pd

    df = pd.DataFrame({"c": cur, "b": base, "w": weights}).astype("float64")
    df = df.dropna()
    df = df[(df["b"] != 0) & (df["w"] > 0)]
    if df.empty:
        return None
    return float((df["w"] * df["c"] / df["b"]).sum() / df["w"].sum() * 100.0)


def _num(v: Any) -> float | None:
    """A published figure as JSON reads it: a float, or None where it is missing (None, NaN,
    pandas' NA)."""
    if v is None:
        return None
    try:
        f = float(v)
    except TypeError:
        if is_missing(v):
            return None
        raise
    return None if f != f else f


def _nullable(a: Any) -> pd.Series:
    """Floats with None (not NaN) where missing, so a row reads None like the JSON."""
    import pandas as pd

    arr = np.asarray(a, dtype="float64")
    out = arr.astype(object)
    out[np.isnan(arr)] = None
    return pd.Series(out, dtype=object)


def _window_stats(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MA4 and the 52-period high / low of a complete period grid, with numpy only (the same
    definitions as :func:`moving_average` and :func:`rolling_high_low`)."""
    from numpy.lib.stride_tricks import sliding_window_view

    n = len(y)
    ma = np.full(n, np.nan)
    if n >= MA_WINDOW:
        w = sliding_window_view(y, MA_WINDOW)
        ma[MA_WINDOW - 1:] = np.where(np.isnan(w).any(axis=1), np.nan, w.mean(axis=1))
    pad = np.concatenate([np.full(HIGH_LOW_WINDOW - 1, np.nan), y])
    w = sliding_window_view(pad, HIGH_LOW_WINDOW)
    high = np.where(np.isnan(w), -np.inf, w).max(axis=1)
    low = np.where(np.isnan(w), np.inf, w).min(axis=1)
    high[~np.isfinite(high)] = np.nan
    low[~np.isfinite(low)] = np.nan
    return ma, high, low


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
