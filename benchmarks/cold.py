"""Cold paths: what a fresh process pays before and for its first answer.

    python -m benchmarks.cold [--db PATH] [-n 7]

* start-up: ``python -m pricewatch --help`` and ``python -m pricewatch report --help`` (the
  report command's own imports: duckdb, numpy, the indicators) as whole processes, beside
  ``python -c pass`` (the interpreter alone, the floor);
* with ``--db``: ``python -m pricewatch report --json --public`` as a whole process, and the
  public report in a fresh process timed inside it (from the first read to the JSON, imports
  excluded), beside a hand-written DuckDB query for the same period's core figures in the same
  fresh process (the floor); the staff report (with ALPS, fitted from per-season sums) the same way;
  the first report after a new data version in a warm process (its caches keyed by the old
  version); medians of ``n`` runs each, taken in turn so that the machine's load falls on
  both sides alike.

The checkout's bytecode is written first (:func:`~benchmarks.harness.compile_bytecode`), as an
installation has it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .harness import ROOT, Result, compile_bytecode


def _wall_ms(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def _medians(cmds: dict[str, list[str]], n: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall time of each command, run in turn n times (after one untimed round)."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for c in cmds.values():
        _wall_ms(c, env)
    for _ in range(n):
        for k, c in cmds.items():
            times[k].append(_wall_ms(c, env))
    return {k: statistics.median(v) for k, v in times.items()}


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def startup(n: int = 7) -> list[Result]:
    compile_bytecode()
    py = sys.executable
    m = _medians({"floor": [py, "-c", "pass"],
                  "help": [py, "-m", "pricewatch", "--help"],
                  "report": [py, "-m", "pricewatch", "report", "--help"]}, n)
    note = f"whole process; load average {load_average()}"
    return [
        Result("cold", "python -m pricewatch --help (whole process)", "-", m["help"], "ms", n,
               target=("<", 500.0), check=True, ref=m["floor"], ref_label="python -c pass",
               ratio=f"{m['help'] - m['floor']:,.0f} ms beyond the interpreter", note=note),
        Result("cold", "report start-up imports (python -m pricewatch report --help)", "-", m["report"],
               "ms", n, target=("<", 500.0), check=True, ref=m["floor"], ref_label="python -c pass",
               ratio=f"{m['report'] - m['floor']:,.0f} ms beyond the interpreter", note=note),
    ]


CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
c0 = time.process_time()
mode, db = sys.argv[1], sys.argv[2]
if mode == "floor":
    import duckdb
    from benchmarks.queries import REPORT_FLOOR_SQL
    from pathlib import Path
    t1, c1 = time.perf_counter(), time.process_time()
    snap = Path(db + ".snapshots")
    con = duckdb.connect(str(snap / (snap / "CURRENT").read_text().split()[0]), read_only=True)
    d0, d1, dp = (__import__("datetime").date.fromisoformat(x) for x in sys.argv[3:6])
    con.execute(REPORT_FLOOR_SQL, {"c0": d0, "c1": d1, "p0": dp}).fetchall()
else:
    from pricewatch import indicators
    from pricewatch.config import load_settings
    from pricewatch.store import open_store
    t1, c1 = time.perf_counter(), time.process_time()
    store = open_store(db)
    rep = indicators.report(store, public=mode != "staff", settings=load_settings(db))
    json.dumps(rep.to_json(), ensure_ascii=False, default=str)
    if mode == "new_version":
        # a warm process (imports done, one view served), then a new data version: a correction
        # of one price in the latest week, released; the first page view after it is timed
        indicators.board(store, public=True)
        from pricewatch.store import writes
        with store.read() as s:
            cid, mid, d, price = s.one("SELECT commodity_id, market_id, obs_date, price FROM obs_public"
                                       " ORDER BY obs_date DESC, commodity_id LIMIT 1")
        import pandas as pd
        frame = pd.DataFrame([{"commodity_id": cid, "market_id": mid, "obs_date": d,
                               "price": round(price * (1.01 + 0.01 * (time.time_ns() % 7)), 2)}])
        with store.write() as s:
            r = writes.load_observations(s, frame, file_name="fix.xlsx", sha256=str(time.time_ns()),
                                         actor="bench")
            writes.release_uploads(s, [r.upload_id], actor="bench")
        t1, c1 = time.perf_counter(), time.process_time()
        rep = indicators.report(store, public=True, settings=load_settings(db))
        indicators.board(store, public=True)
t2, c2 = time.perf_counter(), time.process_time()
print("TIMES", (t1 - t0) * 1000, (t2 - t1) * 1000, (c2 - c1) * 1000)
"""


def _child(mode: str, db: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(imports ms, work ms, work CPU ms of all its threads) of one fresh process."""
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(db), *extra], cwd=ROOT, check=True,
                         capture_output=True, text=True, env=env).stdout
    line = next(x for x in out.splitlines() if x.startswith("TIMES"))
    a, b, c = line.split()[1:]
    return float(a), float(b), float(c)


def measure(db: Path, size: str, n: int = 7) -> list[Result]:
    """The report from cold at ``db`` (see the module docstring)."""
    from datetime import timedelta

    compile_bytecode()

    from . import build
    from .synth import LAST_MONDAY

    py = sys.executable
    c0, c1, p0 = LAST_MONDAY, LAST_MONDAY + timedelta(days=6), LAST_MONDAY - timedelta(days=7)
    dates = [c0.isoformat(), c1.isoformat(), p0.isoformat()]
    whole = {"report": [py, "-m", "pricewatch", "report", "--json", "--public", "--db", str(db)],
             "floor": [py, "-c", "pass"]}
    _wall_ms(whole["report"])  # the snapshot and the page cache warm, as on a serving machine
    rep_w, rep_i, rep_c, fl_w, fl_c, wh, st_w, st_c = [], [], [], [], [], [], [], []
    for _ in range(n):
        i, w, c = _child("report", db)
        rep_i.append(i)
        rep_w.append(w)
        rep_c.append(c)
        _i, w, c = _child("staff", db)
        st_w.append(w)
        st_c.append(c)
        _i, w, c = _child("floor", db, *dates)
        fl_w.append(w)
        fl_c.append(c)
        wh.append(_wall_ms(whole["report"]))
    la = load_average()
    med = statistics.median
    out = [
        Result("cold", "report in a fresh process, beyond imports (open + report + JSON)", size,
               med(rep_w), "ms", n, target=("<", 100.0), ref=med(fl_w),
               ref_label="hand-written SQL in a fresh process", ratio=f"{med(rep_w) / med(fl_w):.1f}x floor",
               note=f"imports {med(rep_i):,.0f} ms; CPU time {med(rep_c):,.0f} ms against the floor's"
                    f" {med(fl_c):,.0f} ms; load average {la}"),
        Result("cold", "staff report in a fresh process, beyond imports (with ALPS)",
               size, med(st_w), "ms", n, target=("<", 100.0), ref=med(fl_w),
               ref_label="hand-written SQL in a fresh process", ratio=f"{med(st_w) / med(fl_w):.1f}x floor",
               note=f"CPU time {med(st_c):,.0f} ms; load average {la}"),
        # the issue sets this bound at 1 million observations (the "million" size)
        Result("cold", "python -m pricewatch report --json --public (whole process)", size, med(wh), "ms",
               n, target=("<", 800.0) if size == "million" else None, check=size == "million",
               note=f"load average {la}"),
    ]
    scratch = build.scratch_copy(db, f"cold-{size}")
    try:
        runs = [_child("new_version", scratch) for _ in range(max(3, n // 2))]
        nv, nv_c = [r[1] for r in runs], [r[2] for r in runs]
    finally:
        build.remove_db(scratch)
    out.append(Result("cold", "first page view after a new data version (report + board, warm process)",
                      size, med(nv), "ms", len(nv), target=("<", 100.0), ref=med(fl_w),
                      ref_label="hand-written SQL in a fresh process",
                      ratio=f"{med(nv) / med(fl_w):.1f}x floor",
                      note=f"after a one-price correction loaded and released; CPU time {med(nv_c):,.0f} ms;"
                           f" load average {load_average()}"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cold", description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a database to time the report on (else start-up only)")
    ap.add_argument("--size", default="-", help="the size name to print beside the figures")
    ap.add_argument("-n", type=int, default=7)
    a = ap.parse_args(argv)
    from .harness import table

    results = startup(a.n)
    if a.db is not None:
        results += measure(a.db, a.size, n=a.n)
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
