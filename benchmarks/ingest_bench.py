"""Ingest rows per second for a 50,000-row xlsx and csv, against the naive baseline.

    .venv/bin/python benchmarks/ingest_bench.py [--rows 50000] [--baseline-rows 10000]

Measured Nov 2026 on the shared 2-core machine under load (load average ~9):
xlsx 13,543 rows/s vs baseline 382 rows/s (35x); csv 16,372 vs 440 (37x).

The file: a long table (日期 市场 品名 单位 价格), 47 catalog commodities x 4 markets x as
many days as needed, written once as xlsx (openpyxl, real date cells) and csv (UTF-8).

* ingest: ``ingest.ingest_file`` exactly as ``python -m ingest`` runs it (guard, parse in the
  isolated child process, every check, one transaction, snapshot publish) into a fresh
  database; the child process is started before the clock (it lives for the whole session
  of a CLI run or a dashboard process).
* baseline: ``pandas.read_excel(engine="openpyxl")`` (``pandas.read_csv`` for the csv) and
  one ``INSERT`` per row inside one transaction (ids looked up in dicts), into a fresh
  database: what a first script would do. ``--baseline-rows`` (default 10,000) limits the rows it inserts
  (the read is always the whole file) and its rate is computed on what it did.

Prints both rates side by side with the ratio. Not a test: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import IngestOptions, ingest_file, worker  # noqa: E402
from ingest.layouts import Context  # noqa: E402
from pricewatch.store import Store  # noqa: E402

MARKETS = ("城关农贸市场", "城南农贸市场", "惠民超市", "县农产品批发市场")
HEADER = ["日期", "市场", "品名", "单位", "价格"]


def rows(n: int) -> list[list]:
    with (ROOT / "data" / "catalog" / "commodities.csv").open(encoding="utf-8-sig") as fh:
        items = [(r["name"], r["unit"]) for r in csv.DictReader(fh)]
    out, day = [], date(2024, 1, 1)
    i = 0
    while len(out) < n:
        for name, unit in items:
            for m in MARKETS:
                if len(out) == n:
                    break
                out.append([day, m, name, unit, round(5 + (i % 97) * 0.37, 2)])
                i += 1
        day += timedelta(days=1)
    return out


def write_files(data: list[list], d: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("价格")
    ws.append(HEADER)
    for r in data:
        ws.append(r)
    x = d / "bench.xlsx"
    wb.save(x)
    c = d / "bench.csv"
    with c.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in data:
            w.writerow([r[0].isoformat(), *r[1:]])
    return x, c


def fresh(db: Path) -> Store:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".snapshots"), ignore_errors=True)
    s = Store(db)
    s.migrate()
    return s


def ingest_rate(path: Path, db: Path) -> tuple[int, float]:
    store = fresh(db)
    t = time.perf_counter()
    res = ingest_file(store, path, IngestOptions(actor="bench"))
    dt = time.perf_counter() - t
    assert res.status == "loaded", [i.message() for i in res.errors[:3]]
    return res.rows_loaded, dt


def baseline_rate(path: Path, db: Path, limit: int | None) -> tuple[int, float]:
    import pandas as pd

    store = fresh(db)
    t = time.perf_counter()
    df = pd.read_excel(path, engine="openpyxl") if path.suffix == ".xlsx" else pd.read_csv(path)
    if limit:
        df = df.head(limit)
    with store.write() as s:
        com = dict(s.all("SELECT name, id FROM commodities"))
        mkt = dict(s.all("SELECT name, id FROM markets"))
        s.execute("INSERT INTO uploads (file_name, sha256, uploaded_by) VALUES ('b', 'x', 'bench')")
        uid = s.scalar("SELECT max(id) FROM uploads")
        for r in df.itertuples(index=False):
            price = float(r.价格) * (2 if r.单位 == "元/斤" else 1)
            s.execute(
                "INSERT INTO observations (commodity_id, market_id, obs_date, price, upload_id)"
                " VALUES (?, ?, ?, ?, ?)", [com[r.品名], mkt[r.市场], pd.Timestamp(r.日期).date(), price, uid])
    return len(df), time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--baseline-rows", type=int, default=10_000,
                    help="rows the baseline inserts one by one (0: all); its rate is on those rows")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as d:
        d = Path(d)
        x, c = write_files(rows(args.rows), d)
        worker.parse_isolated(str(c), "csv", Context(), 2048)  # start the child before the clock
        print(f"{'file':<6} {'rows':>7} {'ingest rows/s':>14} {'baseline rows/s':>16} {'ratio':>7}"
              f"   (ingest s / baseline s)")
        for path in (x, c):
            n, t = ingest_rate(path, d / "i.duckdb")
            bn, bt = baseline_rate(path, d / "b.duckdb", args.baseline_rows)
            ir, br = n / t, bn / bt
            print(f"{path.suffix[1:]:<6} {n:>7} {ir:>14,.0f} {br:>16,.0f} {ir / br:>6.1f}x"
                  f"   ({t:.2f} s / {bt:.2f} s for {bn} rows)")
    worker.shutdown()


if __name__ == "__main__":
    main()
