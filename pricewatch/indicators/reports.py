"""One period's figures: :class:`Report` and :func:`report` / :func:`build_report`.

(The module is ``reports``, not ``report``, so that ``pricewatch.indicators.report`` stays the
function everyone calls.)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import textfmt as tf
from ..config import Settings, load_settings
from ..periods import (
    FREQ_EN,
    Freq,
    Period,
    no_yoy_reason,
    parse_period,
    period_of,
    previous,
    same_period_last_year,
)
from ..rounding import is_missing
from ..store import Store, aggregates, queries
from ..store.session import Session
from .alps import (
    ALPS_ALERT_LEVELS,
    ALPS_LEVEL_PUBLIC,
    ALPS_LEVEL_ZH,
    ALPS_SOURCE,
    _alps_from_sums,
    alps_band,
)
from .formulas import (
    HIGH_LOW_WINDOW,
    MA_WINDOW,
    _nullable,
    _num,
    round_half_up,
    round_half_up_array,
)
from .history import (
    _CACHE_LOCK,
    _REPORTS,
    _REPORTS_MAX,
    _base_index,
    _cached_history,
    _category_index,
    _check_price_type,
    _detect,
    _History,
    _history_key,
    _overall_index,
    _scope,
    _window_history,
    market_columns,
)
from .messages import alps_message, gap_message
from .rules import evaluate, load_rules, severity

if TYPE_CHECKING:  # Report.items / .raw are DataFrames made on first use; the report needs no pandas
    import pandas as pd


def _threshold(row_threshold: Any, category: str | None, settings: Settings) -> float:
    if not is_missing(row_threshold):
        return float(row_threshold)
    return float(settings.threshold_for(category))


# -- the report ---------------------------------------------------------------------------
#: what every data-gap alert carries besides its market, commodity and message
GAP = {"kind": "gap", "rule": "gap", "level": "notice", "level_label": "提示",
       "source": "本局价格监测报送要求：上期报价的市场本期应继续报价"}

ITEM_COLUMNS = [
    "commodity", "category", "unit", "price", "prev_price", "wow_pct", "yoy_price", "yoy_pct",
    "markets", "direction", "alert", "sort",
    "prev_markets", "yoy_markets", "wow_markets", "yoy_matched", "min_price", "max_price",
    "cv_pct", "ma4", "high52", "low52", "index", "alps", "alps_level", "threshold", "why",
]
_PRICE_COLS = ["price", "prev_price", "yoy_price", "min_price", "max_price", "ma4", "high52", "low52"]
_PCT_COLS = ["wow_pct", "yoy_pct", "cv_pct", "index"]
_FIGURES = frozenset(_PRICE_COLS + _PCT_COLS + ["alps"])


@dataclass
class Report:
    """One period's figures, one row per commodity with a price this period, in catalog order.

    ``data`` holds the published values by column (:data:`ITEM_COLUMNS`; figures rounded,
    NaN where missing) and ``raw_data`` the unrounded figures, as numpy arrays; ``items`` and
    ``raw`` are the same as DataFrames (None where a figure is missing), made on first use,
    so that the command line's JSON never imports pandas."""

    period: Period
    public: bool
    data: dict[str, np.ndarray] = field(default_factory=dict)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    price_type: str = "retail"
    base: Period | None = None
    raw_data: dict[str, np.ndarray] = field(default_factory=dict)
    #: the overall price index and its 环比 (:func:`history._overall_index`): ``index`` and
    #: ``wow_pct`` published (1 decimal), ``index_raw`` / ``wow_raw`` unrounded, ``commodities``
    #: (how many are in the basket) and ``base``; None without a base period
    overall: dict[str, Any] | None = None

    @property
    def n(self) -> int:
        """How many commodities have a price this period (a property, not ``__len__``, which
        would make a report without items false in ``if rep:``)."""
        return len(self.data.get("commodity", ()))

    @cached_property
    def items(self) -> pd.DataFrame:
        """The published values (figures as floats with None where missing)."""
        return self._frame(self.data, rounded=True)

    @cached_property
    def raw(self) -> pd.DataFrame:
        """The unrounded values (figures as floats with NaN where missing)."""
        return self._frame({**self.data, **self.raw_data}, rounded=False)

    @staticmethod
    def _frame(cols: dict[str, np.ndarray], rounded: bool) -> pd.DataFrame:
        import pandas as pd

        if not cols:
            return pd.DataFrame(columns=ITEM_COLUMNS)
        out: dict[str, Any] = {}
        for c in ITEM_COLUMNS:
            v = cols[c]
            if c in _FIGURES:
                out[c] = _nullable(v) if rounded else v
            elif v.dtype == object:
                # object columns keep None (pandas would turn a str/None array into strings with NaN)
                out[c] = pd.Series(v, dtype=object)
            else:
                out[c] = v
        return pd.DataFrame(out)[ITEM_COLUMNS]

    @property
    def summary(self) -> dict[str, int]:
        d = self.data.get("direction", np.array([], dtype=object))
        return {"up": int((d == "up").sum()), "down": int((d == "down").sum()),
                "flat": int((d == "flat").sum()), "n": self.n}

    def headline(self, prefix: str = "本期") -> str:
        s = self.summary
        return f"{prefix}监测{s['n']}种商品，{s['up']}种上涨、{s['down']}种下降、{s['flat']}种持平"

    def overall_sentence(self, lang: str = "zh") -> str:
        """总体价格环比上涨0.8% / 总体价格环比下降0.3% / 总体价格环比持平; "" when the overall
        环比 cannot be computed (the first period, or nothing priced in both periods).
        ``lang="en"``: "Overall prices up 0.8% on the previous week" (flat: "Overall prices
        flat on the previous week")."""
        wow = (self.overall or {}).get("wow_pct")
        if wow is None:
            return ""
        if lang != "en":
            return f"总体价格环比{tf.change(wow)}"
        prev = f"on the previous {FREQ_EN[self.period.freq]}"
        if wow == 0:
            return f"Overall prices flat {prev}"
        return f"Overall prices {'up' if wow > 0 else 'down'} {abs(wow):.1f}% {prev}"

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (the schema of ``python -m pricewatch report --json``)."""
        d = self.data
        cols = {c: d[c].tolist() for c in ("commodity", "category", "unit", "markets", "alert",
                                           "direction", "why")} if d else {}
        nums = {c: [_num(v) for v in d[c].tolist()]
                for c in ("price", "prev_price", "wow_pct", "yoy_price", "yoy_pct")} if d else {}
        items = [{
            "commodity": cols["commodity"][i], "category": cols["category"][i], "unit": cols["unit"][i],
            "price": nums["price"][i], "prev_price": nums["prev_price"][i],
            "wow_pct": nums["wow_pct"][i], "yoy_price": nums["yoy_price"][i],
            "yoy_pct": nums["yoy_pct"][i], "markets": int(cols["markets"][i]),
            "alert": cols["alert"][i] if isinstance(cols["alert"][i], str) else None,
            "direction": cols["direction"][i] if isinstance(cols["direction"][i], str) else None,
            "why": dict(cols["why"][i]) if isinstance(cols["why"][i], dict) else {},
        } for i in range(self.n)]
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "public": self.public,
                "price_type": self.price_type,
                "base": self.base.label if self.base else None,
                "summary": self.summary, "items": items, "alerts": list(self.alerts),
                "categories": list(self.categories),
                "overall": None if self.overall is None else {
                    k: self.overall.get(k) for k in ("index", "wow_pct", "commodities", "base")}}


def report(store: Store, *, period: str | None = None, on: date | None = None,
           freq: Freq | None = None, public: bool = True, price_type: str = "retail",
           base: str | Period | None = None, settings: Settings | None = None) -> Report | None:
    """The report for one period (None when the audience has no data at all).

    ``period`` (any spelling :func:`periods.parse_period` reads: "2024-W05", "2024-05-D1",
    "2024年5月上旬", "2024-05", "2024-05-06") wins over ``on`` (the period containing that date);
    without either, the latest period with data for this audience (released data with
    ``public=True``). ``freq=None`` uses :func:`default_freq` (pricewatch.toml, else the data). ``base`` is the 定基
    base period (default: the first period with data). A period without data gives a
    report with no items.
    """
    _check_price_type(price_type)
    scope = _scope(public)
    settings = settings or load_settings(store.path)
    with store.read() as s:
        named = parse_period(period) if period else None
        snap = queries.observations.snapshot_id(s)
        f = named.freq if named else (freq or settings.publication_frequency
                                      or _detect(s, scope, price_type, snap))
        # the whole history of commodity prices (cached per data version) gives the
        # long-window figures; the latest period with data is the history's last one
        h = _cached_history(s, store, scope, f, price_type, snap)
        if named is not None:
            p = named
        elif on is not None:
            p = period_of(on, f)
        elif h is not None:
            if not len(h.labels):
                return None
            p = parse_period(h.labels[-1])
        else:
            latest = queries.observations.latest_date(s, scope, price_type)
            if latest is None:
                return None
            p = period_of(latest, f)
        rules = load_rules(settings)
        key = (_history_key(s, store, scope, f, price_type, snap), p.label,
               base.label if isinstance(base, Period) else base, repr(settings), id(rules))
        with _CACHE_LOCK:
            done = _REPORTS.get(key)
        if done is not None:
            return _copy(done[0])
        prev = previous(p)
        yoy = same_period_last_year(p)
        alps = _shows_alps(public, settings)
        ti = h.index_of(p) if h is not None else None
        scored = h is not None and (ti is None or ti in h.alps)

        def period_rows(r: Session) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
            core = queries.observations.report_core(r, scope, p, prev, yoy, price_type)
            return core, market_columns(r) if int(core["gaps"].sum()) > 0 else None

        def season_sums() -> dict[str, np.ndarray] | None:
            """The sums the period's ALPS scores are fitted from, where they are shown and
            not yet computed for this history."""
            return aggregates.season_sums(s, scope, f, price_type, p.start, p.start) if alps and not scored else None

        if h is not None:
            core, markets = period_rows(s)
            sums = season_sums()
        else:
            # a new data version (or a fresh process): the period's rows are read on a second
            # cursor of the same snapshot while this thread reads the periods the report's
            # windows reach back to, then the ALPS sums (the two sides take about as long)
            back = max(HIGH_LOW_WINDOW - 1, MA_WINDOW - 1, rules.window(p.freq))
            with s.sibling() as r, ThreadPoolExecutor(max_workers=1) as pool:
                rows = pool.submit(period_rows, r)
                h = _window_history(s, store, scope, f, price_type, snap, p, back, base)
                sums = season_sums()
                core, markets = rows.result()
            ti = h.index_of(p)
        if sums is not None and ti is not None and ti not in h.alps:
            h.alps[ti] = _alps_from_sums(sums, h.ids, h.y[ti], p)
    rep = build_report(p, public, core, h, settings, price_type=price_type, base=base,
                       markets=markets, yoy=yoy)
    with _CACHE_LOCK:
        _REPORTS[key] = (rep, rules)  # the rules kept alive, so that their id stays theirs
        while len(_REPORTS) > _REPORTS_MAX:
            _REPORTS.popitem(last=False)
    return _copy(rep)


def _shows_alps(public: bool, settings: Settings) -> bool:
    """ALPS is an analyst's indicator: staff see it; the public only where pricewatch.toml
    says so (``[public] alps``)."""
    return not public or settings.alps_public


def _copy(rep: Report) -> Report:
    """A caller's own copy of a remembered report: its lists and dicts, and frames of its own
    (made on first use; the column arrays are shared and never changed)."""
    return replace(rep, alerts=[dict(a) for a in rep.alerts], categories=[dict(c) for c in rep.categories],
                   overall=None if rep.overall is None else dict(rep.overall))


def _why(markets: int, prev_markets: int, wow_n: int, yoy_markets: int, yoy_n: int,
         yoy: Period | None, no_yoy: str = "") -> dict[str, str]:
    """Why each null figure is null, in plain Chinese (the text view shows these)."""
    why: dict[str, str] = {}
    if prev_markets == 0:
        why["prev_price"] = why["wow_pct"] = "上期无报价"
    elif wow_n == 0:
        why["wow_pct"] = "本期与上期没有共同报价的市场"
    if yoy is None:
        why["yoy_price"] = why["yoy_pct"] = no_yoy
    elif yoy_markets == 0:
        why["yoy_price"] = why["yoy_pct"] = "去年同期无报价"
    elif yoy_n == 0:
        why["yoy_pct"] = "本期与去年同期没有共同报价的市场"
    if markets < 2:
        why["cv_pct"] = "仅一个市场报价"
    if not (wow_n == markets == prev_markets):
        why["alps"] = "报价市场与上期不同，均价受市场构成影响，不计算ALPS"
    return why


def build_report(p: Period, public: bool, core: dict[str, np.ndarray], h: _History,
                 settings: Settings | None = None, *, price_type: str = "retail",
                 base: str | Period | None = None, markets: dict[str, np.ndarray] | None = None,
                 yoy: Period | None = None) -> Report:
    """Assemble a :class:`Report` from :func:`~pricewatch.store.queries.observations.report_core` and the history.

    Vectorised over commodities (numpy arrays, one DataFrame built at the end); the only
    per-row Python work is the alert messages and the reasons for null figures.
    """
    settings = settings or Settings()
    base_row = _base_index(h, base)
    base_p = parse_period(h.labels[base_row]) if base_row is not None else None
    ids_all = np.asarray(core["commodity_id"], dtype="int64")
    cat = h.catalog_arrays(ids_all)
    sort_all = cat["sort"]
    names_all = cat["commodity"]
    alerts: list[dict[str, Any]] = []

    # gaps: markets that reported last period and not now (the whole market, or one commodity)
    if markets is not None:
        mname = dict(zip(markets["market_id"].tolist(), markets["market"].tolist(), strict=True))
        msort = dict(zip(markets["market_id"].tolist(), markets["sort"].tolist(), strict=True))
        silent = core["silent_markets"][0] if len(ids_all) else None
        silent = {int(m) for m in silent} if isinstance(silent, (list, np.ndarray)) else set()
        gaps = np.asarray(core["gaps"])
        gap_lists = list(core["gap_markets"])
        rows = sorted(np.nonzero(gaps > 0)[0], key=lambda i: sort_all[i])
        pairs = [(names_all[i], int(m)) for i in rows for m in gap_lists[i]]
        whole = sorted({m for _, m in pairs if m in silent}, key=lambda m: (msort.get(m, 0), m))
        for mid in whole:
            m = mname.get(mid, str(mid))
            alerts.append({"commodity": None, "market": m, **GAP, "message": gap_message(m)})
        for commodity, mid in pairs:
            if mid not in silent:
                m = mname.get(mid, str(mid))
                alerts.append({"commodity": commodity, "market": m, **GAP,
                               "message": gap_message(m, commodity)})

    n_all = np.asarray(core["markets"], dtype="int64")
    sel = np.nonzero(n_all > 0)[0]
    if len(sel) == 0:
        return Report(p, public, {}, alerts, [], price_type, base_p, {})
    sel = sel[np.argsort(sort_all[sel], kind="stable")]   # catalog order

    def col(name: str, dtype: str = "float64") -> np.ndarray:
        return np.asarray(core[name], dtype=dtype)[sel]

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
        if _shows_alps(public, settings):
            scores = h.alps.get(ti)
            if scores is None:
                raise ValueError(f"{p.label} 的 ALPS 指数尚未计算：由 report() 计算")
            alps[ok] = scores[c]
    # when the reporting markets changed since last period, the commodity price moves with the
    # market mix (a cheap market missing lifts the mean): the ALPS score would measure that
    alps = np.where((wow_n == n) & (wow_n == prev_n), alps, np.nan)

    rw = round_half_up_array(wow, 1)
    direction_ = np.full(k, None, dtype=object)
    direction_[rw > 0], direction_[rw < 0], direction_[rw == 0] = "up", "down", "flat"
    thr = np.array([_threshold(t, g, settings) for t, g in zip(jt, category, strict=True)], dtype="float64")
    no_yoy = no_yoy_reason(p)
    why = [_why(*v, yoy, no_yoy) for v in zip(n.tolist(), prev_n.tolist(), wow_n.tolist(),
                                      yoy_n_all.tolist(), yoy_n.tolist(), strict=True)]

    # rule alerts (价格预警): the deployment's presets, on published values and the history
    ruleset = load_rules(settings)
    back = ruleset.window(p.freq)
    window = np.full((back + 1, k), np.nan)
    if ti is not None and ok.any():
        lo_row = ti - back
        rows = np.arange(lo_row, ti + 1)
        valid = rows >= 0
        window[np.ix_(valid, ok)] = h.y[np.ix_(rows[valid], cols[ok])]
    rule_alerts = evaluate(ruleset, p.freq, names, [str(c) for c in category], wow, yoyp, thr, window)
    item_alerts: dict[str, list[str]] = {}
    for a in rule_alerts:
        alerts.append(a)
        if a["commodity"] is not None:
            item_alerts.setdefault(a["commodity"], []).append(a["message"])
    # ALPS: an analyst's indicator; public surfaces see it only where pricewatch.toml says so
    if not _shows_alps(public, settings):
        alps = np.full(k, np.nan)
    alps_level = [alps_band(v) for v in alps]
    for i, lvl in enumerate(alps_level):
        if lvl in ALPS_ALERT_LEVELS:
            msg = alps_message(names[i], float(alps[i]), lvl, public=public)
            alerts.append({"commodity": names[i], "market": None, "kind": "alps", "rule": "alps",
                           "level": lvl, "level_label": (ALPS_LEVEL_PUBLIC if public else ALPS_LEVEL_ZH)[lvl],
                           "message": msg, "source": ALPS_SOURCE,
                           "value": round_half_up(float(alps[i]), 2)})
            item_alerts.setdefault(names[i], []).append(msg)
    alert_text = np.full(k, None, dtype=object)
    for i, name in enumerate(names):
        if name in item_alerts:
            alert_text[i] = "；".join(item_alerts[name])
    order = {"rule": 0, "alps": 1, "gap": 2}
    sort_of = dict(zip(names, sort_all[sel].tolist(), strict=True))
    alerts.sort(key=lambda a: (order[a["kind"]], -severity(a.get("level")), sort_of.get(a["commodity"], -1)))

    common = {
        "commodity": np.array(names, dtype=object), "category": np.asarray(category, dtype=object),
        "unit": np.asarray(unit, dtype=object), "markets": n,
        "direction": direction_, "alert": alert_text, "sort": sort_all[sel].astype("int64"),
        "prev_markets": prev_n, "yoy_markets": yoy_n_all, "wow_markets": wow_n, "yoy_matched": yoy_n,
        "alps_level": np.array(alps_level, dtype=object), "threshold": thr,
        "why": _object_array(why),
    }
    figures = {"price": price, "prev_price": col("prev_price"), "wow_pct": wow,
               "yoy_price": col("yoy_price"), "yoy_pct": yoyp, "min_price": col("min_price"),
               "max_price": col("max_price"), "cv_pct": cv, "ma4": ma4, "high52": hi, "low52": lo,
               "index": idx, "alps": alps}
    places = {**dict.fromkeys(_PRICE_COLS, 2), **dict.fromkeys(_PCT_COLS, 1), "alps": 2}
    data = {**common, **{c: round_half_up_array(v, places[c]) for c, v in figures.items()}}
    categories: list[dict[str, Any]] = []
    overall = None
    if ti is not None:
        b_row = base_row if base_row is not None and base_row <= ti else None
        ci = _category_index(h, np.array([ti]), b_row)
        for r in ci:
            categories.append({"category": r["category"], "index": round_half_up(r["index"], 1),
                               "wow_pct": round_half_up(r["wow_pct"], 1), "commodities": r["n"],
                               "base": base_p.label if base_p else None})
        o = _overall_index(h, ti, b_row)
        if o is not None:
            overall = {"index": round_half_up(o["index"], 1), "wow_pct": round_half_up(o["wow_pct"], 1),
                       "commodities": o["n"], "base": base_p.label if base_p else None,
                       "index_raw": o["index"], "wow_raw": o["wow_pct"]}
    return Report(p, public, data, alerts, categories, price_type, base_p, figures, overall)


def _object_array(values: list[Any]) -> np.ndarray:
    """A 1-d object array of arbitrary objects (numpy would try to nest a list of dicts)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
