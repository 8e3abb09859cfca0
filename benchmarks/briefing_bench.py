"""Benchmark: generating the leadership briefing for a normal week (target: under 5 s).

    python benchmarks/briefing_bench.py                       # builds a demo DB in a temp dir
    python benchmarks/briefing_bench.py --db data/pricewatch.duckdb --period 2026-W48

A normal week is the demo's: 47 commodities, 4 markets, three years of history, the newest
week pending (so the staff briefing carries its 未公开 marks). Measured, each as the median
of 5 runs in one process after one warm-up run: building the model (the report, the
sparklines, the notes), rendering the PDF, rendering the DOCX, and ``generate`` (build +
render + archive) for both formats. The benchmark works on a copy of the database in a
temporary folder (``generate`` archives each file, which adds a row), archived files go there
too.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pricewatch import briefing, demo_build  # noqa: E402
from pricewatch.config import load_settings  # noqa: E402
from pricewatch.store import open_store  # noqa: E402

RUNS = 5


def timed(fn, runs: int = RUNS) -> tuple[float, object]:
    fn()  # warm-up: imports, fonts, the indicators' history cache
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an existing database (default: build the demo in a temp dir)")
    ap.add_argument("--period", default="2026-W48")
    ap.add_argument("--public", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="briefing_bench_"))
    if a.db:
        db = tmp / "copy.duckdb"
        shutil.copyfile(a.db, db)  # archiving writes to the store: never to the original
    else:
        db = tmp / "demo.duckdb"
        t = time.perf_counter()
        demo_build.build(db)
        print(f"demo database built in {time.perf_counter() - t:.1f} s")
    settings = replace(load_settings(db), archive_dir=tmp / "archive")
    store = open_store(db)

    t_build, b = timed(lambda: briefing.build(store, settings, a.period, public=a.public))
    t_pdf, pdf = timed(lambda: briefing.render(b, "pdf"))
    t_docx, docx = timed(lambda: briefing.render(b, "docx"))
    t_gen_pdf, _ = timed(lambda: briefing.generate(store, settings, a.period, public=a.public,
                                                   fmt="pdf", actor="bench"))
    t_gen_docx, _ = timed(lambda: briefing.generate(store, settings, a.period, public=a.public,
                                                    fmt="docx", actor="bench"))
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(f"period {a.period} ({'public' if a.public else 'staff'}), {len(b.items)} commodities, "
          f"PDF {len(pdf) / 1024:.0f} KiB / {pages} pages, DOCX {len(docx) / 1024:.0f} KiB")
    print(f"median of {RUNS}: build {t_build * 1000:.0f} ms, render PDF {t_pdf * 1000:.0f} ms, "
          f"render DOCX {t_docx * 1000:.0f} ms")
    print(f"median of {RUNS}: generate PDF (build + render + archive) {t_gen_pdf:.2f} s, "
          f"generate DOCX {t_gen_docx:.2f} s  (target < 5 s)")


if __name__ == "__main__":
    main()
