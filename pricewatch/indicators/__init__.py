"""Indicators: the single source of every published figure (pages, notes, briefings, exports).

Definitions (DESIGN.md, "Indicator definitions"; keep them exact, the numbers are published):

* market price for a period = mean of that market's observations in the period, in the
  commodity's canonical unit (the store holds canonical prices already);
* commodity price P_t = mean over the markets that reported in period t;
* 环比 % = (mean(P_t) / mean(P_t-1) - 1) x 100 over *matched* markets only (those with a
  price in both periods); 同比 the same against the same ISO week (旬, month, date) a year earlier.
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
* overall index (总体价格指数) = the category index's formula over the whole basket (every
  commodity with a positive weight, whatever its category), on the same base; its 环比 (总体价格
  环比, the one overall change the 总体情况 paragraphs quote) = sum(w_i x P_i,t / P_i,base) /
  sum(w_i x P_i,t-1 / P_i,base) - 1 over the commodities priced in t, t-1 and the base. A
  commodity without a base price (new to the catalog) is outside the basket until the base
  moves; ``Report.overall``, ``report --json`` key ``overall``;
* ALPS score (an Alert for Price Spikes, after WFP) once a series spans 3 years (156 weeks or
  36 months): P_s = a + b x s + month dummies + e_s is fitted by least squares to the series
  up to and including t; score = (P_t - fitted_t) / sd(residuals) (sd with n - rank degrees
  of freedom; a perfect fit, such as a price that never moved, has no score). Bands: < 0.25 normal, 0.25-1 stress, 1-2 alert, >= 2 crisis (a price *below*
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
Currency is part of a series' key the same way: a commodity's prices are all in the currency
its canonical unit names ("KES/公斤" for a WFP export in KES; ingest refuses a price in any
other currency for it, ``pricewatch.catalog.Unit``), so no 元 price is averaged with another
currency's, and every figure is shown in that unit (index and breadth compare ratios only).

Rounding is half-up on the decimal value (prices 2 places, percentages 1, indices 1, ALPS 2):
values are first rounded to 9 decimals to drop binary floating-point noise (the double
nearest 10.125 is 10.12499999999999822...) and then rounded half away from zero, as a person
computing by hand would. ``Report.items`` and every frame below hold these published values;
``Report.raw`` keeps the unrounded ones.

Entry points (``store`` is a :class:`~pricewatch.store.Store`; ``public=True`` reads released
data only, ``public=False`` the staff view; ``freq=None``, the default, takes
:func:`default_freq`, and a named period carries its own frequency):

* :func:`report` -> :class:`Report` for one period: ``items`` (one row per commodity),
  ``summary``, ``headline()``, ``overall``, ``overall_sentence()``, ``alerts``, ``categories``,
  ``to_json()``;
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
* :func:`detect_freq` - the frequency the data were collected at (日, 周, 旬 or 月);
  :func:`default_freq` - ``[publication] frequency`` from pricewatch.toml, else that.

Periods (:mod:`pricewatch.periods`): 日, 周 (ISO week), 旬 (days 1-10, 11-20, 21-end) and 月.
Data collected daily and reported per 旬 or week follow the same formulas: a market's price
for the period is the mean of its observations in it, whatever their own frequency.

Speed: the report reads only the days of the period, the previous period and the year-earlier
period (DuckDB does the matched-market sums); the long-window figures (MA4, high/low, 定基,
category index) come from the history of commodity prices per period (the store's
``period_prices``): a report on a new data version reads only the periods its windows reach
back to and its base, a whole-history caller (the index series, a trend) reads them all; both
are kept in this process per data version with the finished reports (:func:`clear_cache`
drops them). ALPS fits whole series from their sums per commodity and season, which DuckDB
groups (``aggregates.season_sums``: ~6,000 rows instead of ~260,000 at 10 M observations).
A process reading a new data version reads the period's rows and those sums on a sibling
cursor while it reads the history.
At 9.9 million observations (benchmarks/indicators_bench.py, quiet 2-core machine): a report
takes 23-31 ms once that history is cached and 0.24-0.4 s for the first call after a new data
version; :func:`trend` ~2 ms.

The package, layer by layer (each module imports only those above it):

* :mod:`.formulas` - rounding as published and the scalar formulas (test oracles);
* :mod:`.alps` - the ALPS model;
* :mod:`.messages` - alert messages in plain Chinese;
* :mod:`.history` - frequency detection and the cached history grid (long-window figures);
* :mod:`.reports` - :class:`Report`, :func:`report`, :func:`build_report`;
* :mod:`.frames` - the page frames (series, trend, markets, spread, category index, board);
* :mod:`.rules` - 价格预警 rules (``warning_rules.toml``) applied by the report;
* :mod:`.outlets` - prices by outlet type and the per-outlet table.

Every public name is importable from ``pricewatch.indicators`` itself, as before the split.
The page frames and the outlet tables (pandas) load on first use of one of their names, so
that the report and its JSON (``python -m pricewatch report``) start without pandas.
"""

from __future__ import annotations

from .alps import (
    ALPS_ALERT_LEVELS,
    ALPS_BANDS,
    ALPS_EXPLAINED,
    ALPS_EXPLAINED_EN,
    ALPS_LEVEL_ZH,
    ALPS_YEARS,
    alps_band,
    alps_scores,
)
from .formulas import (
    HIGH_LOW_WINDOW,
    MA_WINDOW,
    _window_stats,
    direction,
    display_width,
    fixed_base_index,
    laspeyres_index,
    matched_change,
    moving_average,
    pct_change,
    rolling_high_low,
    round_half_up,
    round_half_up_array,
    spread,
)
from .history import (
    PRICE_TYPES,
    clear_cache,
    default_freq,
    detect_freq,
    freq_from_dates,
    resolve_period,
)
from .messages import LEVEL_EN, alert_en, alps_message, gap_message, jump_message
from .reports import ITEM_COLUMNS, Report, build_report, report

#: names of the modules that build pandas frames, loaded when one of them is first asked for
_LAZY = {
    **dict.fromkeys(("SPARK_PERIODS", "board", "category_index_series", "market_comparison",
                     "market_rows", "market_trend", "series", "spread_trend", "trend"), "frames"),
    **dict.fromkeys(("kind_comparison", "outlet_table"), "outlets"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ALPS_ALERT_LEVELS", "ALPS_EXPLAINED", "ALPS_EXPLAINED_EN", "LEVEL_EN", "alert_en", "kind_comparison", "market_rows", "outlet_table", "ALPS_BANDS", "ALPS_LEVEL_ZH", "ALPS_YEARS", "HIGH_LOW_WINDOW", "ITEM_COLUMNS",
    "MA_WINDOW", "PRICE_TYPES", "SPARK_PERIODS", "Report", "_window_stats", "alps_band", "alps_message",
    "alps_scores", "board", "build_report", "category_index_series", "clear_cache", "default_freq", "detect_freq",
    "direction", "display_width", "fixed_base_index", "freq_from_dates", "gap_message", "jump_message", "laspeyres_index",
    "market_comparison", "market_trend", "matched_change", "moving_average", "pct_change", "report",
    "resolve_period", "rolling_high_low", "round_half_up", "round_half_up_array", "series", "spread",
    "spread_trend", "trend",
]
