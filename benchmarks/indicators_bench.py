"""Benchmark: the weekly report and one commodity's trend over ~10 million observations.

    python benchmarks/indicators_bench.py --build /tmp/pw_bench.duckdb   # once (a few minutes)
    python benchmarks/indicators_bench.py --db /tmp/pw_bench.duckdb      # measure

The synthetic store: 500 commodities x 50 retail markets x 400 ISO weeks, one price per
market and week (dated the Monday), loaded through the store's own bulk path
(``writes.load_observations``) in chunks of 50 weeks and then released, so both the staff
and the public views hold the data. Prices follow a per-commodity level, a seasonal wave, a
slow trend and noise; about 1 % of (market, week) reports are missing so that matched-market
logic has work to do.

Measured (wall time; CPU time too for the report and the trend, since this 2-core machine is
often shared): the median of repeated in-process calls of ``indicators.report`` (cold: the first
call after the store is opened; warm: later calls, which reuse the in-process series cache
keyed by the data version), ``indicators.trend`` for one commodity, and the whole command
``python -m pricewatch report --json`` through a fresh interpreter.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

N_COMMODITIES = 500
N_MARKETS = 50
N_WEEKS = 400
CHUNK_WEEKS = 50
FIRST_MONDAY = date(2019, 1, 7)  # 2019-W02


def build(path: Path) -> None:
    from pricewatch.store import open_store, writes

    if path.exists():
        raise SystemExit(f"{path} exists; remove it (and its .snapshots) first")
    store = open_store(path)
    store.migrate()
    cats = ["粮油", "肉禽蛋", "蔬菜", "水果", "水产品"]
    with store.write() as s:
        cids = [writes.add_commodity(s, f"商品{i:03d}", cats[i % 5], actor="bench")
                for i in range(N_COMMODITIES)]
        mids = [writes.add_market(s, f"市场{j:02d}", actor="bench") for j in range(N_MARKETS)]
    rng = np.random.default_rng(20261125)
    level = rng.uniform(2, 80, N_COMMODITIES)
    amp = rng.uniform(0, 0.2, N_COMMODITIES)
    mfac = rng.uniform(0.9, 1.1, N_MARKETS)
    c_idx, m_idx = np.meshgrid(np.arange(N_COMMODITIES), np.arange(N_MARKETS), indexing="ij")
    c_idx, m_idx = c_idx.ravel(), m_idx.ravel()
    ids = []
    for w0 in range(0, N_WEEKS, CHUNK_WEEKS):
        frames = []
        for w in range(w0, min(w0 + CHUNK_WEEKS, N_WEEKS)):
            day = FIRST_MONDAY + timedelta(weeks=w)
            season = 1 + amp[c_idx] * np.sin(2 * np.pi * w / 52.18)
            price = level[c_idx] * mfac[m_idx] * season * (1 + 0.0005 * w) \
                * (1 + rng.normal(0, 0.02, c_idx.size))
            keep = rng.random(c_idx.size) > 0.01
            frames.append(pd.DataFrame({
                "commodity_id": np.asarray(cids)[c_idx[keep]],
                "market_id": np.asarray(mids)[m_idx[keep]],
                "obs_date": day, "price": np.round(price[keep], 2), "price_type": "retail",
            }))
        frame = pd.concat(frames, ignore_index=True)
        t = time.perf_counter()
        with store.write() as s:
            r = writes.load_observations(
                s, frame, file_name=f"bench-{w0}.xlsx",
                sha256=hashlib.sha256(str(w0).encode()).hexdigest(), actor="bench")
        ids.append(r.upload_id)
        print(f"weeks {w0}..{w0 + CHUNK_WEEKS - 1}: {len(frame):,} rows in {time.perf_counter() - t:.1f} s",
              flush=True)
    with store.write() as s:
        writes.release_uploads(s, ids, actor="bench", comment="benchmark")
    print("built", path)


def _median_ms(fn, n: int) -> tuple[float, float]:
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), min(ts)


def _median_cpu_ms(fn, n: int) -> float:
    """Median process CPU time (all threads): less sensitive than wall time to other load on
    the machine; with DuckDB's 2 threads it can exceed the wall time of a quiet machine."""
    ts = []
    for _ in range(n):
        t = time.process_time()
        fn()
        ts.append((time.process_time() - t) * 1000)
    return statistics.median(ts)


def measure(path: Path, n: int) -> None:
    from pricewatch import indicators
    from pricewatch.store import open_store

    store = open_store(path)
    with store.read() as s:
        rows = s.scalar("SELECT count(*) FROM observations")
    print(f"{rows:,} observations in {path}")
    t = time.perf_counter()
    rep = indicators.report(store, public=True)
    print(f"report cold (first call in this process): {(time.perf_counter() - t) * 1000:.1f} ms"
          f"  -> {rep.period.label}, {len(rep.items)} items, {len(rep.alerts)} alerts")
    med, best = _median_ms(lambda: indicators.report(store, public=True), n)
    cpu = _median_cpu_ms(lambda: indicators.report(store, public=True), n)
    print(f"report warm, median of {n}: {med:.1f} ms (best {best:.1f}; CPU time {cpu:.1f} ms)")

    def uncached() -> None:
        indicators.clear_cache()
        indicators.report(store, public=True)

    med, best = _median_ms(uncached, n)
    print(f"report with the series cache cleared each time, median of {n}: {med:.1f} ms (best {best:.1f})")
    med, best = _median_ms(lambda: indicators.report(store, public=True, period="2025-W10"), n)
    print(f"report for an older week (2025-W10), median of {n}: {med:.1f} ms (best {best:.1f})")
    med, best = _median_ms(lambda: indicators.trend(store, "商品123", public=True), n)
    cpu = _median_cpu_ms(lambda: indicators.trend(store, "商品123", public=True), n)
    print(f"trend for one commodity, median of {n}: {med:.1f} ms (best {best:.1f}; CPU time {cpu:.1f} ms)")
    med, best = _median_ms(lambda: indicators.series(store, "商品123", public=True), n)
    print(f"series for one commodity, median of {n}: {med:.1f} ms (best {best:.1f})")
    for name, fn in (
        ("market_trend (one commodity, all periods)",
         lambda: indicators.market_trend(store, "商品123", public=True)),
        ("market_comparison (latest week, all commodities)",
         lambda: indicators.market_comparison(store, public=True)),
        ("category_index_series", lambda: indicators.category_index_series(store, public=True)),
        ("board (500 commodities with sparklines)", lambda: indicators.board(store, public=True)),
    ):
        med, best = _median_ms(fn, max(5, n // 3))
        print(f"{name}: median {med:.1f} ms (best {best:.1f})")
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pricewatch", "report", "--db", str(path), "--public",
                        "--json"], check=True, capture_output=True)
        ts.append(time.perf_counter() - t)
    print(f"command line `python -m pricewatch report --public --json`, median of 5: "
          f"{statistics.median(ts):.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, metavar="PATH", help="build the synthetic store here")
    ap.add_argument("--db", type=Path, default=Path("/tmp/pw_bench.duckdb"))
    ap.add_argument("-n", type=int, default=20, help="repetitions")
    a = ap.parse_args()
    if a.build:
        build(a.build)
    else:
        measure(a.db, a.n)


if __name__ == "__main__":
    main()
