"""Concurrent readers while an ingest runs in another process (invariant 6).

``sessions`` threads stand for public visitors: each loops doing what the public pages do
(``indicators.report`` for the latest week, the trend of a commodity) through one shared
:class:`Store` - as the Streamlit server does, one cursor per call - and, in the same read
session, checks that it sees no half-loaded state. Meanwhile a separate process loads
``loads`` new weeks one after another (through ``ingest.ingest_file`` on an xlsx, or the
store's ``writes.load_observations`` with ``--frames``), releasing each.

Counted:

* errors: any exception in a reader (must be 0);
* half loads: a read session in which the observations table does not hold exactly the
  rows of the uploads it lists (``count(observations) = sum(uploads.rows_loaded)``: every
  loaded row - new or a revision - is one observation row, so a reader that saw part of a
  load, or an upload row without its observations, breaks the equation) (must be 0);
* version regressions: a reader that saw data version v and later a lower one (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import synth
from .harness import ROOT, Result

CHECK_SQL = ("SELECT (SELECT count(*) FROM observations),"
             " (SELECT coalesce(sum(rows_loaded), 0) FROM uploads),"
             " (SELECT count(*) FROM uploads)")


def _writer(db: str, size: synth.Size, loads: int, frames: bool, first_week: int) -> dict:
    """Runs in the writer process: ``loads`` new weeks, each loaded and released."""
    import hashlib

    import pandas as pd

    from pricewatch import publish
    from pricewatch.accounts import User
    from pricewatch.store import Store, queries, writes

    store = Store(db)
    folder = Path(db).with_name(Path(db).name + ".weeks")
    folder.mkdir(exist_ok=True)
    times = []
    for k in range(loads):
        w = first_week + k
        frame = synth.week_frame(size, w)
        t = time.perf_counter()
        if frames:
            with store.write() as s:
                cid = queries.catalog.commodities(s).set_index("name")["id"]
                mid = queries.catalog.markets(s).set_index("name")["id"]
                obs = frame.assign(commodity_id=frame["commodity"].map(cid).astype("int64"),
                                   market_id=frame["market"].map(mid).astype("int64"))
                writes.load_observations(s, obs, file_name=f"week{w}.csv",
                                         sha256=hashlib.sha256(str(w).encode()).hexdigest(), actor="bench")
        else:
            from ingest import IngestOptions, ingest_file

            path = folder / f"week{w}.xlsx"
            synth._write_xlsx(pd.DataFrame({
                "日期": pd.to_datetime(frame["obs_date"]), "市场": frame["market"],
                "类别": frame["category"], "品名": frame["commodity"], "单位": "元/公斤",
                "价格": frame["price"]}), path)
            t = time.perf_counter()
            r = ingest_file(store, path, IngestOptions(actor="bench", accept_new_names=True))
            if r.status != "loaded":
                raise SystemExit(f"week {w}: {r.status} {[i.code for i in r.errors]}")
        publish.release(store, User("bench", "admin"), through=frame["obs_date"].max())
        times.append(time.perf_counter() - t)
    return {"loads": loads, "seconds": times}


def run(db: Path, size: synth.Size, *, sessions: int = 20, loads: int = 4, frames: bool = False,
        first_week: int | None = None, timeout: float = 600.0) -> dict:
    """Readers in threads here, the writer in a child process; returns the counts."""
    from pricewatch import indicators
    from pricewatch.store import Store

    store = Store(db)
    names = synth.commodity_names(size)
    trend = getattr(indicators, "trend", None) or indicators.series
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"reads": 0, "errors": [], "half_loaded": [], "regressions": 0, "versions": set(),
             "uploads_seen": set()}

    def reader(seed: int) -> None:
        rnd = random.Random(seed)
        last_version = -1
        while not stop.is_set():
            try:
                with store.read() as s:
                    obs, loaded, uploads = s.one(CHECK_SQL)
                    version = s.version
                if obs != loaded:
                    with lock:
                        stats["half_loaded"].append((version, obs, loaded))
                if version < last_version:
                    with lock:
                        stats["regressions"] += 1
                last_version = version
                indicators.report(store, public=True)
                trend(store, rnd.choice(names), public=True)
                with lock:
                    stats["reads"] += 1
                    stats["versions"].add(version)
                    stats["uploads_seen"].add(uploads)
            except Exception as e:  # noqa: BLE001 - every failure is what we count
                with lock:
                    stats["errors"].append(f"{type(e).__name__}: {e}"[:300])
                time.sleep(0.01)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(sessions)]
    for t in threads:
        t.start()
    cmd = [sys.executable, "-m", "benchmarks.concurrency", "--writer", "--db", str(db),
           "--size", size.name, "--loads", str(loads),
           "--first-week", str(size.weeks if first_week is None else first_week)]
    if frames:
        cmd.append("--frames")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - t0
    # keep reading a moment after the last load, so the final version is seen too
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    writer = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else None
    return {"reads": stats["reads"], "errors": stats["errors"], "half_loaded": stats["half_loaded"],
            "regressions": stats["regressions"], "versions": sorted(stats["versions"]),
            "uploads_seen": sorted(stats["uploads_seen"]), "writer": writer,
            "writer_error": None if proc.returncode == 0 else proc.stderr[-2000:],
            "seconds": elapsed}


def measure(db: Path, size: synth.Size, sessions: int = 20, loads: int = 3, log=print) -> list[Result]:
    from . import build

    scratch = build.scratch_copy(db, f"concurrency-{size.name}")
    try:
        import ingest  # noqa: F401
        frames = False
    except ImportError:
        frames = True
    r = run(scratch, size, sessions=sessions, loads=loads, frames=frames)
    if r["writer_error"] and not frames:
        log(f"  writer through ingest failed, retrying with load_observations: {r['writer_error'][-300:]}")
        scratch = build.scratch_copy(db, f"concurrency-{size.name}")
        frames = True
        r = run(scratch, size, sessions=sessions, loads=loads, frames=True)
    errs = len(r["errors"]) + len(r["half_loaded"]) + r["regressions"]
    how = "load_observations" if frames else "ingest_file (xlsx)"
    note = (f"{r['reads']:,} page reads by {sessions} sessions during {loads} loads+releases via {how} "
            f"({r['seconds']:.0f} s); versions seen {r['versions'][:1]}..{r['versions'][-1:]}; "
            f"half-loaded reads {len(r['half_loaded'])}, version regressions {r['regressions']}")
    if r["writer_error"]:
        note += f"; WRITER FAILED: {r['writer_error'][-150:]}"
    if r["errors"]:
        note += f"; first error: {r['errors'][0][:150]}"
    return [Result("concurrency", "concurrent readers: errors + half-loaded reads", size.name, errs,
                   "errors", r["reads"], target=("<", 1.0), check=True, note=note)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writer", action="store_true")
    ap.add_argument("--db", required=True)
    ap.add_argument("--size", default="tiny")
    ap.add_argument("--loads", type=int, default=4)
    ap.add_argument("--first-week", type=int, required=True)
    ap.add_argument("--frames", action="store_true")
    a = ap.parse_args()
    print(json.dumps(_writer(a.db, synth.SIZES[a.size], a.loads, a.frames, a.first_week)))


if __name__ == "__main__":
    main()
