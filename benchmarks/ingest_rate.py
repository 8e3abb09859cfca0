"""Ingest rows per second from xlsx and csv, against the naive baseline and the parse floor.

The input: the county history as 10 yearly long tables (日期 市场 类别 品名 单位 价格, about
38,600 rows each), written once as xlsx (openpyxl, real date cells) and csv (UTF-8 with BOM).

* ingest xlsx / csv: ``ingest.ingest_file`` (the path of ``python -m ingest`` and of the
  upload page: guard, parse in the isolated child, validate every row, one transaction,
  snapshot publish) on each file in turn into a fresh database; rows loaded / wall seconds
  per file, the median over the files. The whole run's rate is in the note.
* naive baseline: ``pandas.read_excel(engine="openpyxl")`` and one ``INSERT`` per row (ids
  looked up in dicts, a missing commodity or market inserted when first met), all in one
  transaction: what a first script would do. It manages ~350 rows/s (DuckDB's cost per
  statement), so it runs on three 4-week files of the same table (~3,000 rows each), each
  into a fresh database; both halves of its time grow linearly with the rows.
* parse floor: python-calamine reading the xlsx to Python rows and nothing else: the ceiling
  of any xlsx ingest built on calamine.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from . import build, synth
from .harness import Result


def baseline(path: Path, db: Path) -> tuple[int, float]:
    """(rows, seconds) for the naive load of one xlsx file into a fresh database."""
    import pandas as pd

    from pricewatch.store import Store

    build.remove_db(db)
    store = Store(db)
    store.migrate()
    t = time.perf_counter()
    df = pd.read_excel(path, engine="openpyxl")
    with store.write() as s:
        com = dict(s.all("SELECT name, id FROM commodities"))
        mkt = dict(s.all("SELECT name, id FROM markets"))
        upload = s.scalar("INSERT INTO uploads (file_name, sha256, uploaded_by) VALUES (?, ?, ?)"
                          " RETURNING id", [path.name, "-", "bench"])
        for r in df.itertuples(index=False):
            day, market, category, name, _unit, price = r
            if name not in com:
                com[name] = s.scalar("INSERT INTO commodities (name, category) VALUES (?, ?) RETURNING id",
                                     [name, category])
            if market not in mkt:
                mkt[market] = s.scalar("INSERT INTO markets (name) VALUES (?) RETURNING id", [market])
            s.execute("INSERT INTO observations (commodity_id, market_id, obs_date, price, upload_id)"
                      " VALUES (?, ?, ?, ?, ?)", [com[name], mkt[market], day.date(), float(price), upload])
    secs = time.perf_counter() - t
    store.close()
    return len(df), secs


def calamine_floor(path: Path, n: int = 3) -> tuple[int, float]:
    from python_calamine import CalamineWorkbook

    times, rows = [], 0
    for _ in range(n):
        t = time.perf_counter()
        wb = CalamineWorkbook.from_path(str(path))
        rows = len(wb.get_sheet_by_index(0).to_python()) - 1
        wb.close()
        times.append(time.perf_counter() - t)
    return rows, statistics.median(times)


def _rate(per_file: list[tuple[str, int, float]]) -> tuple[float, float, int]:
    rates = [n / s for _, n, s in per_file]
    rows = sum(n for _, n, _ in per_file)
    return statistics.median(rates), rows / sum(s for _, _, s in per_file), rows


def measure(size: synth.Size | None = None, baseline_files: int = 3, log=print) -> list[Result]:
    size = synth.SIZES["county"]
    out: list[Result] = []
    xlsx = synth.write_spreadsheets(size, build.data_dir(size) / "xlsx", "xlsx")
    csv = synth.write_spreadsheets(size, build.data_dir(size) / "csv", "csv")

    rows1, floor_s = calamine_floor(xlsx[0])
    floor_rate = rows1 / floor_s

    # the baseline inserts ~350 rows/s: it runs on 4-week files (~3,000 rows) to keep the run short
    small = synth.write_spreadsheets(size, build.data_dir(size) / "xlsx4", "xlsx", weeks_per_file=4,
                                     first_files=baseline_files)
    base = [baseline(f, build.OUT / "scratch" / "baseline.duckdb") for f in small]
    base_rate = statistics.median(n / s for n, s in base)
    log(f"  naive baseline: {base_rate:,.0f} rows/s")

    try:
        import ingest  # noqa: F401
    except ImportError:
        out.append(Result("ingest_xlsx", "ingest from xlsx", "county", None, "rows/s",
                          note="ingest library not importable"))
        return out
    from pricewatch.store import Store

    for kind, files in (("xlsx", xlsx), ("csv", csv)):
        db = build.OUT / "scratch" / f"ingest-{kind}.duckdb"
        build.remove_db(db)
        store = Store(db)
        store.migrate()
        try:
            per = build.ingest_files(store, files)
        except Exception as e:  # noqa: BLE001 - report the failure in the table, go on
            log(f"  ingest {kind} failed: {e}")
            out.append(Result(f"ingest_{kind}", f"ingest from {kind}", "county", None, "rows/s",
                              note=f"failed: {str(e)[:100]}"))
            continue
        finally:
            store.close()
        if kind == "xlsx":
            build.adopt_county(db, per, log=log)
        med, overall, rows = _rate(per)
        target = ("≥", 100_000.0) if kind == "xlsx" else None
        out.append(Result(
            f"ingest_{kind}", f"ingest from {kind} (ingest_file, ~38.6k-row files)", "county", med,
            "rows/s", len(per), target=target, check=True, ref=base_rate, ref_label="naive baseline",
            ratio=f"{med / base_rate:.1f}x baseline (target ≥ 10x)",
            note=f"{rows:,} rows, {overall:,.0f} rows/s overall; calamine parse alone {floor_rate:,.0f} rows/s"))
    out.append(Result("ingest_baseline", "naive baseline: read_excel(openpyxl) + row-by-row INSERT",
                      "county", base_rate, "rows/s", len(base), ref=floor_rate,
                      ref_label="calamine parse alone", note=f"{base[0][0]:,}-row 4-week files"))
    return out

