"""``python -m benchmarks`` (``make bench``): build the synthetic databases, measure, print one table.

    python -m benchmarks                          # county + province, everything (~15 min on 2 cores)
    python -m benchmarks --size county --only report,trend
    python -m benchmarks --size stress            # ~50 million observations (asks for ~10 GB RAM)
    python -m benchmarks --readme                 # also rewrite the table in benchmarks/README.md

Measurements (``--only``, comma-separated): ingest, ingest_cli (a whole ``python -m ingest``
process beside the calamine parse alone, and their ratio), upload_memory (the serving
process's RSS while a 1,000,000-row upload is refused and a 200,000-row one loaded), cold
(fresh processes: start-up imports, the report from cold, the first report after a new data
version; see benchmarks/cold.py), report,
pages, publish, concurrency, rss, briefing, external (the other benchmark scripts in this folder, when present). ``report``
covers the report and the trend query.
The table is printed and written to benchmarks/out/results.md (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
import traceback
from datetime import date
from pathlib import Path

from . import build, synth
from .harness import OUT, ROOT, Result, machine, table, versions

ALL = ("ingest", "ingest_cli", "upload_memory", "cold", "report", "pages", "publish", "concurrency", "rss",
       "briefing", "external")
README = Path(__file__).resolve().parent / "README.md"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def briefing(db: Path, size: synth.Size, n: int = 3) -> list[Result]:
    """The leadership briefing PDF for the latest week: build (figures) + render (WeasyPrint)."""
    try:
        from pricewatch import briefing as br
    except ImportError:
        return [Result("briefing", "briefing PDF", size.name, None, "ms", note="pricewatch.briefing absent")]
    from pricewatch import indicators
    from pricewatch.config import load_settings
    from pricewatch.store import open_store

    store = open_store(db)
    settings = load_settings(db)
    rep = indicators.report(store, public=True)
    period = rep.period.label if rep is not None else f"{synth.LAST_MONDAY:%G-W%V}"
    times, b_times, pages = [], [], 0
    t = time.perf_counter()
    br.render(br.build(store, settings, period, public=True), "pdf")  # warm-up: fonts, caches
    first = (time.perf_counter() - t) * 1000
    for _ in range(n):
        t = time.perf_counter()
        b = br.build(store, settings, period, public=True)
        t_b = time.perf_counter()
        pdf = br.render(b, "pdf")
        times.append((time.perf_counter() - t) * 1000)
        b_times.append((t_b - t) * 1000)
        pages = _pdf_pages(pdf)
    return [Result("briefing", "briefing PDF, latest week (build + render)", size.name,
                   statistics.median(times), "ms", n, ref=statistics.median(b_times),
                   ref_label="build (figures) alone",
                   note=f"{period}, {len(pdf) / 1024:.0f} KB, {pages} page(s); first run {first:,.0f} ms")]


def _pdf_pages(pdf: bytes) -> int:
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 - pypdf is a dev dependency; the count is only a note
        return 0


def external(sizes: list[str], log=log) -> list[str]:
    """The other benchmark scripts in this folder: run (the briefing one on the largest
    database of this run), keep the tail of their output."""
    out = []
    big = synth.SIZES[sizes[-1]]
    period = f"{synth.LAST_MONDAY:%G-W%V}"
    args = {"ingest_bench": [], "briefing_bench": ["--db", str(build.db_path(big)), "--period", period]}
    for name, extra_args in args.items():
        if not (Path(__file__).parent / f"{name}.py").exists():
            continue
        log(f"running benchmarks/{name}.py {' '.join(extra_args)}")
        try:
            p = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *extra_args], cwd=ROOT,
                               capture_output=True,
                               text=True, timeout=1800, env={"PYTHONPATH": str(ROOT), **_env()})
            tail = "\n".join((p.stdout or p.stderr).strip().splitlines()[-25:])
        except subprocess.TimeoutExpired:
            tail = "(timed out after 30 min)"
        out.append(f"### benchmarks/{name}.py {' '.join(extra_args)}\n\n```\n{tail}\n```\n")
    return out


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def run(sizes: list[str], only: set[str], n: int, cold_runs: int = 7) -> tuple[list[Result], list[str]]:
    results: list[Result] = []
    extra: list[str] = []

    def guarded(what: str, fn, *args, **kw) -> None:
        t = time.perf_counter()
        log(f"[{time.strftime('%H:%M:%S')}] {what}")
        try:
            got = fn(*args, **kw)
            results.extend(got)
            for r in got:
                log(f"    {r.label} [{r.size}]: {r.value if r.value is None else round(r.value, 2)} {r.unit}"
                    f" {r.note}")
        except Exception as e:  # noqa: BLE001 - one broken measurement must not lose the others
            log(traceback.format_exc())
            results.append(Result(what.split()[0], what, "-", None, "", note=f"FAILED: {type(e).__name__}: "
                                  f"{str(e)[:150]}"))
        log(f"    ({time.perf_counter() - t:.0f} s)")

    if "ingest" in only and ("county" in sizes or len(sizes) > 1):
        from . import ingest_rate

        guarded("ingest rates (county spreadsheets)", ingest_rate.measure, log=log)
    if "ingest_cli" in only:
        from . import ingest_cli

        guarded("ingest_cli: a whole python -m ingest process against the parse alone", ingest_cli.results)
    if "upload_memory" in only:
        from . import upload_memory

        guarded("upload_memory: server RSS during a refused and a loaded upload", upload_memory.results)
    if "cold" in only:
        from . import cold

        guarded("cold: start-up imports", cold.startup, cold_runs)
    for name in sizes:
        size = synth.SIZES[name]
        t = time.perf_counter()
        db, info = build.ensure_db(size, log=log)
        results.append(Result("build", f"build the {name} database ({info['path']} path)", name,
                              info["rows"] / max(info["seconds"], 1e-9), "rows/s", 1,
                              note=f"{info['rows']:,} observations in {info['seconds']:.0f} s"
                                   f" (built {info['built']}; reused {time.perf_counter() - t:.0f} s)"))
        if "cold" in only:
            from . import cold

            guarded(f"cold: the report from a fresh process at {name}", cold.measure, db, name, cold_runs)
        if "report" in only:
            from . import queries

            guarded(f"report/trend queries at {name}", queries.measure, db, size, n=n, log=log)
        if "pages" in only:
            from . import pages

            guarded(f"page renders at {name}", pages.measure, db, size, log=log)
        if "publish" in only:
            from . import publish

            guarded(f"write/publish cost at {name}", publish.measure, db, size, log=log)
        if "concurrency" in only:
            from . import concurrency

            guarded(f"concurrent readers at {name}", concurrency.measure, db, size, log=log)
        if "rss" in only:
            from . import rss

            guarded(f"dashboard RSS at {name}", rss.measure, db, size, log=log)
        if "briefing" in only:
            guarded(f"briefing PDF at {name}", briefing, db, size)
    if "external" in only:
        extra = external(sizes)
    return results, extra


def render(results: list[Result], extra: list[str], argv: list[str]) -> str:
    m = machine()
    v = versions()
    cmd = "python -m benchmarks " + " ".join(argv) if argv else "make bench  (= .venv/bin/python -m benchmarks)"
    head = (f"Run {date.today().isoformat()} {time.strftime('%H:%M')} UTC on {m['nproc']} CPUs "
            f"({m['cpu']}), {m['ram']} RAM, Python {m['python']}, "
            + ", ".join(f"{k} {x}" for k, x in v.items()) + f".\n\nCommand: `{cmd}`\n")
    return head + "\n" + table(results) + "\n" + ("\n" + "\n".join(extra) if extra else "")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="county,province",
                    help="comma-separated: tiny, county, million, province, stress (default county,province)")
    ap.add_argument("--only", default=",".join(a for a in ALL if a != "external"),
                    help=f"comma-separated subset of: {', '.join(ALL)}")
    ap.add_argument("-n", type=int, default=None,
                    help="repetitions: of the in-process timings (default 20) and of the fresh"
                         " processes of `cold` (default 7)")
    ap.add_argument("--readme", action="store_true", help="rewrite the results section of benchmarks/README.md")
    a = ap.parse_args(argv)
    sizes = [s.strip() for s in a.size.split(",") if s.strip()]
    bad = [s for s in sizes if s not in synth.SIZES]
    only = {s.strip() for s in a.only.split(",") if s.strip()}
    if "trend" in only:
        only.add("report")
    unknown = only - set(ALL) - {"trend"}
    if bad or unknown:
        print(f"未知的规模或测量项: {', '.join(bad + sorted(unknown))}; 规模可选 {', '.join(synth.SIZES)},"
              f" 测量项可选 {', '.join(ALL)}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    results, extra = run(sizes, only, a.n or 20, cold_runs=a.n or 7)
    text = render(results, extra, argv)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps([r.__dict__ for r in results], ensure_ascii=False,
                                                 default=str, indent=1), encoding="utf-8")
    print(text)
    log(f"total {time.perf_counter() - t0:.0f} s; written to {OUT / 'results.md'}")
    if a.readme and README.exists():
        body = README.read_text(encoding="utf-8")
        new = re.sub(r"(<!-- results:start -->\n).*?(\n<!-- results:end -->)",
                     lambda mm: mm.group(1) + text.strip() + mm.group(2), body, flags=re.S)
        README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
