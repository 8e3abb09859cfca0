"""Indicators: the single source of every published figure (pages, notes, briefings, exports).

Definitions (DESIGN.md, "Indicator definitions"; keep them exact, the numbers are published):

* market price for a period = mean of that market's observations in the period, in the
  commodity's canonical unit (the store holds canonical prices already);
* commodity price P_t = mean over the markets that reported in period t;
* 环比 % = (mean(P_t) / mean(P_t-1) - 1) x 100 over *matched* markets only (those with a
  price in both periods); 同比 the same against the same ISO week (or month) a year earlier.
  A market joining or leaving therefore never moves the percentage; ``prev_price`` and
  ``yoy_price`` are those periods' own commodity prices (every market that reported then), so
  ``price / prev_price - 1`` can differ from ``wow_pct`` when the set of markets changed;
* 持平 when the change rounds to 0.0 %; breadth = how many commodities rose, fell, stayed flat;
* MA4 = mean of P over the last 4 periods (t-3 .. t); None unless all 4 have a price;
* 52-period high / low = max / min of P over t-51 .. t (the periods that have a price);
* spread across markets in period t: min, max and the coefficient of variation
  CV % = 100 x population standard deviation / mean of the market prices (None below 2 markets);
* 定基 index = 100 x P_t / P_base (None when the base period has no price); the base is a
  parameter (``report(base=...)``, ``--base``), by default the first period with data;
* category index (fixed-weight Laspeyres basket) = 100 x sum(w_i x P_i,t / P_i,base) / sum(w_i)
  over the category's commodities with a price in t and in the base period; w_i is
  ``commodities.weight`` (1 for every commodity unless the catalog says otherwise: equal
  weights). Its 环比 compares t with t-1 over the commodities priced in t, t-1 and the base,
  so a commodity missing one week does not move the category;
* ALPS score (an Alert for Price Spikes, after WFP) once a series spans 3 years (156 weeks or
  36 months): P_s = a + b x s + month dummies + e_s is fitted by least squares to the series
  up to and including t; score = (P_t - fitted_t) / sd(residuals) (sd with n - rank degrees
  of freedom). Bands: < 0.25 normal, 0.25-1 stress, 1-2 alert, >= 2 crisis (a price *below*
  its trend is "normal": ALPS watches spikes). Weekly series use the month of the ISO week's
  Thursday as the season: 11 seasonal parameters rather than 51, each estimated from ~13
  weeks a year instead of 3, and the 53rd week needs no dummy of its own;
* alerts: ``jump`` when |环比| (rounded) is at or above the category's threshold
  (``categories.jump_threshold_pct``, else ``Settings.threshold_for(category)``, default 5 %);
  ``alps`` at level crisis (see ALPS_ALERT_LEVELS), scored only when the reporting markets
  are the same as last period (otherwise the mean moves with the market mix); ``gap`` for a
  market that reported the previous period and not this one (the whole market, or one
  commodity of a market that did report). A linear trend cannot follow a multi-year cycle
  (the pork cycle): through a cycle's upswing the score stays high, which is what ALPS is
  meant to say ("far above what trend and season explain") but worth knowing when reading it.

Edge cases, everywhere: a missing period gives None (never 0); a zero or missing base gives
None; a single observation is a price, with no spread (CV None) and no 环比; a year without
week 53 has no 同比 for week 53 (``periods.same_period_last_year`` is None, the reason says
so); the previous period of 2021-W01 is 2020-W53. Every indicator is computed for one
``price_type`` (retail by default): a wholesale market is never averaged with retail ones.

Rounding is half-up on the decimal value (prices 2 places, percentages 1, indices 1, ALPS 2):
values are first rounded to 9 decimals to drop binary floating-point noise (the double
nearest 10.125 is 10.12499999999999822...) and then rounded half away from zero, as a person
computing by hand would. ``Report.items`` and every frame below hold these published values;
``Report.raw`` keeps the unrounded ones.

Entry points (``store`` is a :class:`~pricewatch.store.Store`; ``public=True`` reads released
data only, ``public=False`` the staff view; ``freq=None``, the default, detects weekly or
monthly data with :func:`detect_freq`, and a named period carries its own frequency):

* :func:`report` -> :class:`Report` for one period: ``items`` (one row per commodity),
  ``summary``, ``headline()``, ``alerts``, ``categories``, ``to_json()``;
* :func:`series` - one commodity's price per period (period_start, price, markets);
* :func:`trend` - one commodity per period: price, MA4, same period last year, 52-period
  high/low, 定基 index, markets;
* :func:`market_trend` - one commodity per period and market (long frame, for per-market lines);
* :func:`spread_trend` - one commodity per period: min, max and CV across markets;
* :func:`market_comparison` - the latest (or a given) period, one row per commodity and market:
  price, previous price, 环比 of that market, difference from the commodity price;
* :func:`category_index_series` - category index per period and category;
* :func:`board` - per commodity for a period: price, 环比, 同比, direction, alert and the last
  12 prices (sparkline), grouped by category in catalog order;
* :func:`detect_freq` - "month" when the data are monthly, else "week".

Speed: the report reads only the days of the period, the previous period and the year-earlier
period (DuckDB does the matched-market sums); the long-window figures (MA4, high/low, 定基,
ALPS, category index) come from the whole history of commodity prices per period, computed
once per data version and price type and kept in this process (:func:`clear_cache` drops it).
At 9.9 million observations (benchmarks/indicators_bench.py, quiet 2-core machine): a report
takes 23-31 ms once that history is cached and 0.24-0.4 s for the first call after a new data
version; :func:`trend` ~2 ms.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from .config import Settings, load_settings
from .errors import InputError, NotFound
from .periods import Freq, Period, parse_period, period_of, previous, same_period_last_year, shift
from .store import Store
from .store import indicator_queries as iq
from .store.queries import Scope
from .store.session import Session

PRICE_TYPES = ("retail", "wholesale")
ALPS_BANDS = ((2.0, "crisis"), (1.0, "alert"), (0.25, "stress"))
ALPS_LEVEL_ZH = {"normal": "正常", "stress": "关注", "alert": "预警", "crisis": "危机"}
ALPS_YEARS = 3
#: ALPS levels that become an alert line. With normal residuals about 16 % of periods score
#: 1 or more (the "alert" band) and about 2 % score 2 or more, so listing only "crisis" keeps
#: the weekly list to real exceptions; every item still carries its score and level.
ALPS_ALERT_LEVELS = ("crisis",)
MA_WINDOW = 4
HIGH_LOW_WINDOW = 52
SPARK_PERIODS = 12


# -- rounding and small formulas --------------------------------------------------------
def round_half_up(x: float | None, places: int) -> float | None:
    """``x`` rounded half away from zero to ``places`` decimals; None for None/NaN.

    The value is first rounded to 9 decimals (drops float noise: a mean that is 10.125 on
    paper is 10.124999999999998 as a double), then quantised with ROUND_HALF_UP.
    """
    if x is None or pd.isna(x):
        return None
    q = Decimal(1).scaleb(-places)
    # + 0.0 turns -0.0 into 0.0 (a change of -0.04 % is published as 0.0, not -0.0)
    return float(Decimal(repr(round(float(x), 9))).quantize(q, rounding=ROUND_HALF_UP)) + 0.0


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
    if cur is None or base is None or pd.isna(cur) or pd.isna(base) or base == 0:
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
    if b is None or pd.isna(b) or b == 0:
        return pd.Series(np.nan, index=p.index)
    return p / b * 100.0


def laspeyres_index(cur: pd.Series, base: pd.Series, weights: pd.Series) -> float | None:
    """Fixed-weight Laspeyres index 100 x sum(w x P_t / P_base) / sum(w).

    All three Series are indexed by commodity. Only commodities with a positive weight and
    a price in both periods (base not 0) enter; None when none do.
    """
    df = pd.DataFrame({"c": cur, "b": base, "w": weights}).astype("float64")
    df = df.dropna()
    df = df[(df["b"] != 0) & (df["w"] > 0)]
    if df.empty:
        return None
    return float((df["w"] * df["c"] / df["b"]).sum() / df["w"].sum() * 100.0)


def alps_band(score: float | None) -> str | None:
    """normal (< 0.25) | stress (0.25-1) | alert (1-2) | crisis (>= 2); None for None."""
    if score is None or pd.isna(score):
        return None
    for bound, name in ALPS_BANDS:
        if score >= bound:
            return name
    return "normal"


def _season_of(starts: pd.DatetimeIndex | pd.Series, freq: str) -> np.ndarray:
    """Month (1-12) standing for each period's season: the month of a week's Thursday."""
    s = pd.DatetimeIndex(pd.to_datetime(starts))
    if freq == "week":
        s = s + pd.Timedelta(days=3)
    return np.asarray(s.month, dtype="int64")


def _design(season: np.ndarray, t_years: np.ndarray) -> np.ndarray:
    """[1, trend in years, dummies for months 2..12]."""
    x = np.zeros((len(season), 13))
    x[:, 0] = 1.0
    x[:, 1] = t_years
    for m in range(2, 13):
        x[:, m] = season == m
    return x


def _alps_fit(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares per column of ``y`` (T x C, NaN = missing) on design ``x`` (T x K).

    Returns (residuals T x C with NaN where y is missing, residual sd per column with
    n - rank degrees of freedom; NaN when fewer than rank + 2 observations). Batched normal
    equations with a pseudo-inverse, so a month never observed (a rank-deficient design)
    still gives the least-squares fit.
    """
    mask = ~np.isnan(y)
    y0 = np.where(mask, y, 0.0)
    m = mask.astype("float64")
    t, k = x.shape
    xx = (x[:, :, None] * x[:, None, :]).reshape(t, k * k)
    g = (m.T @ xx).reshape(-1, k, k)
    b = (m * y0).T @ x
    # one symmetric eigendecomposition per column gives the pseudo-inverse and the rank
    lam, vec = np.linalg.eigh(g)
    tol = lam.max(axis=1, keepdims=True) * k * np.finfo("float64").eps
    keep = lam > tol
    inv = np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)
    beta = np.einsum("ckl,cl->ck", vec, np.einsum("cml,cm->cl", vec, b) * inv)
    fitted = x @ beta.T
    resid = np.where(mask, y0 - fitted, np.nan)
    n = m.sum(axis=0)
    rank = keep.sum(axis=1)
    dof = n - rank
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.nansum(resid**2, axis=0) / dof)
    sd = np.where(dof >= 2, sd, np.nan)
    return resid, sd


def alps_scores(prices: pd.Series, freq: Freq = "week") -> pd.Series:
    """ALPS score of every period of one series, from one fit over the whole series.

    ``prices`` is indexed by period start (dates). The series must span 3 years (156 weeks
    or 36 months from the first to the last price), else every score is NaN. The fit is
    in-sample (the score of a period uses the whole series); :func:`report` scores period t
    with the series up to t. A residual sd of 0 (a perfect fit) gives NaN.
    """
    s = prices.astype("float64")
    out = pd.Series(np.nan, index=s.index)
    ok = s.dropna()
    if ok.empty:
        return out
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Index(s.index)))
    first = pd.Timestamp(pd.to_datetime(ok.index.min()))
    last = pd.Timestamp(pd.to_datetime(ok.index.max()))
    span = (last - first).days / 7 + 1 if freq == "week" else \
        (last.year - first.year) * 12 + last.month - first.month + 1
    if span < ALPS_YEARS * (52 if freq == "week" else 12):
        return out
    t_years = np.asarray((starts - first).days, dtype="float64") / 365.25
    x = _design(_season_of(starts, freq), t_years)
    resid, sd = _alps_fit(s.to_numpy()[:, None], x)
    if not np.isfinite(sd[0]) or sd[0] == 0:
        return out
    return pd.Series(resid[:, 0] / sd[0], index=s.index)


# -- messages ----------------------------------------------------------------------------
def _fmt_threshold(t: float) -> str:
    return f"{t:g}"


def jump_message(commodity: str, wow_pct: float, threshold: float, label: str = "环比") -> str:
    """'猪肉(五花)环比上涨12.3%,超过5%预警线' (达到 when exactly at the line)."""
    r = round_half_up(wow_pct, 1) or 0.0
    verb = "上涨" if r > 0 else "下降"
    rel = "达到" if abs(r) == threshold else "超过"
    return f"{commodity}{label}{verb}{abs(r):.1f}%,{rel}{_fmt_threshold(threshold)}%预警线"


def alps_message(commodity: str, score: float, level: str) -> str:
    return (f"{commodity}价格明显高于按长期趋势和季节规律推算的水平"
            f"(ALPS指数{round_half_up(score, 2):.2f},{ALPS_LEVEL_ZH.get(level, level)}级)")


def gap_message(market: str, commodity: str | None = None) -> str:
    if commodity is None:
        return f"{market}本期未报送价格(上期有报价)"
    return f"{market}本期未报送{commodity}价格(上期有报价)"


# -- periods and the cached history -----------------------------------------------------
def _scope(public: bool) -> Scope:
    return "public" if public else "staff"


def _check_price_type(price_type: str) -> None:
    if price_type not in PRICE_TYPES:
        raise InputError(f"未知的价格类型「{price_type}」", "只能是 retail(零售) 或 wholesale(批发)")


_FREQ_CACHE: OrderedDict[tuple[str, str, str], Freq] = OrderedDict()


def _detect(s: Session, scope: Scope, price_type: str, snap: str | None = None) -> Freq:
    """:func:`detect_freq` inside a session, remembered per snapshot file."""
    key = (snap or iq.snapshot_id(s), scope, price_type)
    with _CACHE_LOCK:
        hit = _FREQ_CACHE.get(key)
    if hit is not None:
        return hit
    latest = iq.latest_date(s, scope, price_type)
    f: Freq = "week"
    if latest is not None:
        dates = iq.distinct_dates(s, scope, price_type, latest - timedelta(days=400))
        n_weeks = len({d.isocalendar()[:2] for d in dates})
        n_months = len({(d.year, d.month) for d in dates})
        f = "month" if n_months >= 3 and n_weeks <= 1.25 * n_months else "week"
    with _CACHE_LOCK:
        _FREQ_CACHE[key] = f
        while len(_FREQ_CACHE) > 64:
            _FREQ_CACHE.popitem(last=False)
    return f


def detect_freq(store: Store, *, public: bool = True, price_type: str = "retail") -> Freq:
    """'month' when the data are monthly, else 'week'.

    Over the 400 days up to the newest date: monthly when the data fall in 3 or more months
    and in about one ISO week per month (at most 1.25 weeks per month: a monthly survey dated
    the 15th has exactly one); weekly otherwise, and when there are too few data to tell.
    """
    with store.read() as s:
        return _detect(s, _scope(public), price_type)


def resolve_period(store: Store, *, period: str | None = None, on: date | None = None,
                   freq: Freq | None = None, public: bool = True,
                   price_type: str = "retail") -> Period | None:
    """The named period, the one containing ``on``, or the latest with data (None: no data).

    ``freq=None`` detects the frequency from the data; a named period carries its own.
    """
    if period:
        return parse_period(period)
    with store.read() as s:
        f = freq or _detect(s, _scope(public), price_type)
        if on:
            return period_of(on, f)
        latest = iq.latest_date(s, _scope(public), price_type)
    return period_of(latest, f) if latest else None


@dataclass
class _History:
    """Commodity price per period over the whole history, on a complete period grid."""

    freq: str
    starts: pd.DatetimeIndex          # T period starts, consecutive
    labels: list[str]                 # T period labels
    ids: np.ndarray                   # C commodity ids (columns)
    y: np.ndarray                     # T x C prices (NaN = no price)
    n: np.ndarray                     # T x C markets that reported
    catalog: pd.DataFrame             # indexed by commodity_id
    #: ALPS scores per grid row, filled on demand (the history never changes once built)
    alps: dict[int, np.ndarray] = field(default_factory=dict)
    _yoy: np.ndarray | None = None
    _cat: dict[str, np.ndarray] | None = None
    start_dates: np.ndarray | None = None

    def index_of(self, p: Period | None) -> int | None:
        if p is None or len(self.starts) == 0:
            return None
        t0 = self.starts[0]
        if self.freq == "week":
            i = (pd.Timestamp(p.start) - t0).days // 7
        else:
            i = (p.start.year - t0.year) * 12 + p.start.month - t0.month
        return int(i) if 0 <= i < len(self.starts) else None

    def yoy_rows(self) -> np.ndarray:
        """Grid row of the same period a year earlier for every row (-1: none / before the
        grid; week 53 of a year after a 52-week year has none)."""
        if self._yoy is None:
            row = {lab: i for i, lab in enumerate(self.labels)}
            out = []
            for lab in self.labels:
                yp = same_period_last_year(parse_period(lab))
                out.append(row.get(yp.label, -1) if yp else -1)
            self._yoy = np.array(out, dtype="int64")
        return self._yoy

    def catalog_arrays(self, commodity_ids: np.ndarray) -> dict[str, np.ndarray]:
        """Catalog fields aligned with ``commodity_ids`` as plain numpy arrays (object arrays
        for text): commodity, category (其他 when unset), unit, sort, jump_threshold_pct."""
        if self._cat is None:
            c = self.catalog
            self._cat = {
                "id": c.index.to_numpy(dtype="int64"),
                "commodity": np.array(c["commodity"].tolist(), dtype=object),
                "category": np.array([v if isinstance(v, str) else "其他" for v in c["category"].tolist()],
                                     dtype=object),
                "unit": np.array(c["unit"].tolist(), dtype=object),
                "sort": c["sort"].to_numpy(dtype="float64"),
                "jump_threshold_pct": c["jump_threshold_pct"].to_numpy(dtype="float64"),
            }
            order = np.argsort(self._cat["id"])
            self._cat = {k: v[order] for k, v in self._cat.items()}
        a = self._cat
        ids = np.asarray(commodity_ids, dtype="int64")
        pos = np.minimum(np.searchsorted(a["id"], ids), max(len(a["id"]) - 1, 0))
        return {k: v[pos] for k, v in a.items() if k != "id"}

    def cols(self, commodity_ids: np.ndarray) -> np.ndarray:
        """Column of each commodity id (-1 where it has no price in the whole history)."""
        ids = np.asarray(commodity_ids, dtype="int64")
        if len(self.ids) == 0:
            return np.full(len(ids), -1)
        pos = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        return np.where(self.ids[pos] == ids, pos, -1)

    def col(self, commodity_id: int) -> int | None:
        hit = np.nonzero(self.ids == commodity_id)[0]
        return int(hit[0]) if len(hit) else None


_CACHE: OrderedDict[tuple[Any, ...], _History] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 12


def clear_cache() -> None:
    """Forget the in-process caches (tests and benchmarks use this)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _FREQ_CACHE.clear()


def _grid(first: pd.Timestamp, last: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    if freq == "week":
        return pd.date_range(first, last, freq="7D")
    return pd.date_range(first, last, freq="MS")


def _history(s: Session, store: Store, scope: Scope, freq: str, price_type: str,
             snap: str | None = None) -> _History:
    key = (str(store.path), s.version, snap or iq.snapshot_id(s), scope, freq, price_type)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    cat = iq.catalog(s).set_index("commodity_id")
    g = iq.commodity_periods(s, scope, freq, price_type)
    if g.empty:
        h = _History(freq, pd.DatetimeIndex([]), [], np.array([], dtype="int64"),
                     np.empty((0, 0)), np.empty((0, 0)), cat)
    else:
        ps = pd.to_datetime(g["period_start"])
        starts = _grid(ps.min(), ps.max(), freq)
        ids = np.sort(g["commodity_id"].unique())
        if freq == "week":
            ti = ((ps - starts[0]).dt.days // 7).to_numpy()
        else:
            ti = ((ps.dt.year - starts[0].year) * 12 + ps.dt.month - starts[0].month).to_numpy()
        ci = np.searchsorted(ids, g["commodity_id"].to_numpy())
        y = np.full((len(starts), len(ids)), np.nan)
        n = np.zeros((len(starts), len(ids)), dtype="int64")
        y[ti, ci] = g["price"].to_numpy(dtype="float64")
        n[ti, ci] = g["markets"].to_numpy()
        labels = [period_of(d.date(), freq).label for d in starts]  # type: ignore[arg-type]
        h = _History(freq, starts, labels, ids, y, n, cat)
    with _CACHE_LOCK:
        _CACHE[key] = h
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return h


def _alps_at(h: _History, ti: int) -> np.ndarray:
    """ALPS score of period ``ti`` for every commodity (NaN where not defined), each series
    fitted on its prices up to and including ``ti``."""
    c = len(h.ids)
    out = np.full(c, np.nan)
    if ti is None or c == 0:
        return out
    y = h.y[: ti + 1]
    need = ALPS_YEARS * (52 if h.freq == "week" else 12)
    have = ~np.isnan(y)
    first = np.where(have.any(axis=0), have.argmax(axis=0), ti + 1)
    eligible = (ti - first + 1 >= need) & have[ti]
    if not eligible.any():
        return out
    cols = np.nonzero(eligible)[0]
    starts = h.starts[: ti + 1]
    t_years = np.asarray((starts - starts[0]).days, dtype="float64") / 365.25
    x = _design(_season_of(starts, h.freq), t_years)
    resid, sd = _alps_fit(y[:, cols], x)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = resid[ti] / sd
    score[~np.isfinite(score)] = np.nan
    out[cols] = score
    return out


def _base_index(h: _History, base: str | Period | None) -> int | None:
    """Grid row of the 定基 base period: the given one, else the first period with data."""
    if base is None:
        return 0 if len(h.starts) else None
    p = parse_period(base) if isinstance(base, str) else base
    if p.freq != h.freq:
        raise InputError(f"基期 {p.label} 与报告频率不一致", "周报用 2024-W01 形式, 月报用 2024-01 形式")
    row = h.index_of(p)
    if row is None and len(h.labels):
        raise InputError(f"基期 {p.label} 没有价格数据",
                         f"基期应在 {h.labels[0]} 到 {h.labels[-1]} 之间")
    return row


def _threshold(row_threshold: Any, category: str | None, settings: Settings) -> float:
    if row_threshold is not None and not pd.isna(row_threshold):
        return float(row_threshold)
    return float(settings.threshold_for(category))


def _category_index(h: _History, rows: np.ndarray, b: int | None) -> pd.DataFrame:
    """Laspeyres category index for grid rows ``rows``: category, index, wow_pct, n (raw)."""
    cat = h.catalog.reindex(h.ids)
    cats = cat["category"].fillna("其他").to_numpy()
    w = cat["weight"].astype("float64").fillna(1.0).to_numpy()
    w = np.where(w > 0, w, np.nan)
    order = (cat.assign(_c=cats).groupby("_c", sort=False)["category_sort"].min()
             .sort_values(kind="stable").index.tolist())
    out = []
    if b is None or len(h.ids) == 0:
        return pd.DataFrame(columns=["row", "category", "index", "wow_pct", "n"])
    rows = np.asarray(rows, dtype="int64")
    if len(rows) == 0:
        return pd.DataFrame(columns=["row", "category", "index", "wow_pct", "n"])
    # only the rows asked for and the one before the first (for its 环比)
    lo, hi = max(0, int(rows.min()) - 1), int(rows.max()) + 1
    base = h.y[b]
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = h.y[lo:hi] / np.where(base > 0, base, np.nan)  # price relatives (NaN: not in basket)
    for k in order:
        sel = (cats == k) & ~np.isnan(w)
        if not sel.any():
            continue
        wk, rk = w[sel], rel[:, sel]
        ok = ~np.isnan(rk)                                   # T x n: in the basket at t
        wr = np.where(ok, rk, 0.0) * wk
        num = wr.sum(axis=1)
        den = (ok * wk).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            index = np.where(den > 0, num / den * 100, np.nan)
        # 环比 over the commodities priced at t, t-1 and the base
        both = ok[1:] & ok[:-1]
        cur_sum = (np.where(both, rk[1:], 0.0) * wk).sum(axis=1)
        prv_sum = (np.where(both, rk[:-1], 0.0) * wk).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            wow = np.concatenate([[np.nan], np.where(both.any(axis=1) & (prv_sum > 0),
                                                     (cur_sum / prv_sum - 1) * 100, np.nan)])
        n = ok.sum(axis=1)
        for ti in rows:
            j = ti - lo
            out.append({"row": int(ti), "category": k,
                        "index": None if np.isnan(index[j]) else float(index[j]),
                        "wow_pct": None if np.isnan(wow[j]) else float(wow[j]),
                        "n": int(n[j])})
    return pd.DataFrame(out, columns=["row", "category", "index", "wow_pct", "n"])


# -- the report ---------------------------------------------------------------------------
ITEM_COLUMNS = [
    "commodity", "category", "unit", "price", "prev_price", "wow_pct", "yoy_price", "yoy_pct",
    "markets", "direction", "alert", "sort",
    "prev_markets", "yoy_markets", "wow_markets", "yoy_matched", "min_price", "max_price",
    "cv_pct", "ma4", "high52", "low52", "index", "alps", "alps_level", "threshold", "why",
]
_PRICE_COLS = ["price", "prev_price", "yoy_price", "min_price", "max_price", "ma4", "high52", "low52"]
_PCT_COLS = ["wow_pct", "yoy_pct", "cv_pct", "index"]


@dataclass
class Report:
    """One period's figures. ``items`` holds the published (rounded) values, one row per
    commodity with a price this period, in catalog order; ``raw`` the unrounded ones."""

    period: Period
    public: bool
    items: pd.DataFrame
    alerts: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    price_type: str = "retail"
    base: Period | None = None
    raw: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def summary(self) -> dict[str, int]:
        d = self.items["direction"] if not self.items.empty else pd.Series(dtype=object)
        return {"up": int((d == "up").sum()), "down": int((d == "down").sum()),
                "flat": int((d == "flat").sum()), "n": len(self.items)}

    def headline(self, prefix: str = "本期") -> str:
        s = self.summary
        return f"{prefix}监测{s['n']}种商品,{s['up']}种上涨、{s['down']}种下降、{s['flat']}种持平"

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (the schema of ``python -m pricewatch report --json``)."""
        items = []
        for r in self.items.itertuples(index=False):
            items.append({
                "commodity": r.commodity, "category": r.category, "unit": r.unit,
                "price": _num(r.price), "prev_price": _num(r.prev_price),
                "wow_pct": _num(r.wow_pct), "yoy_price": _num(r.yoy_price),
                "yoy_pct": _num(r.yoy_pct), "markets": int(r.markets),
                "alert": r.alert if isinstance(r.alert, str) else None,
                "direction": r.direction if isinstance(r.direction, str) else None,
                "why": dict(r.why) if isinstance(r.why, dict) else {},
            })
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "public": self.public,
                "price_type": self.price_type,
                "base": self.base.label if self.base else None,
                "summary": self.summary, "items": items, "alerts": list(self.alerts),
                "categories": list(self.categories)}


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _nullable(a: Any) -> pd.Series:
    """Floats with None (not NaN) where missing, so a row reads None like the JSON."""
    arr = np.asarray(a, dtype="float64")
    out = arr.astype(object)
    out[np.isnan(arr)] = None
    return pd.Series(out, dtype=object)


def report(store: Store, *, period: str | None = None, on: date | None = None,
           freq: Freq | None = None, public: bool = True, price_type: str = "retail",
           base: str | Period | None = None, settings: Settings | None = None) -> Report | None:
    """The report for one period (None when the audience has no data at all).

    ``period`` ("2024-W05" / "2024-05") wins over ``on`` (the period containing that date);
    without either, the latest period with data for this audience (released data with
    ``public=True``). ``freq=None`` detects weekly or monthly data. ``base`` is the 定基
    base period (default: the first period with data). A period without data gives a
    report with no items.
    """
    _check_price_type(price_type)
    scope = _scope(public)
    settings = settings or load_settings(store.path)
    with store.read() as s:
        named = parse_period(period) if period else None
        snap = iq.snapshot_id(s)
        f = named.freq if named else (freq or _detect(s, scope, price_type, snap))
        # the whole history of commodity prices (cached per data version): the long-window
        # figures come from it, and so does the latest period with data
        h = _history(s, store, scope, f, price_type, snap)
        if named is not None:
            p = named
        elif on is not None:
            p = period_of(on, f)
        elif len(h.labels):
            p = parse_period(h.labels[-1])
        else:
            return None
        prev = previous(p)
        yoy = same_period_last_year(p)
        core = iq.report_core(s, scope, p, prev, yoy, price_type)
        markets = iq.market_names(s) if int(core["gaps"].sum()) > 0 else None
    return build_report(p, public, core, h, settings, price_type=price_type, base=base,
                        markets=markets, yoy=yoy)


def _why(markets: int, prev_markets: int, wow_n: int, yoy_markets: int, yoy_n: int,
         yoy: Period | None) -> dict[str, str]:
    """Why each null figure is null, in plain Chinese (the text view shows these)."""
    why: dict[str, str] = {}
    if prev_markets == 0:
        why["prev_price"] = why["wow_pct"] = "上期无报价"
    elif wow_n == 0:
        why["wow_pct"] = "本期与上期没有共同报价的市场"
    if yoy is None:
        why["yoy_price"] = why["yoy_pct"] = "去年没有对应的第53周"
    elif yoy_markets == 0:
        why["yoy_price"] = why["yoy_pct"] = "去年同期无报价"
    elif yoy_n == 0:
        why["yoy_pct"] = "本期与去年同期没有共同报价的市场"
    if markets < 2:
        why["cv_pct"] = "仅一个市场报价"
    if not (wow_n == markets == prev_markets):
        why["alps"] = "报价市场与上期不同, 均价受市场构成影响, 不计算ALPS"
    return why


def build_report(p: Period, public: bool, core: pd.DataFrame, h: _History,
                 settings: Settings | None = None, *, price_type: str = "retail",
                 base: str | Period | None = None, markets: pd.DataFrame | None = None,
                 yoy: Period | None = None) -> Report:
    """Assemble a :class:`Report` from :func:`indicator_queries.report_core` and the history.

    Vectorised over commodities (numpy arrays, one DataFrame built at the end); the only
    per-row Python work is the alert messages and the reasons for null figures.
    """
    settings = settings or Settings()
    base_row = _base_index(h, base)
    base_p = parse_period(h.labels[base_row]) if base_row is not None else None
    ids_all = core["commodity_id"].to_numpy(dtype="int64")
    cat = h.catalog_arrays(ids_all)
    sort_all = cat["sort"]
    names_all = cat["commodity"]
    alerts: list[dict[str, Any]] = []

    # gaps: markets that reported last period and not now (the whole market, or one commodity)
    if markets is not None:
        mname = dict(zip(markets["market_id"].tolist(), markets["market"].tolist(), strict=True))
        msort = dict(zip(markets["market_id"].tolist(), markets["sort"].tolist(), strict=True))
        silent = core["silent_markets"].iloc[0] if len(core) else None
        silent = {int(m) for m in silent} if isinstance(silent, (list, np.ndarray)) else set()
        gaps = core["gaps"].to_numpy()
        gap_lists = core["gap_markets"].tolist()
        rows = sorted(np.nonzero(gaps > 0)[0], key=lambda i: sort_all[i])
        pairs = [(names_all[i], int(m)) for i in rows for m in gap_lists[i]]
        whole = sorted({m for _, m in pairs if m in silent}, key=lambda m: (msort.get(m, 0), m))
        for mid in whole:
            m = mname.get(mid, str(mid))
            alerts.append({"commodity": None, "market": m, "kind": "gap", "level": "notice",
                           "message": gap_message(m)})
        for commodity, mid in pairs:
            if mid not in silent:
                m = mname.get(mid, str(mid))
                alerts.append({"commodity": commodity, "market": m, "kind": "gap",
                               "level": "notice", "message": gap_message(m, commodity)})

    n_all = core["markets"].to_numpy(dtype="int64")
    sel = np.nonzero(n_all > 0)[0]
    if len(sel) == 0:
        return Report(p, public, pd.DataFrame(columns=ITEM_COLUMNS), alerts, [], price_type,
                      base_p, pd.DataFrame(columns=ITEM_COLUMNS))
    sel = sel[np.argsort(sort_all[sel], kind="stable")]   # catalog order

    def col(name: str, dtype: str = "float64") -> np.ndarray:
        return core[name].to_numpy(dtype=dtype)[sel]

    ids = ids_all[sel]
    names = names_all[sel].tolist()
    category = cat["category"][sel]
    unit = cat["unit"][sel]
    jt = cat["jump_threshold_pct"][sel]
    n = n_all[sel]
    prev_n, yoy_n_all = col("prev_markets", "int64"), col("yoy_markets", "int64")
    wow_n, yoy_n = col("wow_n", "int64"), col("yoy_n", "int64")
    price, sd = col("price"), col("sd_pop")
    wow_cur, wow_base, yoy_cur, yoy_base = col("wow_cur"), col("wow_base"), col("yoy_cur"), col("yoy_base")
    with np.errstate(invalid="ignore", divide="ignore"):
        wow = np.where((wow_n > 0) & (wow_base > 0), (wow_cur / wow_base - 1) * 100, np.nan)
        yoyp = np.where((yoy_n > 0) & (yoy_base > 0), (yoy_cur / yoy_base - 1) * 100, np.nan)
        cv = np.where((n >= 2) & (price != 0), sd / price * 100, np.nan)

    # long-window figures from the history grid
    k = len(sel)
    ti = h.index_of(p)
    cols = h.cols(ids)
    ma4, hi, lo, idx, alps = (np.full(k, np.nan) for _ in range(5))
    ok = cols >= 0
    if ti is not None and ok.any():
        c = cols[ok]
        if ti >= MA_WINDOW - 1:
            win = h.y[ti - MA_WINDOW + 1: ti + 1, c]
            ma4[ok] = np.where(np.isnan(win).any(axis=0), np.nan, win.mean(axis=0))
        win = h.y[max(0, ti - HIGH_LOW_WINDOW + 1): ti + 1, c]
        hi[ok] = np.where(np.isnan(win), -np.inf, win).max(axis=0)
        lo[ok] = np.where(np.isnan(win), np.inf, win).min(axis=0)
        hi[~np.isfinite(hi)] = np.nan
        lo[~np.isfinite(lo)] = np.nan
        if base_row is not None and base_row <= ti:
            b = h.y[base_row, c]
            with np.errstate(invalid="ignore", divide="ignore"):
                idx[ok] = np.where(b > 0, h.y[ti, c] / b * 100, np.nan)
        scores = h.alps.get(ti)
        if scores is None:
            scores = h.alps[ti] = _alps_at(h, ti)
        alps[ok] = scores[c]
    # when the reporting markets changed since last period, the commodity price moves with the
    # market mix (a cheap market missing lifts the mean): the ALPS score would measure that
    alps = np.where((wow_n == n) & (wow_n == prev_n), alps, np.nan)

    rw = round_half_up_array(wow, 1)
    direction_ = np.full(k, None, dtype=object)
    direction_[rw > 0], direction_[rw < 0], direction_[rw == 0] = "up", "down", "flat"
    alps_level = [alps_band(v) for v in alps]
    thr = np.array([_threshold(t, g, settings) for t, g in zip(jt, category, strict=True)], dtype="float64")
    why = [_why(*v, yoy) for v in zip(n.tolist(), prev_n.tolist(), wow_n.tolist(),
                                      yoy_n_all.tolist(), yoy_n.tolist(), strict=True)]

    item_alerts: dict[int, list[str]] = {}
    for i in np.nonzero(np.abs(rw) >= thr)[0]:
        msg = jump_message(names[i], float(wow[i]), float(thr[i]))
        alerts.append({"commodity": names[i], "market": None, "kind": "jump", "level": "alert",
                       "message": msg, "value": float(rw[i]), "threshold": float(thr[i])})
        item_alerts.setdefault(int(i), []).append(msg)
    for i, lvl in enumerate(alps_level):
        if lvl in ALPS_ALERT_LEVELS:
            msg = alps_message(names[i], float(alps[i]), lvl)
            alerts.append({"commodity": names[i], "market": None, "kind": "alps", "level": lvl,
                           "message": msg, "value": round_half_up(float(alps[i]), 2)})
            item_alerts.setdefault(i, []).append(msg)
    alert_text = np.full(k, None, dtype=object)
    for i, msgs in item_alerts.items():
        alert_text[i] = ";".join(msgs)
    order = {"jump": 0, "alps": 1, "gap": 2}
    sort_of = dict(zip(names, sort_all[sel].tolist(), strict=True))
    alerts.sort(key=lambda a: (order[a["kind"]], sort_of.get(a["commodity"], -1)))

    common = {
        "commodity": pd.Series(names, dtype=object), "category": pd.Series(category, dtype=object),
        "unit": pd.Series(unit, dtype=object), "markets": n,
        # object columns keep None (pandas would turn a str/None array into strings with NaN)
        "direction": pd.Series(direction_, dtype=object), "alert": pd.Series(alert_text, dtype=object),
        "sort": sort_all[sel].astype("int64"),
        "prev_markets": prev_n, "yoy_markets": yoy_n_all, "wow_markets": wow_n, "yoy_matched": yoy_n,
        "alps_level": pd.Series(alps_level, dtype=object), "threshold": thr,
        "why": pd.Series(why, dtype=object),
    }
    figures = {"price": price, "prev_price": col("prev_price"), "wow_pct": wow,
               "yoy_price": col("yoy_price"), "yoy_pct": yoyp, "min_price": col("min_price"),
               "max_price": col("max_price"), "cv_pct": cv, "ma4": ma4, "high52": hi, "low52": lo,
               "index": idx, "alps": alps}
    places = {**dict.fromkeys(_PRICE_COLS, 2), **dict.fromkeys(_PCT_COLS, 1), "alps": 2}
    raw = pd.DataFrame({**common, **figures})[ITEM_COLUMNS]
    items = pd.DataFrame({**common, **{c: _nullable(round_half_up_array(v, places[c]))
                                       for c, v in figures.items()}})[ITEM_COLUMNS]
    categories: list[dict[str, Any]] = []
    if ti is not None:
        ci = _category_index(h, np.array([ti]), base_row if base_row is not None and base_row <= ti else None)
        for r in ci.itertuples(index=False):
            categories.append({"category": r.category, "index": round_half_up(r.index, 1),
                               "wow_pct": round_half_up(r.wow_pct, 1), "commodities": r.n,
                               "base": base_p.label if base_p else None})
    return Report(p, public, items, alerts, categories, price_type, base_p, raw)


# -- frames for the pages -------------------------------------------------------------------
def _commodity_id(h: _History, commodity: str) -> int:
    hit = h.catalog.index[h.catalog["commodity"] == commodity]
    if len(hit) == 0:
        raise NotFound(f"商品「{commodity}」不在目录中", "检查商品名称, 或先在目录中添加")
    return int(hit[0])


def series(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
           price_type: str = "retail") -> pd.DataFrame:
    """One commodity over all history: period_start (date), period (label), price (raw),
    markets. Only periods with a price; oldest first. A name not in the catalog gives an
    empty frame, as a commodity without prices does (:func:`trend` raises NotFound)."""
    try:
        t = trend(store, commodity, public=public, freq=freq, price_type=price_type)
    except NotFound:
        t = pd.DataFrame(columns=["start", "period", "price_raw", "markets"])
    t = t[t["markets"] > 0]
    return pd.DataFrame({"period_start": t["start"].to_numpy(), "period": t["period"].to_numpy(),
                         "price": t["price_raw"].to_numpy(dtype="float64"),
                         "markets": t["markets"].to_numpy(dtype="int64")}).reset_index(drop=True)


def _hist(store: Store, public: bool, freq: Freq | None, price_type: str) -> _History:
    _check_price_type(price_type)
    scope = _scope(public)
    with store.read() as s:
        snap = iq.snapshot_id(s)
        f = freq or _detect(s, scope, price_type, snap)
        return _history(s, store, scope, f, price_type, snap)


def trend(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
          price_type: str = "retail", base: str | Period | None = None) -> pd.DataFrame:
    """One commodity per period on a complete grid from its first to the last period.

    Columns: period, start (date), price (2 dp, None in a period without a price), ma4,
    yoy_price (the same period a year earlier: same ISO week / month), high52, low52,
    index (定基, 1 dp; base = ``base`` or the first period with data), markets, price_raw.
    Raises NotFound for a name not in the catalog; an empty frame when it has no prices.
    """
    h = _hist(store, public, freq, price_type)
    cid = _commodity_id(h, commodity)
    cols = ["period", "start", "price", "ma4", "yoy_price", "high52", "low52", "index", "markets",
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
        "start": pd.Series(h.start_dates[sl], dtype=object),
        "price": _nullable(round_half_up_array(y[sl], 2)),
        "ma4": _nullable(round_half_up_array(ma[sl], 2)),
        "yoy_price": _nullable(round_half_up_array(yoy_price[sl], 2)),
        "high52": _nullable(round_half_up_array(high[sl], 2)),
        "low52": _nullable(round_half_up_array(low[sl], 2)),
        "index": _nullable(round_half_up_array(index[sl], 1)),
        "markets": h.n[sl, c].astype("int64"),
        "price_raw": y[sl],
    }, columns=cols)


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


def _market_prices_long(store: Store, commodity: str, *, public: bool, freq: Freq | None,
                        price_type: str, last: int | None) -> pd.DataFrame:
    """period, start, market, price (unrounded) of one commodity, oldest first."""
    _check_price_type(price_type)
    scope = _scope(public)
    with store.read() as s:
        f = freq or _detect(s, scope, price_type)
        start = None
        if last is not None:
            latest = iq.latest_date(s, scope, price_type)
            if latest is None:
                return pd.DataFrame(columns=["period", "start", "market", "price"])
            start = shift(period_of(latest, f), -(last - 1)).start
        mp = iq.market_period_prices(s, scope, f, start, None, price_type, commodity)
        mk = iq.market_names(s)
    msort = dict(zip(mk["market"].tolist(), mk["sort"].tolist(), strict=True))
    starts = pd.to_datetime(mp["period_start"])
    labels = {d: period_of(d.date(), f).label for d in starts.unique()}
    out = pd.DataFrame({"period": starts.map(labels).to_numpy(), "start": starts.dt.date.to_numpy(),
                        "market": mp["market"].to_numpy(), "price": mp["price"].to_numpy(dtype="float64"),
                        "_s": starts.to_numpy(), "_ms": mp["market"].map(msort).to_numpy()})
    out = out.sort_values(["_s", "_ms"], kind="stable").reset_index(drop=True)
    return out[["period", "start", "market", "price"]]


def market_trend(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
                 price_type: str = "retail", last: int | None = None) -> pd.DataFrame:
    """One commodity per period and market (long): period, start, market, price (2 dp).

    ``last`` keeps only the newest ``last`` periods. Oldest first, markets in catalog order.
    """
    mt = _market_prices_long(store, commodity, public=public, freq=freq, price_type=price_type,
                             last=last)
    return mt.assign(price=_nullable(round_half_up_array(mt["price"], 2)).to_numpy())


def spread_trend(store: Store, commodity: str, *, public: bool = True, freq: Freq | None = None,
                 price_type: str = "retail", last: int | None = None) -> pd.DataFrame:
    """The spread across markets of one commodity per period: period, start, min, max
    (2 dp), cv_pct (1 dp; population sd / mean x 100, None below 2 markets), markets.

    Computed from the unrounded market prices, so cv_pct is the report's figure exactly
    (a CV recomputed from rounded prices can differ in the last digit).
    """
    mt = _market_prices_long(store, commodity, public=public, freq=freq, price_type=price_type,
                             last=last)
    cols = ["period", "start", "min", "max", "cv_pct", "markets"]
    if mt.empty:
        return pd.DataFrame(columns=cols)
    g = mt.groupby(["start", "period"], sort=True)["price"]
    agg = g.agg(["min", "max", "mean", "count"]).reset_index()
    agg["sd"] = g.std(ddof=0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(agg["count"] >= 2, agg["sd"] / agg["mean"] * 100, np.nan)
    return pd.DataFrame({
        "period": agg["period"].to_numpy(), "start": agg["start"].to_numpy(),
        "min": _nullable(round_half_up_array(agg["min"], 2)).to_numpy(),
        "max": _nullable(round_half_up_array(agg["max"], 2)).to_numpy(),
        "cv_pct": _nullable(round_half_up_array(cv, 1)).to_numpy(),
        "markets": agg["count"].to_numpy(dtype="int64"),
    }, columns=cols)


def market_comparison(store: Store, *, period: str | None = None, public: bool = True,
                      freq: Freq | None = None, price_type: str = "retail",
                      commodity: str | None = None) -> pd.DataFrame:
    """Markets side by side for one period (default: the latest with data).

    One row per (commodity, market) with a price this period: period, commodity, category,
    market, price, prev_price (that market's price last period), wow_pct (that market's own
    环比; None when it did not report last period), diff_pct (100 x (price / commodity
    price - 1), how far the market sits from the average).
    """
    _check_price_type(price_type)
    scope = _scope(public)
    p = resolve_period(store, period=period, freq=freq, public=public, price_type=price_type)
    cols = ["period", "commodity", "category", "market", "price", "prev_price", "wow_pct", "diff_pct"]
    if p is None:
        return pd.DataFrame(columns=cols)
    prev = previous(p)
    with store.read() as s:
        mp = iq.market_period_prices(s, scope, p.freq, prev.start, p.end, price_type, commodity)
        cat = iq.catalog(s)
        mk = iq.market_names(s)
    ps = pd.to_datetime(mp["period_start"])
    cur = mp[(ps == pd.Timestamp(p.start)).to_numpy()]
    if cur.empty:
        return pd.DataFrame(columns=cols)
    pv = mp[(ps == pd.Timestamp(prev.start)).to_numpy()].set_index(["commodity_id", "market_id"])["price"]
    cur = cur.join(pv.rename("prev"), on=["commodity_id", "market_id"])
    avg = cur.groupby("commodity_id")["price"].transform("mean")
    cur = cur.merge(cat[["commodity_id", "category", "sort"]], on="commodity_id", how="left")
    cur["msort"] = cur["market_id"].map(dict(zip(mk["market_id"], mk["sort"], strict=True)))
    with np.errstate(invalid="ignore", divide="ignore"):
        wow = (cur["price"] / cur["prev"] - 1) * 100
        diff = (cur["price"] / avg.to_numpy() - 1) * 100
    cur = cur.assign(wow=wow.to_numpy(), diff=diff.to_numpy()).sort_values(["sort", "msort"], kind="stable")
    return pd.DataFrame({
        "period": p.label, "commodity": cur["commodity"].to_numpy(),
        "category": cur["category"].to_numpy(), "market": cur["market"].to_numpy(),
        "price": _nullable(round_half_up_array(cur["price"], 2)).to_numpy(),
        "prev_price": _nullable(round_half_up_array(cur["prev"], 2)).to_numpy(),
        "wow_pct": _nullable(round_half_up_array(cur["wow"], 1)).to_numpy(),
        "diff_pct": _nullable(round_half_up_array(cur["diff"], 1)).to_numpy(),
    }, columns=cols)


def category_index_series(store: Store, *, public: bool = True, freq: Freq | None = None,
                          price_type: str = "retail", base: str | Period | None = None) -> pd.DataFrame:
    """Category index (Laspeyres, 定基 = 100 at ``base``, default the first period with data)
    for every period from the base on: period, start, category, index (1 dp), wow_pct (1 dp),
    commodities (how many were in the basket that period)."""
    h = _hist(store, public, freq, price_type)
    b = _base_index(h, base)
    cols = ["period", "start", "category", "index", "wow_pct", "commodities"]
    if b is None:
        return pd.DataFrame(columns=cols)
    ci = _category_index(h, np.arange(b, len(h.starts)), b)
    ci = ci.sort_values(["row"], kind="stable")
    return pd.DataFrame({
        "period": [h.labels[i] for i in ci["row"]], "start": [h.starts[i].date() for i in ci["row"]],
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
    h = _hist(store, public, rep.period.freq, price_type)
    ti = h.index_of(rep.period)
    cat = h.catalog
    name_to_id = dict(zip(cat["commodity"].tolist(), cat.index.tolist(), strict=True))
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


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
