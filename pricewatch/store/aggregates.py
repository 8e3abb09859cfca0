"""The commodity price of every period, kept in the store beside the observations.

The long-window indicators (moving average, 52-period high and low, 定基 index, category
index, ALPS) need every commodity's price in every period of the history. Computing it means
grouping the whole history by (commodity, market, period): ~0.5 s at a million observations,
paid by every new process and after every new data version. So it is computed once, when the
observations change, and kept in the table ``period_prices`` (migration 0090): one row per
audience (scope: ``public`` reads ``obs_public``, ``staff`` reads ``obs_staff``), frequency
(日 ``day``, 周 ``week``, 旬 ``xun``, 月 ``month``: all four, so a page that asks for another
frequency than the deployment's finds it too), price type and (commodity, period):

* ``price``: the commodity price of the period as DESIGN defines it, the mean over the markets
  that reported of each market's mean of its observations in the period;
* ``markets``: how many markets reported; ``obs``: how many observations there were.

A commodity is in one canonical unit and currency (ingest converts or refuses the others), so
(commodity, price type) is the whole series key. A row per (commodity, market, period) would
be as large as the observations themselves for weekly data (one observation per market and
week) and would save a reader nothing; the per-market means are therefore recomputed from the
observations of the affected periods, which a write reads anyway.

Maintenance, inside the write's own transaction (all or nothing with the change):

* a write that changes what an audience sees of the observations calls :func:`touch` with the
  keys it changed (:func:`~pricewatch.store.writes.load_observations`: the staff view;
  :func:`~pricewatch.store.writes.release_uploads`: the public view; the bulk load: both);
* :meth:`Store.write <pricewatch.store.Store.write>` calls :func:`refresh` once before its
  commit: for each touched audience and frequency, the (commodity, price type, period) groups
  holding a touched date are deleted and computed again from the view, exactly as a full
  build computes them;
* :func:`ensure` (after the migrations, whenever the store opens the primary for writing or
  publishes it) builds everything when the table was built by another version of this
  module, or never: a database from before migration 0090, a restored backup. A reader that
  finds a snapshot without a current table treats it as damaged: a new snapshot of the
  primary is made, which builds the table first.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..periods import ordinal, period_of
from .queries.observations import Scope, obs_view, period_start_sql

if TYPE_CHECKING:

    from .session import Session

#: bump when what the table holds or how it is computed changes: :func:`ensure` rebuilds it
VERSION = "1"
FREQS = ("day", "week", "xun", "month")
SCOPES: tuple[Scope, ...] = ("public", "staff")
TOUCHED = "pw_touched_obs"


def _select(scope: Scope, freq: str, where: str = "true", order: bool = True) -> str:
    """SELECT of the table's rows for one audience and frequency, from the observations the
    fixed fragment ``where`` keeps (it may name ``o`` and the CTE ``k`` of touched groups)."""
    ps = period_start_sql(freq, "o.obs_date")
    if freq == "day":
        # a market has at most one current / public observation per date: its mean is the price
        inner = (f"SELECT o.price_type, o.commodity_id, {ps} AS period_start, o.price, 1 AS n"  # noqa: S608
                 f" FROM {obs_view(scope)} o WHERE {where}")
    else:
        inner = (f"SELECT o.price_type, o.commodity_id, {ps} AS period_start, o.market_id,"  # noqa: S608
                 f" avg(o.price) AS price, count(*) AS n FROM {obs_view(scope)} o WHERE {where}"
                 " GROUP BY ALL")
    return (f"SELECT '{scope}' AS scope, '{freq}' AS freq, price_type, commodity_id, period_start,"  # noqa: S608
            " avg(price) AS price, count(*)::INTEGER AS markets, sum(n)::INTEGER AS obs"
            f" FROM ({inner}) GROUP BY ALL"
            + (" ORDER BY price_type, commodity_id, period_start" if order else ""))


def _rebuild_scope(s: Session, scope: Scope) -> None:
    s.execute("DELETE FROM period_prices WHERE scope = ?", [scope])
    for freq in FREQS:
        s.execute(f"INSERT INTO period_prices {_select(scope, freq)}")  # noqa: S608 - fixed fragments


def rebuild(s: Session) -> None:
    """Compute the whole table from the observations (a first build, or after :data:`VERSION`
    changed)."""
    for scope in SCOPES:
        _rebuild_scope(s, scope)
    s.execute("INSERT INTO meta VALUES ('period_prices', ?) ON CONFLICT (key) DO UPDATE SET value = ?",
              [VERSION, VERSION])


def ensure(s: Session) -> bool:
    """Build the table when it was built by another :data:`VERSION` or never (True: built)."""
    if s.scalar("SELECT value FROM meta WHERE key = 'period_prices'") == VERSION:
        return False
    rebuild(s)
    return True


def touch(s: Session, scopes: tuple[Scope, ...], keys_sql: str, params: Any = None) -> None:
    """Record that a write changed, for the audiences ``scopes``, the observations of the keys
    ``keys_sql`` selects (columns commodity_id, price_type, obs_date; fixed SQL from the
    store, values bound by ``params``); :func:`refresh` recomputes their periods at commit."""
    s.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TOUCHED} (scope VARCHAR, commodity_id INTEGER,"
              " price_type VARCHAR, obs_date DATE)")
    for scope in scopes:
        s.execute(f"INSERT INTO {TOUCHED} SELECT DISTINCT ?, commodity_id, price_type, obs_date"  # noqa: S608
                  f" FROM ({keys_sql})", [scope, *(params or [])])
        s.touched.add(scope)


def refresh(s: Session) -> None:
    """Recompute the periods holding a touched date, for every touched audience and every
    frequency (called by the store once, just before a write commits)."""
    if not s.touched:
        return
    for scope in sorted(s.touched):
        n, lo, hi = s.one(f"SELECT count(*), min(obs_date), max(obs_date) FROM {TOUCHED}"  # noqa: S608
                          " WHERE scope = ?", [scope]) or (0, None, None)
        if lo is None:
            continue
        # a load of much of the history (a bulk load) computes everything in one pass instead:
        # the same rows, without matching millions of touched keys
        kept = s.scalar("SELECT count(*) FROM period_prices WHERE scope = ? AND freq = 'day'", [scope])
        if n * 2 > kept:
            _rebuild_scope(s, scope)
            continue
        _refresh_scope(s, scope, lo, hi)
    s.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    s.touched.clear()


def _refresh_scope(s: Session, scope: Scope, lo: date, hi: date) -> None:
    """Delete and compute again, in one statement each, the touched (commodity, price type,
    period) groups of every frequency."""
    groups = " UNION ALL ".join(
        f"SELECT DISTINCT '{f}' AS freq, commodity_id, price_type, {period_start_sql(f)} AS period_start"  # noqa: S608
        f" FROM {TOUCHED} WHERE scope = '{scope}'" for f in FREQS)
    s.execute(f"CREATE OR REPLACE TEMP TABLE pw_touched_groups AS {groups}")
    s.execute("DELETE FROM period_prices p USING pw_touched_groups k"
              " WHERE p.scope = ? AND p.freq = k.freq AND p.commodity_id = k.commodity_id"
              " AND p.price_type = k.price_type AND p.period_start = k.period_start", [scope])
    # only the dates of whole touched periods are read (observations are stored by date, so
    # DuckDB skips the rest); then only the touched groups are kept
    parts, params = [], []
    for f in FREQS:
        where = ("o.obs_date BETWEEN ? AND ?"  # noqa: S608 - fixed fragments
                 f" AND EXISTS (SELECT 1 FROM pw_touched_groups k WHERE k.freq = '{f}'"
                 " AND k.commodity_id = o.commodity_id AND k.price_type = o.price_type"
                 f" AND k.period_start = {period_start_sql(f, 'o.obs_date')})")
        parts.append(_select(scope, f, where, order=False))
        params += [period_of(lo, f).start, period_of(hi, f).end]  # type: ignore[arg-type]
    s.execute("INSERT INTO period_prices " + " UNION ALL ".join(parts), params)
    s.execute("DROP TABLE pw_touched_groups")


# -- reading ---------------------------------------------------------------------------------
_ORDINAL_SQL = {
    # periods.ordinal() of period_start: consecutive periods differ by 1 (date(1, 1, 1) is day 1)
    "day": "(period_start - DATE '0001-01-01') + 1",
    "week": "(period_start - DATE '0001-01-01') // 7",
    "month": "year(period_start) * 12 + month(period_start) - 1",
    "xun": "(year(period_start) * 12 + month(period_start) - 1) * 3 + (day(period_start) - 1) // 10",
}


def commodity_periods(s: Session, scope: Scope, freq: str, price_type: str,
                      starts: tuple[date, date, date] | None = None) -> dict[str, Any]:
    """Commodity price per period over the whole history, as numpy arrays: commodity_id,
    ordinal (:func:`pricewatch.periods.ordinal` of the period), price (mean over the markets
    that reported of each market's mean), markets (how many reported); in no set order.

    ``starts`` = (first, last, one more): only the periods starting from ``first`` to
    ``last`` and the one starting on ``one more`` (a report's window and its base period;
    read as two ranges joined by UNION ALL, which DuckDB scans in ~60 % of the time of one
    filter with OR)."""
    sql = (f"SELECT commodity_id, {_ORDINAL_SQL[freq]} AS ordinal, price, markets"  # noqa: S608
           " FROM period_prices WHERE scope = ? AND freq = ? AND price_type = ?")
    params: list[Any] = [scope, freq, price_type]
    if starts is None:
        return s.arrays(sql, params)
    first, last, more = starts
    if first <= more <= last:
        return s.arrays(sql + " AND period_start BETWEEN ? AND ?", [*params, first, last])
    return s.arrays(f"{sql} AND period_start BETWEEN ? AND ? UNION ALL {sql} AND period_start = ?",
                    [*params, first, last, *params, more])


def period_span(s: Session, scope: Scope, freq: str, price_type: str) -> tuple[int, int, Any] | None:
    """(first ordinal, last ordinal, the commodity ids with a price in any period, sorted) of
    the history :func:`commodity_periods` reads; None when it is empty. (Grouped by commodity:
    half the time of one ``list(DISTINCT ...)``.)"""
    got = s.arrays("SELECT commodity_id, min(period_start) AS lo, max(period_start) AS hi FROM period_prices"
                   " WHERE scope = ? AND freq = ? AND price_type = ? GROUP BY commodity_id ORDER BY commodity_id",
                   [scope, freq, price_type])
    if not len(got["commodity_id"]):
        return None
    lo, hi = (got["lo"].min().item(), got["hi"].max().item())
    return (ordinal(period_of(lo, freq)), ordinal(period_of(hi, freq)),  # type: ignore[arg-type]
            got["commodity_id"])


def season_sums(s: Session, scope: Scope, freq: str, price_type: str, upto: date,
                origin: date) -> dict[str, Any]:
    """The sums a least-squares fit of trend plus month-of-year needs (the ALPS model, see
    :mod:`pricewatch.indicators.alps`), per commodity and season over the periods starting on
    or before ``upto``, as numpy arrays: commodity_id, season (month 1-12: a week's is the
    month of its Thursday), n (periods priced), first (ordinal of the commodity's first
    priced period in this season), st, stt, sy, sty, syy (sums of t, t², y, t·y, y² with y
    the period's price and t the years from ``origin`` to its start); in no set order.

    ~6,000 rows grouped in the database instead of the whole history brought into Python."""
    season = "month(period_start + 3)" if freq == "week" else "month(period_start)"
    return s.arrays(
        "SELECT commodity_id, season, count(*) AS n, min(ordinal) AS first, sum(t) AS st,"  # noqa: S608
        " sum(t * t) AS stt, sum(price) AS sy, sum(t * price) AS sty, sum(price * price) AS syy"
        f" FROM (SELECT commodity_id, price, {_ORDINAL_SQL[freq]} AS ordinal, {season} AS season,"
        " (period_start - ?::DATE) / 365.25 AS t FROM period_prices"
        " WHERE scope = ? AND freq = ? AND price_type = ? AND period_start <= ? AND price IS NOT NULL)"
        " GROUP BY commodity_id, season",
        [origin, scope, freq, price_type, upto])
