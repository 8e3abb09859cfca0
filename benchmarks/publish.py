"""What one write costs at each size, and how much of it is the snapshot copy.

Every :meth:`Store.write` ends by copying the whole primary file to a new snapshot
(``Store._publish``), so readers never see half a load. The cost of that copy grows with
the database, so it is measured apart from the rest:

* ``write_noop``: a write that appends one audit line (the smallest write there is:
  lock, open read-write, migrate check, transaction, CHECKPOINT, close, copy, pointer swap);
* ``copy``: ``shutil.copyfile`` of the primary alone (the copy inside every write);
* ``week``: one new week for every commodity and market through
  ``writes.load_observations`` (the write half of a weekly ingest: diff against the current
  rows, insert, publish), and through the whole ``ingest.ingest_file`` on that week's xlsx
  when the ingest library is importable.

All on a scratch copy of the benchmark database.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from . import build, synth
from .harness import OUT, Result, median_ms


def measure(db: Path, size: synth.Size, n: int = 5, log=print) -> list[Result]:
    from pricewatch.store import Store, queries, writes

    scratch = build.scratch_copy(db, f"publish-{size.name}")
    store = Store(scratch)
    mb = scratch.stat().st_size / 1e6
    out: list[Result] = []

    def noop() -> None:
        with store.write() as s:
            keep = getattr(s, "keep_data_version", None)
            if keep:
                keep()
            writes.audit(s, "bench", "bench.noop")

    w_ms, _ = median_ms(noop, n)
    # a new file each time, as _publish makes (overwriting one file measures truncation too)
    copies = iter(range(10_000))

    def copy() -> None:
        tmp = OUT / "scratch" / f"copy-test-{next(copies)}.duckdb"
        shutil.copyfile(scratch, tmp)
        tmp.unlink()

    c_ms, _ = median_ms(copy, n)
    out.append(Result("publish", "smallest write incl. snapshot publish", size.name, w_ms, "ms", n,
                      ref=c_ms, ref_label="file copy alone",
                      ratio=f"copy = {100 * c_ms / w_ms:.0f}% of the write",
                      note=f"DB file {mb:,.0f} MB"))

    # one new week: the week after the history
    frame = synth.week_frame(size, size.weeks)
    with store.read() as s:
        cid = queries.catalog.commodities(s).set_index("name")["id"]
        mid = queries.catalog.markets(s).set_index("name")["id"]
    obs = frame.assign(commodity_id=frame["commodity"].map(cid).astype("int64"),
                       market_id=frame["market"].map(mid).astype("int64"))
    t = time.perf_counter()
    with store.write() as s:
        r = writes.load_observations(s, obs, file_name="week.xlsx",
                                     sha256=hashlib.sha256(b"week").hexdigest(), actor="bench")
    wk = (time.perf_counter() - t) * 1000
    out.append(Result("week_write", "one new week: load_observations + publish", size.name, wk, "ms", 1,
                      note=f"{r.rows_new:,} rows -> {r.rows_new / wk * 1000:,.0f} rows/s"))
    from pricewatch import publish as pub
    from pricewatch.accounts import User

    t = time.perf_counter()
    pub.release(store, User("bench", "admin"), upload_id=r.upload_id)
    rel = (time.perf_counter() - t) * 1000
    out.append(Result("week_release", "release of that week + publish", size.name, rel, "ms", 1))

    try:
        import ingest  # noqa: F401
    except ImportError:
        return out
    folder = OUT / "scratch" / f"week-{size.name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nxt = synth.week_frame(size, size.weeks + 1)
    import pandas as pd

    table = pd.DataFrame({"日期": pd.to_datetime(nxt["obs_date"]), "市场": nxt["market"],
                          "类别": nxt["category"], "品名": nxt["commodity"], "单位": "元/公斤",
                          "价格": nxt["price"]})
    path = folder / "week.xlsx"
    synth._write_xlsx(table, path)
    try:
        per = build.ingest_files(store, [path])
    except Exception as e:  # noqa: BLE001 - the ingest library is still changing: report, go on
        log(f"  weekly ingest failed: {e}")
        return out
    name, rows, secs = per[0]
    out.append(Result("week_ingest", "one new week's xlsx through ingest_file", size.name, secs * 1000,
                      "ms", 1, note=f"{rows:,} rows -> {rows / secs:,.0f} rows/s"))
    store.close()
    return out
