"""The weekly report and one commodity's trend, in-process, against hand-written floors.

``pricewatch.indicators.report`` (public, latest week) and ``indicators.trend`` (falling
back to ``indicators.series`` where trend does not exist) are timed warm: the store is
open, one untimed call has run, then the median of ``n`` calls. The first call in the
process is reported as "cold".

Side by side, the floor: one hand-written DuckDB query through the same store session
that computes the same core figures (each market's mean per period, then the commodity
means and the matched-market 环比 for the week; the weekly commodity mean over all history
for the trend, by commodity id, one date per week as the synthetic data have). The ratio says how much the library adds on top of the database's own work.
"""

from __future__ import annotations

import time
from datetime import timedelta

from . import synth
from .harness import Result, median_ms

REPORT_FLOOR_SQL = """
WITH mp AS (
    SELECT commodity_id, market_id, (obs_date >= $c0) AS cur, avg(price) AS price
    FROM obs_public
    WHERE price_type = 'retail' AND obs_date BETWEEN $p0 AND $c1
    GROUP BY ALL
), w AS (
    SELECT commodity_id, market_id, max(price) FILTER (WHERE cur) AS c,
           max(price) FILTER (WHERE NOT cur) AS p
    FROM mp GROUP BY ALL
)
SELECT commodity_id, avg(c) AS price, avg(p) AS prev_price,
       (avg(c) FILTER (WHERE p IS NOT NULL) / avg(p) FILTER (WHERE c IS NOT NULL) - 1) * 100 AS wow
FROM w GROUP BY commodity_id ORDER BY commodity_id
"""  # noqa: S608 - constant text, values bound

TREND_FLOOR_SQL = """
SELECT obs_date AS period_start, avg(price) AS price, count(*) AS markets
FROM obs_public WHERE commodity_id = $c AND price_type = 'retail'
GROUP BY ALL ORDER BY period_start
"""


def pick_commodity(size: synth.Size) -> str:
    """A commodity in the middle of the catalog (not the first: no accidental early exit)."""
    return synth.commodity_names(size)[min(123, size.commodities - 1)]


def measure(db, size: synth.Size, n: int = 20, log=print) -> list[Result]:
    from pricewatch import indicators
    from pricewatch.store import open_store

    store = open_store(db)
    out: list[Result] = []
    commodity = pick_commodity(size)
    clear = getattr(indicators, "clear_cache", None)
    if clear:
        clear()

    t = time.perf_counter()
    rep = indicators.report(store, public=True)
    cold = (time.perf_counter() - t) * 1000
    label = rep.period.label if rep is not None else "none"
    items = len(rep.items) if rep is not None else 0
    warm, _ = median_ms(lambda: indicators.report(store, public=True), n)

    c1 = synth.LAST_MONDAY + timedelta(days=6)
    c0 = synth.LAST_MONDAY
    p0 = c0 - timedelta(days=7)

    def floor_report() -> None:
        with store.read() as s:
            s.df(REPORT_FLOOR_SQL, {"c0": c0, "c1": c1, "p0": p0})

    floor, _ = median_ms(floor_report, n)
    out.append(Result("report", "report, one week (indicators.report, warm)", size.name, warm, "ms", n,
                      target=("<", 50.0), ref=floor, ref_label="hand-written SQL",
                      ratio=f"{warm / floor:.1f}x floor",
                      note=f"{label}, {items} items; cold first call {cold:.0f} ms"))

    trend_fn = getattr(indicators, "trend", None)
    fn_name = "trend" if trend_fn else "series"
    fn = trend_fn or indicators.series
    t = time.perf_counter()
    frame = fn(store, commodity, public=True)
    cold_t = (time.perf_counter() - t) * 1000
    warm_t, _ = median_ms(lambda: fn(store, commodity, public=True), n)

    with store.read() as s:
        cid = s.scalar("SELECT id FROM commodities WHERE name = ?", [commodity])

    def floor_trend() -> None:
        with store.read() as s:
            s.df(TREND_FLOOR_SQL, {"c": cid})

    floor_t, _ = median_ms(floor_trend, n)
    out.append(Result("trend", f"trend, one commodity, all history (indicators.{fn_name}, warm)",
                      size.name, warm_t, "ms", n, target=("<", 5.0), ref=floor_t,
                      ref_label="hand-written SQL", ratio=f"{warm_t / floor_t:.1f}x floor",
                      note=f"{len(frame)} periods; first call {cold_t:.0f} ms"))

    # the same with every in-process cache emptied before each call: what a new data version costs
    if clear:
        def uncached() -> None:
            clear()
            indicators.report(store, public=True)

        unc, _ = median_ms(uncached, max(3, n // 4), warmup=0)
        out.append(Result("report_uncached", "report after a new data version (caches cleared)",
                          size.name, unc, "ms", max(3, n // 4), note="first view after a load/release"))
    return out
