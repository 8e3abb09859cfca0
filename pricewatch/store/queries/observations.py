"""Prices as an audience sees them, and the aggregates the indicators read.

``scope`` chooses the audience: "public" reads only the public view ``obs_public``
(released data, invariant 1); "staff" reads ``obs_staff`` (the newest revision of
everything). There is no other way in: :func:`obs_view` is the one place that maps a scope
to a view name, from a fixed set. Aggregates read one ``price_type`` at a time (retail and
wholesale prices are never averaged together). What feeds the indicators:

* :func:`report_core` - one row per commodity for a period, computed entirely in DuckDB
  from the market prices of the period, the previous period and the same period a year
  earlier (matched-market sums, spread, markets that fell silent). Only the few days of
  those periods are read, so its cost does not grow with the history.
* the commodity price of every period of the history (mean over the markets that reported of
  each market's mean), which feeds the long-window indicators (moving average, 52-period
  high/low, 定基 index, ALPS), is not computed here at read time: the store keeps it in
  ``period_prices``, maintained by every write (see :mod:`pricewatch.store.aggregates`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ...errors import InputError
from ...periods import Period
from ..session import Session

if TYPE_CHECKING:  # DuckDB imports pandas itself when a frame is asked for
    import pandas as pd

Scope = Literal["public", "staff"]
_VIEWS = {"public": "obs_public", "staff": "obs_staff"}


def obs_view(scope: Scope) -> str:
    try:
        return _VIEWS[scope]
    except KeyError:
        raise InputError(f"未知的数据范围 {scope!r}", "只能是 public 或 staff") from None


def filters(*, start: date | None = None, end: date | None = None,
            commodities: list[str] | None = None, markets: list[str] | None = None,
            ) -> tuple[list[str], list]:
    """WHERE fragments (fixed text) and their bound values for the usual observation filters."""
    where, params = ["true"], []
    if start is not None:
        where.append("obs_date >= ?")
        params.append(start)
    if end is not None:
        where.append("obs_date <= ?")
        params.append(end)
    if commodities:
        where.append("list_contains(?, commodity)")
        params.append(list(commodities))
    if markets:
        where.append("list_contains(?, market)")
        params.append(list(markets))
    return where, params


def observations(
    s: Session, scope: Scope, *, start: date | None = None, end: date | None = None,
    commodities: list[str] | None = None, markets: list[str] | None = None,
) -> pd.DataFrame:
    """Canonical observations, one row each, oldest first (then by commodity, market, price
    type): date, market, market_kind, commodity, category, unit, price, price_type,
    upload_id, revision, released."""
    where, params = filters(start=start, end=end, commodities=commodities, markets=markets)
    return s.df(
        "SELECT obs_date AS date, market, market_kind, commodity, category, unit, price, price_type,"  # noqa: S608 - view from obs_view(), values bound
        f" upload_id, revision, released FROM {obs_view(scope)} WHERE {' AND '.join(where)}"
        " ORDER BY obs_date, commodity, market, price_type",
        params,
    )


def history(s: Session, commodity: str, market: str, obs_date: date) -> pd.DataFrame:
    """Every revision of one price, oldest first (invariant 3: the history can be shown)."""
    return s.df(
        "SELECT o.revision, o.price, o.price_type, o.upload_id, u.file_name, u.uploaded_by,"
        " u.uploaded_at, u.released_at, o.is_current, o.is_public FROM observations o"
        " JOIN commodities c ON c.id = o.commodity_id JOIN markets m ON m.id = o.market_id"
        " JOIN uploads u ON u.id = o.upload_id"
        " WHERE c.name = ? AND m.name = ? AND o.obs_date = ? ORDER BY o.revision",
        [commodity, market, obs_date])


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

    Read from the day rows of ``period_prices`` (one per commodity and date, kept by every
    write: see :mod:`pricewatch.store.aggregates`), not from the millions of observations.
    """
    pt_sql, params = ("", []) if price_type is None else (" AND price_type = ?", [price_type])
    return s.scalar("SELECT max(period_start) FROM period_prices WHERE scope = ? AND freq = 'day'"  # noqa: S608
                    + pt_sql, [_scope(scope), *params])


def recent_dates(s: Session, scope: Scope, price_type: str, days: int) -> list[date]:
    """The distinct observation dates of the ``days`` days up to the newest one, oldest first
    (from the day rows of ``period_prices``, as :func:`latest_date`; one query: the dates
    grouped, then those within ``days`` of the last kept, which takes one scan where a
    subquery for the newest date took two)."""
    return [r[0] for r in s.all(
        "SELECT period_start FROM (SELECT period_start FROM period_prices WHERE scope = $s"
        " AND freq = 'day' AND price_type = $pt GROUP BY period_start)"
        " QUALIFY period_start >= max(period_start) OVER () - $days::INTEGER ORDER BY 1",
        {"s": _scope(scope), "pt": price_type, "days": days})]


def _scope(scope: Scope) -> Scope:
    obs_view(scope)  # refuses anything but public / staff
    return scope


def report_core(s: Session, scope: Scope, cur: Period, prev: Period, yoy: Period | None,
                price_type: str = "retail") -> dict[str, Any]:
    """One row per commodity seen in ``cur`` or ``prev`` (ids only; names are joined later),
    as numpy arrays per column (:meth:`Session.arrays`), none of them NULL: NaN where there is
    no figure, an empty list where no market (so DuckDB needs no masked array, whose module
    costs a fresh process ~10-20 ms).

    Columns: commodity_id; markets, price, min_price, max_price, sd_pop (this period, every
    market that reported); prev_markets, prev_price; yoy_markets, yoy_price; and the matched
    sums: wow_n / wow_cur / wow_base (markets in both this and the previous period, the mean
    of each side), yoy_n / yoy_cur / yoy_base likewise against the year-earlier period;
    gap_markets: ids of markets with a price for the commodity last period and none now,
    gaps: how many; silent_markets (the same on every row): markets with a
    price last period and none at all this period (empty list when none).
    A market's price in a period is the mean of its observations in that period.
    """
    y0, y1 = (yoy.start, yoy.end) if yoy is not None else (date(1, 1, 1), date(1, 1, 1))
    return s.arrays(
        f"""
        WITH w AS (
            -- each market's mean in this period, the previous one and the year-earlier one
            -- (the rows of this period and the previous one never count as the year's)
            SELECT commodity_id, market_id,
                   avg(price) FILTER (WHERE obs_date BETWEEN $c0 AND $c1) AS cur,
                   avg(price) FILTER (WHERE obs_date BETWEEN $p0 AND $p1) AS prev,
                   avg(price) FILTER (WHERE obs_date BETWEEN $y0 AND $y1
                                      AND NOT obs_date BETWEEN $p0 AND $c1) AS yoy
            FROM {obs_view(scope)}
            WHERE price_type = $pt
              AND (obs_date BETWEEN $p0 AND $c1 OR obs_date BETWEEN $y0 AND $y1)
            GROUP BY ALL
        )
        SELECT commodity_id,
               count(cur) AS markets, coalesce(avg(cur), 'NaN'::DOUBLE) AS price,
               coalesce(min(cur), 'NaN'::DOUBLE) AS min_price, coalesce(max(cur), 'NaN'::DOUBLE) AS max_price,
               coalesce(stddev_pop(cur), 'NaN'::DOUBLE) AS sd_pop,
               count(prev) AS prev_markets, coalesce(avg(prev), 'NaN'::DOUBLE) AS prev_price,
               count(yoy) AS yoy_markets, coalesce(avg(yoy), 'NaN'::DOUBLE) AS yoy_price,
               count(*) FILTER (WHERE cur IS NOT NULL AND prev IS NOT NULL) AS wow_n,
               coalesce(avg(cur) FILTER (WHERE prev IS NOT NULL), 'NaN'::DOUBLE) AS wow_cur,
               coalesce(avg(prev) FILTER (WHERE cur IS NOT NULL), 'NaN'::DOUBLE) AS wow_base,
               count(*) FILTER (WHERE cur IS NOT NULL AND yoy IS NOT NULL) AS yoy_n,
               coalesce(avg(cur) FILTER (WHERE yoy IS NOT NULL), 'NaN'::DOUBLE) AS yoy_cur,
               coalesce(avg(yoy) FILTER (WHERE cur IS NOT NULL), 'NaN'::DOUBLE) AS yoy_base,
               coalesce(list(market_id ORDER BY market_id) FILTER (WHERE prev IS NOT NULL AND cur IS NULL),
                        []) AS gap_markets,
               count(*) FILTER (WHERE prev IS NOT NULL AND cur IS NULL) AS gaps,
               coalesce((SELECT list(market_id ORDER BY market_id) FROM (
                    SELECT market_id FROM w GROUP BY market_id
                    HAVING count(cur) = 0 AND count(prev) > 0)), []) AS silent_markets
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


def recent_price_rows(s: Session, start: date, end: date) -> list[tuple]:
    """Current (staff) prices dated start..end as tuples (commodity, market, price_type,
    obs_date, price, orig_unit: the unit as the file gave it, for the unit-change check);
    no pandas."""
    return s.all(
        "SELECT c.name AS commodity, m.name AS market, o.price_type, o.obs_date, o.price, o.orig_unit"
        " FROM observations o JOIN commodities c ON c.id = o.commodity_id"
        " JOIN markets m ON m.id = o.market_id"
        " WHERE o.is_current AND o.obs_date BETWEEN ? AND ?", [start, end])


def markets_reporting(s: Session, start: date, end: date) -> list[str]:
    """Markets with current rows in [start, end], in catalog order."""
    return [r[0] for r in s.all(
        "SELECT m.name FROM markets m WHERE EXISTS (SELECT 1 FROM observations o"
        " WHERE o.market_id = m.id AND o.is_current AND o.obs_date BETWEEN ? AND ?)"
        " ORDER BY m.sort, m.name", [start, end])]


def markets_reporting_before(s: Session, day: date, within_days: int = 14) -> tuple[date | None, list[str]]:
    """The latest observation date before ``day`` (at most ``within_days`` earlier) and the
    markets that reported on it."""
    prev = s.scalar(
        "SELECT max(obs_date) FROM observations WHERE is_current AND obs_date < ? AND obs_date >= ?",
        [day, day - timedelta(days=within_days)])
    if prev is None:
        return None, []
    return prev, markets_reporting(s, prev, prev)


def silent_markets(s: Session, scope: Scope, cur: Period, prev: Period) -> list[str]:
    """Markets that reported anything in ``prev`` and nothing in ``cur`` (catalog order)."""
    view = obs_view(scope)  # a fixed view name
    sql = (f"SELECT m.name FROM markets m WHERE EXISTS (SELECT 1 FROM {view} o"  # noqa: S608
           " WHERE o.market_id = m.id AND o.obs_date BETWEEN ? AND ?)"
           f" AND NOT EXISTS (SELECT 1 FROM {view} o WHERE o.market_id = m.id"
           " AND o.obs_date BETWEEN ? AND ?) ORDER BY m.sort, m.name")
    return [r[0] for r in s.all(sql, [prev.start, prev.end, cur.start, cur.end])]


def unreleased_commodities(s: Session, spans: list[Period], price_type: str = "retail") -> set[str]:
    """Commodities with at least one current but unreleased observation in any of ``spans``.

    A figure computed from the staff view for such a commodity (its price, 环比 or 同比)
    includes data the public cannot see yet, so the briefing marks it 未公开.
    """
    if not spans:
        return set()
    cond = " OR ".join("obs_date BETWEEN ? AND ?" for _ in spans)
    params: list[Any] = [price_type]
    for p in spans:
        params += [p.start, p.end]
    # only "?" placeholders are interpolated; the values are bound
    sql = f"SELECT DISTINCT commodity FROM obs_staff WHERE NOT released AND price_type = ? AND ({cond})"  # noqa: S608
    return {r[0] for r in s.all(sql, params)}


def public_fingerprint(s: Session, spans: list[tuple[date, date]]) -> str:
    """A cheap fingerprint of the public rows in these date spans.

    A released revision adds a row with a new id and makes the old one non-public, so the
    count / sum / max of the public ids changes whenever the public values of a span do.
    """
    parts = []
    for start, end in spans:
        row = s.one("SELECT count(*), coalesce(sum(id), 0), coalesce(max(id), 0) FROM obs_public"
                    " WHERE obs_date BETWEEN ? AND ?", [start, end])
        parts.append("-".join(str(int(x)) for x in row))
    return "/".join(parts)
