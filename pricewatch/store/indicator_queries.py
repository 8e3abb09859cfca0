"""SQL behind pricewatch.indicators (kept here: only the store speaks SQL).

Every query reads the audience's view through :func:`~pricewatch.store.queries.obs_view`
(``obs_public`` for the public, ``obs_staff`` for staff), filtered to one ``price_type``
(retail and wholesale prices are never averaged together). Two shapes come back:

* :func:`report_core` - one row per commodity for a period, computed entirely in DuckDB
  from the market prices of the period, the previous period and the same period a year
  earlier (matched-market sums, spread, markets that fell silent). Only the few days of
  those periods are read, so its cost does not grow with the history.
* :func:`commodity_periods` - the commodity price of every period of the history (mean over
  the markets that reported of each market's mean). It feeds the long-window indicators
  (moving average, 52-period high/low, 定基 index, ALPS) and is cached by the caller per
  data version.

Speed (measured on 10 million rows, see benchmarks/indicators_bench.py): grouping by
(commodity, market, period) over the whole history means millions of groups and takes
~0.7 s; grouping by (commodity, period) takes ~0.13 s. The two agree exactly when all of a
(commodity, period) group's observations carry one date, because an audience's view holds
at most one row per (commodity, market, date, price_type) key (a correction is a new
revision and only the newest one is current / public). So :func:`commodity_periods` groups
by (commodity, period), and recomputes market by market only the groups whose observations
span more than one date (daily data; a market surveyed twice in a week).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from ..periods import Period
from .queries import Scope, filters, obs_view
from .session import Session


def period_start_sql(freq: str, col: str = "obs_date") -> str:
    """SQL for the first day of the period containing ``col``: the date itself (日), the ISO
    week's Monday (周), day 1, 11 or 21 of the month (旬), the month's first day (月).

    ``freq`` and ``col`` come from fixed sets in this module (never from input): the result is
    spliced into SQL.
    """
    if freq == "day":
        return f"{col}::DATE"
    if freq in ("week", "month"):
        return f"date_trunc('{freq}', {col})::DATE"
    if freq == "xun":
        return (f"make_date(year({col}), month({col}),"
                f" CASE WHEN day({col}) <= 10 THEN 1 WHEN day({col}) <= 20 THEN 11 ELSE 21 END)")
    raise ValueError(f"unknown frequency {freq!r}")


def snapshot_id(s: Session) -> str:
    """The file this session reads (a snapshot's name is unique per publish, so it tells a
    rebuilt database from the old one even when their data versions coincide)."""
    return str(s.scalar("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"))


def latest_date(s: Session, scope: Scope, price_type: str | None = None) -> date | None:
    """The newest observation date the audience can see (optionally for one price type).

    The unfiltered table's newest date is a cheap upper bound (no join); the view is then
    asked only about the last few weeks before it, and about everything only when those
    hold nothing for this audience.
    """
    bound = s.scalar("SELECT max(obs_date) FROM observations")
    if bound is None:
        return None
    pt_sql, params = ("", []) if price_type is None else (" AND price_type = ?", [price_type])
    view = obs_view(scope)
    got = s.scalar(f"SELECT max(obs_date) FROM {view} WHERE obs_date >= ?{pt_sql}",  # noqa: S608
                   [bound - timedelta(days=62), *params])
    if got is None:
        got = s.scalar(f"SELECT max(obs_date) FROM {view} WHERE true{pt_sql}", params)  # noqa: S608
    return got


def distinct_dates(s: Session, scope: Scope, price_type: str, since: date) -> list[date]:
    """The distinct observation dates on or after ``since`` (a few hundred at most)."""
    return [r[0] for r in s.all(
        f"SELECT DISTINCT obs_date FROM {obs_view(scope)}"  # noqa: S608 - fixed view name
        " WHERE obs_date >= ? AND price_type = ?", [since, price_type])]


def catalog(s: Session) -> pd.DataFrame:
    """Commodities with their category, unit, weight, display order and jump threshold."""
    return s.df(
        "SELECT c.id AS commodity_id, c.name AS commodity, c.category, c.unit, c.weight,"
        " coalesce(k.sort, 99) * 100000 + c.sort AS sort, k.jump_threshold_pct,"
        " coalesce(k.sort, 99) AS category_sort"
        " FROM commodities c LEFT JOIN categories k ON k.name = c.category"
        " ORDER BY sort, c.name")


def market_names(s: Session) -> pd.DataFrame:
    return s.df("SELECT id AS market_id, name AS market, sort, kind FROM markets ORDER BY sort, name")


def report_core(s: Session, scope: Scope, cur: Period, prev: Period, yoy: Period | None,
                price_type: str = "retail") -> pd.DataFrame:
    """One row per commodity seen in ``cur`` or ``prev`` (ids only; names are joined later).

    Columns: commodity_id; markets, price, min_price, max_price, sd_pop (this period, every
    market that reported); prev_markets, prev_price; yoy_markets, yoy_price; and the matched
    sums: wow_n / wow_cur / wow_base (markets in both this and the previous period, the mean
    of each side), yoy_n / yoy_cur / yoy_base likewise against the year-earlier period;
    gap_markets: ids of markets with a price for the commodity last period and none now
    (NULL when none), gaps: how many; silent_markets (the same on every row): markets with a
    price last period and none at all this period (empty list when none).
    A market's price in a period is the mean of its observations in that period.
    """
    y0, y1 = (yoy.start, yoy.end) if yoy is not None else (date(1, 1, 1), date(1, 1, 1))
    return s.df(
        f"""
        WITH mp AS (
            SELECT commodity_id, market_id,
                   CASE WHEN obs_date BETWEEN $c0 AND $c1 THEN 0
                        WHEN obs_date BETWEEN $p0 AND $p1 THEN 1 ELSE 2 END AS tag,
                   avg(price) AS price
            FROM {obs_view(scope)}
            WHERE price_type = $pt
              AND (obs_date BETWEEN $p0 AND $c1 OR obs_date BETWEEN $y0 AND $y1)
            GROUP BY ALL
        ), w AS (
            SELECT commodity_id, market_id,
                   max(price) FILTER (WHERE tag = 0) AS cur,
                   max(price) FILTER (WHERE tag = 1) AS prev,
                   max(price) FILTER (WHERE tag = 2) AS yoy
            FROM mp GROUP BY ALL
        )
        SELECT commodity_id,
               count(cur) AS markets, avg(cur) AS price, min(cur) AS min_price,
               max(cur) AS max_price, stddev_pop(cur) AS sd_pop,
               count(prev) AS prev_markets, avg(prev) AS prev_price,
               count(yoy) AS yoy_markets, avg(yoy) AS yoy_price,
               count(*) FILTER (WHERE cur IS NOT NULL AND prev IS NOT NULL) AS wow_n,
               avg(cur) FILTER (WHERE prev IS NOT NULL) AS wow_cur,
               avg(prev) FILTER (WHERE cur IS NOT NULL) AS wow_base,
               count(*) FILTER (WHERE cur IS NOT NULL AND yoy IS NOT NULL) AS yoy_n,
               avg(cur) FILTER (WHERE yoy IS NOT NULL) AS yoy_cur,
               avg(yoy) FILTER (WHERE cur IS NOT NULL) AS yoy_base,
               list(market_id ORDER BY market_id) FILTER (WHERE prev IS NOT NULL AND cur IS NULL)
                   AS gap_markets,
               count(*) FILTER (WHERE prev IS NOT NULL AND cur IS NULL) AS gaps,
               (SELECT list(market_id ORDER BY market_id) FROM (
                    SELECT market_id FROM w GROUP BY market_id
                    HAVING count(cur) = 0 AND count(prev) > 0)) AS silent_markets
        FROM w WHERE cur IS NOT NULL OR prev IS NOT NULL
        GROUP BY commodity_id
        """,  # noqa: S608 - fixed view name
        {"c0": cur.start, "c1": cur.end, "p0": prev.start, "p1": prev.end, "y0": y0, "y1": y1,
         "pt": price_type},
    )


def market_period_prices(s: Session, scope: Scope, freq: str, start: date | None, end: date | None,
                         price_type: str = "retail", commodity: str | None = None) -> pd.DataFrame:
    """Each market's mean price per (commodity, period) for the periods from ``start`` to
    ``end`` (the first and last days of whole periods; None: no bound).

    Columns: period_start (DATE: see :func:`period_start_sql`), commodity_id, commodity,
    market_id, market, price. The period start is computed from the date, so no table of
    periods is joined.
    """
    ps = period_start_sql(freq)
    where, params = filters(start=start, end=end)
    where.append("price_type = ?")
    params.append(price_type)
    if commodity is not None:  # equality, not list_contains: it keeps the filter pushed down
        where.append("commodity = ?")
        params.append(commodity)
    return s.df(
        f"SELECT {ps} AS period_start, commodity_id, commodity,"  # noqa: S608
        " market_id, market, avg(price) AS price"
        f" FROM {obs_view(scope)} WHERE {' AND '.join(where)} GROUP BY ALL", params)


def commodity_periods(s: Session, scope: Scope, freq: str, price_type: str = "retail",
                      commodity: str | None = None) -> pd.DataFrame:
    """Commodity price per period over the whole history (see the module docstring).

    Columns: commodity_id, period_start (DATE, :func:`period_start_sql`), price (mean over the
    markets that reported of each market's mean), markets (how many reported).
    """
    view = obs_view(scope)
    c_sql, params = ("", [price_type])
    if commodity is not None:
        c_sql = " AND commodity = ?"
        params.append(commodity)
    # by date first (a DATE key hashes faster than date_trunc of every row), then by period
    g = s.df(
        "WITH d AS (SELECT commodity_id, obs_date, sum(price) AS s, count(*) AS n"  # noqa: S608
        f" FROM {view} WHERE price_type = ?{c_sql} GROUP BY ALL)"
        f" SELECT commodity_id, {period_start_sql(freq)} AS period_start,"
        " sum(s) / sum(n) AS price, sum(n) AS markets, count(*) = 1 AS one_date"
        " FROM d GROUP BY ALL", params)
    multi = g.loc[~g["one_date"].astype(bool), ["commodity_id", "period_start"]]
    g = g.loc[g["one_date"].astype(bool), ["commodity_id", "period_start", "price", "markets"]]
    if not multi.empty:
        s.register("pw_multi", multi)
        try:
            exact = s.df(
                f"WITH mp AS (SELECT o.commodity_id, {period_start_sql(freq, 'o.obs_date')}"  # noqa: S608
                " AS period_start, o.market_id, avg(o.price) AS price"
                f" FROM {view} o SEMI JOIN pw_multi m"  # noqa: S608 - fixed names
                " ON m.commodity_id = o.commodity_id"
                f" AND m.period_start::DATE = {period_start_sql(freq, 'o.obs_date')}"
                f" WHERE o.price_type = ?{c_sql.replace('commodity', 'o.commodity')}"
                " GROUP BY ALL)"
                " SELECT commodity_id, period_start, avg(price) AS price, count(*) AS markets"
                " FROM mp GROUP BY ALL", params)
        finally:
            s.unregister("pw_multi")
        g = pd.concat([g, exact], ignore_index=True)
    g["markets"] = g["markets"].astype("int64")
    return g.sort_values(["commodity_id", "period_start"], kind="stable").reset_index(drop=True)


def first_arrivals(s: Session, first: date, last: date) -> dict[date, Any]:
    """For each observation date in [first, last]: when its data first arrived (the earliest
    ``uploaded_at`` of an upload, not superseded, holding observations of that date)."""
    rows = s.all(
        "SELECT o.obs_date, min(u.uploaded_at) FROM observations o JOIN uploads u ON u.id = o.upload_id"
        " WHERE o.obs_date BETWEEN ? AND ? AND u.status <> 'superseded' GROUP BY o.obs_date",
        [first, last])
    return {r[0]: r[1] for r in rows}
