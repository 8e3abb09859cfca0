"""The cached history grid: commodity price per period over the whole history, per data
version, audience, frequency and price type; frequency detection; the 定基 base row and the
category (Laspeyres) index read from it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..config import load_settings
from ..errors import InputError, NotFound
from ..periods import (
    FREQ_ZH,
    Freq,
    Period,
    from_ordinal,
    ordinal,
    parse_period,
    period_of,
    same_period_last_year,
    xun_of,
)
from ..store import Store, aggregates, queries
from ..store.queries.observations import Scope
from ..store.session import Session

if TYPE_CHECKING:  # the page frames build pandas objects from the history; the report needs none
    import pandas as pd

PRICE_TYPES = ("retail", "wholesale")


def catalog_columns(s: Session) -> dict[str, np.ndarray]:
    """The commodity catalog in the indicators' words, as numpy arrays in catalog order (no
    pandas): commodity_id, commodity, category (None when unset), unit, weight (NaN when
    unset), sort (one number: the category's order, then the commodity's own),
    jump_threshold_pct (NaN when unset), category_sort."""
    c = queries.catalog.commodities(s, arrays=True)
    return {
        "commodity_id": c["id"].astype("int64"), "commodity": c["name"].astype(object),
        "category": c["category"].astype(object), "unit": c["unit"].astype(object),
        "weight": c["weight"].astype("float64"), "sort": c["category_sort"] * 100000 + c["sort"],
        "jump_threshold_pct": c["jump_threshold_pct"].astype("float64"),
        "category_sort": c["category_sort"],
    }


def catalog_frame(s: Session) -> pd.DataFrame:
    """:func:`catalog_columns` as a DataFrame."""
    return _frame(catalog_columns(s))


def market_columns(s: Session) -> dict[str, np.ndarray]:
    """The markets in the indicators' words, as numpy arrays in catalog order: market_id,
    market, sort, kind."""
    m = queries.catalog.markets(s, arrays=True)
    return {"market_id": m["id"].astype("int64"), "market": m["name"].astype(object),
            "sort": m["sort"], "kind": m["kind"].astype(object)}


def market_frame(s: Session) -> pd.DataFrame:
    """:func:`market_columns` as a DataFrame."""
    return _frame(market_columns(s))


def _frame(cols: dict[str, np.ndarray]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(cols)


# -- periods and the cached history -----------------------------------------------------
def _scope(public: bool) -> Scope:
    return "public" if public else "staff"


def _check_price_type(price_type: str) -> None:
    if price_type not in PRICE_TYPES:
        raise InputError(f"未知的价格类型「{price_type}」", "只能是 retail（零售） 或 wholesale（批发）")


_FREQ_CACHE: OrderedDict[tuple[str, str, str], Freq] = OrderedDict()


def _configured_freq() -> Freq | None:
    """``[publication] frequency`` from pricewatch.toml (None: not set, detect from the data)."""
    return load_settings().publication_frequency


def freq_from_dates(dates: list[date]) -> Freq:
    """The frequency a set of observation dates was collected at (see :func:`detect_freq`)."""
    if not dates:
        return "week"
    days = set(dates)
    n_weeks = len({d.isocalendar()[:2] for d in days})
    n_xun = len({(d.year, d.month, xun_of(d)) for d in days})
    n_months = len({(d.year, d.month) for d in days})
    if n_months >= 3 and n_weeks <= 1.25 * n_months:
        return "month"
    if len(days) >= 14 and len(days) >= 3 * n_weeks:
        return "day"
    if n_xun >= 6 and n_weeks <= 1.1 * n_xun and len(days) <= 1.25 * n_xun:
        return "xun"
    return "week"


def _detect(s: Session, scope: Scope, price_type: str, snap: str | None = None) -> Freq:
    """The default frequency inside a session: pricewatch.toml's ``[publication] frequency``
    when set, else :func:`detect_freq` (remembered per snapshot file)."""
    configured = _configured_freq()
    if configured is not None:
        return configured
    return _detect_data(s, scope, price_type, snap)


def _detect_data(s: Session, scope: Scope, price_type: str, snap: str | None = None) -> Freq:
    key = (snap or queries.observations.snapshot_id(s), scope, price_type)
    with _CACHE_LOCK:
        hit = _FREQ_CACHE.get(key)
    if hit is not None:
        return hit
    f = freq_from_dates(queries.observations.recent_dates(s, scope, price_type, 400))
    with _CACHE_LOCK:
        _FREQ_CACHE[key] = f
        while len(_FREQ_CACHE) > 64:
            _FREQ_CACHE.popitem(last=False)
    return f


def detect_freq(store: Store, *, public: bool = True, price_type: str = "retail") -> Freq:
    """The frequency the data were collected at: 'month', 'day', 'xun' or 'week'.

    Over the 400 days up to the newest date:

    * monthly when the data fall in 3 or more months and in about one ISO week per month (at
      most 1.25 weeks per month: a monthly survey dated the 15th has exactly one);
    * daily when there are 14 or more dates and at least 3 dates per ISO week on average
      (a survey every working day has 5);
    * 旬 when the data fall in 6 or more 旬, in about one ISO week per 旬 (at most 1.1) and one
      date per 旬 (at most 1.25): weekly data have about 1.45 weeks and dates per 旬;
    * weekly otherwise, and when there are too few data to tell.

    This reads the data only; the reports' default is :func:`default_freq`.
    """
    with store.read() as s:
        return _detect_data(s, _scope(public), price_type)


def default_freq(store: Store, *, public: bool = True, price_type: str = "retail") -> Freq:
    """The frequency reports and pages use when none is named: ``[publication] frequency`` in
    pricewatch.toml when set, else :func:`detect_freq`."""
    configured = _configured_freq()
    if configured is not None:
        return configured
    return detect_freq(store, public=public, price_type=price_type)


def resolve_period(store: Store, *, period: str | None = None, on: date | None = None,
                   freq: Freq | None = None, public: bool = True,
                   price_type: str = "retail") -> Period | None:
    """The named period, the one containing ``on``, or the latest with data (None: no data).

    ``freq=None`` uses :func:`default_freq`; a named period carries its own.
    """
    if period:
        return parse_period(period)
    with store.read() as s:
        f = freq or _detect(s, _scope(public), price_type)
        if on:
            return period_of(on, f)
        latest = queries.observations.latest_date(s, _scope(public), price_type)
    return period_of(latest, f) if latest else None


@dataclass
class _History:
    """Commodity price per period over the whole history, on a complete period grid."""

    freq: str
    start_days: np.ndarray            # T period starts (datetime64[D]), consecutive
    labels: list[str]                 # T period labels
    ids: np.ndarray                   # C commodity ids (columns)
    y: np.ndarray                     # T x C prices (NaN = no price)
    n: np.ndarray                     # T x C markets that reported
    names: dict[str, np.ndarray]      # the catalog (catalog_columns), in catalog order
    #: ALPS scores per grid row, filled on demand (the history never changes once built)
    alps: dict[int, np.ndarray] = field(default_factory=dict)
    _yoy: np.ndarray | None = None
    _cat: dict[str, np.ndarray] | None = None
    start_dates: np.ndarray | None = None
    first_ordinal: int = 0            # periods.ordinal of the first row
    #: None for the whole history; for a window (:func:`_window_history`): the grid rows
    #: (first, last, base) between which, and at which, prices were read
    window: tuple[int, int, int] | None = None

    @cached_property
    def starts(self) -> pd.DatetimeIndex:
        """The period starts as a pandas index (for the page frames)."""
        import pandas as pd

        return pd.DatetimeIndex(self.start_days.astype("datetime64[ns]"))

    @cached_property
    def _catalog_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(the catalog row of each of :attr:`ids`, whether the catalog holds it)."""
        cid = self.names["commodity_id"]
        if not len(cid):
            return np.zeros(len(self.ids), dtype="int64"), np.zeros(len(self.ids), dtype=bool)
        order = np.argsort(cid, kind="stable")
        pos = np.minimum(np.searchsorted(cid[order], self.ids), len(cid) - 1)
        return order[pos], cid[order[pos]] == self.ids

    def aligned(self, name: str) -> np.ndarray:
        """Catalog column ``name`` for each of :attr:`ids`: numbers as floats (NaN for an id
        the catalog does not hold), text as objects (None for one)."""
        col = self.names[name]
        rows, hit = self._catalog_rows
        vals = col[rows] if len(col) else np.empty(len(self.ids), dtype=col.dtype)
        if vals.dtype.kind in "fiu":
            return np.where(hit, vals.astype("float64"), np.nan)
        out = vals.astype(object)
        out[~hit] = None
        return out

    def index_of(self, p: Period | None) -> int | None:
        if p is None or len(self.start_days) == 0:
            return None
        if p.freq != self.freq:
            return None
        i = ordinal(p) - self.first_ordinal
        return int(i) if 0 <= i < len(self.start_days) else None

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
            c = self.names
            self._cat = {
                "id": c["commodity_id"],
                "commodity": c["commodity"],
                "category": np.array([v if isinstance(v, str) else "其他" for v in c["category"].tolist()],
                                     dtype=object),
                "unit": c["unit"],
                "sort": c["sort"].astype("float64"),
                "jump_threshold_pct": c["jump_threshold_pct"].astype("float64"),
            }
            order = np.argsort(self._cat["id"], kind="stable")
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


#: finished reports (:mod:`.reports`) by data version, snapshot and every argument that
#: shapes them: the home page asks for the report and then the board, which is built on it
_REPORTS: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_REPORTS_MAX = 16


def clear_cache() -> None:
    """Forget the in-process caches (tests and benchmarks use this)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _FREQ_CACHE.clear()
        _REPORTS.clear()
        _WINDOWS.clear()


def _history_key(s: Session, store: Store, scope: Scope, freq: str, price_type: str,
                 snap: str | None = None) -> tuple[Any, ...]:
    return (str(store.path), s.version, snap or queries.observations.snapshot_id(s), scope, freq, price_type)


def _cached_history(s: Session, store: Store, scope: Scope, freq: str, price_type: str,
                    snap: str | None = None) -> _History | None:
    """The history this process already holds for the session's data version (None: not yet)."""
    key = _history_key(s, store, scope, freq, price_type, snap)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
        return hit


def _history(s: Session, store: Store, scope: Scope, freq: str, price_type: str,
             snap: str | None = None) -> _History:
    """The history of this session's data version, built when this process has none yet."""
    hit = _cached_history(s, store, scope, freq, price_type, snap)
    if hit is not None:
        return hit
    key = _history_key(s, store, scope, freq, price_type, snap)
    g = aggregates.commodity_periods(s, scope, freq, price_type)
    if len(g["ordinal"]) == 0:
        cat = catalog_columns(s)
        h = _History(freq, np.array([], dtype="datetime64[D]"), [], np.array([], dtype="int64"),
                     np.empty((0, 0)), np.empty((0, 0)), cat)
    else:
        o = np.asarray(g["ordinal"], dtype="int64")
        cids = np.asarray(g["commodity_id"], dtype="int64")
        h = _grid(freq, g, int(o.min()), int(o.max()), _distinct(cids), catalog_columns(s))
    with _CACHE_LOCK:
        _CACHE[key] = h
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return h


def _dense(lo: int, hi: int, rows: int) -> bool:
    """Whether ids from ``lo`` to ``hi`` are dense enough, for ``rows`` rows, to be counted
    or looked up in an array of that range (catalog ids are: a sequence), where sorting or
    bisecting the 260,000 rows of a 10 M-observation history would cost more."""
    return hi - lo <= 4 * rows + 100_000


def _distinct(cids: np.ndarray) -> np.ndarray:
    """The distinct commodity ids, sorted."""
    if not len(cids):
        return np.array([], dtype="int64")
    lo_id = int(cids.min())
    if _dense(lo_id, int(cids.max()), len(cids)):
        return np.flatnonzero(np.bincount(cids - lo_id)) + lo_id
    return np.unique(cids)


_EPOCH = np.datetime64("0001-01-01", "D")  # day 1 of periods.ordinal


def _periods(o0: int, o1: int, freq: str) -> tuple[np.ndarray, list[str]]:
    """The first days (datetime64[D]) and labels of the periods with ordinals ``o0``..``o1``:
    :func:`~pricewatch.periods.from_ordinal`'s, computed on arrays (520 weeks: ~0.5 ms rather
    than ~5 ms of one Period each)."""
    o = np.arange(o0, o1 + 1, dtype="int64")
    if freq == "day":
        d = _EPOCH + (o - 1)
        return d, [str(x) for x in d]
    if freq == "week":
        d = _EPOCH + o * 7
        thursday = d + 3                                   # the ISO year is the Thursday's
        year = thursday.astype("datetime64[Y]")
        week = (thursday - year.astype("datetime64[D]")).astype("int64") // 7 + 1
        years = (year.astype("int64") + 1970).tolist()
        return d, [f"{y}-W{w:02d}" for y, w in zip(years, week.tolist(), strict=True)]
    months, k = (np.divmod(o, 3) if freq == "xun" else (o, np.zeros_like(o)))
    y, m = np.divmod(months, 12)
    first = (y - 1970) * 12 + m                            # months since 1970-01
    d = first.astype("datetime64[M]").astype("datetime64[D]") + k * 10
    if freq == "xun":
        labels = [f"{a}-{b + 1:02d}-D{c + 1}" for a, b, c in zip(y.tolist(), m.tolist(), k.tolist(), strict=True)]
    else:
        labels = [f"{a}-{b + 1:02d}" for a, b in zip(y.tolist(), m.tolist(), strict=True)]
    return d, labels


def _grid(freq: str, g: dict[str, Any], o0: int, o1: int, ids: np.ndarray,
          cat: dict[str, np.ndarray]) -> _History:
    """The history grid of periods ``o0``..``o1`` (ordinals) x commodities ``ids`` (sorted),
    filled from the rows ``g`` of :func:`~pricewatch.store.aggregates.commodity_periods`."""
    starts, labels = _periods(o0, o1, freq)
    ids = np.asarray(ids, dtype="int64")
    cids = np.asarray(g["commodity_id"], dtype="int64")
    ti = np.asarray(g["ordinal"], dtype="int64") - o0
    if len(ids) and _dense(int(ids[0]), int(ids[-1]), len(cids)):
        lut = np.full(int(ids[-1]) - int(ids[0]) + 1, -1, dtype="int64")
        lut[ids - ids[0]] = np.arange(len(ids))
        ci = lut[cids - ids[0]]  # one lookup per row
    else:
        ci = np.searchsorted(ids, cids)
    y = np.full((len(starts), len(ids)), np.nan)
    n = np.zeros((len(starts), len(ids)), dtype="int64")
    y[ti, ci] = np.asarray(g["price"], dtype="float64")
    n[ti, ci] = np.asarray(g["markets"], dtype="int64")
    return _History(freq, starts, labels, ids, y, n, cat, first_ordinal=o0)


#: windows of the history (:func:`_window_history`) by history key and period
_WINDOWS: OrderedDict[tuple[Any, ...], _History] = OrderedDict()


def _window_history(s: Session, store: Store, scope: Scope, freq: str, price_type: str,
                    snap: str | None, p: Period, back: int, base: str | Period | None) -> _History:
    """The history as a report of period ``p`` needs it: the whole grid (every period, every
    commodity ever priced, so rows and columns are the full history's), with prices read only
    for ``p``, the ``back`` periods before it and the 定基 base period.

    A report and its board read ~53 of 520 weekly periods this way on a new data version
    instead of all of them (the ALPS scores, which fit whole series, come from the per-season
    sums the store groups: :func:`~pricewatch.store.aggregates.season_sums`). Any figure
    outside those rows (a long trend, an index series) must come from :func:`_history`;
    ``window`` on the result says which rows hold data.
    """
    full = _cached_history(s, store, scope, freq, price_type, snap)
    if full is not None:
        return full
    key = (*_history_key(s, store, scope, freq, price_type, snap), p.label, back,
           base.label if isinstance(base, Period) else base)
    with _CACHE_LOCK:
        hit = _WINDOWS.get(key)
    if hit is not None:
        return hit
    span = aggregates.period_span(s, scope, freq, price_type)
    if span is None:
        return _history(s, store, scope, freq, price_type, snap)
    o0, o1, ids = span
    b = (parse_period(base) if isinstance(base, str) else base) if base is not None else from_ordinal(o0, freq)  # type: ignore[arg-type]
    first = from_ordinal(max(o0, ordinal(p) - back), freq)  # type: ignore[arg-type]
    g = aggregates.commodity_periods(s, scope, freq, price_type, starts=(first.start, p.start, b.start))
    h = _grid(freq, g, o0, o1, np.asarray(ids, dtype="int64"), catalog_columns(s))
    h.window = (ordinal(first) - o0, ordinal(p) - o0, ordinal(b) - o0)
    with _CACHE_LOCK:
        _WINDOWS[key] = h
        while len(_WINDOWS) > _CACHE_MAX:
            _WINDOWS.popitem(last=False)
    return h


def _covering(store: Store, public: bool, freq: str, price_type: str, p: Period,
              back: int) -> _History:
    """A history holding the rows of ``p`` and the ``back`` periods before it: a window a
    report already read, else the whole history (the board after its report)."""
    with store.read() as s:
        snap = queries.observations.snapshot_id(s)
        scope = _scope(public)
        full = _cached_history(s, store, scope, freq, price_type, snap)
        if full is not None:
            return full
        head = _history_key(s, store, scope, freq, price_type, snap)
        with _CACHE_LOCK:
            wins = [h for k, h in _WINDOWS.items() if k[:len(head)] == head and k[len(head)] == p.label]
        for h in wins:
            lo, hi, _b = h.window  # type: ignore[misc]
            if hi == ordinal(p) - h.first_ordinal and lo <= hi - back:
                return h
        return _history(s, store, scope, freq, price_type, snap)


def _base_index(h: _History, base: str | Period | None) -> int | None:
    """Grid row of the 定基 base period: the given one, else the first period with data."""
    if base is None:
        return 0 if len(h.start_days) else None
    p = parse_period(base) if isinstance(base, str) else base
    if p.freq != h.freq:
        raise InputError(f"基期 {p.label} 与报告频率（{FREQ_ZH[h.freq]}）不一致",
                         "基期与报告同频：日写作 2024-01-02，周写作 2024-W01，旬写作 2024-01-D1，"
                         "月写作 2024-01")
    row = h.index_of(p)
    if row is None and len(h.labels):
        raise InputError(f"基期 {p.label} 没有价格数据",
                         f"基期应在 {h.labels[0]} 到 {h.labels[-1]} 之间")
    return row


def _basket(rel: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed-weight Laspeyres index, its 环比 and its size per row of ``rel``.

    ``rel`` (T x n) holds the price relatives P_t / P_base (NaN: not priced at t, or no base
    price), ``w`` (n) the weights. index_t = 100 x sum(w x rel_t) / sum(w) over the commodities
    in the basket at t; 环比_t = sum(w x rel_t) / sum(w x rel_t-1) - 1 (x 100) over those in
    it at t and t-1 (NaN for the first row); n_t = how many are in the basket at t.
    """
    ok = ~np.isnan(rel)                                      # T x n: in the basket at t
    num = (np.where(ok, rel, 0.0) * w).sum(axis=1)
    den = (ok * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(den > 0, num / den * 100, np.nan)
    both = ok[1:] & ok[:-1]
    cur_sum = (np.where(both, rel[1:], 0.0) * w).sum(axis=1)
    prv_sum = (np.where(both, rel[:-1], 0.0) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wow = np.concatenate([[np.nan], np.where(both.any(axis=1) & (prv_sum > 0),
                                                 (cur_sum / prv_sum - 1) * 100, np.nan)])
    return index, wow, ok.sum(axis=1)


def _relatives(h: _History, rows: np.ndarray, b: int) -> tuple[int, np.ndarray, np.ndarray]:
    """(first row, relatives P_t / P_base for the rows asked for and the one before the first,
    weights with NaN where the catalog weight is not positive)."""
    w = h.aligned("weight")
    w = np.where(np.isnan(w), 1.0, w)
    w = np.where(w > 0, w, np.nan)
    lo, hi = max(0, int(rows.min()) - 1), int(rows.max()) + 1
    base = h.y[b]
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = h.y[lo:hi] / np.where(base > 0, base, np.nan)  # price relatives (NaN: not in basket)
    return lo, rel, w


CATEGORY_INDEX_FIELDS = ("row", "category", "index", "wow_pct", "n")


def _category_index(h: _History, rows: np.ndarray, b: int | None) -> list[dict[str, Any]]:
    """Laspeyres category index for grid rows ``rows``: one dict per row and category (in
    category order, then row): row, category, index, wow_pct (raw, None where not
    computable), n."""
    cats = np.array([v if isinstance(v, str) else "其他" for v in h.aligned("category").tolist()], dtype=object)
    csort = h.aligned("category_sort")
    first: dict[str, float] = {}
    for k, v in zip(cats.tolist(), csort.tolist(), strict=True):
        m = first.setdefault(k, np.nan)
        if not np.isnan(v) and (np.isnan(m) or v < m):
            first[k] = v
    # categories by their order (stable: first seen first; a category of none-catalogued ids last)
    order = sorted(first, key=lambda k: (np.isnan(first[k]), 0.0 if np.isnan(first[k]) else first[k]))
    out: list[dict[str, Any]] = []
    if b is None or len(h.ids) == 0:
        return out
    rows = np.asarray(rows, dtype="int64")
    if len(rows) == 0:
        return out
    lo, rel, w = _relatives(h, rows, b)
    for k in order:
        sel = (cats == k) & ~np.isnan(w)
        if not sel.any():
            continue
        index, wow, n = _basket(rel[:, sel], w[sel])
        for ti in rows:
            j = ti - lo
            out.append({"row": int(ti), "category": k,
                        "index": None if np.isnan(index[j]) else float(index[j]),
                        "wow_pct": None if np.isnan(wow[j]) else float(wow[j]),
                        "n": int(n[j])})
    return out


def _overall_index(h: _History, ti: int, b: int | None) -> dict[str, Any] | None:
    """The overall price index at grid row ``ti`` (raw): the category index's formula over the
    whole basket, every commodity with a positive weight, whatever its category.

    总体价格指数 I_t = 100 x sum(w_i x P_i,t / P_i,base) / sum(w_i) over the commodities priced
    in t and in the base period; 总体环比 = sum(w_i x P_i,t / P_i,base) / sum(w_i x P_i,t-1 /
    P_i,base) - 1 (x 100) over those priced in t, t-1 and the base, i.e. the change of the
    index with the basket held to what both periods priced. ``{"index", "wow_pct", "n"}``
    (None where it cannot be computed); None without a base period.
    """
    if b is None or len(h.ids) == 0 or b > ti:
        return None
    lo, rel, w = _relatives(h, np.array([ti]), b)
    sel = ~np.isnan(w)
    if not sel.any():
        return None
    index, wow, n = _basket(rel[:, sel], w[sel])
    j = ti - lo
    return {"index": None if np.isnan(index[j]) else float(index[j]),
            "wow_pct": None if np.isnan(wow[j]) else float(wow[j]), "n": int(n[j])}


def _commodity_id(h: _History, commodity: str) -> int:
    hit = np.nonzero(h.names["commodity"] == commodity)[0]
    if len(hit) == 0:
        raise NotFound(f"商品「{commodity}」不在目录中", "检查商品名称，或先在目录中添加")
    return int(h.names["commodity_id"][hit[0]])


def _hist(store: Store, public: bool, freq: Freq | None, price_type: str) -> _History:
    _check_price_type(price_type)
    scope = _scope(public)
    with store.read() as s:
        snap = queries.observations.snapshot_id(s)
        f = freq or _detect(s, scope, price_type, snap)
        return _history(s, store, scope, f, price_type, snap)
