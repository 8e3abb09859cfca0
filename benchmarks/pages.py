"""Server-side render time of the home and trend pages under streamlit.testing.v1.AppTest.

Each measurement runs in a fresh Python process (``python -m benchmarks.pages --db ...``),
so "cold" really is cold: nothing imported, no connection open, every cache empty. In
that process:

* cold: the first ``at.run()`` of the page (the app's imports, the store's first
  snapshot connection, every query, the page script);
* cold cache: ``st.cache_data.clear()`` and ``indicators.clear_cache()``, then a run: what
  the first visitor after a new data version waits for, in a server that is already up;
* warm: the median of ``n`` further runs (every cache filled: a later visitor).

AppTest runs the script in-process without a browser, so this is the server's share of a
page view; the browser's own drawing is not in it. The page is reached through the app's
navigation (``at.switch_page``), as a visitor's URL would, with the commodity in the query
string for the trend page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import synth
from .harness import ROOT, Result

APP = ROOT / "dashboard" / "app.py"
PAGES = {"home": "app_pages/home.py", "trend": "app_pages/trend.py"}


def _run_once(db: str, page: str, commodity: str, n: int) -> dict:
    os.environ["PRICEWATCH_DB"] = db
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    if page == "trend":
        at.query_params["commodity"] = commodity
        at.query_params["range"] = "all"
    at.switch_page(PAGES[page])
    t = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - t) * 1000
    errors = [str(e.value)[:300] for e in at.exception]
    titles = [str(e.value) for e in at.title]
    import streamlit as st

    from pricewatch import indicators

    st.cache_data.clear()
    clear = getattr(indicators, "clear_cache", None)
    if clear:
        clear()
    t = time.perf_counter()
    at.run()
    cold_cache = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(n):
        t = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - t) * 1000)
    errors += [str(e.value)[:300] for e in at.exception]
    return {"cold": cold, "cold_cache": cold_cache, "warm": warm, "errors": errors, "titles": titles}


def measure(db: Path, size: synth.Size, processes: int = 3, n: int = 10, log=print) -> list[Result]:
    from .queries import pick_commodity

    out: list[Result] = []
    for page in ("home", "trend"):
        runs = []
        for _ in range(processes):
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.pages", "--db", str(db), "--page", page,
                 "--commodity", pick_commodity(size), "-n", str(n)],
                cwd=ROOT, capture_output=True, text=True, timeout=900,
                env={**os.environ, "PYTHONPATH": str(ROOT)})
            if proc.returncode != 0:
                log(f"  {page} page run failed: {proc.stderr[-800:]}")
                break
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if not runs:
            out.append(Result(f"page_{page}", f"{page} page", size.name, None, "ms",
                              note="failed to run"))
            continue
        errs = sorted({e for r in runs for e in r["errors"]})
        note = ("EXCEPTION: " + errs[0][:120]) if errs else ""
        cold = statistics.median(r["cold"] for r in runs)
        cold_cache = statistics.median(r["cold_cache"] for r in runs)
        warm = statistics.median(w for r in runs for w in r["warm"])
        out.append(Result(f"page_{page}_warm", f"{page} page render, warm (AppTest)", size.name, warm,
                          "ms", len(runs) * n, target=("<", 100.0), note=note))
        out.append(Result(f"page_{page}_cold", f"{page} page render, cold process (AppTest)", size.name,
                          cold, "ms", len(runs), target=("<", 1500.0),
                          ref=cold_cache, ref_label="cold cache, warm process",
                          note="first run in a fresh process: imports + queries"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--page", choices=list(PAGES), required=True)
    ap.add_argument("--commodity", required=True)
    ap.add_argument("-n", type=int, default=10)
    a = ap.parse_args()
    import logging

    logging.disable(logging.WARNING)  # AppTest's "missing ScriptRunContext" chatter
    print(json.dumps(_run_once(a.db, a.page, a.commodity, a.n), ensure_ascii=False))


if __name__ == "__main__":
    main()
